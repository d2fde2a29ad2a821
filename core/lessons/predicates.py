"""The outcome predicates a lesson can name: each screen's ``outcomes.PREDICATES`` (``core/screens/<key>/outcomes.py``),
registered under its name with the screen it belongs to; and how a lesson's step builds its runs on each screen.

A predicate answers from all of a step's runs, one per seed: ``compute(runs) -> (answer, why)``, each run its
settings and its sessions trained to the end, in the order of the step's seeds."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.screens.hihello import KEY as HIHELLO
from core.screens.hihello.outcomes import PREDICATES as HIHELLO_PREDICATES
from core.screens.long_sequences import KEY as LONG_SEQUENCES
from core.screens.long_sequences.outcomes import PREDICATES as LONG_SEQUENCES_PREDICATES
from core.screens.registry import screen
from core.screens.rnn_vs_lstm_gru import KEY as COMPARISON
from core.screens.rnn_vs_lstm_gru.outcomes import PREDICATES as COMPARISON_PREDICATES
from core.screens.time_series import KEY as TIME_SERIES
from core.screens.time_series.outcomes import PREDICATES as TIME_SERIES_PREDICATES
from core.screens.time_series.outcomes import build_on_sample

Run = tuple[Any, dict[str, Any]]  # one seed's settings and its sessions (name -> TrainingSession)
Build = Callable[[Any], tuple[dict[str, Any], dict[str, Any]]]


@dataclass(frozen=True)
class Predicate:
    name: str
    screen: str  # the key of the screen whose runs it reads
    compute: Callable[[Sequence[Run]], tuple[Any, Any]]  # (the step's runs) -> (answer, why)
    answers: tuple[str, ...] | None  # the choice ids it can answer; None: a number


PREDICATES: dict[str, Predicate] = {}
# A screen whose registry entry cannot build a run from its settings alone builds a lesson's runs this way instead
# (the Time series trains on a table: a lesson's on the built-in sample).
BUILDERS: dict[str, Build] = {TIME_SERIES: build_on_sample}


def register(screen_key: str, predicates: Mapping[str, tuple[Callable, tuple[str, ...] | None]]) -> None:
    for name, (compute, answers) in predicates.items():
        if name in PREDICATES:
            raise ValueError(f"outcome predicate {name!r} registered twice")
        PREDICATES[name] = Predicate(name, screen_key, compute, answers)


def lesson_build(screen_key: str) -> Build:
    """How a lesson's step builds one run on the screen ``screen_key``: its own builder, else its registry entry's."""
    return BUILDERS.get(screen_key) or screen(screen_key).build


register(HIHELLO, HIHELLO_PREDICATES)
register(LONG_SEQUENCES, LONG_SEQUENCES_PREDICATES)
register(TIME_SERIES, TIME_SERIES_PREDICATES)
register(COMPARISON, COMPARISON_PREDICATES)
