"""Forecasting glue (core.screens.time_series.forecasting): settings, windows, honest scaling, metrics, forecast,
exports."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from core.reading.series import read_series
from core.screens.time_series import figures as forecast_figures
from core.screens.time_series import forecasting
from core.screens.time_series.export import predictions_csv, predictions_frame, summary_json
from core.screens.time_series.forecasting import (
    ForecastSettings,
    default_batch_size,
    default_epochs,
    default_target,
    prepare,
)
from core.screens.time_series.results import evaluate_forecast, forecast_beyond, future_times, verdict
from core.words.errors import InputError
from tests.engine.helpers import build_model
from tests.reading.series_helpers import read as table_of
from tests.words.korean_text import has_hangul

DATA = Path(__file__).resolve().parents[3] / "data"


def ramp_table(rows: int = 40):
    """Two columns with known values: x = 0..rows-1, y = 10 + 2x (the target), daily dates."""
    lines = ["Date,x,y"] + [f"2024-01-{1 + i:02d},{i},{10 + 2 * i}" for i in range(min(rows, 31))]
    lines += [f"2024-02-{1 + i - 31:02d},{i},{10 + 2 * i}" for i in range(31, rows)]
    return table_of("\n".join(lines) + "\n")


def settings(**changes) -> ForecastSettings:
    base = dict(target="y", features=("x", "y"), window=3, horizon=1, train_fraction=0.5, epochs=2, hidden_size=4)
    return ForecastSettings(**{**base, **changes})


@pytest.fixture(scope="module")
def seasonal():
    return read_series((DATA / "seasonal.csv").read_bytes(), "seasonal.csv")


# ------------------------------------------------------------------------------------------ windows and scaling


def trained(prepared, device=None):
    """The run the page makes: a session on the prepared windows, advanced to the end."""
    session = prepared.session(device)
    session.advance()
    return session.history


def test_windows_and_targets_are_the_right_rows():
    prepared = prepare(ramp_table(20), settings(window=3, horizon=2))
    scaled = prepared.scaled_features  # (rows, 2)
    assert prepared.inputs.shape == (20 - 3 - 2 + 1, 3, 2)
    assert prepared.targets.shape == (16, 2)
    for i in (0, 7, 15):
        np.testing.assert_array_equal(prepared.inputs[i].numpy(), scaled[i : i + 3])
        np.testing.assert_array_equal(prepared.truth[i], [10 + 2 * (i + 3), 10 + 2 * (i + 4)])
    split = prepared.split
    assert split.train_rows == 10
    # training windows have both targets in rows 0..9; test windows have them in rows 10..19
    assert split.train_windows == slice(0, 6) and split.test_windows == slice(7, 16)
    assert prepared.data.inputs.shape[0] == 6 and prepared.data.validation_inputs.shape[0] == 9


def test_scaler_is_fitted_on_training_rows_only():
    prepared = prepare(ramp_table(40), settings(train_fraction=0.5))
    # training rows are 0..19: x in 0..19, y in 10..48; the test part goes beyond
    np.testing.assert_allclose(prepared.feature_scaler.minimum, [0, 10])
    np.testing.assert_allclose(prepared.feature_scaler.span, [19, 38])
    np.testing.assert_allclose(prepared.target_scaler.minimum, [10])
    assert prepared.scaled_features[:20].max() == pytest.approx(1.0)
    assert prepared.scaled_features[-1, 0] == pytest.approx(39 / 19)  # the future maps above 1: honest


def test_inverse_transform_round_trips_to_original_units():
    prepared = prepare(ramp_table(40), settings(horizon=3))
    back = prepared.target_scaler.inverse_transform(prepared.targets.numpy())
    np.testing.assert_allclose(back, prepared.truth, rtol=1e-6)


def test_long_series_keep_windows_as_views_and_train_the_same(monkeypatch):
    copied = prepare(ramp_table(40), settings(batch_size=4, epochs=3))
    monkeypatch.setattr(forecasting, "COPY_LIMIT", 0)
    viewed = prepare(ramp_table(40), settings(batch_size=4, epochs=3))
    assert not viewed.inputs.is_contiguous() and copied.inputs.is_contiguous()
    assert viewed.inputs.untyped_storage().data_ptr() == viewed.scaled_features.ctypes.data  # no copy
    np.testing.assert_allclose(trained(viewed).losses, trained(copied).losses, rtol=1e-6)


def test_missing_values_follow_the_policy():
    text = "Date,v\n" + "".join(f"2024-01-{d:02d},{'' if d == 5 else d}\n" for d in range(1, 31))
    dropped = prepare(table_of(text), ForecastSettings(target="v", features=("v",), window=3))
    filled = prepare(
        table_of(text), ForecastSettings(target="v", features=("v",), window=3, missing_policy="fill_forward")
    )
    assert dropped.rows == 29 and filled.rows == 30
    assert filled.target_values[4] == 4.0
    assert "Dropped 1 rows" in dropped.notes[0] and "Filled 1" in filled.notes[0]


# ------------------------------------------------------------------------------------------ metrics


def test_naive_baseline_metrics_are_exact():
    # y = 10 + 2x: the naive forecast "next = last" misses by exactly 2 everywhere
    prepared = prepare(ramp_table(40), settings())
    model = build_model(prepared.settings.model_config(), 0)
    result = evaluate_forecast(prepared, model)
    assert result.naive_metrics["RMSE"] == 2.0 and result.naive_metrics["MAE"] == 2.0
    test = prepared.truth[prepared.split.test_windows, 0]
    assert result.naive_metrics["MAPE (%)"] == pytest.approx(np.mean(2 / test) * 100, rel=1e-12)
    assert result.predictions.shape == (prepared.split.windows, 1) and result.finite


@pytest.mark.parametrize(
    ("model", "naive", "expected"),
    [
        ((1.0, 0.8), (2.0, 1.6), "model beats the naive forecast: RMSE 1.000 against 2.000, 50% lower"),
        ((3.0, 2.0), (2.0, 1.5), "beats the model: RMSE 3.000 against 2.000, 50% higher"),
        ((2.01, 1.0), (2.0, 1.0), "about as good"),
        ((1.0, 2.0), (2.0, 1.0), "By MAE (the typical miss), though, the naive forecast is better"),
        ((math.nan, math.nan), (2.0, 1.0), "not finite"),
    ],
)
def test_verdict_is_a_sentence_from_the_numbers(model, naive, expected):
    as_dict = lambda pair: {"RMSE": pair[0], "MAE": pair[1], "MAPE (%)": 1.0}  # noqa: E731
    assert expected in verdict(as_dict(model), as_dict(naive))


@pytest.mark.seeds
def test_a_short_training_on_the_seasonal_sample_beats_the_naive_forecast(seasonal):
    prepared = prepare(seasonal, ForecastSettings(target="Value", features=("Value",), epochs=100))
    history = trained(prepared)
    result = evaluate_forecast(prepared, history.model)
    assert len(history.records) == 100 and history.records[-1].validation_loss is not None
    assert len(history.snapshots) == 21
    assert result.model_metrics["RMSE"] < result.naive_metrics["RMSE"]
    assert "model beats the naive forecast" in result.verdict


# ------------------------------------------------------------------------------------------ forecast beyond the end


@pytest.mark.parametrize(("features", "horizon"), [(("x", "y"), 1), (("y",), 3), (("x",), 2)])
def test_recursive_forecast_has_the_asked_length_and_is_deterministic(features, horizon):
    prepared = prepare(ramp_table(40), settings(features=features, horizon=horizon, epochs=5))
    model = trained(prepared).model
    first, second = forecast_beyond(prepared, model, 7), forecast_beyond(prepared, model, 7)
    assert first.shape == (7,) and np.isfinite(first).all()
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(forecast_beyond(prepared, model, 3), first[:3])


def test_recursive_forecast_steps_are_checked():
    prepared = prepare(ramp_table(40), settings())
    model = build_model(prepared.settings.model_config(), 0)
    with pytest.raises(InputError, match="forecast steps"):
        forecast_beyond(prepared, model, 0)


def test_future_times_follow_the_data():
    business = pd.Index(pd.bdate_range("2024-01-01", periods=10))
    assert list(future_times(business, True, 2)) == [pd.Timestamp("2024-01-15"), pd.Timestamp("2024-01-16")]
    irregular = pd.Index(pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-05", "2024-01-08"]))
    assert future_times(irregular, True, 1)[0] == pd.Timestamp("2024-01-10")  # the median gap, 2 days
    assert list(future_times(pd.RangeIndex(5), False, 2)) == [5, 6]


# ------------------------------------------------------------------------------------------ exports


def test_predictions_csv_is_escaped_and_has_the_forecast_after_the_data():
    table = table_of("Date,=HYPERLINK(1),v\n" + "".join(f"2024-01-{d:02d},{d % 3},{d * d}\n" for d in range(1, 31)))
    prepared = prepare(table, ForecastSettings(target="=HYPERLINK(1)", features=("=HYPERLINK(1)", "v"), window=3))
    model = build_model(prepared.settings.model_config(), 0)
    result = evaluate_forecast(prepared, model)
    frame = predictions_frame(prepared, result, np.array([1.0, 2.0]))
    assert list(frame.columns) == ["time", "part", "'=HYPERLINK(1)", "model prediction", "naive prediction"]
    assert list(frame["part"].tail(2)) == ["forecast beyond the data"] * 2
    assert frame["time"].iloc[-1] == pd.Timestamp("2024-02-01")
    assert set(frame["part"].head(-2)) == {"train", "test"}  # horizon 1: no window between the parts
    text = predictions_csv(prepared, result).decode()
    assert text.splitlines()[0] == "time,part,'=HYPERLINK(1),model prediction,naive prediction"


def test_in_korean_the_csv_stays_data_and_the_json_keeps_its_keys():
    """The CSV's headers and codes are data (a program reads them): English in every language. The JSON's keys are
    data too; its sentences are words, in the language of the learner who downloads it."""
    from core.words.i18n import speaking

    prepared = prepare(ramp_table(40), settings())
    history = trained(prepared)
    result = evaluate_forecast(prepared, history.model)
    english_csv = predictions_csv(prepared, result, np.array([1.0]))
    english = json.loads(summary_json(prepared, result, history, "test"))
    with speaking("ko"):
        korean_csv = predictions_csv(prepared, result, np.array([1.0]))
        korean = json.loads(summary_json(prepared, result, history, "test"))
    assert korean_csv == english_csv
    assert korean.keys() == english.keys() and korean["test_metrics"].keys() == english["test_metrics"].keys()
    assert korean["test_metrics"]["verdict"] != english["test_metrics"]["verdict"]
    assert has_hangul(korean["test_metrics"]["verdict"])
    assert korean["data"]["scaling"]["training_rows"] == english["data"]["scaling"]["training_rows"]


def test_summary_json_is_strict_json_with_settings_and_metrics():
    prepared = prepare(ramp_table(40), settings())
    history = trained(prepared)
    result = evaluate_forecast(prepared, history.model)
    result = dataclasses.replace(result, model_metrics={**result.model_metrics, "MAPE (%)": math.nan})

    def refuse(constant):
        raise ValueError(constant)

    payload = json.loads(summary_json(prepared, result, history, "test"), parse_constant=refuse)
    assert payload["settings"]["window"] == 3 and payload["settings"]["features"] == ["x", "y"]
    assert payload["test_metrics"]["naive_last_value"]["RMSE"] == 2.0
    assert payload["test_metrics"]["model"]["MAPE (%)"] is None
    # The scaling reported is the scalers' own: the training rows' range, though the test part goes higher.
    train = prepared.target_values[: prepared.split.train_rows]
    assert payload["data"]["scaling"]["ranges"]["y"] == {"minimum": train.min(), "maximum": train.max()}
    assert train.max() < prepared.target_values.max()


def test_figures_escape_column_names():
    table = table_of("<b>v</b>\n" + "".join(f"{d * d % 7}\n" for d in range(40)))
    prepared = prepare(table, ForecastSettings(target="<b>v</b>", features=("<b>v</b>",), window=3))
    result = evaluate_forecast(prepared, build_model(prepared.settings.model_config(), 0))
    fig = forecast_figures.prediction_figure(prepared, result)
    assert "&lt;b&gt;v&lt;/b&gt;" in fig.layout.title.text and "<b>" not in fig.layout.title.text
    assert forecast_figures.residual_figure(prepared, result).layout.yaxis.title.text.startswith("error in &lt;b&gt;")


# ------------------------------------------------------------------------------------------ settings


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"window": 1}, "window must be a whole number from 2 to 120"),
        ({"window": 121}, "window"),
        ({"window": 2.5}, "window"),
        ({"horizon": 0}, "horizon"),
        ({"train_fraction": 0.05}, "training share"),
        ({"features": ()}, "at least one feature"),
        ({"features": ("x", "x")}, "once only"),
        ({"target": ""}, "Choose the column"),
        ({"cell": "transformer"}, "Unknown cell type"),
        ({"hidden_size": 0}, "hidden size"),
        ({"num_layers": 5}, "depth"),
        ({"learning_rate": 0.0}, "learning rate"),
        ({"learning_rate": math.nan}, "learning rate"),
        ({"epochs": 0}, "Epochs"),
        ({"batch_size": -1}, "batch size"),
        ({"missing_policy": "guess"}, "missing-value policy"),
        ({"device": "tpu"}, "Unknown device"),
    ],
)
def test_settings_validation_errors(changes, message):
    with pytest.raises(InputError, match=message):
        settings(**changes)


@pytest.mark.parametrize(
    ("text", "chosen", "message"),
    [
        ("Date,x,y\n" + "".join(f"2024-01-{d:02d},{d},5\n" for d in range(1, 20)), {}, "same value in every row"),
        ("Date,x,y\n2024-01-01,1,2\n2024-01-02,2,3\n2024-01-03,3,5\n", {}, "need at least"),
        ("Date,x,y\n2024-01-01,1,2\n2024-01-02,2,3\n", {"target": "z"}, "'z' is not a numeric column"),
    ],
)
def test_settings_that_do_not_fit_the_table_are_refused(text, chosen, message):
    with pytest.raises(InputError, match=message):
        prepare(table_of(text), settings(**chosen))


def test_settings_turn_into_model_and_training_configs():
    chosen = settings(features=["x"], horizon=4, batch_size=0, epochs=100, cell="gru", num_layers=2)
    assert chosen.features == ("x",)
    model_config, train_config = chosen.model_config(), chosen.train_config()
    assert (model_config.input_size, model_config.output_size, model_config.cell) == (1, 4, "gru")
    assert train_config.batch_size is None and train_config.snapshot_every == 5


def test_defaults_follow_the_lab_and_the_size_of_the_data():
    assert default_target(["Open", "High", "Low", "Volume", "Close"]) == "Close"
    assert default_target(["시가", "종가"]) == "종가"
    assert default_target(["a", "b"]) == "b"
    assert default_epochs(505) == 200 and default_epochs(140_000) == 2
    assert default_batch_size(505) == 0 and default_batch_size(140_000) == 512


def test_cuda_absent_is_refused_in_a_sentence(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    prepared = prepare(ramp_table(40), settings(device="cuda"))
    with pytest.raises(InputError, match="no CUDA GPU"):
        forecasting.device_for(prepared)
    assert forecasting.device_for(prepare(ramp_table(40), settings(device="auto"))).type == "cpu"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU on this machine")
def test_the_same_training_on_cuda_gives_close_results(seasonal):
    chosen = ForecastSettings(target="Value", features=("Value",), epochs=30)
    prepared = prepare(seasonal, chosen)
    on_cpu = trained(prepared, torch.device("cpu"))
    on_gpu = trained(prepared, torch.device("cuda"))
    np.testing.assert_allclose(on_gpu.losses, on_cpu.losses, rtol=1e-3)
    np.testing.assert_allclose(
        evaluate_forecast(prepared, on_gpu.model).predictions,
        evaluate_forecast(prepared, on_cpu.model).predictions,
        rtol=1e-3,
    )


def test_too_few_rows_from_a_quote_never_closed_names_the_quote():
    head = "".join(f"2024-01-{d:02d},{d}\n" for d in range(1, 6))
    table = table_of(f'Date,v\n{head}2024-01-06,"6\n' + "".join(f"2024-01-{d:02d},{d}\n" for d in range(7, 30)))
    assert len(table.frame) == 6  # the quote swallowed the rest of the file into one cell
    with pytest.raises(InputError, match="Too few rows") as caught:
        prepare(table, ForecastSettings(target="v", features=("v",)))
    assert 'The likely cause: a quote (") opened on line 7' in str(caught.value)


def test_a_refused_setting_is_a_korean_sentence_in_korean():
    from core.words.i18n import speaking

    with speaking("ko"), pytest.raises(InputError) as refused:
        ForecastSettings(target="y", features=("y",), device="tpu")
    with speaking("ko"):  # worded where it is shown
        assert str(refused.value) == "알 수 없는 장치 'tpu'입니다. auto, cpu, cuda 중에서 고르세요."
    with pytest.raises(InputError, match="Unknown device 'tpu': choose one of auto, cpu, cuda"):
        ForecastSettings(target="y", features=("y",), device="tpu")
