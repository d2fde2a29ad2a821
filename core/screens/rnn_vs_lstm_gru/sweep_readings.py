"""What the gap sweep says: how each cell's accuracy moves as the gap grows, and where it falls to chance.

One whole clause per shape of a cell's curve (falls, rises, stays, goes up and down), so that a translation can
put each in its own word order; the sentence names the cells near chance with the threshold it used.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.engine.cells import CELL_NAMES
from core.screens.rnn_vs_lstm_gru.readings import NEAR_CHANCE, format_chance, format_percent
from core.words.i18n import _, pgettext

# A step between neighbouring gaps smaller than this is not read as a rise or a fall (seed-to-seed noise is
# larger), and a cell whose accuracy spans less than FLAT over the whole sweep "stays" where it is.
STEADY = 0.05
FLAT = 0.10


def sweep_shape(points: Sequence[tuple[int, float]]) -> str:
    """How one cell's accuracy moves with the gap (points sorted by gap): its ends, and whether it falls or rises
    steadily, stays flat, or goes up and down. One whole clause per case."""
    gaps, values = [g for g, _a in points], [float(a) for _g, a in points]
    lowest, highest = min(values), max(values)
    if highest - lowest < FLAT:
        low, high = format_percent(lowest), format_percent(highest)
        if low != high:
            return _("stays at {low}–{high} at every gap").format(low=low.rstrip("%"), high=high)
        if len(points) > 1:
            return _("stays at {percent} at every gap").format(percent=low)
        return _("stays at {percent} at gap {gap}").format(percent=low, gap=gaps[0])
    ends = dict(first=format_percent(values[0]), first_gap=gaps[0], last=format_percent(values[-1]), last_gap=gaps[-1])
    steps = np.diff(values)
    if (steps <= STEADY).all() and values[-1] < values[0]:
        return _("falls from {first} at gap {first_gap} to {last} at gap {last_gap}").format(**ends)
    if (steps >= -STEADY).all() and values[-1] > values[0]:
        return _("rises from {first} at gap {first_gap} to {last} at gap {last_gap}").format(**ends)
    low, high = values.index(lowest), values.index(highest)
    extremes = dict(lowest=format_percent(lowest), lowest_gap=gaps[low], highest=format_percent(highest))
    if high not in (0, len(values) - 1):
        return _(
            "goes from {first} at gap {first_gap} to {last} at gap {last_gap}, not steadily: lowest {lowest} at gap "
            "{lowest_gap}, highest {highest} at gap {highest_gap}"
        ).format(**ends, **extremes, highest_gap=gaps[high])
    return _(
        "goes from {first} at gap {first_gap} to {last} at gap {last_gap}, not steadily: lowest {lowest} at gap "
        "{lowest_gap}"
    ).format(**ends, **extremes)


def sweep_phrase(gaps: Sequence[int], values: Sequence[float], chance: float) -> str:
    """How one cell's accuracy moves with the gap: its ends, whether it falls steadily, where it is near chance."""
    points = sorted(zip(gaps, values, strict=True))
    gaps, values = [g for g, _a in points], [float(a) for _g, a in points]
    shape = sweep_shape(points)
    near = [g for g, a in points if a <= chance + NEAR_CHANCE]
    if not near:
        if min(values) > 0.5:
            return shape
        where = _("never near chance")
    elif near == gaps[len(gaps) - len(near) :]:
        if len(near) == len(gaps):
            where = _("near chance at every gap")
        else:
            where = _("near chance from gap {gap} on").format(gap=near[0])
    else:
        where = _("near chance at gap {gaps} only").format(gaps=", ".join(str(g) for g in near))
    return _("{shape}, {near_chance}").format(shape=shape, near_chance=where)


def sweep_reading(gaps: Sequence[int], accuracy: dict[str, list[float]], chance: float) -> str:
    """What the sweep's chart shows, per cell, in one sentence computed from its points."""
    parts = [
        _("the {cell} {phrase}").format(cell=CELL_NAMES[cell], phrase=sweep_phrase(gaps, values, chance))
        for cell, values in accuracy.items()
    ]
    # Between the cells' parts; a language whose parts are whole sentences joins them with a space.
    separator = pgettext("between the cells' parts of the sweep sentence", "; ")
    return _("In this sweep (chance {chance}, near chance = within {points} points of it): {cells}.").format(
        chance=format_chance(chance), points=f"{100 * NEAR_CHANCE:.0f}", cells=separator.join(parts)
    )
