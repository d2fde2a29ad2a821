"""Where each screen's idea is written up in the study note the app follows (Week 01-RNN, in Korean)."""

from __future__ import annotations

from urllib.parse import quote

from core.words.i18n import N_, _

NOTE_URL = "https://github.com/HanNayeoniee/NLP-study/blob/main/Week%2001-RNN/README.md"

# key -> (the heading's anchor as GitHub writes it, the heading as the note writes it)
SECTIONS = {
    "what_is_an_rnn": ("rnn이란", "RNN이란?"),
    "simple_rnn": ("간단한-rnn", "간단한 RNN"),
    "tanh": ("rnn의-활성화-함수--tanh", "RNN의 활성화 함수 : tanh"),
    "intuition": ("rnn의-구조를-직관적으로-이해하기", "RNN의 구조를 직관적으로 이해하기"),
    "labs": ("rnn-실습", "RNN 실습"),
    "problems": ("rnn의-문제점", "RNN의 문제점"),
}
SECTION_TOPICS = {  # what the section is about, for a reader of the English page
    "what_is_an_rnn": N_("what an RNN is"),
    "simple_rnn": N_("the simple RNN cell"),
    "tanh": N_("why the activation is tanh"),
    "intuition": N_("the character-level model, one-hot vectors"),
    "labs": N_("the three labs"),
    "problems": N_("long-term dependencies, vanishing gradients, LSTM/GRU"),
}


def section_url(section: str) -> str:
    anchor, _heading = SECTIONS[section]
    return f"{NOTE_URL}#{quote(anchor)}"


def note_link(*sections: str) -> str:
    """One markdown line linking the note's sections a screen follows, headed in the note's own words."""
    links = ", ".join(f"[{SECTIONS[s][1]}]({section_url(s)}) ({_(SECTION_TOPICS[s])})" for s in sections)
    return _("In the study note: {sections}").format(sections=links)
