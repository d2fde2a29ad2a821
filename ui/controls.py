"""The sidebar controls every training screen shares, in one place: cell type, depth, seed, the learning rate the
run is steered with, and the note that model settings wait for Reset.

Whole numbers typed by the learner (the seeds) go through ``whole_number_input``: Streamlit turns an integer
``st.number_input``'s value into an int with its own ``int()``, so a NaN or infinity sent by a forged browser
message fails inside Streamlit, outside any error handling, on that rerun and every later one. A float-typed input
shown without decimals is reset to its default by Streamlit instead (non-finite or out of range), and the
screen's settings class then checks that it is whole (``core.reading.validation.whole_number``).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.engine.cells import choosable_names, label
from core.words.i18n import N_, _

# Every setting widget lives in the URL (its key is the parameter's name): a link reproduces the setup, and the
# values survive a reload and a visit to another screen. ui.links notes a value from the link a widget refused.
BIND = dict(bind="query-params")


def whole_number_input(
    label: str,
    lowest: int,
    highest: int,
    default: int,
    key: str,
    help: str | None = None,
    where: Any = None,
    bind: str | None = None,
) -> float:
    """A whole number the learner types; a float (3.0) that the settings class validates and turns into an int."""
    return (where or st).number_input(
        label, float(lowest), float(highest), float(default), step=1.0, format="%.0f", key=key, help=help, bind=bind
    )


SEED_HELP = N_("Draws the initial weights.")


def seed_input(key: str, default: int, help: str = SEED_HELP, highest: int = 10_000) -> float:
    """The seed; ``help`` may be an ``N_()`` constant or already translated (``_()`` leaves that as it is)."""
    return whole_number_input(_("Seed"), 0, highest, default, key=f"{key}_seed", help=_(help), **BIND)


def cell_select(key: str, default: str = "rnn") -> str:
    """The cell type: one of the cells a learner may choose (core.engine.cells.CHOOSABLE), shown by its label."""
    cells = list(choosable_names())
    return st.selectbox(_("Cell type"), cells, index=cells.index(default), format_func=label, key=f"{key}_cell", **BIND)


def depth_slider(key: str, default: int, most: int = 4) -> int:
    return st.slider(_("Depth (stacked layers)"), 1, most, default, key=f"{key}_num_layers", **BIND)


def steered_learning_rate(key: str, default: float) -> float:
    """The learning rate the transport row steers (ui.transport): a new run starts from where it was left."""
    return st.session_state.get(f"{key}_learning_rate", default)


def reset_note() -> None:
    st.caption(_("Changes here start a new run: press **Reset** above the charts."))
