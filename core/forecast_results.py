"""A trained forecaster judged honestly: its predictions back in the file's units, its errors against the
naive forecast "the next value = the last one", a verdict computed from both, and a forecast past the end.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import Tensor

from core.forecasting import PREDICT_BATCH, PreparedForecast
from core.metrics import mae, mape, naive_forecast, rmse
from core.models import SequenceModel
from core.validation import whole_number

MAX_FORECAST_STEPS = 365


@torch.no_grad()
def predict_scaled(model: SequenceModel, inputs: Tensor, batch_size: int = PREDICT_BATCH) -> np.ndarray:
    """(N, window, features) → (N, horizon) scaled predictions, in batches so 200,000 windows fit in memory."""
    model.eval()
    device = next(model.parameters()).device
    parts = []
    for start in range(0, inputs.shape[0], batch_size):
        outputs, _ = model(inputs[start : start + batch_size].to(device))  # (batch, window, horizon)
        parts.append(outputs[:, -1].cpu().numpy())
    return np.concatenate(parts).astype("float64")


def metrics(truth: np.ndarray, prediction: np.ndarray) -> dict[str, float]:
    return {"RMSE": rmse(truth, prediction), "MAE": mae(truth, prediction), "MAPE (%)": mape(truth, prediction)}


def format_number(value: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3f}" if abs(value) >= 1 else f"{value:.4g}"


def verdict(model: dict[str, float], naive: dict[str, float]) -> str:
    """One plain sentence from the numbers: which forecast misses less on the test part, by RMSE and MAE."""
    if not all(math.isfinite(model[name]) for name in ("RMSE", "MAE")):
        return "The model's predictions are not finite numbers, so they cannot be compared with the baseline."
    ours, theirs = model["RMSE"], naive["RMSE"]
    numbers = f"RMSE {format_number(ours)} against {format_number(theirs)}"
    mae_winner = "model" if model["MAE"] < naive["MAE"] else "naive forecast"
    if theirs == 0 or abs(ours / theirs - 1) < 0.02:
        sentence = (
            f"On the test part the model and the naive forecast are about as good ({numbers}): the network "
            "has learned little more than “the next value equals the last one”."
        )
    elif ours < theirs:
        sentence = (
            f"On the test part the model beats the naive forecast: {numbers}, {1 - ours / theirs:.0%} lower. "
            "It has learned something beyond “the next value equals the last one”."
        )
        mae_winner = "" if mae_winner == "model" else mae_winner
    else:
        sentence = (
            f"On the test part the naive forecast “the next value equals the last one” beats the model: "
            f"{numbers}, {ours / theirs - 1:.0%} higher for the model. On prices this is common."
        )
        mae_winner = "" if mae_winner == "naive forecast" else mae_winner
    if mae_winner:
        sentence += f" By MAE (the typical miss), though, the {mae_winner} is better."
    return sentence


@dataclass(frozen=True)
class ForecastResult:
    """Predictions for every window in original units, and the test metrics of model and baseline."""

    predictions: np.ndarray  # (windows, horizon)
    naive: np.ndarray  # (windows, horizon)
    model_metrics: dict[str, float]
    naive_metrics: dict[str, float]
    verdict: str

    @property
    def finite(self) -> bool:
        return bool(np.isfinite(self.predictions).all())


def evaluate_forecast(prepared: PreparedForecast, model: SequenceModel) -> ForecastResult:
    """Predict every window, invert the scaling, and score model and naive forecast on the test windows."""
    scaled = predict_scaled(model, prepared.inputs)  # (windows, horizon)
    predictions = prepared.target_scaler.inverse_transform(scaled)  # (windows, horizon), original units
    settings = prepared.settings
    naive = naive_forecast(prepared.target_values, settings.window, settings.horizon)  # (windows, horizon)
    test, truth = prepared.split.test_windows, prepared.truth
    model_metrics = metrics(truth[test], predictions[test])
    naive_metrics = metrics(truth[test], naive[test])
    return ForecastResult(predictions, naive, model_metrics, naive_metrics, verdict(model_metrics, naive_metrics))


def future_times(times: pd.Index, has_dates: bool, steps: int) -> pd.Index:
    """The next ``steps`` time points after the data: the dates' own frequency, else the median gap."""
    if not has_dates:
        return pd.RangeIndex(len(times), len(times) + steps)
    dates = pd.DatetimeIndex(times)
    last = dates[-1]
    recent = dates[-30:]
    frequency = None
    if len(recent) >= 3 and recent.is_unique and recent.is_monotonic_increasing:
        with warnings.catch_warnings():  # pandas 3 announces infer_freq returning an offset; both work below
            warnings.simplefilter("ignore")
            try:
                frequency = pd.infer_freq(recent)
            except (TypeError, ValueError):
                frequency = None
    if frequency is not None:
        return pd.date_range(last, periods=steps + 1, freq=frequency)[1:]
    gaps = pd.Series(dates[-200:]).diff()
    gaps = gaps[gaps > pd.Timedelta(0)]
    gap = gaps.median() if len(gaps) else pd.Timedelta(days=1)
    return pd.DatetimeIndex([last + gap * step for step in range(1, steps + 1)])


@torch.no_grad()
def forecast_beyond(prepared: PreparedForecast, model: SequenceModel, steps: int) -> np.ndarray:
    """Recursive forecast past the end: (steps,) in original units.

    The model reads the last ``window`` rows, predicts the next ``horizon`` values, and those become
    rows of its next input. The future of the other features is unknown, so they are held at their
    last value (a univariate model, features = target only, avoids that assumption).
    """
    steps = whole_number(steps, "The number of forecast steps", 1, MAX_FORECAST_STEPS)
    settings = prepared.settings
    model.eval()
    device = next(model.parameters()).device
    rows = list(prepared.scaled_features[-settings.window :])  # window × (features,)
    column = settings.features.index(settings.target) if settings.target in settings.features else None
    values: list[float] = []
    while len(values) < steps:
        window = torch.from_numpy(np.stack(rows[-settings.window :]))[None].to(device)  # (1, window, features)
        outputs, _ = model(window)
        scaled = outputs[0, -1].cpu().numpy().astype("float64")  # (horizon,)
        original = prepared.target_scaler.inverse_transform(scaled).reshape(-1)  # (horizon,)
        for value in original:
            row = rows[-1].copy()
            if column is not None:
                row[column] = prepared.feature_scaler.transform(np.full(row.shape, value))[column]
            rows.append(row.astype(np.float32))
            values.append(float(value))
    return np.array(values[:steps])
