"""Which language a page speaks, and the selector that changes it.

The order: ``?lang=ko`` / ``?lang=en`` (any code of ``core.words.i18n.LANGUAGES``) in the URL wins; then the
learner's choice in the selector (kept in the session, so it holds on every page); then the browser's language
(``st.context.locale``, Korean for ``ko*``); then English. A language other than English is always written into the
URL as ``lang`` (and the selector writes the new one), so a link or a reload keeps it and a stale ``?lang=`` never
overrules the learner; and because a choice control bound to the URL writes its *label* there ("?hihello_cell=..."),
a Korean link must say that its labels are Korean. (A link without ``lang`` holds English labels; opened by a Korean
browser, a choice whose English label is not found falls back to its default.) A ``lang`` that names no language
this app speaks is taken out of the URL and kept as a refused value (``LINK_NOTES_KEY``): the first screen that
reads its link names it in its note about ignored values, like any other.

Switching never retrains: the run lives in the session and only words change. One Streamlit detail needs care:
a choice control bound to the URL keeps its value as its *label*, which is in the old language after a switch
and would not be found among the new labels (the control would fall back to its default). So the switch first
re-stores every control's value as its option, while the old labels are still registered.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import streamlit as st

from core.runs.links import Refusal
from core.words.i18n import (
    LANGUAGES,
    N_,
    SOURCE_LANGUAGE,
    _,
    current_language,
    language_code,
    set_language,
    speaking,
)
from core.words.message import Message, said

LANGUAGE_KEY = "language"  # the session's language, a plain session value: it survives every page switch
SELECTOR_KEY = "language_selector"
URL_PARAM = "lang"
# Refused values of a parameter every page reads (lang), for the note of the next screen that reads its link.
LINK_NOTES_KEY = "link_notes_shared"
T = TypeVar("T")


def browser_language() -> str | None:
    try:
        return language_code(st.context.locale)
    except Exception:  # no browser behind this run (a bare script run): the next rule decides
        return None


def choose_language() -> str:
    """Decide this run's language, remember it for the session, and make ``_()`` speak it."""
    asked = st.query_params.get(URL_PARAM)
    from_url = language_code(asked)
    if asked is not None and from_url is None:
        _refuse_language(asked)
    language = from_url or st.session_state.get(LANGUAGE_KEY) or browser_language() or SOURCE_LANGUAGE
    st.session_state[LANGUAGE_KEY] = language
    if from_url is None and language != SOURCE_LANGUAGE:
        # A URL in another language than English says so: a bound choice control writes its *label* into the
        # URL, so a Korean link is read in Korean whatever the browser of whoever opens it prefers.
        st.query_params[URL_PARAM] = language
    set_language(language)
    return language


def _refuse_language(asked: str) -> None:
    """A ``lang`` that names no language here: out of the URL (a non-English choice then writes its own), and into
    the refused values the next screen notes (its first 100 characters: the note shows fewer)."""
    st.query_params.pop(URL_PARAM, None)
    st.session_state.setdefault(LINK_NOTES_KEY, []).append(Refusal(URL_PARAM, asked[:100], not_a_language()))


def not_a_language() -> Message:
    return said(N_("not a language of this app: choose one of {languages}"), languages=", ".join(LANGUAGES))


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
    """Every choice control's current value re-stored as a value, not as its label in the language being left.

    Only values a choice can hold are re-stored. A button's or a download button's key holds a bool, an uploader's
    its files (or None): those widgets refuse a value set through the session (Streamlit raises when the widget
    is next drawn, not at the assignment, so a ``try`` here would not catch it), and a checkbox's bool has no
    label to lose."""
    for key in list(st.session_state.keys()):
        if key in (SELECTOR_KEY, LANGUAGE_KEY) or key.startswith("_"):
            continue
        with contextlib.suppress(Exception):  # a key whose value cannot be read back (a widget not drawn any more)
            value = st.session_state[key]
            # Buttons (a bool) and uploaders (files or None) hold no choice to keep, and setting one fails later, when
            # the widget is drawn ("cannot be assigned through session state"); a choice holds its option.
            if (
                isinstance(value, bool)
                or not isinstance(value, str | int | float | list | tuple)
                or _holds_files(value)
            ):
                continue
            st.session_state[key] = value


def _holds_files(value: object) -> bool:
    from streamlit.runtime.uploaded_file_manager import UploadedFile

    values = value if isinstance(value, (list, tuple)) else [value]
    return any(isinstance(item, UploadedFile) for item in values)


def option_labels(labels: Mapping[Any, str] | Callable[[Any], str]) -> Callable[[Any], str]:
    """A choice control's ``format_func`` that speaks this run's language wherever it is called: a table of
    ``N_()`` labels (translated with ``_()``) or a function that calls ``_()`` itself.

    The language lives in the script run's context; AppTest formats a control's options again in the test's own
    thread, where none was set, and a control whose labels came out English there would not find its Korean
    option ("'fast' is not in list")."""
    language = current_language()

    def label(option: Any) -> str:
        with speaking(language):
            return _(labels[option]) if isinstance(labels, Mapping) else labels(option)

    return label


def selector_label() -> str:
    """The word "Language" in every language of the app ("Language · 언어"), so whoever cannot read the page's
    language still finds the control; a language whose catalogue does not say it yet adds nothing."""
    words = []
    for language in LANGUAGES:
        with speaking(language):
            words.append(_("Language"))
    return " · ".join(dict.fromkeys(words))


def language_selector() -> None:
    """The sidebar's language control, at the top of every page: every language of ``LANGUAGES``, by its own
    name."""
    language = st.session_state.get(LANGUAGE_KEY, SOURCE_LANGUAGE)
    st.session_state[SELECTOR_KEY] = language
    st.sidebar.segmented_control(
        selector_label(),
        list(LANGUAGES),
        format_func=LANGUAGES.get,
        key=SELECTOR_KEY,
        on_change=_switch,
        help=_("Switching the language keeps your run and your settings: only the words change."),
    )


def in_this_language(make: Callable[[], T]) -> Callable[[], T]:
    """``make`` to be called later in the language of now: a download button's callable data runs on the click,
    in a server thread that speaks no language (every ``_()`` there would be English)."""
    language = current_language()

    def made() -> T:
        with speaking(language):
            return make()

    return made
