"""One training run, epoch by epoch, as a generator a ``core.engine.session.TrainingSession`` resumes in chunks.

Each optimisation step is a forward/backward pass over a batch (sliced when it is too big, ``core.engine.passes``), the
gradient norm of every parameter tensor, a check that the update is finite, and Adam's step; each epoch ends with
its record (loss, accuracy, predictions, held-out scores) and, every few epochs, a snapshot of the weights that a
view probes when it first looks. Between pieces of work it yields pause points, so a session can stop anywhere
and go on with bit-identical results.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import torch

from core.engine.models import display_name
from core.engine.passes import gradient_norms, held_out_passes, one_pass, sliced_passes
from core.engine.training import DIVERGED, EpochRecord, Snapshot, Stopped

if TYPE_CHECKING:
    from core.engine.session import TrainingSession

STEP_DONE, EPOCH_DONE = object(), object()  # pause points after an optimisation step and after an epoch


def run_epochs(session: TrainingSession, start_epoch: int = 0) -> Iterator[object]:
    """The whole run of ``session`` as a generator: it yields records, snapshots and pause points (PAUSE,
    STEP_DONE, EPOCH_DONE). The session resumes it chunk by chunk; the learning rate is read at every step.
    From ``start_epoch`` > 0 it goes on after that epoch (a loaded run) without the initial snapshot."""
    config, data, model, device = session.config, session.data, session.model, session.device
    shuffle_generator = session.shuffle_generator
    inputs, targets = data.inputs.to(device), data.targets.to(device)
    validation = None
    if data.validation_inputs is not None:
        validation = (data.validation_inputs.to(device), data.validation_targets.to(device))
    count, batch_size = inputs.shape[0], session.batch_size
    full_batch = batch_size == count
    classify = data.objective != "regress_last_step"
    # What the predictions are compared with every epoch, converted once per data set, not once per epoch.
    targets_seen = targets.cpu().numpy() if classify else None

    named = [(display_name(name), parameter) for name, parameter in model.named_parameters()]
    names, parameters = [name for name, _ in named], [parameter for _, parameter in named]
    state = list(model.state_dict(keep_vars=True).items())  # the live tensors, updated in place by Adam

    def snapshot(epoch: int) -> Snapshot:
        return Snapshot(epoch, {key: value.detach().clone() for key, value in state}, session.look)

    if start_epoch == 0:
        yield snapshot(0)
    first_loss = session.first_loss  # the first step's loss: a loss a million times larger counts as diverged
    for epoch in range(start_epoch + 1, session.total_epochs + 1):
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
            session.optimizer.zero_grad(set_to_none=True)
            if len(batch_targets) <= session.micro_batch:
                step = one_pass(model, batch_inputs, batch_targets, data.objective, first_loss)
            else:
                step = yield from sliced_passes(
                    model, batch_inputs, batch_targets, data.objective, session.micro_batch, first_loss
                )
            if step is None:  # the loss exploded: stop with the last good state on screen
                yield Stopped(epoch, DIVERGED, session.learning_rate)
                return
            loss_value, batch_predictions = step
            if first_loss is None:
                first_loss = session.first_loss = loss_value
            if config.clip_grad_norm is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), config.clip_grad_norm)
            norms = gradient_norms(names, parameters)
            if not math.isfinite(sum(norm for _, norm in norms)):  # this update would break the weights
                yield Stopped(epoch, DIVERGED, session.learning_rate)
                return
            for name, norm in norms:
                norm_sums[name] = norm_sums.get(name, 0.0) + norm
            session.optimizer.step()
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
        last_epoch = epoch == session.total_epochs
        if validation is not None and (epoch % int(config.validate_every) == 0 or last_epoch):
            # no activations are kept for a backward pass here: slices four times larger fit
            validation_loss, validation_accuracy = yield from held_out_passes(
                model, *validation, data.objective, max(1, 4 * session.micro_batch)
            )
        yield EpochRecord(
            epoch=epoch,
            loss=loss_sum / count,
            accuracy=accuracy,
            parameter_gradient_norms={name: total / len(batches) for name, total in norm_sums.items()},
            predictions=predictions,
            validation_loss=validation_loss,
            validation_accuracy=validation_accuracy,
            learning_rate=session.learning_rate,
        )
        if epoch % int(config.snapshot_every) == 0 or last_epoch:
            yield snapshot(epoch)
        yield EPOCH_DONE
