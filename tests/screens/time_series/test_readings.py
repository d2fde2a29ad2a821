"""The Time series screen's computed sentences, each checked against the numbers it describes: unit tests
where an answer flips, and a sweep over seeds 0-9 on both bundled samples (core.screens.time_series.readings,
core.screens.time_series.results' verdict, core.screens.time_series.metrics' MAPE note, the data notes)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import torch

from core.charts.loss import loss_chart, split_curves
from core.engine.records import DIVERGED, FAILED, Stopped, divergence_message
from core.reading.series import read_series
from core.screens.time_series.figures import LOSS_TITLE, loss_title
from core.screens.time_series.forecasting import ForecastSettings, default_features, default_target, prepare
from core.screens.time_series.metrics import zero_targets
from core.screens.time_series.readings import not_finite_advice, stopped_message, validation_caption
from core.screens.time_series.results import better_forecast, evaluate_forecast, format_number
from tests.reading.series_helpers import validation_epochs
from tests.words.korean_text import has_hangul

DATA = Path(__file__).resolve().parents[3] / "data"
SAMPLES = {"stock_like.csv": "Close", "seasonal.csv": "Value"}


def test_the_validation_caption_follows_the_runs_validate_every():
    assert "measured after every epoch" in validation_caption(40, 1)
    four = validation_caption(200, 4)  # the screen's default run: 200 epochs, every 200 // 50 = 4
    assert "measured every 4 epochs (after epoch 4, 8, …)" in four and "after every epoch" not in four
    assert "and after the last, epoch 103" in validation_caption(103, 2)
    assert validation_epochs(10, 4) == [4, 8, 10] and validation_epochs(8, 4) == [4, 8]
    assert validation_epochs(5, 1) == [1, 2, 3, 4, 5]


def test_not_finite_advice_offers_a_lower_learning_rate_only_when_there_is_one():
    assert "Lower the learning rate (now 0.01)" in not_finite_advice(0.01, 0.0001)
    lowest = not_finite_advice(0.0001, 0.0001)
    assert "Lower the learning rate" not in lowest and "already the lowest offered (0.0001)" in lowest
    # Steered since: the rate in force at the epoch shown, named with its epoch (core.engine.rates).
    assert "Lower the learning rate (it was 0.1 in epoch 12)" in not_finite_advice(0.1, 0.0001, epoch=12)
    assert "already the lowest offered (0.0001)" in not_finite_advice(0.0001, 0.0001, epoch=12)


def test_a_reading_of_a_run_that_has_not_finished_says_so_far():
    from core.screens.time_series.readings import after_epochs, moment_heading

    assert moment_heading(18, 100) == "So far, after epoch 18 of 100 epochs:"
    assert moment_heading(0, 100) == "Before training, at the initial weights:"
    assert after_epochs(1) == "(after 1 epoch)" and after_epochs(20) == "(after 20 epochs)"
    table = read_series((DATA / "seasonal.csv").read_bytes())
    prepared = prepare(table, ForecastSettings(target="Value", features=("Value",), epochs=3))
    session = prepared.session()
    session.advance(epochs=1)
    finished = evaluate_forecast(prepared, session.model, epoch=1)
    so_far = evaluate_forecast(prepared, session.model, epoch=1, so_far_of=3)
    assert so_far.verdict == f"So far, after epoch 1 of 3 epochs: {finished.verdict}"
    assert "So far" not in finished.verdict and finished.model_metrics == so_far.model_metrics
    # The training loss at these weights: the loss training minimises, over every training window in one pass.
    from core.engine.objectives import compute_loss

    with torch.no_grad():
        outputs, _state = session.model.eval()(prepared.data.inputs)
        loss = float(compute_loss(outputs, prepared.data.targets, "regress_last_step"))
    assert finished.training_loss == pytest.approx(loss, rel=1e-5)


def test_the_stopped_message_drops_advice_the_screen_cannot_follow():
    higher = Stopped(3, DIVERGED, 0.001)
    assert stopped_message(higher, 0.0001) == higher.reason == divergence_message(3, 0.001)  # the advice stands
    lowest = stopped_message(Stopped(3, DIVERGED, 0.0001), 0.0001)
    assert lowest.startswith("Training stopped at epoch 3")
    assert "even at the lowest learning rate offered (0.0001)" in lowest
    assert "ten times smaller" not in lowest
    failed = Stopped(3, FAILED)
    assert stopped_message(failed, 0.0001) == failed.reason
    assert stopped_message(Stopped(3, "Stopped by the budget."), 0.0001) == "Stopped by the budget."


def test_the_loss_figure_keeps_room_for_its_axis_title():
    fig = loss_chart(split_curves([1, 2, 3], [0.3, 0.2, 0.1], [None, None, 0.15]), y_title=loss_title(), x_max=3)
    layout = fig.layout
    assert layout.yaxis.automargin is True and layout.margin.l >= 80
    assert layout.yaxis.title.text == "<br>".join(LOSS_TITLE)
    plot_height = layout.height - layout.margin.t - layout.margin.b
    longest = max(len(line) for line in LOSS_TITLE) * layout.font.size * 0.6  # px, a generous glyph width
    assert longest < plot_height  # the one-line title (~52 characters, ~400 px) did not fit in 250 px
    assert layout.xaxis.title.text == "epoch"


def check_verdict(sentence: str, model: dict[str, float], naive: dict[str, float]) -> None:
    """The verdict's claims against the metrics: the numbers it quotes, who wins, by how much, the MAE clause."""
    ours, theirs = model["RMSE"], naive["RMSE"]
    assert f"RMSE {format_number(ours)} against {format_number(theirs)}" in sentence
    by_rmse, by_mae = better_forecast(ours, theirs), better_forecast(model["MAE"], naive["MAE"])
    assert ("about as good" in sentence) == (by_rmse == "tie")
    assert ("model beats the naive forecast" in sentence) == (by_rmse == "model")
    assert ("beats the model" in sentence) == (by_rmse == "naive")
    if by_rmse == "model":
        assert f"{1 - ours / theirs:.0%} lower" in sentence and ours < theirs
    if by_rmse == "naive":
        assert f"{ours / theirs - 1:.0%} higher" in sentence and ours > theirs
    clause = re.search(r"By MAE \(the typical miss\), though, the (model|naive forecast) is better", sentence)
    assert bool(clause) == (by_mae not in (by_rmse, "tie"))
    if clause:
        lower = model["MAE"] < naive["MAE"]
        assert (clause.group(1) == "model") == lower


