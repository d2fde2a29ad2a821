"""The RNN vs LSTM/GRU screen's teaching presets (core.runs.presets.Preset): each loads one idea, with
the sentence saying what to look for; tests/runs/test_presets.py runs every one and checks its promise."""

from __future__ import annotations

from core.runs.presets import Preset
from core.words.i18n import N_

PRESETS = (
    Preset(
        "short_gap",
        N_("Gap 5: all three remember"),
        N_(
            "With only 5 distractors to carry the symbol across, the plain RNN learns the task as well as the "
            "LSTM and the GRU: all three end near 100% test accuracy."
        ),
        {"gap": 5},
        {"all_at_least": 0.9},
    ),
    Preset(
        "long_gap",
        N_("Gap 30: the RNN forgets"),
        N_(
            "Over 30 distractor steps the RNN's gradient fades before it reaches the first symbol: it stays far "
            "below the LSTM and the GRU, which carry it through their gates."
        ),
        {"gap": 30},
        {"rnn_below_both": True},
    ),
    Preset(
        "no_gate_bias",
        N_("No keep-gate bias: the gates fail too"),
        N_(
            "Gap 30 with the LSTM's forget gate and the GRU's update gate starting half open (torch's default): "
            "now they end at chance too (12.5%) in 300 steps. Starting the gates open is what lets the gradient "
            "reach the first symbol."
        ),
        {"gap": 30, "keep_gate_bias": 0.0},
        {"gated_at_most": 0.2},
    ),
)
