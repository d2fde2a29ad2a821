"""The resumable training session (core.engine.session): chunks are exact, steering is local, memory is bounded."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from core.engine.budget import ModelCost
from core.engine.models import ModelConfig, SequenceModel
from core.engine.passes import one_pass, sliced_passes
from core.engine.probes import Probe
from core.engine.session import MICRO_BATCH_FLOATS, TrainingSession
from core.engine.settings import SequenceData, TrainConfig
from core.reading.series import read_series
from core.reading.text import next_character_task
from core.screens.long_sequences.windows import SEED_SENTENCE, sliding_windows
from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings, build_task, train_config
from core.screens.time_series.forecasting import ForecastSettings, prepare
from tests.engine.helpers import fit

DATA = Path(__file__).resolve().parents[2] / "data"


def hihello_run():
    task = next_character_task("hihello")
    model = ModelConfig(input_size=5, output_size=5, hidden_size=5, linear_head=False)
    return model, SequenceData(task.inputs, task.targets, "classify_each_step"), TrainConfig(epochs=15, seed=2)


def long_sequences_run():
    task = sliding_windows(SEED_SENTENCE, 10)
    size = task.vocabulary.size
    model = ModelConfig(input_size=size, output_size=size, hidden_size=size, num_layers=2)
    return model, task.data(np.arange(0, task.windows, 20)), TrainConfig(epochs=15, batch_size=32, snapshot_every=4)


def time_series_run():
    table = read_series((DATA / "seasonal.csv").read_bytes(), "seasonal.csv")
    settings = ForecastSettings(
        target=table.numeric_columns[-1], features=tuple(table.numeric_columns), epochs=15, batch_size=64
    )
    prepared = prepare(table, settings)
    config = dataclasses.replace(settings.train_config(), validate_every=2, snapshot_every=3)
    return settings.model_config(), prepared.data, config


def comparison_run():
    settings = ComparisonSettings(gap=5, steps=15)
    task = build_task(settings)
    model = ModelConfig(
        input_size=task.data.inputs.shape[-1],
        output_size=len(task.class_labels),
        hidden_size=16,
        cell="lstm",
        forget_gate_bias=5.0,
    )
    return model, task.data, train_config(settings)


SCREENS = {
    "hihello": hihello_run,
    "long_sequences": long_sequences_run,
    "time_series": time_series_run,
    "comparison": comparison_run,
}


def session_of(model_config, data, config, **kwargs) -> TrainingSession:
    return TrainingSession(lambda: SequenceModel(model_config), data, config, **kwargs)


def assert_identical(first: TrainingSession, second: TrainingSession) -> None:
    a, b = first.history, second.history
    assert [r.loss for r in a.records] == [r.loss for r in b.records]
    assert [r.validation_loss for r in a.records] == [r.validation_loss for r in b.records]
    assert [r.parameter_gradient_norms for r in a.records] == [r.parameter_gradient_norms for r in b.records]
    assert [s.epoch for s in a.snapshots] == [s.epoch for s in b.snapshots]
    for x, y in zip(a.snapshots, b.snapshots, strict=True):
        assert np.array_equal(x.probe.hidden_gradient_norms, y.probe.hidden_gradient_norms)
        assert all(np.array_equal(p, q) for p, q in zip(x.probe.hidden, y.probe.hidden, strict=True))
    for p, q in zip(first.model.state_dict().values(), second.model.state_dict().values(), strict=True):
        assert torch.equal(p, q)


@pytest.mark.parametrize("screen", list(SCREENS))
def test_chunks_of_one_two_three_epochs_equal_one_uninterrupted_run(screen):
    model, data, config = SCREENS[screen]()
    whole = session_of(model, data, config)
    whole.advance()
    chunked = session_of(model, data, config)
    size = 1
    while not chunked.finished:
        progress = chunked.advance(epochs=size)
        assert len(progress.records) == min(size, config.epochs - (chunked.epoch - len(progress.records)))
        size += 1
    assert chunked.epoch == whole.epoch == config.epochs
    assert_identical(whole, chunked)


@pytest.mark.parametrize("screen", ["long_sequences", "time_series"])
def test_chunks_of_single_steps_and_of_tiny_time_slices_are_exact_too(screen):
    model, data, config = SCREENS[screen]()
    whole = session_of(model, data, config)
    whole.advance()
    by_steps = session_of(model, data, config)
    while not by_steps.finished:
        assert by_steps.advance(steps=1).steps <= 1
    by_time = session_of(model, data, config)
    while not by_time.finished:
        by_time.advance(seconds=1e-4)
    assert_identical(whole, by_steps)
    assert_identical(whole, by_time)


@pytest.mark.parametrize("screen", ["hihello", "time_series"])
def test_a_run_put_back_from_its_state_dict_goes_on_as_if_never_stopped(screen):
    """``state_dict`` is the run as plain data and tensors; a session of the same settings that loads it is the same
    run from there: its steering, its shuffling and Adam's moments included."""
    model, data, config = SCREENS[screen]()
    whole = session_of(model, data, config)
    whole.advance(epochs=4)
    whole.set_learning_rate(0.03)
    saved = whole.state_dict()
    assert set(saved) - {"tensors"} == {
        "epoch", "steps_done", "learning_rate", "first_loss", "seconds", "records", "learning_rate_changes",
        "snapshot_epochs", "stopped",
    }  # fmt: skip
    json.dumps({k: v for k, v in saved.items() if k != "tensors"})  # plain data
    loaded = session_of(model, data, config)
    loaded.load_state_dict(saved)
    assert set(loaded.state_tensors(stepped=True, snapshot_epochs=saved["snapshot_epochs"])) == set(saved["tensors"])
    whole.advance()
    loaded.advance()
    assert loaded.history.learning_rate_changes == whole.history.learning_rate_changes
    assert_identical(whole, loaded)


