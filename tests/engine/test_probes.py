"""The probe's ‖∂L/∂c_t‖: the LSTM's cell-state gradient per time step, checked against fused torch modules."""

import pytest
import torch

from core.engine.models import ModelConfig, SequenceModel
from core.engine.objectives import compute_loss
from core.engine.probes import probe
from core.screens.rnn_vs_lstm_gru.tasks import memory_task


def reference_cell_gradient(model, inputs, targets, objective, layer_index, t):
    """‖dL/dc_t‖ of one LSTM layer with fused modules: cut the sequence after step t, make h_t and c_t leaves.

    Independent of the probe's unrolled cell formulas. c_t reaches the loss two ways: through c_{t+1} (the
    fused tail, whose gradient arrives at the c leaf) and through h_t = o_t tanh(c_t), whose share is the
    h leaf's gradient times o_t (1 - tanh² c_t); o_t is computed from torch's own weight layout (i, f, g, o).
    """
    sequence = inputs
    for index, layer in enumerate(model.layers):
        if index != layer_index:
            sequence, _ = layer(sequence)
            continue
        layer_input = sequence
        head_out, (h, c) = layer(layer_input[:, : t + 1])  # h, c: (1, batch, hidden)
        h_leaf, c_leaf = h.detach().requires_grad_(True), c.detach().requires_grad_(True)
        tail = layer(layer_input[:, t + 1 :], (h_leaf, c_leaf))[0] if t + 1 < inputs.shape[1] else head_out[:, :0]
        sequence = torch.cat([head_out[:, :t].detach(), h_leaf[-1].unsqueeze(1), tail], dim=1)
    loss = compute_loss(model.read_out(sequence), targets, objective)
    through_h, through_next = torch.autograd.grad(loss, (h_leaf, c_leaf), allow_unused=True)
    hidden = model.layers[layer_index].hidden_size
    previous = head_out[:, t - 1] if t > 0 else torch.zeros_like(head_out[:, 0])
    rows = slice(3 * hidden, 4 * hidden)  # the output gate's block
    weights = {name: getattr(model.layers[layer_index], f"{name}_l0") for name in ("weight_ih", "weight_hh")}
    biases = {name: getattr(model.layers[layer_index], f"{name}_l0") for name in ("bias_ih", "bias_hh")}
    output_gate = torch.sigmoid(
        layer_input[:, t] @ weights["weight_ih"][rows].T
        + biases["bias_ih"][rows]
        + previous @ weights["weight_hh"][rows].T
        + biases["bias_hh"][rows]
    )
    total = through_h[0] * output_gate * (1 - torch.tanh(c[0]) ** 2)
    if through_next is not None:
        total = total + through_next[0]
    return float(total.detach().norm())


@pytest.mark.parametrize("objective", ["classify_each_step", "classify_last_step"])
def test_cell_state_gradient_per_time_step_equals_an_autograd_reference(objective):
    torch.manual_seed(4)
    model = SequenceModel(ModelConfig(input_size=5, output_size=3, hidden_size=4, num_layers=2, cell="lstm"))
    inputs = torch.randn(3, 7, 5)
    targets = torch.randint(0, 3, (3, 7) if objective == "classify_each_step" else (3,))
    result = probe(model, inputs, targets, objective)
    assert result.cell_gradient_norms.shape == (2, 7)  # (layers, time)
    for layer_index in range(2):
        for t in range(7):
            expected = reference_cell_gradient(model, inputs, targets, objective, layer_index, t)
            assert result.cell_gradient_norms[layer_index, t] == pytest.approx(expected, rel=1e-4, abs=1e-7)


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_cells_without_a_cell_state_have_no_cell_state_gradient(cell):
    model = SequenceModel(ModelConfig(input_size=5, output_size=3, hidden_size=4, cell=cell))
    result = probe(model, torch.randn(2, 6, 5), torch.tensor([0, 1]), "classify_last_step")
    assert result.cell_gradient_norms is None and result.cell_states is None


def test_an_open_forget_gate_carries_the_gradient_along_the_cell_state():
    # The textbook reason an LSTM remembers, on the memory task read out at the end (T = 20): with the forget
    # gate open (bias 5) the gradient reaching c_1 is at least its size at c_T (measured 2.7-3.1 times it, seeds
    # 0-2), while the one reaching h_1 is a fifth of h_T's or less; with torch's bias 0 (the gate half open) the
    # cell state's gradient fades too (measured 1e-4).
    task = memory_task(64, gap=18, num_symbols=8, num_distractors=8, noise=0.2, seed=1, recall_marker=True)

    def first_over_last(forget_gate_bias):
        torch.manual_seed(0)
        config = ModelConfig(
            input_size=task.vocabulary_size,
            output_size=8,
            hidden_size=32,
            cell="lstm",
            forget_gate_bias=forget_gate_bias,
        )
        result = probe(SequenceModel(config), task.inputs, task.targets, "classify_last_step")
        hidden, cell = result.hidden_gradient_norms[0], result.cell_gradient_norms[0]
        return hidden[0] / hidden[-1], cell[0] / cell[-1]

    hidden_open, cell_open = first_over_last(5.0)
    _, cell_closed = first_over_last(None)
    assert cell_open > 1 and cell_open > 5 * hidden_open, (hidden_open, cell_open)
    assert cell_closed < 1e-3 < cell_open, (cell_closed, cell_open)
