"""One training session as plain data and back: what core.run_file writes into a run's file and reads out.

A session becomes a JSON-able dict (the history, the learning rate, the counters, the optimiser's scalars)
and a flat dict of tensors (the weights now, every snapshot's weights, Adam's moments, the shuffling
generator). ``restore_session`` checks both against a freshly built session of the same settings (every number
finite and in its range, every id within the vocabulary, every tensor dense and on the CPU, the generator's state one
it accepts) before it touches anything, then puts the run back so that training goes on exactly where it stopped.

What a session writes holds numbers and names, no translated text; the messages about a damaged file are worded
in the learner's language when they are raised.

One idea at ~370 lines: writing a session and reading it back are the two halves of one format, kept side by
side so that a field added to one is seen in the other; most of the length is the checks of what is read.
"""

from __future__ import annotations

import contextlib
import math
import re
from numbers import Real

import numpy as np
import torch
from torch import Tensor

from core.errors import InputError
from core.i18n import SOURCE_LANGUAGE, _, speaking
from core.session import TrainingSession
from core.training import (
    DIVERGED,
    FAILED,
    FAILED_MESSAGE,
    EpochRecord,
    LearningRateChange,
    Snapshot,
    Stopped,
    check_learning_rate,
    divergence_message,
)
from core.validation import whole_number
from core.windows import ReadBackLog

OPTIMISER_STATE = ("step", "exp_avg", "exp_avg_sq")  # Adam's per-parameter tensors
MAX_FILE_BYTES = 50 * 1024 * 1024  # the upload limit of .streamlit/config.toml (maxUploadSize = 50 MB)
# The largest loss or gradient norm a run can record: each is a float32 sum, so a real one never exceeds float32's
# largest number; a forged 1e308 would overflow the log axes' ticks (10 ** 309).
MAX_MAGNITUDE = float(torch.finfo(torch.float32).max)


def at_epoch_boundary(session: TrainingSession) -> bool:
    return session.steps_done == session.epoch * session.steps_per_epoch


def weights_bytes(sessions: dict[str, TrainingSession]) -> int:
    """About the size of a run's file: its weights now, at every snapshot and Adam's two moments (floats hardly
    compress, so the zip is nearly as large)."""
    total = 0
    for session in sessions.values():
        one = sum(p.numel() * p.element_size() for p in session.model.parameters())
        total += one * (len(session.history.snapshots) + 3)
    return total


def check_saveable(sessions: dict[str, TrainingSession]) -> None:
    """Refuse a run whose file could not be loaded back (over the upload limit), before any work is done."""
    size = weights_bytes(sessions)
    if size > MAX_FILE_BYTES:
        snapshots = sum(len(session.history.snapshots) for session in sessions.values())
        raise InputError(
            _(
                "This run is too large to save: its weights now and at its {snapshots} snapshots take {size:.0f} MB, "
                "and a run's file can be at most {limit} MB to load back. A smaller hidden size or fewer layers make a "
                "run that can be saved."
            ).format(snapshots=snapshots, size=size / 2**20, limit=MAX_FILE_BYTES >> 20)
        )


def session_state(session: TrainingSession, prefix: str) -> tuple[dict, dict[str, Tensor]]:
    """The session as (JSON-able dict, tensors named ``prefix/current/...``, ``prefix/snapshot/10/...``)."""
    history = session.history
    tensors = {f"{prefix}/current/{k}": v.detach().clone() for k, v in session.model.state_dict().items()}
    for snapshot in history.snapshots:
        tensors.update({f"{prefix}/snapshot/{snapshot.epoch}/{k}": v.clone() for k, v in snapshot.weights.items()})
    for index, state in session.optimizer.state_dict()["state"].items():
        tensors.update({f"{prefix}/optimiser/{index}/{k}": state[k].detach().clone() for k in OPTIMISER_STATE})
    tensors[f"{prefix}/shuffle_generator"] = session.shuffle_generator.get_state()
    records = [
        {
            "epoch": r.epoch,
            "loss": r.loss,
            "accuracy": r.accuracy,
            "gradient_norms": r.parameter_gradient_norms,
            "predictions": None if r.predictions is None else r.predictions.tolist(),
            "validation_loss": r.validation_loss,
            "validation_accuracy": r.validation_accuracy,
            "learning_rate": r.learning_rate,
        }
        for r in history.records
    ]
    state = {
        "epoch": session.epoch,
        "steps_done": session.steps_done,
        "learning_rate": session.learning_rate,
        "first_loss": session.first_loss,
        "seconds": history.seconds,
        "records": records,
        "learning_rate_changes": [[c.epoch, c.step, c.learning_rate] for c in history.learning_rate_changes],
        "snapshot_epochs": [s.epoch for s in history.snapshots],
        "stopped": None if history.stopped is None else stopped_state(history.stopped),
    }
    return state, tensors


