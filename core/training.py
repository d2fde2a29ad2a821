"""The training loop. It knows nothing of the UI: it yields what happened, a page draws it.

``train`` is an iterator: one ``EpochRecord`` per epoch (loss, accuracy, predictions, gradient
norms of the parameters), a ``Snapshot`` at initialisation and every ``snapshot_every`` epochs
(a ``Probe``: activations, gates, gradient per time step), and a ``Stopped`` record if the loss
stops being a finite number. ``fit`` runs it to the end and collects a ``TrainingHistory``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import numpy as np
import torch
from torch import Tensor

from core.errors import InputError
from core.models import ModelConfig, SequenceModel
from core.objectives import OBJECTIVES, compute_loss, count_correct, predicted_classes
from core.probes import Probe, parameter_gradient_norms, probe
from core.runtime import seed_everything

MAX_EPOCHS = 5000
# Adam keeps float32 weights finite for a long time even when training has blown up, so a loss a
# million times its first value counts as diverged too, not only inf/NaN.
EXPLOSION_FACTOR = 1e6


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
            raise InputError(f"Epochs must be between 1 and {MAX_EPOCHS} (got {self.epochs}).")
        if not (math.isfinite(self.learning_rate) and 0 < self.learning_rate <= 10):
            raise InputError(f"The learning rate must be a number above 0 and at most 10 (got {self.learning_rate}).")
        if self.batch_size is not None and int(self.batch_size) < 1:
            raise InputError(f"Batch size must be at least 1 (got {self.batch_size}).")
        if int(self.validate_every) < 1:
            raise InputError("Validation must happen at least every epoch (validate_every ≥ 1).")
        if int(self.snapshot_every) < 1:
            raise InputError("Snapshots must be taken at least every epoch (snapshot_every ≥ 1).")
        if self.clip_grad_norm is not None and not self.clip_grad_norm > 0:
            raise InputError("Gradient clipping needs a positive maximum norm.")


@dataclass(frozen=True)
class SequenceData:
    """Training data for one task, plus the few sequences the snapshots look inside."""

    inputs: Tensor  # (batch, time, features)
    targets: Tensor  # see core.objectives for the shape each objective expects
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
            raise InputError("There are no training sequences: the text or series is too short for the window.")
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


@dataclass(frozen=True)
class Snapshot:
    epoch: int  # the weights after this many epochs (0 = at initialisation)
    probe: Probe


@dataclass(frozen=True)
class Stopped:
    epoch: int
    reason: str


@dataclass
class TrainingHistory:
    """Everything a run produced, for drawing and scrubbing without retraining."""

    records: list[EpochRecord] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    stopped: Stopped | None = None
    model: SequenceModel | None = None
    seconds: float = 0.0  # wall-clock time of the whole run

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
    return (
        f"Training stopped at epoch {epoch}: the loss exploded (it became huge, infinite or not a number). "
        f"The learning rate "
        f"({learning_rate:g}) is too high for this model, so the weights overshot. The charts show the last "
        "good state; try a learning rate ten times smaller."
    )


def build_model(model_config: ModelConfig, seed: int) -> SequenceModel:
    """Seed first, then build: the same seed gives the same initial weights as the seed lab's code."""
    seed_everything(seed)
    return SequenceModel(model_config)


