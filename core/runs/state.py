"""One training session as plain data and back: what core.runs.file writes into a run's file and reads out.

A session becomes a JSON-able dict (the history, the learning rate, the counters, the optimiser's scalars)
and a flat dict of tensors (the weights now, every snapshot's weights, Adam's moments, the shuffling
generator). Reading it back is a schema, one checker per part of the format: ``read_session`` checks the dict
against a freshly built session of the same settings (types; every number finite and within what a run records and
a figure draws; lengths that match the epochs; every id within the vocabulary; the snapshot schedule; a bounded
number of learning-rate changes), ``check_tensors`` and ``SavedSession.check`` the tensors (names, shapes, types,
dense and on the CPU, finite, Adam's step count, a generator state it accepts). Only then does
``SavedSession.restore`` touch the session, and nothing in it can fail: training goes on exactly where it stopped.

What a session writes holds numbers and names, no translated text; the messages about a damaged file are worded
in the learner's language when they are raised.

One idea at ~550 lines: writing a session and reading it back are the two halves of one format, kept side by
side so that a field added to one is seen in the other; most of the length is the checks of what is read.
"""

from __future__ import annotations

import contextlib
import math
import re
import reprlib
from dataclasses import dataclass
from numbers import Real

import numpy as np
import torch
from torch import Tensor

