"""How good a forecast is: the naive "next = last" baseline and the error measures beside it."""

from __future__ import annotations

import numpy as np


def naive_forecast(target_values: np.ndarray, window: int, horizon: int) -> np.ndarray:
    """The naive forecast "tomorrow = today": each window's last target value, repeated over the horizon.

    Aligned with ``core.forecasting.cut_windows``: row ``i`` is the forecast for window ``i``. (N, horizon) float64.
    """
    target_values = np.asarray(target_values, dtype="float64").reshape(-1)  # (rows,)
    count = len(target_values) - window - horizon + 1
    last_seen = target_values[window - 1 : window - 1 + max(count, 0)]  # (N,)
    return np.repeat(last_seen[:, None], horizon, axis=1)  # (N, horizon)


def _errors(truth: np.ndarray, prediction: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    truth, prediction = np.asarray(truth, dtype="float64"), np.asarray(prediction, dtype="float64")
    if truth.shape != prediction.shape:
        raise ValueError(f"truth {truth.shape} and prediction {prediction.shape} must have the same shape")
    return truth, prediction - truth


def rmse(truth: np.ndarray, prediction: np.ndarray) -> float:
    """Root mean squared error, in the units of the target; big misses weigh more."""
    _, error = _errors(truth, prediction)
    return float(np.sqrt(np.mean(error**2)))


def mae(truth: np.ndarray, prediction: np.ndarray) -> float:
    """Mean absolute error, in the units of the target: the typical miss."""
    _, error = _errors(truth, prediction)
    return float(np.mean(np.abs(error)))


def mape(truth: np.ndarray, prediction: np.ndarray) -> float:
    """Mean absolute percentage error, in percent.

    A miss relative to a true value of 0 is infinite, so those points are left out; NaN when
    every true value is 0. Also unreliable near 0: prefer RMSE/MAE for series that cross zero.
    """
    truth, error = _errors(truth, prediction)
    nonzero = truth != 0
    if not nonzero.any():
        return float("nan")
    return float(np.mean(np.abs(error[nonzero] / truth[nonzero])) * 100)