def train(
    model_config: ModelConfig, data: SequenceData, config: TrainConfig, device: torch.device | None = None
) -> Iterator[EpochRecord | Snapshot | Stopped | SequenceModel]:
    """Train from scratch; yield the model first, then records as they happen (see module docstring)."""
    device = device or torch.device("cpu")
    model = build_model(model_config, config.seed).to(device)
    shuffle_generator = torch.Generator().manual_seed(int(config.seed))
    yield model
    inputs, targets = data.inputs.to(device), data.targets.to(device)
    probe_inputs, probe_targets = (tensor.to(device) for tensor in data.probe_batch)
    validation = None
    if data.validation_inputs is not None:
        validation = (data.validation_inputs.to(device), data.validation_targets.to(device))
    optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    count = inputs.shape[0]
    batch_size = min(int(config.batch_size or count), count)
    full_batch = batch_size == count
    classify = data.objective != "regress_last_step"

    first_snapshot = probe(model, probe_inputs, probe_targets, data.objective)
    yield Snapshot(0, first_snapshot)
    first_loss = first_snapshot.loss if math.isfinite(first_snapshot.loss) else None
    for epoch in range(1, int(config.epochs) + 1):
        model.train()
        if data.fresh_batch is not None:
            inputs, targets = (tensor.to(device) for tensor in data.fresh_batch(epoch))
            count = inputs.shape[0]
        if full_batch:
            batches = [None]
        else:
            order = torch.randperm(count, generator=shuffle_generator) if config.shuffle else torch.arange(count)
            batches = list(order.to(device).split(batch_size))
        predictions = torch.empty_like(targets) if classify else None
        loss_sum, correct, counted, diverged = 0.0, 0, 0, False
        norm_sums: dict[str, float] = {}
        for batch in batches:
            batch_inputs = inputs if batch is None else inputs[batch]
            batch_targets = targets if batch is None else targets[batch]
            optimizer.zero_grad(set_to_none=True)
            outputs, _ = model(batch_inputs)
            loss = compute_loss(outputs, batch_targets, data.objective)
            loss_value = float(loss.detach())
            if has_diverged(loss_value, first_loss):
                diverged = True
                break
            loss.backward()
            if config.clip_grad_norm is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), config.clip_grad_norm)
            for name, norm in parameter_gradient_norms(model).items():
                norm_sums[name] = norm_sums.get(name, 0.0) + norm
            optimizer.step()
            loss_sum += loss_value * len(batch_targets)
            if classify:
                batch_predictions = predicted_classes(outputs.detach(), data.objective)
                batch_correct, batch_count = count_correct(batch_predictions, batch_targets)
                correct, counted = correct + batch_correct, counted + batch_count
                if batch is None:
                    predictions = batch_predictions
                else:
                    predictions[batch] = batch_predictions
        if diverged:
            yield Stopped(epoch, divergence_message(epoch, config.learning_rate))
            return
        validation_loss = validation_accuracy = None
        last_epoch = epoch == int(config.epochs)
        if validation is not None and (epoch % int(config.validate_every) == 0 or last_epoch):
            validation_loss, validation_accuracy = evaluate(model, *validation, data.objective, batch_size)
        yield EpochRecord(
            epoch=epoch,
            loss=loss_sum / count,
            accuracy=correct / counted if classify else None,
            parameter_gradient_norms={name: total / len(batches) for name, total in norm_sums.items()},
            predictions=predictions.cpu().numpy() if classify else None,
            validation_loss=validation_loss,
            validation_accuracy=validation_accuracy,
        )
        if epoch % int(config.snapshot_every) == 0 or epoch == int(config.epochs):
            snapshot = probe(model, probe_inputs, probe_targets, data.objective)
            if has_diverged(snapshot.loss, first_loss):
                yield Stopped(epoch, divergence_message(epoch, config.learning_rate))
                return
            yield Snapshot(epoch, snapshot)


@torch.no_grad()
def evaluate(
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
    """Run ``train`` to the end; ``on_item`` sees every record as it happens (for live charts).

    ``keep_predictions=False`` drops each epoch's predictions once ``on_item`` has seen them: they grow
    as epochs x sequences x time, so a caller that summarises them (a read-back sentence) keeps less.
    """
    history = TrainingHistory()
    started = time.perf_counter()
    for item in train(model_config, data, config, device):
        if isinstance(item, SequenceModel):
            history.model = item
            continue
        if on_item is not None:
            on_item(item)
        if isinstance(item, EpochRecord) and not keep_predictions:
            item = replace(item, predictions=None)
        history.add(item)
    history.seconds = time.perf_counter() - started
    return history
