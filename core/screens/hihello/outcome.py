"""Where a HiHello run stands, in the numbers the screen's sentences describe: ``Outcome``, read by the verdict and
the advice (core.screens.hihello.readings) and by the ceiling note (core.screens.hihello.limits)."""

from __future__ import annotations

from dataclasses import dataclass

from core.engine.records import LearningRateChange


@dataclass(frozen=True)
class Outcome:
    """Where a run stands, in the numbers the screen's sentences describe."""

    target: str
    vocabulary_size: int
    finished: bool
    predicted: str | None = None  # the prediction at the moment's weights (after ``epoch`` epochs)
    epoch: int = 0  # epochs trained at the moment the numbers describe
    losses: tuple[float, ...] = ()  # one per epoch
    stopped_epoch: int | None = None  # the loss exploded at this epoch
    probe_epoch: int | None = None  # the snapshot the next two numbers were measured at
    max_probability: float | None = None  # the highest probability of any character at any step
    probe_loss: float | None = None  # the loss at that snapshot's weights
    saturated_share: float | None = None  # at that snapshot: the share of squashed values at a flat end
    largest_weight: float | None = None  # at that snapshot: the largest weight (or bias) in absolute value
    gradient_norm: float | None = None  # the last epoch's largest weight-gradient norm (the per-tensor chart's)
    rate_changes: tuple[LearningRateChange, ...] = ()  # the learner's learning-rate changes (core.engine.rates)

    @property
    def right(self) -> int | None:
        """Characters of the prediction that are right."""
        if self.predicted is None:
            return None
        return sum(p == t for p, t in zip(self.predicted, self.target, strict=True))
