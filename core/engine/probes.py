"""Looking inside a model at its current weights: activations, gates, and gradients per time step.

A fused torch module hides its intermediate states from autograd: ``retain_grad()`` on its
output gives only the *direct* part of dL/dh_t (through the head), not what flows back through
h_{t+1}. So a probe unrolls the sequence step by step with the same weights (core.engine.cell_math) and
asks autograd for dL/dh_t of every step. It runs on snapshot epochs only, so it costs little.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import torch
from torch import Tensor, nn

from core.engine.cell_math import CellWeights
from core.engine.cells import cell_entry, unroll_layer
from core.engine.objectives import compute_loss


class ModelShape(Protocol):
    """What a probe needs to know of a model's configuration (core.engine.models.ModelConfig has it)."""

    cell: str
    nonlinearity: str
    output_size: int

    @property
    def layer_sizes(self) -> list[int]: ...


class ProbedModel(Protocol):
    """A model the probes can unroll (core.engine.models.SequenceModel): its shape, its fused single-layer
    modules bottom to top, and the read-out applied to the top layer's hidden states."""

    config: ModelShape
    layers: Sequence[nn.RNNBase]

    def read_out(self, hidden: Tensor) -> Tensor: ...


# Floats the probe of one snapshot may keep (activations, gates, outputs of the probed windows): ~0.8 MB.
PROBE_BUDGET = 200_000


def probe_indices(
    windows: int, time_steps: int, model_config: ModelShape, most: int | None = None, budget: int = PROBE_BUDGET
) -> np.ndarray:
    """Which of ``windows`` sequences the snapshots look inside: all of them when they fit the budget (and
    ``most``), else that many spread evenly from the first to the last."""
    per_step = (
        sum(model_config.layer_sizes) * cell_entry(model_config.cell).probed_floats_per_unit + model_config.output_size
    )
    count = max(1, budget // (time_steps * per_step))
    if most is not None:
        count = min(count, most)
    if count >= windows:
        return np.arange(windows)
    return np.unique(np.linspace(0, windows - 1, count).round().astype(np.int64))


@dataclass(frozen=True)
class Probe:
    """What one sequence batch looks like inside the model. Arrays are numpy, batch first."""

    loss: float
    outputs: np.ndarray  # (batch, time, output) the model's outputs (logits or values)
    hidden: list[np.ndarray]  # per layer (batch, time, hidden)
    cell_states: list[np.ndarray] | None  # per layer (batch, time, hidden), LSTM only
    gates: list[dict[str, np.ndarray]]  # per layer, gate name → (batch, time, hidden)
    hidden_gradient_norms: np.ndarray  # (layers, time): ‖dL/dh_t‖ over batch and units
    # (layers, time): ‖dL/dc_t‖, LSTM only. The cell state is the LSTM's second path back in time: c_t reaches
    # c_{t+1} through the forget gate alone, with no squashing step, which is why its gradient can stay large.
    cell_gradient_norms: np.ndarray | None = None


def unroll(model: ProbedModel, inputs: Tensor):
    """Run the model step by step: returns outputs and, per layer, the list of step terms."""
    config = model.config
    layer_steps = []
    sequence = inputs  # (batch, time, features)
    for layer in model.layers:
        steps = unroll_layer(config.cell, sequence, CellWeights.of_layer(layer, 0), config.nonlinearity)
        layer_steps.append(steps)
        sequence = torch.stack([terms.hidden for terms in steps], dim=1)  # (batch, time, hidden)
    return model.read_out(sequence), layer_steps


def probe(model: ProbedModel, inputs: Tensor, targets: Tensor, objective: str) -> Probe:
    """Activations, gates and the true per-time-step gradient of the loss, at the current weights."""
    with torch.enable_grad():
        outputs, layer_steps = unroll(model, inputs)
        loss = compute_loss(outputs, targets, objective)
        states = [terms.hidden for steps in layer_steps for terms in steps]
        carries_cell_state = "c" in cell_entry(model.config.cell).states
        if carries_cell_state:
            states += [terms.cell for steps in layer_steps for terms in steps]
        # autograd.grad leaves the parameters' .grad untouched, so probing never disturbs training. Each gradient
        # is the total one: every path from the loss back to that tensor, through later steps included.
        gradients = torch.autograd.grad(loss, states, allow_unused=True)
    time = inputs.shape[1]
    norms = np.array([0.0 if g is None else float(g.norm()) for g in gradients], dtype=np.float64).reshape(
        -1, len(layer_steps), time
    )  # (1 or 2, layers, time): hidden states, then the LSTM's cell states

    def stacked(tensors: list[Tensor]) -> np.ndarray:
        return torch.stack(tensors, dim=1).detach().cpu().numpy()  # (batch, time, hidden)

    gates = [
        {name: stacked([terms.gates[name] for terms in steps]) for name in steps[0].gates} for steps in layer_steps
    ]
    cells = None
    if carries_cell_state:
        cells = [stacked([terms.cell for terms in steps]) for steps in layer_steps]
    return Probe(
        loss=float(loss.detach()),
        outputs=outputs.detach().cpu().numpy(),
        hidden=[stacked([terms.hidden for terms in steps]) for steps in layer_steps],
        cell_states=cells,
        gates=gates,
        hidden_gradient_norms=norms[0],
        cell_gradient_norms=norms[1] if carries_cell_state else None,
    )


def saturation(gate_values: np.ndarray, margin: float = 0.05) -> float:
    """Share of gate values within ``margin`` of 0 or 1: a saturated gate passes all or nothing."""
    values = np.asarray(gate_values)
    if values.size == 0:
        return 0.0
    return float(np.mean((values < margin) | (values > 1 - margin)))
