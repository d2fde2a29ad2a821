"""A lesson's step as runs: the settings of each of its runs (one per seed it names), and its outcome computed by the
step's predicate from all of its finished runs together. The lesson page trains the runs (core.runs.seeds.SeedRuns,
built by ``core.lessons.predicates.lesson_build``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from core.lessons.lesson import Outcome, Step
from core.lessons.predicates import PREDICATES, Run
from core.screens.registry import screen


def seed_settings(step: Step) -> list[Any]:
    """The settings of each of the step's runs: the file's, the settings class's defaults for the rest, and one seed
    each it names (or the settings alone)."""
    settings = screen(step.screen).settings(**step.settings)
    if not step.seeds:
        return [settings]
    return [dataclasses.replace(settings, seed=seed) for seed in step.seeds]


def step_outcome(step: Step, runs: Sequence[Run]) -> Outcome:
    """The outcome of the finished runs of ``step`` (one per seed, in the order of its seeds)."""
    answer, why = PREDICATES[step.outcome].compute(list(runs))
    return Outcome(answer, why)
