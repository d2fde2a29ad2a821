"""core.screens.rnn_vs_lstm_gru.seed_readings: per cell "beats chance on k of n seeds (median held-out accuracy x%)",
with the lessons' threshold (seed_readings.BEATS_CHANCE times chance), from the runs' own held-out accuracy."""

from __future__ import annotations

import dataclasses

from core.runs.seeds import SeedRuns
from core.screens.registry import screen
from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings, compare
from core.screens.rnn_vs_lstm_gru.seed_readings import BEATS_CHANCE, accuracies, seeds_beating_chance, seeds_reading
from core.words.i18n import speaking
from tests.words.korean_text import has_hangul

QUICK = ComparisonSettings(gap=4, steps=20, hidden_size=8, test_sequences=64, batch_size=32)


def test_a_cell_beats_chance_from_the_threshold_on():
    chance = 0.125
    threshold = BEATS_CHANCE * chance
    assert seeds_beating_chance([threshold, threshold - 1e-9, 1.0], chance) == 2
    reading = seeds_reading({"rnn": [0.1, 0.2, 0.3], "lstm": [0.9, 1.0, threshold]}, chance).worded()
    assert reading == (
        "Chance is 12.5%; a cell beats it at 25% or more. RNN beats chance on 1 of 3 seeds (median held-out accuracy "
        "20%); LSTM beats chance on 3 of 3 seeds (median held-out accuracy 90%)."
    )
    flipped = seeds_reading({"rnn": [0.1, 0.26, 0.3]}, chance).worded()
    assert "RNN beats chance on 2 of 3 seeds (median held-out accuracy 26%)" in flipped
    assert "median training accuracy" in seeds_reading({"rnn": [0.5]}, chance, held_out=False).worded()
    with speaking("ko"):
        assert has_hangul(seeds_reading({"rnn": [0.1]}, chance).worded())


def test_the_accuracies_are_each_seeds_own_held_out_accuracy():
    job = SeedRuns(screen("rnn_vs_lstm_gru").build, QUICK, [0, 1])
    job.advance()
    per_cell, chance = accuracies(job.runs())
    assert chance == 1 / QUICK.num_symbols
    for index, seed in enumerate([0, 1]):
        _task, alone = compare(dataclasses.replace(QUICK, seed=seed))
        assert {cell: values[index] for cell, values in per_cell.items()} == {
            cell: result.test_accuracy for cell, result in alone.items()
        }
