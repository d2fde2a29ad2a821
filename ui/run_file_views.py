"""Save or load this run: one file with the settings, the weights and the history (core.saving.file).

A page calls ``save_or_load(KEY, build, LEARNING_RATES, DISPLAY_KEYS)`` once, below its run. Loading builds a fresh run
from the file's settings with the page's own ``build`` (so the page's views find what they need), restores
it, and puts it in place of the page's run, paused: the charts draw at once, and Play trains on from the
loaded epoch exactly as the saved run would have. A file that cannot be loaded leaves the current run as it is.

The note about a load stays in the session, so it holds no sentence in one language: a success note is worded
when it is drawn, and a refusal keeps the error's message (``core.words.message.Message``: its source and values),
worded when it is drawn too, so switching the language rewords both and the file is read once. A run trained on
a machine whose PyTorch rounds differently (another CPU capability or torch version,
``core.saving.file.Machine``) gets a note saying so beside the loaded run's note.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from core.saving.file import (
    EXTENSION,
    Machine,
    check_saveable,
    machine_of,
    read_settings,
    restore,
    save_run,
    this_machine,
)
from core.screens.long_sequences.windows import ReadBackLog
from core.words.errors import InputError
from core.words.i18n import N_, _
from ui.i18n import apply_language
from ui.lessons import put_into_controls
from ui.live import LiveRun, current_run, start
from ui.live_run import admitted
from ui.training_views import waiting_words


def read_back_logs(run: LiveRun) -> dict[str, ReadBackLog]:
    """The run's read-back log (Long sequences keeps one instead of every epoch's predictions), by session."""
    log = getattr(run.screen, "log", None)
    return {"model": log} if isinstance(log, ReadBackLog) else {}


def data_identity(run: LiveRun) -> str:
    """What the run trained on when its settings do not say it (the Time series table), else ""."""
    identity = getattr(run.screen, "identity", None)
    return identity if isinstance(identity, str) else ""


def run_file_bytes(run: LiveRun, on_wait: Callable[[int], None] = lambda ahead: None) -> bytes:
    """What the download button hands out: the run as it is now (computed once per state of training). Writing it
    is the learner's computing (1.2 s for a 43 MB Long sequences run): it waits its turn for a slot with the runs of
    the class (``ui.live_run.admitted``), calling ``on_wait(runs ahead)`` while it waits."""

    def written() -> bytes:
        return save_run(run.settings, run.sessions, read_back_logs(run), data=data_identity(run))

    return run.cached("run_file", lambda: admitted(run, written, on_wait, purpose="save"))


def _note_key(key: str) -> str:
    return f"{key}_run_file_note"


def _reader(
    data: bytes, key: str, build: Callable[[Any], LiveRun], learning_rates: Sequence[float], identity: str | None
) -> tuple[Any, Callable[[Any], LiveRun], Machine]:
    """The file's settings, what builds the page's run from them with the file's state restored, and the machine
    the run trained on."""
    saved, settings, tensors = read_settings(data, screen=key, data_identity=identity)

    def restored(settings: Any) -> LiveRun:
        run = build(settings)
        restore(saved, tensors, run.sessions, read_back_logs(run))
        if run.session.learning_rate not in learning_rates:
            raise InputError(
                N_("This run's learning rate ({rate:g}) is not one this screen offers."), rate=run.session.learning_rate
            )
        return run

    return settings, restored, machine_of(saved)


def _load(
    key: str,
    build: Callable[[Any], LiveRun],
    learning_rates: Sequence[float],
    display_keys: Sequence[str],
    data: str | None,
) -> None:
    """The uploader's callback: it runs before the page, so the page draws the loaded run at once."""
    apply_language()  # a callback runs before the page's top, where the language is chosen
    uploaded = st.session_state.get(f"{key}_run_upload")
    if uploaded is None:
        return
    content = uploaded.getvalue()

    def loaded() -> tuple[Any, LiveRun, Machine]:
        settings, restored, machine = _reader(content, key, build, learning_rates, data)
        return settings, start(key, settings, restored, display_keys), machine  # an InputError keeps the current run

    # Reading the file and restoring its run is the learner's computing (0.3 s for a large run): it waits its turn
    # for a slot with the runs of the class, in the place of the run on screen or, before there is one, its own.
    in_line = current_run(key) or LiveRun(settings=None, sessions={}, estimate=None, screen=None)
    try:
        settings, run, machine = admitted(in_line, loaded, purpose="load")
    except InputError as error:
        # Only the error's message is kept (its source and values, worded when the note is drawn, in the language of
        # that moment): not the error, whose traceback holds the parse and the run it built.
        shown = current_run(key)
        st.session_state[_note_key(key)] = ("error", (uploaded.name, error.message), shown.number if shown else 0)
        return
    run.mode = "paused"
    # The sidebar, the link to this setup and the preset note describe the run on screen: the loaded one's settings
    # go into the controls (before, the sidebar kept its own and said "Changed: the cell type, the seed").
    loaded = {item.name: getattr(settings, item.name) for item in dataclasses.fields(settings)}
    put_into_controls(key, {name: value for name, value in loaded.items() if name != "learning_rate"})
    st.session_state.pop(f"{key}_learning_rate", None)  # the steering control shows the loaded run's rate
    about = (uploaded.name, run.epoch, run.total_epochs, machine)
    st.session_state[_note_key(key)] = ("success", about, run.number)


