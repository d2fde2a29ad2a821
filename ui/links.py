"""Every setting in the URL: what a link brings in is checked first, a refused value gets one note, and the
sidebar shows the link of the setup on screen, with the screen's teaching presets above the controls.

The widgets themselves are bound to the URL (``ui.controls.BIND``, Streamlit's ``bind="query-params"``): their
keys are the parameters' names, Streamlit seeds them from the link on a page load and keeps the link up to date.
Two things it does not do are done here. It resets an out-of-range value to the default without a word, and it
turns 3.5 into 3 for a whole-number slider; so before any widget is drawn each value is checked by the screen's
settings class (``core.links``) and a refused one is taken out of the URL and named on screen. And the learning
rate is steered from the transport row, whose widget starts from the run's own rate: it is carried by hand.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.state.session_state_proxy import get_session_state

from core.cell_math import CELL_NAMES
from core.links import Refusal, ignored_sentence, link_text, read_link
from core.presets import Preset, matching_preset, presets_for
from core.presets import same_value as _same
from ui.live import current_run, leave_queue, run_key

SHARED_PARAMS = ("lang", "hide")  # parameters every screen reads


@contextmanager
def linked_settings(
    key: str, defaults: Any, learning_rates: Sequence[float], labels: Mapping[str, Mapping[object, str]] | None = None
) -> Iterator[None]:
    """Around a page's sidebar controls: the link is checked before they are drawn, the note, the presets and
    the link to this setup after. A link is read once per visit of a session (later, the controls hold it).

    ``labels`` gives, per setting whose control shows labels (field -> option -> label), what the URL carries:
    Streamlit writes and reads a bound choice by its label. The cell type's are known here."""
    labels = {"cell": CELL_NAMES, **(labels or {})}
    first = _read_key(key) not in st.session_state
    taken = take_link(key, defaults, learning_rates, labels) if first else {}
    loaded = preset_picker(key, defaults)
    yield
    if first:
        after_widgets(key, taken)
    show_link(key, defaults, loaded, labels)


def take_link(
    key: str, defaults: Any, learning_rates: Sequence[float], labels: Mapping[str, Mapping[object, str]]
) -> dict[str, object]:
    """The settings this page's link sets; the values it carried that are refused are noted, and out of the URL.
    A choice given by its option (``?hihello_cell=gru``, as a teacher writes it) is handed to its control by label."""
    raw = {name: st.query_params.get_all(name) for name in st.query_params}
    taken, refused = read_link(defaults, raw, key, labels)
    for field, value in taken.items():
        if field in labels:
            _seed_with(f"{key}_{field}", link_text(value, labels[field]))
    if "learning_rate" in taken:
        offered = [rate for rate in learning_rates if math.isclose(rate, float(taken["learning_rate"]))]
        if not offered:
            shown = ", ".join(f"{rate:g}" for rate in learning_rates)
            refused.append(Refusal(f"{key}_learning_rate", link_text(taken.pop("learning_rate")), f"offered: {shown}"))
        elif current_run(key) is None:  # a run on screen keeps the rate it is steered with
            st.session_state[f"{key}_learning_rate"] = offered[0]
    for refusal in refused:
        _drop(refusal.name)
    _note(key, refused)
    return taken


def after_widgets(key: str, taken: dict[str, object]) -> None:
    """A value the widgets did not take either (outside a control's range, or no control shows it) is noted too."""
    st.session_state[_read_key(key)] = True
    later = []
    for field, value in taken.items():
        name = f"{key}_{field}"
        if field == "learning_rate":
            continue
        if name not in st.session_state:
            later.append(Refusal(name, link_text(value), "not a setting this screen shows"))
            _drop(name)
        elif st.session_state[name] != value:
            later.append(Refusal(name, link_text(value), "outside what this screen's control offers"))
    _note(key, later)


