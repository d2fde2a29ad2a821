"""What every page does the same way: show errors, draw a chart with its caption, set up torch."""

from __future__ import annotations

import logging
import string
from collections.abc import Iterator
from contextlib import contextmanager

import plotly.graph_objects as go
import streamlit as st

from core.engine.runtime import use_one_thread
from core.words.errors import InputError
from core.words.i18n import N_, _
from ui.i18n import choose_language, language_selector

log = logging.getLogger("rnnlab")

GENERIC_ERROR = N_(
    "Something unexpected went wrong while computing this. The details went to the server log; "
    "try other settings, or reload the page."
)


def markdown_literal(message: str) -> str:
    """A sentence that may quote a user's column, file or word, made safe for st.error / st.markdown.

    Every ASCII punctuation character is backslash-escaped (CommonMark allows it), so a name like
    ``**x**``, ``<b>x</b>``, ``$x$`` or ``:red[x]`` shows as typed instead of being formatted.
    """
    text = " ".join(str(message).split())
    return "".join("\\" + c if c in string.punctuation else c for c in text)


@contextmanager
def learner_errors() -> Iterator[None]:
    """Turn an InputError into its message and anything else into a short generic one.

    The page keeps running after the block, so the rest of the screen stays usable.
    """
    try:
        yield
    except InputError as error:
        st.error(markdown_literal(str(error)))
    except Exception:  # the learner gets a sentence, the log gets the traceback
        log.exception("unexpected error on a page")
        st.error(_(GENERIC_ERROR))


def chart(fig: go.Figure, caption: str, key: str | None = None) -> None:
    """A plotly chart across the page, with the one-line caption of what to notice."""
    st.plotly_chart(fig, width="stretch", key=key)
    st.caption(caption)


def run_inside_navigation() -> None:
    """Make a deep link (/hihello on a fresh server) run through streamlit_app.py's navigation.

    Streamlit decides once per process whether a folder named pages/ means the old multipage mode;
    until the entry point has called st.navigation, a deep link runs the page file alone, without
    the app's menu and layout. Flip that decision and rerun: the rerun goes through the entry point.
    """
    from streamlit.runtime.pages_manager import PagesManager

    # Once per session: AppTest resets the flag before every run, and a rerun there would swallow
    # the button click that started the run.
    if PagesManager.uses_pages_directory and not st.session_state.get("_navigation_rerun_done"):
        st.session_state["_navigation_rerun_done"] = True
        PagesManager.uses_pages_directory = False
        st.rerun()


def start_page() -> None:
    """The first call of every page, before any word is drawn: the navigation, torch's one-thread setting, this
    run's language (every ``_()`` after this speaks it) and the language selector at the top of the sidebar."""
    run_inside_navigation()
    use_one_thread()
    choose_language()
    language_selector()


def page_setup(title: str, intro: str) -> None:
    """Title and one-paragraph introduction."""
    st.title(title)
    st.markdown(intro)