from core.engine.models import display_name
from core.engine.session import TrainingSession
from core.engine.training import (
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
from core.screens.long_sequences.windows import ReadBackLog
from core.words.errors import InputError
from core.words.i18n import N_, SOURCE_LANGUAGE, _, speaking

OPTIMISER_STATE = ("step", "exp_avg", "exp_avg_sq")  # Adam's per-parameter tensors
MAX_FILE_BYTES = 50 * 1024 * 1024  # the upload limit of .streamlit/config.toml (maxUploadSize = 50 MB)
# The largest loss or gradient norm a run can record: each is a float32 sum, so a real one never exceeds float32's
# largest number; a forged 1e308 would overflow the log axes' ticks (10 ** 309).
MAX_MAGNITUDE = float(torch.finfo(torch.float32).max)
MAX_SECONDS = 1e9  # a run's computing time, summed over every load and train-on: 30 years
# A learner's clicks on the rate control, each kept (one per step, or several while paused); the loss curve draws the
# latest 100 (core.charts.figures.MAX_MARKS). A run with more is refused when saved, so a saved run always loads back.
MAX_LEARNING_RATE_CHANGES = 1000
MAX_SENTENCE = 2000  # an older file's stopping sentence (English, about 200 characters)


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
    """Refuse a run whose file could not be loaded back (over the upload limit, or more learning-rate changes than a
    file keeps), before any work is done."""
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
    changes = max((len(session.history.learning_rate_changes) for session in sessions.values()), default=0)
    if changes > MAX_LEARNING_RATE_CHANGES:
        raise InputError(
            _(
                "This run changed its learning rate {count:,} times; a saved run keeps at most {most:,} changes. "
                "Reset starts a new run that can be saved."
            ).format(count=changes, most=MAX_LEARNING_RATE_CHANGES)
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


# -- reading back: one checker per part of the format, each refusing with the learner's message ------------------
NOT_A_RUN = N_("This file is not an RNN Lab run (it should be a .rnnlab file saved with “Save this run”).")


def not_a_run(why: str = "") -> InputError:
    """The file is no run; ``why`` (a translated sentence) says which part of it is unreadable."""
    return InputError(f"{_(NOT_A_RUN)} {why}" if why else _(NOT_A_RUN))


def damaged(problem: str) -> InputError:
    """The learner's message about a file that ``problem`` (a translated phrase) shows was edited or damaged."""
    return InputError(
        _("This run's file is damaged or was edited: {problem}. Save the run again from RNN Lab.").format(
            problem=problem
        )
    )


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxtuple, _SHORT.maxlist, _SHORT.maxdict = 2, 4, 4, 4
_SHORT.maxstring, _SHORT.maxlong, _SHORT.maxother = 64, 40, 40


def shown(value: object) -> str:
    """``value`` as a message quotes it: its repr, cut short (a forged value can be megabytes long)."""
    return _SHORT.repr(value)


def _number(value: object, what: str, low: float, high: float, optional: bool = False) -> float | None:
    """A finite number within ``low`` … ``high`` (None too when ``optional``)."""
    if value is None and optional:
        return None
    # An int is finite whatever its size (math.isfinite would overflow on one past float's range).
    finite = isinstance(value, Real) and not isinstance(value, bool) and (type(value) is int or math.isfinite(value))
    if not finite:
        raise damaged(_("{what} is not a number ({value})").format(what=what, value=shown(value)))
    if not low <= value <= high:
        raise damaged(_("{what} is out of its range ({value})").format(what=what, value=shown(value)))
    return float(value)


def _loss(value: object, what: str, optional: bool = False) -> float | None:
    """A loss or a norm: never negative, and no larger than float32 can hold."""
    return _number(value, what, 0.0, MAX_MAGNITUDE, optional)


def _fraction(value: object, what: str, optional: bool = False) -> float | None:
    """An accuracy: a share of right answers, 0 to 1."""
    return _number(value, what, 0.0, 1.0, optional)


def _rate(value: object, optional: bool = False) -> float | None:
    """A learning rate: above 0 and at most 10, as the screens' ladder offers (check_learning_rate)."""
    if value is None and optional:
        return None
    rate = _number(value, _("a learning rate"), 0.0, 10.0)
    if rate == 0:
        raise damaged(_("{what} is out of its range ({value})").format(what=_("a learning rate"), value=shown(value)))
    return rate


def _count(value: object, what: str, high: int) -> int:
    """A whole number from 0 to ``high`` (an int: 3.0 is no epoch a file writes)."""
    if type(value) is not int or not 0 <= value <= high:
        raise damaged(
            _("{what} must be a whole number from {low} to {high} (got {value})").format(
                what=what, low=0, high=f"{high:,}", value=shown(value)
            )
        )
    return value


def _ids(value: object, shape: tuple[int, ...], classes: int) -> tuple[np.ndarray | None, str]:
    """Class ids (predictions, a read-back sentence) of exactly ``shape``, each from 0 to ``classes`` - 1, and ""; or
    None and what is wrong with them ("type", "shape" or "range"). The format's one id check: every id a view looks up
    must be in the vocabulary."""
    try:
        ids = np.array(value)
    except (TypeError, ValueError, OverflowError):  # a ragged list, or an int past int64
        return None, "shape"
    if ids.dtype.kind not in "iu":  # floats, text, None, True: no class id
        return None, "type" if ids.dtype.kind != "O" or ids.shape == shape else "shape"
    if ids.shape != shape:
        return None, "shape"
    if ids.size and (ids.min() < 0 or ids.max() >= classes):
        return None, "range"
    return ids.astype(np.int64), ""


def _fractions(value: object, length: int) -> np.ndarray | None:
    """``length`` shares from 0 to 1 (an accuracy per position); None when they are not."""
    try:
        values = np.array(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if values.dtype.kind not in "iuf" or values.shape != (length,):
        return None
    values = values.astype(np.float64)
    return values if bool(((values >= 0) & (values <= 1)).all()) else None  # NaN fails both comparisons


def _records(raw: object, session: TrainingSession, epoch: int) -> list[EpochRecord]:
    """One record per trained epoch, each field within what a run can record and a figure can draw."""
    if not isinstance(raw, list) or len(raw) != epoch:
        raise damaged(_("the history should hold {epochs} epochs").format(epochs=epoch))
    shape = tuple(session.data.targets.shape)
    classes = session.model.config.output_size  # a prediction is a class id: 0 <= id < classes
    classify = session.data.objective != "regress_last_step"  # an accuracy every epoch, and predictions if kept
    parameters = {display_name(name) for name, _tensor in session.model.named_parameters()}
    records = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or type(item.get("epoch")) is not int or item["epoch"] != number:
            raise damaged(_("epoch {epoch} of the history is missing").format(epoch=number))
        norms = item.get("gradient_norms")
        if not isinstance(norms, dict):
            raise damaged(_("the gradient norms of epoch {epoch} are not a table").format(epoch=number))
        if not set(norms) <= parameters:
            raise damaged(
                _("the gradient norms of epoch {epoch} name a parameter the model does not have").format(epoch=number)
            )
        predictions = item.get("predictions")
        if (predictions is None) == (classify and session.keep_predictions):  # kept, or a summary kept instead
            raise damaged(_("the predictions of epoch {epoch} do not fit the task").format(epoch=number))
        if predictions is not None:
            predictions, problem = _ids(predictions, shape, classes)
            if problem == "type":
                raise damaged(_("the predictions of epoch {epoch} are not whole numbers").format(epoch=number))
            if problem == "shape":
                raise damaged(_("the predictions of epoch {epoch} do not fit the task").format(epoch=number))
            if problem == "range":
                raise damaged(
                    _("the predictions of epoch {epoch} name classes outside the task's {classes}").format(
                        epoch=number, classes=classes
                    )
                )
        records.append(
            EpochRecord(
                epoch=number,
                loss=_loss(item.get("loss"), _("the loss of epoch {epoch}").format(epoch=number)),
                accuracy=_fraction(item.get("accuracy"), _("an accuracy"), optional=not classify),
                parameter_gradient_norms={k: _loss(v, _("a gradient norm")) for k, v in norms.items()},
                predictions=predictions,
                validation_loss=_loss(item.get("validation_loss"), _("a validation loss"), optional=True),
                validation_accuracy=_fraction(
                    item.get("validation_accuracy"), _("a validation accuracy"), optional=True
                ),
                learning_rate=_rate(item.get("learning_rate"), optional=True),
            )
        )
    return records


def _stopped(saved: object, epoch: int) -> Stopped:
    """``[epoch, cause, learning rate]`` back into a ``Stopped``; ``[epoch, sentence]`` from an older file too. A run
    stops inside the epoch after the last one it finished."""
    if not isinstance(saved, list) or len(saved) not in (2, 3):
        raise damaged(_("the reason the run stopped is unreadable"))
    if saved[0] != epoch + 1 or type(saved[0]) is not int:
        raise damaged(_("the epoch the run stopped in does not follow its history"))
    if len(saved) == 2 and isinstance(saved[1], str) and saved[1] != DIVERGED and len(saved[1]) <= MAX_SENTENCE:
        cause, learning_rate = _old_cause(saved[1], saved[0])
    elif len(saved) == 3 and saved[1] in (DIVERGED, FAILED) and (saved[1] == DIVERGED) == (saved[2] is not None):
        cause, learning_rate = saved[1], _rate(saved[2], optional=True)
    else:
        raise damaged(_("the reason the run stopped is unreadable"))
    return Stopped(saved[0], cause, learning_rate)


def snapshot_schedule(session: TrainingSession, epoch: int) -> list[int]:
    """The epochs a run of ``session``'s settings has taken snapshots at after ``epoch`` epochs: the start, every
    ``snapshot_every`` epochs, and the last epoch (core.engine.epoch_loop)."""
    every, last = int(session.config.snapshot_every), session.total_epochs
    return [e for e in range(epoch + 1) if e % every == 0 or e == last]


def _changes(raw: object, session: TrainingSession, epoch: int, steps: int) -> list[LearningRateChange]:
    """The learner's learning-rate changes, in the order made, each at an epoch and step the run has reached."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise damaged(_("a learning-rate change is unreadable"))
    if len(raw) > MAX_LEARNING_RATE_CHANGES:
        raise damaged(
            _("it has {count:,} learning-rate changes; a run keeps at most {most:,}").format(
                count=len(raw), most=MAX_LEARNING_RATE_CHANGES
            )
        )
    per_epoch, changes = session.steps_per_epoch, []
    for change in raw:
        if not (isinstance(change, list) and len(change) == 3):
            raise damaged(_("a learning-rate change is unreadable"))
        at_epoch, at_step = _count(change[0], _("An epoch"), epoch), _count(change[1], _("A step"), steps)
        # Made after ``at_epoch`` whole epochs, before the next one ended; never before an earlier change.
        earlier = changes[-1].step if changes else 0
        if not max(earlier, at_epoch * per_epoch) <= at_step <= (at_epoch + 1) * per_epoch:
            raise damaged(_("a learning-rate change lies outside the run"))
        changes.append(LearningRateChange(at_epoch, at_step, _rate(change[2])))
    return changes


def check_tensors(tensors: dict[str, Tensor], expected: dict[str, Tensor]) -> None:
    """The file's tensors are exactly the ``expected`` ones: the same names, shapes and types, each a plain (dense,
    strided) tensor on the CPU holding finite numbers."""
    missing, extra = sorted(set(expected) - set(tensors)), sorted(set(tensors) - set(expected))
    if missing or extra:
        named = shown((missing or extra)[0])
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
            raise damaged(_("{name} is not a plain tensor of numbers").format(name=shown(name)))
        if found.shape != reference.shape or found.dtype != reference.dtype:
            raise InputError(
                _(
                    "The file's weights do not fit its settings: {name} is {shape} ({dtype}) in the file, the settings "
                    "build {expected_shape} ({expected_dtype})."
                ).format(
                    name=shown(name),
                    shape=tuple(found.shape),
                    dtype=found.dtype,
                    expected_shape=tuple(reference.shape),
                    expected_dtype=reference.dtype,
                )
            )
        if found.is_floating_point() and not bool(torch.isfinite(found).all()):
            raise damaged(_("{name} holds numbers that are not finite").format(name=shown(name)))


def _own(tensor: Tensor) -> Tensor:
    """A tensor of the file as the session keeps it: its own contiguous copy, outside autograd."""
    return tensor.detach().clone(memory_format=torch.contiguous_format)


@dataclass
class SavedSession:
    """A session's part of a file, read and checked whole against ``session`` (freshly built from the same settings):
    ``check`` refuses what does not fit, then ``restore`` puts the run back and cannot fail."""

    session: TrainingSession
    prefix: str
    epoch: int
    steps: int
    learning_rate: float
    first_loss: float | None
    seconds: float
    records: list[EpochRecord]
    stopped: Stopped | None
    changes: list[LearningRateChange]
    snapshot_epochs: list[int]

    def expected_tensors(self) -> dict[str, Tensor]:
        """The tensors the file must hold for this session, by name: a reference of the right shape and type."""
        prefix, weights = self.prefix, self.session.model.state_dict()
        expected = {f"{prefix}/current/{k}": v for k, v in weights.items()}
        for snapshot_epoch in self.snapshot_epochs:
            expected.update({f"{prefix}/snapshot/{snapshot_epoch}/{k}": v for k, v in weights.items()})
        if self.steps:  # Adam has state once it has taken a step
            for index, parameter in enumerate(self.session.model.parameters()):
                expected[f"{prefix}/optimiser/{index}/step"] = torch.tensor(0.0)
                expected[f"{prefix}/optimiser/{index}/exp_avg"] = parameter.detach()
                expected[f"{prefix}/optimiser/{index}/exp_avg_sq"] = parameter.detach()
        expected[f"{prefix}/shuffle_generator"] = self.session.shuffle_generator.get_state()
        return expected

    def check(self, tensors: dict[str, Tensor]) -> None:
        """What the shapes do not say (``check_tensors`` has checked them): Adam counted the run's steps, and the
        generator's state is one it accepts (tried on a scratch generator)."""
        prefix = self.prefix
        for index in range(len(list(self.session.model.parameters())) if self.steps else 0):
            if float(tensors[f"{prefix}/optimiser/{index}/step"]) != self.steps:
                raise damaged(_("Adam's step count does not match the run's {steps} steps").format(steps=self.steps))
        try:
            torch.Generator(device=self.session.shuffle_generator.device).set_state(
                _own(tensors[f"{prefix}/shuffle_generator"])
            )
        except (RuntimeError, ValueError, TypeError):
            raise damaged(_("the state of the generator that shuffles the examples is not valid")) from None

    def restore(self, tensors: dict[str, Tensor]) -> None:
        """Put the run back into the session; everything it uses has been checked."""
        session, prefix = self.session, self.prefix
        weights = session.model.state_dict()
        session.model.load_state_dict({k: _own(tensors[f"{prefix}/current/{k}"]) for k in weights})
        optimiser = session.optimizer.state_dict()
        optimiser["state"] = {
            index: {k: _own(tensors[f"{prefix}/optimiser/{index}/{k}"]) for k in OPTIMISER_STATE}
            for index in (range(len(optimiser["param_groups"][0]["params"])) if self.steps else ())
        }
        for group in optimiser["param_groups"]:
            group["lr"] = self.learning_rate
        session.optimizer.load_state_dict(optimiser)
        session.learning_rate, session.first_loss = self.learning_rate, self.first_loss
        session.shuffle_generator.set_state(_own(tensors[f"{prefix}/shuffle_generator"]))
        history = session.history
        history.records, history.stopped, history.seconds = self.records, self.stopped, self.seconds
        history.learning_rate_changes = self.changes
        history.snapshots = [
            Snapshot(e, {k: _own(tensors[f"{prefix}/snapshot/{e}/{k}"]) for k in weights}, session.look)
            for e in self.snapshot_epochs
        ]
        session.resume_from(self.epoch, self.steps)


def read_session(session: TrainingSession, state: object, prefix: str) -> SavedSession:
    """A session's saved state, every field checked against ``session`` (freshly built from the file's settings):
    types, ranges, lengths that match the epochs, ids within the vocabulary, the snapshot schedule, a bounded number
    of learning-rate changes. Nothing is changed; a field that does not fit is the learner's message."""
    if not isinstance(state, dict):
        raise damaged(_("a training session is missing"))
    per_epoch = session.steps_per_epoch
    epoch = _count(state.get("epoch"), _("The epoch"), session.total_epochs)
    steps = _count(state.get("steps_done"), _("The step count"), session.total_epochs * per_epoch)
    stopped = state.get("stopped")
    if stopped is not None:
        stopped = _stopped(stopped, epoch)
        if not epoch * per_epoch <= steps <= (epoch + 1) * per_epoch:  # it stopped inside the next epoch
            raise damaged(_("the epoch the run stopped in does not follow its history"))
    elif steps != epoch * per_epoch:
        raise damaged(_("it was saved in the middle of an epoch"))
    first_loss = _loss(state.get("first_loss"), _("the first loss"), optional=True)
    if steps and first_loss is None:  # the first step's loss is the yardstick of divergence
        raise damaged(_("it has taken steps but has no first loss"))
    snapshot_epochs = snapshot_schedule(session, epoch)
    saved_snapshots = state.get("snapshot_epochs")
    if (
        not isinstance(saved_snapshots, list)
        or len(saved_snapshots) != len(snapshot_epochs)
        or any(type(e) is not int for e in saved_snapshots)
        or saved_snapshots != snapshot_epochs
    ):
        raise damaged(_("the snapshot epochs do not follow the run's schedule"))
    return SavedSession(
        session=session,
        prefix=prefix,
        epoch=epoch,
        steps=steps,
        learning_rate=_rate(state.get("learning_rate")),
        first_loss=first_loss,
        seconds=_number(state.get("seconds"), _("the training time"), 0.0, MAX_SECONDS),
        records=_records(state.get("records"), session, epoch),
        stopped=stopped,
        changes=_changes(state.get("learning_rate_changes"), session, epoch, steps),
        snapshot_epochs=snapshot_epochs,
    )


@dataclass
class SavedReadBack:
    """The Long sequences read-back log of a file, checked: one entry per trained epoch."""

    epochs: list[int]
    ids: list[np.ndarray]
    position_accuracy: list[np.ndarray]
    accuracy: list[float]

    def restore(self, log: ReadBackLog) -> None:
        log.epochs, log.ids = self.epochs, self.ids
        log.position_accuracy, log.accuracy = self.position_accuracy, self.accuracy


def read_read_back(state: object, saved: SavedSession) -> SavedReadBack:
    """A read-back log as a file holds it, checked against its session's saved state: an entry per trained epoch,
    each the sentence read back (one id per character of the text, within the vocabulary) and an accuracy per
    position."""
    session, epochs = saved.session, saved.epoch
    inputs = session.data.inputs  # (windows, time, vocabulary): the sentence has windows + time - 1 characters
    length, positions = int(inputs.shape[0]) + int(inputs.shape[1]) - 1, int(inputs.shape[1])
    classes = session.model.config.output_size
    unreadable = damaged(_("the sentence read back at each epoch is unreadable"))
    if not isinstance(state, dict):
        raise unreadable
    parts = [state.get(key) for key in ("epochs", "ids", "position_accuracy", "accuracy")]
    if not all(isinstance(part, list) and len(part) == epochs for part in parts):
        raise unreadable
    saved_epochs, saved_ids, saved_positions, saved_accuracy = parts
    if any(type(e) is not int for e in saved_epochs) or saved_epochs != list(range(1, epochs + 1)):
        raise unreadable
    ids, position_accuracy = [], []
    for entry, positions_entry in zip(saved_ids, saved_positions, strict=True):
        (checked_ids, _problem), checked_positions = (
            _ids(entry, (length,), classes),
            _fractions(positions_entry, positions),
        )
        if checked_ids is None or checked_positions is None:
            raise unreadable
        ids.append(checked_ids.astype(np.int32))
        position_accuracy.append(checked_positions)
    accuracy = [_fraction(value, _("a read-back accuracy")) for value in saved_accuracy]
    return SavedReadBack(saved_epochs, ids, position_accuracy, accuracy)
