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
from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings, build_task, held_out_accuracy
from core.words.i18n import N_
from core.words.message import Message, as_said, joined, said

BEATS_CHANCE = 2.0  # a cell beats chance when its held-out accuracy is at least this many times the chance level
# The answers of "which cells beat chance", by the set of cells that do.
BEATING_CHANCE = {
    frozenset(racing_names()): "all",
    frozenset(name for name in racing_names() if name != "rnn"): "gated",
    frozenset(): "none",
}
OTHER = "other"  # any other set of cells

Run = tuple[ComparisonSettings, dict[str, TrainingSession]]


def held_out(run: Run) -> tuple[dict[str, float], float]:
    """Each cell's held-out accuracy in one run, and the task's chance level."""
    settings, sessions = run
    task = build_task(settings)
    accuracy = {cell: held_out_accuracy(sessions[cell].history, task.data) or 0.0 for cell in racing_names()}
    return accuracy, task.chance_accuracy


def cells_beating_chance(runs: Sequence[Run]) -> tuple[str, Message]:
    """Which cells' held-out accuracy is at least ``BEATS_CHANCE`` times the task's chance level: on the one run, or
    on most of the seeds."""
    measured = [held_out(run) for run in runs]
    chance = measured[0][1]
    threshold = BEATS_CHANCE * chance
    beats = {cell: sum(accuracy[cell] >= threshold for accuracy, _c in measured) for cell in racing_names()}
    beating = frozenset(cell for cell, count in beats.items() if 2 * count > len(runs))
    if len(runs) == 1:
        accuracy = measured[0][0]
        scores = ", ".join(f"{cell_entry(cell).label} {accuracy[cell]:.0%}" for cell in racing_names())
        why = said(
            N_("Held-out accuracy: {scores}. Chance is {chance}: a cell beats it at {threshold} or more."),
            scores=as_said(scores),
            chance=f"{chance:.1%}",
            threshold=f"{threshold:.0%}",
        )
    else:
        per_cell = [
            said(
                N_("{cell} on {count} of {total} seeds ({low}–{high})"),
                cell=cell_entry(cell).label,
                count=beats[cell],
                total=len(runs),
                low=f"{min(accuracy[cell] for accuracy, _c in measured):.0%}",
                high=f"{max(accuracy[cell] for accuracy, _c in measured):.0%}",
            )
            for cell in racing_names()
        ]
        why = said(
            N_(
                "Held-out accuracy at {threshold} or more (chance is {chance}): {per_cell}. A cell counts as beating "
                "chance when it does on most seeds."
            ),
            per_cell=joined(per_cell, "; "),
            chance=f"{chance:.1%}",
            threshold=f"{threshold:.0%}",
        )
    return BEATING_CHANCE.get(beating, OTHER), why


PREDICATES = {"cells_beating_chance": (cells_beating_chance, (*BEATING_CHANCE.values(), OTHER))}
