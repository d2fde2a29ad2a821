"""The input-to-output map ‖∂y_t/∂x_s‖ (core.engine.influence): equal to central finite differences of the fused torch
modules in float64, zero above the diagonal, one row for a many-to-one task, and the sentence it reads."""

import numpy as np
import pytest
import torch

from core.engine.influence import (
    InfluenceMap,
    earliest_above,
    influence_map,
    influence_message,
    map_cost,
    read_steps,
    steps_to_compute,
    strongest_input,
)
from core.engine.models import ModelConfig, SequenceModel
from core.words.i18n import speaking


def finite_difference_map(model: SequenceModel, sequence: torch.Tensor, eps: float = 1e-6) -> np.ndarray:
    """(time, time) ‖∂y_t/∂x_s‖ by central differences of the fused modules' forward pass (float64)."""
    time, features = sequence.shape
    jacobian = np.zeros((time, model.config.output_size, time, features))  # [t, k, s, i]
    with torch.no_grad():
        for s in range(time):
            for i in range(features):
                up, down = sequence.clone(), sequence.clone()
                up[s, i] += eps
                down[s, i] -= eps
                difference = model(up.unsqueeze(0))[0][0] - model(down.unsqueeze(0))[0][0]  # (time, output)
                jacobian[:, :, s, i] = (difference / (2 * eps)).numpy()
    return np.sqrt((jacobian**2).sum(axis=(1, 3)))  # (time, time)


def double_model(seed: int, **config) -> SequenceModel:
    torch.manual_seed(seed)
    return SequenceModel(ModelConfig(**config)).double()


CASES = [
    dict(cell="rnn", nonlinearity="tanh"),
    dict(cell="rnn", nonlinearity="relu"),
    dict(cell="lstm"),
    dict(cell="gru"),
    dict(cell="lstm", num_layers=2),
    dict(cell="rnn", num_layers=2, linear_head=False),  # the HiHello lab's read-out: the top layer is the scores
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(str(v) for v in c.values()))
def test_map_equals_central_finite_differences(case):
    model = double_model(3, input_size=4, output_size=3, hidden_size=5, **case)
    sequence = torch.randn(6, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(1))  # (time, features)
    result = influence_map(model, sequence)
    assert result.output_steps == tuple(range(6))
    assert result.values.shape == (6, 6)  # (output step, input step)
    expected = finite_difference_map(model, sequence)
    np.testing.assert_allclose(result.values, expected, rtol=1e-6, atol=1e-9)
    assert np.all(np.triu(result.values, k=1) == 0)  # a later input never moves an earlier output
    assert np.all(np.diag(result.values) > 0)


def test_many_to_one_gives_the_last_row_only():
    model = double_model(5, input_size=3, output_size=4, hidden_size=6, cell="lstm")
    sequence = torch.randn(8, 3, dtype=torch.float64)
    result = influence_map(model, sequence, objective="classify_last_step")
    assert result.output_steps == (7,)
    assert result.values.shape == (1, 8)
    full = influence_map(model, sequence)
    np.testing.assert_allclose(result.row(7), full.row(7), rtol=1e-12)
    np.testing.assert_allclose(result.row(7), finite_difference_map(model, sequence)[7], rtol=1e-6)
    assert read_steps("regress_last_step", 8) == (7,)
    assert read_steps("classify_each_step", 3) == (0, 1, 2)


def test_chunks_of_output_units_add_up_to_the_same_map(monkeypatch):
    model = double_model(2, input_size=3, output_size=5, hidden_size=4, cell="gru")
    sequence = torch.randn(5, 3, dtype=torch.float64)
    whole = influence_map(model, sequence)
    monkeypatch.setattr("core.engine.influence.COPY_FLOATS", 1)  # one output unit per chunk
    np.testing.assert_allclose(influence_map(model, sequence).values, whole.values, rtol=1e-12)


def test_a_batch_sequence_and_float32_weights_are_accepted_and_grad_is_untouched():
    torch.manual_seed(0)
    model = SequenceModel(ModelConfig(input_size=2, output_size=2, hidden_size=3))
    result = influence_map(model, torch.randn(1, 4, 2), output_steps=[1, 3])
    assert result.output_steps == (1, 3)
    assert result.values[0, 2:].tolist() == [0.0, 0.0]
    assert all(parameter.grad is None for parameter in model.parameters())
    square = result.square()
    assert np.isnan(square[0]).all() and np.isnan(square[1, 2:]).all() and square[3, 3] == result.values[1, 3]
    with pytest.raises(ValueError):
        influence_map(model, torch.randn(4, 2), output_steps=[4])


def test_the_whole_map_is_computed_only_when_it_is_cheap():
    torch.manual_seed(0)
    model = SequenceModel(ModelConfig(input_size=10, output_size=10, hidden_size=8))
    assert steps_to_compute(model, "classify_each_step", 5, chosen=2) == (0, 1, 2, 3, 4)
    budget = map_cost(model, (0, 1, 2, 3, 4)) - 1
    assert steps_to_compute(model, "classify_each_step", 5, chosen=2, budget=budget) == (2,)
    assert map_cost(model, (4,)) == 10 * 5 * model.cost().multiply_adds


def words(message) -> str:
    with speaking("en"):
        return message.worded()


def test_the_sentence_names_the_strongest_input_and_where_influence_fades():
    row = np.array([1e-5, 1e-4, 0.02, 0.5, 1.0, 0.3])
    assert strongest_input(row) == 4
    assert earliest_above(row, 5) == 2  # 0.02 ≥ 1% of 1.0; 1e-4 is not
    sentence = words(influence_message(row, 5))
    assert "moved most by input step 5" in sentence and "is step 3" in sentence and "= 1" in sentence
    # the earliest step itself above 1%: the influence reaches the start
    assert "even input step 1" in words(influence_message(np.array([0.05, 0.1, 1.0, 0.2]), 3))
    # step 1 the strongest: the memory task's LSTM
    assert "input step 1, the first" in words(influence_message(np.array([2.0, 1e-6, 1e-6, 0.5]), 3))
    # only its own step counts
    assert "its own input step" in words(influence_message(np.array([1e-3, 1e-4, 1.0]), 2))
    assert "input step 1 only" in words(influence_message(np.array([0.7, 0.0]), 0))
    assert "No input step" in words(influence_message(np.zeros(3), 2))


def test_influence_map_row_lookup():
    result = InfluenceMap(np.array([[1.0, 0.0], [2.0, 3.0]]), (0, 1))
    assert result.row(1).tolist() == [2.0, 3.0]
    assert result.time == 2
