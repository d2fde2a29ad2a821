"""The Glossary page: it runs in both languages, shows every term in a column per language, and every section link
points into the note. (A language added to the table gets its column: tests/words/test_languages.py.)"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from core.words.glossary import TERMS
from core.words.notes import NOTE_URL, SECTIONS, section_url
from tests.conftest import APP, APP_TIMEOUT
from tests.words.korean_text import hangul_share, page_words

PAGE = "pages/glossary.py"
# The headings of the study note (Week 01-RNN/README.md), as it writes them; GitHub anchors them by slug.
NOTE_HEADINGS = [
    "RNN이란?",
    "간단한 RNN",
    "RNN의 활성화 함수 : tanh",
    "RNN의 구조를 직관적으로 이해하기",
    "RNN 실습",
    "RNN의 문제점",
    "참고한 링크",
]


def github_anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped (letters of any script kept), spaces → '-'."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def open_glossary(language: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params["lang"] = language
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    ("language", "title", "columns"),
    [
        ("en", "Glossary", ["English", "Korean", "Section of the note", "Link"]),
        ("ko", "용어집", ["한국어", "영어", "노트의 절", "링크"]),
    ],
)
def test_the_glossary_runs_in_both_languages(language, title, columns):
    at = open_glossary(language)
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == title
    note_terms, training_words = at.dataframe
    assert list(note_terms.proto.column_order) == columns  # the reader's own language first
    assert list(training_words.proto.column_order) == columns[:2]  # no section, no link: the note does not cover them
    shown = note_terms.value
    assert len(shown) + len(training_words.value) == len(TERMS)
    korean_column = columns[1] if language == "en" else columns[0]
    korean_words = set(shown[korean_column]) | set(training_words.value[korean_column])
    assert korean_words == {term.word("ko") for term in TERMS}
    if language == "ko":
        assert hangul_share(*page_words(at)) > 0.6
        assert set(shown["노트의 절"]) <= {SECTIONS[key][1] for key in SECTIONS}
    else:
        assert hangul_share(*page_words(at)) == 0.0
        # The note's headings are Korean; the English page says what each section is about beside it.
        assert "RNN이란? (what an RNN is)" in set(shown["Section of the note"])


def test_every_glossary_section_link_points_into_the_note():
    anchors = {github_anchor(heading) for heading in NOTE_HEADINGS}
    for key, (anchor, heading) in SECTIONS.items():
        assert heading in NOTE_HEADINGS, key
        assert github_anchor(heading) == anchor, key
        url = urlsplit(section_url(key))
        assert url._replace(fragment="").geturl() == NOTE_URL and unquote(url.fragment) in anchors, key
    assert all(term.section is None or term.section in SECTIONS for term in TERMS)

    at = open_glossary("en")
    shown = at.dataframe[0].value
    links = dict(zip(shown["English"], shown["Link"], strict=True))
    for term in TERMS:
        if term.section is None:  # a training word the note does not cover: in the second table, without a link
            assert term.english not in links and term.english in set(at.dataframe[1].value["English"])
        else:
            assert links[term.english] == section_url(term.section), term.english
