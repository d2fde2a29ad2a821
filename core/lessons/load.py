"""Reading lessons from their TOML files (data/lessons/<name>.toml), every part checked before any is used: an unknown
screen (a former key is read as its key), setting, predicate or key, a value the screen's settings class refuses, a
predicate of another screen, choices missing, listed twice or not covering the predicate's answers, a guess without a
tolerance. Each refusal is an ``InputError`` that names the file, the step and the bad thing.

The format (README, "Lessons as data")::

    title = "..."                      # English; the catalogue translates it
    [[steps]]
    screen = "rnn_vs_lstm_gru"         # a screen's key
    settings = { gap = 30 }            # fields of its settings class; the rest are defaults
    seeds = [0, 1, 2, 3, 4]            # optional: one run per seed, answered from all of them
    outcome = "cells_beating_chance"   # a predicate of that screen (core/screens/<key>/outcomes.py)
    [steps.question]
    text = "..."
    choices = [{ id = "all", text = "..." }, ...]   # or: tolerance = 10 (a number to guess)
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from core.lessons.lesson import Choice, Lesson, Question, Step
from core.lessons.predicates import PREDICATES
from core.screens.registry import find
from core.words.errors import InputError
from core.words.i18n import N_
from core.words.message import Message, as_said, said

LESSONS = Path(__file__).resolve().parents[2] / "data" / "lessons"
LESSON_KEYS = ("title", "steps")
STEP_KEYS = ("screen", "settings", "seeds", "question", "outcome")
# A step trains one run per seed, live on the lesson page: five seeds of the slowest step (gap 30) take ~40 s here.
MAX_SEEDS = 5
QUESTION_KEYS = ("text", "choices", "tolerance")
CHOICE_KEYS = ("id", "text")


def refuse(where: Message, problem: Message) -> InputError:
    return InputError(said(N_("Lesson {where}: {problem}"), where=where, problem=problem))


def known_keys(table: Mapping[str, Any], known: tuple[str, ...], where: Message, required: tuple[str, ...]) -> None:
    for key in table:
        if key not in known:
            raise refuse(where, said(N_("unknown key '{key}' (known: {known})"), key=key, known=", ".join(known)))
    for key in required:
        if key not in table:
            raise refuse(where, said(N_("'{key}' is missing"), key=key))


def text_of(table: Mapping[str, Any], key: str, where: Message) -> str:
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise refuse(where, said(N_("'{key}' must be some text"), key=key))
    return value


def table_of(value: Any, key: str, where: Message) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise refuse(where, said(N_("'{key}' must be a table"), key=key))
    return value


def read_lesson(text: str, name: str) -> Lesson:
    """The lesson ``name`` from its file's ``text``, checked whole."""
    where = as_said(name)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise refuse(where, said(N_("the file is not valid TOML ({error})"), error=as_said(str(error)))) from None
    known_keys(data, LESSON_KEYS, where, LESSON_KEYS)
    title = text_of(data, "title", where)
    steps = data["steps"]
    if not isinstance(steps, list) or not steps:
        raise refuse(where, said(N_("the lesson has no steps")))
    read = tuple(
        read_step(table_of(step, "steps", where), said(N_("{lesson}, step {step}"), lesson=name, step=number))
        for number, step in enumerate(steps, start=1)
    )
    return Lesson(name, title, read)


def read_step(table: Mapping[str, Any], where: Message) -> Step:
    known_keys(table, STEP_KEYS, where, ("screen", "question", "outcome"))
    name = table["screen"]
    entry = find(name) if isinstance(name, str) else None
    if entry is None:
        raise refuse(where, said(N_("unknown screen '{screen}'"), screen=as_said(str(name))))
    if entry.settings is None:
        raise refuse(where, said(N_("the screen '{screen}' trains nothing: a step needs a run"), screen=entry.key))
    settings = dict(table_of(table.get("settings", {}), "settings", where))
    fields = [field.name for field in dataclasses.fields(entry.settings)]
    for setting in settings:
        if setting not in fields:
            raise refuse(
                where,
                said(N_("the screen '{screen}' has no setting '{setting}'"), screen=entry.key, setting=setting),
            )
    checked_settings(entry.settings, settings, where)
    seeds = read_seeds(table.get("seeds"), entry.settings, settings, where)
    outcome = table["outcome"]
    predicate = PREDICATES.get(outcome) if isinstance(outcome, str) else None
    if predicate is None:
        raise refuse(where, said(N_("unknown outcome '{outcome}'"), outcome=as_said(str(outcome))))
    if predicate.screen != entry.key:
        raise refuse(
            where,
            said(
                N_("the outcome '{outcome}' belongs to the screen '{owner}', not '{screen}'"),
                outcome=outcome,
                owner=predicate.screen,
                screen=entry.key,
            ),
        )
    question = read_question(table_of(table["question"], "question", where), where, predicate.answers, outcome)
    return Step(entry.key, settings, question, outcome, seeds)


def checked_settings(settings_class: type, settings: Mapping[str, Any], where: Message) -> Any:
    """The settings class built from ``settings`` (its own checks, server side), or the refusal that names why."""
    try:
        return settings_class(**settings)
    except InputError as error:
        raise refuse(where, said(N_("a setting is refused: {error}"), error=error.message)) from None
    except (TypeError, ValueError) as error:
        raise refuse(where, said(N_("a setting is refused: {error}"), error=as_said(str(error)))) from None


