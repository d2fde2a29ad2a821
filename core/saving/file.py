"""A run in one file: save it, load it later, see the same charts without retraining, and train on.

The file is a zip holding ``run.json`` (what the run is: the format, the screen, the settings, the
history) and ``weights.pt`` (the weights now and at every snapshot, Adam's state, the shuffling generator).
The weights are a plain dict of tensors written by ``torch.save`` and read by ``torch.load(weights_only=True)``,
which refuses anything but tensors and plain containers (``safetensors`` is not installed here).

A file is data, checked whole before anything uses it, its cost bounded before it is paid. The zip is measured before
it is unpacked. The description (run.json) is measured before and while it is parsed (``core.saving.description``), and
its settings go through the screen's settings class. Only once the page has built the run of those settings (and its
budget allowed it) are the sessions parsed and checked by ``core.runs.state``'s schema against the sessions built;
weights.pt is measured against the tensors they expect before it is unpacked and loaded, and every tensor must have
the name, shape and type they have. Only then does anything change (``restore``); a refusal is the learner's message.
A loaded run resumes exactly: training on gives the same losses as a run never saved.

The file holds no translated text (a run saved on a Korean page loads on an English one and shows English): the
screen by its key, the settings by their values, no sentence. Only the messages about a file that cannot be
loaded are in the learner's language, worded when they are raised.

It also records the machine it trained on (``Machine``): PyTorch picks vectorised kernels per CPU, whose sums round
differently, so a run trained on here goes on bit for bit only where the capability and the torch version are the
same. Those two fields only inform the learner: a file without them (saved before they were recorded) or with a
forged value loads, its machine unknown.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import tomllib
import zipfile
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor

from core import PROJECT_ROOT
from core.engine.session import TrainingSession
from core.runs.state import (
    MAX_FILE_BYTES,
    SavedReadBack,
    SavedSession,
    at_epoch_boundary,
    check_saveable,
    check_tensors,
    damaged,
    not_a_run,
    read_read_back,
    read_session,
    session_state,
    shown,
)
from core.saving.description import (
    HEAD,
    LARGEST,
    MAX_JSON_DEPTH,
    MAX_RUN_JSON_BYTES,
    JsonSize,
    counted,
    head_of,
    json_ceiling,
    outline,
    parse,
    shape_of,
    too_much,
)
from core.screens import registry
from core.screens.long_sequences.windows import ReadBackLog
from core.words.errors import InputError
from core.words.i18n import N_
from core.words.message import Message, said

FORMAT_NAME = "rnn-lab-run"
# 2: a stopped run's entry is always [epoch, cause, learning rate]. Version 1 files hold that too, or (saved before
# the cause was kept as data) [epoch, English sentence]: core.runs.state reads both, by the file's version.
FORMAT_VERSION = 2
READ_VERSIONS = (1, 2)
EXTENSION = "rnnlab"  # a zip; the uploader accepts .zip too
RUN_MEMBER, WEIGHTS_MEMBER = "run.json", "weights.pt"


def screen_name(screen: str) -> Message:
    """A screen's name (its key or a former key), worded where it is shown."""
    return said(registry.find(screen).title)


def app_version() -> str:
    try:
        with open(PROJECT_ROOT / "pyproject.toml", "rb") as file:
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


def screen_of(settings: Any) -> str:
    """The key of the screen whose run these settings are (the key a saved run names)."""
    entry = registry.screen_of(settings)
    if entry is None:
        raise InputError(N_("Runs of this screen cannot be saved yet."))
    return entry.key


def describe_data(identity: str) -> Message:
    """A run's data in words, from the identity the Time series page gives it ("sample:seasonal.csv")."""
    kind, _colon, rest = identity.partition(":")
    if kind == "sample":
        return said(N_("the built-in sample {name}"), name=rest)
    if kind == "upload":
        return said(N_("the uploaded file {name}"), name=rest.rpartition(":")[0] or rest)
    return said(N_("its own data"))


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
        "read_back": {name: log.state_dict() for name, log in (read_back or {}).items()},
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
            N_(
                "This run is too large to save: its file would be {size:.0f} MB, and a run's file can be at most "
                "{limit} MB to load back. Fewer epochs make a run that can be saved."
            ),
            size=packed.tell() / 2**20,
            limit=MAX_FILE_BYTES >> 20,
        )
    return packed.getvalue()


# -- loading: the zip, then the description (core.saving.description) --------------------------------------------
MAX_IDENTITY = 1024  # "upload:<file name>:<checksum>", the data a Time series run trained on
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
        N_("This file unpacks to more than {limit} MB, far more than any run: it is not a run saved by RNN Lab."),
        limit=round(most / 2**20),
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
                    raise not_a_run()
            return content
    except _ZIP_ERRORS as error:
        if isinstance(error, InputError):
            raise
        raise not_a_run(said(N_("It is not a readable zip file."))) from None


