"""Taking a forecast away: predictions as CSV (safe to open in a spreadsheet) and the run as JSON.

The CSV is data for a spreadsheet or a program: its column headers ("time", "part", "model prediction", …) and its
codes ("train", "test") stay in English whatever the screen's language, so a notebook that reads one file reads
them all. The JSON's keys are data too; its sentences (verdict, notes) are words, in the learner's language.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict

import numpy as np
import pandas as pd
import torch

from core.engine.records import TrainingHistory
from core.reading.csv_cells import spreadsheet_safe
from core.screens.time_series.forecasting import PreparedForecast
from core.screens.time_series.results import ForecastResult, future_times
from core.words.i18n import _

FUTURE_PART = "forecast beyond the data"  # the "part" of the rows past the end (data: English, as the headers)


def _escape_cell(cell: object) -> object:
    return spreadsheet_safe(cell) if isinstance(cell, str) else cell


def escape_for_spreadsheet(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy safe to open in a spreadsheet: text starting with = + - @ (or tab/CR) gets a leading '
    (``core.reading.csv_cells.spreadsheet_safe``, which every CSV file the app writes goes through).

    Otherwise a cell like ``=HYPERLINK(...)`` from an uploaded column name would run as a
    formula in Excel (CSV injection). Numbers and dates are left as they are.
    """
    result = frame.copy()
    result.columns = [_escape_cell(column) for column in frame.columns]
    for position in range(result.shape[1]):  # by position: two names may escape to the same text
        series = result.iloc[:, position]
        if not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series)):
            result.isetitem(position, series.map(_escape_cell).astype(object))
    return result


def _part(prepared: PreparedForecast) -> np.ndarray:
    part = np.full(prepared.split.windows, "between", dtype=object)
    part[prepared.split.train_windows] = "train"
    part[prepared.split.test_windows] = "test"
    return part


def predictions_frame(
    prepared: PreparedForecast, result: ForecastResult, future: np.ndarray | None = None
) -> pd.DataFrame:
    """One row per window (time of its first target) and per future step, escaped for spreadsheets."""
    settings = prepared.settings
    first_rows = np.arange(prepared.split.windows) + settings.window
    frame = pd.DataFrame({"time": prepared.times[first_rows], "part": _part(prepared)})
    truth = prepared.truth

    def suffix(step: int) -> str:
        return "" if settings.horizon == 1 else f" (t+{step + 1})"

    for step in range(settings.horizon):  # headers in English: data, not words (see the module's docstring)
        frame[f"{settings.target}{suffix(step)}"] = truth[:, step]  # the true value, named like the file's column
        frame[f"model prediction{suffix(step)}"] = result.predictions[:, step]
        frame[f"naive prediction{suffix(step)}"] = result.naive[:, step]
    if future is not None and len(future):
        times = future_times(prepared.times, prepared.has_dates, len(future))
        extra = pd.DataFrame({"time": times})
        extra["part"] = FUTURE_PART
        extra[f"model prediction{suffix(0)}"] = future
        frame = pd.concat([frame, extra], ignore_index=True)
    return escape_for_spreadsheet(frame)


def predictions_csv(prepared: PreparedForecast, result: ForecastResult, future: np.ndarray | None = None) -> bytes:
    return predictions_frame(prepared, result, future).to_csv(index=False).encode("utf-8")


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def scaling(prepared: PreparedForecast) -> dict:
    """The min/max scaling as fitted, read back from the scalers themselves: which rows, and each column's range."""
    settings = prepared.settings
    ranges = {}
    for name, scaler, column in [
        *((name, prepared.feature_scaler, i) for i, name in enumerate(settings.features)),
        (settings.target, prepared.target_scaler, 0),
    ]:
        ranges[name] = {"minimum": float(scaler.minimum[column]), "maximum": float(scaler.maximum[column])}
    train_rows = prepared.split.train_rows
    return {
        "fitted_on_rows": _("1 to {rows} (the training part)").format(rows=train_rows),
        "training_rows": train_rows,
        "ranges": ranges,
    }


def summary(prepared: PreparedForecast, result: ForecastResult, history: TrainingHistory, source: str) -> dict:
    """The run's settings, data and metrics, ready for ``json.dumps`` (no NaN: missing numbers are null). Its
    sentences are in the current language (the file is written when the learner downloads it)."""
    split = prepared.split
    last = history.records[-1] if history.records else None
    return {
        "source": source,
        "settings": asdict(prepared.settings),
        "data": {
            "rows": prepared.rows,
            "training_rows": split.train_rows,
            "windows": split.windows,
            "training_windows": split.train_windows.stop - split.train_windows.start,
            "test_windows": split.test_windows.stop - split.test_windows.start,
            "first": str(prepared.times[0]),
            "last": str(prepared.times[-1]),
            "scaling": scaling(prepared),
            "notes": prepared.notes,
        },
        "test_metrics": {
            "model": {name: _finite(value) for name, value in result.model_metrics.items()},
            "naive_last_value": {name: _finite(value) for name, value in result.naive_metrics.items()},
            "verdict": result.verdict,
            "mape_note": result.mape_note,
        },
        "training": {
            "epochs_run": len(history.records),
            "final_loss": _finite(last.loss) if last else None,
            "final_validation_loss": _finite(last.validation_loss) if last and last.validation_loss else None,
            "stopped": history.stopped.reason if history.stopped else None,
            "seconds": round(history.seconds, 3),
            "torch": torch.__version__,
        },
    }


def summary_json(prepared: PreparedForecast, result: ForecastResult, history: TrainingHistory, source: str) -> bytes:
    return json.dumps(summary(prepared, result, history, source), indent=2, ensure_ascii=False).encode("utf-8")
