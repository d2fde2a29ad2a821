"""Colour ranges that hold still while the learner scrubs through the epochs.

A heatmap refitted to every snapshot compares different colours: ±0.6 at epoch 0 and ±1 at epoch 100
would both look saturated. Bounded quantities keep their natural range; an unbounded one (a ReLU
state) gets one range for the whole run, taken from the run's snapshots.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from core.engine.cells import cell_entry, signed_gate

if TYPE_CHECKING:
    from core.engine.records import Snapshot, TrainingHistory

TANH_RANGE = (-1.0, 1.0)  # tanh, and the h_t of an LSTM (o·tanh c) or a GRU (a mix of tanh values)
UNIT_RANGE = (0.0, 1.0)  # sigmoid gates, probabilities


def rounded_up(value: float) -> float:
    """``value`` rounded up to two significant digits, so a colour bar ends on a readable number."""
    if not value > 0:
        return 1.0
    scale = 10.0 ** (np.floor(np.log10(value)) - 1)
    return float(f"{np.ceil(value / scale - 1e-9) * scale:.12g}")  # 2.4, not 2.4000000000000004


def hidden_state_range(cell: str, nonlinearity: str, snapshots: Sequence[Snapshot] = ()) -> tuple[float, float]:
    """The colour range of h_t for the whole run: −1…1 wherever tanh bounds it, else 0…the largest ReLU
    activation over ``snapshots`` (each is probed once and kept)."""
    if cell_entry(cell).bounded(nonlinearity):
        return TANH_RANGE
    top = max((float(np.max(h)) for s in snapshots for h in s.probe.hidden if h.size), default=1.0)
    return (0.0, rounded_up(top))


def probed(snapshot: Snapshot) -> bool:
    """Whether someone has looked inside ``snapshot`` already (its cached probe is in the instance)."""
    return "probe" in vars(snapshot)


def run_hidden_range(history: TrainingHistory, settled: bool = True) -> tuple[float, float]:
    """``hidden_state_range`` of the run that ``history`` records. A ReLU range needs every snapshot probed
    (measured: 10 ms for HiHello's 21 snapshots, about 1.5 s for a 3-layer ReLU RNN of 64 units on a
    33-character word under load), so that happens once the run is ``settled`` (paused, finished,
    replaying), when the learner can scrub. While it trains, the range covers the snapshots already
    looked at: it only grows, and training pays for no probe it would not have made anyway."""
    config = getattr(history.model, "config", None)
    if config is None:
        return TANH_RANGE
    snapshots = history.snapshots if settled else [s for s in history.snapshots if probed(s)]
    return hidden_state_range(config.cell, config.nonlinearity, snapshots)


def gate_range(name: str, values: np.ndarray | None = None) -> tuple[float, float]:
    """Sigmoid gates 0…1, tanh candidates −1…1; an LSTM's cell state (anything else) is unbounded, so it
    gets ±1 or, once it grows past 1, ± its largest magnitude."""
    if signed_gate(name):
        return TANH_RANGE
    if name.startswith("cell state"):
        bound = 1.0 if values is None or not np.size(values) else max(1.0, float(np.nanmax(np.abs(values))))
        return (-rounded_up(bound), rounded_up(bound))
    return UNIT_RANGE