def test_the_state_dict_shares_no_tensor_with_the_running_session():
    model, data, config = hihello_run()
    session = session_of(model, data, config)
    session.advance(epochs=2)
    saved = session.state_dict()["tensors"]
    before = {name: tensor.clone() for name, tensor in saved.items()}
    session.advance(epochs=2)
    assert all(torch.equal(saved[name], before[name]) for name in saved)


def test_fit_is_a_session_run_to_the_end():
    model, data, config = hihello_run()
    session = session_of(model, data, config)
    session.advance()
    assert fit(model, data, config).losses == session.history.losses


def test_a_learning_rate_change_alters_the_next_update_and_no_earlier_one():
    model, data, config = hihello_run()
    steady, steered = session_of(model, data, config), session_of(model, data, config)
    steady.advance(epochs=5)
    steered.advance(epochs=5)
    steered.set_learning_rate(0.001)
    steady.advance(epochs=2)
    steered.advance(epochs=2)
    losses_steady, losses_steered = steady.history.losses, steered.history.losses
    assert losses_steady[:6] == losses_steered[:6]  # epoch 6's loss is measured before its update
    assert losses_steady[6] != losses_steered[6]
    assert [r.learning_rate for r in steered.history.records] == [0.1] * 5 + [0.001] * 2
    change = steered.history.learning_rate_changes
    assert [(c.epoch, c.learning_rate) for c in change] == [(5, 0.001)]


@pytest.mark.parametrize("screen", list(SCREENS))
def test_a_steered_run_replayed_from_its_schedule_is_the_same_run_to_the_last_bit(screen):
    """Steering is part of the run (issue 22): a link carries the run's changes as (steps done, rate), and a new
    session that schedules them trains exactly what the learner's session trained, changes and marks included."""
    steered = session_of(*SCREENS[screen]())
    steered.advance(epochs=4)
    steered.set_learning_rate(0.03)
    steered.advance(steps=3)  # mid-epoch where an epoch has several steps
    steered.set_learning_rate(0.001)
    steered.advance(epochs=2)
    steered.set_learning_rate(0.02)
    steered.advance()
    changes = [(c.epoch, c.step, c.learning_rate) for c in steered.history.learning_rate_changes]
    assert len(changes) == 3
    replayed = session_of(*SCREENS[screen]())
    replayed.schedule_learning_rates(changes)
    replayed.advance()
    assert_identical(steered, replayed)
    assert replayed.history.learning_rate_changes == steered.history.learning_rate_changes
    assert [r.learning_rate for r in replayed.history.records] == [r.learning_rate for r in steered.history.records]
    assert replayed.rate_schedule == {}


def test_an_invalid_learning_rate_is_refused_and_the_run_goes_on():
    model, data, config = hihello_run()
    session = session_of(model, data, config)
    session.advance(epochs=3)
    for bad in (0, -1, float("nan"), float("inf"), 11, "fast"):
        with pytest.raises(ValueError, match="learning rate"):
            session.set_learning_rate(bad)
    assert session.learning_rate == 0.1 and session.epoch == 3
    session.advance()
    assert session.finished and not session.history.stopped


