"""Glossary: the study note's terms, Korean ↔ English, each with the section of the note that introduces it."""

from __future__ import annotations

import streamlit as st

from core.words.glossary import TERMS
from core.words.i18n import _, current_language
from core.words.notes import SECTION_TOPICS, SECTIONS, section_url
from ui.common import page_setup, start_page

start_page()  # before any word: it sets this run's language
page_setup(
    _("Glossary"),
    _(
        "The words this app uses, in Korean and in English. They are the study note's own: where the note keeps "
        "an English word (gradient, gate), the Korean column gives the usual textbook term."
    ),
)

korean, english, section, link = _("Korean"), _("English"), _("Section of the note"), _("Link")
in_korean = current_language() == "ko"


def section_name(key: str) -> str:
    """The note's own heading (it is in Korean); a reader of the English page also gets what it is about."""
    heading = SECTIONS[key][1]
    return heading if in_korean else f"{heading} ({_(SECTION_TOPICS[key])})"


# In the note's order, section by section; the training words the note does not cover get a table of their own.
order = {key: position for position, key in enumerate(SECTIONS)}
in_the_note = sorted((t for t in TERMS if t.section), key=lambda term: order[term.section])
training_words = [t for t in TERMS if not t.section]
first, second = (korean, english) if in_korean else (english, korean)


def term_table(terms, with_section: bool) -> None:
    rows = [
        {korean: t.korean, english: t.english}
        | ({section: section_name(t.section), link: section_url(t.section)} if with_section else {})
        for t in terms
    ]
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        height="content",  # every term at once: the page scrolls, not a small box inside it
        column_order=(first, second, section, link) if with_section else (first, second),
        column_config={
            first: st.column_config.TextColumn(first, width="medium", pinned=True),
            second: st.column_config.TextColumn(second, width="medium"),
            section: st.column_config.TextColumn(section, width="large"),
            link: st.column_config.LinkColumn(
                link,
                width="small",
                display_text=_("open the note"),
                help=_("The section of the study note (Week 01-RNN) that introduces the term"),
            ),
        },
    )


st.subheader(_("The note's terms"))
term_table(in_the_note, with_section=True)
st.caption(_("Each screen links the sections of the note it follows, under its introduction."))
st.subheader(_("Training words the note does not cover"))
term_table(training_words, with_section=False)
