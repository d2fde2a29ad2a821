"""One training session as plain data and back: what core.saving.file writes into a run's file and reads out.

A session's own state (``TrainingSession.state_dict``) becomes a JSON-able dict (the history, the learning rate, the
counters) and a flat dict of tensors named after the session (the weights now, every snapshot's weights, Adam's state,
the shuffling generator). Reading it back is a schema, one checker per part of the format: ``read_session`` checks the
dict against a freshly built session of the same settings (types; every number finite and within what a run records
and a figure draws; lengths that match the epochs; every id within the vocabulary; the snapshot schedule; a bounded
number of learning-rate changes), ``check_tensors`` and ``SavedSession.check`` the tensors (names, shapes, types,
dense and on the CPU, finite, Adam's step count, a generator state it accepts). Only then does
``SavedSession.restore`` hand the checked state to the session (``TrainingSession.load_state_dict``), and nothing in
it can fail: training goes on exactly where it stopped.

What a session writes holds numbers and names, no translated text; the messages about a damaged file are worded
in the learner's language when they are raised.

One idea at ~550 lines: writing a session and reading it back are the two halves of one format, kept side by
side so that a field added to one is seen in the other; most of the length is the checks of what is read.
"""

from __future__ import annotations

import math
import reprlib
from dataclasses import dataclass
from numbers import Real

import numpy as np
import torch
from torch import Tensor

from core.engine.models import display_name
from core.engine.records import DIVERGED, FAILED, FAILED_MESSAGE, divergence_message
from core.engine.session import TrainingSession
from core.words.errors import InputError
from core.words.i18n import N_, SOURCE_LANGUAGE, speaking
from core.words.message import Message, said

MAX_FILE_BYTES = 50 * 1024 * 1024  # the upload limit of .streamlit/config.toml (maxUploadSize = 50 MB)
# The largest loss or gradient norm a run can record: each is a float32 sum, so a real one never exceeds float32's
# largest number; a forged 1e308 would overflow the log axes' ticks (10 ** 309).
MAX_MAGNITUDE = float(torch.finfo(torch.float32).max)
MAX_SECONDS = 1e9  # a run's computing time, summed over every load and train-on: 30 years
# A learner's clicks on the rate control, each kept (one per step, or several while paused); the loss curve draws the
# latest 100 (core.charts.figures.MAX_MARKS). A run with more is refused when saved, so a saved run always loads back.
MAX_LEARNING_RATE_CHANGES = 1000
MAX_SENTENCE = 2000  # a format-1 file's stopping sentence (English, about 200 characters)


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
            N_(
                "This run is too large to save: its weights now and at its {snapshots} snapshots take {size:.0f} MB, "
                "and a run's file can be at most {limit} MB to load back. A smaller hidden size or fewer layers make a "
                "run that can be saved."
            ),
            snapshots=snapshots,
            size=size / 2**20,
            limit=MAX_FILE_BYTES >> 20,
        )
    changes = max((len(session.history.learning_rate_changes) for session in sessions.values()), default=0)
    if changes > MAX_LEARNING_RATE_CHANGES:
        raise InputError(
            N_(
                "This run changed its learning rate {count:,} times; a saved run keeps at most {most:,} changes. "
                "Reset starts a new run that can be saved."
            ),
            count=changes,
            most=MAX_LEARNING_RATE_CHANGES,
        )


def session_state(session: TrainingSession, prefix: str) -> tuple[dict, dict[str, Tensor]]:
    """The session's own state (``TrainingSession.state_dict``) as (JSON-able dict, tensors named
    ``prefix/current/...``, ``prefix/snapshot/10/...``)."""
    state = session.state_dict()
    tensors = state.pop("tensors")
    return state, {f"{prefix}/{name}": tensor for name, tensor in tensors.items()}


def _version_1_cause(sentence: str, epoch: int, learning_rate: float) -> tuple[str, float | None]:
    """The cause a format-1 file's sentence states. Format 1 was written in two shapes: ``[epoch, cause, rate]``
    (as format 2), and before that ``[epoch, sentence]``, the English sentence the app showed (it spoke only English
    then): one of two, each a fixed sentence with the run's own numbers (the epoch, and the rate the run had when it
    stopped: a stopped run trains no more, so that is the rate the file keeps). The sentence is compared whole with
    the two, worded in English with those numbers, so that it too is worded in the learner's language; a sentence
    that is neither is kept as it is (``Stopped`` shows it as saved)."""
    with speaking(SOURCE_LANGUAGE):
        if sentence == FAILED_MESSAGE:
            return FAILED, None
        # The app wrote the advice after a semicolon then: "… the last good state; try a learning rate …".
        if sentence.replace("; try a", ". Try a", 1) == divergence_message(epoch, learning_rate):
            return DIVERGED, learning_rate
    return sentence, None


