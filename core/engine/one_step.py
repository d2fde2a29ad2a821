"""One optimisation step taken apart: the next step of a session, phase by phase, computed on copies.

``take_apart(session)`` computes, from the session as it stands (the weights after epoch E, Adam's state, the learning
rate of the next step), what its next ``advance(epochs=1)`` will do, in the order it does it:
1. the forward pass: the inputs and every layer's hidden states (and the gates and cell states, from the probe);
2. the loss per item (per character on HiHello) and their mean, the number the optimiser minimises;
3. the gradient of that mean per weight tensor;
4. Adam's update: every tensor before and after, at the learning rate of this step;
5. the next prediction: the forward pass at the updated weights.

It works on deep copies of the model and of the optimiser (one copy, so the copied optimiser updates the copied
weights), and calls the session's own passes (``core.engine.passes``), gradient clipping and Adam's ``step``: the
weights "after" equal bit for bit those of the session after ``advance(epochs=1)`` (tests/engine/test_one_step.py).
The session itself is never touched. It applies to a session whose epoch is one optimisation step (HiHello's: one
sequence, the whole batch), standing at the end of an epoch, before its last.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor
from torch.nn import functional

from core.engine.models import display_name
from core.engine.objectives import predicted_class_ids
from core.engine.passes import gradient_norms, one_pass, sliced_passes
from core.engine.probes import Probe
from core.engine.session import TrainingSession
from core.words.i18n import N_
from core.words.message import Message, said, said_plural

PHASES = ("forward", "loss", "gradient", "update", "prediction")  # in the order the step takes them


@dataclass(frozen=True)
class TensorStep:
    """One weight tensor through the step: its values before, the gradient Adam was given, its values after."""

    name: str  # as the learner reads it (weight_hh_l1, head.weight)
    key: str  # its key in the model's state_dict (layers.1.weight_hh_l0)
    before: np.ndarray
    gradient: np.ndarray
    after: np.ndarray

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.before.shape)

    @property
    def gradient_norm(self) -> float:
        return float(np.linalg.norm(self.gradient.astype(np.float64)))

    @property
    def change(self) -> np.ndarray:
        """Adam's step: after − before (float64, so the difference of two float32 values is exact)."""
        return self.after.astype(np.float64) - self.before.astype(np.float64)


@dataclass(frozen=True)
class OneStep:
    """The next optimisation step of a run, phase by phase (``take_apart``). Arrays are numpy, batch first."""

    epoch: int  # the step starts from the weights after this epoch and makes epoch + 1
    learning_rate: float  # the rate this step uses
    objective: str
    inputs: np.ndarray  # (batch, time, features): one-hot characters on HiHello
    targets: np.ndarray  # (batch, time) class ids for classify_each_step
    hidden: list[np.ndarray]  # per layer (batch, time, hidden), at the weights before
    outputs: np.ndarray  # (batch, time, output) before the step
    probe: Probe  # gates and cell states at the weights before (the same unrolled pass the views probe)
    losses: np.ndarray  # per item: (batch, time) per character, (batch,) per sequence
    loss: float  # the mean the optimiser minimises, as the epoch's record will hold it
    tensors: tuple[TensorStep, ...]  # every weight tensor, in the model's order
    outputs_after: np.ndarray  # (batch, time, output) at the weights after
    predicted_before: np.ndarray | None  # class ids, None for regression
    predicted_after: np.ndarray | None
    clipped_from: float | None = None  # the gradient's whole norm before clipping, when the run clips it
    stopped: bool = False  # the session would stop here (the loss or the gradient diverged): no update

    def tensor(self, name: str) -> TensorStep:
        return next(each for each in self.tensors if each.name == name)

    def weights_after(self) -> dict[str, Tensor]:
        """The model's state_dict after the step, as tensors (to compare with a session's)."""
        return {each.key: torch.from_numpy(each.after) for each in self.tensors}


def steppable(session: TrainingSession) -> bool:
    """Whether ``take_apart`` applies: one optimisation step per epoch, standing at an epoch's end, not finished."""
    return (
        session.steps_per_epoch == 1 and not session.finished and session.steps_done == session.epoch  # at epoch end
    )


