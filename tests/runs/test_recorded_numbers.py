"""The numbers a run records, checked against computations done here, not against themselves.

Each parameter-gradient norm of an epoch record is recomputed with ``torch.autograd.grad`` on a fresh copy of the
model at the weights the step started from, on the same batch, with the loss the screen defines. Each held-out
accuracy is recounted here from the model's outputs on the held-out sequences. Small runs of a few steps: fast tier,
and no seed's outcome is pinned (the checks hold on every CPU capability).
"""

from __future__ import annotations

import math
import re

import pytest
import torch
from torch.nn import functional

from core.engine.models import ModelConfig, SequenceModel
from core.engine.session import TrainingSession
from core.screens.hihello.settings import HiHelloSettings
from core.screens.long_sequences.settings import LongSequenceSettings
from core.screens.long_sequences.windows import read_back_session
from core.screens.rnn_vs_lstm_gru.comparison import (
    ComparisonSettings,
    build_task,
    cell_models,
    cell_result,
    cell_sessions,
)

REL = 1e-5


def every_step_loss(outputs, targets):
    """HiHello and Long sequences: cross-entropy over every time step's next character."""
    return functional.cross_entropy(outputs.reshape(-1, outputs.shape[-1]), targets.reshape(-1))


def last_step_loss(outputs, targets):
    """The memory task: cross-entropy of the class read at the last step."""
    return functional.cross_entropy(outputs[:, -1], targets)


def shown_name(name: str) -> str:
    """'layers.1.weight_hh_l0' → 'weight_hh_l1', as torch's multi-layer modules name it; the head keeps its name."""
    found = re.fullmatch(r"layers\.(\d+)\.(\w+)_l0", name)
    return f"{found[2]}_l{found[1]}" if found else name


def weights_now(session: TrainingSession) -> dict[str, torch.Tensor]:
    return {key: value.detach().clone() for key, value in session.model.state_dict().items()}


def autograd_norms(config: ModelConfig, weights, inputs, targets, loss_of, clip: float | None = None):
    """‖∂L/∂W‖ of every parameter tensor of a fresh model at ``weights``, on one batch; with ``clip``, the norms
    after scaling every gradient so that their joint norm is at most ``clip`` (torch's clip_grad_norm_)."""
    model = SequenceModel(config)
    model.load_state_dict(weights)
    named = list(model.named_parameters())
    outputs, _ = model(inputs)
    gradients = torch.autograd.grad(loss_of(outputs, targets), [parameter for _, parameter in named])
    pairs = zip((name for name, _ in named), gradients, strict=True)
    norms = {shown_name(name): float(torch.linalg.vector_norm(gradient)) for name, gradient in pairs}
    if clip is not None:
        total = math.sqrt(sum(n * n for n in norms.values()))
        scale = min(1.0, clip / (total + 1e-6))
        norms = {name: n * scale for name, n in norms.items()}
    return norms


def assert_same_norms(recorded: dict[str, float], expected: dict[str, float]) -> None:
    assert set(recorded) == set(expected)
    for name, norm in expected.items():
        assert norm > 0, name
        assert recorded[name] == pytest.approx(norm, rel=REL), name


@pytest.mark.parametrize(
    "settings",
    [
        HiHelloSettings(epochs=10),  # the lab: one RNN layer whose units are the scores
        HiHelloSettings(epochs=10, cell="lstm", num_layers=2, readout="linear", hidden_size=6),
        HiHelloSettings(epochs=10, cell="gru", num_layers=3, hidden_size=5, learning_rate=1.0),
    ],
    ids=["lab", "lstm-2-layers-head", "gru-3-layers"],
)
def test_hihello_gradient_norms_match_autograd(settings):
    """Full batch: each epoch is one step, so its record holds the norms at the weights it started from."""
    task = settings.task()
    config = settings.model_config(task)
    session = TrainingSession(lambda: SequenceModel(config), settings.data(task), settings.train_config())
    for epoch in range(1, 4):
        before = weights_now(session)
        progress = session.advance(epochs=1)
        (record,) = progress.records
        assert record.epoch == epoch
        expected = autograd_norms(config, before, task.inputs, task.targets, every_step_loss)
        assert_same_norms(record.parameter_gradient_norms, expected)