def stopped_state(stopped: Stopped) -> list:
    """Why a run stopped, as data: ``[epoch, cause, learning rate]`` (the cause a code: DIVERGED or FAILED). The
    sentence a learner reads is worded when it is shown, in the language of that moment."""
    return [stopped.epoch, stopped.cause, stopped.learning_rate]


def _old_cause(sentence: str, epoch: int) -> tuple[str, float | None]:
    """The cause an older file's sentence states (files saved before the cause was kept hold the English sentence:
    the app spoke only English then), so that it too is worded in the learner's language; a sentence that is
    neither of the two is kept as it is (``Stopped`` shows it as saved)."""
    if sentence == FAILED_MESSAGE:
        return FAILED, None
    for rate in re.findall(r"\(([0-9][0-9.e+-]*)\)", sentence):
        with contextlib.suppress(ValueError, InputError), speaking(SOURCE_LANGUAGE):
            if sentence == divergence_message(epoch, check_learning_rate(float(rate))):
                return DIVERGED, float(rate)
    return sentence, None


def read_back_state(log: ReadBackLog) -> dict:
    return {
        "epochs": list(log.epochs),
        "ids": [ids.tolist() for ids in log.ids],
        "position_accuracy": [values.tolist() for values in log.position_accuracy],
        "accuracy": list(log.accuracy),
    }


# -- reading back ---------------------------------------------------------------------------------------
def _broken(what: str) -> InputError:
    return InputError(
        _("This run's file is damaged or was edited: {problem}. Save the run again from RNN Lab.").format(problem=what)
    )


