"""Glossary: the study note's terms, Korean ↔ English, each with the section of the note that introduces it."""

from __future__ import annotations

import streamlit as st

from core.glossary import TERMS
from core.i18n import _, current_language
from core.notes import SECTION_TOPICS, SECTIONS, section_url
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


def section_name(key: str | None) -> str:
    """The note's own heading (it is in Korean); a reader of the English page also gets what it is about."""
    if key is None:
        return _("not in the note (training words)")
    heading = SECTIONS[key][1]
    return heading if in_korean else f"{heading} ({_(SECTION_TOPICS[key])})"


# In the note's order, section by section; the training words the note does not cover come last.
order = {key: position for position, key in enumerate(SECTIONS)}
terms = sorted(TERMS, key=lambda term: order.get(term.section, len(order)))
rows = [
    {
        korean: term.korean,
        english: term.english,
        section: section_name(term.section),
        link: section_url(term.section) if term.section else None,
    }
    for term in terms
]
st.dataframe(
    rows,
    hide_index=True,
    width="stretch",
    height="content",  # every term at once: the page scrolls, not a small box inside it
    column_order=(korean, english, section, link) if in_korean else (english, korean, section, link),
    column_config={
        korean: st.column_config.TextColumn(korean, width="medium", pinned=True if in_korean else None),
        english: st.column_config.TextColumn(english, width="medium", pinned=None if in_korean else True),
        section: st.column_config.TextColumn(section, width="large"),
        link: st.column_config.LinkColumn(
            link,
            width="small",
            display_text=_("open the note"),
            help=_("The section of the study note (Week 01-RNN) that introduces the term"),
        ),
    },
)
st.caption(_("Each screen links the sections of the note it follows, under its introduction."))
