"""The PyTorch code of the run on screen: the script (core.runs.code) in an expander, with a download button.

The script itself is code, in English like the code it is (its comments too); the words around it are translated."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.runs.code import RunCode
from core.runs.code_notes import script_notes
from core.screens.registry import screen_of
from core.words.i18n import N_, _
from ui.common import learner_errors, markdown_literal

TITLE = N_("The PyTorch code of this run")


def rate_changes(run: Any) -> list[tuple[int, float]]:
    """The run's steering as a script replays it: (optimisation steps done, the rate from the next step on)."""
    if run is None:
        return []
    return [(change.step, change.learning_rate) for change in run.session.history.learning_rate_changes]


def run_code(run: Any, settings: Any = None) -> RunCode | None:
    """The script of the run on screen, its steering included (or of the settings, before any run), as its screen's
    registry entry writes it; None for a screen without one (or, on Time series, before a run: the script needs the
    rows it trained on)."""
    about = run.settings if run is not None else settings
    entry = screen_of(about)
    if entry is None or entry.script is None:
        return None
    return entry.script(about, rate_changes(run), run.screen if run is not None else None)


def script_of(run: Any, settings: Any, key: str) -> RunCode | None:
    """``run_code``, written once per run and steering: a run's script changes only when the learner steers it."""
    if run is None:
        return run_code(run, settings)
    kept = st.session_state.get(f"{key}_code_of")
    version = (run.ticket, len(run.session.history.learning_rate_changes))
    if kept is None or kept[0] != version:
        kept = (version, run_code(run, settings))
        st.session_state[f"{key}_code_of"] = kept
    return kept[1]


def code_section(run: Any, settings: Any = None) -> None:
    """An expander with the script that trains this run in plain torch, and a button to download it."""
    about = run.settings if run is not None else settings
    entry = screen_of(about)
    if entry is None or entry.script is None:
        return
    key = entry.key
    code = None
    with learner_errors():
        code = script_of(run, settings, key)
    if code is None:
        return
    with st.expander(_(TITLE), expanded=False):
        st.caption(
            _(
                "A short standalone script in the style of the note's labs: plain torch.nn, the same seed, data, "
                "network, loss and optimiser as this run. Run it with the same seed and it prints the same final loss "
                "as the screen."
            )
        )
        for note in script_notes(run.sessions.values()) if run is not None else []:
            st.info(markdown_literal(note))
        st.download_button(
            _("Download {file}").format(file=code.file_name),
            code.script,
            file_name=code.file_name,
            mime="text/x-python",
            key=f"{key}_code",
            on_click="ignore",  # saving a file is no reason to rerun the page (and tick the run)
        )
        if code.data_file_name:
            st.download_button(
                _("Download {file} (the training rows it reads)").format(file=code.data_file_name),
                code.data,
                file_name=code.data_file_name,
                mime="text/csv",
                key=f"{key}_code_data",
                on_click="ignore",
            )
        st.code(code.script, language="python")
