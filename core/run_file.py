"""A run in one file: save it, load it later, see the same charts without retraining, and train on.

The file is a zip holding ``run.json`` (what the run is: the format, the screen, the settings, the
history) and ``weights.pt`` (the weights now and at every snapshot, Adam's state, the shuffling generator).
The weights are a plain dict of tensors written by ``torch.save`` and read by ``torch.load(weights_only=True)``,
which refuses anything but tensors and plain containers (``safetensors`` is not installed here).

A file is data, checked whole before anything uses it, its cost bounded before it is paid. The zip is measured before
it is unpacked. The description (run.json) is counted before it is parsed: against the largest any settings write;
its head (the file's own fields and the settings, without the sessions) against a description's own fields, then
parsed; its depth against the format's; and its counts against what a run of its own settings writes
(``read_settings``). The settings go through the screen's settings class. Only once the page has built the run of
those settings (and its budget allowed it) are the sessions parsed, every number counted while it is, and checked by
``core.run_state``'s schema against the sessions built; weights.pt is measured against the tensors they expect before
it is unpacked and loaded, and every tensor must have the name, shape and type they have. Only then does anything
change (``restore``); a refusal is the learner's message. A loaded run resumes exactly: training on gives the same
losses as a run never saved.

The file holds no translated text (a run saved on a Korean page loads on an English one and shows English): the
screen by its key, the settings by their values, no sentence. Only the messages about a file that cannot be
loaded are in the learner's language, worded when they are raised.

It also records the machine it trained on (``Machine``): PyTorch picks vectorised kernels per CPU, whose sums round
differently, so a run trained on here goes on bit for bit only where the capability and the torch version are the
same. Those two fields only inform the learner: a file without them (saved before they were recorded) or with a
forged value loads, its machine unknown.

One idea at ~700 lines: the file's layout and every check a file from outside must pass before its parts are parsed
or loaded (the session's own state is ``core.run_state``); splitting the checks from the format would split the one
place that says what a run file is.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import re
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from core.cell_math import CELLS
from core.comparison import MAX_STEPS, ComparisonSettings, build_task, cell_sessions
from core.errors import InputError
from core.forecasting import ForecastSettings
from core.hihello import HiHelloSettings
from core.i18n import N_, _
from core.long_sequences import LongSequenceSettings
from core.models import SequenceModel
from core.probes import probe_indices
from core.run_state import (
    MAX_FILE_BYTES,
    MAX_LEARNING_RATE_CHANGES,
    SavedReadBack,
    SavedSession,
    at_epoch_boundary,
    check_saveable,
    check_tensors,
    damaged,
    read_back_state,
    read_read_back,
    read_session,
    session_state,
    shown,
)
from core.session import TrainingSession
from core.training import MAX_EPOCHS
from core.windows import MAX_SEQUENCE_LENGTH, MAX_TEXT_LENGTH, ReadBackLog, read_back_session

FORMAT_NAME = "rnn-lab-run"
FORMAT_VERSION = 1
EXTENSION = "rnnlab"  # a zip; the uploader accepts .zip too
RUN_MEMBER, WEIGHTS_MEMBER = "run.json", "weights.pt"

# The screens whose runs can be saved: key -> (name on screen, English source: translated where shown; settings class).
SCREENS: dict[str, tuple[str, type]] = {
    "hihello": ("HiHello", HiHelloSettings),
    "longseq": (N_("Long sequences"), LongSequenceSettings),
    "timeseries": (N_("Time series"), ForecastSettings),
    "compare": ("RNN vs LSTM/GRU", ComparisonSettings),
}
NOT_A_RUN = N_("This file is not an RNN Lab run (it should be a .rnnlab file saved with “Save this run”).")


def _not_a_run(why: str = "") -> InputError:
    """The file is no run; ``why`` (a translated sentence) says which part of it is unreadable."""
    return InputError(f"{_(NOT_A_RUN)} {why}" if why else _(NOT_A_RUN))


def screen_name(screen: str) -> str:
    """A screen's name as the current language shows it."""
    return _(SCREENS[screen][0])


def app_version() -> str:
    try:
        with open(Path(__file__).resolve().parents[1] / "pyproject.toml", "rb") as file:
            return str(tomllib.load(file)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


# A capability ("AVX512", "AVX2", "DEFAULT") or a torch version ("2.5.1+cpu") as a file may hold it; anything else
# (not a string, a huge one, odd characters) is unknown.
MACHINE_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,39}")


