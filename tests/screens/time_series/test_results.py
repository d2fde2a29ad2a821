"""A trained forecaster judged: the verdict's sentence against the numbers, and what MAPE leaves out
(core.screens.time_series.results)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.reading.series import read_series
from core.screens.time_series.forecasting import ForecastSettings, prepare
from core.screens.time_series.results import better_forecast, evaluate_forecast, format_number, is_price, verdict
from core.words.message import Message
from tests.engine.helpers import build_model
from tests.words.korean_text import has_hangul


def scores(rmse: float, mae: float) -> dict[str, float]:
    return {"RMSE": rmse, "MAE": mae, "MAPE (%)": 1.0}


def test_not_finite_predictions_and_overflowing_errors_are_told_apart():
    assert "predictions are not finite" in verdict(scores(1, 1), scores(2, 2), predictions_finite=False)
    overflow = verdict(scores(math.inf, math.inf), scores(2, 2), predictions_finite=True)
    assert "The predictions are numbers, but the errors are not finite" in overflow
    assert "predictions are not finite" not in overflow


def test_a_naive_forecast_that_is_exact_is_not_called_about_as_good():
    assert better_forecast(0.5, 0.0) == "naive" and better_forecast(0.0, 0.0) == "tie"
    sentence = verdict(scores(0.5, 0.4), scores(0.0, 0.0))
    assert "is exact" in sentence and "about as good" not in sentence


def test_the_mae_clause_appears_only_when_mae_disagrees():
    assert "By MAE" not in verdict(scores(1.0, 1.0), scores(2.0, 2.0))  # both say the model
    assert "By MAE" not in verdict(scores(2.0, 1.005), scores(2.0, 1.0))  # a tie by both
    assert "the model is better" in verdict(scores(2.0, 0.5), scores(2.0, 1.0))  # tie by RMSE, model by MAE


def test_huge_numbers_print_in_scientific_notation():
    assert format_number(3.4528e301) == "3.45e+301" and format_number(1234.4) == "1,234"


def test_values_near_1e302_give_finite_predictions_and_a_verdict_from_them():
    rng = np.random.default_rng(0)
    text = "v\n" + "".join(f"{x:.6e}\n" for x in rng.random(60) * 1e302)
    prepared = prepare(read_series(text.encode()), ForecastSettings(target="v", features=("v",), epochs=1))
    result = evaluate_forecast(prepared, build_model(prepared.settings.model_config(), 0))
    assert result.finite and math.isfinite(result.model_metrics["RMSE"])
    assert "not finite" not in result.verdict and "RMSE " in result.verdict


@pytest.mark.parametrize(("zeros", "expected"), [(0, None), (3, "leaves out 3 of the")])
def test_the_result_carries_what_mape_leaves_out(zeros, expected):
    values = [1.0 + (i % 5) for i in range(40)]
    for i in range(zeros):
        values[-1 - 2 * i] = 0.0  # in the test part
    text = "v\n" + "".join(f"{v}\n" for v in values)
    prepared = prepare(read_series(text.encode()), ForecastSettings(target="v", features=("v",), window=3, epochs=1))
    result = evaluate_forecast(prepared, build_model(prepared.settings.model_config(), 0))
    if expected is None:
        assert result.mape_note is None
    else:
        assert (
            expected in result.mape_note
            and f"{prepared.split.test_windows.stop - prepared.split.test_windows.start}" in result.mape_note
        )


def test_the_remark_about_prices_is_made_about_prices_only():
    assert is_price("Close") and is_price(" 종가 ") and not is_price("평균기온(°C)") and not is_price("Value")
    naive_wins = scores(3.0, 2.0), scores(2.0, 1.5)
    assert "On prices this is common." in verdict(*naive_wins, about_prices=True)
    assert "prices" not in verdict(*naive_wins, about_prices=False)
    assert "prices" not in verdict(scores(1.0, 1.0), scores(2.0, 2.0), about_prices=True)  # the model won


def test_the_verdict_flips_in_korean_and_a_result_speaks_the_language_it_is_read_in():

    from core.words.i18n import speaking

    model_wins, naive_wins = (scores(1.0, 1.0), scores(2.0, 2.0)), (scores(3.0, 2.0), scores(2.0, 1.5))
    with speaking("ko"):
        better, worse = verdict(*model_wins), verdict(*naive_wins, about_prices=True)
    assert better != worse and has_hangul(better) and has_hangul(worse)
    assert "RMSE 1.000 대 2.000" in better and "50%" in better
    assert "RMSE 3.000 대 2.000" in worse and "가격" in worse and "가격" not in better
    # A result is cached in the run: its sentences follow the language of the moment they are read.
    values = [1.0 + (i % 5) for i in range(40)]
    values[-1] = 0.0  # a zero target in the test part: MAPE leaves it out, and the note says so
    text = "v\n" + "".join(f"{v}\n" for v in values)
    prepared = prepare(read_series(text.encode()), ForecastSettings(target="v", features=("v",), window=3, epochs=1))
    result = evaluate_forecast(prepared, build_model(prepared.settings.model_config(), 0))
    english, note = result.verdict, result.mape_note
    with speaking("ko"):
        assert has_hangul(result.verdict) and result.verdict != english
        korean_note = (
            result.mape_note
        )  # core.screens.time_series.metrics' sentence, computed now: in Korean once it is translated
    assert result.verdict == english and result.mape_note == note and korean_note is not None
    # The data notes are kept as messages, and worded in the current language when read.
    assert all(isinstance(message, Message) for message in prepared.note_messages)
    assert prepared.notes == ["No missing values in the chosen columns."]
    with speaking("ko"):
        assert prepared.notes != ["No missing values in the chosen columns."] and has_hangul(prepared.notes[0])
