"""Steering is part of the run (issue 22): the PyTorch script of a run whose learning rate the learner changed
changes it at the same steps and prints the screen's final loss, on every screen."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.engine.models import SequenceModel
from core.engine.session import TrainingSession
from core.runs.code import steering
from core.screens.hihello.run_code import hihello_code
from core.screens.hihello.settings import HiHelloSettings
from core.screens.long_sequences.run_code import long_sequence_code
from core.screens.long_sequences.settings import LongSequenceSettings
from core.screens.long_sequences.windows import read_back_session
from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings, build_task, cell_sessions
from core.screens.rnn_vs_lstm_gru.run_code import comparison_code
from tests.runs.test_code import TOLERANCE, sample_settings, script_losses


def steer(sessions, plan) -> list[tuple[int, float]]:
    """Advance every session through ``plan`` ((how, amount, new rate)...), then to the end; the changes made."""
    for how, amount, rate in plan:
        for session in sessions:
            session.advance(**{how: amount})
            session.set_learning_rate(rate)
    for session in sessions:
        session.advance()
    history = sessions[0].history
    return [(change.step, change.learning_rate) for change in history.learning_rate_changes]


def test_an_unsteered_script_has_no_steering_lines():
    assert steering([]) == ([], [], [])
    assert "rate_changes" not in hihello_code(HiHelloSettings()).script


@pytest.mark.slow  # a subprocess imports torch and trains: ~3 s
def test_a_steered_hihello_script_prints_the_screens_final_loss(tmp_path):
    """The issue's case: 0.1 -> 3 at epoch 44 gave 1.3136 on screen, while the script trained at 0.1 throughout."""
    settings = HiHelloSettings()
    task = settings.task()
    config = settings.model_config(task)
    session = TrainingSession(lambda: SequenceModel(config), settings.data(task), settings.train_config())
    changes = steer([session], [("epochs", 44, 3.0), ("epochs", 20, 0.03)])
    assert changes == [(44, 3.0), (64, 0.03)]
    code = hihello_code(settings, changes)
    assert "rate_changes = {44: 3.0, 64: 0.03}" in code.script
    assert script_losses(code, tmp_path) == pytest.approx([session.history.records[-1].loss], abs=TOLERANCE)


@pytest.mark.slow  # a subprocess imports torch and trains: ~3 s
def test_a_script_steered_mid_epoch_with_mini_batches_prints_the_screens_final_loss(tmp_path):
    settings = LongSequenceSettings(batch_size=32, epochs=8)
    task = settings.task()
    session, _ = read_back_session(task, settings.model_config(task), settings.train_config())
    changes = steer([session], [("epochs", 2, 0.001), ("steps", 3, 0.03)])  # the second between two mini-batches
    assert changes[1][0] % session.steps_per_epoch != 0
    code = long_sequence_code(settings, changes)
    assert script_losses(code, tmp_path) == pytest.approx([session.history.records[-1].loss], abs=TOLERANCE)


@pytest.mark.slow  # a subprocess imports torch and trains three cells: ~4 s
def test_a_steered_comparison_script_prints_each_cells_final_loss(tmp_path):
    settings = replace(ComparisonSettings(), steps=30, gap=5)
    sessions = list(cell_sessions(settings, build_task(settings)).values())
    changes = steer(sessions, [("epochs", 10, 0.001), ("epochs", 5, 0.03)])
    losses = [session.history.records[-1].loss for session in sessions]
    assert script_losses(comparison_code(settings, changes), tmp_path) == pytest.approx(losses, abs=TOLERANCE)


@pytest.mark.slow  # a subprocess imports torch and trains: ~4 s
def test_a_steered_time_series_script_prints_the_screens_final_loss(tmp_path):
    from core.screens.time_series.forecasting import prepare
    from core.screens.time_series.run_code import forecast_code

    table, settings = sample_settings("stock_like.csv", epochs=12)
    prepared = prepare(table, settings)
    session = prepared.session()
    changes = steer([session], [("epochs", 4, 0.001), ("steps", 2, 0.03)])
    code = forecast_code(prepared, changes)
    assert script_losses(code, tmp_path) == pytest.approx([session.history.records[-1].loss], abs=TOLERANCE)
