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

from core.reading.validation import whole_number
from core.words.errors import InputError
from core.words.i18n import N_
from core.words.message import Message, as_said, said, said_plural, sentences

TRAIN_FRACTION_LIMITS = (0.1, 0.95)
SMALLER_UNITS = N_(
    "Express the column in larger units (divide it by a power of ten, e.g. millions) and upload the file again."
)
# Scaled values go to the network as float32, whose largest number is about 3.4e38.
FLOAT32_MAX = float(np.finfo(np.float32).max)


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
        raise InputError(
            N_("The training share must be between {low:.0%} and {high:.0%} so that both parts have rows."),
            low=low,
            high=high,
        )


def rows_needed(train_fraction: float, window: int, horizon: int) -> int:
    """The fewest rows that give one training and one test window."""
    needed = window + horizon + 1
    while not _split_is_usable(ChronologicalSplit(needed, round(train_fraction * needed), window, horizon)):
        needed += 1
    return needed


SHORTEST_WINDOW = 2  # the window slider's lowest value (core.screens.time_series.forecasting.WINDOW_LIMITS)


def chronological_split(rows: int, train_fraction: float, window: int, horizon: int) -> ChronologicalSplit:
    """Split at ``round(train_fraction * rows)``, never shuffling: the test part is the future."""
    _check_train_fraction(train_fraction)
    split = ChronologicalSplit(rows, round(train_fraction * rows), window, horizon)
    if not _split_is_usable(split):
        needed = rows_needed(train_fraction, window, horizon)
        shortest = min(window, SHORTEST_WINDOW)
        if (shortest, 1) != (window, horizon) and rows >= rows_needed(train_fraction, shortest, 1):
            advice = said(N_("Shorten the window or the horizon, or use a longer series."))
        else:  # even the shortest settings do not fit: only more rows help
            advice = said(
                N_("Use a longer series: even a window of {shortest} and a horizon of 1 need more rows."),
                shortest=shortest,
            )
        too_few = said_plural(
            "Too few rows: the series has {rows:,} row, but a window of {window} and a horizon of {horizon} with "
            "{share:.0%} for training need at least {needed:,} rows (one training and one test window).",
            "Too few rows: the series has {rows:,} rows, but a window of {window} and a horizon of {horizon} with "
            "{share:.0%} for training need at least {needed:,} rows (one training and one test window).",
            rows,
            rows=rows,
            window=window,
            horizon=horizon,
            share=train_fraction,
            needed=needed,
        )
        raise InputError(sentences(too_few, advice))
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
    window = whole_number(window, N_("The window"), 1, 1_000_000)
    horizon = whole_number(horizon, N_("The horizon"), 1, 1_000_000)
    if target not in frame.columns or not pd.api.types.is_numeric_dtype(frame[target]):
        raise InputError(
            N_("The target '{name}' is not a numeric column of the table: choose one of its numbers."), name=target
        )
    for column in [target, *features]:
        if column not in frame.columns or not pd.api.types.is_numeric_dtype(frame[column]):
            raise InputError(
                N_("The feature '{name}' is not a numeric column of the table: choose one of its numbers."), name=column
            )
        gaps = int((~np.isfinite(frame[column].to_numpy(dtype="float64"))).sum())
        if gaps:
            raise InputError(
                N_(
                    "The column '{name}' still has {count:,} missing values: choose a missing-value policy "
                    "(drop rows, fill forward or fill with 0)."
                ),
                name=column,
                count=gaps,
            )
    # Too few rows before a constant target: one row is always "the same value in every row", but the
    # learner's real problem is the length of the file.
    split = chronological_split(len(frame), train_fraction, int(window), int(horizon))
    values = frame[target].to_numpy(dtype="float64")
    if values.min() == values.max():
        raise InputError(
            N_(
                "The target column '{name}' has the same value in every row: nothing to forecast. "
                "Choose another column."
            ),
            name=target,
        )
    return split


def _column_name(names: Sequence[str], column: int) -> Message:
    """'Close' for a named column, "a column" (in words) when the scaler was fitted without names."""
    return as_said(f"'{names[column]}'") if column < len(names) else said(N_("a column"))


@dataclass(frozen=True)
class MinMaxScaler:
    """Maps each column to [0, 1] using the minimum and maximum *of the training rows*.

    Test values outside the training range map below 0 or above 1, and that is the honest
    picture: the model has never seen such values. A column that is constant in the training
    part maps to 0 (its span is taken as 1, so nothing is divided by zero).
    """

    minimum: np.ndarray  # (columns,)
    span: np.ndarray  # (columns,) maximum - minimum, or 1 for a constant column
    maximum: np.ndarray | None = None  # (columns,) as fitted (the span of a constant column is not max - min)

    @classmethod
    def fit(cls, train_values: np.ndarray, names: Sequence[str] = ()) -> MinMaxScaler:
        """Learn min and span from (rows, columns) or (rows,) training values; ``names`` name the columns
        in the message when a range is too large for floating point (near ±1.7e308, max − min overflows)."""
        values = np.asarray(train_values, dtype="float64")
        if len(values) == 0:  # before the reshape, which cannot infer the columns of zero rows
            raise InputError(N_("There are no training rows to fit the scaling on: raise the training share."))
        values = values.reshape(len(values), -1)  # (rows, columns)
        if not np.isfinite(values).all():
            raise InputError(
                N_("The training part has missing or infinite values: choose a missing-value policy first.")
            )
        minimum, maximum = values.min(axis=0), values.max(axis=0)
        with np.errstate(over="ignore"):
            span = maximum - minimum
        overflowing = np.flatnonzero(~np.isfinite(span))
        if len(overflowing):
            column = int(overflowing[0])
            too_large = said(
                N_(
                    "The values of {name} in the training rows run from {low:.3g} to {high:.3g}: that range is "
                    "larger than floating-point numbers can hold (about 1.8e308), so they cannot be scaled to 0–1 "
                    "for training."
                ),
                name=_column_name(names, column),
                low=float(minimum[column]),
                high=float(maximum[column]),
            )
            raise InputError(sentences(too_large, said(SMALLER_UNITS)))
        return cls(minimum=minimum, span=np.where(span > 0, span, 1.0), maximum=maximum)

    def transform(self, values: np.ndarray) -> np.ndarray:
        """Original units → scaled; the last axis is the columns (or any shape for a one-column scaler)."""
        with np.errstate(over="ignore"):
            return (np.asarray(values, dtype="float64") - self.minimum) / self.span

    def transform_for_training(self, values: np.ndarray, names: Sequence[str]) -> np.ndarray:
        """``transform`` as float32 for the network, refusing a column whose test values land too far outside
        the training range to be a number there (e.g. training values 0–1, test values 1e300)."""
        scaled = self.transform(values)
        beyond = ~(np.abs(scaled) <= FLOAT32_MAX)  # (rows, columns) or (rows,): inf and NaN count too
        if beyond.any():
            column = int(np.flatnonzero(beyond.reshape(len(scaled), -1).any(axis=0))[0])
            too_far = said(
                N_(
                    "Some values of {name} lie so far outside the training rows' range (scaled: beyond 3.4e38) "
                    "that the network cannot read them as numbers."
                ),
                name=_column_name(names, column),
            )
            raise InputError(
                sentences(too_far, said(SMALLER_UNITS), said(N_("Or check the file for a misplaced value.")))
            )
        return scaled.astype(np.float32)

    def inverse_transform(self, scaled: np.ndarray) -> np.ndarray:
        """Scaled → original units, e.g. predictions (windows, horizon) with the target's scaler."""
        return np.asarray(scaled, dtype="float64") * self.span + self.minimum
