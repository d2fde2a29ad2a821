"""One way to word a kept message again (core.words.message): its source and values are kept, its words are made
where it is shown. Each kind of message the app keeps in a learner's session is stored in one language and drawn in
another: a refused link value, a file that was not loaded, the note about a link, why a run stopped."""

from __future__ import annotations

import pytest

from core.engine.records import DIVERGED, FAILED, Stopped
from core.runs.links import Refusal, ignored_sentence, read_link
from core.screens.hihello.settings import HiHelloSettings
from core.words.errors import InputError
from core.words.i18n import N_, speaking
from core.words.message import Message, as_said, said, said_plural
from tests.saving.helpers import load_run
from tests.words.korean_text import has_hangul
from ui.i18n import not_a_language
from ui.run_file_views import _note_words


def test_a_message_is_worded_in_the_language_of_the_moment():
    message = said(N_("{what} must be a whole number from {low} to {high} (got {value})."), what=said(N_("The seed")))
    message = said(message.text, what=message.values["what"], low="0", high="9", value="2.5")
    assert message.worded() == "The seed must be a whole number from 0 to 9 (got 2.5)."
    with speaking("ko"):
        korean = message.worded()
    assert has_hangul(korean) and "시드" in korean and "2.5" in korean  # the phrase inside is worded with it
    assert str(message) == message.worded()


def test_plural_context_verbatim_and_the_empty_message():
    many = said_plural("and {count} more value", "and {count} more values", 3)
    assert many.worded() == "and 3 more values"
    assert said_plural("and {count} more value", "and {count} more values", 1).worded() == "and 1 more value"
    assert Message("all", context="batch size").worded() == "all"
    with speaking("ko"):
        assert has_hangul(many.worded()) and "3" in many.worded()
        assert as_said("Stopped {on purpose}.").worded() == "Stopped {on purpose}."  # kept as it is, braces too
        assert Message("").worded() == ""  # never the catalogue's header


def test_an_input_error_keeps_its_message_and_words_it_when_shown():
    error = InputError(N_("not a whole number"))
    assert str(error) == "not a whole number" and error.message == said("not a whole number")
    with speaking("ko"):
        assert has_hangul(str(error))
    # Words already in a language stay as they are (no catalogue source to translate): the older way still reads.
    with speaking("ko"):
        worded = InputError(str(error))
    assert str(worded) == str(InputError(worded.message)) and has_hangul(str(worded))
    with pytest.raises(TypeError):
        InputError(said(N_("not a whole number")), value=3)  # a message's values are its own


def test_a_refused_link_value_stored_in_korean_is_drawn_in_english():
    raw = {"hihello_seed": "2.5", "hihello_hidden_size": "100000", "hihello_cell": "gru2"}
    with speaking("ko"):
        _taken, refused = read_link(HiHelloSettings(), raw, "hihello")
        korean = {r.name: r.reason for r in refused}
    english = {r.name: r.reason for r in refused}
    assert english == {
        "hihello_seed": "not a whole number",
        "hihello_hidden_size": "the hidden size must be a whole number from 1 to 64 (got 100000)",
        "hihello_cell": "unknown cell type 'gru2': choose one of rnn, lstm, gru",
    }
    assert korean == {
        "hihello_seed": "정수가 아님",
        "hihello_hidden_size": "은닉 크기은(는) 1부터 64까지의 정수여야 합니다(입력값: 100000)",
        "hihello_cell": "알 수 없는 셀 종류 'gru2'입니다. rnn, lstm, gru 중에서 고르세요",
    }


def test_the_note_about_a_link_is_worded_where_it_is_drawn():
    refused = [Refusal("lang", "xx", not_a_language()), Refusal("x", "1", N_("not a setting this screen shows"))]
    english = ignored_sentence(refused)
    assert english == (
        "Ignored from the link: lang=xx (not a language of this app: choose one of en, ko); "
        "x=1 (not a setting this screen shows)."
    )
    with speaking("ko"):
        korean = ignored_sentence(refused)
    assert has_hangul(korean) and "lang=xx" in korean and "en, ko" in korean


def test_a_file_refused_on_a_korean_page_is_explained_in_english_after_a_switch():
    with speaking("ko"), pytest.raises(InputError) as refused:
        load_run(b"PK\x03\x04 not a zip", screen="hihello")
    note = ("error", ("lab.rnnlab", refused.value.message), 0)  # what ui.run_file_views keeps in the session
    assert _note_words(note, None).startswith("lab.rnnlab: This file is not an RNN Lab run")
    assert "It is not a readable zip file." in _note_words(note, None)
    with speaking("ko"):
        korean = _note_words(note, None)
    assert korean.startswith("lab.rnnlab: ") and has_hangul(korean)


@pytest.mark.parametrize("cause, rate", [(DIVERGED, 10.0), (FAILED, None)])
def test_why_a_run_stopped_is_worded_where_it_is_shown(cause, rate):
    stopped = Stopped(7, cause, rate)  # what the session and its file keep: a cause, never a sentence
    english = stopped.reason
    assert english.startswith("Training stopped") and not has_hangul(english)
    with speaking("ko"):
        assert has_hangul(stopped.reason)
    assert as_said("Stopped for a reason of its own.").worded() == Stopped(7, "Stopped for a reason of its own.").reason