def _number(
    value: object, what: str, optional: bool = False, low: float = -math.inf, high: float = math.inf
) -> float | None:
    """A finite number within ``low`` … ``high`` (None too when ``optional``)."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise _broken(_("{what} is not a number ({value})").format(what=what, value=repr(value)))
    if not low <= value <= high:
        raise _broken(_("{what} is out of its range ({value})").format(what=what, value=repr(value)))
    return float(value)


def _loss(value: object, what: str, optional: bool = False) -> float | None:
    """A loss or a norm: never negative, and no larger than float32 can hold."""
    return _number(value, what, optional, 0.0, MAX_MAGNITUDE)


def _fraction(value: object, what: str, optional: bool = False) -> float | None:
    """An accuracy: a share of right answers, 0 to 1."""
    return _number(value, what, optional, 0.0, 1.0)


def _count(value: object, what: str, high: int) -> int:
    try:
        return whole_number(value, what, 0, high)
    except InputError as error:
        raise _broken(str(error).rstrip(".")) from None


def _records(state: dict, session: TrainingSession, epoch: int) -> list[EpochRecord]:
    raw = state.get("records")
    if not isinstance(raw, list) or len(raw) != epoch:
        raise _broken(_("the history should hold {epochs} epochs").format(epochs=epoch))
    targets_shape = tuple(session.data.targets.shape)
    classes = session.model.config.output_size  # a prediction is a class id: 0 <= id < classes
    records = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or item.get("epoch") != number:
            raise _broken(_("epoch {epoch} of the history is missing").format(epoch=number))
        norms = item.get("gradient_norms")
        if not isinstance(norms, dict) or not all(isinstance(k, str) for k in norms):
            raise _broken(_("the gradient norms of epoch {epoch} are not a table").format(epoch=number))
        predictions = item.get("predictions")
        if predictions is not None:
            try:
                predictions = np.asarray(predictions, dtype=np.int64)
            except (TypeError, ValueError, OverflowError):
                raise _broken(
                    _("the predictions of epoch {epoch} are not whole numbers").format(epoch=number)
                ) from None
            if predictions.shape != targets_shape:
                raise _broken(_("the predictions of epoch {epoch} do not fit the task").format(epoch=number))
            if predictions.size and (predictions.min() < 0 or predictions.max() >= classes):
                raise _broken(
                    _("the predictions of epoch {epoch} name classes outside the task's {classes}").format(
                        epoch=number, classes=classes
                    )
                )
        records.append(
            EpochRecord(
                epoch=number,
                loss=_loss(item.get("loss"), _("the loss of epoch {epoch}").format(epoch=number)),
                accuracy=_fraction(item.get("accuracy"), _("an accuracy"), optional=True),
                parameter_gradient_norms={k: _loss(v, _("a gradient norm")) for k, v in norms.items()},
                predictions=predictions,
                validation_loss=_loss(item.get("validation_loss"), _("a validation loss"), optional=True),
                validation_accuracy=_fraction(
                    item.get("validation_accuracy"), _("a validation accuracy"), optional=True
                ),
                learning_rate=_number(item.get("learning_rate"), _("a learning rate"), optional=True),
            )
        )
    return records


def _check_tensors(tensors: dict[str, Tensor], expected: dict[str, Tensor]) -> None:
    missing, extra = sorted(set(expected) - set(tensors)), sorted(set(tensors) - set(expected))
    if missing or extra:
        named = repr((missing or extra)[0])
        if missing:
            message = _(
                "The file's weights do not fit its settings: it has no tensor {name}. Save the run again from RNN Lab."
            )
        else:
            message = _(
                "The file's weights do not fit its settings: it has a tensor these settings do not build: {name}. Save "
                "the run again from RNN Lab."
            )
        raise InputError(message.format(name=named))
    for name, reference in expected.items():
        found = tensors[name]
        # A sparse tensor or one on the "meta" device (no data) has the right shape and type, and breaks later.
        if found.layout != torch.strided or found.device.type != "cpu":
            raise _broken(_("{name} is not a plain tensor of numbers").format(name=repr(name)))
        if found.shape != reference.shape or found.dtype != reference.dtype:
            raise InputError(
                _(
                    "The file's weights do not fit its settings: {name} is {shape} ({dtype}) in the file, the settings "
                    "build {expected_shape} ({expected_dtype})."
                ).format(
                    name=repr(name),
                    shape=tuple(found.shape),
                    dtype=found.dtype,
                    expected_shape=tuple(reference.shape),
                    expected_dtype=reference.dtype,
                )
            )
        if found.is_floating_point() and not bool(torch.isfinite(found).all()):
            raise _broken(_("{name} holds numbers that are not finite").format(name=repr(name)))


def _stopped(saved: object, epochs: int) -> Stopped:
    """``[epoch, cause, learning rate]`` back into a ``Stopped``; ``[epoch, sentence]`` from an older file too."""
    if isinstance(saved, list) and len(saved) == 2 and isinstance(saved[1], str) and saved[1] != DIVERGED:
        cause, learning_rate = _old_cause(saved[1], saved[0])
    elif isinstance(saved, list) and len(saved) == 3 and saved[1] in (DIVERGED, FAILED):
        cause, learning_rate = saved[1], None
        if cause == DIVERGED:
            learning_rate = check_learning_rate(saved[2])
        elif saved[2] is not None:
            raise _broken(_("the reason the run stopped is unreadable"))
    else:
        raise _broken(_("the reason the run stopped is unreadable"))
    return Stopped(_count(saved[0], _("The stopping epoch"), epochs), cause, learning_rate)


def restore_session(session: TrainingSession, state: object, tensors: dict[str, Tensor], prefix: str) -> None:
    """Put a saved run back into ``session`` (freshly built from the same settings), or refuse it untouched."""
    if not isinstance(state, dict):
        raise _broken(_("a training session is missing"))
    epoch = _count(state.get("epoch"), _("The epoch"), session.total_epochs)
    steps = _count(state.get("steps_done"), _("The step count"), session.total_epochs * session.steps_per_epoch)
    learning_rate = check_learning_rate(state.get("learning_rate"))
    first_loss = _loss(state.get("first_loss"), _("the first loss"), optional=True)
    seconds = _number(state.get("seconds"), _("the training time"), low=0.0)
    records = _records(state, session, epoch)
    stopped = state.get("stopped")
    if stopped is not None:
        stopped = _stopped(stopped, session.total_epochs)
    elif steps != epoch * session.steps_per_epoch:
        raise _broken(_("it was saved in the middle of an epoch"))
    snapshot_epochs = state.get("snapshot_epochs")
    if (
        not isinstance(snapshot_epochs, list)
        or not snapshot_epochs
        or snapshot_epochs[0] != 0
        or any(not isinstance(e, int) or isinstance(e, bool) for e in snapshot_epochs)
        or snapshot_epochs != sorted(set(snapshot_epochs))
        or snapshot_epochs[-1] > epoch
    ):
        raise _broken(_("the snapshot epochs are not in order"))
    changes = []
    for change in state.get("learning_rate_changes") or []:
        if not (isinstance(change, list) and len(change) == 3):
            raise _broken(_("a learning-rate change is unreadable"))
        changes.append(
            LearningRateChange(
                _count(change[0], _("An epoch"), epoch),
                _count(change[1], _("A step"), steps),
                check_learning_rate(change[2]),
            )
        )

    weights = session.model.state_dict()
    expected = {f"{prefix}/current/{k}": v for k, v in weights.items()}
    for snapshot_epoch in snapshot_epochs:
        expected.update({f"{prefix}/snapshot/{snapshot_epoch}/{k}": v for k, v in weights.items()})
    if steps:  # Adam has state once it has taken a step
        for index, parameter in enumerate(session.model.parameters()):
            expected[f"{prefix}/optimiser/{index}/step"] = torch.tensor(0.0)
            expected[f"{prefix}/optimiser/{index}/exp_avg"] = parameter.detach()
            expected[f"{prefix}/optimiser/{index}/exp_avg_sq"] = parameter.detach()
    expected[f"{prefix}/shuffle_generator"] = session.shuffle_generator.get_state()
    tensors = {k: v for k, v in tensors.items() if k.startswith(f"{prefix}/")}  # this session's own
    _check_tensors(tensors, expected)
    try:  # the generator's state has the right size; whether it is a state at all, a scratch generator says
        torch.Generator(device=session.shuffle_generator.device).set_state(
            tensors[f"{prefix}/shuffle_generator"].clone()
        )
    except (RuntimeError, ValueError, TypeError):
        raise _broken(_("the state of the generator that shuffles the examples is not valid")) from None

    # Everything checked: now the session changes.
    session.model.load_state_dict({k: tensors[f"{prefix}/current/{k}"] for k in weights})
    optimiser = session.optimizer.state_dict()
    optimiser["state"] = {
        index: {k: tensors[f"{prefix}/optimiser/{index}/{k}"].clone() for k in OPTIMISER_STATE}
        for index in (range(len(optimiser["param_groups"][0]["params"])) if steps else ())
    }
    for group in optimiser["param_groups"]:
        group["lr"] = learning_rate
    session.optimizer.load_state_dict(optimiser)
    session.learning_rate, session.first_loss = learning_rate, first_loss
    session.shuffle_generator.set_state(tensors[f"{prefix}/shuffle_generator"].clone())
    history = session.history
    history.records, history.stopped, history.seconds = records, stopped, seconds
    history.learning_rate_changes = changes
    history.snapshots = [
        Snapshot(e, {k: tensors[f"{prefix}/snapshot/{e}/{k}"].clone() for k in weights}, session.look)
        for e in snapshot_epochs
    ]
    session.resume_from(epoch, steps)


def restore_read_back(log: ReadBackLog, state: object, epochs: int, classes: int | None = None) -> None:
    """The Long sequences read-back log, one entry per trained epoch; its ids are below ``classes`` (when given),
    its accuracies between 0 and 1. Checked whole before the log changes."""
    try:
        entries = list(zip(state["epochs"], state["ids"], state["position_accuracy"], state["accuracy"], strict=True))
        if [entry[0] for entry in entries] != list(range(1, epochs + 1)):
            raise ValueError
        ids = [np.asarray(entry[1], dtype=np.int32) for entry in entries]
        position_accuracy = [np.asarray(entry[2], dtype=np.float64) for entry in entries]
        if any(
            values.size and ((values < 0).any() or (classes is not None and values.max() >= classes)) for values in ids
        ):
            raise ValueError
        if any(values.size and not ((values >= 0) & (values <= 1)).all() for values in position_accuracy):
            raise ValueError  # also NaN, which fails both comparisons
        accuracy = [_fraction(entry[3], _("a read-back accuracy")) for entry in entries]
    except (KeyError, TypeError, ValueError, OverflowError):
        raise _broken(_("the sentence read back at each epoch is unreadable")) from None
    log.epochs = [int(entry[0]) for entry in entries]
    log.ids, log.position_accuracy, log.accuracy = ids, position_accuracy, accuracy