def show_link(key: str, defaults: Any, loaded: Any, labels: Mapping[str, Mapping[object, str]]) -> None:
    """The note about a link's refused values, the loaded preset's sentence, and the link to this setup."""
    notes = st.session_state.get(_notes_key(key))
    if notes:
        st.info(ignored_sentence(notes))
    values = current_values(key, defaults)
    chosen = matching_preset(key, values, defaults)
    if chosen is not None and loaded is not None:
        loaded.markdown(f":material/school: :blue-background[**{chosen.title}.** {chosen.look_for}]")
    _carry_learning_rate(key, defaults)
    with st.sidebar:
        st.markdown("**Link to this setup**")
        st.code(setup_link(key, values, defaults, labels), language=None, wrap_lines=True)
        st.caption("Copy it: opening it trains the same run, with the same seed and the same curves.")


def current_values(key: str, defaults: Any) -> dict[str, object]:
    """The settings as the controls hold them now (field name -> value), defaults where no control shows one."""
    values = {}
    for field in defaults.__dataclass_fields__:
        values[field] = st.session_state.get(f"{key}_{field}", getattr(defaults, field))
    return values


def setup_link(
    key: str, values: dict[str, object], defaults: Any, labels: Mapping[str, Mapping[object, str]] | None = None
) -> str:
    """The address of this page with every setting that differs from its default."""
    labels = labels or {}
    params = {
        f"{key}_{field}": link_text(value, labels.get(field))
        for field, value in values.items()
        if not _same(value, getattr(defaults, field))
    }
    params.update({name: st.query_params[name] for name in SHARED_PARAMS if name in st.query_params})
    base = st.context.url or ""
    query = urlencode(params)
    return f"{base}?{query}" if query else base or "(this page's address: every setting is at its default)"


def preset_picker(key: str, defaults: Any) -> Any:
    """The screen's teaching presets, one button each, at the top of the sidebar; under them, the place where the
    loaded one says what to look for (filled once the controls are drawn)."""
    presets = presets_for(key)
    if not presets:
        return None
    with st.sidebar:
        st.markdown("**Teaching setups**: one click loads a setup that shows one idea")
        for preset in presets:
            st.button(
                preset.title,
                key=f"{key}_preset_{preset.name}",
                on_click=apply_preset,
                args=(key, preset, defaults),
                help=preset.look_for,
                width="stretch",
            )
        return st.empty()


def apply_preset(key: str, preset: Preset, defaults: Any) -> None:
    """The preset's settings into the controls (so into the URL), every other setting back to its default, and
    a fresh run that plays them."""
    for field, value in preset.settings_over(defaults).items():
        name = f"{key}_{field}"
        if field != "learning_rate" and name not in st.session_state:
            continue
        current = st.session_state.get(name)
        st.session_state[name] = float(value) if isinstance(current, float) else value
    st.session_state.pop(_notes_key(key), None)
    run = current_run(key)
    if run is not None:
        run.mode = "paused"
        leave_queue(run)
        del st.session_state[run_key(key)]


def _carry_learning_rate(key: str, defaults: Any) -> None:
    name = f"{key}_learning_rate"
    rate = st.session_state.get(name, defaults.learning_rate)
    wanted = None if math.isclose(rate, defaults.learning_rate) else link_text(rate)
    if st.query_params.get(name) != wanted:
        if wanted is None:
            _drop(name)
        else:
            st.query_params[name] = wanted


def _seed_with(name: str, text: str) -> None:
    """The address a bound control is seeded from, with ``text`` for ``name`` (see ``_drop``)."""
    with get_session_state().query_params() as params:
        if name in params._initial_query_params:
            params._initial_query_params[name] = [text]


def _notes_key(key: str) -> str:
    return f"{key}_link_notes"


def _note(key: str, refused: list[Refusal]) -> None:
    if refused:
        notes = st.session_state.setdefault(_notes_key(key), [])
        notes.extend(r for r in refused if r not in notes)


def _read_key(key: str) -> str:
    return f"{key}_link_read"


def _drop(name: str) -> None:
    """Out of the URL, and out of the address Streamlit seeds widgets from on a page load (its
    ``_initial_query_params``: no public way to say "this value is refused"; tests/test_links.py fails loudly the
    day Streamlit renames it)."""
    with contextlib.suppress(StreamlitAPIException):  # bound to a widget drawn in an earlier run: nothing to seed
        st.query_params.pop(name, None)
    with get_session_state().query_params() as params:
        params._initial_query_params.pop(name, None)
