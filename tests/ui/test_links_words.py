"""Links, presets and saved runs on a page, across languages (AppTest, HiHello: the cheapest screen that has them).

A link made on a Korean page carries Korean labels and ``lang=ko``; opened in English (``lang=en``) it is the same
setup, and back. A preset keeps ``lang``. A saved run loads on a Korean page, and the note about it is reworded
when the language is switched, with the same run on screen.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from core.saving.file import save_run
from core.screens.hihello.settings import HiHelloSettings
from tests.conftest import APP, APP_TIMEOUT, live_run, setting
from tests.saving.helpers import build_sessions
from tests.words.korean_text import mostly_hangul

PAGE, KEY = "pages/hihello.py", "hihello"


def opened(query: dict[str, str]):
    """A fresh session opened at HiHello with ``query`` (its first tick played; no need to train further)."""
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params.update(query)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    at.button(key=f"{KEY}_pause").click().run()
    return at


def link_query(at) -> dict[str, str]:
    link = next(c.value for c in at.sidebar.get("code"))
    return dict(parse_qsl(urlsplit(link).query))


def notes(at) -> list[str]:
    """The note about ignored values, as a learner reads it (the link's text is escaped, ``markdown_literal``)."""
    return [re.sub(r"\\(.)", r"\1", i.value) for i in at.info if i.value.startswith(NOTE_STARTS)]


NOTE_STARTS = ("Ignored from the link", "링크에서 받지 않은 값")


@pytest.mark.parametrize("made_in, opened_in", [("ko", "en"), ("en", "ko")])
def test_a_link_made_in_one_language_opens_the_same_setup_in_the_other(made_in, opened_in):
    at = opened({"lang": made_in})
    setting(at, KEY, "readout").set_value("linear")
    setting(at, KEY, "seed").set_value(5.0)
    setting(at, KEY, "cell").set_value("gru")
    at.run()
    shown = at.radio(key=f"{KEY}_readout")
    made = link_query(at)
    assert made["lang"] == made_in  # the link opens in the language it was made in
    assert made["hihello_readout"] == shown.options[shown.index]  # as the page showed it (and Streamlit writes it)
    other = opened({**made, "lang": opened_in})
    assert not notes(other), notes(other)
    assert setting(other, KEY, "readout").value == "linear" and setting(other, KEY, "seed").value == 5.0
    assert setting(other, KEY, "cell").value == "gru"
    again = link_query(other)
    assert again["lang"] == opened_in and again["hihello_seed"] == "5" and again["hihello_cell"] == "GRU"
    readout = other.radio(key=f"{KEY}_readout")
    assert again["hihello_readout"] == readout.options[readout.index]  # rewritten in the language it is opened in


def test_a_korean_page_speaks_korean_in_the_link_the_presets_and_the_save_section_and_a_preset_keeps_lang():
    at = opened({"lang": "ko"})
    sidebar = [m.value for m in at.sidebar.get("markdown")]
    assert "**이 설정의 링크**" in sidebar and any(m.startswith("**수업용 설정**") for m in sidebar)
    buttons = [b.label for b in at.sidebar.button if b.key and b.key.startswith(f"{KEY}_preset_")]
    assert buttons and all(mostly_hangul(label) for label in buttons)
    assert any(mostly_hangul(c.value) for c in at.sidebar.caption if "시드" in c.value)
    assert "이 실행 저장하기 또는 불러오기" in [e.label for e in at.expander]
    assert "이 실행의 PyTorch 코드" in [e.label for e in at.expander]
    at.button(key=f"{KEY}_preset_stuck").click().run()
    assert not at.exception, at.exception
    assert at.query_params.get("lang") == "ko" and at.query_params.get("hihello_seed") == "0"
    assert link_query(at) == {"hihello_seed": "0", "lang": "ko"}
    loaded = [m.value for m in at.sidebar.get("markdown") if ":material/school:" in m.value]
    assert loaded and "시드 0" in loaded[0] and mostly_hangul(loaded[0])


def test_a_forged_link_is_noted_in_korean_and_the_note_is_reworded_after_a_switch():
    at = opened({"lang": "ko", "hihello_seed": "abc"})
    (note,) = notes(at)
    assert note.startswith("링크에서 받지 않은 값") and "숫자가 아님" in note
    at.sidebar.button_group(key="language_selector").set_value("en").run()
    assert not at.exception, at.exception
    assert notes(at) == ["Ignored from the link: hihello_seed=abc (not a number)."]


def saved_run(epochs: int) -> bytes:
    settings = HiHelloSettings()
    sessions, logs = build_sessions(settings)
    sessions["model"].advance(epochs=epochs)
    return save_run(settings, sessions, logs)


def test_a_run_loaded_on_a_korean_page_says_so_in_korean_and_keeps_the_run_when_the_language_changes():
    at = opened({"lang": "ko"})
    upload = at.file_uploader(key=f"{KEY}_run_upload")
    upload.set_value(("early.rnnlab", saved_run(3), "application/zip")).run()
    assert not at.exception, at.exception
    run = live_run(at, KEY)
    assert run.epoch == 3 and run.mode == "paused"
    (success,) = [s.value for s in at.success if s.value.startswith("early.rnnlab")]
    assert "에포크 3/100" in success and mostly_hangul(success)
    losses = list(run.history.losses)
    at.sidebar.button_group(key="language_selector").set_value("en").run()
    assert not at.exception, at.exception
    assert live_run(at, KEY) is run and run.epoch == 3 and list(run.history.losses) == losses  # no retraining
    assert any(s.value.startswith("Loaded early.rnnlab: epoch 3 of 100.") for s in at.success)


def test_a_refused_file_is_explained_in_korean_then_in_english_after_a_switch():
    at = opened({"lang": "ko"})
    run = live_run(at, KEY)
    at.file_uploader(key=f"{KEY}_run_upload").set_value(("broken.rnnlab", b"PK\x03\x04 nope", "application/zip")).run()
    assert not at.exception, at.exception
    (error,) = [e.value for e in at.error if e.value.startswith("broken.rnnlab")]
    assert "RNN Lab 실행이 아닙니다" in error and "zip 파일이 아닙니다" in error
    at.sidebar.button_group(key="language_selector").set_value("en").run()
    assert not at.exception, at.exception
    (error,) = [e.value for e in at.error if e.value.startswith("broken.rnnlab")]
    assert "This file is not an RNN Lab run" in error and "not a readable zip file" in error
    assert live_run(at, KEY) is run


@pytest.mark.parametrize("lang", ["xx", "<b>ko</b>", "ko&lang=en", "x" * 100_000])
def test_a_language_the_app_does_not_speak_is_named_in_the_note_in_both_languages(lang):
    """Issue 24: an invalid ``lang`` was dropped without a word; it is named like every other ignored value."""
    at = opened({"lang": lang, "hihello_seed": "abc"})
    (note,) = notes(at)
    shown = lang if len(lang) <= 40 else lang[:39] + "…"
    assert f"lang={shown} (not a language of this app: choose one of en, ko)" in note, note
    assert "hihello_seed=abc (not a number)" in note and len(note) < 300
    assert "<b>" not in at.info[0].value  # markup stays text
    assert "lang" not in at.query_params and "lang" not in link_query(at)  # English, as no language was chosen
    assert live_run(at, KEY).settings == HiHelloSettings() and not at.error  # the run goes on, with the defaults
    at.sidebar.button_group(key="language_selector").set_value("ko").run()
    assert not at.exception, at.exception
    (korean,) = notes(at)
    assert korean.startswith("링크에서 받지 않은 값") and f"lang={shown} (이 앱이 지원하는 언어가 아님: " in korean
    assert at.query_params.get("lang") == "ko"


def test_a_korean_session_keeps_korean_when_a_link_names_an_unknown_language():
    at = opened({"lang": "ko"})
    at.query_params["lang"] = "xx"  # the learner edits the address: the session's language stays
    at.run()
    assert not at.exception, at.exception
    assert at.query_params.get("lang") == "ko" and link_query(at)["lang"] == "ko"
    at.switch_page("pages/long_sequences.py").run()  # the next screen whose link is read names it
    assert not at.exception, at.exception
    (note,) = [plain for plain in notes(at) if "lang=xx" in plain]
    assert note.startswith("링크에서 받지 않은 값")


def test_a_lesson_link_names_the_settings_it_fixes_by_their_labels_in_korean_and_after_a_switch():
    """Issue 22: the sidebar named the fixed settings by the URL's names ("cell, seed"); it names them as the page
    labels its controls, in the page's language, and says in it why presets are left out."""
    at = opened({"lang": "ko", "hihello_cell": "gru", "hihello_seed": "3", "hide": "seed,cell"})
    captions = [c.value for c in at.sidebar.caption]
    assert "이 수업 링크가 고정한 설정: 셀 종류, 시드 (해당 컨트롤은 숨겨져 있습니다)." in captions, captions
    (left_out,) = [c for c in captions if "수업용 설정" in c]
    assert "5개" in left_out and mostly_hangul(left_out)
    assert not [b for b in at.sidebar.button if b.key and b.key.startswith(f"{KEY}_preset_")]
    at.sidebar.button_group(key="language_selector").set_value("en").run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.sidebar.caption]
    assert "This lesson's link fixes: the cell type, the seed (those controls are hidden)." in captions, captions
    assert "This lesson's link leaves out 5 teaching setups: they would change settings the link fixes." in captions
