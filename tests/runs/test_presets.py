"""Each teaching preset keeps the promise of its sentence: run as the screen runs it, it shows what it says."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import pytest

from core.engine.models import SequenceModel
from core.engine.session import TrainingSession
from core.reading.series import read_series
from core.screens.hihello.readings import FLAT, outcome_of, read_outcome
from core.screens.hihello.settings import HiHelloSettings
from core.screens.long_sequences.settings import LongSequenceSettings
from core.screens.long_sequences.windows import read_back_session
from core.screens.registry import presets_for
from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings, compare
from core.screens.time_series.forecasting import (
    ForecastSettings,
    default_batch_size,
    default_epochs,
    default_features,
    default_target,
    prepare,
)
from core.screens.time_series.results import evaluate_forecast
from core.words.i18n import _, speaking
from ui.series_data import DATA, SAMPLE_FILES

pytestmark = pytest.mark.seeds  # each preset's promise is what its seeded run reaches


def hihello_session(settings: HiHelloSettings) -> TrainingSession:
    task = settings.task()
    config = settings.model_config(task)
    session = TrainingSession(lambda: SequenceModel(config), settings.data(task), settings.train_config())
    session.advance(settings.epochs)
    return session


def hihello_outcome(settings: HiHelloSettings):
    state = outcome_of(settings.task(), hihello_session(settings).history, finished=True)
    return state, read_outcome(settings, state)


ZIGZAG_STEP = 1e-3  # a step of the loss smaller than this is neither a zig nor a zag


def zigzags(losses) -> int:
    """How often the loss turns: sign changes between its epoch-to-epoch steps larger than ZIGZAG_STEP."""
    steps = [after - before for before, after in itertools.pairwise(losses) if abs(after - before) > ZIGZAG_STEP]
    return sum((a > 0) != (b > 0) for a, b in itertools.pairwise(steps))


def test_zigzags_count_the_turns_of_the_loss():
    assert zigzags([1.0, 0.9, 0.8, 0.7]) == 0
    assert zigzags([1.0, 2.0, 1.0, 2.0, 1.0]) == 3
    assert zigzags([1.0, 1.0005, 0.9995, 1.0005]) == 0  # wobbles below the threshold are no turns


@pytest.mark.parametrize("preset", presets_for("hihello"), ids=lambda p: p.name)
def test_each_hihello_preset_shows_what_it_says(preset):
    """Every claim of the sentence, counted on its run: the prediction, the reading, how often the loss turns, where it
    ends, when it goes flat, and what the learning rate it names does instead."""
    settings = HiHelloSettings(**preset.settings_over(HiHelloSettings()))
    task = settings.task()
    history = hihello_session(settings).history
    state = outcome_of(task, history, finished=True)
    reading = read_outcome(settings, state)
    promise, said, losses = preset.promise, preset.look_for, history.losses
    predictions = [task.vocabulary.decode(record.predictions[0]) for record in history.records]
    if "predicted" in promise:
        assert state.predicted == promise["predicted"] and f"'{promise['predicted']}'" in said
    assert reading.state == promise["state"]
    if "diagnosis" in promise:
        assert reading.diagnosis == promise["diagnosis"]
    if "zigzags_at_least" in promise:  # "zigzags up and down"
        assert zigzags(losses) >= promise["zigzags_at_least"] and "zigzags" in said, zigzags(losses)
    if "ends_above_start" in promise:  # "ends far above where it began"
        assert losses[-1] >= promise["ends_above_start"] * losses[0] and "far above" in said, (losses[0], losses[-1])
    if "never_predicts" in promise:  # "the prediction never becomes ..."
        assert promise["never_predicts"] not in predictions and f"never becomes '{promise['never_predicts']}'" in said
    if "saturated_at_least" in promise:  # "every hidden state sits at −1 or 1"
        assert state.saturated_share >= promise["saturated_at_least"] and "every hidden state" in said
    if "flat_by_epoch" in promise:  # "every weight's gradient is exactly 0, the loss flat, the prediction stuck"
        start = promise["flat_by_epoch"]
        assert all(abs(loss - losses[-1]) < FLAT for loss in losses[start - 1 :]), losses[start - 1 :]
        assert len(set(predictions[start - 1 :])) == 1
        assert all(
            norm == 0 for record in history.records[start - 1 :] for norm in record.parameter_gradient_norms.values()
        )
        longer = hihello_session(dataclasses.replace(settings, epochs=2 * settings.epochs)).history  # "more epochs ..."
        assert abs(longer.losses[-1] - losses[-1]) < FLAT and "more epochs change nothing" in said
        assert task.vocabulary.decode(longer.records[-1].predictions[0]) == predictions[-1]
    # "set it to 1 and press Reset: the loss ends far lower", as the result box advises
    if "far_lower_at" in promise:
        rate = promise["far_lower_at"]
        assert [(s.setting, s.value) for s in reading.suggestions] == [("learning_rate", rate)]
        lower = hihello_session(dataclasses.replace(settings, learning_rate=rate)).history.losses[-1]
        assert lower < losses[-1] / 2 and f"to {rate:g} and press Reset: the loss ends far lower" in said, lower
    if "learns_at" in promise:  # "at 0.1 ... learns 'ihello'"
        rate = promise["learns_at"]
        learned = hihello_session(dataclasses.replace(settings, learning_rate=rate)).history.records[-1]
        assert task.vocabulary.decode(learned.predictions[0]) == task.target_text and learned.accuracy == 1.0
        assert f"at {rate:g}" in said.lower() and f"learns '{task.target_text}'" in said


def test_the_presets_name_the_learning_rate_control_as_the_page_labels_it():
    """No "transport row" (a word no learner knows): a preset that asks for another rate names the control by its
    label on the page, in English and in Korean."""
    label = "Learning rate (Adam): changes apply at the next step"  # ui/transport.py's select_slider
    assert label in (Path(__file__).resolve().parents[2] / "ui" / "transport.py").read_text(encoding="utf-8")
    asking = [p for p in presets_for("hihello") if "learns_at" in p.promise and "learning_rate" in p.settings]
    assert asking
    for preset in presets_for("hihello"):
        assert "transport" not in preset.look_for
    for preset in asking:
        assert f"“{label.split(':')[0]}” slider" in preset.look_for
        with speaking("ko"):
            name, said = _(label).split(":")[0], _(preset.look_for)
        assert f"“{name}” 슬라이더" in said, said


COMPARE_SLOW = {"long_gap", "no_gate_bias", "short_gap"}  # 300 steps at gap 30: 12-30 s; gap 5: 2.5 s


@pytest.mark.parametrize(
    "preset",
    [pytest.param(p, marks=pytest.mark.slow) if p.name in COMPARE_SLOW else p for p in presets_for("rnn_vs_lstm_gru")],
    ids=lambda p: p.name,
)
def test_each_comparison_preset_shows_what_it_says(preset):
    _, results = compare(ComparisonSettings(**preset.settings_over(ComparisonSettings())))
    accuracy = {cell: result.test_accuracy for cell, result in results.items()}
    promise = preset.promise
    if "all_at_least" in promise:
        assert min(accuracy.values()) >= promise["all_at_least"], accuracy
    if promise.get("rnn_below_both"):
        assert accuracy["rnn"] < min(accuracy["lstm"], accuracy["gru"]) - 0.3, accuracy
    if "gated_at_most" in promise:
        assert max(accuracy["lstm"], accuracy["gru"]) <= promise["gated_at_most"], accuracy


@pytest.mark.parametrize("preset", presets_for("long_sequences"), ids=lambda p: p.name)
def test_each_long_sequence_preset_shows_what_it_says(preset):
    settings = LongSequenceSettings(**preset.settings_over(LongSequenceSettings()))
    task = settings.task()
    session, log = read_back_session(task, settings.model_config(task), settings.train_config())
    session.advance(settings.epochs)
    read_back, loss = log.accuracy[-1], session.history.losses[-1]
    promise = preset.promise
    assert read_back >= promise.get("read_back_at_least", 0), read_back
    assert read_back <= promise.get("read_back_at_most", 1), read_back
    assert loss >= promise.get("loss_at_least", 0), loss


@pytest.mark.parametrize("preset", presets_for("time_series"), ids=lambda p: p.name)
def test_each_time_series_preset_shows_what_it_says(preset):
    """Run as the screen runs it: the preset's sample with the settings the screen starts from for that table."""
    name = SAMPLE_FILES[preset.settings["source"]]
    table = read_series((DATA / name).read_bytes(), name)
    guess = max(1, len(table.frame) - 7)  # as pages/time_series.py guesses the windows
    settings = ForecastSettings(
        target=default_target(table.numeric_columns, table.missing_by_column),
        features=tuple(default_features(table)),
        epochs=default_epochs(guess),
        batch_size=default_batch_size(guess),
    )
    prepared = prepare(table, settings)
    session = prepared.session()
    session.advance(settings.epochs)
    result = evaluate_forecast(prepared, session.model)
    assert result.model_wins is preset.promise["model_wins"], (result.model_metrics, result.naive_metrics)
