"""The naive baseline and the error measures (core.metrics)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.metrics import mae, mape, naive_forecast, rmse

# ------------------------------------------------------------------------------------------ baseline and metrics


def test_naive_baseline_metrics_are_exact():
    target = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    truth = np.array([[4.0], [8.0], [16.0]])  # what each of the 3 windows of 2 days is followed by
    naive = naive_forecast(target, window=2, horizon=1)  # (3, 1): 2, 4, 8
    assert naive.tolist() == [[2.0], [4.0], [8.0]]
    assert mae(truth, naive) == pytest.approx(14 / 3)
    assert rmse(truth, naive) == pytest.approx(math.sqrt(28))
    assert mape(truth, naive) == pytest.approx(50.0)
    assert naive_forecast(target, window=2, horizon=2).tolist() == [[2.0, 2.0], [4.0, 4.0]]


def test_mape_ignores_zero_truths():
    assert mape(np.array([0.0, 2.0]), np.array([1.0, 3.0])) == pytest.approx(50.0)
    assert math.isnan(mape(np.zeros(3), np.ones(3)))
