"""The learning rate in force at an epoch of a run the learner may have steered.

A run starts at its settings' rate; each ``LearningRateChange`` (``TrainingHistory.learning_rate_changes``) is made
after ``change.epoch`` epochs and takes effect at the next optimisation step. The readings name the rate that was in
force when what they describe happened (a jump, a settled loss), not the one the run started with.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.engine.records import LearningRateChange


def rate_in_force(initial: float, changes: Iterable[LearningRateChange], epoch: int) -> float:
    """The learning rate that epoch ``epoch`` (1-based) trained with: the last change made before it ended, else
    ``initial``. A change made in the middle of an epoch counts for that epoch (the rate of its last step, as
    ``EpochRecord.learning_rate``); one made after ``epoch`` epochs counts from the next."""
    rate = float(initial)
    for change in changes:
        if change.epoch < epoch:
            rate = float(change.learning_rate)
    return rate


def rates_in_force(initial: float, changes: Iterable[LearningRateChange], epochs: int) -> tuple[float, ...]:
    """The rate in force at every epoch 1 … ``epochs``."""
    changes = list(changes)
    return tuple(rate_in_force(initial, changes, epoch) for epoch in range(1, epochs + 1))
