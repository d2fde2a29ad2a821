"""Save or load this run: one file with the settings, the weights and the history (core.run_file).

A page calls ``save_or_load(KEY, build, LEARNING_RATES, DISPLAY_KEYS)`` once, below its run. Loading builds a fresh run
from the file's settings with the page's own ``build`` (so the page's views find what they need), restores
it, and puts it in place of the page's run, paused: the charts draw at once, and Play trains on from the
loaded epoch exactly as the saved run would have. A file that cannot be loaded leaves the current run as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from core.errors import InputError
from core.run_file import EXTENSION, check_saveable, read_settings, restore, save_run
from core.windows import ReadBackLog
from ui.live import LiveRun, current_run, start


def read_back_logs(run: LiveRun) -> dict[str, ReadBackLog]:
    """The run's read-back log (Long sequences keeps one instead of every epoch's predictions), by session."""
    log = getattr(run.screen, "log", None)
    return {"model": log} if isinstance(log, ReadBackLog) else {}


def data_identity(run: LiveRun) -> str:
    """What the run trained on when its settings do not say it (the Time series table), else ""."""
    identity = getattr(run.screen, "identity", None)
    return identity if isinstance(identity, str) else ""


def run_file_bytes(run: LiveRun) -> bytes:
    """What the download button hands out: the run as it is now (computed once per state of training)."""
    return run.cached(
        "run_file", lambda: save_run(run.settings, run.sessions, read_back_logs(run), data=data_identity(run))
    )


def _note_key(key: str) -> str:
    return f"{key}_run_file_note"


def _load(
    key: str,
    build: Callable[[Any], LiveRun],
    learning_rates: Sequence[float],
    display_keys: Sequence[str],
    data: str | None,
) -> None:
    """The uploader's callback: it runs before the page, so the page draws the loaded run at once."""
    uploaded = st.session_state.get(f"{key}_run_upload")
    if uploaded is None:
        return
    try:
        saved, settings, tensors = read_settings(uploaded.getvalue(), screen=key, data_identity=data)

        def restored(settings: Any) -> LiveRun:
            run = build(settings)
            restore(saved, tensors, run.sessions, read_back_logs(run))
            if run.session.learning_rate not in learning_rates:
                raise InputError(
                    f"This run's learning rate ({run.session.learning_rate:g}) is not one this screen offers."
                )
            return run

        run = start(key, settings, restored, display_keys)  # an InputError keeps the current run
    except InputError as error:
        shown = current_run(key)
        st.session_state[_note_key(key)] = ("error", f"{uploaded.name}: {error}", shown.number if shown else 0)
        return
    run.mode = "paused"
    st.session_state.pop(f"{key}_learning_rate", None)  # the steering control shows the loaded run's rate
    st.session_state[_note_key(key)] = (
        "success",
        f"Loaded {uploaded.name}: {run.unit_name} {run.epoch} of {run.total_epochs}. Its charts are drawn from the "
        "file; **Play** trains on from there (with the optimiser's state as it was saved, so the curve goes on as "
        "if it had never stopped). The sidebar keeps its own settings: **Reset** starts a new run from them.",
        run.number,
    )


def _download(key: str, run: LiveRun) -> None:
    if run.playing:
        st.caption("Pause the run to save it: the file holds the run as it is when paused.")
        return
    epoch = run.epoch
    try:
        check_saveable(run.sessions)  # cheap: a run too large is refused before its file is made
        file_bytes = run_file_bytes(run)
    except InputError as error:
        st.info(str(error))
        return
    st.download_button(
        f"Download this run ({run.unit_name} {run.epoch} of {run.total_epochs})",
        file_bytes,
        file_name=f"{key}-{run.unit_name}-{run.epoch}.{EXTENSION}",
        mime="application/zip",
        on_click="ignore",
        key=f"{key}_run_download",
        help="One file with the settings, the weights now and at every snapshot, the history and the optimiser's "
        "state. Load it here later to see the same charts without retraining.",
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
    with st.expander("Save or load this run", expanded=note is not None):
        if note is not None:
            (st.success if note[0] == "success" else st.error)(note[1])
        if run is not None:
            _download(key, run)
        if build is None:
            st.caption("Choose the data above to load a saved run: a run is loaded onto the data it trained on.")
            return
        st.file_uploader(
            f"Load a saved run (.{EXTENSION})",
            type=[EXTENSION, "zip"],
            key=f"{key}_run_upload",
            on_change=_load,
            args=(key, build, tuple(learning_rates), tuple(display_keys), data),
            help="A file saved by “Download this run” on this screen. Loading replaces the run above, paused.",
        )
