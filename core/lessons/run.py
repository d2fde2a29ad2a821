"""A lesson's step run to the end, once per seed, as the screen builds it, and its outcome computed by the step's
predicate from all of its runs together."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from core.lessons.lesson import Outcome, Step
from core.lessons.predicates import PREDICATES, Run, lesson_build
from core.screens.registry import screen


def step_settings(step: Step) -> Any:
    """The step's settings: the file's, and the settings class's defaults for the rest (its first seed's, when it
    names seeds)."""
    return seed_settings(step)[0]


def seed_settings(step: Step) -> list[Any]:
    """The settings of each of the step's runs: one per seed it names, or the settings alone."""
    settings = screen(step.screen).settings(**step.settings)
    if not step.seeds:
        return [settings]
    return [dataclasses.replace(settings, seed=seed) for seed in step.seeds]


def step_outcome(step: Step, runs: Sequence[Run]) -> Outcome:
    """The outcome of the finished runs of ``step`` (one per seed, in the order of its seeds)."""
    answer, why = PREDICATES[step.outcome].compute(list(runs))
    return Outcome(answer, why)


def train_step(step: Step) -> list[Run]:
    """Build each of the step's runs through its screen's registry entry and train every session to its end (the
    tests' way; the lesson page trains the same runs a chunk at a time, through the server's queue)."""
    runs = []
    for settings in seed_settings(step):
        sessions, _logs = lesson_build(step.screen)(settings)
        for session in sessions.values():
            session.advance(session.total_epochs)
        runs.append((settings, sessions))
    return runs


def run_step(step: Step) -> Outcome:
    """The step trained to its end, and its outcome."""
    return step_outcome(step, train_step(step))