def read_seeds(value: Any, settings_class: type, settings: Mapping[str, Any], where: Message) -> tuple[int, ...]:
    """The step's seeds: distinct whole numbers the screen accepts, at most ``MAX_SEEDS`` (none: one run)."""
    if value is None:
        return ()
    if "seed" not in [field.name for field in dataclasses.fields(settings_class)]:
        raise refuse(where, said(N_("this screen has no seed: a step on it cannot name seeds")))
    if "seed" in settings:
        raise refuse(where, said(N_("name the seed in 'settings' or the seeds in 'seeds', not both")))
    if (
        not isinstance(value, list)
        or not value
        or any(isinstance(seed, bool) or not isinstance(seed, int) for seed in value)
    ):
        raise refuse(where, said(N_("'seeds' must be a list of whole numbers, e.g. [0, 1, 2, 3, 4]")))
    if len(set(value)) != len(value):
        raise refuse(where, said(N_("'seeds' lists a seed twice")))
    if len(value) > MAX_SEEDS:
        raise refuse(where, said(N_("a step trains at most {count} seeds live"), count=MAX_SEEDS))
    for seed in value:
        checked_settings(settings_class, {**settings, "seed": seed}, where)
    return tuple(value)


def read_question(table: Mapping[str, Any], where: Message, answers: tuple[str, ...] | None, outcome: str) -> Question:
    known_keys(table, QUESTION_KEYS, where, ("text",))
    text = text_of(table, "text", where)
    if answers is None:  # the predicate gives a number: a guess
        if "choices" in table:
            raise refuse(where, said(N_("the outcome '{outcome}' gives a number: ask for a guess"), outcome=outcome))
        tolerance = table.get("tolerance")
        if tolerance is None:
            raise refuse(where, said(N_("a number to guess needs a tolerance")))
        if (
            isinstance(tolerance, bool)
            or not isinstance(tolerance, int | float)
            or not math.isfinite(tolerance)
            or (tolerance < 0)
        ):
            raise refuse(where, said(N_("the tolerance must be a number of 0 or more")))
        return Question(text, tolerance=float(tolerance))
    if "tolerance" in table:
        raise refuse(where, said(N_("the outcome '{outcome}' picks a choice: give choices"), outcome=outcome))
    listed = table.get("choices")
    if not isinstance(listed, list) or not listed:
        raise refuse(where, said(N_("the question has no choices")))
    choices = []
    for item in listed:
        choice = table_of(item, "choices", where)
        known_keys(choice, CHOICE_KEYS, where, CHOICE_KEYS)
        id_, words = text_of(choice, "id", where), text_of(choice, "text", where)
        if any(known.id == id_ for known in choices):
            raise refuse(where, said(N_("the choice '{choice}' is listed twice"), choice=id_))
        choices.append(Choice(id_, words))
    for answer in answers:
        if not any(choice.id == answer for choice in choices):
            raise refuse(
                where,
                said(
                    N_("the outcome '{outcome}' can answer '{answer}', which is no choice"),
                    outcome=outcome,
                    answer=answer,
                ),
            )
    for choice in choices:
        if choice.id not in answers:
            raise refuse(
                where,
                said(N_("the outcome '{outcome}' never answers '{choice}'"), outcome=outcome, choice=choice.id),
            )
    return Question(text, tuple(choices))


def load_lesson(path: Path) -> Lesson:
    """The lesson in the file ``path``."""
    return read_lesson(path.read_text(encoding="utf-8"), path.stem)


def load_lessons(folder: Path = LESSONS) -> dict[str, Lesson]:
    """Every lesson of ``folder``, by name, in the files' order."""
    return {path.stem: load_lesson(path) for path in sorted(folder.glob("*.toml"))}


def read_folder(folder: Path = LESSONS) -> tuple[dict[str, Lesson], dict[str, InputError]]:
    """Every lesson file of ``folder`` that reads whole, by name, and the refusal of each one that does not (the
    lesson page names those and offers the others)."""
    lessons, refused = {}, {}
    for path in sorted(folder.glob("*.toml")):
        try:
            lessons[path.stem] = load_lesson(path)
        except InputError as error:
            refused[path.stem] = error
    return lessons, refused


def check_folder(folder: Path = LESSONS) -> list[str]:
    """A line per lesson file of ``folder``: its steps, or the refusal that names what is wrong (what a teacher runs
    after writing a lesson: ``python -m core.lessons.load [folder]``)."""
    lessons, refused = read_folder(folder)
    lines = [f"ok      {name}: {len(lesson.steps)} step(s), '{lesson.title}'" for name, lesson in lessons.items()]
    return lines + [f"REFUSED {name}: {error}" for name, error in refused.items()]


def main(arguments: list[str]) -> int:
    """Check the lessons of a folder (the first argument, else data/lessons) and say so: exit status 1 if any file is
    refused."""
    folder = Path(arguments[0]) if arguments else LESSONS
    checked = check_folder(folder)
    print("\n".join(checked) or said(N_("No lesson files in {folder}."), folder=as_said(str(folder))).worded())
    return 1 if any(line.startswith("REFUSED") for line in checked) else 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