@dataclass(frozen=True)
class Machine:
    """What on the machine a run trained on decides how its sums round: PyTorch's CPU capability (the vectorised
    kernels it picked) and its version; "" is unknown."""

    capability: str = ""
    torch_version: str = ""

    def differs_from(self, other: Machine) -> tuple[bool, bool]:
        """Whether the capability, and the torch version, are known on both sides and differ."""
        return (
            bool(self.capability and other.capability and self.capability != other.capability),
            bool(self.torch_version and other.torch_version and self.torch_version != other.torch_version),
        )


def this_machine() -> Machine:
    return Machine(_label(torch.backends.cpu.get_cpu_capability()), _label(str(torch.__version__)))


def machine_of(run: dict) -> Machine:
    """The machine a file's run says it trained on, each part checked (unknown when absent or forged)."""
    return Machine(_label(run.get("cpu_capability")), _label(run.get("torch_version")))


def _label(value: object) -> str:
    return value if isinstance(value, str) and MACHINE_LABEL.fullmatch(value) else ""


@dataclass
class LoadedRun:
    """A run read back from a file: its screen, its settings and its sessions, ready to draw and train on."""

    screen: str
    settings: Any
    sessions: dict[str, TrainingSession]
    read_back: dict[str, ReadBackLog] = field(default_factory=dict)
    app_version: str = ""
    machine: Machine = field(default_factory=Machine)


def screen_of(settings: Any) -> str:
    for key, (_name, settings_class) in SCREENS.items():
        if type(settings) is settings_class:
            return key
    raise InputError(_("Runs of this screen cannot be saved yet."))


def describe_data(identity: str) -> str:
    """A run's data in words, from the identity the Time series page gives it ("sample:seasonal.csv")."""
    kind, _colon, rest = identity.partition(":")
    if kind == "sample":
        return _("the built-in sample {name}").format(name=rest)
    if kind == "upload":
        return _("the uploaded file {name}").format(name=rest.rpartition(":")[0] or rest)
    return _("its own data")


def save_run(
    settings: Any,
    sessions: dict[str, TrainingSession],
    read_back: dict[str, ReadBackLog] | None = None,
    data: str = "",
) -> bytes:
    """The run as the bytes of one file; ``data`` names the data it trained on when the settings do not (the
    Time series table: the file holds its name and checksum, not the table). A run paused in the middle of an
    epoch is saved at the end of that epoch: the half-done epoch is finished first (exact resumption needs an
    epoch's boundary)."""
    screen = screen_of(settings)
    check_saveable(sessions)
    tensors: dict[str, Tensor] = {}
    states = {}
    for name, session in sessions.items():
        if not session.finished and not at_epoch_boundary(session):
            session.advance(epochs=1)
        states[name], session_tensors = session_state(session, name)
        tensors.update(session_tensors)
    machine = this_machine()
    run = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "app_version": app_version(),
        "cpu_capability": machine.capability,  # how its sums rounded (see Machine)
        "torch_version": machine.torch_version,
        "screen": screen,
        "settings": dataclasses.asdict(settings),
        "sessions": states,
        "read_back": {name: read_back_state(log) for name, log in (read_back or {}).items()},
        "data": data,
    }
    weights = io.BytesIO()
    torch.save(tensors, weights)
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(RUN_MEMBER, json.dumps(run))
        archive.writestr(WEIGHTS_MEMBER, weights.getvalue())
    if packed.tell() > MAX_FILE_BYTES:  # the JSON history made it too large (weights_bytes counts the weights only)
        raise InputError(
            _(
                "This run is too large to save: its file would be {size:.0f} MB, and a run's file can be at most "
                "{limit} MB to load back. Fewer epochs make a run that can be saved."
            ).format(size=packed.tell() / 2**20, limit=MAX_FILE_BYTES >> 20)
        )
    return packed.getvalue()