def test_long_sequence_gradient_norms_are_the_mean_over_the_epochs_steps():
    """Mini-batches of 64 of the 170 windows, shuffled: an epoch's norm of a tensor is the mean of its steps'."""
    settings = LongSequenceSettings(batch_size=64, epochs=2, num_layers=2)
    task = settings.task()
    config, train = settings.model_config(task), settings.train_config()
    session, _ = read_back_session(task, config, train)
    steps = session.steps_per_epoch
    assert steps == 3
    shuffling = torch.Generator().manual_seed(settings.seed)  # the order the session draws: its seed's
    for epoch in (1, 2):
        batches = torch.randperm(task.windows, generator=shuffling).split(64)
        per_step = []
        for index, batch in enumerate(batches):
            before = weights_now(session)
            last = index == steps - 1  # the epoch's record comes after its last step: run on to the epoch's end
            progress = session.advance(epochs=1) if last else session.advance(steps=1)
            assert progress.steps == 1
            per_step.append(autograd_norms(config, before, task.inputs[batch], task.targets[batch], every_step_loss))
        (record,) = progress.records
        assert record.epoch == epoch
        mean = {name: sum(norms[name] for norms in per_step) / steps for name in per_step[0]}
        assert_same_norms(record.parameter_gradient_norms, mean)


@pytest.fixture(scope="module")
def comparison_run():
    """The three cells of the memory task, 3 steps at gap 5, advanced step by step: the weights before and after
    each step and its record, kept for the checks below. Clipping at 0.1 rather than the screen's 1.0: a joint
    gradient norm here is 0.07 to 0.3, so some steps are clipped and some are not."""
    settings = ComparisonSettings(gap=5, steps=3, clip_grad_norm=0.1)
    task = build_task(settings)
    models = cell_models(settings, task)
    sessions = cell_sessions(settings, task)
    steps = {cell: [] for cell in sessions}
    for cell, session in sessions.items():
        for _ in range(settings.steps):
            before = weights_now(session)
            (record,) = session.advance(epochs=1).records
            steps[cell].append((before, record, weights_now(session)))
    return settings, task, models, sessions, steps


def counted_accuracy(config: ModelConfig, weights, inputs, targets) -> tuple[int, int]:
    """Correct recalls counted here: the argmax of the last step's outputs against the targets."""
    model = SequenceModel(config)
    model.load_state_dict(weights)
    with torch.no_grad():
        outputs, _ = model(inputs)
    predicted = outputs[:, -1].argmax(dim=-1)  # (sequences,)
    return int((predicted == targets).sum()), int(targets.numel())


def test_comparison_gradient_norms_match_autograd_after_clipping(comparison_run):
    """Each step trains on a fresh batch of the memory task; the recorded norms are those of the gradient Adam
    applies, after clipping their joint norm to the settings' maximum."""
    settings, task, models, _, steps = comparison_run
    for cell, cell_steps in steps.items():
        for before, record, _ in cell_steps:
            inputs, targets = task.data.fresh_batch(record.epoch)
            expected = autograd_norms(
                models[cell], before, inputs, targets, last_step_loss, clip=settings.clip_grad_norm
            )
            assert_same_norms(record.parameter_gradient_norms, expected)


def test_comparison_held_out_accuracy_is_the_count_of_correct_recalls(comparison_run):
    """The accuracy recorded at each validation (the curve while training) and the one the results show
    (``cell_result``) against a count done here, after a few steps, where it is far from 1."""
    _, task, models, sessions, steps = comparison_run
    inputs, targets = task.data.validation_inputs, task.data.validation_targets
    assert len(targets) == 512
    for cell, cell_steps in steps.items():
        for _, record, after in cell_steps:
            correct, count = counted_accuracy(models[cell], after, inputs, targets)
            assert correct < count  # a few steps in: some recalls are wrong, so a constant 1.0 cannot pass
            assert record.validation_accuracy == correct / count, (cell, record.epoch)
        shown = cell_result(cell, sessions[cell], task).test_accuracy
        correct, count = counted_accuracy(models[cell], weights_now(sessions[cell]), inputs, targets)
        assert shown == correct / count, cell
