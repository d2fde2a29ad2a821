"""The cells a network is built of: one ``Cell`` entry each, and the two lists that use them.

An entry says everything the app needs about a cell: its name (the key in settings and links), its label on screen,
its gates in the order torch packs them in ``weight_ih`` / ``weight_hh``, its states (h, and the LSTM's c), its colour,
the torch module and the line of script that builds it, the formula of one step (core.engine.cell_math) that the
probes unroll, and the gate whose bias keeps the old state. A new cell is one entry here and a name in a list:

- ``CHOOSABLE``: the cells a learner may choose on a screen (HiHello, Long sequences, Time series);
- ``RACING``: the cells that race in the RNN vs LSTM/GRU comparison, in the order its columns show them.

The two lists hold the same cells today; they are two ideas, so a cell can be offered without racing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from torch import Tensor, nn

from core.engine.cell_math import CellWeights, StepTerms, gru_step, lstm_step, rnn_step
from core.words.errors import InputError
from core.words.i18n import N_


@dataclass(frozen=True)
class Gate:
    """One block of a cell's packed weights: the key the probes use, and the name a learner reads."""

    name: str  # "forget": the key of StepTerms.gates and Probe.gates
    label: str  # N_("forget gate"): English source, read with _()
    signed: bool = False  # a tanh part (−1…1), where the gates proper are sigmoids (0…1)


@dataclass(frozen=True)
class Cell:
    """One recurrent cell, as every part of the app sees it."""

    name: str  # "lstm": the key in settings, links and saved runs
    label: str  # "LSTM": the same in every language
    gates: tuple[Gate, ...]  # in torch's packing order; () for a cell whose only block is its pre-activation
    states: tuple[str, ...]  # ("h",) or ("h", "c"): what a step carries to the next
    colour: str  # a name in core.charts.style.PALETTE: the cell's one colour on every screen
    module: type[nn.RNNBase]  # the fused torch module that trains it
    step: Callable[[Tensor, Tensor, Tensor | None, CellWeights, str], StepTerms]  # (x, h, c, weights, nonlinearity)
    takes_nonlinearity: bool = False  # whether the learner's tanh/relu choice applies (the plain RNN)
    keep_gate: str | None = None  # the gate that keeps the old state open when its bias is high (LSTM forget)
    try_next: tuple[str, ...] = ()  # cells to suggest when this one fails to learn, and the words that say so
    try_next_words: str = ""

    @property
    def blocks(self) -> int:
        """How many chunks of ``hidden`` rows torch stacks in weight_ih / weight_hh (and the biases)."""
        return max(1, len(self.gates))

    @property
    def gate_names(self) -> tuple[str, ...]:
        return tuple(gate.name for gate in self.gates)

    def block(self, gate: str) -> int:
        """The chunk of the packed weights that ``gate`` occupies (torch's order)."""
        return self.gate_names.index(gate)

    @property
    def probed_floats_per_unit(self) -> int:
        """Floats a probe keeps per hidden unit and time step: every state and every gate."""
        return len(self.states) + len(self.gates)

    def module_kwargs(self, nonlinearity: str) -> dict[str, str]:
        return {"nonlinearity": nonlinearity} if self.takes_nonlinearity else {}

    def build(self, input_size: int, hidden_size: int, nonlinearity: str = "tanh") -> nn.RNNBase:
        """One single-layer fused module, batch first: what core.engine.models stacks."""
        return self.module(input_size, hidden_size, batch_first=True, **self.module_kwargs(nonlinearity))

    @property
    def script_module(self) -> str:
        """The module's name in a script: 'nn.LSTM'."""
        return f"nn.{self.module.__name__}"

    def script(self, input_size: int | str, hidden_size: int | str, nonlinearity: str = "tanh") -> str:
        """The script's line that builds ``build``'s module: 'nn.LSTM(5, 8, batch_first=True)'."""
        kwargs = "".join(f', {key}="{value}"' for key, value in self.module_kwargs(nonlinearity).items())
        return f"{self.script_module}({input_size}, {hidden_size}, batch_first=True{kwargs})"

    def bounded(self, nonlinearity: str) -> bool:
        """Whether h_t stays in −1…1: always for the gated cells (o·tanh c, a mix of tanh values), for the RNN with
        tanh only."""
        return not self.takes_nonlinearity or nonlinearity == "tanh"


def _rnn(x: Tensor, h: Tensor, c: Tensor | None, w: CellWeights, nonlinearity: str) -> StepTerms:
    return rnn_step(x, h, w, nonlinearity)


