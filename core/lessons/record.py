"""A learner's record: each question answered on the lesson page, the learner's prediction, the outcome the runs
computed and whether they matched. Kept for the session only (the page holds it in its session state; nothing is
written on the server), and written out as CSV or JSON for the learner to download, in the language they read.

An entry keeps ids and English sources (the lesson's name, the choice ids, the why as a ``Message``) and is worded
when written: a record downloaded in Korean is in Korean whatever language the questions were answered in.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from core.lessons.lesson import Lesson, Question, Step
from core.reading.csv_cells import spreadsheet_safe
from core.words.i18n import _
from core.words.message import Message

# The columns of a written record, in order (also the JSON's keys): stable names a teacher's script can read.
COLUMNS = (
    "answered_at",
    "lesson",
    "lesson_title",
    "step",
    "question",
    "prediction",
    "outcome",
    "matched",
    "seeds",
    "why",
)


@dataclass(frozen=True)
class Entry:
    """One answered question: what the learner predicted before the run, and what the run showed."""

    lesson: str  # the lesson's name (its file's stem)
    step: int  # counted from 1, as the page and the link count
    prediction: str | float  # a choice's id, or the number guessed
    outcome: str | float  # the choice id the runs computed, or their number
    matched: bool
    why: Message  # computed from the runs
    seeds: tuple[int, ...]  # the seeds of the runs it was answered from
    answered_at: datetime


def answer_text(question: Question, answer: str | float) -> str:
    """An answer as the learner reads it: the choice's words (translated), or the number."""
    if question.is_guess:
        return f"{float(answer):g}"
    choice = next((choice for choice in question.choices if choice.id == answer), None)
    return _(choice.text) if choice is not None else str(answer)


def step_of(lessons: Mapping[str, Lesson], entry: Entry) -> Step | None:
    lesson = lessons.get(entry.lesson)
    if lesson is None or not 1 <= entry.step <= len(lesson.steps):
        return None
    return lesson.steps[entry.step - 1]


def rows(entries: Sequence[Entry], lessons: Mapping[str, Lesson]) -> list[dict[str, object]]:
    """The record as rows of ``COLUMNS``, worded in the language spoken now."""
    written = []
    for entry in entries:
        step = step_of(lessons, entry)
        lesson = lessons.get(entry.lesson)
        question = step.question if step is not None else None
        written.append(
            {
                "answered_at": entry.answered_at.isoformat(timespec="seconds"),
                "lesson": entry.lesson,
                "lesson_title": _(lesson.title) if lesson is not None else "",
                "step": entry.step,
                "question": _(question.text) if question is not None else "",
                "prediction": answer_text(question, entry.prediction) if question else str(entry.prediction),
                "outcome": answer_text(question, entry.outcome) if question else str(entry.outcome),
                "matched": entry.matched,
                "seeds": " ".join(str(seed) for seed in entry.seeds),
                "why": entry.why.worded(),
            }
        )
    return written


def as_csv(entries: Sequence[Entry], lessons: Mapping[str, Lesson]) -> str:
    """The record as CSV (a header row of ``COLUMNS``)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    # A teacher's lesson text is written as it is, but a cell a spreadsheet would run as a formula is kept as text.
    for row in rows(entries, lessons):
        writer.writerow({name: spreadsheet_safe(v) if isinstance(v, str) else v for name, v in row.items()})
    return out.getvalue()


def as_json(entries: Sequence[Entry], lessons: Mapping[str, Lesson]) -> str:
    """The record as a JSON list of objects with the keys of ``COLUMNS``."""
    return json.dumps(rows(entries, lessons), ensure_ascii=False, indent=2)


def tally(entries: Sequence[Entry]) -> tuple[int, int]:
    """(predictions that matched, questions answered)."""
    return sum(entry.matched for entry in entries), len(entries)
