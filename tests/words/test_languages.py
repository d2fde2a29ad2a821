"""A language is one entry of ``core.words.i18n.LANGUAGES``: a toy one added there (and nowhere else) is offered by
the selector, accepted as a link's ``lang``, spoken from its catalogue (English where it has none yet), listed for
``make i18n`` and ``scripts.translations``, and given its column in the glossary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import core.words.i18n as i18n
import scripts.translations as translations
from core.words.glossary import TERMS
from core.words.i18n import LANGUAGES, _, language_code, language_name, speaking, translated_languages
from tests.conftest import APP, APP_TIMEOUT, ROOT

GLOSSARY = "pages/glossary.py"
ESPERANTO_PO = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "Glossary"
msgstr "Glosaro"

msgid "Language"
msgstr "Lingvo"

msgid "Link"
msgstr ""
"""
RNN_IN_ESPERANTO = "rekurenta neŭrala reto"


@pytest.fixture
def fresh_catalogues():
    """The compiled catalogues are cached per language: a toy language's must not outlive its test."""
    i18n.translations.cache_clear()
    yield
    i18n.translations.cache_clear()


@pytest.fixture
def esperanto(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_catalogues) -> Path:
    """Esperanto, added the way a translator adds a language: its entry in LANGUAGES, its catalogue (a tiny one in
    tmp_path, "Link" not translated yet) and its word for a glossary term."""
    po = tmp_path / "eo" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(ESPERANTO_PO, encoding="utf-8")
    real_path = i18n.catalogue_path
    monkeypatch.setattr(i18n, "catalogue_path", lambda language: po if language == "eo" else real_path(language))
    monkeypatch.setattr(translations, "catalogue_path", i18n.catalogue_path)
    monkeypatch.setitem(LANGUAGES, "eo", "Esperanto")
    monkeypatch.setitem(TERMS[0].words, "eo", RNN_IN_ESPERANTO)
    return po


def opened(language: str, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params["lang"] = language
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def selector(at: AppTest):
    return at.sidebar.button_group(key="language_selector")


def test_a_language_added_to_the_table_is_offered_linked_and_spoken(esperanto) -> None:
    assert language_code("eo-UY") == "eo" and translated_languages() == ["ko", "eo"]
    with speaking("eo"):
        assert _("Glossary") == "Glosaro" and _("Link") == "Link"  # an untranslated message stays English
    at = opened("eo")
    assert selector(at).options == ["English", "한국어", "Esperanto"]  # each by its own name, in the table's order
    assert selector(at).value == "eo" and at.query_params["lang"] == "eo"
    assert selector(at).proto.label == "Language · 언어 · Lingvo"

    at = opened("en")
    selector(at).set_value("eo").run()  # the selector switches to it and writes it into the link
    assert not at.exception, at.exception
    assert at.query_params["lang"] == "eo" and selector(at).value == "eo"
    at.switch_page(GLOSSARY).run()
    assert at.title[0].value == "Glosaro"


@pytest.mark.parametrize(
    ("reader", "words"),
    [
        ("en", ["English", "Korean", "Esperanto"]),
        ("ko", ["한국어", "영어", "에스페란토어"]),
        ("eo", ["Esperanto", "angla", "korea"]),  # CLDR's names, through Babel: no catalogue entry needed
    ],
)
def test_the_glossary_gives_an_added_language_its_column(esperanto, reader, words) -> None:
    at = opened(reader, GLOSSARY)
    note_terms, training_words = at.dataframe
    assert list(note_terms.proto.column_order)[:3] == words  # the reader's language first, then the table's order
    assert list(training_words.proto.column_order) == words
    esperanto_column = words[0] if reader == "eo" else words[2]
    assert list(note_terms.value[esperanto_column]).count(RNN_IN_ESPERANTO) == 1
    assert set(training_words.value[esperanto_column]) == {""}  # no word yet: an empty cell, not another language's


def test_a_language_without_a_catalogue_speaks_english(monkeypatch: pytest.MonkeyPatch, fresh_catalogues) -> None:
    monkeypatch.setitem(LANGUAGES, "xx", "Xxish")  # a code CLDR does not know, and no catalogue
    assert not i18n.catalogue_path("xx").exists()
    with speaking("xx"):
        assert _("Glossary") == "Glossary" and language_name("ko") == "한국어"  # CLDR has no "xx": own names
    at = opened("xx", GLOSSARY)
    assert at.title[0].value == "Glossary" and "Xxish" in selector(at).options
    assert list(at.dataframe[1].proto.column_order) == ["Xxish", "English", "한국어"]
    assert selector(at).proto.label == "Language · 언어"  # no word of its own yet: nothing added


def test_the_translation_tools_take_the_language(esperanto: Path, tmp_path: Path) -> None:
    assert translations.todo([], language="eo") == {"Link": ""}
    mapping = tmp_path / "eo.json"
    mapping.write_text(json.dumps({"Link": "Ligilo", "Not a message": "x"}), encoding="utf-8")
    assert translations.fill(json.loads(mapping.read_text(encoding="utf-8")), language="eo") == ["Not a message"]
    assert translations.todo([], language="eo") == {}
    assert "Ligilo" in esperanto.read_text(encoding="utf-8")
    assert translations.DEFAULT_LANGUAGE == "ko"


def test_make_i18n_takes_its_languages_from_the_table() -> None:
    """The Makefile names no language: it updates the catalogue of each that ``python -m core.words.i18n`` lists."""
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\ni18n:")[1].split("\n\n")[0]
    assert "-m core.words.i18n" in recipe and "-l $$language" in recipe
    assert not any(f"-l {code}" in recipe for code in LANGUAGES)
