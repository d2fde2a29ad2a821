"""The Long sequences screen's teaching presets (core.runs.presets.Preset): each loads one idea, with
the sentence saying what to look for; tests/runs/test_presets.py runs every one and checks its promise."""

from __future__ import annotations

from core.runs.presets import Preset
from core.words.i18n import N_

PRESETS = (
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
)