def test_reset_starts_over_from_the_same_weights():
    model, data, config = hihello_run()
    session = session_of(model, data, config)
    first = [p.clone() for p in session.model.parameters()]
    session.advance(epochs=4)
    session.set_learning_rate(0.3)
    session.reset()
    assert session.epoch == 0 and session.history.records == [] and session.learning_rate == 0.1
    assert [s.epoch for s in session.history.snapshots] == [0]
    assert all(torch.equal(p, q) for p, q in zip(first, session.model.parameters(), strict=True))


def test_a_divergence_ends_the_session_with_a_message():
    task = next_character_task("hihello")
    model = ModelConfig(input_size=5, output_size=5, hidden_size=64, num_layers=4, nonlinearity="relu")
    session = session_of(
        model, SequenceData(task.inputs, task.targets, "classify_each_step"), TrainConfig(epochs=300, learning_rate=5)
    )
    while not session.finished:
        session.advance(epochs=7)
    assert session.history.stopped is not None and "too high" in session.history.stopped.reason
    assert session.advance().records == []  # a stopped session stays stopped


def test_a_snapshot_is_probed_only_when_looked_at_and_sees_the_weights_of_its_epoch():
    model, data, config = hihello_run()
    config = dataclasses.replace(config, snapshot_every=5)
    session = session_of(model, data, config)
    session.advance()
    assert [s.epoch for s in session.history.snapshots] == [0, 5, 10, 15]
    assert not any("probe" in vars(snapshot) for snapshot in session.history.snapshots)  # nothing probed yet
    eager = session_of(model, data, config)
    eager.advance(epochs=5)
    at_five = eager.model.probe(*data.probe_batch, data.objective)
    looked = session.history.snapshot_at(5).probe
    assert looked is session.history.snapshot_at(5).probe  # probed once, then kept
    assert np.array_equal(looked.hidden_gradient_norms, at_five.hidden_gradient_norms)
    assert all(np.array_equal(p, q) for p, q in zip(looked.hidden, at_five.hidden, strict=True))
    final = session.model.probe(*data.probe_batch, data.objective)
    assert np.array_equal(session.history.snapshots[-1].probe.outputs, final.outputs)


def test_a_gradient_that_is_not_a_number_stops_the_run_before_it_reaches_the_weights():
    model, data, config = hihello_run()
    session = session_of(model, data, config)
    session.advance(epochs=2)
    before = {name: value.clone() for name, value in session.model.state_dict().items()}
    session.model.layers[0].weight_hh_l0.register_hook(lambda gradient: gradient * float("nan"))
    progress = session.advance(epochs=1)
    assert progress.records == [] and session.finished
    assert "too high" in session.history.stopped.reason
    for name, value in session.model.state_dict().items():
        assert torch.equal(value, before[name])


def test_a_batch_that_does_not_fit_is_sliced_with_the_same_gradient():
    torch.manual_seed(0)
    inputs, targets = torch.randn(40, 30, 3), torch.randn(40, 2)
    data = SequenceData(inputs, targets, "regress_last_step")
    model = ModelConfig(input_size=3, output_size=2, hidden_size=64, num_layers=2, cell="lstm")
    session = session_of(model, data, TrainConfig(epochs=1, learning_rate=0.01))
    per_sequence = 30 * session.model.cost().activation_floats
    import core.engine.session

    original = core.engine.session.MICRO_BATCH_FLOATS
    try:
        core.engine.session.MICRO_BATCH_FLOATS = per_sequence * 7  # force slices of 7 sequences
        sliced = session_of(model, data, TrainConfig(epochs=1, learning_rate=0.01))
        assert sliced.micro_batch == 7
        sliced.optimizer.zero_grad()
        list(_drain(sliced_passes(sliced.model, inputs, targets, data.objective, sliced.micro_batch, None)))
    finally:
        core.engine.session.MICRO_BATCH_FLOATS = original
    whole = session_of(model, data, TrainConfig(epochs=1, learning_rate=0.01))
    assert one_pass(whole.model, inputs, targets, data.objective, None) is not None
    for p, q in zip(sliced.model.parameters(), whole.model.parameters(), strict=True):
        torch.testing.assert_close(p.grad, q.grad, rtol=1e-5, atol=1e-7)


def _drain(generator):
    try:
        while True:
            yield next(generator)
    except StopIteration:
        return