# -- loading: the zip, then the description measured before it is parsed --------------------------------------
# What a run's description (run.json) holds at most, as json.dumps writes it, counted the way its text can be counted
# before a single object is built: characters; containers (each "[" or "{"); strings (each pair of '"'); values (about
# one per ","); and, while it is parsed, floats and ints past the ones the parser shares (each a new object). Its
# parse costs memory in proportion to these counts, so each is bounded by what the file's settings can write.
@dataclass(frozen=True)
class JsonSize:
    characters: int = 0
    containers: int = 0
    strings: int = 0
    values: int = 0
    floats: int = 0
    large_ints: int = 0

    def __add__(self, other: JsonSize) -> JsonSize:
        return JsonSize(*(a + b for a, b in zip(dataclasses.astuple(self), dataclasses.astuple(other), strict=True)))

    def __rmul__(self, times: int) -> JsonSize:
        return JsonSize(*(times * a for a in dataclasses.astuple(self)))

    def within(self, ceiling: JsonSize) -> bool:
        return all(a <= b for a, b in zip(dataclasses.astuple(self), dataclasses.astuple(ceiling), strict=True))


def _counted(text: str) -> JsonSize:
    """The counts of a description's text (an upper bound: a bracket, quote or comma inside a string counts too)."""
    return JsonSize(len(text), text.count("[") + text.count("{"), text.count('"') // 2, text.count(",") + 1, 0, 0)


# Measured on saved runs (a 4-layer LSTM with a head, HiHello's longest word, Long sequences' longest text), with
# room to spare: one epoch's record (its fields, a gradient norm for each of at most 18 parameter tensors, the
# read-back's accuracy), one class id (a HiHello prediction or a character read back: at most 3 digits), one accuracy
# per position of a Long sequences window, one learning-rate change, one session's own fields and snapshot epochs,
# and the file's own fields (versions, screen, data, the reason a run stopped).
RECORD = JsonSize(characters=1536, containers=8, strings=32, values=32, floats=26, large_ints=1)
CLASS_ID = JsonSize(characters=5, values=1)
POSITION = JsonSize(characters=24, values=1, floats=1)
CHANGE = JsonSize(characters=48, containers=1, values=3, floats=1, large_ints=2)
SESSION = JsonSize(characters=2048, containers=16, strings=32, values=64, floats=16, large_ints=48)
FIXED = JsonSize(characters=32 * 1024, containers=64, strings=128, values=512, floats=64, large_ints=64)
MAX_SETTINGS_CHARACTERS = 256 * 1024  # a Time series run's 200 column names, each escaped, fit many times over
MAX_JSON_DEPTH = 7  # the deepest the format writes: run, sessions, a session, records, a record, predictions, a row
MAX_INT_DIGITS = 18  # no number a run writes (seed, epoch, step, id) comes near 10 ** 18
# The ints the parser hands out shared, as Python does below 257: every class id and epoch (or step) number is one
# of them, so 5,000 epochs of a 1,000-character read-back make no new int (5 million of them would cost 180 MB).
SHARED_INTS = {str(number): number for number in range(2 * max(MAX_EPOCHS, MAX_STEPS, MAX_TEXT_LENGTH))}
MAX_IDENTITY = 1024  # "upload:<file name>:<checksum>", the data a Time series run trained on


def json_ceiling(sessions: int, epochs: int, ids: int = 0, positions: int = 0) -> JsonSize:
    """The most a description of ``sessions`` sessions of ``epochs`` epochs (or steps) holds, each epoch with ``ids``
    class ids and ``positions`` accuracies, besides its settings."""
    per_epoch = RECORD + ids * CLASS_ID + positions * POSITION
    return FIXED + sessions * (SESSION + epochs * per_epoch + MAX_LEARNING_RATE_CHANGES * CHANGE)


def _shape_of(settings: Any) -> tuple[int, int, int, int]:
    """What decides the size of a screen's description: sessions, epochs (steps), class ids and positions per epoch."""
    if isinstance(settings, ComparisonSettings):
        return len(CELLS), int(settings.steps), 0, 0  # no predictions kept: a summary per step
    if isinstance(settings, HiHelloSettings):  # a prediction per character of the word
        return 1, int(settings.epochs), len(settings.word), 0
    if isinstance(settings, LongSequenceSettings):  # the sentence read back, and an accuracy per window position
        return 1, int(settings.epochs), len(settings.text), int(settings.sequence_length)
    return 1, int(settings.epochs), 0, 0  # Time series: a regression, no class ids


# The description but its sessions and read-back logs: its own fields and the settings.
HEAD = FIXED + JsonSize(characters=MAX_SETTINGS_CHARACTERS, containers=64, strings=1024, values=1024)
# The largest description any settings can write: Long sequences' longest text for the most epochs, or the comparison's
# three cells for the most steps. A file whose description is larger is refused before it is read whole.
LARGEST = (
    JsonSize(
        *map(
            max,
            dataclasses.astuple(json_ceiling(1, MAX_EPOCHS, MAX_TEXT_LENGTH, MAX_SEQUENCE_LENGTH)),
            dataclasses.astuple(json_ceiling(len(CELLS), MAX_STEPS)),
        )
    )
    + HEAD
)
MAX_RUN_JSON_BYTES = LARGEST.characters  # json.dumps writes ASCII: a character is a byte
# The weights: check_saveable keeps a run's within the upload limit, plus each tensor's headers.
MAX_WEIGHTS_BYTES = MAX_FILE_BYTES + 4 * 2**20
MAX_UNPACKED_BYTES = MAX_RUN_JSON_BYTES + MAX_WEIGHTS_BYTES  # both members unpacked
LIMITS = {RUN_MEMBER: MAX_RUN_JSON_BYTES, WEIGHTS_MEMBER: MAX_WEIGHTS_BYTES}
TENSOR_OVERHEAD = 1024  # torch.save's bytes around one tensor's numbers (a zip record, its headers): about 300 here
PICKLE_PER_TENSOR = 512  # the part of weights.pt's pickle that names one tensor and rebuilds it: about 110 here


# RuntimeError: a member flagged as encrypted ("password required"), which no saved run is.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    OSError,
    NotImplementedError,
    ValueError,
    RuntimeError,
)


