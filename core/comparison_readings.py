"""What the comparison's numbers say, in numbers and in sentences: how far the gradient reaches back, how
saturated the gates are, and the reading under the race, the gradient charts and the gap sweep, each computed
from the results. Time steps are counted from 1 in every sentence (h_1 … h_T), as on screen.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.cell_math import CELL_NAMES
from core.comparison import CellResult, ComparisonSettings, TaskData
from core.probes import saturation
from core.training import Snapshot

# A gradient at step 1 below this share of the last step's has, for every practical purpose, vanished.
VANISHED = 1e-3
# Accuracy within this many points of chance is "near chance": about 3 standard errors of guessing on the
# 512 held-out sequences at chance 12.5% (sqrt(0.125 * 0.875 / 512) = 0.015).
NEAR_CHANCE = 0.05
# A step between neighbouring gaps smaller than this is not read as a rise or a fall (seed-to-seed noise is
# larger), and a cell whose accuracy spans less than FLAT over the whole sweep "stays" where it is.
STEADY = 0.05
FLAT = 0.10


def relative_to_last(norms: np.ndarray) -> np.ndarray:
    """Gradient norms per time step divided by the last step's: 1 at the end, small where it vanished."""
    norms = np.asarray(norms, dtype=np.float64)
    last = norms[-1] if norms[-1] > 0 else 1.0
    return norms / last


def gradient_reach(snapshot: Snapshot, layer: int = 0) -> np.ndarray:
    """‖∂L/∂h_t‖ ÷ ‖∂L/∂h_T‖ per time step t = 1 … T."""
    return relative_to_last(snapshot.probe.hidden_gradient_norms[layer])


def cell_state_reach(snapshot: Snapshot, layer: int = 0) -> np.ndarray | None:
    """‖∂L/∂c_t‖ ÷ ‖∂L/∂c_T‖ per time step (the LSTM's cell state); None for cells without one."""
    norms = snapshot.probe.cell_gradient_norms
    return None if norms is None else relative_to_last(norms[layer])


def format_ratio(value: float) -> str:
    """A ratio of gradients as a learner reads it: 23, 2.3, 0.75, 5.5e-9; an exact 0 says why it is 0."""
    value = float(value)
    if value == 0:
        return "0 (below float precision)"
    if value >= 100:
        return f"{float(f'{value:.2g}'):,.0f}"  # 110, 1,200: two digits, never 1.1e+02
    if value >= 0.001:
        return f"{value:.2g}"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def format_chance(chance: float) -> str:
    """Chance accuracy (1 / classes) to three digits: 12.5% for 8 symbols, 33.3% for 3, never rounded to 12%."""
    return f"{100 * chance:.3g}%"


def format_percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def gate_saturation(snapshot: Snapshot, layer: int = 0, margin: float = 0.05) -> dict[str, float]:
    """Share of each sigmoid gate's values within ``margin`` of 0 or 1 (all or nothing)."""

    gates = snapshot.probe.gates[layer]
    return {name: saturation(values, margin) for name, values in gates.items() if name not in ("candidate", "new")}


def reading(task: TaskData, results: dict[str, CellResult], settings: ComparisonSettings) -> list[str]:
    """What this run shows, in words computed from its numbers."""
    sentences = []
    accuracy = {cell: r.test_accuracy for cell, r in results.items() if r.test_accuracy is not None}
    if accuracy:
        what = f"at gap {settings.gap} " if settings.task == "memory" else ""
        parts = [f"the {CELL_NAMES[c]} {format_percent(a)}" for c, a in accuracy.items()]
        scope = "held-out sequences" if settings.task == "memory" else "training targets"
        sentences.append(
            f"Accuracy {what}on {scope}: {', '.join(parts)} (chance is {format_chance(task.chance_accuracy)})."
        )
        best = max(accuracy, key=accuracy.get)
        worst = min(accuracy, key=accuracy.get)
        if accuracy[best] - accuracy[worst] >= 0.1:
            sentences.append(
                f"The {CELL_NAMES[best]} remembers best; the {CELL_NAMES[worst]} is "
                f"{100 * (accuracy[best] - accuracy[worst]):.0f} points behind."
            )
        else:
            sentences.append("All three cells end within 10 points of each other on this setting.")
    reach = {cell: float(gradient_reach(r.after_training)[0]) for cell, r in results.items()}
    first = {cell: float(gradient_reach(r.at_initialisation)[0]) for cell, r in results.items()}
    sentences.append(
        "Gradient reaching step 1, relative to the last step (‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖): "
        + ", ".join(
            f"{CELL_NAMES[c]} {format_ratio(first[c])} at initialisation → {format_ratio(reach[c])} after training"
            for c in reach
        )
        + "."
    )
    return sentences


