"""What the comparison's numbers say, in numbers and in sentences: how far the gradient reaches back, how
saturated the gates are, and the reading under the race and under the gap sweep, each computed from the results.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.cell_math import CELL_NAMES
from core.comparison import CellResult, ComparisonSettings, TaskData
from core.probes import saturation
from core.training import Snapshot


def gradient_reach(snapshot: Snapshot, layer: int = 0) -> np.ndarray:
    """‖∂L/∂h_t‖ per time step, divided by its value at the last step: 1 at the end, small if it vanished."""
    norms = snapshot.probe.hidden_gradient_norms[layer]
    last = norms[-1] if norms[-1] > 0 else 1.0
    return norms / last


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
        parts = [f"the {CELL_NAMES[c]} {100 * a:.0f}%" for c, a in accuracy.items()]
        scope = "held-out sequences" if settings.task == "memory" else "training targets"
        sentences.append(
            f"Accuracy {what}on {scope}: {', '.join(parts)} (chance is {100 * task.chance_accuracy:.0f}%)."
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
        "Gradient reaching the first step, relative to the last step: "
        + ", ".join(f"{CELL_NAMES[c]} {first[c]:.1e} at initialisation → {reach[c]:.1e} after training" for c in reach)
        + "."
    )
    return sentences


def sweep_reading(gaps: Sequence[int], accuracy: dict[str, list[float]], chance: float) -> str:
    """Where each cell falls to near chance in the sweep, in one sentence."""
    parts = []
    for cell, values in accuracy.items():
        failed = [g for g, a in zip(sorted(gaps), values, strict=True) if a < chance + 0.15]
        parts.append(
            f"the {CELL_NAMES[cell]} "
            + (f"is near chance from gap {failed[0]}" if failed else "stays well above chance at every gap")
        )
    return "In this sweep " + "; ".join(parts) + "."
