"""What the comparison's numbers say, in numbers and in sentences: how far the gradient reaches back, how
saturated the gates are, and the reading under the race and the gradient charts, each computed from the results
(the gap sweep's reading is ``core.screens.rnn_vs_lstm_gru.sweep_readings``). Time steps are counted from 1 in every
sentence
(h_1 … h_T), as on screen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from core.engine.cells import CELL_NAMES
from core.engine.probes import saturation
from core.engine.records import Snapshot
from core.screens.rnn_vs_lstm_gru.comparison import CellResult, ComparisonSettings, TaskData
from core.words.i18n import _, ngettext

# A gradient at step 1 below this share of the last step's has, for every practical purpose, vanished.
VANISHED = 1e-3
# Accuracy within this many points of chance is "near chance": about 3 standard errors of guessing on the
# 512 held-out sequences at chance 12.5% (sqrt(0.125 * 0.875 / 512) = 0.015).
NEAR_CHANCE = 0.05


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
        return _("0 (below float precision)")
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


def tied(a: float, b: float) -> bool:
    """Equal accuracies: the same count of correct answers on the same data gives the same float."""
    return math.isclose(a, b, rel_tol=0.0, abs_tol=1e-9)


def ranking(accuracy: dict[str, float], so_far: bool = False) -> str:
    """Which cell remembers best and how far behind the worst is; cells with equal accuracy are said to be tied.

    One whole sentence per case (a tie at the top, at the bottom, everywhere, a lead too small to show); ``so_far``:
    the run is still training, so nothing is said to end."""
    top, bottom = max(accuracy.values()), min(accuracy.values())
    best = [c for c in accuracy if tied(accuracy[c], top)]
    worst = [c for c in accuracy if tied(accuracy[c], bottom)]
    if top - bottom < 0.1:
        if len(best) == len(accuracy) > 1:
            return _("All three cells are tied at {percent} on this setting.").format(percent=format_percent(top))
        if so_far:
            return _("All three cells are within 10 points of each other so far on this setting.")
        return _("All three cells end within 10 points of each other on this setting.")
    numbers = dict(best=names(best), worst=names(worst), points=f"{100 * (top - bottom):.0f}")
    if len(best) > 1:
        return _("The {best} are tied at {percent} and remember best; the {worst} is {points} points behind.").format(
            percent=format_percent(top), **numbers
        )
    if len(worst) > 1:
        return _("The {best} remembers best; the {worst} are tied, {points} points behind.").format(**numbers)
    second = max((c for c in accuracy if c not in best), key=accuracy.get)
    if format_percent(accuracy[second]) == format_percent(top):  # ahead by less than the shown percent
        return _(
            "The {best} remembers best, by less than a point over the {second}; the {worst} is {points} points behind."
        ).format(second=CELL_NAMES[second], **numbers)
    return _("The {best} remembers best; the {worst} is {points} points behind.").format(**numbers)


def trained_words(step: int | None) -> str:
    """How a reading names the weights it measured: after training, or at step N (a run still training, whose reading
    starts "So far, at step N")."""
    return _("after training") if step is None else _("at step {step}").format(step=step)


def reading(
    task: TaskData, results: dict[str, CellResult], settings: ComparisonSettings, step: int | None = None
) -> list[str]:
    """What this run shows, in words computed from its numbers: every number from one moment, the weights each
    result's ``after_training`` snapshot holds (the held-out accuracy is measured at the same weights).
    ``step``: the run is still training and this is the step it stands at (None: it has finished)."""
    sentences = []
    accuracy = {cell: r.test_accuracy for cell, r in results.items() if r.test_accuracy is not None}
    if accuracy:
        parts = ", ".join(
            _("the {cell} {percent}").format(cell=CELL_NAMES[c], percent=format_percent(a)) for c, a in accuracy.items()
        )
        chance = format_chance(task.chance_accuracy)
        if settings.task == "memory":
            sentence = _("Accuracy at gap {gap} on held-out sequences: {accuracies} (chance is {chance}).")
        else:
            sentence = _("Accuracy on training targets: {accuracies} (chance is {chance}).")
        sentences.append(sentence.format(gap=settings.gap, accuracies=parts, chance=chance))
        sentences.append(ranking(accuracy, so_far=step is not None))
    reach = {cell: float(gradient_reach(r.after_training)[0]) for cell, r in results.items()}
    first = {cell: float(gradient_reach(r.at_initialisation)[0]) for cell, r in results.items()}
    cells = ", ".join(
        _("{cell} {initial} at initialisation → {trained} {when}").format(
            cell=CELL_NAMES[c], initial=format_ratio(first[c]), trained=format_ratio(reach[c]), when=trained_words(step)
        )
        for c in reach
    )
    sentences.append(
        _("Gradient reaching step 1, relative to the last step (‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖): {cells}.").format(cells=cells)
    )
    return sentences


def gradient_reading(results: dict[str, CellResult], chance: float, step: int | None = None) -> str:
    """The gradient chart's caption: each cell's ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ after training beside its accuracy (both at
    the weights of ``after_training``), and what the pair does (and does not) say. A vanished gradient at the end of
    training is not read as "cannot learn": a cell can reach high accuracy earlier and keep it while the loss no
    longer depends on h_1 much. ``step``: the run is still training, at this step (None: it has finished)."""
    reach = {cell: float(gradient_reach(r.after_training)[0]) for cell, r in results.items()}
    accuracy = {cell: r.test_accuracy for cell, r in results.items()}
    pairs = [
        f"{CELL_NAMES[c]} {format_ratio(reach[c])}"
        if accuracy[c] is None
        else _("{cell} {ratio} (accuracy {accuracy})").format(
            cell=CELL_NAMES[c], ratio=format_ratio(reach[c]), accuracy=format_percent(accuracy[c])
        )
        for c in reach
    ]
    if step is None:
        sentences = [_("After training, ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ is {cells}.").format(cells=", ".join(pairs))]
    else:
        sentences = [
            _("So far, at step {step}, ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ is {cells}.").format(step=step, cells=", ".join(pairs))
        ]
    vanished = [c for c in reach if reach[c] < VANISHED and accuracy[c] is not None]
    recalled = [c for c in vanished if accuracy[c] > chance + NEAR_CHANCE]
    failed = [c for c in vanished if c not in recalled]
    at_start = {cell: float(gradient_reach(r.at_initialisation)[0]) for cell, r in results.items()}
    flowed = [c for c in recalled if at_start[c] >= VANISHED]  # more of it reached step 1 when training began
    if flowed and step is None:
        sentences.append(
            ngettext(
                "The {cells} has almost no gradient left at step 1 yet recalls above chance ({chance}): the two "
                "numbers measure different things. The ratio is the gradient at the weights training ended with; "
                "the accuracy is what training built up over all its steps, starting where more of the gradient "
                "reached step 1 (at initialisation {initial}). A gradient that vanishes later does not undo what was "
                "learned: it says the loss now barely changes with h_1, not that the first symbol cannot be learned.",
                "The {cells} have almost no gradient left at step 1 yet recall above chance ({chance}): the two "
                "numbers measure different things. The ratio is the gradient at the weights training ended with; "
                "the accuracy is what training built up over all its steps, starting where more of the gradient "
                "reached step 1 (at initialisation {initial}). A gradient that vanishes later does not undo what was "
                "learned: it says the loss now barely changes with h_1, not that the first symbol cannot be learned.",
                len(flowed),
            ).format(cells=names(flowed), chance=format_chance(chance), initial=initial_ratios(flowed, at_start))
        )
    elif flowed:
        sentences.append(
            ngettext(
                "The {cells} has almost no gradient left at step 1 yet recalls above chance ({chance}): the two "
                "numbers measure different things. The ratio is the gradient at the weights of step {step}; the "
                "accuracy is what training has built up over its steps so far, starting where more of the gradient "
                "reached step 1 (at initialisation {initial}). A gradient that vanishes later does not undo what was "
                "learned: it says the loss now barely changes with h_1, not that the first symbol cannot be learned.",
                "The {cells} have almost no gradient left at step 1 yet recall above chance ({chance}): the two "
                "numbers measure different things. The ratio is the gradient at the weights of step {step}; the "
                "accuracy is what training has built up over its steps so far, starting where more of the gradient "
                "reached step 1 (at initialisation {initial}). A gradient that vanishes later does not undo what was "
                "learned: it says the loss now barely changes with h_1, not that the first symbol cannot be learned.",
                len(flowed),
            ).format(
                cells=names(flowed), chance=format_chance(chance), initial=initial_ratios(flowed, at_start), step=step
            )
        )
    scarce = [c for c in recalled if c not in flowed]  # little reached step 1 even at the start
    if scarce and step is None:
        sentences.append(
            ngettext(
                "The {cells} has almost no gradient left at step 1, and had little at initialisation too ({initial}), "
                "yet recalls above chance ({chance}): the ratio is a share of the last step's gradient at one set of "
                "weights, the accuracy what training built up over all its steps. A small share is not none: at "
                "these weights the loss barely changes with h_1, which does not mean the first symbol cannot be "
                "learned.",
                "The {cells} have almost no gradient left at step 1, and had little at initialisation too "
                "({initial}), yet recall above chance ({chance}): the ratio is a share of the last step's gradient at "
                "one set of weights, the accuracy what training built up over all its steps. A small share is not "
                "none: at these weights the loss barely changes with h_1, which does not mean the first symbol "
                "cannot be learned.",
                len(scarce),
            ).format(cells=names(scarce), chance=format_chance(chance), initial=initial_ratios(scarce, at_start))
        )
    elif scarce:
        sentences.append(
            ngettext(
                "The {cells} has almost no gradient left at step 1, and had little at initialisation too ({initial}), "
                "yet recalls above chance ({chance}): the ratio is a share of the last step's gradient at the weights "
                "of step {step}, the accuracy what training has built up over its steps so far. A small share is not "
                "none: at these weights the loss barely changes with h_1, which does not mean the first symbol cannot "
                "be learned.",
                "The {cells} have almost no gradient left at step 1, and had little at initialisation too "
                "({initial}), yet recall above chance ({chance}): the ratio is a share of the last step's gradient at "
                "the weights of step {step}, the accuracy what training has built up over its steps so far. A small "
                "share is not none: at these weights the loss barely changes with h_1, which does not mean the first "
                "symbol cannot be learned.",
                len(scarce),
            ).format(
                cells=names(scarce), chance=format_chance(chance), initial=initial_ratios(scarce, at_start), step=step
            )
        )
    if failed:
        sentences.append(
            ngettext(
                "The {cells} has almost no gradient left at step 1 and stays near chance ({chance}): training gets "
                "almost no signal about the first symbol, the textbook vanishing gradient.",
                "The {cells} have almost no gradient left at step 1 and stay near chance ({chance}): training gets "
                "almost no signal about the first symbol, the textbook vanishing gradient.",
                len(failed),
            ).format(cells=names(failed), chance=format_chance(chance))
        )
    if not vanished:
        sentences.append(
            _("In every cell more than {share} of the last step's gradient reaches step 1.").format(
                share=format_ratio(VANISHED)
            )
        )
    return " ".join(sentences)


def cell_state_conclusion(cell: float, hidden: float) -> str:
    """What the two ratios at step 1 say, one whole clause per case: how much of the gradient the cell state
    keeps (all of it, or a share) and how that compares with the path along h_t."""
    if cell < VANISHED:
        return _("the gradient fades along the cell state too: at these weights the loss barely changes with c_1.")
    factor = cell / hidden if hidden > 0 else float("inf")
    kept, times = format_ratio(cell), format_ratio(factor)
    if cell >= 1:
        if factor == float("inf"):
            clause = _(
                "along the cell state the gradient arrives at step 1 at least as large as it left the last step, "
                "far more than along h_t."
            )
        elif factor >= 2:
            clause = _(
                "along the cell state the gradient arrives at step 1 at least as large as it left the last step, "
                "{times} times as much as along h_t."
            )
        elif factor > 0.5:
            clause = _(
                "along the cell state the gradient arrives at step 1 at least as large as it left the last step, "
                "about as much as along h_t."
            )
        else:
            clause = _(
                "along the cell state the gradient arrives at step 1 at least as large as it left the last step, "
                "less than along h_t ({times} times as much)."
            )
    elif factor == float("inf"):
        clause = _(
            "along the cell state the gradient keeps {kept} of its size on the way back to step 1, far more than "
            "along h_t."
        )
    elif factor >= 2:
        clause = _(
            "along the cell state the gradient keeps {kept} of its size on the way back to step 1, {times} times "
            "as much as along h_t."
        )
    elif factor > 0.5:
        clause = _(
            "along the cell state the gradient keeps {kept} of its size on the way back to step 1, about as much "
            "as along h_t."
        )
    else:
        clause = _(
            "along the cell state the gradient keeps {kept} of its size on the way back to step 1, less than along "
            "h_t ({times} times as much)."
        )
    return clause.format(kept=kept, times=times)


def cell_state_reading(snapshot: Snapshot, layer: int = 0) -> str | None:
    """The LSTM's two paths back, compared at step 1: along h_t and along the cell state c_t (None without one)."""
    along_cell = cell_state_reach(snapshot, layer)
    if along_cell is None:
        return None
    cell, hidden = float(along_cell[0]), float(gradient_reach(snapshot, layer)[0])
    return ngettext(
        "After {step} step, ‖∂L/∂c_1‖ ÷ ‖∂L/∂c_T‖ is {cell} while ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ is {hidden}: {conclusion}",
        "After {step} steps, ‖∂L/∂c_1‖ ÷ ‖∂L/∂c_T‖ is {cell} while ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ is {hidden}: {conclusion}",
        snapshot.epoch,
    ).format(
        step=snapshot.epoch,
        cell=format_ratio(cell),
        hidden=format_ratio(hidden),
        conclusion=cell_state_conclusion(cell, hidden),
    )


def initial_ratios(cells: Sequence[str], ratios: dict[str, float]) -> str:
    """'0.012' for one cell, 'RNN 0.012, GRU 0.3' for several: ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ at initialisation."""
    if len(cells) == 1:
        return format_ratio(ratios[cells[0]])
    return ", ".join(f"{CELL_NAMES[c]} {format_ratio(ratios[c])}" for c in cells)


def names(cells: Sequence[str]) -> str:
    """'RNN', 'RNN and GRU', 'RNN, LSTM and GRU'."""
    shown = [CELL_NAMES[c] for c in cells]
    if len(shown) == 1:
        return shown[0]
    return _("{cells} and {last}").format(cells=", ".join(shown[:-1]), last=shown[-1])
