"""What the comparison's input-to-output maps say: how strongly each racing cell's output at the chosen step (the
recall step on the memory task) depends on input step 1, the symbol to remember, and how many times more than the
other cells' (the map is core.engine.influence). Time steps are counted from 1 in every sentence, as on screen."""

from __future__ import annotations

from collections.abc import Mapping

from core.charts.axes import readable_number
from core.engine.cells import CELL_NAMES
from core.engine.influence import format_weight
from core.words.i18n import N_
from core.words.message import Message, joined, said

# Two influences within this factor of each other are "about the same": a factor of 1.5 is well inside what another
# seed moves them by, while the lesson's difference (an LSTM against an RNN at gap 30) is several orders of magnitude.
ABOUT_EQUAL = 1.5


def format_times(ratio: float) -> str:
    """How many times more, to two digits: 3.4, 45, 1,200, 80,000, then 3.4×10⁷."""
    rounded = float(f"{ratio:.2g}")
    if rounded >= 100_000:
        return readable_number(rounded)
    return f"{rounded:,.0f}" if rounded >= 100 else f"{rounded:g}"


def first_input_reading(weights: Mapping[str, float], output_step: int, recall: bool = True) -> Message:
    """``weights``: {cell: ‖∂y_t/∂x_1‖} at the chosen output step (0-based ``output_step``). Which cell's output depends
    most on input step 1, and by how many times more than each other cell's; cells within ``ABOUT_EQUAL`` of it
    are said to depend about as much, and all of them within it are said to depend about equally."""
    step = output_step + 1
    values = {cell: float(weight) for cell, weight in weights.items()}
    strongest = max(values, key=values.get)  # the first of equals, in the race's order
    top = values[strongest]
    if not top > 0:
        return said(N_("No cell's output at step {step} depends on input step 1 at these weights."), step=step)
    others = [cell for cell in values if cell != strongest]
    listed = joined(
        [said(N_("{cell} {norm}"), cell=CELL_NAMES[cell], norm=format_weight(values[cell])) for cell in values],
        ", ",
    )
    if all(values[cell] * ABOUT_EQUAL >= top for cell in others):
        text = (
            N_("The cells' recall outputs at step {step} depend on input step 1 about equally ({norms}).")
            if recall
            else N_("The cells' outputs at step {step} depend on input step 1 about equally ({norms}).")
        )
        return said(text, step=step, norms=listed)
    comparisons = []
    for cell in others:
        value = values[cell]
        if value * ABOUT_EQUAL >= top:
            comparisons.append(
                said(N_("about as much as the {cell}'s ({norm})"), cell=CELL_NAMES[cell], norm=format_weight(value))
            )
        elif value > 0:
            comparisons.append(
                said(
                    N_("{times} times more than the {cell}'s ({norm})"),
                    times=format_times(top / value),
                    cell=CELL_NAMES[cell],
                    norm=format_weight(value),
                )
            )
        else:
            comparisons.append(said(N_("while the {cell}'s does not depend on it at all (0)"), cell=CELL_NAMES[cell]))
    text = (
        N_("The {cell}'s recall output at step {step} depends on input step 1 with ‖∂y/∂x₁‖ = {norm}, {comparisons}.")
        if recall
        else N_("The {cell}'s output at step {step} depends on input step 1 with ‖∂y/∂x₁‖ = {norm}, {comparisons}.")
    )
    return said(
        text, cell=CELL_NAMES[strongest], step=step, norm=format_weight(top), comparisons=joined(comparisons, ", ")
    )
