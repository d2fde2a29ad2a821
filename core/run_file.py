"""A run in one file: save it, load it later, see the same charts without retraining, and train on.

The file is a zip holding ``run.json`` (what the run is: the format, the screen, the settings, the
history) and ``weights.pt`` (the weights now and at every snapshot, Adam's state, the shuffling generator).
The weights are a plain dict of tensors written by ``torch.save`` and read by ``torch.load(weights_only=True)``,
which refuses anything but tensors and plain containers (``safetensors`` is not installed here). Nothing
in the file is trusted: the zip is measured before it is unpacked, the settings go through the screen's
settings class, and every tensor must have the name, shape and type a freshly built model of those
settings has. A loaded run resumes exactly: training on gives the same losses as a run never saved.

The file holds no translated text (a run saved on a Korean page loads on an English one and shows English): the
screen by its key, the settings by their values, no sentence. Only the messages about a file that cannot be
loaded are in the learner's language, worded when they are raised.

It also records the machine it trained on (``Machine``): PyTorch picks vectorised kernels per CPU, whose sums round
differently, so a run trained on here goes on bit for bit only where the capability and the torch version are the
same. Those two fields only inform the learner: a file without them (saved before they were recorded) or with a
forged value loads, its machine unknown.

One idea at ~390 lines: the file's layout and every check a file from outside must pass before a tensor is
loaded (the session's own state is ``core.run_state``); splitting the checks from the format would split the one
place that says what a run file is.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from core.comparison import ComparisonSettings, build_task, cell_sessions
from core.errors import InputError
from core.forecasting import ForecastSettings
from core.hihello import HiHelloSettings
from core.i18n import N_, _
from core.long_sequences import LongSequenceSettings
from core.models import SequenceModel
from core.probes import probe_indices
from core.run_state import (
    MAX_FILE_BYTES,
    at_epoch_boundary,
    check_saveable,
    read_back_state,
    restore_read_back,
    restore_session,
    session_state,
)
from core.session import TrainingSession
from core.windows import ReadBackLog, read_back_session

FORMAT_NAME = "rnn-lab-run"
FORMAT_VERSION = 1
EXTENSION = "rnnlab"  # a zip; the uploader accepts .zip too
RUN_MEMBER, WEIGHTS_MEMBER = "run.json", "weights.pt"
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # both members unpacked: the largest run a screen allows is far smaller

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


# -- loading -------------------------------------------------------------------------------------------
def _unpack(data: bytes) -> tuple[dict, bytes]:
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            _("This file is {size:.0f} MB; a run's file is at most {limit} MB.").format(
                size=len(data) / 2**20, limit=MAX_FILE_BYTES >> 20
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {info.filename: info for info in archive.infolist()}
            if set(members) != {RUN_MEMBER, WEIGHTS_MEMBER}:
                raise _not_a_run()
            # Measured before unpacking, and the reads bounded too: a forged size cannot smuggle a zip bomb in.
            if sum(info.file_size for info in members.values()) > MAX_UNPACKED_BYTES:
                raise InputError(
                    _(
                        "This file unpacks to more than {limit} MB, far more than any run: it is not a run saved by "
                        "RNN Lab."
                    ).format(limit=MAX_UNPACKED_BYTES >> 20)
                )
            parts = {}
            for name in members:
                with archive.open(name) as member:
                    parts[name] = member.read(MAX_UNPACKED_BYTES + 1)
                if len(parts[name]) > MAX_UNPACKED_BYTES:
                    raise _not_a_run()
    # RuntimeError: a member flagged as encrypted ("password required"), which no saved run is.
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        NotImplementedError,
        ValueError,
        RuntimeError,
    ) as error:
        if isinstance(error, InputError):
            raise
        raise _not_a_run(_("It is not a readable zip file.")) from None
    try:
        run = json.loads(parts[RUN_MEMBER].decode("utf-8"))
    # ValueError covers JSONDecodeError and an integer past Python's digit limit (a 5,000-digit number).
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _not_a_run(_("Its description (run.json) is not readable JSON.")) from None
    if not isinstance(run, dict) or run.get("format") != FORMAT_NAME:
        raise _not_a_run()
    return run, parts[WEIGHTS_MEMBER]


def _check_version(run: dict) -> dict:
    version = run.get("format_version")
    if version == FORMAT_VERSION:
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
            version=repr(version), supported=FORMAT_VERSION
        )
    )


def _settings(run: dict, screen: str | None) -> tuple[str, Any]:
    saved_screen = run.get("screen")
    if not isinstance(saved_screen, str) or saved_screen not in SCREENS:  # a list or a table is no screen's key
        shown = repr(saved_screen)
        raise InputError(
            _("This run was made on a screen this app does not know ({screen}).").format(
                screen=shown if len(shown) <= 40 else shown[:39] + "…"
            )
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
    if not isinstance(values, dict) or not names - later <= set(values) <= names:
        raise InputError(
            _("This run's settings are not the {screen} screen's settings: the file was edited or damaged.").format(
                screen=screen_name(saved_screen)
            )
        )
    try:
        return saved_screen, settings_class(**values)
    except InputError as error:
        raise InputError(_("This run's settings are not valid: {reason}").format(reason=error)) from None


def _tensors(data: bytes) -> dict[str, Tensor]:
    try:
        tensors = torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except Exception:  # the safe unpickler refuses anything but tensors and plain containers, in many ways
        raise _not_a_run(_("Its weights (weights.pt) are not readable.")) from None
    if not isinstance(tensors, dict) or not all(
        isinstance(k, str) and isinstance(v, Tensor) for k, v in tensors.items()
    ):
        raise _not_a_run(_("Its weights (weights.pt) are not a table of tensors."))
    return tensors


def read_settings(
    data: bytes, screen: str | None = None, data_identity: str | None = None
) -> tuple[dict, Any, dict[str, Tensor]]:
    """The file's description, its validated settings and its tensors (nothing is built yet). With
    ``data_identity``, the run must have trained on that data (the Time series page's current table)."""
    run, weights = _unpack(data)
    run = _check_version(run)
    _screen, settings = _settings(run, screen)
    saved_data = run.get("data")
    if not isinstance(saved_data, str):
        raise _not_a_run()
    if data_identity is not None and saved_data != data_identity:
        raise InputError(
            _(
                "This run trained on {saved}, and the page now has {here}: choose that data above, then load the "
                "run again."
            ).format(saved=describe_data(saved_data), here=describe_data(data_identity))
        )
    return run, settings, _tensors(weights)


def restore(run: dict, tensors: dict[str, Tensor], sessions: dict[str, TrainingSession], read_back=None) -> None:
    """Put the file's run into sessions freshly built from its settings (and the read-back logs, if any)."""
    saved = run.get("sessions")
    if not isinstance(saved, dict) or set(saved) != set(sessions):
        raise InputError(
            _("This run's file does not hold the training sessions its screen runs: it was edited or damaged.")
        )
    stray = [name for name in tensors if name.partition("/")[0] not in sessions]
    if stray:
        raise InputError(
            _("The file's weights do not fit its settings: it has a tensor no session uses: {name}.").format(
                name=repr(stray[0])
            )
        )
    for name, session in sessions.items():
        restore_session(session, saved[name], tensors, name)
    for name, log in (read_back or {}).items():
        session = sessions[name]
        restore_read_back(log, (run.get("read_back") or {}).get(name), session.epoch, session.model.config.output_size)


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
    run, settings, tensors = read_settings(data, screen, data_identity)
    sessions, logs = build(settings)
    restore(run, tensors, sessions, logs)
    return LoadedRun(run["screen"], settings, sessions, logs, _label(run.get("app_version")), machine_of(run))
