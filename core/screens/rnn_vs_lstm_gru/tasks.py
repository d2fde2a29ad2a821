"""The long-range memory task of the RNN vs LSTM/GRU screen, and fair model sizes for comparing cells.

``memory_task``: the first symbol of a sequence (one of ``num_symbols`` signal symbols) must be
recalled at the end, after ``gap`` distractor symbols drawn from a separate set. Classification,
read out at the last time step; chance accuracy is ``1 / num_symbols``.

Data is drawn from a numpy ``Generator`` seeded by ``seed``: the same arguments give the same
tensors, whatever else the process has drawn. Training draws a fresh batch per step, seeded by
``training_batch_seed`` (every sequence is seen once, so held-out accuracy measures recall, not
memorisation); the held-out set's seed, ``held_out_seed``, is never a training batch's.

``parameter_count`` and ``matched_hidden_sizes`` size the three cells so that their parameter
counts are within 10% of the LSTM's with the chosen hidden size.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from core.engine.cells import cell_entry, racing_names
from core.reading.validation import MAX_SEED, whole_number
from core.words.errors import InputError
from core.words.i18n import N_

MIN_GAP, MAX_GAP = 1, 100
MAX_SYMBOLS = 26  # signal symbols are named A..Z
MAX_DISTRACTORS = 26  # distractors are named a..z
MAX_NOISE = 2.0
MAX_SEQUENCES = 100_000
RECALL_MARKER = "?"
BUDGET_CELL = "lstm"  # the cell that keeps the chosen hidden size and sets the parameter budget the others match

# Defaults of ``memory_task`` when called on its own (the tests of this module rely on them): the plainest
# version of the task. The comparison screen passes its own settings
# (core.screens.rnn_vs_lstm_gru.comparison.ComparisonSettings), which
# differ: more symbols, input noise and a recall marker; `make figures` measures those.
DEFAULT_NUM_SYMBOLS = 4
DEFAULT_NUM_DISTRACTORS = 8
DEFAULT_NOISE = 0.0
DEFAULT_RECALL_MARKER = False


@dataclass(frozen=True, eq=False)
class MemoryTask:
    """Sequences whose first symbol must be recalled at the end.

    ``inputs[n, t]`` is the (possibly noisy) one-hot vector of ``symbols[n, t]``, an index into
    ``vocabulary``. Signal symbols come first in the vocabulary, then the distractors, then the
    recall marker when there is one. ``targets[n] == symbols[n, 0]``.
    """

    inputs: Tensor  # (sequences, time, vocabulary) float32
    targets: Tensor  # (sequences,) int64, the first symbol, in [0, num_symbols)
    symbols: Tensor  # (sequences, time) int64, the symbol index at each step, before noise
    vocabulary: tuple[str, ...]  # the name of each input symbol
    num_symbols: int  # how many signal symbols: the classes to recall
    gap: int  # distractor steps between the first symbol and the end
    noise: float  # standard deviation of the Gaussian noise added to the one-hot inputs
    recall_marker: bool  # whether a final "?" step says "recall now"
    seed: int

    @property
    def labels(self) -> tuple[str, ...]:
        """The class names: the signal symbols."""
        return self.vocabulary[: self.num_symbols]

    @property
    def num_sequences(self) -> int:
        return int(self.inputs.shape[0])

    @property
    def sequence_length(self) -> int:
        """Time steps per sequence: the first symbol, the gap, and the marker if any."""
        return int(self.inputs.shape[1])

    @property
    def vocabulary_size(self) -> int:
        """The input size a model needs."""
        return len(self.vocabulary)

    @property
    def chance_accuracy(self) -> float:
        """What guessing achieves."""
        return 1.0 / self.num_symbols

    def as_text(self, index: int) -> str:
        """One sequence written out, e.g. ``'C f a h ?'``."""
        return " ".join(self.vocabulary[i] for i in self.symbols[index].tolist())


def memory_task(
    num_sequences: int,
    gap: int,
    num_symbols: int = DEFAULT_NUM_SYMBOLS,
    num_distractors: int = DEFAULT_NUM_DISTRACTORS,
    noise: float = DEFAULT_NOISE,
    seed: int = 0,
    recall_marker: bool = DEFAULT_RECALL_MARKER,
) -> MemoryTask:
    """Draw ``num_sequences`` sequences: a signal symbol, ``gap`` distractors, [a recall marker].

    The signal symbol is uniform over the ``num_symbols`` classes; each distractor is uniform
    over ``num_distractors`` symbols that are never signal symbols. ``noise`` adds Gaussian noise
    of that standard deviation to every input value.
    """
    num_sequences = whole_number(num_sequences, N_("The number of sequences"), 1, MAX_SEQUENCES)
    gap = whole_number(gap, N_("The gap"), MIN_GAP, MAX_GAP)
    num_symbols = whole_number(num_symbols, N_("The number of symbols to recall"), 2, MAX_SYMBOLS)
    num_distractors = whole_number(num_distractors, N_("The number of distractor symbols"), 1, MAX_DISTRACTORS)
    try:
        noise = float(noise)
    except (TypeError, ValueError):
        raise InputError(N_("The input noise must be a number, not {value}."), value=repr(noise)) from None
    if not 0.0 <= noise <= MAX_NOISE:
        raise InputError(
            N_("The input noise must be between 0 and {most}, not {value}."), most=f"{MAX_NOISE:g}", value=f"{noise:g}"
        )
    seed = whole_number(seed, N_("The seed"), 0, MAX_SEED)
    recall_marker = bool(recall_marker)

    vocabulary = tuple(string.ascii_uppercase[:num_symbols]) + tuple(string.ascii_lowercase[:num_distractors])
    if recall_marker:
        vocabulary += (RECALL_MARKER,)
    rng = np.random.default_rng(seed)
    first = rng.integers(0, num_symbols, size=num_sequences)  # (sequences,)
    distractors = num_symbols + rng.integers(0, num_distractors, size=(num_sequences, gap))  # (sequences, gap)
    columns = [first[:, None], distractors]
    if recall_marker:
        columns.append(np.full((num_sequences, 1), len(vocabulary) - 1))
    symbols = np.concatenate(columns, axis=1)  # (sequences, time)
    inputs = np.eye(len(vocabulary), dtype=np.float32)[symbols]  # (sequences, time, vocabulary)
    if noise > 0:
        inputs += rng.normal(0.0, noise, size=inputs.shape).astype(np.float32)
    return MemoryTask(
        inputs=torch.from_numpy(inputs),
        targets=torch.from_numpy(first.astype(np.int64)),
        symbols=torch.from_numpy(symbols.astype(np.int64)),
        vocabulary=vocabulary,
        num_symbols=num_symbols,
        gap=gap,
        noise=noise,
        recall_marker=recall_marker,
        seed=seed,
    )


def training_batch_seed(seed: int, step: int) -> int:
    """The data seed of training batch ``step`` of run ``seed`` (even numbers; tests use odd ones)."""
    return 2 * (whole_number(seed, N_("The seed"), 0, MAX_SEED) * 1_000_003 + int(step)) + 2


def held_out_seed(seed: int) -> int:
    """The data seed of the held-out test set of run ``seed``: odd, so never a training batch."""
    return 2 * whole_number(seed, N_("The seed"), 0, MAX_SEED) + 1


def _check_sizes(cell: str, input_size: int, num_layers: int, output_size: int) -> None:
    cell_entry(cell)  # an unknown cell is refused with the choices
    whole_number(input_size, N_("The input size"), 1, 100_000)
    whole_number(num_layers, N_("The number of layers"), 1, 16)
    whole_number(output_size, N_("The output size"), 1, 100_000)


def parameter_count(cell: str, input_size: int, hidden_size: int, num_layers: int, output_size: int) -> int:
    """Trainable numbers in torch's ``nn.RNN/LSTM/GRU`` (with biases) plus a ``Linear`` head.

    Each layer holds ``blocks * hidden * (layer input + hidden)`` weights and two bias vectors of
    ``blocks * hidden``, where ``blocks`` is the cell's (core.engine.cells: 1 RNN, 4 LSTM, 3 GRU); the head holds
    ``hidden * output + output``. Stacked single-layer modules count the same.
    """
    _check_sizes(cell, input_size, num_layers, output_size)
    hidden_size = whole_number(hidden_size, N_("The hidden size"), 1, 100_000)
    return _count(cell, input_size, hidden_size, num_layers, output_size)


def _count(cell: str, input_size: int, hidden_size: int, num_layers: int, output_size: int) -> int:
    blocks = cell_entry(cell).blocks
    total = 0
    for layer in range(num_layers):
        layer_input = input_size if layer == 0 else hidden_size
        total += blocks * hidden_size * (layer_input + hidden_size) + 2 * blocks * hidden_size
    return total + hidden_size * output_size + output_size


def matched_hidden_sizes(
    base_hidden: int, input_size: int, num_layers: int, output_size: int, cells: tuple[str, ...] = ()
) -> dict[str, int]:
    """Hidden sizes that give the racing cells (or ``cells``) about the same number of parameters.

    Convention: the LSTM keeps ``base_hidden`` and sets the budget; the RNN and the GRU get the
    hidden size whose count is closest to it (so the plain RNN gets more units, about twice as
    many, and cannot be said to fail for want of parameters). All counts land within 10% of the
    LSTM's for ``base_hidden`` of 4 or more.
    """
    _check_sizes(BUDGET_CELL, input_size, num_layers, output_size)
    base_hidden = whole_number(base_hidden, N_("The hidden size"), 1, 4096)
    budget = _count(BUDGET_CELL, input_size, base_hidden, num_layers, output_size)
    sizes = {BUDGET_CELL: base_hidden}
    cells = cells or racing_names()
    for cell in (c for c in cells if c != BUDGET_CELL):
        # Counts grow with the hidden size, so the closest one is next to the first that reaches the budget.
        hidden = 1
        while _count(cell, input_size, hidden, num_layers, output_size) < budget:
            hidden += 1
        candidates = [h for h in (hidden - 1, hidden) if h >= 1]
        sizes[cell] = min(
            candidates, key=lambda h, c=cell: abs(_count(c, input_size, h, num_layers, output_size) - budget)
        )
    return {cell: sizes[cell] for cell in cells}
