"""What several seeds of one comparison setup show, counted over the seeds (the screen's "Several seeds" section,
``core.runs.seeds.SeedRuns``): per cell, on how many seeds it beats chance, and its median accuracy.

A cell beats chance at ``BEATS_CHANCE`` times the task's chance level, here and in the lessons (``outcomes``): at gap
30 the RNN's held-out accuracy ranges from 0.13 to 0.78 over seeds 0-9, so one seed cannot say whether it remembers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from core.engine.cells import CELL_NAMES
from core.engine.session import TrainingSession
from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings, build_task, held_out_accuracy
from core.screens.rnn_vs_lstm_gru.readings import format_chance, format_percent
from core.words.i18n import N_
from core.words.message import Message, as_said, joined, said, said_plural, sentences

Run = tuple[ComparisonSettings, dict[str, TrainingSession]]
BEATS_CHANCE = 2.0  # a cell beats chance when its held-out accuracy is at least this many times the chance level


def accuracies(runs: Sequence[Run]) -> tuple[dict[str, list[float]], float]:
    """Each cell's accuracy per seed (held-out on the memory task, on the training text otherwise), at the weights
    its run ended with, in the order of the runs; and the task's chance level. Measuring is computing: one pass of
    every cell over the held-out sequences per seed."""
    per_cell: dict[str, list[float]] = {}
    chance = 0.0
    for settings, sessions in runs:
        task = build_task(settings)
        chance = task.chance_accuracy
        for cell, session in sessions.items():
            per_cell.setdefault(cell, []).append(held_out_accuracy(session.history, task.data) or 0.0)
    return per_cell, chance


def seeds_beating_chance(accuracy: Sequence[float], chance: float) -> int:
    """On how many seeds a cell's accuracy is at least ``BEATS_CHANCE`` times chance."""
    return sum(value >= BEATS_CHANCE * chance for value in accuracy)


def seeds_reading(accuracy: Mapping[str, Sequence[float]], chance: float, held_out: bool = True) -> Message:
    """'Chance is 12.5%; a cell beats it at 25% or more. RNN beats chance on 2 of 5 seeds (median held-out accuracy
    19%); LSTM beats chance on 5 of 5 seeds (…); …'."""
    per_cell = [cell_count(CELL_NAMES[cell], values, chance, held_out) for cell, values in accuracy.items()]
    return sentences(
        said(
            N_("Chance is {chance}; a cell beats it at {threshold} or more."),
            chance=format_chance(chance),
            threshold=format_percent(BEATS_CHANCE * chance),
        ),
        joined([joined(per_cell, "; "), as_said(".")], ""),
    )


def cell_count(cell: str, values: Sequence[float], chance: float, held_out: bool) -> Message:
    """One cell's count over the seeds, its plural chosen by the seeds in all."""
    numbers = dict(
        cell=cell,
        count=seeds_beating_chance(values, chance),
        total=len(values),
        median=format_percent(float(np.median(values))),
    )
    if held_out:
        return said_plural(
            "{cell} beats chance on {count} of {total} seed (median held-out accuracy {median})",
            "{cell} beats chance on {count} of {total} seeds (median held-out accuracy {median})",
            len(values),
            **numbers,
        )
    return said_plural(  # a task with no held-out sequences
        "{cell} beats chance on {count} of {total} seed (median training accuracy {median})",
        "{cell} beats chance on {count} of {total} seeds (median training accuracy {median})",
        len(values),
        **numbers,
    )
