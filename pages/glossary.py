"""Glossary: the study note's terms, Korean ↔ English, each with the section of the note that introduces it."""

from __future__ import annotations

import streamlit as st

from core.glossary import TERMS
from core.i18n import _
from core.notes import SECTIONS, section_url
from ui.common import page_setup, start_page

start_page()  # before any word: it sets this run's language
page_setup(
    _("Glossary"),
    _(
        "The words this app uses, in Korean and in English. They are the study note's own: where the note keeps "
        "an English word (gradient, gate), the Korean column gives the usual textbook term."
    ),
)
rows = [
    {
        _("Korean"): term.korean,
        _("English"): term.english,
        _("Section of the note"): SECTIONS[term.section][1] if term.section else "",
        _("Link"): section_url(term.section) if term.section else None,
    }
    for term in TERMS
]
st.dataframe(
    rows,
    hide_index=True,
    width="stretch",
    column_config={
        _("Link"): st.column_config.LinkColumn(
            _("Link"),
            display_text=_("open the note"),
            help=_("The section of the study note (Week 01-RNN) that introduces the term"),
        )
    },
)
st.caption(_("Each screen links the sections of the note it follows, under its introduction."))
