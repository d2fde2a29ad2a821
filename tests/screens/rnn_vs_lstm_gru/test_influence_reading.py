"""The comparison's reading of the input-to-output maps: which cell's output depends most on input step 1, how many
times more, and when the cells depend on it about equally (where each answer flips); and issue 27's Must show."""

import copy

import numpy as np
import pytest
import torch

from core.engine.cells import CELL_NAMES
from core.engine.influence import influence_map
from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings, compare
from core.screens.rnn_vs_lstm_gru.influence_readings import ABOUT_EQUAL, first_input_reading, format_times
from core.words.i18n import speaking


def words(message) -> str:
    with speaking("en"):
        return message.worded()


def test_the_cell_that_depends_most_is_named_with_how_many_times_more():
    sentence = words(first_input_reading({"rnn": 1e-5, "lstm": 0.8, "gru": 0.02}, 31))
    assert sentence.startswith("The LSTM's recall output at step 32 depends on input step 1 with ‖∂y/∂x₁‖ = 0.8")
    assert "80,000 times more than the RNN's (1.0e-5)" in sentence
    assert "40 times more than the GRU's (0.02)" in sentence


def test_the_answer_flips_with_the_numbers():
    assert "The GRU's recall output" in words(first_input_reading({"rnn": 1e-5, "lstm": 0.01, "gru": 0.3}, 31))
    assert "The RNN's output at step 5" in words(first_input_reading({"rnn": 2.0, "lstm": 0.1}, 4, recall=False))


def test_ratios_near_one_are_said_to_be_about_equal():
    near = 0.5 / (ABOUT_EQUAL * 0.99)  # just within the factor
    far = 0.5 / (ABOUT_EQUAL * 1.01)  # just beyond it
    sentence = words(first_input_reading({"rnn": 1e-4, "lstm": 0.5, "gru": near}, 10))
    assert "about as much as the GRU's" in sentence and "times more than the RNN's" in sentence
    sentence = words(first_input_reading({"rnn": 1e-4, "lstm": 0.5, "gru": far}, 10))
    assert "1.5 times more than the GRU's" in sentence
    sentence = words(first_input_reading({"rnn": 0.4, "lstm": 0.5, "gru": 0.45}, 10))
    assert (
        sentence
        == "The cells' recall outputs at step 11 depend on input step 1 about equally (RNN 0.4, LSTM 0.5, GRU 0.45)."
    )


def test_zero_influence_is_said_plainly():
    assert "does not depend on it at all" in words(first_input_reading({"rnn": 0.0, "lstm": 0.5}, 3))
    assert words(first_input_reading({"rnn": 0.0, "lstm": 0.0}, 3)).startswith("No cell's output at step 4")


def test_times_are_read_to_two_digits():
    assert format_times(3.44) == "3.4"
    assert format_times(1234.0) == "1,200"
    assert format_times(3.4e7) == "3.4×10⁷"


def finite_difference_first_input(model, sequence, eps: float, richardson: bool = False) -> float:
    """‖∂y_T/∂x_1‖ by central differences of the fused modules in float64 (Richardson's extrapolation of two step sizes
    when asked: error O(eps⁴) instead of O(eps²))."""

    def central(step: float) -> np.ndarray:
        rows = []
        with torch.no_grad():
            for feature in range(sequence.shape[1]):
                up, down = sequence.clone(), sequence.clone()
                up[0, feature] += step
                down[0, feature] -= step
                rows.append(((model(up[None])[0][0, -1] - model(down[None])[0][0, -1]) / (2 * step)).numpy())
        return np.array(rows)  # (features, output)

    jacobian = (4 * central(eps / 2) - central(eps)) / 3 if richardson else central(eps)
    return float(np.sqrt((jacobian**2).sum()))


@pytest.mark.slow
def test_must_show_the_recall_outputs_dependence_on_input_step_1_at_gap_30():
    """Issue 27's Must show: the default comparison (gap 30) trained; the map at (recall step, input step 1) of each
    cell, as the screen computes it (float32), equals central finite differences of the fused modules (float64)."""
    task, results = compare(ComparisonSettings())
    sequence = task.data.probe_batch[0][0]  # (time, features): the sequence the screen probes first
    recall = sequence.shape[0] - 1
    weights = {}
    for cell, result in results.items():
        model = result.history.model
        shown = influence_map(model, sequence, objective="classify_last_step")
        assert shown.output_steps == (recall,)
        weights[cell] = float(shown.values[0, 0])
        exact = copy.deepcopy(model).double()
        plain = finite_difference_first_input(exact, sequence.double(), 1e-6)
        if plain > 1e-4:
            assert weights[cell] == pytest.approx(plain, rel=1e-4)
        else:
            # A vanished influence (the RNN's, ~1e-12): float64 rounding of outputs near 1 swamps a 1e-6 step, so a
            # larger step with Richardson's extrapolation; its rounding noise is still about 1% of such a value.
            wide = finite_difference_first_input(exact, sequence.double(), 5e-3, richardson=True)
            assert weights[cell] == pytest.approx(wide, rel=3e-2)
    print({cell: f"{value:.4g}" for cell, value in weights.items()})
    # The lesson, many orders of magnitude from any tipping point: the gated cells' recall depends on step 1, the RNN's
    # hardly at all.
    assert weights["rnn"] * 100 < min(weights["lstm"], weights["gru"])
    sentence = words(first_input_reading(weights, recall))
    print(sentence)
    strongest = max(weights, key=weights.get)
    assert sentence.startswith(
        f"The {CELL_NAMES[strongest]}'s recall output at step {recall + 1} depends on input step 1"
    )
    assert "times more than the RNN's" in sentence
