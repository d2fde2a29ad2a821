"""The Time series screen's registry entry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.runs.code import RunCode
from core.screens.screen import Screen
from core.screens.time_series import FORMER_KEYS, KEY
from core.screens.time_series.forecasting import ForecastSettings
from core.screens.time_series.presets import PRESETS
from core.screens.time_series.run_code import forecast_code
from core.words.errors import InputError
from core.words.i18n import N_


def build(settings: ForecastSettings) -> tuple[dict, dict]:
    """A run trains on a table its settings do not hold: only its page, with the table, builds one."""
    raise InputError(N_("A Time series run trains on a table: load it on the Time series screen, with its data."))


def script(settings: ForecastSettings, rate_changes: Sequence[tuple[int, float]], shown: Any) -> RunCode | None:
    """The script needs the rows the run trained on (``shown.prepared``): none before a run."""
    return forecast_code(shown.prepared, rate_changes) if shown is not None else None


SCREEN = Screen(
    KEY,
    N_("Time series"),
    ":material/show_chart:",
    N_("Past days → next value on stock-like data or your own CSV, against a naive baseline."),
    settings=ForecastSettings,
    build=build,
    presets=PRESETS,
    script=script,
    notes=("labs",),
    former_keys=FORMER_KEYS,
)