def _lstm(x: Tensor, h: Tensor, c: Tensor | None, w: CellWeights, nonlinearity: str) -> StepTerms:
    return lstm_step(x, h, h.new_zeros(h.shape) if c is None else c, w)


def _gru(x: Tensor, h: Tensor, c: Tensor | None, w: CellWeights, nonlinearity: str) -> StepTerms:
    return gru_step(x, h, w)


RNN = Cell(
    name="rnn",
    label="RNN",
    gates=(),
    states=("h",),
    colour="vermillion",
    module=nn.RNN,
    step=_rnn,
    takes_nonlinearity=True,
    try_next=("lstm", "gru"),
    try_next_words=N_("an LSTM or GRU cell"),
)
LSTM = Cell(
    name="lstm",
    label="LSTM",
    gates=(
        Gate("input", N_("input gate")),
        Gate("forget", N_("forget gate")),
        Gate("candidate", N_("candidate"), signed=True),
        Gate("output", N_("output gate")),
    ),
    states=("h", "c"),
    colour="blue",
    module=nn.LSTM,
    step=_lstm,
    keep_gate="forget",
    try_next=("gru",),
    try_next_words=N_("a GRU cell"),
)
GRU = Cell(
    name="gru",
    label="GRU",
    gates=(
        Gate("reset", N_("reset gate")),
        Gate("update", N_("update gate")),
        Gate("new", N_("new candidate"), signed=True),
    ),
    states=("h",),
    colour="green",
    module=nn.GRU,
    step=_gru,
    keep_gate="update",
    try_next=("lstm",),
    try_next_words=N_("an LSTM cell"),
)

CHOOSABLE: tuple[Cell, ...] = (RNN, LSTM, GRU)
RACING: tuple[Cell, ...] = (RNN, LSTM, GRU)


def known() -> tuple[Cell, ...]:
    """Every cell of either list, once each, choosable ones first."""
    return tuple({entry.name: entry for entry in (*RACING, *CHOOSABLE)}.values())


def choosable_names() -> tuple[str, ...]:
    return tuple(entry.name for entry in CHOOSABLE)


def racing_names() -> tuple[str, ...]:
    return tuple(entry.name for entry in RACING)


def cell_entry(name: str | Cell) -> Cell:
    """The entry of ``name``; an unknown name is refused with the learner's choices."""
    if isinstance(name, Cell):
        return name
    for entry in known():
        if entry.name == name:
            return entry
    raise InputError(
        N_("Unknown cell type '{cell}': choose one of {choices}."), cell=name, choices=", ".join(choosable_names())
    )


def signed_gate(name: str) -> bool:
    """Whether the gate ``name`` is a tanh part of its cell (the LSTM's candidate g, the GRU's n), not a sigmoid."""
    return any(gate.signed for entry in known() for gate in entry.gates if gate.name == name)


def label(name: str) -> str:
    """'lstm' → 'LSTM'; a name no entry has is shown as it is."""
    return next((entry.label for entry in known() if entry.name == name), name)


class _Labels(Mapping[str, str]):
    """{name: label} of every known cell, read from the lists when asked (so it follows them)."""

    def __getitem__(self, name: str) -> str:
        for entry in known():
            if entry.name == name:
                return entry.label
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter([entry.name for entry in known()])

    def __len__(self) -> int:
        return len(known())


CELL_NAMES: Mapping[str, str] = _Labels()  # the labels by name, for option lists and links


def cell_step(
    name: str | Cell, x: Tensor, h: Tensor, c: Tensor | None, w: CellWeights, nonlinearity: str = "tanh"
) -> StepTerms:
    """One step of the cell ``name`` (its formula in core.engine.cell_math)."""
    return cell_entry(name).step(x, h, c, w, nonlinearity)


def unroll_layer(
    name: str | Cell, inputs: Tensor, w: CellWeights, nonlinearity: str = "tanh", hidden_size: int | None = None
) -> list[StepTerms]:
    """Run one layer over a sequence (batch, time, input) from zero state, step by step."""
    entry = cell_entry(name)
    batch = inputs.shape[0]
    hidden_size = hidden_size or w.weight_hh.shape[1]
    h = inputs.new_zeros(batch, hidden_size)  # (batch, hidden)
    c = inputs.new_zeros(batch, hidden_size) if "c" in entry.states else None
    steps = []
    for t in range(inputs.shape[1]):
        terms = entry.step(inputs[:, t], h, c, w, nonlinearity)
        h, c = terms.hidden, terms.cell
        steps.append(terms)
    return steps
