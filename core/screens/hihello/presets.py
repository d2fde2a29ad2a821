"""The HiHello screen's teaching presets (core.runs.presets.Preset): each loads one idea, with
the sentence saying what to look for; tests/runs/test_presets.py runs every one and checks its promise."""

from __future__ import annotations

from core.runs.presets import Preset
from core.words.i18n import N_

PRESETS = (
    Preset(
        "lab",
        N_("The lab's setting"),
        N_("The study note's setup with the screen's seed 2: in 100 epochs the network learns to say 'ihello'."),
        {},
        {"predicted": "ihello", "state": "learned"},
    ),
    Preset(
        "stuck",
        N_("Seed 0 gets stuck"),
        N_(
            "The lab's own seed 0: the loss flattens and the network keeps saying 'ilello', one character wrong. "
            "Same data, same learning rate: only the initial weights differ."
        ),
        {"seed": 0},
        {"predicted": "ilello", "state": "stuck"},
    ),
    Preset(
        "saturated",
        N_("Learning rate 10 saturates tanh"),
        N_(
            "The lab's network at learning rate 10: within a few epochs its weights grow so large that every "
            "hidden state sits at −1 or 1, where tanh is flat. From then on every weight's gradient is exactly 0 "
            "(the lines of the per-weight gradient chart stop there: a log scale cannot draw 0), the loss stays "
            "flat and the prediction stuck: more epochs change nothing. With the “Learning rate (Adam)” slider "
            "above the charts at 0.1, the lab's rate, the same network learns 'ihello'."
        ),
        {"learning_rate": 10.0},
        {
            "state": "stuck",
            "diagnosis": "saturated",
            "saturated_at_least": 0.99,  # the share of hidden states beyond ±0.99 ("every")
            "flat_by_epoch": 10,  # the loss flat, the prediction fixed and every gradient 0 from here at the latest
            "learns_at": 0.1,
        },
    ),
    Preset(
        "overshoot",
        N_("Learning rate 10 overshoots"),
        N_(
            "With a linear output layer the scores have no bound, and every step of learning rate 10 jumps too "
            "far: the loss zigzags up and down, ends far above where it began, and the prediction never becomes "
            "'ihello'. Set the “Learning rate (Adam)” slider above the charts to 1 and press Reset: the loss ends "
            "far lower. At 0.1 the network learns 'ihello'."
        ),
        {"learning_rate": 10.0, "readout": "linear"},
        {
            "state": "stuck",
            "diagnosis": "unsteady",
            "zigzags_at_least": 20,  # sign changes of the loss's epoch-to-epoch steps larger than ZIGZAG_STEP
            "ends_above_start": 2.0,  # the last loss at least this many times the first ("far above")
            "never_predicts": "ihello",
            "far_lower_at": 1.0,  # at this rate the last loss is under half of this run's ("far lower")
            "learns_at": 0.1,
        },
    ),
    Preset(
        "korean",
        N_("A Korean word"),
        N_(
            "The characters are Hangul syllables, one-hot encoded just like Latin letters: from '안녕하세' the "
            "network learns to say '녕하세요', the same way as 'ihello'."
        ),
        {"word": "안녕하세요"},
        {"predicted": "녕하세요", "state": "learned"},
    ),
)
