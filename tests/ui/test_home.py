"""The home page: the frame (navigation) and the introduction."""

from streamlit.testing.v1 import AppTest

from core.screens.registry import screens
from tests.conftest import APP, APP_TIMEOUT
from tests.words.korean_text import hangul_share, has_hangul, page_words


def test_home_runs_and_introduces_the_rnn():
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "RNN Lab"
    assert any("W_{hh}" in latex.value for latex in at.latex)
    text = " ".join(m.value for m in at.markdown)
    assert "hidden state" in text and "vanishes" in text
    assert "Start with the **Lessons**" in text and "from **Basics** on" in text  # where to begin: the note's order


def test_every_screen_opens_without_exception():
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT).run()
    for page in [entry.page for entry in screens() if entry.key != "hihello"]:  # HiHello: test_page_hihello.py
        at.switch_page(page).run()
        assert not at.exception, page
        assert at.title, page


def test_home_speaks_korean():
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params["lang"] = "ko"
    at.run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["순환 신경망이란?", "화면 안내"]
    assert hangul_share(*page_words(at)) > 0.6
    text = " ".join(m.value for m in at.markdown)
    assert "은닉 상태" in text and "기울기 소실" in text
    labels = [link.label for link in at.get("page_link")]
    # The lessons first, then the screens, then the glossary.
    assert len(labels) == len(screens()) + 2 and all(has_hangul(label) for label in labels)
    assert labels[0].startswith("**수업**") and labels[1].startswith("**기초**")
