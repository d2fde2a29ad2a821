"""A training run the learner drives: advance it a little, look, change the learning rate, go on.

``TrainingSession`` holds everything a run needs between two calls: the model, the optimiser, the
data, the random generators, the history, and the half-finished epoch. ``advance`` runs it on for a
number of epochs, optimisation steps or seconds and returns what happened meanwhile. Advancing in
chunks gives bit-identical losses, weights and snapshots to one uninterrupted run: the work is one
generator that the chunks resume, so the computation is the same whatever the chunking.

The session reaches the model only through ``Trainable``: a forward pass, a probe (activations and
gradients per time step) and a cost description. A new kind of model is new files, not a change here.

Memory is bounded whatever the batch size: a step over more sequences than ``micro_batch`` is
computed in slices whose gradients are added up (the same gradient as one pass, up to float
rounding), so "batch: all" on a long series never holds gigabytes of activations.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

import torch
from torch import Tensor, nn

from core.engine.budget import Budget, CostEstimate, ModelCost, RunShape, check_budget, estimate
from core.engine.epoch_loop import EPOCH_DONE, STEP_DONE, run_epochs
from core.engine.passes import PAUSE
from core.engine.probes import Probe
from core.engine.runtime import build_seeded
from core.engine.training import (
    FAILED,
    EpochRecord,
    LearningRateChange,
    SequenceData,
    Snapshot,
    Stopped,
    TrainConfig,
    TrainingHistory,
    check_learning_rate,
)

# Activation floats one forward pass may hold (sequences x time x per-step floats): ~16 MB raw,
# about 60 MB with what autograd keeps for the backward pass. Larger steps are sliced.
MICRO_BATCH_FLOATS = 4_000_000


@runtime_checkable
class Trainable(Protocol):
    """The small interface the session needs from a model."""

    def forward(self, inputs: Tensor) -> tuple[Tensor, list[Tensor]]: ...  # outputs (batch, time, out)

    def probe(self, inputs: Tensor, targets: Tensor, objective: str) -> Probe: ...

    def cost(self) -> ModelCost: ...

    def parameters(self) -> Iterator[nn.Parameter]: ...


@dataclass(frozen=True)
class Progress:
    """What one ``advance`` call produced."""

    records: list[EpochRecord] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    stopped: Stopped | None = None
    steps: int = 0  # optimisation steps taken
    seconds: float = 0.0


class TrainingSession:
    """A resumable training run (see the module docstring). It never imports streamlit."""

    def __init__(
        self,
        make_model: Callable[[], nn.Module],
        data: SequenceData,
        config: TrainConfig,
        device: torch.device | None = None,
        keep_predictions: bool = True,
        on_record: Callable[[EpochRecord], None] | None = None,
    ) -> None:
        self._make_model = make_model
        self.data = data
        self.config = config
        self.device = device or torch.device("cpu")
        self.keep_predictions = keep_predictions
        # Sees every epoch record before its predictions may be dropped (a read-back log keeps a summary).
        self.on_record = on_record
        self.reset()

    # -- state -------------------------------------------------------------------------------------------
    def reset(self) -> None:
        """Start over: fresh weights from the seed, fresh optimiser and generators, empty history."""
        config = self.config
        self.model = build_seeded(self._make_model, config.seed).to(self.device)
        if not isinstance(self.model, Trainable):
            raise TypeError("the model must offer forward, probe and cost (core.engine.session.Trainable)")
        self.learning_rate = float(config.learning_rate)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=self.learning_rate)
        self.history = TrainingHistory(model=self.model)
        # Fixed for the run; computed once, because counting the parameters on every step costs a HiHello
        # run 6% of its time.
        per_sequence = self.data.inputs.shape[1] * max(1, self.model.cost().activation_floats)
        self._micro_batch = max(1, min(self.batch_size, MICRO_BATCH_FLOATS // per_sequence))
        self.epoch = 0  # epochs completed
        self.steps_done = 0
        # What the work carries from one epoch to the next, kept here so a saved run can resume it exactly
        # (core.runs.file): the shuffling generator and the first step's loss (the divergence yardstick).
        self.shuffle_generator = torch.Generator().manual_seed(int(config.seed))
        self.first_loss: float | None = None
        # Steering replayed (a link carries a run's learning-rate changes): (epochs, steps) done -> the rate from then
        # on. Emptied as the moments come; a reset forgets it, as it forgets the learner's changes.
        self.rate_schedule: dict[tuple[int, int], float] = {}
        self._probe_model: nn.Module | None = None  # snapshots are probed on a copy, whenever someone looks
        self._work = run_epochs(self)
        self._collect(next(self._work))  # the snapshot at initialisation: epoch 0 is visible at once

    @property
    def total_epochs(self) -> int:
        return int(self.config.epochs)

    @property
    def finished(self) -> bool:
        return self.history.stopped is not None or self.epoch >= self.total_epochs

    @property
    def sequences_per_epoch(self) -> int:
        return int(self.data.inputs.shape[0])

    @property
    def batch_size(self) -> int:
        count = self.sequences_per_epoch
        return min(int(self.config.batch_size or count), count)

    @property
    def steps_per_epoch(self) -> int:
        return -(-self.sequences_per_epoch // self.batch_size)

    @property
    def micro_batch(self) -> int:
        """Sequences in one forward/backward pass: the batch, or a slice of it when it would not fit."""
        return self._micro_batch

    def run_shape(self) -> RunShape:
        config, data = self.config, self.data
        epochs = self.total_epochs
        validation = 0 if data.validation_inputs is None else int(data.validation_inputs.shape[0])
        probes = int(data.probe_batch[0].shape[0])
        every = int(config.snapshot_every)
        tensors = [data.inputs, data.targets, data.validation_inputs, data.validation_targets, *data.probe_batch]
        storages = {id(t.untyped_storage()): t.untyped_storage().nbytes() for t in tensors if t is not None}
        return RunShape(
            sequences=self.sequences_per_epoch,
            time_steps=int(data.inputs.shape[1]),
            steps_per_epoch=self.steps_per_epoch,
            passes_per_step=-(-self.batch_size // self.micro_batch),
            micro_batch=self.micro_batch,
            epochs=epochs,
            validation_sequences=validation,
            validations=(epochs // int(config.validate_every) + 1) if validation else 0,
            probe_sequences=probes,
            snapshots=epochs // every + 2,
            data_bytes=sum(storages.values()),
        )

    def estimate(self) -> CostEstimate:
        """Time and memory of the whole run, from its settings (core.engine.budget)."""
        return estimate(self.model.cost(), self.run_shape())

    def check_budget(self, budget: Budget | None = None, **names: str) -> CostEstimate:
        """Refuse a run over the budget with a message naming the setting to change; return the estimate."""
        cost = self.estimate()
        check_budget(cost, budget or Budget.from_environment(), self.total_epochs, **names)
        return cost

    def set_learning_rate(self, learning_rate: float) -> None:
        """Takes effect at the next optimisation step; the change is kept in the history for the loss curve."""
        learning_rate = check_learning_rate(learning_rate)
        if learning_rate == self.learning_rate:
            return
        for group in self.optimizer.param_groups:
            group["lr"] = learning_rate
        self.learning_rate = learning_rate
        self.history.learning_rate_changes.append(LearningRateChange(self.epoch, self.steps_done, learning_rate))

    def schedule_learning_rates(self, changes: Iterable[tuple[int, int, float]]) -> None:
        """Replay a learner's steering: for each (epochs, steps, rate) of ``changes``, change the rate to ``rate``
        at the moment ``epochs`` epochs and ``steps`` optimisation steps are done, as ``set_learning_rate`` did then.

        A change is kept by both counts because the moment between two steps has two sides when an epoch ends:
        after its last step but before its record (the change shows in that record, and is marked in that epoch),
        or after the record. Applied where ``advance`` counts the step or the epoch, the replay is the same run to
        the last bit: weights, records, marks (tests/test_session.py)."""
        for epochs, steps, rate in changes:
            moment = (int(epochs), int(steps))
            if moment >= (self.epoch, self.steps_done):
                self.rate_schedule[moment] = check_learning_rate(rate)
        self._apply_scheduled_rate()  # a change at this very moment (before the first step, say)

    def _apply_scheduled_rate(self) -> None:
        rate = self.rate_schedule.pop((self.epoch, self.steps_done), None)
        if rate is not None:
            self.set_learning_rate(rate)

    def resume_from(self, epoch: int, steps_done: int) -> None:
        """Go on from the end of epoch ``epoch``: the caller (core.runs.file) has put back the weights, the
        optimiser, the history, the shuffling generator and the first loss as they were at that moment."""
        self.epoch, self.steps_done = int(epoch), int(steps_done)
        self._work = run_epochs(self, start_epoch=self.epoch)

    def look(self, weights: dict[str, Tensor]) -> Probe:
        """What a probe sees inside the model at ``weights`` (a snapshot's, for instance)."""
        if self._probe_model is None:
            self._probe_model = copy.deepcopy(self.model)
        self._probe_model.load_state_dict(weights)
        probe_inputs, probe_targets = (tensor.to(self.device) for tensor in self.data.probe_batch)
        return self._probe_model.probe(probe_inputs, probe_targets, self.data.objective)

    # -- driving -----------------------------------------------------------------------------------------
    def advance(self, epochs: int | None = None, steps: int | None = None, seconds: float | None = None) -> Progress:
        """Run on until ``epochs`` more epochs or ``steps`` more steps are done, ``seconds`` have passed, or
        the run ends, whichever comes first. Without any limit it runs to the end."""
        started = time.perf_counter()
        records, snapshots = [], []
        target_epoch = self.epoch + int(epochs) if epochs is not None else None
        target_step = self.steps_done + int(steps) if steps is not None else None
        steps_before = self.steps_done
        # This loop runs several times per epoch of a run that may take milliseconds in all: it stays lean.
        while self.history.stopped is None:
            try:
                item = next(self._work)
            except StopIteration:
                break
            except Exception:
                # A generator that raised cannot be resumed: end the run, so nothing keeps trying.
                self.history.add(Stopped(self.epoch + 1, FAILED))
                raise
            if item is STEP_DONE:
                self.steps_done += 1
                if self.rate_schedule:
                    self._apply_scheduled_rate()
                if target_step is not None and self.steps_done >= target_step:
                    break
            elif item is EPOCH_DONE:
                self.epoch += 1
                if self.rate_schedule:
                    self._apply_scheduled_rate()
                if target_epoch is not None and self.epoch >= target_epoch:
                    break
            elif item is not PAUSE:
                collected = self._collect(item)
                if isinstance(collected, EpochRecord):
                    records.append(collected)
                elif isinstance(collected, Snapshot):
                    snapshots.append(collected)
                continue  # records and snapshots come just before a pause point
            if seconds is not None and time.perf_counter() - started >= seconds:
                break
        elapsed = time.perf_counter() - started
        self.history.seconds += elapsed
        return Progress(records, snapshots, self.history.stopped, self.steps_done - steps_before, elapsed)

    def _collect(self, item: EpochRecord | Snapshot | Stopped) -> EpochRecord | Snapshot | Stopped:
        if isinstance(item, EpochRecord):
            if self.on_record is not None:
                self.on_record(item)
            if not self.keep_predictions:
                item = replace(item, predictions=None)
        self.history.add(item)
        return item