# -- reading back: one checker per part of the format, each refusing with the learner's message ------------------
NOT_A_RUN = N_("This file is not an RNN Lab run (it should be a .rnnlab file saved with “Save this run”).")


def not_a_run(why: Message | None = None) -> InputError:
    """The file is no run; ``why`` (a message) says which part of it is unreadable."""
    if why is None:
        return InputError(NOT_A_RUN)
    return InputError(Message("{not_a_run} {why}", {"not_a_run": said(NOT_A_RUN), "why": why}, verbatim=True))


def damaged(problem: Message) -> InputError:
    """The learner's message about a file that ``problem`` (a message: a phrase) shows was edited or damaged."""
    return InputError(
        N_("This run's file is damaged or was edited: {problem}. Save the run again from RNN Lab."), problem=problem
    )


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxtuple, _SHORT.maxlist, _SHORT.maxdict = 2, 4, 4, 4
_SHORT.maxstring, _SHORT.maxlong, _SHORT.maxother = 64, 40, 40


def shown(value: object) -> str:
    """``value`` as a message quotes it: its repr, cut short (a forged value can be megabytes long)."""
    return _SHORT.repr(value)


def _number(value: object, what: Message, low: float, high: float, optional: bool = False) -> float | None:
    """A finite number within ``low`` … ``high`` (None too when ``optional``)."""
    if value is None and optional:
        return None
    # An int is finite whatever its size (math.isfinite would overflow on one past float's range).
    finite = isinstance(value, Real) and not isinstance(value, bool) and (type(value) is int or math.isfinite(value))
    if not finite:
        raise damaged(said(N_("{what} is not a number ({value})"), what=what, value=shown(value)))
    if not low <= value <= high:
        raise damaged(said(N_("{what} is out of its range ({value})"), what=what, value=shown(value)))
    return float(value)


def _loss(value: object, what: Message, optional: bool = False) -> float | None:
    """A loss or a norm: never negative, and no larger than float32 can hold."""
    return _number(value, what, 0.0, MAX_MAGNITUDE, optional)


def _fraction(value: object, what: Message, optional: bool = False) -> float | None:
    """An accuracy: a share of right answers, 0 to 1."""
    return _number(value, what, 0.0, 1.0, optional)


def _rate(value: object, optional: bool = False) -> float | None:
    """A learning rate: above 0 and at most 10, as the screens' ladder offers (check_learning_rate)."""
    if value is None and optional:
        return None
    rate = _number(value, said(N_("a learning rate")), 0.0, 10.0)
    if rate == 0:
        raise damaged(
            said(N_("{what} is out of its range ({value})"), what=said(N_("a learning rate")), value=shown(value))
        )
    return rate