def _larger_than(most: int) -> InputError:
    return InputError(
        _("This file unpacks to more than {limit} MB, far more than any run: it is not a run saved by RNN Lab.").format(
            limit=round(most / 2**20)
        )
    )


def _member(data: bytes, name: str, most: int) -> bytearray:
    """A member of the file, unpacked only when its declared size is at most ``most`` bytes, and read no further
    (a forged smaller size ends the read there, and its checksum then fails), in pieces into one buffer."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo(name)
            if info.file_size > most:
                raise _larger_than(most)
            content = bytearray(info.file_size)
            view, filled = memoryview(content), 0
            with archive.open(info) as member:
                while filled < len(content) and (read := member.readinto(view[filled : filled + 2**20])):
                    filled += read
                if filled != len(content) or member.read(1):
                    raise _not_a_run()
            return content
    except _ZIP_ERRORS as error:
        if isinstance(error, InputError):
            raise
        raise _not_a_run(_("It is not a readable zip file.")) from None


def _unpack(data: bytes) -> str:
    """The description's text. The file is a zip of exactly the two members, each declaring no more than any run's
    (the weights stay packed: ``restore`` unpacks them, knowing how large they may be)."""
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            _("This file is {size:.0f} MB; a run's file is at most {limit} MB.").format(
                size=len(data) / 2**20, limit=MAX_FILE_BYTES >> 20
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except _ZIP_ERRORS:
        raise _not_a_run(_("It is not a readable zip file.")) from None
    if sorted(info.filename for info in infos) != sorted(LIMITS):  # a member twice is no run either
        raise _not_a_run()
    for info in infos:  # measured before anything is unpacked: a forged size cannot smuggle a zip bomb in
        if info.file_size > LIMITS[info.filename]:
            raise _larger_than(LIMITS[info.filename])
    try:
        return _member(data, RUN_MEMBER, MAX_RUN_JSON_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        raise _not_a_run(_("Its description (run.json) is not readable JSON.")) from None


# A string (one left open runs to the end: matched once, never retried at each later quote) or a bracket outside one.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\Z)|[\[\]{}]', re.DOTALL)
_KEY_END = re.compile(r"\s*:")
GROWING = ('"sessions"', '"read_back"')  # the description's members whose size grows with the epochs


def _outline(text: str) -> tuple[list[tuple[int, int]], int]:
    """Where the two parts that grow with the epochs (the sessions and the read-back logs) lie in the description,
    and how deep its brackets nest. One pass over its strings and brackets, whose number the caller has bounded."""
    depth, deepest, key, start, cuts = 0, 0, "", 0, []
    for token in _TOKEN.finditer(text):
        char = text[token.start()]
        if char == '"':
            if depth == 1 and _KEY_END.match(text, token.end()):
                key = token.group()
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            start = token.start() if depth == 2 else start
        else:
            if depth == 2 and key in GROWING:
                cuts.append((start, token.end()))
            depth -= 1
    return cuts, deepest


def _head(text: str, cuts: list[tuple[int, int]], size: JsonSize) -> tuple[str, JsonSize]:
    """The description with ``cuts`` written ``null`` (what the file is, in a few hundred characters), and its counts.
    They are counted in place first: a head larger than a description's own fields is refused unbuilt."""
    for cut_start, cut_end in cuts:
        inside = JsonSize(
            cut_end - cut_start - len("null"),
            text.count("[", cut_start, cut_end) + text.count("{", cut_start, cut_end),
            text.count('"', cut_start, cut_end) // 2,
            text.count(",", cut_start, cut_end),
        )
        size = JsonSize(*(a - b for a, b in zip(dataclasses.astuple(size), dataclasses.astuple(inside), strict=True)))
    if not size.within(HEAD):
        raise _not_a_run(_("Its description (run.json) holds more than any run's description."))
    pieces, end = [], 0
    for cut_start, cut_end in cuts:
        pieces += [text[end:cut_start], "null"]
        end = cut_end
    head = "".join([*pieces, text[end:]])
    return head, _counted(head)


