"""What-if weights on the comparison: one cell's weights at the moment shown, edited on a copy, and measured as the
screen measures its cells (``comparison.held_out_accuracy``: the held-out sequences of the memory task, the training
data of the familiar texts). The edit and the sentence are core.engine.what_if."""

from __future__ import annotations

from torch import Tensor

from core.engine.session import TrainingSession
from core.engine.what_if import HELD_OUT, TRAINING, Change, WhatIf, scores_at, what_if
from core.screens.rnn_vs_lstm_gru.comparison import TaskData
from core.words.message import Message, said


def measure(task: TaskData) -> Message:
    """What the comparison's accuracy is measured on: held-out sequences where the task has them."""
    return said(HELD_OUT if task.data.validation_inputs is not None else TRAINING)


def accuracy_at(session: TrainingSession, weights: dict[str, Tensor], task: TaskData) -> float | None:
    """``comparison.held_out_accuracy`` of a copy of the cell's model at ``weights`` (the run is not touched)."""
    data = task.data
    inputs, targets = data.validation_inputs, data.validation_targets
    if inputs is None:
        inputs, targets = data.inputs, data.targets
    return scores_at(session, weights, inputs, targets)[1]


def cell_what_if(
    session: TrainingSession, task: TaskData, weights: dict[str, Tensor], change: Change, before: float | None
) -> WhatIf:
    """``change`` made on a copy of one cell's ``weights`` (those of the moment shown, whose accuracy is ``before``),
    then its predictions, states, gates, gradients and accuracy recomputed for the copy."""
    return what_if(session, weights, change, before, lambda edited: accuracy_at(session, edited, task), measure(task))
