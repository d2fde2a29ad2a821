"""The Basics screen's registry entry: it trains nothing, so it has no settings class, run, script or presets."""

from __future__ import annotations

from core.screens.basics import KEY
from core.screens.screen import Screen
from core.words.i18n import N_

SCREEN = Screen(
    KEY,
    N_("Basics"),
    ":material/calculate:",
    N_("The cell's arithmetic step by step: one-hot inputs, shapes, why tanh."),
    notes=("simple_rnn", "tanh", "intuition"),
)
