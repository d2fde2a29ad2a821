"""One sequence model over any cell of core.engine.cells: stacked recurrent layers and an optional linear head."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import torch
from torch import Tensor, nn

from core.engine.budget import ModelCost
from core.engine.cell_math import NONLINEARITIES
from core.engine.cells import cell_entry
from core.engine.probes import Probe, probe
from core.words.errors import InputError
from core.words.i18n import N_

MAX_HIDDEN_SIZE = 512
MAX_LAYERS = 4


@dataclass(frozen=True)
class ModelConfig:
    """What a learner chooses about the network; validated on construction.

    ``linear_head=False`` is the seed lab's set-up: the last layer's hidden state is used directly as
    the logits, so that layer's size is fixed to ``output_size`` (``hidden_size`` then sizes the layers
    below it, if any).
    """

    input_size: int
    output_size: int
    hidden_size: int = 8
    num_layers: int = 1
    cell: str = "rnn"
    nonlinearity: str = "tanh"
    linear_head: bool = True
    # An LSTM whose forget gate starts open (bias > 0) remembers over longer gaps from the start;
    # a GRU whose update gate starts near 1 likewise copies its state forward (h_t ≈ h_{t-1}).
    forget_gate_bias: float | None = None
    update_gate_bias: float | None = None

    def __post_init__(self) -> None:
        cell_entry(self.cell)  # an unknown cell is refused with the choices
        if self.nonlinearity not in NONLINEARITIES:
            raise InputError(N_("Unknown nonlinearity '{name}': choose tanh or relu."), name=self.nonlinearity)
        if not 1 <= int(self.hidden_size) <= MAX_HIDDEN_SIZE:
            raise InputError(
                N_("Hidden size must be between 1 and {most} (got {value})."),
                most=MAX_HIDDEN_SIZE,
                value=self.hidden_size,
            )
        if not 1 <= int(self.num_layers) <= MAX_LAYERS:
            raise InputError(
                N_("Depth must be between 1 and {most} layers (got {value})."), most=MAX_LAYERS, value=self.num_layers
            )
        if self.input_size < 1 or self.output_size < 1:
            raise InputError(N_("The data has no features or no classes to predict."))

    @property
    def layer_sizes(self) -> list[int]:
        """Hidden size of each layer, bottom to top."""
        sizes = [int(self.hidden_size)] * int(self.num_layers)
        if not self.linear_head:
            sizes[-1] = int(self.output_size)
        return sizes

    @property
    def keep_gate_bias(self) -> float | None:
        """The starting bias of the cell's "keep the old state" gate (LSTM forget, GRU update), if one is set."""
        keep_gate = cell_entry(self.cell).keep_gate
        return None if keep_gate is None else getattr(self, f"{keep_gate}_gate_bias", None)


class SequenceModel(nn.Module):
    """Stacked single-layer fused torch modules, so every layer's hidden sequence is visible.

    Stacking ``num_layers`` modules of one layer computes exactly what one ``num_layers`` module
    computes, at no measurable cost, and hands us each layer's output on the way.
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        entry = cell_entry(config.cell)
        layers = []
        layer_input = config.input_size
        for size in config.layer_sizes:
            layers.append(entry.build(layer_input, size, config.nonlinearity))
            layer_input = size
        self.layers = nn.ModuleList(layers)
        self.head = nn.Linear(layer_input, config.output_size) if config.linear_head else None
        # The "keep the old state" gate's block in torch's packing (block 1 of both the LSTM and the GRU) starts
        # with b_ih + b_hh = keep_bias.
        keep_bias = config.keep_gate_bias
        if keep_bias is not None:
            block = entry.block(entry.keep_gate)
            with torch.no_grad():
                for layer in self.layers:
                    size = layer.hidden_size
                    layer.bias_ih_l0[block * size : (block + 1) * size].fill_(keep_bias / 2)
                    layer.bias_hh_l0[block * size : (block + 1) * size].fill_(keep_bias / 2)

    def forward(self, inputs: Tensor) -> tuple[Tensor, list[Tensor]]:
        """inputs (batch, time, input) → outputs (batch, time, output), hidden sequence per layer."""
        hidden_sequences = []
        sequence = inputs
        for layer in self.layers:
            sequence, _ = layer(sequence)  # (batch, time, hidden of this layer)
            hidden_sequences.append(sequence)
        outputs = self.head(sequence) if self.head is not None else sequence
        return outputs, hidden_sequences

    def read_out(self, hidden: Tensor) -> Tensor:
        """The top layer's hidden state(s) → outputs: the head, or the identity."""
        return self.head(hidden) if self.head is not None else hidden

    def probe(self, inputs: Tensor, targets: Tensor, objective: str) -> Probe:
        """Activations, gates and the gradient per time step at the current weights (core.engine.probes)."""
        return probe(self, inputs, targets, objective)

    def cost(self) -> ModelCost:
        """Per sequence and time step: multiply-adds, floats kept for backward; for estimates (core.engine.budget)."""
        multiply_adds = activation_floats = 0
        layer_input = self.config.input_size
        for size in self.config.layer_sizes:
            blocks = cell_entry(self.config.cell).blocks
            multiply_adds += blocks * size * (layer_input + size)
            # each block's pre-activation and activation, plus h (and c) and the layer's output
            activation_floats += 2 * blocks * size + 3 * size
            layer_input = size
        if self.head is not None:
            multiply_adds += layer_input * self.config.output_size
            activation_floats += self.config.output_size
        return ModelCost(
            multiply_adds=multiply_adds,
            activation_floats=activation_floats + self.config.input_size,
            recurrent_layers=len(self.layers),
            parameter_count=count_parameters(self),
        )

    def parameter_names(self) -> list[str]:
        """Learner-facing names, as torch's multi-layer modules call them (weight_hh_l1, …, head.weight)."""
        return [display_name(name) for name, _ in self.named_parameters()]


@lru_cache(maxsize=256)  # called for every tensor after every optimisation step
def display_name(name: str) -> str:
    """'layers.1.weight_hh_l0' → 'weight_hh_l1'; head parameters keep their name."""
    if name.startswith("layers."):
        _, layer, tensor = name.split(".")
        return tensor.replace("_l0", f"_l{layer}")
    return name


def count_parameters(model: nn.Module) -> int:
    return sum(parameter.numel() for parameter in model.parameters())
