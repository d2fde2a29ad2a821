"""Each teaching preset keeps the promise of its sentence: run as the screen runs it, it shows what it says."""

from __future__ import annotations

import pytest

from core.comparison import ComparisonSettings, compare
from core.forecast_results import evaluate_forecast
from core.forecasting import (
    ForecastSettings,
    default_batch_size,
    default_epochs,
    default_features,
    default_target,
    prepare,
)
from core.hihello import HiHelloSettings
from core.hihello_readings import outcome_of, read_outcome
from core.long_sequences import LongSequenceSettings
from core.models import SequenceModel
from core.presets import presets_for
from core.series import read_series
from core.session import TrainingSession
from core.windows import read_back_session
from ui.series_data import DATA, SAMPLE_FILES

pytestmark = pytest.mark.seeds  # each preset's promise is what its seeded run reaches


def hihello_outcome(settings: HiHelloSettings):
    task = settings.task()
    config = settings.model_config(task)
    session = TrainingSession(lambda: SequenceModel(config), settings.data(task), settings.train_config())
    session.advance(settings.epochs)
    state = outcome_of(task, session.history, finished=True)
    return state, read_outcome(settings, state)


@pytest.mark.parametrize("preset", presets_for("hihello"), ids=lambda p: p.name)
def test_each_hihello_preset_shows_what_it_says(preset):
    settings = HiHelloSettings(**preset.settings_over(HiHelloSettings()))
    state, reading = hihello_outcome(settings)
    promise = preset.promise
    if "predicted" in promise:
        assert state.predicted == promise["predicted"] and f"'{promise['predicted']}'" in preset.look_for
    assert reading.state == promise["state"]
    if "diagnosis" in promise:
        assert reading.diagnosis == promise["diagnosis"]


COMPARE_SLOW = {"long_gap", "no_gate_bias", "short_gap"}  # 300 steps at gap 30: 12-30 s; gap 5: 2.5 s


@pytest.mark.parametrize(
    "preset",
    [pytest.param(p, marks=pytest.mark.slow) if p.name in COMPARE_SLOW else p for p in presets_for("compare")],
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


@pytest.mark.parametrize("preset", presets_for("longseq"), ids=lambda p: p.name)
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


@pytest.mark.parametrize("preset", presets_for("timeseries"), ids=lambda p: p.name)
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