def _unpack(data: bytes) -> str:
    """The description's text. The file is a zip of exactly the two members, each declaring no more than any run's
    (the weights stay packed: ``restore`` unpacks them, knowing how large they may be)."""
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            N_("This file is {size:.0f} MB; a run's file is at most {limit} MB."),
            size=len(data) / 2**20,
            limit=MAX_FILE_BYTES >> 20,
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except _ZIP_ERRORS:
        raise not_a_run(said(N_("It is not a readable zip file."))) from None
    if sorted(info.filename for info in infos) != sorted(LIMITS):  # a member twice is no run either
        raise not_a_run()
    for info in infos:  # measured before anything is unpacked: a forged size cannot smuggle a zip bomb in
        if info.file_size > LIMITS[info.filename]:
            raise _larger_than(LIMITS[info.filename])
    try:
        return _member(data, RUN_MEMBER, MAX_RUN_JSON_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        raise not_a_run(said(N_("Its description (run.json) is not readable JSON."))) from None


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
    size = counted(text)
    if not size.within(LARGEST):
        raise not_a_run(said(N_("Its description (run.json) holds more than any run's description.")))
    cuts, depth = outline(text)
    head_text, head_size = head_of(text, cuts, size)
    head = parse(head_text, HEAD)
    if not isinstance(head, dict) or head.get("format") != FORMAT_NAME:
        raise not_a_run()
    _check_version(head)  # first: a newer format may nest deeper
    if depth > MAX_JSON_DEPTH:
        raise not_a_run(said(N_("Its description (run.json) is nested deeper than a run's description ever is.")))
    _screen, settings = _settings(head, screen)
    ceiling = json_ceiling(*shape_of(settings)) + head_size
    if not size.within(ceiling):
        raise too_much()
    return head, settings, ceiling


def _check_version(run: dict) -> dict:
    version = run.get("format_version")
    if version in READ_VERSIONS and type(version) is int:
        return run
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise InputError(
            N_(
                "This run was saved by format version {version}; this app reads version {supported}. Open it with a "
                "newer RNN Lab (the file says it comes from version {app_version})."
            ),
            version=version,
            supported=FORMAT_VERSION,
            app_version=_label(run.get("app_version")) or "?",
        )
    raise InputError(
        N_("This run's file has an unknown format version ({version}); this app reads version {supported}."),
        version=shown(version),
        supported=FORMAT_VERSION,
    )


def _settings(run: dict, screen: str | None) -> tuple[str, Any]:
    """The screen's key and the validated settings a file's description names. A run saved under a screen's former
    key is that screen's: ``run["screen"]`` is rewritten to its key (what the loaded run says it is)."""
    saved_screen = run.get("screen")
    entry = registry.find(saved_screen) if isinstance(saved_screen, str) else None  # a list or a table is no key
    if entry is None or entry.settings is None:
        raise InputError(
            N_("This run was made on a screen this app does not know ({screen})."), screen=shown(saved_screen)
        )
    saved_screen = run["screen"] = entry.key
    if screen is not None and registry.find(screen) is not entry:
        raise InputError(
            N_("This run was made for the {saved} screen, not {here}: open it there."),
            saved=screen_name(saved_screen),
            here=screen_name(screen),
        )
    settings_class = entry.settings
    values = run.get("settings")
    names = {item.name for item in dataclasses.fields(settings_class)}
    # A setting added after a file was saved may be missing from it: its default is what the app did then.
    later = set(getattr(settings_class, "ADDED_LATER", ()))
    not_these = InputError(
        N_("This run's settings are not the {screen} screen's settings: the file was edited or damaged."),
        screen=screen_name(saved_screen),
    )
    if not isinstance(values, dict) or not names - later <= set(values) <= names:
        raise not_these
    try:
        return saved_screen, settings_class(**values)
    except InputError as error:
        raise InputError(N_("This run's settings are not valid: {reason}"), reason=error.message) from None
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
            N_(
                "The file's weights (weights.pt) are larger than the weights of its settings: the file was edited or "
                "damaged. Save the run again from RNN Lab."
            )
        )
    weights = bytes(_member(data, WEIGHTS_MEMBER, most))
    unreadable = not_a_run(said(N_("Its weights (weights.pt) are not readable.")))
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
        raise not_a_run(said(N_("Its weights (weights.pt) are not a table of tensors.")))
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
        raise not_a_run()
    if data_identity is not None and saved_data != data_identity:
        raise InputError(
            N_(
                "This run trained on {saved}, and the page now has {here}: choose that data above, then load the "
                "run again."
            ),
            saved=describe_data(saved_data),
            here=describe_data(data_identity),
        )
    return run, settings, SavedRun(text, ceiling, data)


def _checked(
    saved: SavedRun, sessions: dict[str, TrainingSession], logs: dict[str, ReadBackLog]
) -> tuple[dict[str, SavedSession], dict[str, SavedReadBack], dict[str, Tensor]]:
    """Every part of every session read and checked, the tensors loaded and checked against what the sessions
    expect: what ``restore`` puts back."""
    run = parse(saved.text, saved.ceiling)
    if not isinstance(run, dict):
        raise not_a_run()
    states, saved_logs = run.get("sessions"), run.get("read_back")
    if not isinstance(states, dict) or set(states) != set(sessions):
        raise InputError(
            N_("This run's file does not hold the training sessions its screen runs: it was edited or damaged.")
        )
    if not isinstance(saved_logs, dict) or set(saved_logs) != set(logs):
        raise damaged(said(N_("the sentence read back at each epoch is unreadable")))
    version = run.get("format_version")  # checked with the description's head (_check_version)
    parts = {name: read_session(session, states[name], name, version) for name, session in sessions.items()}
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
    parse (the page keeps a refusal's message in the session)."""
    logs = read_back or {}
    refusal = None
    try:
        parts, read_backs, tensors = _checked(saved, sessions, logs)
    except InputError as error:
        refusal = error.message  # the error's frames, and the parse they hold, end with this block
    if refusal is not None:
        raise InputError(refusal)
    # Everything is checked: now the sessions change.
    for part in parts.values():
        part.restore(tensors)
    for name, log in logs.items():
        read_backs[name].restore(log)
