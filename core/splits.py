"""Time order and scale: which rows train and which test, and a min/max scaler fitted on the training rows.

Honest means two things the seed lab skips. The scaler is fitted on the training rows only (the
lab scaled the test part with its own min/max, which lets the model peek at the future). And the
test part is the end of the series, never a shuffled sample of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import InputError
from core.validation import whole_number

TRAIN_FRACTION_LIMITS = (0.1, 0.95)


@dataclass(frozen=True)
class ChronologicalSplit:
    """Rows ``[0, train_rows)`` train, the rest test; which windows belong to which part.

    Window ``i`` reads rows ``i .. i+window-1`` and predicts rows ``i+window .. i+window+horizon-1``.
    A training window has all its *targets* in the training rows. A test window has all its targets
    in the test rows; its inputs may reach back into the last ``window`` training rows, which is
    fair: at forecast time those past values are known. With ``horizon > 1`` the few windows whose
    targets straddle the boundary belong to neither part.
    """

    rows: int
    train_rows: int
    window: int
    horizon: int

    @property
    def windows(self) -> int:
        """How many windows ``make_windows`` cuts from ``rows`` rows."""
        return max(0, self.rows - self.window - self.horizon + 1)

    @property
    def train_windows(self) -> slice:
        return slice(0, max(0, self.train_rows - self.window - self.horizon + 1))

    @property
    def test_windows(self) -> slice:
        return slice(max(0, self.train_rows - self.window), self.windows)

    def first_target_rows(self, windows: slice) -> np.ndarray:
        """The row of each window's first target, to draw predictions at the right time: (windows,)."""
        return np.arange(self.windows)[windows] + self.window


def _split_is_usable(split: ChronologicalSplit) -> bool:
    train, test = split.train_windows, split.test_windows
    return train.stop - train.start >= 1 and test.stop - test.start >= 1


def _check_train_fraction(train_fraction: float) -> None:
    low, high = TRAIN_FRACTION_LIMITS
    if not low <= train_fraction <= high:
        raise InputError(f"The training share must be between {low:.0%} and {high:.0%} so that both parts have rows.")


def chronological_split(rows: int, train_fraction: float, window: int, horizon: int) -> ChronologicalSplit:
    """Split at ``round(train_fraction * rows)``, never shuffling: the test part is the future."""
    _check_train_fraction(train_fraction)
    split = ChronologicalSplit(rows, round(train_fraction * rows), window, horizon)
    if not _split_is_usable(split):
        needed = window + horizon + 1
        while not _split_is_usable(ChronologicalSplit(needed, round(train_fraction * needed), window, horizon)):
            needed += 1
        raise InputError(
            f"The series has {rows:,} rows, but a window of {window} and a horizon of {horizon} with "
            f"{train_fraction:.0%} for training need at least {needed:,} rows (one training and one test window). "
            "Shorten the window or the horizon, or use a longer series."
        )
    return split


def validate_target(
    frame: pd.DataFrame,
    target: str,
    window: int,
    horizon: int,
    train_fraction: float,
    features: Sequence[str] = (),
) -> ChronologicalSplit:
    """Refuse a forecast that cannot be made, before any training starts; return the split it will use."""
    _check_train_fraction(train_fraction)
    window = whole_number(window, "The window", 1, len(frame))
    horizon = whole_number(horizon, "The horizon", 1, len(frame))
    if target not in frame.columns or not pd.api.types.is_numeric_dtype(frame[target]):
        raise InputError(f"The target '{target}' is not a numeric column of the table: choose one of its numbers.")
    for column in [target, *features]:
        if column not in frame.columns or not pd.api.types.is_numeric_dtype(frame[column]):
            raise InputError(f"The feature '{column}' is not a numeric column of the table: choose one of its numbers.")
        gaps = int((~np.isfinite(frame[column].to_numpy(dtype="float64"))).sum())
        if gaps:
            raise InputError(
                f"The column '{column}' still has {gaps:,} missing values: choose a missing-value policy "
                "(drop rows or fill forward)."
            )
    values = frame[target].to_numpy(dtype="float64")
    if len(values) and values.min() == values.max():
        raise InputError(
            f"The target column '{target}' has the same value in every row: nothing to forecast. Choose another column."
        )
    return chronological_split(len(frame), train_fraction, int(window), int(horizon))


@dataclass(frozen=True)
class MinMaxScaler:
    """Maps each column to [0, 1] using the minimum and maximum *of the training rows*.

    Test values outside the training range map below 0 or above 1, and that is the honest
    picture: the model has never seen such values. A column that is constant in the training
    part maps to 0 (its span is taken as 1, so nothing is divided by zero).
    """

    minimum: np.ndarray  # (columns,)
    span: np.ndarray  # (columns,) maximum - minimum, or 1 for a constant column

    @classmethod
    def fit(cls, train_values: np.ndarray) -> MinMaxScaler:
        """Learn min and span from (rows, columns) or (rows,) training values."""
        values = np.asarray(train_values, dtype="float64")
        values = values.reshape(len(values), -1)  # (rows, columns)
        if len(values) == 0:
            raise InputError("There are no training rows to fit the scaling on: raise the training share.")
        if not np.isfinite(values).all():
            raise InputError("The training part has missing or infinite values: choose a missing-value policy first.")
        minimum = values.min(axis=0)
        span = values.max(axis=0) - minimum
        return cls(minimum=minimum, span=np.where(span > 0, span, 1.0))

    def transform(self, values: np.ndarray) -> np.ndarray:
        """Original units → scaled; the last axis is the columns (or any shape for a one-column scaler)."""
        return (np.asarray(values, dtype="float64") - self.minimum) / self.span

    def inverse_transform(self, scaled: np.ndarray) -> np.ndarray:
        """Scaled → original units, e.g. predictions (windows, horizon) with the target's scaler."""
        return np.asarray(scaled, dtype="float64") * self.span + self.minimum
