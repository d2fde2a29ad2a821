"""One optimisation step taken apart (core.engine.one_step): every phase against the session's own next step, torch's
autograd and Adam's formula; the session itself never touched."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from torch.nn import functional

from core.engine.models import SequenceModel
from core.engine.objectives import compute_loss
from core.engine.one_step import (
    matches_session,
    prediction_reading,
    steppable,
    take_apart,
    update_reading,
)
from core.engine.session import TrainingSession
from core.screens.hihello.settings import HiHelloSettings

SHAPES = [
    (cell, layers, readout) for cell in ("rnn", "lstm", "gru") for layers in (1, 2) for readout in ("linear", "logits")
]


def hihello_session(cell="rnn", num_layers=1, readout="logits", epochs=30, **train) -> TrainingSession:
    settings = HiHelloSettings(cell=cell, num_layers=num_layers, readout=readout, hidden_size=6, epochs=epochs, seed=3)
    task = settings.task()
    model_config = settings.model_config(task)
    config = dataclasses.replace(settings.train_config(), **train)
    return TrainingSession(lambda: SequenceModel(model_config), settings.data(task), config)


def state(session: TrainingSession) -> dict[str, torch.Tensor]:
    """The session's weights and Adam's tensors, cloned."""
    tensors = {f"w/{k}": v.detach().clone() for k, v in session.model.state_dict().items()}
    for index, each in session.optimizer.state.items():
        tensors.update({f"adam/{id(index)}/{k}": v.clone() for k, v in each.items()})
    return tensors


def same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize(("cell", "layers", "readout"), SHAPES)
def test_the_update_shown_is_the_sessions_next_step_bit_for_bit(cell, layers, readout):
    session = hihello_session(cell, layers, readout)
    for moment in ("epoch 0", "epoch 6", "steered"):
        if moment == "epoch 6":
            session.advance(epochs=6)
        if moment == "steered":
            session.set_learning_rate(0.003)  # a learner's change while paused: this step uses it
        kept, records = state(session), len(session.history.records)
        step = take_apart(session)
        assert same(state(session), kept) and len(session.history.records) == records  # the session is untouched
        assert step.epoch == session.epoch and step.learning_rate == session.learning_rate
        session.advance(epochs=1)
        assert matches_session(step, session)
        weights = session.model.state_dict()
        for tensor in step.tensors:
            assert np.array_equal(weights[tensor.key].numpy(), tensor.after), (moment, tensor.name)
            assert not np.array_equal(tensor.before, tensor.after)  # every tensor moved
        assert session.history.records[-1].loss == step.loss  # the epoch's record holds the loss shown


def test_a_scheduled_rate_change_is_the_one_the_step_uses():
    session = hihello_session()
    session.advance(epochs=4)
    session.schedule_learning_rates([(5, 5, 0.02)])  # a link's steering: from epoch 5 on
    session.advance(epochs=1)
    step = take_apart(session)
    assert step.learning_rate == 0.02
    session.advance(epochs=1)
    assert matches_session(step, session)


def test_clipping_is_applied_as_the_session_applies_it():
    session = hihello_session(clip_grad_norm=1e-3)
    session.advance(epochs=2)
    step = take_apart(session)
    assert step.clipped_from is not None and step.clipped_from > 1e-3
    total = np.sqrt(sum(t.gradient_norm**2 for t in step.tensors))
    assert total == pytest.approx(1e-3, rel=1e-4)  # the gradient shown is the one Adam was given
    session.advance(epochs=1)
    assert matches_session(step, session)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_the_gradient_is_autograds_and_the_loss_per_character_averages_to_the_loss(cell):
    session = hihello_session(cell, 2, "linear")
    session.advance(epochs=5)
    step = take_apart(session)
    model = SequenceModel(session.model.config)
    model.load_state_dict({t.key: torch.from_numpy(t.before) for t in step.tensors})
    inputs, targets = session.data.inputs, session.data.targets
    outputs, hidden = model(inputs)
    loss = compute_loss(outputs, targets, "classify_each_step")
    gradients = torch.autograd.grad(loss, list(model.parameters()))
    for tensor, gradient in zip(step.tensors, gradients, strict=True):
        assert np.array_equal(tensor.gradient, gradient.numpy()), tensor.name
        assert tensor.gradient_norm == pytest.approx(float(gradient.double().norm()), rel=1e-12)
    assert step.loss == float(loss.detach())
    # per character: −log p(target), and their mean is the loss
    log_p = functional.log_softmax(outputs.detach(), dim=-1)[0]
    expected = -log_p[torch.arange(targets.shape[1]), targets[0]]
    np.testing.assert_allclose(step.losses[0], expected.numpy(), rtol=1e-6)
    assert step.losses.mean() == pytest.approx(step.loss, rel=1e-6)
    assert step.inputs.shape == tuple(inputs.shape) and np.array_equal(step.inputs, inputs.numpy())
    for layer, shown in zip(hidden, step.hidden, strict=True):
        assert np.array_equal(layer.detach().numpy(), shown)
        assert shown.shape[1] == inputs.shape[1]
    # the probe (the unrolled pass the views draw) sees the same hidden states, and the LSTM's cell states
    np.testing.assert_allclose(step.probe.hidden[0], step.hidden[0], atol=1e-6)
    assert (step.probe.cell_states is not None) == (cell == "lstm")


def test_adams_update_follows_its_formula_and_is_not_lr_times_the_gradient():
    session = hihello_session("gru", 1, "linear")
    session.advance(epochs=3)
    adam = {id(p): dict(s) for p, s in session.optimizer.state.items()}
    parameters = list(session.model.parameters())
    step = take_apart(session)
    beta1, beta2 = session.optimizer.defaults["betas"]
    eps, lr = session.optimizer.defaults["eps"], step.learning_rate
    for tensor, parameter in zip(step.tensors, parameters, strict=True):
        s = adam[id(parameter)]
        t = float(s["step"]) + 1
        g = tensor.gradient.astype(np.float64)
        m = beta1 * s["exp_avg"].double().numpy() + (1 - beta1) * g
        v = beta2 * s["exp_avg_sq"].double().numpy() + (1 - beta2) * g * g
        expected = -lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
        np.testing.assert_allclose(tensor.change, expected, rtol=1e-4, atol=1e-8)
        assert not np.allclose(tensor.change, -lr * g, rtol=0.1)


def test_the_first_step_moves_every_weight_by_about_the_learning_rate():
    step = take_apart(hihello_session("rnn", 1, "linear"))
    assert step.epoch == 0
    for tensor in step.tensors:
        moved = np.abs(tensor.change)[tensor.gradient != 0]
        np.testing.assert_allclose(moved, step.learning_rate, rtol=1e-3)  # m̂/√v̂ = g/|g| at step 1


def test_the_next_prediction_is_the_next_epochs_forward_pass():
    session = hihello_session("lstm", 1, "logits")
    session.advance(epochs=8)
    step = take_apart(session)
    session.advance(epochs=1)  # the record of epoch E + 1 predicts with the weights after E: the step's forward pass
    assert np.array_equal(session.history.records[-1].predictions, step.predicted_before)
    session.advance(epochs=1)  # the record of epoch E + 2 predicts with the weights after E + 1
    assert np.array_equal(session.history.records[-1].predictions, step.predicted_after)
    assert np.array_equal(step.outputs_after.argmax(-1), step.predicted_after)


def test_it_applies_only_between_two_epochs_of_one_step_each():
    finished = hihello_session(epochs=2)
    finished.advance()
    assert not steppable(finished)
    with pytest.raises(ValueError):
        take_apart(finished)
    settings = HiHelloSettings()
    task = settings.task()
    inputs = task.inputs.repeat(3, 1, 1)
    data = dataclasses.replace(settings.data(task), inputs=inputs, targets=task.targets.repeat(3, 1))
    batches = TrainingSession(
        lambda: SequenceModel(settings.model_config(task)),
        data,
        dataclasses.replace(settings.train_config(), batch_size=1),
    )
    assert batches.steps_per_epoch == 3 and not steppable(batches)


def test_the_readings_flip_with_the_numbers():
    assert "stays “ihello” (6 of 6 right)" in prediction_reading("ihello", "ihello", "ihello").worded()
    one = prediction_reading("ihhllo", "ihello", "ihello").worded()
    assert "1 character changed" in one and "5 → 6 of 6 right" in one
    two = prediction_reading("iiiiii", "ihelll", "ihello").worded()
    assert "5 characters changed" in two and "1 → 5 of 6 right" in two
    step = take_apart(hihello_session())
    tensor = step.tensors[0]
    words = update_reading(tensor, step.learning_rate).worded()
    assert tensor.name in words and f"{np.abs(tensor.change).max():.3g}" in words
    assert f"{step.learning_rate * np.abs(tensor.gradient).max():.3g}" in words
