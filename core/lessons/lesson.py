"""What a lesson is: ordered steps, each a screen's setup, a question asked before the run and the outcome predicate
that answers it; and how an answer is judged against the outcome the run computed."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.words.message import Message


@dataclass(frozen=True)
class Choice:
    id: str  # what the predicate answers with; never translated
    text: str  # English source, translated where shown (extracted by core.lessons.extract)


@dataclass(frozen=True)
class Question:
    text: str  # English source
    choices: tuple[Choice, ...] = ()  # empty: a number to guess
    tolerance: float | None = None  # a guess within this distance of the outcome is right

    @property
    def is_guess(self) -> bool:
        return not self.choices


@dataclass(frozen=True)
class Step:
    screen: str  # the screen's key (a former key in the file is read as its key)
    settings: dict[str, object]  # only the fields the file names; the rest are the settings class's defaults
    question: Question
    outcome: str  # the predicate's name (core.lessons.predicates)
    # The seeds the step's run is trained with, one run each, answered from all of them together: a question whose
    # answer depends on the draw is asked over seeds. Empty: the settings' own seed, one run.
    seeds: tuple[int, ...] = ()


@dataclass(frozen=True)
class Lesson:
    name: str  # the file's stem: the lesson's name in links; never translated
    title: str  # English source
    steps: tuple[Step, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Outcome:
    """What the run showed: the right choice's id (or the number) and why, computed from the run."""

    answer: str | float
    why: Message


def is_right(question: Question, answer: str | float, outcome: Outcome) -> bool:
    """Whether a learner's ``answer`` (a choice's id, or a guessed number) matches the run's ``outcome``."""
    if question.is_guess:
        if isinstance(answer, bool) or not isinstance(answer, int | float):
            return False
        return abs(float(answer) - float(outcome.answer)) <= float(question.tolerance or 0.0)
    return answer == outcome.answer
