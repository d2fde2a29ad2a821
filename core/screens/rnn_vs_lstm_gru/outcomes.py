"""What a finished run of the RNN vs LSTM/GRU screen shows, as a lesson asks it (core.lessons): each predicate takes
the run's settings and its sessions (as the registry entry builds them, trained to the end) and returns the answer
(a choice's id) and a sentence saying why, computed from the run. ``PREDICATES`` names them, each with the answers it
can give (a lesson's choices must cover them)."""

from __future__ import annotations

from collections.abc import Mapping

from core.engine.cells import cell_entry, racing_names
from core.engine.session import TrainingSession
from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings, build_task, held_out_accuracy
from core.words.i18n import N_
from core.words.message import Message, as_said, said

BEATS_CHANCE = 2.0  # a cell beats chance when its held-out accuracy is at least this many times the chance level
# The answers of "which cells beat chance", by the set of cells that do.
BEATING_CHANCE = {
    frozenset(racing_names()): "all",
    frozenset(name for name in racing_names() if name != "rnn"): "gated",
    frozenset(): "none",
}
OTHER = "other"  # any other set of cells


def cells_beating_chance(settings: ComparisonSettings, sessions: Mapping[str, TrainingSession]) -> tuple[str, Message]:
    """Which cells' held-out accuracy is at least ``BEATS_CHANCE`` times the task's chance level."""
    task = build_task(settings)
    accuracy = {cell: held_out_accuracy(sessions[cell].history, task.data) or 0.0 for cell in racing_names()}
    beating = frozenset(cell for cell, value in accuracy.items() if value >= BEATS_CHANCE * task.chance_accuracy)
    scores = ", ".join(f"{cell_entry(cell).label} {accuracy[cell]:.0%}" for cell in racing_names())
    why = said(
        N_("Held-out accuracy: {scores}. Chance is {chance}: a cell beats it at {threshold} or more."),
        scores=as_said(scores),
        chance=f"{task.chance_accuracy:.1%}",
        threshold=f"{BEATS_CHANCE * task.chance_accuracy:.0%}",
    )
    return BEATING_CHANCE.get(beating, OTHER), why


PREDICATES = {"cells_beating_chance": (cells_beating_chance, (*BEATING_CHANCE.values(), OTHER))}
