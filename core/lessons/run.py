"""A lesson's step run to the end, as the screen builds it, and its outcome computed by the step's predicate."""

from __future__ import annotations

from typing import Any

from core.lessons.lesson import Outcome, Step
from core.lessons.predicates import PREDICATES
from core.screens.registry import screen


def step_settings(step: Step) -> Any:
    """The step's settings: the file's, and the settings class's defaults for the rest."""
    return screen(step.screen).settings(**step.settings)


def step_outcome(step: Step, settings: Any, sessions: dict[str, Any]) -> Outcome:
    """The outcome of a finished run of ``step``."""
    answer, why = PREDICATES[step.outcome].compute(settings, sessions)
    return Outcome(answer, why)


def run_step(step: Step) -> Outcome:
    """Build the step's run through its screen's registry entry, train every session to its end, compute the outcome."""
    settings = step_settings(step)
    sessions, _logs = screen(step.screen).build(settings)
    for session in sessions.values():
        session.advance(session.total_epochs)
    return step_outcome(step, settings, sessions)
