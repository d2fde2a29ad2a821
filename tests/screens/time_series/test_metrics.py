"""The naive baseline and the error measures (core.screens.time_series.metrics)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.screens.time_series.metrics import mae, mape, mape_note, naive_forecast, rmse, zero_targets

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


def test_rmse_and_mae_stay_finite_on_values_near_the_float_limit():
    truth = np.array([1e302, -1e302, 3e302])
    prediction = np.zeros(3)
    assert rmse(truth, prediction) == pytest.approx(math.sqrt((1 + 1 + 9) / 3) * 1e302)
    assert mae(truth, prediction) == pytest.approx(5e302 / 3)
    assert rmse(np.zeros(2), np.zeros(2)) == 0.0 and mae(np.zeros(2), np.zeros(2)) == 0.0
    assert math.isnan(rmse(np.array([np.nan]), np.zeros(1)))
    assert math.isinf(rmse(np.array([np.inf]), np.zeros(1)))


def test_mape_says_how_many_zero_targets_it_leaves_out():
    truth = np.array([[0.0], [2.0], [0.0], [4.0]])
    assert zero_targets(truth) == 2
    note = mape_note(truth)
    assert "leaves out 2 of the 4 test targets" in note and "mean over the other 2" in note
    assert mape_note(np.array([1.0, 2.0])) is None  # nothing left out: nothing to say
    assert "all 3 test targets are 0" in mape_note(np.zeros(3))
