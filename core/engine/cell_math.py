"""One time step of the RNN, LSTM and GRU cells, written out as the formulas.

These reproduce ``torch.nn.RNN/LSTM/GRU`` to float precision (see tests/engine/test_cell_math.py).
The Basics screen shows them term by term; the probes unroll them (core.engine.cells.unroll_layer, each cell's
entry naming its formula) to read gates, cell states and the true gradient reaching every time step.

Shapes: x (batch, input), h and c (batch, hidden); weights as torch stores them:
W_ih (gates*hidden, input), W_hh (gates*hidden, hidden), biases (gates*hidden,).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from core.words.errors import InputError
from core.words.i18n import N_

NONLINEARITIES = ("tanh", "relu")


@dataclass(frozen=True)
class CellWeights:
    """The four tensors of one layer of a fused torch recurrent module."""

    weight_ih: Tensor
    weight_hh: Tensor
    bias_ih: Tensor
    bias_hh: Tensor

    @classmethod
    def of_layer(cls, module: nn.RNNBase, layer: int = 0) -> CellWeights:
        """Read layer ``layer`` of a torch module (zeros where it has no bias)."""
        weight_ih = getattr(module, f"weight_ih_l{layer}")
        weight_hh = getattr(module, f"weight_hh_l{layer}")
        if module.bias:
            return cls(weight_ih, weight_hh, getattr(module, f"bias_ih_l{layer}"), getattr(module, f"bias_hh_l{layer}"))
        zeros = torch.zeros(weight_ih.shape[0], dtype=weight_ih.dtype, device=weight_ih.device)
        return cls(weight_ih, weight_hh, zeros, zeros)


@dataclass(frozen=True)
class StepTerms:
    """Everything one step computes, for display: the RNN's two products and their sum."""

    input_term: Tensor  # x_t W_xh^T + b_ih   (batch, gates*hidden)
    recurrent_term: Tensor  # h_{t-1} W_hh^T + b_hh   (batch, gates*hidden)
    hidden: Tensor  # h_t (batch, hidden)
    cell: Tensor | None  # c_t for the LSTM
    gates: dict[str, Tensor]  # gate activations after their sigmoid/tanh (batch, hidden)


def rnn_step(x: Tensor, h: Tensor, w: CellWeights, nonlinearity: str = "tanh") -> StepTerms:
    """h_t = act(W_xh x_t + b_ih + W_hh h_{t-1} + b_hh)."""
    if nonlinearity not in NONLINEARITIES:
        raise InputError(N_("Unknown nonlinearity '{name}': choose tanh or relu."), name=nonlinearity)
    input_term = x @ w.weight_ih.T + w.bias_ih
    recurrent_term = h @ w.weight_hh.T + w.bias_hh
    pre_activation = input_term + recurrent_term
    hidden = torch.tanh(pre_activation) if nonlinearity == "tanh" else torch.relu(pre_activation)
    return StepTerms(input_term, recurrent_term, hidden, None, {})


def lstm_step(x: Tensor, h: Tensor, c: Tensor, w: CellWeights) -> StepTerms:
    """torch's LSTM: i, f, o gate with sigmoids, g is the tanh candidate; c_t = f c + i g."""
    input_term = x @ w.weight_ih.T + w.bias_ih
    recurrent_term = h @ w.weight_hh.T + w.bias_hh
    i, f, g, o = (input_term + recurrent_term).chunk(4, dim=-1)
    i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
    cell = f * c + i * g
    hidden = o * torch.tanh(cell)
    return StepTerms(input_term, recurrent_term, hidden, cell, {"input": i, "forget": f, "candidate": g, "output": o})


def gru_step(x: Tensor, h: Tensor, w: CellWeights) -> StepTerms:
    """torch's GRU: the reset gate scales the recurrent part of the candidate *after* W_hn."""
    input_term = x @ w.weight_ih.T + w.bias_ih
    recurrent_term = h @ w.weight_hh.T + w.bias_hh
    input_r, input_z, input_n = input_term.chunk(3, dim=-1)
    recurrent_r, recurrent_z, recurrent_n = recurrent_term.chunk(3, dim=-1)
    reset = torch.sigmoid(input_r + recurrent_r)
    update = torch.sigmoid(input_z + recurrent_z)
    new = torch.tanh(input_n + reset * recurrent_n)
    hidden = (1 - update) * new + update * h
    return StepTerms(input_term, recurrent_term, hidden, None, {"reset": reset, "update": update, "new": new})