def gradient_reading(results: dict[str, CellResult], chance: float) -> str:
    """The gradient chart's caption: each cell's ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ after training beside its accuracy, and
    what the pair does (and does not) say. A vanished gradient at the end of training is not read as "cannot
    learn": a cell can reach high accuracy earlier and keep it while the loss no longer depends on h_1 much."""
    reach = {cell: float(gradient_reach(r.after_training)[0]) for cell, r in results.items()}
    accuracy = {cell: r.test_accuracy for cell, r in results.items()}
    pairs = [
        f"{CELL_NAMES[c]} {format_ratio(reach[c])}"
        + ("" if accuracy[c] is None else f" (accuracy {format_percent(accuracy[c])})")
        for c in reach
    ]
    sentences = ["After training, ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ is " + ", ".join(pairs) + "."]
    vanished = [c for c in reach if reach[c] < VANISHED and accuracy[c] is not None]
    recalled = [c for c in vanished if accuracy[c] > chance + NEAR_CHANCE]
    failed = [c for c in vanished if c not in recalled]
    if recalled:
        sentences.append(
            f"The {names(recalled)} {'has' if len(recalled) == 1 else 'have'} almost no gradient left at step 1 "
            f"yet {'recalls' if len(recalled) == 1 else 'recall'} above chance ({format_chance(chance)}): a "
            "vanished gradient says the loss barely changes with h_1 at these weights, not that the first symbol "
            "cannot be learned."
        )
    if failed:
        sentences.append(
            f"The {names(failed)} {'has' if len(failed) == 1 else 'have'} almost no gradient left at step 1 and "
            f"{'stays' if len(failed) == 1 else 'stay'} near chance ({format_chance(chance)}): training gets "
            "almost no signal about the first symbol, the textbook vanishing gradient."
        )
    if not vanished:
        sentences.append(
            f"In every cell more than {format_ratio(VANISHED)} of the last step's gradient reaches step 1."
        )
    return " ".join(sentences)


def cell_state_reading(snapshot: Snapshot, layer: int = 0) -> str | None:
    """The LSTM's two paths back, compared at step 1: along h_t and along the cell state c_t (None without one)."""
    along_cell = cell_state_reach(snapshot, layer)
    if along_cell is None:
        return None
    cell, hidden = float(along_cell[0]), float(gradient_reach(snapshot, layer)[0])
    sentence = (
        f"After {snapshot.epoch} steps, ‖∂L/∂c_1‖ ÷ ‖∂L/∂c_T‖ is {format_ratio(cell)} while ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ "
        f"is {format_ratio(hidden)}: "
    )
    if cell < VANISHED:
        fades = "the gradient fades along the cell state too: at these weights the loss barely changes with c_1."
        return sentence + fades
    if cell >= 1:
        how = "arrives at step 1 at least as large as it left the last step"
    else:
        how = f"keeps {format_ratio(cell)} of its size on the way back to step 1"
    factor = cell / hidden if hidden > 0 else float("inf")
    if factor >= 2:
        compared = (
            "far more than along h_t"
            if factor == float("inf")
            else f"{format_ratio(factor)} times as much as along h_t"
        )
    elif factor > 0.5:
        compared = "about as much as along h_t"
    else:
        compared = f"less than along h_t ({format_ratio(factor)} times as much)"
    return sentence + f"along the cell state the gradient {how}, {compared}."


def names(cells: Sequence[str]) -> str:
    """'RNN', 'RNN and GRU', 'RNN, LSTM and GRU'."""
    shown = [CELL_NAMES[c] for c in cells]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def sweep_phrase(gaps: Sequence[int], values: Sequence[float], chance: float) -> str:
    """How one cell's accuracy moves with the gap: its ends, whether it falls steadily, where it is near chance."""
    points = sorted(zip(gaps, values, strict=True))
    gaps, values = [g for g, _ in points], [float(a) for _, a in points]
    at = [f"{format_percent(a)} at gap {g}" for g, a in points]
    lowest, highest = min(values), max(values)
    near = [g for g, a in points if a <= chance + NEAR_CHANCE]
    if highest - lowest < FLAT:
        low, high = format_percent(lowest), format_percent(highest)
        shape = f"stays at {low}" if low == high else f"stays at {low.rstrip('%')}–{high}"
        shape += " at every gap" if len(points) > 1 else f" at gap {gaps[0]}"
    else:
        steps = np.diff(values)
        if (steps <= STEADY).all() and values[-1] < values[0]:
            shape = f"falls from {at[0]} to {at[-1]}"
        elif (steps >= -STEADY).all() and values[-1] > values[0]:
            shape = f"rises from {at[0]} to {at[-1]}"
        else:
            low = values.index(lowest)
            shape = f"goes from {at[0]} to {at[-1]}, not steadily: lowest {at[low]}"
            high = values.index(highest)
            if high not in (0, len(values) - 1):
                shape += f", highest {at[high]}"
    if not near:
        return shape + ("" if lowest > 0.5 else ", never near chance")
    if near == gaps[len(gaps) - len(near) :]:
        where = "at every gap" if len(near) == len(gaps) else f"from gap {near[0]} on"
    else:
        where = "at gap " + ", ".join(str(g) for g in near) + " only"
    return shape + f", near chance {where}"


def sweep_reading(gaps: Sequence[int], accuracy: dict[str, list[float]], chance: float) -> str:
    """What the sweep's chart shows, per cell, in one sentence computed from its points."""
    parts = [f"the {CELL_NAMES[cell]} {sweep_phrase(gaps, values, chance)}" for cell, values in accuracy.items()]
    return (
        f"In this sweep (chance {format_chance(chance)}, near chance = within {100 * NEAR_CHANCE:.0f} points of it): "
        + "; ".join(parts)
        + "."
    )