def _count(value: object, what: Message, high: int) -> int:
    """A whole number from 0 to ``high`` (an int: 3.0 is no epoch a file writes)."""
    if type(value) is not int or not 0 <= value <= high:
        raise damaged(
            said(
                N_("{what} must be a whole number from {low} to {high} (got {value})"),
                what=what,
                low=0,
                high=f"{high:,}",
                value=shown(value),
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


def _records(raw: object, session: TrainingSession, epoch: int) -> list[dict]:
    """One record per trained epoch, each field within what a run can record and a figure can draw (the plain form
    of ``EpochRecord``, its predictions an array)."""
    if not isinstance(raw, list) or len(raw) != epoch:
        raise damaged(said(N_("the history should hold {epochs} epochs"), epochs=epoch))
    shape = tuple(session.data.targets.shape)
    classes = session.model.config.output_size  # a prediction is a class id: 0 <= id < classes
    classify = session.data.objective != "regress_last_step"  # an accuracy every epoch, and predictions if kept
    parameters = {display_name(name) for name, _tensor in session.model.named_parameters()}
    records = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or type(item.get("epoch")) is not int or item["epoch"] != number:
            raise damaged(said(N_("epoch {epoch} of the history is missing"), epoch=number))
        norms = item.get("gradient_norms")
        if not isinstance(norms, dict):
            raise damaged(said(N_("the gradient norms of epoch {epoch} are not a table"), epoch=number))
        if not set(norms) <= parameters:
            raise damaged(
                said(N_("the gradient norms of epoch {epoch} name a parameter the model does not have"), epoch=number)
            )
        predictions = item.get("predictions")
        if (predictions is None) == (classify and session.keep_predictions):  # kept, or a summary kept instead
            raise damaged(said(N_("the predictions of epoch {epoch} do not fit the task"), epoch=number))
        if predictions is not None:
            predictions, problem = _ids(predictions, shape, classes)
            if problem == "type":
                raise damaged(said(N_("the predictions of epoch {epoch} are not whole numbers"), epoch=number))
            if problem == "shape":
                raise damaged(said(N_("the predictions of epoch {epoch} do not fit the task"), epoch=number))
            if problem == "range":
                raise damaged(
                    said(
                        N_("the predictions of epoch {epoch} name classes outside the task's {classes}"),
                        epoch=number,
                        classes=classes,
                    )
                )
        records.append(
            {
                "epoch": number,
                "loss": _loss(item.get("loss"), said(N_("the loss of epoch {epoch}"), epoch=number)),
                "accuracy": _fraction(item.get("accuracy"), said(N_("an accuracy")), optional=not classify),
                "gradient_norms": {k: _loss(v, said(N_("a gradient norm"))) for k, v in norms.items()},
                "predictions": predictions,
                "validation_loss": _loss(item.get("validation_loss"), said(N_("a validation loss")), optional=True),
                "validation_accuracy": _fraction(
                    item.get("validation_accuracy"), said(N_("a validation accuracy")), optional=True
                ),
                "learning_rate": _rate(item.get("learning_rate"), optional=True),
            }
        )
    return records


def _stopped(saved: object, epoch: int, version: int, learning_rate: object) -> list:
    """``[epoch, cause, learning rate]`` (the plain form of ``Stopped``), checked; in a format-1 file
    ``[epoch, sentence]`` too (``_version_1_cause``; ``learning_rate``: the rate the file's session holds). A run
    stops inside the epoch after the last one it finished."""
    if not isinstance(saved, list) or len(saved) not in (2, 3):
        raise damaged(said(N_("the reason the run stopped is unreadable")))
    if saved[0] != epoch + 1 or type(saved[0]) is not int:
        raise damaged(said(N_("the epoch the run stopped in does not follow its history")))
    sentence = len(saved) == 2 and isinstance(saved[1], str) and saved[1] not in (DIVERGED, FAILED)
    if version == 1 and sentence and len(saved[1]) <= MAX_SENTENCE:
        cause, learning_rate = _version_1_cause(saved[1], saved[0], _rate(learning_rate))
    elif len(saved) == 3 and saved[1] in (DIVERGED, FAILED) and (saved[1] == DIVERGED) == (saved[2] is not None):
        cause, learning_rate = saved[1], _rate(saved[2], optional=True)
    else:
        raise damaged(said(N_("the reason the run stopped is unreadable")))
    return [saved[0], cause, learning_rate]


def snapshot_schedule(session: TrainingSession, epoch: int) -> list[int]:
    """The epochs a run of ``session``'s settings has taken snapshots at after ``epoch`` epochs: the start, every
    ``snapshot_every`` epochs, and the last epoch (TrainingSession._run)."""
    every, last = int(session.config.snapshot_every), session.total_epochs
    return [e for e in range(epoch + 1) if e % every == 0 or e == last]


def _changes(raw: object, session: TrainingSession, epoch: int, steps: int) -> list[list]:
    """The learner's learning-rate changes, in the order made, each at an epoch and step the run has reached: each
    ``[epoch, step, rate]`` (the plain form of ``LearningRateChange``)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise damaged(said(N_("a learning-rate change is unreadable")))
    if len(raw) > MAX_LEARNING_RATE_CHANGES:
        raise damaged(
            said(
                N_("it has {count:,} learning-rate changes; a run keeps at most {most:,}"),
                count=len(raw),
                most=MAX_LEARNING_RATE_CHANGES,
            )
        )
    per_epoch, changes = session.steps_per_epoch, []
    for change in raw:
        if not (isinstance(change, list) and len(change) == 3):
            raise damaged(said(N_("a learning-rate change is unreadable")))
        at_epoch, at_step = _count(change[0], said(N_("An epoch")), epoch), _count(change[1], said(N_("A step")), steps)
        # Made after ``at_epoch`` whole epochs, before the next one ended; never before an earlier change.
        earlier = changes[-1][1] if changes else 0
        if not max(earlier, at_epoch * per_epoch) <= at_step <= (at_epoch + 1) * per_epoch:
            raise damaged(said(N_("a learning-rate change lies outside the run")))
        changes.append([at_epoch, at_step, _rate(change[2])])
    return changes


def check_tensors(tensors: dict[str, Tensor], expected: dict[str, Tensor]) -> None:
    """The file's tensors are exactly the ``expected`` ones: the same names, shapes and types, each a plain (dense,
    strided) tensor on the CPU holding finite numbers."""
    missing, extra = sorted(set(expected) - set(tensors)), sorted(set(tensors) - set(expected))
    if missing or extra:
        named = shown((missing or extra)[0])
        if missing:
            message = N_(
                "The file's weights do not fit its settings: it has no tensor {name}. Save the run again from RNN Lab."
            )
        else:
            message = N_(
                "The file's weights do not fit its settings: it has a tensor these settings do not build: {name}. Save "
                "the run again from RNN Lab."
            )
        raise InputError(message, name=named)
    for name, reference in expected.items():
        found = tensors[name]
        # A sparse tensor or one on the "meta" device (no data) has the right shape and type, and breaks later.
        if found.layout != torch.strided or found.device.type != "cpu":
            raise damaged(said(N_("{name} is not a plain tensor of numbers"), name=shown(name)))
        if found.shape != reference.shape or found.dtype != reference.dtype:
            raise InputError(
                N_(
                    "The file's weights do not fit its settings: {name} is {shape} ({dtype}) in the file, the settings "
                    "build {expected_shape} ({expected_dtype})."
                ),
                name=shown(name),
                shape=tuple(found.shape),
                dtype=found.dtype,
                expected_shape=tuple(reference.shape),
                expected_dtype=reference.dtype,
            )
        if found.is_floating_point() and not bool(torch.isfinite(found).all()):
            raise damaged(said(N_("{name} holds numbers that are not finite"), name=shown(name)))


def _own(tensor: Tensor) -> Tensor:
    """A tensor of the file as the session keeps it: its own contiguous copy, outside autograd."""
    return tensor.detach().clone(memory_format=torch.contiguous_format)


@dataclass
class SavedSession:
    """A session's part of a file, read and checked whole against ``session`` (freshly built from the same settings):
    ``check`` refuses what does not fit, then ``restore`` hands it to the session and cannot fail."""

    session: TrainingSession
    prefix: str
    state: dict  # the session's state (TrainingSession.state_dict) but its tensors, every field checked

    @property
    def epoch(self) -> int:
        return self.state["epoch"]

    @property
    def steps(self) -> int:
        return self.state["steps_done"]

    def expected_tensors(self) -> dict[str, Tensor]:
        """The tensors the file must hold for this session, by name: a reference of the right shape and type."""
        expected = self.session.state_tensors(stepped=self.steps > 0, snapshot_epochs=self.state["snapshot_epochs"])
        return {f"{self.prefix}/{name}": tensor for name, tensor in expected.items()}

    def check(self, tensors: dict[str, Tensor]) -> None:
        """What the shapes do not say (``check_tensors`` has checked them): Adam counted the run's steps, and the
        generator's state is one it accepts (tried on a scratch generator)."""
        prefix = self.prefix
        for index in range(len(list(self.session.model.parameters())) if self.steps else 0):
            if float(tensors[f"{prefix}/optimiser/{index}/step"]) != self.steps:
                raise damaged(said(N_("Adam's step count does not match the run's {steps} steps"), steps=self.steps))
        try:
            torch.Generator(device=self.session.shuffle_generator.device).set_state(
                _own(tensors[f"{prefix}/shuffle_generator"])
            )
        except (RuntimeError, ValueError, TypeError):
            raise damaged(said(N_("the state of the generator that shuffles the examples is not valid"))) from None

    def restore(self, tensors: dict[str, Tensor]) -> None:
        """Put the run back into the session (``TrainingSession.load_state_dict``); everything it uses has been
        checked. The session gets its own copy of each tensor of the file."""
        names = self.session.state_tensors(stepped=self.steps > 0, snapshot_epochs=self.state["snapshot_epochs"])
        own = {name: _own(tensors[f"{self.prefix}/{name}"]) for name in names}
        self.session.load_state_dict({**self.state, "tensors": own})


def read_session(session: TrainingSession, state: object, prefix: str, version: int) -> SavedSession:
    """A session's saved state, every field checked against ``session`` (freshly built from the file's settings):
    types, ranges, lengths that match the epochs, ids within the vocabulary, the snapshot schedule, a bounded number
    of learning-rate changes. Nothing is changed; a field that does not fit is the learner's message. ``version``:
    the file's format version (``core.saving.file.FORMAT_VERSION`` or an older one it reads)."""
    if not isinstance(state, dict):
        raise damaged(said(N_("a training session is missing")))
    per_epoch = session.steps_per_epoch
    epoch = _count(state.get("epoch"), said(N_("The epoch")), session.total_epochs)
    steps = _count(state.get("steps_done"), said(N_("The step count")), session.total_epochs * per_epoch)
    stopped = state.get("stopped")
    if stopped is not None:
        stopped = _stopped(stopped, epoch, version, state.get("learning_rate"))
        if not epoch * per_epoch <= steps <= (epoch + 1) * per_epoch:  # it stopped inside the next epoch
            raise damaged(said(N_("the epoch the run stopped in does not follow its history")))
    elif steps != epoch * per_epoch:
        raise damaged(said(N_("it was saved in the middle of an epoch")))
    first_loss = _loss(state.get("first_loss"), said(N_("the first loss")), optional=True)
    if steps and first_loss is None:  # the first step's loss is the yardstick of divergence
        raise damaged(said(N_("it has taken steps but has no first loss")))
    snapshot_epochs = snapshot_schedule(session, epoch)
    saved_snapshots = state.get("snapshot_epochs")
    if (
        not isinstance(saved_snapshots, list)
        or len(saved_snapshots) != len(snapshot_epochs)
        or any(type(e) is not int for e in saved_snapshots)
        or saved_snapshots != snapshot_epochs
    ):
        raise damaged(said(N_("the snapshot epochs do not follow the run's schedule")))
    checked = {  # in the order of TrainingSession.state_dict, each field checked in the order of the file's fields
        "epoch": epoch,
        "steps_done": steps,
        "learning_rate": _rate(state.get("learning_rate")),
        "first_loss": first_loss,
        "seconds": _number(state.get("seconds"), said(N_("the training time")), 0.0, MAX_SECONDS),
        "records": _records(state.get("records"), session, epoch),
        "learning_rate_changes": _changes(state.get("learning_rate_changes"), session, epoch, steps),
        "snapshot_epochs": snapshot_epochs,
        "stopped": stopped,
    }
    return SavedSession(session=session, prefix=prefix, state=checked)


@dataclass
class SavedReadBack:
    """The Long sequences read-back log of a file, checked: one entry per trained epoch, in the plain form of
    ``ReadBackLog.state_dict`` (core.screens.long_sequences.windows), its lists arrays."""

    state: dict

    def restore(self, log) -> None:
        """Put it into ``log`` (a ``ReadBackLog``) with the log's own ``load_state_dict``."""
        log.load_state_dict(self.state)


def read_read_back(state: object, saved: SavedSession) -> SavedReadBack:
    """A read-back log as a file holds it, checked against its session's saved state: an entry per trained epoch,
    each the sentence read back (one id per character of the text, within the vocabulary) and an accuracy per
    position."""
    session, epochs = saved.session, saved.epoch
    inputs = session.data.inputs  # (windows, time, vocabulary): the sentence has windows + time - 1 characters
    length, positions = int(inputs.shape[0]) + int(inputs.shape[1]) - 1, int(inputs.shape[1])
    classes = session.model.config.output_size
    unreadable = damaged(said(N_("the sentence read back at each epoch is unreadable")))
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
    accuracy = [_fraction(value, said(N_("a read-back accuracy"))) for value in saved_accuracy]
    return SavedReadBack(
        {"epochs": saved_epochs, "ids": ids, "position_accuracy": position_accuracy, "accuracy": accuracy}
    )
