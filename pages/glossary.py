"""Glossary: the study note's terms in each language of the app, each with the section of the note that introduces
it. One column per language of ``core.words.i18n.LANGUAGES``: the reader's own first, then the others in the table's
order, each headed by its name in the reader's language."""

from __future__ import annotations

import streamlit as st

from core.words.glossary import TERMS
from core.words.i18n import LANGUAGES, _, current_language, language_name
from core.words.notes import SECTION_TOPICS, SECTIONS, section_url
from ui.common import page_setup, start_page

NOTE_LANGUAGE = "ko"  # the study note (Week 01-RNN) is written in Korean: its headings need no gloss in Korean

start_page()  # before any word: it sets this run's language
page_setup(
    _("Glossary"),
    _(
        "The words this app uses, in every language it speaks. They are the study note's own: where the note keeps "
        "an English word (gradient, gate), the Korean column gives the usual textbook term."
    ),
)

reader = current_language()
languages = [reader, *(language for language in LANGUAGES if language != reader)]
headers = {language: language_name(language) for language in languages}
section, link = _("Section of the note"), _("Link")


def section_name(key: str) -> str:
    """The note's own heading (it is in Korean); a reader of another language also gets what it is about."""
    heading = SECTIONS[key][1]
    return heading if reader == NOTE_LANGUAGE else f"{heading} ({_(SECTION_TOPICS[key])})"


# In the note's order, section by section; the training words the note does not cover get a table of their own.
order = {key: position for position, key in enumerate(SECTIONS)}
in_the_note = sorted((t for t in TERMS if t.section), key=lambda term: order[term.section])
training_words = [t for t in TERMS if not t.section]


def term_table(terms, with_section: bool) -> None:
    rows = [
        {headers[language]: t.word(language) or "" for language in languages}
        | ({section: section_name(t.section), link: section_url(t.section)} if with_section else {})
        for t in terms
    ]
    words = [headers[language] for language in languages]
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        height="content",  # every term at once: the page scrolls, not a small box inside it
        column_order=(*words, section, link) if with_section else tuple(words),
        column_config={
            **{
                header: st.column_config.TextColumn(header, width="medium", pinned=position == 0)
                for position, header in enumerate(words)
            },
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