def _position(run: LiveRun, epoch: int, total: int) -> str:
    """Where a run is, in the run's own unit (an epoch, or an optimisation step on the comparison screen)."""
    if run.unit_name == "step":
        return _("step {step} of {total}").format(step=epoch, total=total)
    return _("epoch {epoch} of {total}").format(epoch=epoch, total=total)


def _note_words(note: tuple, run: LiveRun | None) -> str:
    """The note's sentence, in the language of this redraw."""
    kind, about, _number = note
    if kind == "error":
        name, message = about
        return f"{name}: {message.worded()}"
    name, epoch, total, _machine = about
    return _(
        "Loaded {file}: {position}. Its charts are drawn from the file; **Play** trains on from there (with the "
        "optimiser's state as it was saved, so the curve goes on as if it had never stopped). The sidebar shows the "
        "run's settings: **Reset** starts a new run from them."
    ).format(file=name, position=_position(run, epoch, total) if run is not None else f"{epoch} / {total}")


def machine_words(saved: Machine, here: Machine) -> str | None:
    """What a learner should know about a run trained where PyTorch rounds differently; None where it rounds the same
    (or the file does not say: a run saved before the machine was recorded)."""
    capability, version = saved.differs_from(here)
    if capability and version:
        first = _(
            "This run was trained on a machine whose PyTorch `{version}` used `{capability}` kernels; this server runs "
            "PyTorch `{here_version}` with `{here}` kernels."
        )
    elif capability:
        first = _(
            "This run was trained on a machine whose PyTorch used `{capability}` kernels; this server uses `{here}`."
        )
    elif version:
        first = _("This run was trained with PyTorch `{version}`; this server runs PyTorch `{here_version}`.")
    else:
        return None
    words = first.format(
        capability=saved.capability, here=here.capability, version=saved.torch_version, here_version=here.torch_version
    )
    return f"{words} " + _(
        "The saved numbers are shown as they were; training on here may round differently, so its curve can drift "
        "slightly from what the original machine would have drawn."
    )


def _download(key: str, run: LiveRun) -> None:
    if run.playing:
        st.caption(_("Pause the run to save it: the file holds the run as it is when paused."))
        return
    epoch = run.epoch
    note = []  # the waiting line's place, made at the first wait only

    def waiting(ahead: int) -> None:
        if not note:
            note.append(st.empty())
        note[0].caption(waiting_words(ahead))

    try:
        check_saveable(run.sessions)  # cheap: a run too large is refused before its file is made
        file_bytes = run_file_bytes(run, waiting)
    except InputError as error:
        st.info(str(error))
        return
    finally:
        if note:
            note[0].empty()
    st.download_button(
        _("Download this run ({position})").format(position=_position(run, run.epoch, run.total_epochs)),
        file_bytes,
        file_name=f"{key}-{run.unit_name}-{run.epoch}.{EXTENSION}",
        mime="application/zip",
        on_click="ignore",
        key=f"{key}_run_download",
        help=_(
            "One file with the settings, the weights now and at every snapshot, the history and the optimiser's "
            "state. Load it here later to see the same charts without retraining."
        ),
    )
    if run.epoch != epoch:  # a run paused inside an epoch is saved at its end: the charts catch up
        st.rerun()


def save_or_load(
    key: str,
    build: Callable[[Any], LiveRun] | None,
    learning_rates: Sequence[float],
    display_keys: Sequence[str] = (),
    data: str | None = None,
) -> None:
    """The section "Save or load this run", below the page's run. ``build`` is None while the page cannot build
    a run (Time series without data); ``data`` is the identity of the page's data when its runs depend on it."""
    run = current_run(key)
    note = st.session_state.get(_note_key(key))
    if note is not None and note[2] != (run.number if run is not None else 0):
        note = None  # about a run that Reset has replaced since
    with st.expander(_("Save or load this run"), expanded=note is not None):
        if note is not None:
            (st.success if note[0] == "success" else st.error)(_note_words(note, run))
            elsewhere = machine_words(note[1][3], this_machine()) if note[0] == "success" else None
            if elsewhere:
                st.info(elsewhere, icon=":material/memory:")
        if run is not None:
            _download(key, run)
        if build is None:
            st.caption(_("Choose the data above to load a saved run: a run is loaded onto the data it trained on."))
            return
        st.file_uploader(
            _("Load a saved run (.{extension})").format(extension=EXTENSION),
            type=[EXTENSION, "zip"],
            key=f"{key}_run_upload",
            on_change=_load,
            args=(key, build, tuple(learning_rates), tuple(display_keys), data),
            help=_("A file saved by “Download this run” on this screen. Loading replaces the run above, paused."),
        )