def _too_much() -> InputError:
    return InputError(
        _(
            "This run's description (run.json) holds more than a run of its settings ever writes: the file was edited "
            "or damaged. Save the run again from RNN Lab."
        )
    )


def _not_finite(literal: str) -> InputError:
    value = literal if len(literal) <= 24 else literal[:23] + "…"
    return damaged(_("its description (run.json) holds a number that is not finite ({value})").format(value=value))


def _parse(text: str, ceiling: JsonSize) -> object:
    """The JSON of ``text``, counting the numbers it makes: more floats or large ints than ``ceiling``, a number
    past any a run writes, NaN or infinity, and it stops there with the learner's message."""
    made = {"floats": 0, "large_ints": 0}

    def parse_float(literal: str) -> float:
        made["floats"] += 1
        value = float(literal)
        if made["floats"] > ceiling.floats:
            raise _too_much()
        if not math.isfinite(value):  # 1e999
            raise _not_finite(literal)
        return value

    def parse_int(literal: str) -> int:
        if len(literal.lstrip("-")) > MAX_INT_DIGITS:
            raise damaged(
                _("its description (run.json) holds a number of {digits:,} digits, far past any a run writes").format(
                    digits=len(literal.lstrip("-"))
                )
            )
        shared = SHARED_INTS.get(literal)
        if shared is not None:
            return shared
        made["large_ints"] += 1
        if made["large_ints"] > ceiling.large_ints:
            raise _too_much()
        return int(literal)

    def parse_constant(name: str) -> float:  # NaN, Infinity, -Infinity: json.dumps writes them, no saved run has them
        raise _not_finite(name)

    try:
        return json.loads(text, parse_float=parse_float, parse_int=parse_int, parse_constant=parse_constant)
    except InputError:
        raise
    except (ValueError, RecursionError):  # JSONDecodeError; the recursion only past MAX_JSON_DEPTH, outlined first
        raise _not_a_run(_("Its description (run.json) is not readable JSON.")) from None


@dataclass(frozen=True)
class SavedRun:
    """What ``read_settings`` leaves for ``restore``: the description's text, measured against what its settings
    write (``ceiling``), and the file, whose weights stay packed until the sessions say which tensors to expect. Its
    sessions are parsed only then: a file refused by its settings, or by the budget when its run is built, never is."""

    text: str = field(repr=False)
    ceiling: JsonSize
    data: bytes = field(repr=False)


def _describe(text: str, screen: str | None) -> tuple[dict, Any, JsonSize]:
    """The description's own fields (its sessions and read-back logs left out), its validated settings, and the most
    its settings write. Measured before anything is parsed: its counts against the largest description any settings
    write, its head (all but the sessions) against a description's own fields, its depth against the format's, and its
    counts again against what its own settings write."""
    size = _counted(text)
    if not size.within(LARGEST):
        raise _not_a_run(_("Its description (run.json) holds more than any run's description."))
    cuts, depth = _outline(text)
    head_text, head_size = _head(text, cuts, size)
    head = _parse(head_text, HEAD)
    if not isinstance(head, dict) or head.get("format") != FORMAT_NAME:
        raise _not_a_run()
    _check_version(head)  # first: a newer format may nest deeper
    if depth > MAX_JSON_DEPTH:
        raise _not_a_run(_("Its description (run.json) is nested deeper than a run's description ever is."))
    _screen, settings = _settings(head, screen)
    ceiling = json_ceiling(*_shape_of(settings)) + head_size
    if not size.within(ceiling):
        raise _too_much()
    return head, settings, ceiling


