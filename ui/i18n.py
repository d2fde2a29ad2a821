"""Which language a page speaks, and the selector that changes it.

The order: ``?lang=ko`` / ``?lang=en`` in the URL wins; then the learner's choice in the selector (kept in the
session, so it holds on every page); then the browser's language (``st.context.locale``, Korean for ``ko*``);
then English. Choosing in the selector writes ``lang`` into the URL too, so a link or a reload keeps it and a
stale ``?lang=`` never overrules the learner.

Switching never retrains: the run lives in the session and only words change. One Streamlit detail needs care:
a choice control bound to the URL keeps its value as its *label*, which is in the old language after a switch
and would not be found among the new labels (the control would fall back to its default). So the switch first
re-stores every control's value as its option, while the old labels are still registered.
"""

from __future__ import annotations

import contextlib

import streamlit as st
from streamlit.runtime.state.session_state_proxy import get_session_state

from core.i18n import LANGUAGES, SOURCE_LANGUAGE, _, language_code, set_language

LANGUAGE_KEY = "language"  # the session's language, a plain session value: it survives every page switch
SELECTOR_KEY = "language_selector"
URL_PARAM = "lang"


def browser_language() -> str | None:
    try:
        return language_code(st.context.locale)
    except Exception:  # no browser behind this run (a bare script run): the next rule decides
        return None


def choose_language() -> str:
    """Decide this run's language, remember it for the session, and make ``_()`` speak it."""
    from_url = language_code(st.query_params.get(URL_PARAM))
    language = from_url or st.session_state.get(LANGUAGE_KEY) or browser_language() or SOURCE_LANGUAGE
    st.session_state[LANGUAGE_KEY] = language
    set_language(language)
    return language


def apply_language() -> None:
    """In a fragment's rerun (which skips the page's top): the language the page already chose."""
    set_language(st.session_state.get(LANGUAGE_KEY, SOURCE_LANGUAGE))


def _switch() -> None:
    chosen = language_code(st.session_state.get(SELECTOR_KEY))
    if chosen is None or chosen == st.session_state.get(LANGUAGE_KEY):
        return
    _keep_choices()
    st.session_state[LANGUAGE_KEY] = chosen
    st.query_params[URL_PARAM] = chosen


# Controls whose value cannot be set: assigning one does not fail here but on the control's next draw.
_UNSETTABLE = {"trigger_value", "string_trigger_value", "json_trigger_value", "file_uploader_state_value"}


def _keep_choices() -> None:
    """Every control's current value re-stored as a value, not as its label in the language being left.

    Only controls Streamlit knows by their key, and not buttons or uploaders: setting those raises when they are
    drawn next (and a plain session value, no control's, has no label to lose)."""
    for key in list(st.session_state.keys()):
        if key in (SELECTOR_KEY, LANGUAGE_KEY) or key.startswith("_") or _kind_of(key) in _UNSETTABLE | {None}:
            continue
        with contextlib.suppress(Exception):
            st.session_state[key] = st.session_state[key]


def _kind_of(key: str) -> str | None:
    """How a control with this key stores its value (a button: ``trigger_value``), or None if none has it."""
    state = get_session_state()._state
    widget_id = state._key_id_mapper.get_id_from_key(key, None)
    metadata = state._new_widget_state.widget_metadata.get(widget_id) if widget_id else None
    return metadata.value_type if metadata is not None else None


def language_selector() -> None:
    """The sidebar's language control, at the top of every page."""
    language = st.session_state.get(LANGUAGE_KEY, SOURCE_LANGUAGE)
    st.session_state[SELECTOR_KEY] = language
    st.sidebar.segmented_control(
        "Language · 언어",
        list(LANGUAGES),
        format_func=LANGUAGES.get,
        key=SELECTOR_KEY,
        on_change=_switch,
        help=_("Switching the language keeps your run and your settings: only the words change."),
    )
