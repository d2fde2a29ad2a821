"""Lessons: predict, then check. A lesson walks through the study note's sections on the screens; each step asks one
question before its run, trains the run (over several seeds where the answer depends on the draw) and then shows
the learner's prediction beside the outcome the runs computed (ui.lesson_views; the lessons are data/lessons/*.toml)."""

from __future__ import annotations

from core.words.i18n import _
from ui.common import page_setup, start_page
from ui.lesson_views import lesson_page

start_page()  # before any word: it sets this run's language
page_setup(
    _("Lessons: predict, then check"),
    _(
        "Each step sets up a screen and asks you a question **before** anything trains. Lock in your prediction, "
        "watch the runs train, then compare your prediction with what the runs computed. Predicting first is what "
        "makes a demonstration teach: you notice what surprised you."
    ),
)
lesson_page()