def take_apart(session: TrainingSession) -> OneStep:
    """The session's next optimisation step, phase by phase, on copies (see the module docstring)."""
    if not steppable(session):
        raise ValueError("take_apart needs a session with one step per epoch, at an epoch's end, not finished")
    memo: dict = {}
    model = copy.deepcopy(session.model, memo)  # one memo: the copied optimiser updates the copied parameters
    optimizer = copy.deepcopy(session.optimizer, memo)
    data, config, device = session.data, session.config, session.device
    epoch = session.epoch
    if data.fresh_batch is not None:
        inputs, targets = (tensor.to(device) for tensor in data.fresh_batch(epoch + 1))
    else:
        inputs, targets = data.inputs.to(device), data.targets.to(device)
    objective = data.objective

    # 1-2. The forward pass and the loss per item, at the weights before. The pass below is the session's own, which
    # computes the same numbers again with its backward pass; this one runs in grad mode as that one does (a fused
    # LSTM rounds differently under no_grad), and keeps nothing.
    outputs, hidden = forward(model, inputs)  # (batch, time, output), per layer
    losses = losses_per_item(outputs, targets, objective)
    probe = model.probe(inputs, targets, objective)
    named = [(key, display_name(key), parameter) for key, parameter in model.named_parameters()]
    before = {key: parameter.detach().clone() for key, _name, parameter in named}

    # 3. The backward pass, as the session's epoch loop runs it (core.engine.session._run).
    optimizer.zero_grad(set_to_none=True)
    count = int(targets.shape[0])
    if count <= session.micro_batch:
        step = one_pass(model, inputs, targets, objective, session.first_loss)
    else:
        step = drained(sliced_passes(model, inputs, targets, objective, session.micro_batch, session.first_loss))
    stopped = step is None
    loss = float("nan") if step is None else step[0] * count / count  # the record's loss_sum / count
    clipped_from = None
    if not stopped and config.clip_grad_norm is not None:
        clipped_from = float(torch.nn.utils.clip_grad_norm_(model.parameters(), config.clip_grad_norm))
    if not stopped:
        norms = gradient_norms([name for _k, name, _p in named], [parameter for _k, _n, parameter in named])
        stopped = not math.isfinite(sum(norm for _, norm in norms))
    gradients = {
        key: (torch.zeros_like(parameter) if parameter.grad is None else parameter.grad.detach().clone())
        for key, _name, parameter in named
    }

    # 4. Adam's update (none when the session would stop here).
    if not stopped:
        optimizer.step()

    # 5. The next prediction, at the weights after.
    outputs_after, _ = forward(model, inputs)
    tensors = tuple(
        TensorStep(
            name,
            key,
            before[key].cpu().numpy(),
            gradients[key].cpu().numpy(),
            parameter.detach().clone().cpu().numpy(),
        )
        for key, name, parameter in named
    )
    return OneStep(
        epoch=epoch,
        learning_rate=float(optimizer.param_groups[0]["lr"]),
        objective=objective,
        inputs=inputs.cpu().numpy(),
        targets=targets.cpu().numpy(),
        hidden=[layer.cpu().numpy() for layer in hidden],
        outputs=outputs.cpu().numpy(),
        probe=probe,
        losses=losses,
        loss=loss,
        tensors=tensors,
        outputs_after=outputs_after.cpu().numpy(),
        predicted_before=predicted_class_ids(outputs, objective),
        predicted_after=predicted_class_ids(outputs_after, objective),
        clipped_from=clipped_from,
        stopped=stopped,
    )


def forward(model: torch.nn.Module, inputs: Tensor) -> tuple[Tensor, list[Tensor]]:
    """The model's outputs and hidden sequences, detached, computed in grad mode as a training pass computes them."""
    with torch.enable_grad():
        outputs, hidden = model(inputs)
    return outputs.detach(), [layer.detach() for layer in hidden]


def drained(passes):
    """Run a pass generator of ``core.engine.passes`` to its end; its return value."""
    while True:
        try:
            next(passes)
        except StopIteration as done:
            return done.value


def losses_per_item(outputs: Tensor, targets: Tensor, objective: str) -> np.ndarray:
    """The loss of every item the mean is taken over: (batch, time) per character, (batch,) per sequence."""
    if objective == "classify_each_step":
        flat = functional.cross_entropy(outputs.reshape(-1, outputs.shape[-1]), targets.reshape(-1), reduction="none")
        return flat.reshape(targets.shape).cpu().numpy()
    if objective == "classify_last_step":
        return functional.cross_entropy(outputs[:, -1], targets, reduction="none").cpu().numpy()
    if objective == "regress_last_step":
        return functional.mse_loss(outputs[:, -1], targets, reduction="none").mean(dim=-1).cpu().numpy()
    raise ValueError(f"unknown objective {objective!r}")


def matches_session(step: OneStep, session: TrainingSession) -> bool:
    """Whether ``session`` stands at the epoch after ``step``'s with exactly its weights "after" (bit for bit)."""
    if session.epoch != step.epoch + 1:
        return False
    weights = session.model.state_dict()
    return all(
        key in weights and np.array_equal(weights[key].detach().cpu().numpy(), values)
        for key, values in step.weights_after().items()
    )


# -- sentences about the step, built from its numbers ------------------------------------------------------------
def update_reading(tensor: TensorStep, learning_rate: float) -> Message:
    """How far Adam moved ``tensor``, against what plain gradient descent (lr × gradient) would have moved it."""
    largest = float(np.abs(tensor.change).max()) if tensor.change.size else 0.0
    plain = learning_rate * (float(np.abs(tensor.gradient).max()) if tensor.gradient.size else 0.0)
    return said(
        N_(
            "In {name} the largest change is {change}, at learning rate {rate}; plain gradient descent "
            "(lr × gradient) would have moved it by at most {plain}."
        ),
        name=tensor.name,
        change=f"{largest:.3g}",
        rate=f"{learning_rate:g}",
        plain=f"{plain:.3g}",
    )


def prediction_reading(before: str, after: str, target: str) -> Message:
    """What the step changed in the prediction: which characters, and how many are now right."""
    changed = sum(a != b for a, b in zip(before, after, strict=True))
    right_before = sum(a == t for a, t in zip(before, target, strict=True))
    right_after = sum(a == t for a, t in zip(after, target, strict=True))
    if changed == 0:
        return said(
            N_(
                "The prediction stays “{after}” ({right} of {total} right): the step moved the scores, but no "
                "character's highest score changed."
            ),
            after=after,
            right=right_after,
            total=len(target),
        )
    return said_plural(
        "“{before}” becomes “{after}”: {count} character changed; {right_before} → {right} of {total} right.",
        "“{before}” becomes “{after}”: {count} characters changed; {right_before} → {right} of {total} right.",
        changed,
        before=before,
        after=after,
        right_before=right_before,
        right=right_after,
        total=len(target),
    )