@pytest.mark.seeds
@pytest.mark.slow  # ten seeds trained per sample, like the other screens' sentence sweeps
@pytest.mark.parametrize("sample", list(SAMPLES))
def test_every_computed_sentence_matches_its_numbers_over_ten_seeds(sample):
    table = read_series((DATA / sample).read_bytes(), sample)
    target = default_target(table.numeric_columns, table.missing_by_column)
    assert target == SAMPLES[sample]
    verdicts = set()
    for seed in range(10):
        epochs = 101 if seed % 3 == 0 else 20  # validation every epoch, or every 2 with a last epoch off the beat
        settings = ForecastSettings(target=target, features=tuple(default_features(table)), epochs=epochs, seed=seed)
        prepared = prepare(table, settings)
        session = prepared.session()
        session.advance()
        history = session.history
        result = evaluate_forecast(prepared, history.model)
        assert result.finite
        check_verdict(result.verdict, result.model_metrics, result.naive_metrics)
        assert ("On prices" in result.verdict) == (sample == "stock_like.csv" and "beats the model" in result.verdict)
        assert result.model_wins == ("model beats the naive forecast" in result.verdict)
        verdicts.add(better_forecast(result.model_metrics["RMSE"], result.naive_metrics["RMSE"]))
        # The validation caption says when the test loss was measured: exactly the epochs that have one.
        every = session.config.validate_every
        measured = [r.epoch for r in history.records if r.validation_loss is not None]
        assert measured == validation_epochs(epochs, every)
        caption = validation_caption(epochs, every)
        assert ("after every epoch" in caption) == (every == 1)
        assert (f"after the last, epoch {epochs}" in caption) == (every > 1 and epochs % every != 0)
        # The MAPE note speaks exactly when MAPE leaves targets out.
        truth = prepared.truth[prepared.split.test_windows]
        assert (result.mape_note is None) == (zero_targets(truth) == 0)
        # The data notes: no gaps in the samples, so nothing was dropped and no spacing warning.
        gaps = int(table.frame[[target, *settings.features]].isna().to_numpy().sum())
        assert (prepared.notes == ["No missing values in the chosen columns."]) == (gaps == 0)
        assert prepared.warnings == [] and prepared.rows == len(table.frame)
        assert np.isfinite(history.losses).all()
    assert verdicts <= {"model", "naive", "tie"}


def test_window_steps_and_windows_count_from_one_on_screen():
    from core.screens.time_series.figures import step_labels, window_label

    assert step_labels(3) == ["1 (t-2)", "2 (t-1)", "3 (t)"]
    table = read_series(b"v\n" + b"".join(f"{i % 5}\n".encode() for i in range(30)))
    prepared = prepare(table, ForecastSettings(target="v", features=("v",), window=3, epochs=1))
    assert window_label(prepared, 0) == "window 1: reads row 1 … row 3 (training)"
    assert list(prepared.times[:2]) == [1, 2]


# ------------------------------------------------------------------------------------------------------ in Korean


def korean(sentence: str) -> str:
    assert has_hangul(sentence), sentence
    return sentence


def test_the_readings_flip_in_korean_too():
    from core.words.i18n import speaking

    with speaking("ko"):
        every_epoch, every_fourth = korean(validation_caption(40, 1)), korean(validation_caption(200, 4))
        off_the_beat = korean(validation_caption(103, 2))
        lower_it, already_lowest = korean(not_finite_advice(0.01, 0.0001)), korean(not_finite_advice(0.0001, 0.0001))
        reason = divergence_message(3, 0.0001)
        lowest = korean(stopped_message(Stopped(3, DIVERGED, 0.0001), 0.0001))
        higher = korean(stopped_message(Stopped(3, DIVERGED, 0.001), 0.0001))
        higher_reason = divergence_message(3, 0.001)
        failed = korean(stopped_message(Stopped(3, FAILED), 0.0001))
    assert len({every_epoch, every_fourth, off_the_beat}) == 3
    assert "4 에포크마다" in every_fourth and "103" in off_the_beat and "103" not in every_fourth
    assert lower_it != already_lowest and "0.01" in lower_it and "0.0001" in already_lowest
    assert lowest != reason and "0.0001" in lowest and "에포크 3" in lowest
    assert higher == higher_reason and higher != lowest and "0.001" in higher  # the Korean flips on .diverged
    assert failed not in (lowest, higher)
    assert "measured" in validation_caption(40, 1)  # the English is back once the block ends


def test_window_labels_speak_korean():
    from core.screens.time_series.figures import window_label
    from core.words.i18n import speaking

    table = read_series(b"v\n" + b"".join(f"{i % 5}\n".encode() for i in range(30)))
    prepared = prepare(table, ForecastSettings(target="v", features=("v",), window=3, epochs=1))
    with speaking("ko"):
        first, last = window_label(prepared, 0), window_label(prepared, prepared.split.windows - 1)
    assert first == "윈도우 1: 1행 … 3행 구간을 읽음 (학습)"
    assert korean(last) != first and "(테스트)" in last
