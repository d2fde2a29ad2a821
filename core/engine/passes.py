"""The passes a training session is made of: forward and backward over a batch (whole, or in slices that
add up to the same gradient), and the held-out evaluation. The sliced ones are generators that yield
``PAUSE`` between slices, so a session can stop within one slice of any batch size; ``held_out_scores`` runs the
held-out one to its end in one call, for a caller that does not pause.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from torch import Tensor, nn

from core.engine.objectives import compute_loss, count_correct, predicted_class_ids, predicted_classes
from core.engine.records import has_diverged

PAUSE = object()  # a point where the session may stop and resume later

Step = tuple[float, np.ndarray | None] | None  # (mean loss, predicted class ids), or None when the loss exploded


def one_pass(model: nn.Module, inputs: Tensor, targets: Tensor, objective: str, first_loss: float | None) -> Step:
    """Gradients of the mean loss over ``inputs`` in one pass, exactly as a plain training loop computes them."""
    if not model.training:  # a page may have looked at the model (eval mode) while the run was paused
        model.train()
    outputs, _ = model(inputs)
    loss = compute_loss(outputs, targets, objective)
    loss_value = float(loss.detach())
    if has_diverged(loss_value, first_loss):
        return None
    loss.backward()
    return loss_value, predicted_class_ids(outputs, objective)


def sliced_passes(
    model: nn.Module, inputs: Tensor, targets: Tensor, objective: str, size: int, first_loss: float | None
) -> Iterator[object]:
    """The same gradient as one pass, from slices of ``size`` sequences; returns what ``one_pass`` returns."""
    count = inputs.shape[0]
    if not model.training:
        model.train()
    loss_sum, parts = 0.0, []
    for start in range(0, count, size):
        outputs, _ = model(inputs[start : start + size])
        part_targets = targets[start : start + size]
        loss = compute_loss(outputs, part_targets, objective)
        share = len(part_targets) / count  # each slice's mean, weighted by its share, adds up to the mean
        (loss * share).backward()
        loss_sum += float(loss.detach()) * share
        parts.append(predicted_class_ids(outputs, objective))
        yield PAUSE
    if has_diverged(loss_sum, first_loss):
        return None
    return loss_sum, (None if parts[0] is None else np.concatenate(parts))


def held_out_passes(model: nn.Module, inputs: Tensor, targets: Tensor, objective: str, size: int) -> Iterator[object]:
    """Mean loss and accuracy (None for regression) on held-out data, in slices of ``size``."""
    loss_sum, correct, counted = 0.0, 0, 0
    for start in range(0, inputs.shape[0], size):
        # Never pause inside no_grad: grad mode belongs to the thread, and whatever runs during the pause
        # (another session's step, a page's chart) would run without gradients.
        model.eval()
        with torch.no_grad():
            outputs, _ = model(inputs[start : start + size])
            part_targets = targets[start : start + size]
            loss_sum += float(compute_loss(outputs, part_targets, objective)) * len(part_targets)
            part_correct, part_count = count_correct(predicted_classes(outputs, objective), part_targets)
        correct, counted = correct + part_correct, counted + part_count
        yield PAUSE
    model.train()
    return loss_sum / inputs.shape[0], (correct / counted if counted else None)


def held_out_scores(
    model: nn.Module, inputs: Tensor, targets: Tensor, objective: str, size: int = 4096
) -> tuple[float, float | None]:
    """``held_out_passes`` in one call, on the model's device: mean loss and accuracy (None for regression)."""
    device = next(model.parameters()).device
    passes = held_out_passes(model, inputs.to(device), targets.to(device), objective, max(size, 1))
    while True:
        try:
            next(passes)
        except StopIteration as done:
            return done.value


def gradient_norms(names: list[str], parameters: list[nn.Parameter]) -> list[tuple[str, float]]:
    """(name, ‖∂L/∂W‖) of every parameter tensor that has a gradient. This runs after every optimisation step;
    one small kernel per tensor measured as cheap here as a fused ``_foreach_norm``, and cheaper with a stack."""
    return [
        (name, float(torch.linalg.vector_norm(parameter.grad)))
        for name, parameter in zip(names, parameters, strict=True)
        if parameter.grad is not None
    ]
