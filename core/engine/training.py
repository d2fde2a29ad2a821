"""What a training run is made of: its settings, its records, and the history that collects them.

A run produces one ``EpochRecord`` per epoch (loss, accuracy, predictions, gradient norms of the
parameters), a ``Snapshot`` at initialisation and every ``snapshot_every`` epochs (a ``Probe``:
activations, gates, gradient per time step), and a ``Stopped`` record if the loss stops being a
finite number. ``core.engine.session.TrainingSession`` runs it in chunks; ``fit`` runs it to the end.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import torch
from torch import Tensor

from core.engine.models import ModelConfig, SequenceModel
from core.engine.objectives import OBJECTIVES, compute_loss, count_correct, predicted_classes
from core.engine.probes import Probe
from core.engine.runtime import build_seeded
from core.words.errors import InputError
from core.words.i18n import N_, _

MAX_EPOCHS = 5000
# Snapshots per run: enough to scrub through training, few enough to cost little (see the benchmark).
SNAPSHOTS = 20


def snapshot_every(epochs: int) -> int:
    return max(1, int(epochs) // SNAPSHOTS)


# Adam keeps float32 weights finite for a long time even when training has blown up, so a loss a
# million times its first value counts as diverged too, not only inf/NaN.
EXPLOSION_FACTOR = 1e6


# The learning rates a screen offers: one 1-3-10 ladder, each screen a stretch of it (``learning_rates``).
LEARNING_RATE_LADDER = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


def learning_rates(lowest: float, highest: float) -> list[float]:
    return [rate for rate in LEARNING_RATE_LADDER if lowest <= rate <= highest]


def check_learning_rate(learning_rate: object) -> float:
    """A learning rate above 0 and at most 10 (NaN and infinity fail too), as a float."""
    try:
        value = float(learning_rate)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(learning_rate, bool) or not (math.isfinite(value) and 0 < value <= 10):
        raise InputError(
            _("The learning rate must be a number above 0 and at most 10 (got {value}).").format(value=learning_rate)
        )
    return value


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 100
    learning_rate: float = 0.1
    seed: int = 0
    batch_size: int | None = None  # None: the whole data set in every step (full batch)
    snapshot_every: int = 10
    clip_grad_norm: float | None = None
    shuffle: bool = True
    validate_every: int = 1  # epochs between two measurements on the validation data

    def __post_init__(self) -> None:
        if not 1 <= int(self.epochs) <= MAX_EPOCHS:
            raise InputError(
                _("Epochs must be between 1 and {most} (got {value}).").format(
                    most=f"{MAX_EPOCHS:,}", value=self.epochs
                )
            )
        check_learning_rate(self.learning_rate)
        if self.batch_size is not None and int(self.batch_size) < 1:
            raise InputError(_("Batch size must be at least 1 (got {value}).").format(value=self.batch_size))
        if int(self.validate_every) < 1:
            raise InputError(_("Validation must happen at least every epoch (validate_every ≥ 1)."))
        if int(self.snapshot_every) < 1:
            raise InputError(_("Snapshots must be taken at least every epoch (snapshot_every ≥ 1)."))
        if self.clip_grad_norm is not None and not self.clip_grad_norm > 0:
            raise InputError(_("Gradient clipping needs a positive maximum norm."))


@dataclass(frozen=True)
class SequenceData:
    """Training data for one task, plus the few sequences the snapshots look inside."""

    inputs: Tensor  # (batch, time, features)
    targets: Tensor  # see core.engine.objectives for the shape each objective expects
    objective: str
    probe_inputs: Tensor | None = None  # (probe batch, time, features); default: the first sequence
    probe_targets: Tensor | None = None
    validation_inputs: Tensor | None = None
    validation_targets: Tensor | None = None
    # A task that can draw endless examples (the memory task) trains on a fresh batch every epoch:
    # epoch -> (inputs, targets). Then an "epoch" is one optimisation step on data never seen before,
    # and ``inputs``/``targets`` only describe the shapes.
    fresh_batch: Callable[[int], tuple[Tensor, Tensor]] | None = None

    def __post_init__(self) -> None:
        if self.objective not in OBJECTIVES:
            raise ValueError(f"unknown objective {self.objective!r}")
        if self.inputs.ndim != 3 or self.inputs.shape[0] == 0 or self.inputs.shape[1] == 0:
            raise InputError(_("There are no training sequences: the text or series is too short for the window."))
        if len(self.targets) != len(self.inputs):
            raise ValueError("inputs and targets differ in number of sequences")

    @property
    def probe_batch(self) -> tuple[Tensor, Tensor]:
        if self.probe_inputs is not None:
            return self.probe_inputs, self.probe_targets
        return self.inputs[:1], self.targets[:1]


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


@dataclass(frozen=True)
class LearningRateChange:
    """The learner changed the learning rate after ``epoch`` epochs (``step`` optimisation steps)."""

    epoch: int
    step: int
    learning_rate: float


@dataclass(frozen=True)
class Snapshot:
    """The weights after ``epoch`` epochs (0 = at initialisation), and what a probe sees inside the model at
    them. The probe runs the first time someone looks and is kept: a fast run passes most snapshots unseen,
    and probing every one of them cost HiHello a fifth of its training time."""

    epoch: int
    weights: dict[str, Tensor] = field(repr=False, compare=False)
    look: Callable[[dict[str, Tensor]], Probe] = field(repr=False, compare=False)

    @cached_property
    def probe(self) -> Probe:
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
    def reason(self) -> str:
        if self.cause == DIVERGED:
            return divergence_message(self.epoch, self.learning_rate if self.learning_rate is not None else math.nan)
        if self.cause == FAILED:
            return _(FAILED_MESSAGE)
        return self.cause


@dataclass
class TrainingHistory:
    """Everything a run produced, for drawing and scrubbing without retraining."""

    records: list[EpochRecord] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    stopped: Stopped | None = None
    model: SequenceModel | None = None
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


def has_diverged(loss: float, first_loss: float | None) -> bool:
    if not math.isfinite(loss):
        return True
    return first_loss is not None and loss > EXPLOSION_FACTOR * max(first_loss, 1e-3)


def divergence_message(epoch: int, learning_rate: float) -> str:
    return _(
        "Training stopped at epoch {epoch}: the loss exploded (it became huge, infinite or not a number). The "
        "learning rate ({learning_rate}) is too high for this model, so the weights overshot. The charts show the "
        "last good state; try a learning rate ten times smaller."
    ).format(epoch=epoch, learning_rate=f"{learning_rate:g}")


def build_model(model_config: ModelConfig, seed: int) -> SequenceModel:
    """The model of ``model_config`` with the initial weights that ``seed`` draws."""
    return build_seeded(lambda: SequenceModel(model_config), seed)


@torch.no_grad()
def held_out_scores(
    model: SequenceModel, inputs: Tensor, targets: Tensor, objective: str, batch_size: int = 4096
) -> tuple[float, float | None]:
    """Mean loss and accuracy (None for regression) on held-out data, in batches."""
    model.eval()
    device = next(model.parameters()).device
    loss_sum, correct, counted = 0.0, 0, 0
    for start in range(0, inputs.shape[0], max(batch_size, 1)):
        batch_inputs = inputs[start : start + batch_size].to(device)
        batch_targets = targets[start : start + batch_size].to(device)
        outputs, _ = model(batch_inputs)
        loss_sum += float(compute_loss(outputs, batch_targets, objective)) * len(batch_targets)
        batch_correct, batch_count = count_correct(predicted_classes(outputs, objective), batch_targets)
        correct, counted = correct + batch_correct, counted + batch_count
    return loss_sum / inputs.shape[0], (correct / counted if counted else None)


def fit(
    model_config: ModelConfig,
    data: SequenceData,
    config: TrainConfig,
    on_item: Callable[[EpochRecord | Snapshot | Stopped], None] | None = None,
    device: torch.device | None = None,
    keep_predictions: bool = True,
) -> TrainingHistory:
    """Train ``model_config`` from scratch to the end in one call; ``on_item`` sees every record and snapshot.

    ``keep_predictions=False`` drops each epoch's predictions once ``on_item`` has seen them: they grow
    as epochs x sequences x time, so a caller that summarises them (a read-back sentence) keeps less.
    """
    from core.engine.session import TrainingSession

    session = TrainingSession(
        lambda: SequenceModel(model_config),
        data,
        config,
        device=device,
        keep_predictions=keep_predictions,
        on_record=on_item,  # records reach on_item before their predictions may be dropped
    )
    if on_item is None:
        session.advance()
        return session.history
    on_item(session.history.snapshots[0])
    while not session.finished:
        progress = session.advance(epochs=1)
        for item in [*progress.snapshots, *([progress.stopped] if progress.stopped else [])]:
            on_item(item)
    return session.history
