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

The run is the session's own: its epoch loop (``_run``, over the passes of ``core.engine.passes``) and its state as
plain data and tensors (``state_dict`` / ``load_state_dict``, which ``core.runs.state`` writes into a saved run and
reads back). It makes the records of ``core.engine.records`` from the settings of ``core.engine.settings``.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

import numpy as np
import torch
from torch import Tensor, nn

from core.engine.budget import Budget, CostEstimate, ModelCost, RunShape, check_budget, estimate
from core.engine.models import display_name
from core.engine.passes import PAUSE, gradient_norms, held_out_passes, one_pass, sliced_passes
from core.engine.probes import Probe
from core.engine.records import (
    DIVERGED,
    FAILED,
    EpochRecord,
    LearningRateChange,
    Snapshot,
    Stopped,
    TrainingHistory,
)
from core.engine.runtime import build_seeded
from core.engine.settings import SequenceData, TrainConfig, check_learning_rate

# Activation floats one forward pass may hold (sequences x time x per-step floats): ~16 MB raw,
# about 60 MB with what autograd keeps for the backward pass. Larger steps are sliced.
MICRO_BATCH_FLOATS = 4_000_000
STEP_DONE, EPOCH_DONE = object(), object()  # pause points after an optimisation step and after an epoch
OPTIMISER_STATE = ("step", "exp_avg", "exp_avg_sq")  # Adam's tensors per parameter, as its state_dict holds them


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
        # The run's one optimiser: a saved run's state is loaded into this one (load_state_dict).
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=self.learning_rate)
        self.history = TrainingHistory(model=self.model)
        # Fixed for the run; computed once, because counting the parameters on every step costs a HiHello
        # run 6% of its time.
        per_sequence = self.data.inputs.shape[1] * max(1, self.model.cost().activation_floats)
        self._micro_batch = max(1, min(self.batch_size, MICRO_BATCH_FLOATS // per_sequence))
        self.epoch = 0  # epochs completed
        self.steps_done = 0
        # What the work carries from one epoch to the next, kept here so a saved run can resume it exactly
        # (state_dict): the shuffling generator and the first step's loss (the divergence yardstick).
        self.shuffle_generator = torch.Generator().manual_seed(int(config.seed))
        self.first_loss: float | None = None
        # Steering replayed (a link carries a run's learning-rate changes): (epochs, steps) done -> the rate from then
        # on. Emptied as the moments come; a reset forgets it, as it forgets the learner's changes.
        self.rate_schedule: dict[tuple[int, int], float] = {}
        self._probe_model: nn.Module | None = None  # snapshots are probed on a copy, whenever someone looks
        self._work = self._run()
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
        the last bit: weights, records, marks (tests/engine/test_session.py)."""
        for epochs, steps, rate in changes:
            moment = (int(epochs), int(steps))
            if moment >= (self.epoch, self.steps_done):
                self.rate_schedule[moment] = check_learning_rate(rate)
        self._apply_scheduled_rate()  # a change at this very moment (before the first step, say)

    def _apply_scheduled_rate(self) -> None:
        rate = self.rate_schedule.pop((self.epoch, self.steps_done), None)
        if rate is not None:
            self.set_learning_rate(rate)

    # -- the run as plain data and tensors ---------------------------------------------------------------------
    def state_dict(self) -> dict:
        """The run at this moment as plain data (numbers, lists, names: what JSON holds) and, under ``"tensors"``,
        its tensors by name: the weights now (``current/...``) and at every snapshot (``snapshot/10/...``), Adam's
        state (``optimiser/0/step``, once it has stepped) and the shuffling generator. ``load_state_dict`` of a
        session built from the same settings puts it back; saved at an epoch's end, training goes on bit for bit."""
        history = self.history
        tensors = {f"current/{k}": v.detach().clone() for k, v in self.model.state_dict().items()}
        for snapshot in history.snapshots:
            tensors.update({f"snapshot/{snapshot.epoch}/{k}": v.clone() for k, v in snapshot.weights.items()})
        for index, state in self.optimizer.state_dict()["state"].items():
            tensors.update({f"optimiser/{index}/{k}": state[k].detach().clone() for k in OPTIMISER_STATE})
        tensors["shuffle_generator"] = self.shuffle_generator.get_state()
        return {
            "epoch": self.epoch,
            "steps_done": self.steps_done,
            "learning_rate": self.learning_rate,
            "first_loss": self.first_loss,
            "seconds": history.seconds,
            "records": [record.plain() for record in history.records],
            "learning_rate_changes": [change.plain() for change in history.learning_rate_changes],
            "snapshot_epochs": [snapshot.epoch for snapshot in history.snapshots],
            "stopped": None if history.stopped is None else history.stopped.plain(),
            "tensors": tensors,
        }

    def state_tensors(self, stepped: bool, snapshot_epochs: Iterable[int]) -> dict[str, Tensor]:
        """The tensors ``state_dict`` holds for a run with snapshots at ``snapshot_epochs`` (and Adam's state when
        it has ``stepped``), by name: each a reference of the right shape and type."""
        weights = self.model.state_dict()
        expected = {f"current/{k}": v for k, v in weights.items()}
        for epoch in snapshot_epochs:
            expected.update({f"snapshot/{epoch}/{k}": v for k, v in weights.items()})
        if stepped:  # Adam has state once it has taken a step
            for index, parameter in enumerate(self.model.parameters()):
                expected[f"optimiser/{index}/step"] = torch.tensor(0.0)
                expected[f"optimiser/{index}/exp_avg"] = parameter.detach()
                expected[f"optimiser/{index}/exp_avg_sq"] = parameter.detach()
        expected["shuffle_generator"] = self.shuffle_generator.get_state()
        return expected

    def load_state_dict(self, state: dict) -> None:
        """Put back a run that ``state_dict`` wrote, and go on from there: the session was built from the same
        settings, and ``state`` is trusted (core.runs.state checks a saved run's whole before it calls this). The
        tensors of ``state`` become the session's own: the caller keeps no other use of them."""
        tensors, history = state["tensors"], self.history
        weights = self.model.state_dict()
        self.model.load_state_dict({k: tensors[f"current/{k}"] for k in weights})
        optimiser = self.optimizer.state_dict()
        optimiser["state"] = {
            index: {k: tensors[f"optimiser/{index}/{k}"] for k in OPTIMISER_STATE}
            for index in range(len(optimiser["param_groups"][0]["params"]))
            if f"optimiser/{index}/step" in tensors
        }
        self.learning_rate = float(state["learning_rate"])
        for group in optimiser["param_groups"]:
            group["lr"] = self.learning_rate
        self.optimizer.load_state_dict(optimiser)
        self.first_loss = state["first_loss"]
        self.shuffle_generator.set_state(tensors["shuffle_generator"])
        history.records = [EpochRecord.from_plain(item) for item in state["records"]]
        history.stopped = None if state["stopped"] is None else Stopped.from_plain(state["stopped"])
        history.seconds = state["seconds"]
        history.learning_rate_changes = [LearningRateChange.from_plain(item) for item in state["learning_rate_changes"]]
        history.snapshots = [
            Snapshot(epoch, {k: tensors[f"snapshot/{epoch}/{k}"] for k in weights}, self.look)
            for epoch in state["snapshot_epochs"]
        ]
        self.epoch, self.steps_done = int(state["epoch"]), int(state["steps_done"])
        self._work = self._run(start_epoch=self.epoch)

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

    # -- the run itself ------------------------------------------------------------------------------------
    def _run(self, start_epoch: int = 0) -> Iterator[object]:
        """The whole run as a generator: it yields records, snapshots and pause points (PAUSE, STEP_DONE,
        EPOCH_DONE), and ``advance`` resumes it chunk by chunk; the learning rate is read at every step. From
        ``start_epoch`` > 0 it goes on after that epoch (a loaded run) without the initial snapshot.

        Each optimisation step is a forward/backward pass over a batch (sliced when it is too big), the gradient norm
        of every parameter tensor, a check that the update is finite, and Adam's step; each epoch ends with its record
        (loss, accuracy, predictions, held-out scores) and, every few epochs, a snapshot of the weights that a view
        probes when it first looks."""
        config, data, model, device = self.config, self.data, self.model, self.device
        shuffle_generator = self.shuffle_generator
        inputs, targets = data.inputs.to(device), data.targets.to(device)
        validation = None
        if data.validation_inputs is not None:
            validation = (data.validation_inputs.to(device), data.validation_targets.to(device))
        count, batch_size = inputs.shape[0], self.batch_size
        full_batch = batch_size == count
        classify = data.objective != "regress_last_step"
        # What the predictions are compared with every epoch, converted once per data set, not once per epoch.
        targets_seen = targets.cpu().numpy() if classify else None

        named = [(display_name(name), parameter) for name, parameter in model.named_parameters()]
        names, parameters = [name for name, _ in named], [parameter for _, parameter in named]
        state = list(model.state_dict(keep_vars=True).items())  # the live tensors, updated in place by Adam

        def snapshot(epoch: int) -> Snapshot:
            return Snapshot(epoch, {key: value.detach().clone() for key, value in state}, self.look)

        if start_epoch == 0:
            yield snapshot(0)
        first_loss = self.first_loss  # the first step's loss: a loss a million times larger counts as diverged
        for epoch in range(start_epoch + 1, self.total_epochs + 1):
            if data.fresh_batch is not None:
                inputs, targets = (tensor.to(device) for tensor in data.fresh_batch(epoch))
                count = inputs.shape[0]
                targets_seen = targets.cpu().numpy() if classify else None
            if full_batch:
                batches = [None]
            else:
                order = torch.randperm(count, generator=shuffle_generator) if config.shuffle else torch.arange(count)
                batches = list(order.to(device).split(batch_size))
            predictions = np.empty(targets_seen.shape, dtype=np.int64) if classify and not full_batch else None
            loss_sum = 0.0
            norm_sums: dict[str, float] = {}
            for batch in batches:
                batch_inputs = inputs if batch is None else inputs[batch]
                batch_targets = targets if batch is None else targets[batch]
                self.optimizer.zero_grad(set_to_none=True)
                if len(batch_targets) <= self.micro_batch:
                    step = one_pass(model, batch_inputs, batch_targets, data.objective, first_loss)
                else:
                    step = yield from sliced_passes(
                        model, batch_inputs, batch_targets, data.objective, self.micro_batch, first_loss
                    )
                if step is None:  # the loss exploded: stop with the last good state on screen
                    yield Stopped(epoch, DIVERGED, self.learning_rate)
                    return
                loss_value, batch_predictions = step
                if first_loss is None:
                    first_loss = self.first_loss = loss_value
                if config.clip_grad_norm is not None:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), config.clip_grad_norm)
                norms = gradient_norms(names, parameters)
                if not math.isfinite(sum(norm for _, norm in norms)):  # this update would break the weights
                    yield Stopped(epoch, DIVERGED, self.learning_rate)
                    return
                for name, norm in norms:
                    norm_sums[name] = norm_sums.get(name, 0.0) + norm
                self.optimizer.step()
                loss_sum += loss_value * batch_targets.shape[0]
                if classify:
                    if batch is None:
                        predictions = batch_predictions
                    else:
                        predictions[batch.cpu().numpy()] = batch_predictions
                yield STEP_DONE
            validation_loss = validation_accuracy = None
            # Counted once per epoch on the assembled predictions: the same count as batch by batch, cheaper.
            accuracy = np.count_nonzero(predictions == targets_seen) / predictions.size if classify else None
            last_epoch = epoch == self.total_epochs
            if validation is not None and (epoch % int(config.validate_every) == 0 or last_epoch):
                # no activations are kept for a backward pass here: slices four times larger fit
                validation_loss, validation_accuracy = yield from held_out_passes(
                    model, *validation, data.objective, max(1, 4 * self.micro_batch)
                )
            yield EpochRecord(
                epoch=epoch,
                loss=loss_sum / count,
                accuracy=accuracy,
                parameter_gradient_norms={name: total / len(batches) for name, total in norm_sums.items()},
                predictions=predictions,
                validation_loss=validation_loss,
                validation_accuracy=validation_accuracy,
                learning_rate=self.learning_rate,
            )
            if epoch % int(config.snapshot_every) == 0 or last_epoch:
                yield snapshot(epoch)
            yield EPOCH_DONE
