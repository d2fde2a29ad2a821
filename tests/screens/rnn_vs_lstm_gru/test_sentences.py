"""Every sentence the RNN vs LSTM/GRU screen computes, over seeds 0-9, checked against the numbers it describes.

Real training on a reduced setting (a short gap, few steps, small cells), so ten seeds give a spread of outcomes
at a few seconds each; the screen's defaults are held by test_comparison.py's slow textbook-effect test.
Each check reads the numbers back out of the sentence and compares them with the results, then checks that
every verdict the sentence gives (best, near chance, vanished, falls, …) holds for those numbers.
"""

import re

import pytest

from core.engine.cells import CELL_NAMES
from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings, compare, gap_sweep
from core.screens.rnn_vs_lstm_gru.readings import (
    NEAR_CHANCE,
    VANISHED,
    cell_state_reach,
    cell_state_reading,
    format_chance,
    gradient_reach,
    gradient_reading,
    reading,
)
from core.screens.rnn_vs_lstm_gru.sweep_readings import sweep_reading

REDUCED = ComparisonSettings(gap=8, steps=30, hidden_size=8, test_sequences=128, batch_size=16)
SWEEP_GAPS = [2, 8]
NAME = "(RNN|LSTM|GRU)"
RATIO = r"(0 \(below float precision\)|[0-9.e+-]+)"
CELL_OF = {name: cell for cell, name in CELL_NAMES.items()}


def ratio(text: str) -> float:
    return 0.0 if text.startswith("0 (below float precision)") else float(text)


def percent(value: float) -> int:
    return round(100 * value)


def close(shown: float, actual: float) -> bool:
    """A ratio printed to two significant digits against its value."""
    return shown == pytest.approx(actual, rel=0.05, abs=0.0)


def check_reading(text, chance, results):
    accuracy = {c: r.test_accuracy for c, r in results.items()}
    for cell, value in accuracy.items():
        assert f"the {CELL_NAMES[cell]} {percent(value)}%" in text
    assert f"(chance is {format_chance(chance)})" in text and format_chance(chance) == "12.5%"
    top, bottom = max(accuracy.values()), min(accuracy.values())
    spread = top - bottom
    cells = rf"{NAME}(?: and {NAME})?"
    ranked = re.search(
        rf"The {cells} (?:are tied at (\d+)% and remember best|remembers best(?:, by less than a point over the "
        rf"{NAME})?); the {cells} (?:is|are tied,) (\d+) points behind",
        text,
    )
    if ranked:
        first, second, _tied_at, runner_up, last, last_second, points = ranked.groups()
        best = {CELL_OF[n] for n in (first, second) if n}
        worst = {CELL_OF[n] for n in (last, last_second) if n}
        assert best == {c for c, a in accuracy.items() if a == top}  # "tied" exactly when the counts are equal
        assert worst == {c for c, a in accuracy.items() if a == bottom}
        assert int(points) == round(100 * spread) and spread >= 0.1
        if runner_up:  # a lead smaller than the shown percent is said to be one
            assert percent(accuracy[CELL_OF[runner_up]]) == percent(top) and accuracy[CELL_OF[runner_up]] < top
    elif "All three cells are tied" in text:
        assert spread == 0
    else:
        assert "All three cells end within 10 points of each other" in text and 0 < spread < 0.1
    found = re.findall(rf"{NAME} {RATIO} at initialisation → {RATIO} after training", text)
    assert {name for name, _, _ in found} == {"RNN", "LSTM", "GRU"}
    for name, initial, trained in found:
        result = results[CELL_OF[name]]
        assert close(ratio(initial), gradient_reach(result.at_initialisation)[0])
        assert close(ratio(trained), gradient_reach(result.after_training)[0])


