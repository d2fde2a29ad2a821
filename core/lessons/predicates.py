"""The outcome predicates a lesson can name: each screen's ``outcomes.PREDICATES`` (``core/screens/<key>/outcomes.py``),
registered under its name with the screen it belongs to."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from core.screens.hihello import KEY as HIHELLO
from core.screens.hihello.outcomes import PREDICATES as HIHELLO_PREDICATES
from core.screens.rnn_vs_lstm_gru import KEY as COMPARISON
from core.screens.rnn_vs_lstm_gru.outcomes import PREDICATES as COMPARISON_PREDICATES


@dataclass(frozen=True)
class Predicate:
    name: str
    screen: str  # the key of the screen whose runs it reads
    compute: Callable[[Any, Mapping[str, Any]], tuple[Any, Any]]  # (settings, sessions) -> (answer, why)
    answers: tuple[str, ...] | None  # the choice ids it can answer; None: a number


PREDICATES: dict[str, Predicate] = {}


def register(screen: str, predicates: Mapping[str, tuple[Callable, tuple[str, ...] | None]]) -> None:
    for name, (compute, answers) in predicates.items():
        if name in PREDICATES:
            raise ValueError(f"outcome predicate {name!r} registered twice")
        PREDICATES[name] = Predicate(name, screen, compute, answers)


register(HIHELLO, HIHELLO_PREDICATES)
register(COMPARISON, COMPARISON_PREDICATES)