def test_full_batch_on_long_windows_keeps_one_pass_within_the_activation_cap():
    # The case: window 120, horizon 30, LSTM of 128 x 4, batch "all" on 2,000 rows.
    inputs, targets = torch.zeros(1850, 120, 5), torch.zeros(1850, 30)
    model = ModelConfig(input_size=5, output_size=30, hidden_size=128, num_layers=4, cell="lstm")
    session = session_of(model, SequenceData(inputs, targets, "regress_last_step"), TrainConfig(epochs=1))
    assert session.batch_size == 1850
    assert session.micro_batch * 120 * session.model.cost().activation_floats <= MICRO_BATCH_FLOATS
    assert session.estimate().megabytes < 300


class OneLayerPerceptronOverTime(nn.Module):
    """Not a recurrent model at all: each step alone through a linear layer. Enough for the interface."""

    def __init__(self, features: int, classes: int) -> None:
        super().__init__()
        self.linear = nn.Linear(features, classes)

    def forward(self, inputs):
        return self.linear(inputs), []

    def probe(self, inputs, targets, objective) -> Probe:
        from core.engine.objectives import compute_loss

        with torch.no_grad():
            outputs = self.linear(inputs)
        loss = float(compute_loss(outputs, targets, objective))
        return Probe(loss, outputs.numpy(), [], None, [], np.zeros((0, inputs.shape[1])))

    def cost(self) -> ModelCost:
        return ModelCost(self.linear.in_features * self.linear.out_features, self.linear.out_features, 0, 10)


def test_any_model_with_forward_probe_and_cost_trains_in_a_session():
    task = next_character_task("hihello")
    data = SequenceData(task.inputs, task.targets, "classify_each_step")
    session = TrainingSession(lambda: OneLayerPerceptronOverTime(5, 5), data, TrainConfig(epochs=50, seed=0))
    session.advance()
    assert session.history.losses[-1] < session.history.losses[0]
    assert session.estimate().seconds > 0


def test_a_model_without_the_interface_is_refused():
    task = next_character_task("hihello")
    data = SequenceData(task.inputs, task.targets, "classify_each_step")
    with pytest.raises(TypeError, match="forward, probe and cost"):
        TrainingSession(lambda: nn.Linear(5, 5), data, TrainConfig(epochs=1))


def test_sessions_interleaved_in_tiny_slices_equal_each_run_alone_and_leave_grad_mode_on():
    # The comparison's race: three sessions advanced in turns, pausing anywhere (mid-validation too).
    model, data, config = comparison_run()
    alone = session_of(model, data, config)
    alone.advance()
    other_model = dataclasses.replace(model, cell="gru", forget_gate_bias=None, update_gate_bias=5.0)
    racing = [session_of(model, data, config), session_of(other_model, data, config)]
    while not all(s.finished for s in racing):
        for session in racing:
            session.advance(seconds=1e-4)
            assert torch.is_grad_enabled()
    assert_identical(alone, racing[0])


def test_an_error_inside_the_work_ends_the_session():
    model, data, config = hihello_run()
    session = session_of(model, data, config)
    session.advance(epochs=2)
    session.optimizer = None  # breaks the next step
    with pytest.raises(AttributeError):
        session.advance(epochs=1)
    assert session.finished and "unexpected" in session.history.stopped.reason
    assert session.advance().records == []


MEMORY_PROBE = """
import resource, sys
import torch
sys.path.insert(0, {root!r})
from core.engine.models import ModelConfig, SequenceModel
from core.engine.session import TrainingSession
from core.engine.settings import SequenceData, TrainConfig
torch.set_num_threads(1)
series = torch.randn({rows}, 5)
count = {rows} - 120 - 30 + 1
inputs = series.unfold(0, 120, 1).transpose(1, 2)[:count]  # windows are views, as on the Time series screen
targets = torch.randn(count, 30)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
model = ModelConfig(5, 30, 128, 4, cell="lstm")
session = TrainingSession(lambda: SequenceModel(model), SequenceData(inputs, targets, "regress_last_step"),
                          TrainConfig(epochs=1, learning_rate=0.01))
session.advance()
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)
"""


@pytest.mark.slow
def test_batch_all_on_long_windows_stays_small():
    # The settings with batch "all": 1.57 GB of RSS for 1,000 rows before slicing.
    import subprocess
    import sys

    root = str(Path(__file__).resolve().parents[2])
    script = MEMORY_PROBE.format(root=root, rows=1000)
    grown = float(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout)
    assert grown < 400, grown  # megabytes the process grew while training one epoch
