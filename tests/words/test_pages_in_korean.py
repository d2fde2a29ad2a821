"""Every page in Korean and in English: it runs, and a Korean page reads as Korean.

"Reads as Korean" is counted: of the letters in the page's visible text (titles, headers, markdown, captions,
messages), once formulas, code, links and the names that stay as they are (RNN, LSTM, GRU, PyTorch, CSV) are
taken out, most are Hangul. The learner's own data (the word "hihello", a column name) is Latin and stays.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.screens.registry import screens
from core.words.i18n import LANGUAGES, speaking
from tests.conftest import APP, APP_TIMEOUT
from tests.words.korean_text import hangul_share, page_words

GLOSSARY = "pages/glossary.py"  # a page of the app, no screen
LESSONS = "pages/lessons.py"  # a page of the app, no screen: it asks before it trains
PAGES = [None, LESSONS, *(entry.page for entry in screens()), GLOSSARY]  # None: the home page
# No training on the first visit:
CHEAP = {None, LESSONS, GLOSSARY, *(entry.page for entry in screens() if not entry.trains)}
KOREAN_SHARE = 0.8  # of the letters left: a page with a stray English paragraph falls well below
DATA = ("hihello", "ihello")  # the learner's own word, Latin in every language


def open_in(language: str, page: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params["lang"] = language
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


def _marks(page: str | None):
    return () if page in CHEAP else (pytest.mark.slow,)


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("page", [pytest.param(p, marks=_marks(p), id=p or "home") for p in PAGES])
def test_every_page_runs_in_both_languages(page: str | None, language: str) -> None:
    at = open_in(language, page)
    assert not at.exception, at.exception
    assert at.title, "the page drew its title"
    words = page_words(at)
    share, shown = hangul_share(*words, kept=DATA), "\n".join(words)
    if language == "ko":
        assert share > KOREAN_SHARE, f"{share:.0%} of the letters are Hangul:\n{shown[:3000]}"
    else:
        assert share < 0.05, f"an English page with {share:.0%} Hangul"


def test_the_count_ignores_formulas_names_and_links() -> None:
    assert hangul_share("은닉 상태 $h_t = \\tanh(W x)$ 와 RNN, LSTM [노트](https://example.com/a-b)") == 1.0
    assert hangul_share("The hidden state 은닉 상태") < 0.5


def test_the_selector_offers_every_language_by_its_own_name() -> None:
    at = open_in("ko", None)
    selector = at.sidebar.button_group(key="language_selector")
    assert selector.value == "ko"
    assert selector.options == list(LANGUAGES.values())
    assert selector.proto.label == "Language · 언어"  # the word in every language, for whoever cannot read the page


def test_the_generic_error_has_both_forms() -> None:
    from core.words.i18n import _
    from ui.common import GENERIC_ERROR

    with speaking("ko"):
        korean = _(GENERIC_ERROR)
    assert korean != GENERIC_ERROR and hangul_share(korean) > KOREAN_SHARE
