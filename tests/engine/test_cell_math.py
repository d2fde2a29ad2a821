"""The hand-written RNN, LSTM and GRU steps reproduce torch's fused modules."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from core.engine.cell_math import CellWeights, rnn_step
from core.engine.cells import cell_step, unroll_layer
from core.words.errors import InputError

torch.set_num_threads(1)

TOLERANCE = 1e-6
# (input size, hidden size, batch size)
SIZES = [(1, 1, 1), (3, 5, 2), (4, 4, 3), (8, 2, 4), (2, 8, 1)]
CELLS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]


def make_module(cell: str, nonlinearity: str, input_size: int, hidden_size: int, **kwargs) -> nn.RNNBase:
    if cell == "rnn":
        return nn.RNN(input_size, hidden_size, nonlinearity=nonlinearity, batch_first=True, **kwargs)
    return {"lstm": nn.LSTM, "gru": nn.GRU}[cell](input_size, hidden_size, batch_first=True, **kwargs)


def unrolled_hidden(steps) -> torch.Tensor:
    return torch.stack([s.hidden for s in steps], dim=1)  # (batch, time, hidden)


@pytest.mark.parametrize(("cell", "nonlinearity"), CELLS)
@pytest.mark.parametrize(("input_size", "hidden_size", "batch"), SIZES)
def test_unrolled_layer_equals_torch(cell, nonlinearity, input_size, hidden_size, batch):
    torch.manual_seed(input_size * 100 + hidden_size * 10 + batch)
    module = make_module(cell, nonlinearity, input_size, hidden_size)
    inputs = torch.randn(batch, 7, input_size)  # (batch, time, input)
    with torch.no_grad():
        output, state = module(inputs)
        steps = unroll_layer(cell, inputs, CellWeights.of_layer(module, 0), nonlinearity)
    hidden = unrolled_hidden(steps)
    assert hidden.shape == output.shape
    assert (hidden - output).abs().max() <= TOLERANCE
    h_n = state[0] if cell == "lstm" else state
    assert (steps[-1].hidden - h_n[0]).abs().max() <= TOLERANCE
    if cell == "lstm":
        assert (steps[-1].cell - state[1][0]).abs().max() <= TOLERANCE  # the cell state c_n


@pytest.mark.parametrize(("cell", "nonlinearity"), CELLS)
def test_second_layer_and_no_bias(cell, nonlinearity):
    """Layer 1 reads layer 0's hidden sequence; a module without biases reads as zero biases."""
    torch.manual_seed(7)
    module = make_module(cell, nonlinearity, 3, 5, num_layers=2, bias=False)
    inputs = torch.randn(2, 6, 3)  # (batch, time, input)
    with torch.no_grad():
        output, _ = module(inputs)
        first = unrolled_hidden(unroll_layer(cell, inputs, CellWeights.of_layer(module, 0), nonlinearity))
        second = unrolled_hidden(unroll_layer(cell, first, CellWeights.of_layer(module, 1), nonlinearity))
    assert (second - output).abs().max() <= TOLERANCE


@pytest.mark.parametrize(("cell", "gates"), [("lstm", 4), ("gru", 3)])
def test_gates_are_in_range(cell, gates):
    torch.manual_seed(3)
    module = make_module(cell, "tanh", 4, 6)
    with torch.no_grad():
        steps = unroll_layer(cell, torch.randn(2, 5, 4), CellWeights.of_layer(module, 0))
    assert len(steps[0].gates) == gates
    for name, values in steps[-1].gates.items():
        low = -1.0 if name in ("candidate", "new") else 0.0  # tanh gates vs sigmoid gates
        assert values.min() >= low and values.max() <= 1.0


def test_rnn_terms_add_up():
    """input_term + recurrent_term is the pre-activation that tanh receives."""
    torch.manual_seed(11)
    module = nn.RNN(3, 4, batch_first=True)
    weights = CellWeights.of_layer(module, 0)
    x, h = torch.randn(2, 3), torch.randn(2, 4)
    with torch.no_grad():
        terms = rnn_step(x, h, weights)
        expected = torch.tanh(
            x @ module.weight_ih_l0.T + module.bias_ih_l0 + h @ module.weight_hh_l0.T + module.bias_hh_l0
        )
    assert (torch.tanh(terms.input_term + terms.recurrent_term) - terms.hidden).abs().max() <= TOLERANCE
    assert (terms.hidden - expected).abs().max() <= TOLERANCE


def test_unknown_cell_and_nonlinearity_raise_input_error():
    weights = CellWeights.of_layer(nn.RNN(2, 3), 0)
    x, h = torch.zeros(1, 2), torch.zeros(1, 3)
    with pytest.raises(InputError, match="cell type"):
        cell_step("transformer", x, h, None, weights)
    with pytest.raises(InputError, match="cell type"):
        unroll_layer("lstn", torch.zeros(1, 4, 2), weights)
    with pytest.raises(InputError, match="nonlinearity"):
        rnn_step(x, h, weights, "sigmoid")
    with pytest.raises(InputError, match="nonlinearity"):
        unroll_layer("rnn", torch.zeros(1, 4, 2), weights, "gelu")
