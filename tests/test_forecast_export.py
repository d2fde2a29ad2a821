"""Taking a forecast away safely (core.forecast_export)."""

from __future__ import annotations

import pandas as pd

from core.forecast_export import escape_for_spreadsheet

# ------------------------------------------------------------------------------------------ spreadsheet safety


def test_escape_for_spreadsheet():
    frame = pd.DataFrame({"=cmd": ["=1+1", "+x", "-y", "@z", "\tq", "ok"], "value": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0]})
    escaped = escape_for_spreadsheet(frame)
    assert list(escaped.columns) == ["'=cmd", "value"]
    assert escaped["'=cmd"].tolist() == ["'=1+1", "'+x", "'-y", "'@z", "'\tq", "ok"]
    assert escaped["value"].tolist() == frame["value"].tolist()
    assert frame.columns[0] == "=cmd"  # the original is untouched
