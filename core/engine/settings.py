"""What a training run is asked to do: its settings (``TrainConfig``) and its data (``SequenceData``).

Every screen's settings class (``core.screens.<screen>.settings``) turns the learner's choices into these two;
``core.engine.session.TrainingSession`` runs them. The learning rates a screen offers are one ladder.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from torch import Tensor

from core.engine.objectives import OBJECTIVES
from core.words.errors import InputError
from core.words.i18n import N_

MAX_EPOCHS = 5000
# Snapshots per run: enough to scrub through training, few enough to cost little (see the benchmark).
SNAPSHOTS = 20


def snapshot_every(epochs: int) -> int:
    return max(1, int(epochs) // SNAPSHOTS)


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
            N_("The learning rate must be a number above 0 and at most 10 (got {value})."), value=learning_rate
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
                N_("Epochs must be between 1 and {most} (got {value})."), most=f"{MAX_EPOCHS:,}", value=self.epochs
            )
        check_learning_rate(self.learning_rate)
        if self.batch_size is not None and int(self.batch_size) < 1:
            raise InputError(N_("Batch size must be at least 1 (got {value})."), value=self.batch_size)
        if int(self.validate_every) < 1:
            raise InputError(N_("Validation must happen at least every epoch (validate_every ≥ 1)."))
        if int(self.snapshot_every) < 1:
            raise InputError(N_("Snapshots must be taken at least every epoch (snapshot_every ≥ 1)."))
        if self.clip_grad_norm is not None and not self.clip_grad_norm > 0:
            raise InputError(N_("Gradient clipping needs a positive maximum norm."))


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
            raise InputError(N_("There are no training sequences: the text or series is too short for the window."))
        if len(self.targets) != len(self.inputs):
            raise ValueError("inputs and targets differ in number of sequences")

    @property
    def probe_batch(self) -> tuple[Tensor, Tensor]:
        if self.probe_inputs is not None:
            return self.probe_inputs, self.probe_targets
        return self.inputs[:1], self.targets[:1]
