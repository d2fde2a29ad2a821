"""Time order and scale: refusing a forecast that cannot be made, the chronological split, and a scaler
fitted on the training rows only (core.reading.splits)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.reading.splits import ChronologicalSplit, MinMaxScaler, chronological_split, validate_target
from core.words.errors import InputError

# ------------------------------------------------------------------------------------------ validation and split


def ramp(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"x": np.arange(rows, dtype=float), "c": np.ones(rows)})


def test_constant_target_is_refused():
    with pytest.raises(InputError, match="same value in every row: nothing to forecast"):
        validate_target(ramp(50), "c", 7, 1, 0.7)


def test_too_few_rows_for_window_and_horizon_is_refused():
    with pytest.raises(InputError, match="need at least 11 rows"):
        validate_target(ramp(10), "x", 7, 1, 0.7)
    validate_target(ramp(11), "x", 7, 1, 0.7)  # the minimum it announced works


def test_train_fraction_out_of_range_is_refused():
    for fraction in (0.0, 1.0, 1.5):
        with pytest.raises(InputError, match="training share"):
            validate_target(ramp(50), "x", 7, 1, fraction)


def test_a_text_feature_is_refused():
    frame = ramp(50).assign(name="x")
    with pytest.raises(InputError, match="'name' is not a numeric column"):
        validate_target(frame, "x", 7, 1, 0.7, features=["name"])


def test_gaps_in_target_ask_for_a_policy():
    frame = ramp(50)
    frame.loc[3, "x"] = np.nan
    with pytest.raises(InputError, match="missing-value policy"):
        validate_target(frame, "x", 7, 1, 0.7)


@pytest.mark.parametrize("horizon", [1, 3])
def test_training_windows_only_have_training_targets(horizon):
    split = validate_target(ramp(20), "x", 3, horizon, 0.7)
    assert split == ChronologicalSplit(rows=20, train_rows=14, window=3, horizon=horizon)
    for i in range(split.windows)[split.train_windows]:
        assert i + 3 + horizon - 1 < split.train_rows  # last target row is a training row
    for i in range(split.windows)[split.test_windows]:
        assert i + 3 >= split.train_rows  # first target row is a test row
    test = range(split.windows)[split.test_windows]
    assert test[0] + 3 == split.train_rows and test[-1] == split.windows - 1  # the whole test part is predicted
    assert split.first_target_rows(split.test_windows)[0] == 14


def test_chronological_split_rounds_the_boundary():
    assert chronological_split(730, 0.7, 7, 1).train_rows == 511


# ------------------------------------------------------------------------------------------ scaling


def test_scaler_sees_only_training_rows():
    series = np.array([[1.0, 5.0], [3.0, 5.0], [2.0, 5.0], [10.0, 7.0]])  # last row: the test part
    split = chronological_split(4, 0.75, 1, 1)
    scaler = MinMaxScaler.fit(series[: split.train_rows])
    scaled = scaler.transform(series)
    np.testing.assert_allclose(scaled[:3, 0], [0.0, 1.0, 0.5])
    assert scaled[3, 0] == pytest.approx(4.5)  # beyond the training max: > 1, honestly
    assert scaled[:3, 1].tolist() == [0.0, 0.0, 0.0]  # constant in training: 0, no division by zero
    assert scaled[3, 1] == pytest.approx(2.0)


def test_inverse_transform_round_trips():
    rng = np.random.default_rng(1)
    values = rng.normal(100, 20, (50, 3))
    scaler = MinMaxScaler.fit(values[:35])
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(values)), values, rtol=1e-12)
    target = MinMaxScaler.fit(values[:35, 0])  # one column: works on (windows, horizon) predictions
    predictions = rng.random((4, 2))
    np.testing.assert_allclose(target.transform(target.inverse_transform(predictions)), predictions, rtol=1e-12)


def test_scaler_refuses_gaps():
    with pytest.raises(InputError, match="missing-value policy"):
        MinMaxScaler.fit(np.array([1.0, np.nan]))


# ------------------------------------------------------------------------------ the order of the checks, overflow


def test_one_row_hears_too_few_rows_not_the_same_value_in_every_row():
    with pytest.raises(InputError, match="Too few rows: the series has 1 row,") as caught:
        validate_target(ramp(1), "x", 7, 1, 0.7)
    assert "same value" not in str(caught.value)
    assert "even a window of 2" in str(caught.value)  # shortening cannot help: only more rows can


def test_the_advice_for_too_few_rows_flips_when_a_shorter_window_would_fit():
    with pytest.raises(InputError, match="Shorten the window or the horizon") as caught:
        validate_target(ramp(9), "x", 7, 1, 0.7)  # a window of 2 fits in 9 rows
    assert "Use a longer series" not in str(caught.value)
    with pytest.raises(InputError, match="Use a longer series"):
        validate_target(ramp(3), "x", 2, 1, 0.7)  # already the shortest window


def test_a_range_beyond_floating_point_is_refused_with_the_column_named():
    values = np.array([[1.7e308, 1.0], [-1.7e308, 2.0], [1.0e308, 3.0]])
    with pytest.raises(InputError, match="larger than floating-point numbers can hold") as caught:
        MinMaxScaler.fit(values, ["huge", "small"])
    assert "'huge'" in str(caught.value) and "-1.7e+308 to 1.7e+308" in str(caught.value)
    MinMaxScaler.fit(values[:, 1:], ["small"])  # the other column alone is fine
    MinMaxScaler.fit(np.array([1e302, -1e302]), ["big"])  # large but with a finite range: fine


def test_values_too_far_outside_the_training_range_to_scale_are_refused():
    scaler = MinMaxScaler.fit(np.array([0.0, 1.0]))
    with pytest.raises(InputError, match="so far outside the training rows' range") as caught:
        scaler.transform_for_training(np.array([0.5, 1e300]), ["v"])
    assert "'v'" in str(caught.value)
    scaled = scaler.transform_for_training(np.array([0.5, 1e30]), ["v"])
    assert scaled.dtype == np.float32 and scaled[1] == pytest.approx(1e30, rel=1e-6)
