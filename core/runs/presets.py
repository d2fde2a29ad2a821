"""Teaching presets: per screen, named setups that each show one idea, with the sentence saying what to look for.

A preset is only settings that differ from the screen's defaults, so it is also a link (``query``): a teacher can
hand out the preset's link, or write their own. ``promise`` is what the preset claims will happen, in a form the
tests check by running it (tests/test_presets.py): a sentence on screen that a run does not bear out is a bug.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.runs.links import link_text
from core.words.i18n import N_


@dataclass(frozen=True)
class Preset:
    name: str  # short, for keys and links: never translated
    title: str  # the button's label (English source, ``N_``: translated where shown)
    look_for: str  # what the learner should watch, shown while the setup is loaded (English source, ``N_``)
    settings: dict[str, object] = field(default_factory=dict)  # field name -> value; the rest are the defaults
    promise: dict[str, object] = field(default_factory=dict)  # what a run of it shows (the screen's test reads it)

    def settings_over(self, defaults: Any, also: Mapping[str, object] | None = None) -> dict[str, object]:
        """Every setting: the preset's, and the defaults for the rest (``also``: controls that are no field of the
        settings class, such as a data source, with their defaults)."""
        return {**(also or {}), **dataclasses.asdict(defaults), **self.settings}

    def query(self, screen: str) -> dict[str, str]:
        """The preset as URL parameters (what a teacher puts after the ``?``)."""
        return {f"{screen}_{name}": link_text(value) for name, value in self.settings.items()}


PRESETS: dict[str, tuple[Preset, ...]] = {
    "hihello": (
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
    ),
    "longseq": (
        Preset(
            "lab",
            N_("The lab's sentence"),
            N_(
                "The study note's sentence in windows of 10 characters: within 100 epochs the network reads it back "
                "almost perfectly."
            ),
            {},
            {"read_back_at_least": 0.95},
        ),
        Preset(
            "short_window",
            N_("Window 2 is too short"),
            N_(
                "Each window shows only 2 characters, and the same 2 characters are followed by different ones in "
                "different places: no model can read back more than 76.0% of this sentence (136 of 179 characters), "
                "and training ends within two characters of that. A longer window raises the limit: 91.1% at 3 "
                "characters, 100% at 8."
            ),
            {"sequence_length": 2},
            # The ceiling (core.screens.long_sequences.read_back_ceiling, 136 of 179) and two characters below it;
            # seeds 0-9 end at 135-136.
            {"read_back_at_most": 136 / 179, "read_back_at_least": 134 / 179},
        ),
        Preset(
            "korean",
            N_("A Korean sentence"),
            N_(
                "Hangul syllables are characters like any other: the network reads this Korean sentence back almost "
                "perfectly, one syllable at a time."
            ),
            {"text": "나는 한국에서 자랐고 나는 한국어를 유창하게 한다. 하늘에 떠있는 구름"},
            {"read_back_at_least": 0.95},
        ),
    ),
    "timeseries": (
        Preset(
            "prices",
            N_("The naive forecast wins on prices"),
            N_(
                "On the stock-like prices the lab's LSTM loses to “the next value = the last one”: a price's next day "
                "is close to today's, and what moves it is not in the past values. Compare the two errors below."
            ),
            {"source": "stock"},
            {"model_wins": False},
        ),
        Preset(
            "seasonal",
            N_("Seasonal data: the model wins"),
            N_(
                "On a series with a repeating season the past does say what comes next: the same LSTM beats the naive "
                "forecast by a clear margin."
            ),
            {"source": "seasonal"},
            {"model_wins": True},
        ),
    ),
    "compare": (
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
    ),
}


def presets_for(screen: str) -> tuple[Preset, ...]:
    return PRESETS.get(screen, ())


def matching_preset(
    screen: str, values: dict[str, object], defaults: Any, also: Mapping[str, object] | None = None
) -> Preset | None:
    """The preset whose setup is exactly the one on screen, if any (the first, when several match)."""
    for preset in presets_for(screen):
        wanted = preset.settings_over(defaults, also)
        if all(same_value(values.get(name, wanted[name]), wanted[name]) for name in wanted):
            return preset
    return None


def same_value(a: object, b: object) -> bool:
    """Equal settings, with 3 and 3.0 (a whole number from a float control) the same."""
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b)
    return a == b
