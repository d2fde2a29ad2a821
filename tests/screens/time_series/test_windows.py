"""Cutting a series into windows and targets (core.screens.time_series.forecasting.cut_windows)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.screens.time_series.forecasting import cut_windows
from core.words.errors import InputError

# ------------------------------------------------------------------------------------------ windows


def test_windows_and_targets_on_a_tiny_array():
    values = np.arange(20, dtype=float).reshape(10, 2)  # (rows, features)
    values = values.astype(np.float32)
    inputs, targets = cut_windows(values, values[:, 1].copy(), window=3, horizon=2)
    assert inputs.shape == (6, 3, 2) and targets.shape == (6, 2)
    assert inputs.dtype == torch.float32 and targets.dtype == torch.float32
    inputs, targets = inputs.numpy(), targets.numpy()
    np.testing.assert_array_equal(inputs[0], values[0:3])
    np.testing.assert_array_equal(targets[0], values[3:5, 1])
    np.testing.assert_array_equal(inputs[5], values[5:8])
    np.testing.assert_array_equal(targets[5], [17.0, 19.0])


def test_cutting_windows_refuses_a_series_shorter_than_window_plus_horizon():
    with pytest.raises(InputError, match="too few"):
        cut_windows(np.zeros((4, 1), np.float32), np.zeros(4, np.float32), window=3, horizon=2)
