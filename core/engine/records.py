"""What a training run produces, at the bottom of the engine: its records and the history that collects them.

A run produces one ``EpochRecord`` per epoch (loss, accuracy, predictions, gradient norms of the parameters), a
``Snapshot`` at initialisation and every ``snapshot_every`` epochs (the weights, which a probe looks inside when a view
first asks), a ``LearningRateChange`` whenever the learner steers, and a ``Stopped`` record if the loss stops being a
finite number (``has_diverged``). ``core.engine.session.TrainingSession`` makes them; everything above reads them.
Each record also knows its plain form (numbers, lists and names: what a saved run's JSON holds) and back.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from torch import Tensor, nn

from core.words.i18n import N_
from core.words.message import Message, as_said, said

# Adam keeps float32 weights finite for a long time even when training has blown up, so a loss a
# million times its first value counts as diverged too, not only inf/NaN.
EXPLOSION_FACTOR = 1e6


def has_diverged(loss: float, first_loss: float | None) -> bool:
    """Whether ``loss`` has exploded: not finite, or a million times the first step's loss."""
    if not math.isfinite(loss):
        return True
    return first_loss is not None and loss > EXPLOSION_FACTOR * max(first_loss, 1e-3)


@dataclass(frozen=True)
class EpochRecord:
    epoch: int  # 1-based; loss and accuracy are measured in this epoch's forward passes
    loss: float
    accuracy: float | None
    parameter_gradient_norms: dict[str, float]
    predictions: np.ndarray | None = None  # class ids in data order (classification only)
    validation_loss: float | None = None
    validation_accuracy: float | None = None
    learning_rate: float | None = None  # the rate of this epoch's last step (the learner can change it)

    def plain(self) -> dict:
        return {
            "epoch": self.epoch,
            "loss": self.loss,
            "accuracy": self.accuracy,
            "gradient_norms": self.parameter_gradient_norms,
            "predictions": None if self.predictions is None else self.predictions.tolist(),
            "validation_loss": self.validation_loss,
            "validation_accuracy": self.validation_accuracy,
            "learning_rate": self.learning_rate,
        }

    @classmethod
    def from_plain(cls, item: dict) -> EpochRecord:
        predictions = item["predictions"]
        return cls(
            epoch=item["epoch"],
            loss=item["loss"],
            accuracy=item["accuracy"],
            parameter_gradient_norms=item["gradient_norms"],
            predictions=None if predictions is None else np.asarray(predictions, dtype=np.int64),
            validation_loss=item["validation_loss"],
            validation_accuracy=item["validation_accuracy"],
            learning_rate=item["learning_rate"],
        )


@dataclass(frozen=True)
class LearningRateChange:
    """The learner changed the learning rate after ``epoch`` epochs (``step`` optimisation steps)."""

    epoch: int
    step: int
    learning_rate: float

    def plain(self) -> list:
        return [self.epoch, self.step, self.learning_rate]

    @classmethod
    def from_plain(cls, item: list) -> LearningRateChange:
        return cls(*item)


@dataclass(frozen=True)
class Snapshot:
    """The weights after ``epoch`` epochs (0 = at initialisation), and what a probe sees inside the model at
    them. The probe runs the first time someone looks and is kept: a fast run passes most snapshots unseen,
    and probing every one of them cost HiHello a fifth of its training time."""

    epoch: int
    weights: dict[str, Tensor] = field(repr=False, compare=False)
    # What a probe sees at these weights: the session's ``look`` (its result a core.engine.probes.Probe; the records,
    # at the bottom of the engine, know nothing of the model above them).
    look: Callable[[dict[str, Tensor]], Any] = field(repr=False, compare=False)

    @cached_property
    def probe(self) -> Any:
        return self.look(self.weights)


DIVERGED, FAILED = "diverged", "failed"  # why a run stopped (Stopped.cause)
FAILED_MESSAGE = N_(
    "Training stopped: something unexpected went wrong (the details went to the server log). Press Reset to "
    "start again."
)


@dataclass(frozen=True)
class Stopped:
    """When and why a run stopped. ``cause`` is DIVERGED (``learning_rate``: the rate it diverged at) or FAILED;
    the sentence a learner reads, ``reason``, is written when it is shown, in the language of that moment. Any
    other ``cause`` is a sentence read back from an older saved run, shown as it was saved."""

    epoch: int
    cause: str
    learning_rate: float | None = None

    @property
    def diverged(self) -> bool:
        return self.cause == DIVERGED

    @property
    def message(self) -> Message:
        """Why the run stopped, kept as a message (``core.words.message``): worded where it is shown."""
        if self.cause == DIVERGED:
            return divergence(self.epoch, self.learning_rate if self.learning_rate is not None else math.nan)
        if self.cause == FAILED:
            return said(FAILED_MESSAGE)
        return as_said(self.cause)

    @property
    def reason(self) -> str:
        return self.message.worded()

    def plain(self) -> list:
        """``[epoch, cause, learning rate]``: the cause a code, never a sentence in some language."""
        return [self.epoch, self.cause, self.learning_rate]

    @classmethod
    def from_plain(cls, item: list) -> Stopped:
        return cls(*item)


def divergence(epoch: int, learning_rate: float, advice: Message | None = None) -> Message:
    """The one sentence that says a run's loss exploded at ``learning_rate``, every screen's, then ``advice`` (what
    the screen can offer; by default a learning rate ten times smaller; an empty message for none), as a message."""
    sentence = said(
        N_(
            "Training stopped at epoch {epoch}: the loss exploded (it became huge, infinite or not a number). The "
            "learning rate ({rate:g}) is too high for this model, so the weights overshot. The charts show the last "
            "good state."
        ),
        epoch=epoch,
        rate=learning_rate,
    )
    advice = said(N_("Try a learning rate ten times smaller.")) if advice is None else advice
    if not advice.text:
        return sentence
    return Message("{sentence} {advice}", {"sentence": sentence, "advice": advice}, verbatim=True)


def divergence_message(epoch: int, learning_rate: float, advice: str | None = None) -> str:
    """``divergence`` worded now; ``advice``: a translated sentence ("" for none)."""
    return divergence(epoch, learning_rate, None if advice is None else as_said(advice)).worded()


@dataclass
class TrainingHistory:
    """Everything a run produced, for drawing and scrubbing without retraining."""

    records: list[EpochRecord] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    stopped: Stopped | None = None
    model: nn.Module | None = None  # the session's model (a core.engine.models.SequenceModel on every screen)
    seconds: float = 0.0  # time spent computing (pauses excluded)
    learning_rate_changes: list[LearningRateChange] = field(default_factory=list)

    def add(self, item: EpochRecord | Snapshot | Stopped) -> None:
        if isinstance(item, EpochRecord):
            self.records.append(item)
        elif isinstance(item, Snapshot):
            self.snapshots.append(item)
        else:
            self.stopped = item

    @property
    def losses(self) -> list[float]:
        return [record.loss for record in self.records]

    @property
    def accuracies(self) -> list[float | None]:
        return [record.accuracy for record in self.records]

    def snapshot_at(self, epoch: int) -> Snapshot:
        """The last snapshot taken at or before ``epoch``."""
        eligible = [s for s in self.snapshots if s.epoch <= epoch] or self.snapshots[:1]
        return eligible[-1]
