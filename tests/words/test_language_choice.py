"""The language choice (ui.i18n): ``?lang=`` wins over the sidebar selector, the selector over the browser's locale,
and switching keeps every control's value, on every page, and the run on screen (no retraining)."""

from __future__ import annotations

import textwrap

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP, APP_TIMEOUT, live_run, visit
from tests.words.korean_text import has_hangul

SELECTOR = "language_selector"


def selector(at):
    return at.sidebar.button_group(key=SELECTOR)


def switch(at, language: str):
    selector(at).set_value(language).run()
    assert not at.exception, at.exception
    return at


def home(locale: str | None = None, lang: str | None = None) -> AppTest:
    """The home page (no training) of a fresh session, its browser speaking ``locale``, opened with ``?lang=``."""
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    if locale:
        at.context["locale"] = locale
    if lang:
        at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def spoken(at) -> str:
    assert selector(at).value == at.session_state["language"]  # the selector shows the language the page speaks
    return at.session_state["language"]


def test_the_browser_decides_when_nothing_else_does():
    assert spoken(home()) == "en"
    korean = home(locale="ko-KR")
    assert spoken(korean) == "ko"
    assert korean.query_params["lang"] == "ko"  # a Korean page's link says so: its choices' labels are Korean
    assert spoken(home(locale="de-DE")) == "en"


def test_the_url_wins_over_the_browser_and_over_the_selector():
    assert spoken(home(locale="ko-KR", lang="en")) == "en"
    assert spoken(home(locale="en-US", lang="ko")) == "ko"
    at = switch(home(lang="ko"), "en")  # the selector rewrites the URL: a stale ?lang= never overrules it
    assert spoken(at) == "en" and at.query_params["lang"] == "en"
    at.query_params["lang"] = "ko"  # a link opened in the same session
    at.run()
    assert spoken(at) == "ko"


def test_the_selector_wins_over_the_browser_and_holds_without_the_url():
    at = switch(home(locale="ko-KR"), "en")
    assert spoken(at) == "en"
    del at.query_params["lang"]  # a page switch may drop the parameter: the session remembers the choice
    at.run()
    assert spoken(at) == "en"


# A two-page app whose choice controls are bound to the URL and show translated labels (the speed words are in
# the catalogue) for options that are not their labels: what a screen's readout or batch-size control does.
PAGE = """
import streamlit as st
from core.words.i18n import N_
from ui.i18n import choose_language, language_selector, option_labels
choose_language()
language_selector()
LABELS = {1: N_("slow"), 2: N_("normal"), 3: N_("fast"), 4: N_("full speed")}
shown = option_labels(LABELS)
st.radio("radio", list(LABELS), index=1, format_func=shown, key="{page}_radio", bind="query-params")
st.selectbox("selectbox", list(LABELS), index=1, format_func=shown, key="{page}_selectbox", bind="query-params")
st.multiselect("multiselect", list(LABELS), format_func=shown, key="{page}_multiselect", bind="query-params")
st.select_slider("select_slider", list(LABELS), value=2, format_func=shown, key="{page}_slider", bind="query-params")
st.segmented_control("segmented", list(LABELS), default=2, format_func=shown, key="{page}_segmented",
                     bind="query-params")
st.number_input("number", 0, 10, 1, key="{page}_number", bind="query-params")
st.button("button", key="{page}_button")
"""
ENTRY = """
import streamlit as st
st.navigation([st.Page("a.py", url_path="a"), st.Page("b.py", url_path="b")]).run()
"""


@pytest.fixture
def two_pages(tmp_path):
    (tmp_path / "app.py").write_text(textwrap.dedent(ENTRY))
    for page in "ab":
        (tmp_path / f"{page}.py").write_text(textwrap.dedent(PAGE).replace("{page}", page))
    return AppTest.from_file(str(tmp_path / "app.py"), default_timeout=APP_TIMEOUT).run()