def _check_version(run: dict) -> dict:
    version = run.get("format_version")
    if version == FORMAT_VERSION and type(version) is int:
        return run
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise InputError(
            _(
                "This run was saved by format version {version}; this app reads version {supported}. Open it with a "
                "newer RNN Lab (the file says it comes from version {app_version})."
            ).format(version=version, supported=FORMAT_VERSION, app_version=_label(run.get("app_version")) or "?")
        )
    # No older format exists yet; when one does, its upgrade to the current version goes here.
    raise InputError(
        _("This run's file has an unknown format version ({version}); this app reads version {supported}.").format(
            version=shown(version), supported=FORMAT_VERSION
        )
    )


def _settings(run: dict, screen: str | None) -> tuple[str, Any]:
    saved_screen = run.get("screen")
    if not isinstance(saved_screen, str) or saved_screen not in SCREENS:  # a list or a table is no screen's key
        raise InputError(
            _("This run was made on a screen this app does not know ({screen}).").format(screen=shown(saved_screen))
        )
    if screen is not None and saved_screen != screen:
        raise InputError(
            _("This run was made for the {saved} screen, not {here}: open it there.").format(
                saved=screen_name(saved_screen), here=screen_name(screen)
            )
        )
    _name, settings_class = SCREENS[saved_screen]
    values = run.get("settings")
    names = {item.name for item in dataclasses.fields(settings_class)}
    # A setting added after a file was saved may be missing from it: its default is what the app did then.
    later = set(getattr(settings_class, "ADDED_LATER", ()))
    not_these = InputError(
        _("This run's settings are not the {screen} screen's settings: the file was edited or damaged.").format(
            screen=screen_name(saved_screen)
        )
    )
    if not isinstance(values, dict) or not names - later <= set(values) <= names:
        raise not_these
    try:
        return saved_screen, settings_class(**values)
    except InputError as error:
        raise InputError(_("This run's settings are not valid: {reason}").format(reason=error)) from None
    except (TypeError, ArithmeticError):  # a value of a type no widget gives (features=None, task=[]) and no file holds
        raise not_these from None


def _tensors(data: bytes, expected: dict[str, Tensor]) -> dict[str, Tensor]:
    """The file's tensors, exactly the ``expected`` ones (``check_tensors``). weights.pt is measured before it is
    unpacked (no larger than those tensors make it) and before it is loaded: a zip of plain records, as torch.save
    writes it, whose pickle (the one part the loader interprets step by step) is no larger than their names need."""
    numbers = sum(tensor.numel() * tensor.element_size() for tensor in expected.values())
    most = numbers + TENSOR_OVERHEAD * len(expected) + 16 * 1024
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # read once already (_unpack): its directory is sound
        declared = archive.getinfo(WEIGHTS_MEMBER).file_size
    if declared > most:
        raise InputError(
            _(
                "The file's weights (weights.pt) are larger than the weights of its settings: the file was edited or "
                "damaged. Save the run again from RNN Lab."
            )
        )
    weights = bytes(_member(data, WEIGHTS_MEMBER, most))
    unreadable = _not_a_run(_("Its weights (weights.pt) are not readable."))
    try:
        with zipfile.ZipFile(io.BytesIO(weights)) as archive:
            records = archive.infolist()
    except _ZIP_ERRORS:
        raise unreadable from None
    pickles = [record for record in records if record.filename.endswith("/data.pkl")]
    if (
        len(pickles) != 1
        or pickles[0].file_size > PICKLE_PER_TENSOR * len(expected) + 4096
        or len(records) > len(expected) + 16
        or any(record.compress_type != zipfile.ZIP_STORED for record in records)
    ):
        raise unreadable
    try:
        tensors = torch.load(io.BytesIO(weights), weights_only=True, map_location="cpu")
    except Exception:  # the safe unpickler refuses anything but tensors and plain containers, in many ways
        raise unreadable from None
    if not isinstance(tensors, dict) or not all(
        isinstance(k, str) and isinstance(v, Tensor) for k, v in tensors.items()
    ):
        raise _not_a_run(_("Its weights (weights.pt) are not a table of tensors."))
    check_tensors(tensors, expected)
    return tensors


