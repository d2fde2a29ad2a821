"""What finished runs of the RNN vs LSTM/GRU screen show, as a lesson asks it (core.lessons): each predicate takes the
step's runs, one per seed (its settings and its sessions, as the registry entry builds them, trained to the end), and
returns the answer (a choice's id) and a sentence saying why, computed from the runs. ``PREDICATES`` names them, each
with the answers it can give (a lesson's choices must cover them).

At gap 30 the RNN's held-out accuracy ranges from 0.13 to 0.78 over seeds 0-9: one seed is one draw, so the lesson
asks over five, and a cell counts as beating chance when it does on most of them."""

from __future__ import annotations

from collections.abc import Sequence

from core.engine.cells import cell_entry, racing_names
from core.engine.session import TrainingSession
from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings
from core.screens.rnn_vs_lstm_gru.seed_readings import BEATS_CHANCE, accuracies, seeds_beating_chance, seeds_reading
from core.words.i18n import N_
from core.words.message import Message, as_said, said, sentences

# The answers of "which cells beat chance", by the set of cells that do.
BEATING_CHANCE = {
    frozenset(racing_names()): "all",
    frozenset(name for name in racing_names() if name != "rnn"): "gated",
    frozenset(): "none",
}
OTHER = "other"  # any other set of cells

Run = tuple[ComparisonSettings, dict[str, TrainingSession]]


def cells_beating_chance(runs: Sequence[Run]) -> tuple[str, Message]:
    """Which cells' held-out accuracy is at least ``BEATS_CHANCE`` times the task's chance level: on the one run, or
    on most of the seeds (counted as the screen's "Several seeds" section counts them, ``seed_readings``)."""
    accuracy, chance = accuracies(runs)
    beats = {cell: seeds_beating_chance(values, chance) for cell, values in accuracy.items()}
    beating = frozenset(cell for cell, count in beats.items() if 2 * count > len(runs))
    if len(runs) == 1:
        scores = ", ".join(f"{cell_entry(cell).label} {values[0]:.0%}" for cell, values in accuracy.items())
        why = said(
            N_("Held-out accuracy: {scores}. Chance is {chance}: a cell beats it at {threshold} or more."),
            scores=as_said(scores),
            chance=f"{chance:.1%}",
            threshold=f"{BEATS_CHANCE * chance:.0%}",
        )
    else:
        why = sentences(
            seeds_reading(accuracy, chance),
            said(N_("A cell counts as beating chance when it does on most seeds.")),
        )
    return BEATING_CHANCE.get(beating, OTHER), why


PREDICATES = {"cells_beating_chance": (cells_beating_chance, (*BEATING_CHANCE.values(), OTHER))}
