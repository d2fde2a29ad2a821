"""How good a forecast is: the naive "next = last" baseline and the error measures beside it."""

from __future__ import annotations

import math

import numpy as np

from core.words.i18n import _


def naive_forecast(target_values: np.ndarray, window: int, horizon: int) -> np.ndarray:
    """The naive forecast "tomorrow = today": each window's last target value, repeated over the horizon.

    Aligned with ``core.screens.time_series.forecasting.cut_windows``: row ``i`` is the forecast for window ``i``. (N,
    horizon) float64.
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


def _scaled(error: np.ndarray) -> tuple[float, np.ndarray]:
    """The largest miss and the misses divided by it: squaring 1e200 overflows, squaring 1 never does."""
    size = float(np.max(np.abs(error))) if error.size else 0.0
    if not math.isfinite(size) or size == 0:
        return size, np.zeros_like(error) if size == 0 else error
    return size, error / size


def rmse(truth: np.ndarray, prediction: np.ndarray) -> float:
    """Root mean squared error, in the units of the target; big misses weigh more.

    Computed on the misses divided by the largest one, so series of values near 1e300 still get a
    finite RMSE when the answer itself is a finite number.
    """
    _, error = _errors(truth, prediction)
    size, relative = _scaled(error)
    if not math.isfinite(size):
        return size
    return float(size * np.sqrt(np.mean(relative**2)))


def mae(truth: np.ndarray, prediction: np.ndarray) -> float:
    """Mean absolute error, in the units of the target: the typical miss (summed without overflow, like ``rmse``)."""
    _, error = _errors(truth, prediction)
    size, relative = _scaled(error)
    if not math.isfinite(size):
        return size
    return float(size * np.mean(np.abs(relative)))


def mape(truth: np.ndarray, prediction: np.ndarray) -> float:
    """Mean absolute percentage error, in percent.

    A miss relative to a true value of 0 is infinite, so those points are left out (``zero_targets``
    counts them, ``mape_note`` says so); NaN when every true value is 0. Also unreliable near 0:
    prefer RMSE/MAE for series that cross zero.
    """
    truth, error = _errors(truth, prediction)
    nonzero = truth != 0
    if not nonzero.any():
        return float("nan")
    return float(np.mean(np.abs(error[nonzero] / truth[nonzero])) * 100)


def zero_targets(truth: np.ndarray) -> int:
    """How many true values are exactly 0: MAPE cannot use them."""
    return int(np.count_nonzero(np.asarray(truth, dtype="float64") == 0))


def mape_note(truth: np.ndarray) -> str | None:
    """The sentence beside MAPE when it leaves true values of 0 out, with how many; None when it leaves none."""
    truth = np.asarray(truth, dtype="float64")
    zeros = zero_targets(truth)
    if not zeros:
        return None
    if zeros == truth.size:
        return _(
            "MAPE is n/a: all {count} test targets are 0, and a miss relative to 0 is not a percentage. Use RMSE and "
            "MAE here."
        ).format(count=f"{truth.size:,}")
    return _(
        "MAPE leaves out {zeros} of the {count} test targets, the ones equal to 0 (a miss relative to 0 is not a "
        "percentage); it is the mean over the other {others}. RMSE and MAE use every target."
    ).format(zeros=f"{zeros:,}", count=f"{truth.size:,}", others=f"{truth.size - zeros:,}")
