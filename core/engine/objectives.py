"""What a task asks of the outputs: the loss and the accuracy for each kind of task."""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor
from torch.nn import functional

# classify_each_step: one class per time step (next character). targets (batch, time)
# classify_last_step: one class per sequence, read at the last step (memory task). targets (batch,)
# regress_last_step: values read at the last step (next day's close). targets (batch, horizon)
OBJECTIVES = ("classify_each_step", "classify_last_step", "regress_last_step")


def compute_loss(outputs: Tensor, targets: Tensor, objective: str) -> Tensor:
    """outputs (batch, time, output) → scalar loss (cross-entropy or mean squared error)."""
    if objective == "classify_each_step":
        return functional.cross_entropy(outputs.reshape(-1, outputs.shape[-1]), targets.reshape(-1))
    if objective == "classify_last_step":
        return functional.cross_entropy(outputs[:, -1], targets)
    if objective == "regress_last_step":
        return functional.mse_loss(outputs[:, -1], targets)
    raise ValueError(f"unknown objective {objective!r}")


def predicted_classes(outputs: Tensor, objective: str) -> Tensor | None:
    """Class ids the model predicts: (batch, time) or (batch,); None for regression."""
    if objective == "classify_each_step":
        return outputs.argmax(dim=-1)
    if objective == "classify_last_step":
        return outputs[:, -1].argmax(dim=-1)
    return None


def predicted_class_ids(outputs: Tensor, objective: str) -> np.ndarray | None:
    """``predicted_classes`` as a numpy array, for the per-epoch record. The argmax is taken in numpy: on these
    small outputs it costs a third of torch's argmax and the copy to numpy together (HiHello's hot path)."""
    if objective == "regress_last_step":
        return None
    scores = outputs.detach().cpu().numpy()
    return (scores if objective == "classify_each_step" else scores[:, -1]).argmax(axis=-1)


def count_correct(predictions: Tensor | None, targets: Tensor) -> tuple[int, int]:
    if predictions is None:
        return 0, 0
    return int((predictions == targets).sum()), targets.numel()


def accuracy(outputs: Tensor, targets: Tensor, objective: str) -> float | None:
    predictions = predicted_classes(outputs, objective)
    if predictions is None:
        return None
    with torch.no_grad():
        return float((predictions == targets).float().mean())


def probabilities(logits) -> np.ndarray:
    """Softmax over the last axis of numpy logits: what the model believes comes next."""
    logits = np.asarray(logits, dtype=np.float64)
    exp = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return exp / exp.sum(axis=-1, keepdims=True)