def check_gradient_reading(text, chance, results):
    reach = {c: float(gradient_reach(r.after_training)[0]) for c, r in results.items()}
    accuracy = {c: r.test_accuracy for c, r in results.items()}
    pairs = re.findall(rf"{NAME} {RATIO} \(accuracy (\d+)%\)", text)
    assert len(pairs) == 3
    for name, shown, shown_accuracy in pairs:
        assert close(ratio(shown), reach[CELL_OF[name]]) and int(shown_accuracy) == percent(accuracy[CELL_OF[name]])
    named = set()
    for who, verdict in re.findall(r"The ([A-Z, and]+?) ha(?:s|ve) almost no gradient left at step 1 (yet|and)", text):
        for name in re.split(r", | and ", who):
            cell = CELL_OF[name]
            named.add(cell)
            assert reach[cell] < VANISHED
            if verdict == "yet":  # "yet recalls above chance"
                assert accuracy[cell] > chance + NEAR_CHANCE
            else:  # "and stays near chance"
                assert accuracy[cell] <= chance + NEAR_CHANCE
    assert named == {c for c in reach if reach[c] < VANISHED}
    assert ("In every cell more than 0.001" in text) == (not named)
    assert "cannot be learned." not in text.replace("not that the first symbol cannot be learned.", "")


def check_cell_state_reading(text, snapshot):
    cell, hidden = float(cell_state_reach(snapshot)[0]), float(gradient_reach(snapshot)[0])
    shown = re.search(rf"‖∂L/∂c_1‖ ÷ ‖∂L/∂c_T‖ is {RATIO} while ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ is {RATIO}: ", text)
    assert close(ratio(shown[1]), cell) and close(ratio(shown[2]), hidden)
    if "fades along the cell state too" in text:
        assert cell < VANISHED
        return
    assert cell >= VANISHED
    assert ("at least as large as it left the last step" in text) == (cell >= 1)
    kept = re.search(r"keeps (\S+) of its size", text)
    assert (kept is not None) == (cell < 1) and (kept is None or close(float(kept[1]), cell))
    times = re.search(r", (\S+) times as much as along h_t\.", text)
    if times:
        assert close(float(times[1]), cell / hidden) and cell / hidden >= 2 * 0.95
    elif "about as much as along h_t" in text:
        assert 0.5 < cell / hidden < 2
    else:
        assert "less than along h_t" in text and cell / hidden <= 0.5


def check_sweep_reading(text, gaps, accuracy, chance):
    assert text.startswith(f"In this sweep (chance {format_chance(chance)}, near chance = within 5 points of it): ")
    phrases = text.split(": ", 1)[1].rstrip(".").split("; ")
    assert len(phrases) == 3
    for phrase in phrases:
        name, words = re.match(rf"the {NAME} (.*)", phrase).groups()
        values = dict(zip(gaps, accuracy[CELL_OF[name]], strict=True))
        for shown, gap in re.findall(r"(\d+)% at gap (\d+)", words):
            assert int(shown) == percent(values[int(gap)])
        first, last = values[gaps[0]], values[gaps[-1]]
        if words.startswith("falls"):
            assert first > last
        elif words.startswith("rises"):
            assert first < last
        elif words.startswith("stays"):
            low, high = re.match(r"stays at (\d+)(?:–(\d+))?%", words).groups()
            assert int(low) == percent(min(values.values())) and int(high or low) == percent(max(values.values()))
            assert max(values.values()) - min(values.values()) < 0.1
        near = {g for g, a in values.items() if a <= chance + NEAR_CHANCE}
        if "near chance at every gap" in words:
            assert near == set(gaps)
        elif (found := re.search(r"near chance from gap (\d+) on", words)) is not None:
            assert near == {g for g in gaps if g >= int(found[1])}
        elif (found := re.search(r"near chance at gap ([\d, ]+) only", words)) is not None:
            assert near == {int(g) for g in found[1].split(", ")}
        else:
            assert not near


@pytest.mark.seeds
@pytest.mark.slow
@pytest.mark.parametrize("seed", range(10))
def test_every_sentence_on_the_screen_says_what_its_numbers_say(seed):
    settings = ComparisonSettings(**{**REDUCED.__dict__, "seed": seed})
    task, results = compare(settings)
    check_reading(" ".join(reading(task, results, settings)), task.chance_accuracy, results)
    check_gradient_reading(gradient_reading(results, task.chance_accuracy), task.chance_accuracy, results)
    check_cell_state_reading(cell_state_reading(results["lstm"].after_training), results["lstm"].after_training)
    assert cell_state_reading(results["rnn"].after_training) is None
    swept = gap_sweep(settings, SWEEP_GAPS)
    check_sweep_reading(sweep_reading(SWEEP_GAPS, swept, task.chance_accuracy), SWEEP_GAPS, swept, task.chance_accuracy)
