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


def _keep_choices() -> None:
    """Every control's current value re-stored as a value, not as its label in the language being left."""
    for key in list(st.session_state.keys()):
        if key in (SELECTOR_KEY, LANGUAGE_KEY) or key.startswith("_"):
            continue
        value = st.session_state[key]
        # Buttons (a bool) and uploaders (a file or None) hold no choice to keep, and setting one fails later, when
        # the widget is drawn ("cannot be assigned through session state"); a choice holds its option.
        if isinstance(value, bool) or not isinstance(value, str | int | float | list | tuple):
            continue
        with contextlib.suppress(Exception):
            st.session_state[key] = value


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
