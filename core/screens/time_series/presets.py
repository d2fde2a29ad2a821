"""The Time series screen's teaching presets (core.runs.presets.Preset): each loads one idea, with
the sentence saying what to look for; tests/runs/test_presets.py runs every one and checks its promise."""

from __future__ import annotations

from core.runs.presets import Preset
from core.words.i18n import N_

PRESETS = (
    Preset(
        "prices",
        N_("The naive forecast wins on prices"),
        N_(
            "On the stock-like prices the lab's LSTM loses to “the next value = the last one”: a price's next day "
            "is close to today's, and what moves it is not in the past values. Compare the two errors below."
        ),
        {"source": "stock"},
        {"model_wins": False},
    ),
    Preset(
        "seasonal",
        N_("Seasonal data: the model wins"),
        N_(
            "On a series with a repeating season the past does say what comes next: the same LSTM beats the naive "
            "forecast by a clear margin."
        ),
        {"source": "seasonal"},
        {"model_wins": True},
    ),
)