def choose(at, page: str, radio: int, selectbox: int, multiselect: list[int], slider: int, segmented: int) -> None:
    at.radio(key=f"{page}_radio").set_value(radio)
    at.selectbox(key=f"{page}_selectbox").set_value(selectbox)
    at.multiselect(key=f"{page}_multiselect").set_value(multiselect)
    at.select_slider(key=f"{page}_slider").set_value(slider)
    at.button_group(key=f"{page}_segmented").set_value(segmented)
    at.number_input(key=f"{page}_number").set_value(7)
    at.button(key=f"{page}_button").click().run()  # a pressed button on screen: its key holds no choice to keep
    assert not at.exception, at.exception


def chosen(at, page: str) -> tuple:
    return (
        at.radio(key=f"{page}_radio").value,
        at.selectbox(key=f"{page}_selectbox").value,
        at.multiselect(key=f"{page}_multiselect").value,
        at.select_slider(key=f"{page}_slider").value,
        at.button_group(key=f"{page}_segmented").value,
        at.number_input(key=f"{page}_number").value,
    )


def test_switching_keeps_every_choice_on_every_page_and_rewrites_their_labels_in_the_url(two_pages):
    at = two_pages
    choose(at, "a", 3, 1, [1, 4], 4, 3)
    at.switch_page("b.py").run()
    choose(at, "b", 1, 4, [3], 1, 4)
    switch(at, "ko")
    assert chosen(at, "b") == (1, 4, [3], 1, 4, 7)
    # The URL holds the labels a bound choice shows, now the Korean ones (a reload or a link finds them).
    assert at.query_params["b_radio"] == "느리게" and at.query_params["b_selectbox"] == "최고 속도"
    at.run()  # one more rerun, as the browser sends it
    assert chosen(at, "b") == (1, 4, [3], 1, 4, 7)
    at.switch_page("a.py").run()
    assert chosen(at, "a") == (3, 1, [1, 4], 4, 3, 7)
    switch(at, "en")
    assert chosen(at, "a") == (3, 1, [1, 4], 4, 3, 7)
    assert at.query_params["a_radio"] == "fast" and at.query_params["a_multiselect"] == ["slow", "full speed"]


def test_switching_keeps_the_run_paused_or_playing_and_never_retrains():
    at = visit("pages/hihello.py")  # plays its first tick
    key = "hihello"
    at.selectbox(key=f"{key}_speed").set_value("fast").run()
    at.button(key=f"{key}_pause").click().run()
    run = live_run(at, key)
    epoch, losses = run.epoch, list(run.history.losses)
    assert run.mode == "paused" and epoch > 0
    switch(at, "ko")
    assert live_run(at, key) is run and run.mode == "paused"
    assert run.epoch == epoch and run.history.losses == losses  # the same run: no retraining, not a step more
    assert at.selectbox(key=f"{key}_speed").value == "fast"
    assert at.button(key=f"{key}_play").label == "재생"
    assert any(has_hangul(c.value) and f"{epoch:,}" in c.value for c in at.caption)  # the status line
    at.button(key=f"{key}_play").click().run()
    assert run.playing
    switch(at, "en")
    assert live_run(at, key) is run and run.mode in ("playing", "paused")  # paused only if it reached its end
    assert run.epoch >= epoch and run.history.losses[: len(losses)] == losses
    assert at.selectbox(key=f"{key}_speed").value == "fast"
    assert at.button(key=f"{key}_step").label == "Step"


def test_a_download_made_on_the_click_speaks_the_language_of_the_page_that_offered_it():
    """A download button's callable runs later, in a server thread where no language was set."""
    import threading

    from core.words.i18n import _, speaking
    from ui.i18n import in_this_language

    with speaking("ko"):
        later = in_this_language(lambda: _("Seed"))
    made = []
    thread = threading.Thread(target=lambda: made.append((later(), _("Seed"))))  # a thread of its own context
    thread.start()
    thread.join()
    assert made == [("시드", "Seed")]