def read_settings(
    data: bytes, screen: str | None = None, data_identity: str | None = None
) -> tuple[dict, Any, SavedRun]:
    """The file's description (its own fields: what it is, the screen, the machine), its validated settings, and what
    ``restore`` reads the rest from (nothing is built, and the sessions are not parsed yet). With ``data_identity``,
    the run must have trained on that data (the Time series page's current table)."""
    text = _unpack(data)
    run, settings, ceiling = _describe(text, screen)
    saved_data = run.get("data")
    if not isinstance(saved_data, str) or len(saved_data) > MAX_IDENTITY:
        raise _not_a_run()
    if data_identity is not None and saved_data != data_identity:
        raise InputError(
            _(
                "This run trained on {saved}, and the page now has {here}: choose that data above, then load the "
                "run again."
            ).format(saved=describe_data(saved_data), here=describe_data(data_identity))
        )
    return run, settings, SavedRun(text, ceiling, data)


def _checked(
    saved: SavedRun, sessions: dict[str, TrainingSession], logs: dict[str, ReadBackLog]
) -> tuple[dict[str, SavedSession], dict[str, SavedReadBack], dict[str, Tensor]]:
    """Every part of every session read and checked, the tensors loaded and checked against what the sessions
    expect: what ``restore`` puts back."""
    run = _parse(saved.text, saved.ceiling)
    if not isinstance(run, dict):
        raise _not_a_run()
    states, saved_logs = run.get("sessions"), run.get("read_back")
    if not isinstance(states, dict) or set(states) != set(sessions):
        raise InputError(
            _("This run's file does not hold the training sessions its screen runs: it was edited or damaged.")
        )
    if not isinstance(saved_logs, dict) or set(saved_logs) != set(logs):
        raise damaged(_("the sentence read back at each epoch is unreadable"))
    parts = {name: read_session(session, states[name], name) for name, session in sessions.items()}
    read_backs = {name: read_read_back(saved_logs[name], parts[name]) for name in logs}
    expected = {name: tensor for part in parts.values() for name, tensor in part.expected_tensors().items()}
    tensors = _tensors(saved.data, expected)
    for part in parts.values():
        part.check(tensors)
    return parts, read_backs, tensors


def restore(run: dict, saved: SavedRun, sessions: dict[str, TrainingSession], read_back=None) -> None:
    """Put the file's run into sessions freshly built from its settings (``run`` and ``saved`` as ``read_settings``
    gave them; the read-back logs, if any). Every part of every session is parsed and checked first; only then do the
    sessions change, and nothing there can fail. A refusal leaves them as they were built, and holds nothing of the
    parse (the page keeps a refusal while it words it in each language)."""
    logs = read_back or {}
    refusal = None
    try:
        parts, read_backs, tensors = _checked(saved, sessions, logs)
    except InputError as error:
        refusal = str(error)  # the error's frames, and the parse they hold, end with this block
    if refusal is not None:
        raise InputError(refusal)
    # Everything is checked: now the sessions change.
    for part in parts.values():
        part.restore(tensors)
    for name, log in logs.items():
        read_backs[name].restore(log)


def build_sessions(settings: Any) -> tuple[dict[str, TrainingSession], dict[str, ReadBackLog]]:
    """The sessions (and read-back logs) a screen builds from its settings, as its page does."""
    if isinstance(settings, ForecastSettings):
        raise InputError(_("A Time series run trains on a table: load it on the Time series screen, with its data."))
    if isinstance(settings, ComparisonSettings):
        return cell_sessions(settings, build_task(settings)), {}
    task = settings.task()
    model_config = settings.model_config(task)
    if isinstance(settings, HiHelloSettings):
        session = TrainingSession(lambda: SequenceModel(model_config), settings.data(task), settings.train_config())
        return {"model": session}, {}
    windows = probe_indices(task.windows, task.sequence_length, model_config)
    session, log = read_back_session(task, model_config, settings.train_config(), windows)
    return {"model": session}, {"model": log}


def load_run(
    data: bytes,
    screen: str | None = None,
    build: Callable[[Any], tuple[dict[str, TrainingSession], dict[str, ReadBackLog]]] = build_sessions,
    data_identity: str | None = None,
) -> LoadedRun:
    """The run of a file, rebuilt and restored; every problem is an InputError for the learner."""
    run, settings, saved = read_settings(data, screen, data_identity)
    sessions, logs = build(settings)
    restore(run, saved, sessions, logs)
    return LoadedRun(run["screen"], settings, sessions, logs, _label(run.get("app_version")), machine_of(run))
