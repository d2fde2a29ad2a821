"""core.screens.hihello.seed_readings: "says 'ihello' at the end on k of n seeds", counted from the runs themselves.

The two setups are far from any tipping point: one barely moves its initial weights (10 epochs at the smallest
learning rate), one ends with a loss around 1e-5 on every seed (a linear readout, 16 units, 300 epochs)."""

from __future__ import annotations

import pytest

from core.runs.seeds import SeedRuns
from core.screens.hihello.seed_readings import last_words, seeds_reading, seeds_saying_the_target
from core.screens.hihello.settings import HiHelloSettings
from core.screens.registry import screen
from core.words.i18n import speaking
from tests.words.korean_text import has_hangul

UNTRAINED = HiHelloSettings(epochs=10, learning_rate=0.001)
LEARNS = HiHelloSettings(epochs=300, readout="linear", hidden_size=16)


def trained(settings: HiHelloSettings, seeds=(0, 1)) -> list:
    job = SeedRuns(screen("hihello").build, settings, seeds)
    job.advance()
    return job.runs()


@pytest.fixture(scope="module")
def runs():
    return {"untrained": trained(UNTRAINED), "learns": trained(LEARNS)}


def test_the_count_flips_with_what_the_runs_say(runs):
    learns, untrained = runs["learns"], runs["untrained"]
    assert [last_words(run) for run in learns] == ["ihello"] * 2
    assert seeds_saying_the_target(learns) == [0, 1]
    assert seeds_reading(learns).worded() == "The network says 'ihello' at the end on 2 of 2 seeds."
    assert seeds_saying_the_target(untrained) == []
    said = [last_words(run) for run in untrained]
    assert seeds_reading(untrained).worded() == (
        "The network says 'ihello' at the end on 0 of 2 seeds. The others end saying: "
        f"'{said[0]}' (seed 0); '{said[1]}' (seed 1)."
    )
    mixed = [learns[0], untrained[1]]
    assert seeds_reading(mixed).worded() == (
        f"The network says 'ihello' at the end on 1 of 2 seeds. The others end saying: '{said[1]}' (seed 1)."
    )
    one = seeds_reading(learns[:1]).worded()
    assert one == "The network says 'ihello' at the end on 1 of 1 seed."


def test_the_reading_is_in_korean_too(runs):
    with speaking("ko"):
        assert has_hangul(seeds_reading(runs["untrained"]).worded())
