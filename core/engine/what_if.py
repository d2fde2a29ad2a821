"""What-if weights: one number of a trained network changed by hand, on a copy, never on the run.

Pure functions on a weights dict (a snapshot's ``weights``, a model's ``state_dict()``) of a
``core.engine.models.SequenceModel``: ``layers.{l}.weight_ih_l0`` … ``layers.{l}.bias_hh_l0`` per recurrent layer,
and ``head.weight`` / ``head.bias`` when it has a linear head.

- ``editable_tensors`` lists what a learner may change, with the names they read: per layer W_ih, W_hh, b_ih and
  b_hh, split per gate for a gated cell (the blocks of rows in torch's packing order, from the cell's entry in
  core.engine.cells: the LSTM's i, f, g, o; the GRU's r, z, n), then the head's W_out and b_out.
- ``Edit`` sets entries of one block to a value: one entry, a whole row (``column=None`` on a matrix: every input of
  one unit) or a whole column (``row=None``: one input to every unit of the block), or a bias of one unit or of
  every unit (``row=None``).
- ``Silence`` silences unit ``unit`` of layer ``layer``. Precisely: in that layer, row ``unit`` of every gate block
  of W_ih, W_hh, b_ih and b_hh is set to 0 (so each of its pre-activations is 0 at every step), and its outgoing
  weights are set to 0: column ``unit`` of the layer's W_hh (what every unit reads of it at the next step) and of the
  next layer's W_ih, or of the head's W_out when it is the top layer. From the zero initial state its hidden state
  h_t is then 0 at every step for every cell (tanh 0 = relu 0 = 0; the LSTM's c_t = f·c_{t-1} + i·tanh 0 stays 0
  and h_t = o·tanh c_t = 0; the GRU's h_t = (1 − z)·tanh 0 + z·h_{t-1} stays 0), and nothing reads it: the network
  computes what it would compute without that unit. With no linear head the top layer's units are the outputs
  themselves: a silenced one is an output fixed at 0.

``apply`` returns a new dict: every tensor cloned, the edit made on the clones; the dict it was given and its
tensors are left as they were, bit for bit. Indices here count from 0, as torch does; a link's text and every
sentence count units, rows, columns and layers from 1, as the screen does (``edit_text``, ``parse_edit``).
``recompute`` and ``scores_at`` look at an edited copy through the run's session without training it.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from torch import Tensor

from core.engine.cells import Cell, cell_entry
from core.engine.passes import held_out_scores
from core.engine.probes import Probe
from core.engine.session import TrainingSession
from core.words.errors import InputError
from core.words.i18n import N_
from core.words.message import Message, said

MAX_VALUE = 1000.0  # |new value| at most: a sigmoid is saturated long before; larger values only overflow
LAYER_KEY = re.compile(r"layers\.(\d+)\.(weight_ih|weight_hh|bias_ih|bias_hh)_l0")
SYMBOLS = {"weight_ih": "W_ih", "weight_hh": "W_hh", "bias_ih": "b_ih", "bias_hh": "b_hh"}
HEAD = {"head.weight": "W_out", "head.bias": "b_out"}
ALL = "all"  # a link's word for "every row" / "every column"
MAX_TEXT = 200  # characters of a link's edit at most (a tensor name, a gate, three indices and a number)


@dataclass(frozen=True)
class EditableTensor:
    """One block a learner may edit: a gate's rows of one recurrent tensor, or the head's weight or bias."""

    name: str  # the tensor's torch name: "bias_hh_l0" (layer 1), "weight_ih_l1" (layer 2), "head.weight"
    key: str  # its key in the weights dict: "layers.0.bias_hh_l0", "head.weight"
    symbol: str  # what the learner reads: "b_hh", "W_ih", "W_out"
    layer: int | None  # 0-based; None for the head
    gate: str | None  # the block's gate ("forget"); None for the RNN's one block and the head
    start: int  # the block's first row in the tensor
    rows: int  # rows in the block (hidden units, or the head's outputs)
    columns: int | None  # the matrix's columns; None for a bias

    @property
    def is_bias(self) -> bool:
        return self.columns is None


def layer_count(weights: dict[str, Tensor]) -> int:
    return len({int(m.group(1)) for k in weights if (m := LAYER_KEY.fullmatch(k))})


def editable_tensors(weights: dict[str, Tensor], cell: str | Cell) -> tuple[EditableTensor, ...]:
    """Every block of ``weights`` a learner may edit, layer by layer (W_ih, W_hh, b_ih, b_hh; each gate's block in
    torch's order within each), then the head's W_out and b_out."""
    entry = cell_entry(cell)
    blocks: list[EditableTensor] = []
    for layer in range(layer_count(weights)):
        for kind, symbol in SYMBOLS.items():
            key = f"layers.{layer}.{kind}_l0"
            tensor = weights[key]
            size = tensor.shape[0] // entry.blocks
            columns = int(tensor.shape[1]) if tensor.dim() == 2 else None
            for block, gate in enumerate(entry.gate_names or (None,)):
                blocks.append(EditableTensor(f"{kind}_l{layer}", key, symbol, layer, gate, block * size, size, columns))
    for key, symbol in HEAD.items():
        if key in weights:
            tensor = weights[key]
            columns = int(tensor.shape[1]) if tensor.dim() == 2 else None
            blocks.append(EditableTensor(key, key, symbol, None, None, 0, int(tensor.shape[0]), columns))
    return tuple(blocks)


def find_block(weights: dict[str, Tensor], cell: str | Cell, name: str, gate: str | None) -> EditableTensor:
    """The block ``gate`` of the tensor ``name``; refused with the choices when there is none."""
    blocks = editable_tensors(weights, cell)
    for block in blocks:
        if block.name == name and block.gate == gate:
            return block
    if not any(block.name == name for block in blocks):
        raise InputError(
            N_("This network has no weight tensor '{name}': choose one of {choices}."),
            name=name,
            choices=", ".join(dict.fromkeys(block.name for block in blocks)),
        )
    gates = [block.gate for block in blocks if block.name == name]
    if gates == [None]:
        raise InputError(N_("The tensor '{name}' is not split into gates: write - for the gate."), name=name)
    raise InputError(
        N_("The tensor '{name}' has no block '{block}': choose one of {choices}."),
        name=name,
        block=gate or "-",
        choices=", ".join(str(g) for g in gates),
    )


@dataclass(frozen=True)
class Edit:
    """Set entries of one block to ``value``: row ``row`` (a unit; None: every row of the block) and column
    ``column`` (an input; None: every column; always None for a bias) of the tensor ``tensor`` (its torch name),
    in the block of ``gate`` (None for a cell without gates and for the head). Indices count from 0."""

    tensor: str
    gate: str | None
    row: int | None
    column: int | None
    value: float


@dataclass(frozen=True)
class Silence:
    """Silence unit ``unit`` of layer ``layer`` (both from 0): see the module's docstring for exactly what is zeroed."""

    layer: int
    unit: int


Change = Edit | Silence


def check_value(value: float) -> float:
    value = float(value)
    if not math.isfinite(value) or abs(value) > MAX_VALUE:
        raise InputError(N_("A new weight must be a number between -{most} and {most}."), most=f"{MAX_VALUE:g}")
    return value


def _check_index(index: int | None, size: int, what: Message) -> None:
    if index is not None and not 0 <= index < size:
        raise InputError(
            N_("{what} {number} does not exist here: choose 1 to {size}."), what=what, number=index + 1, size=size
        )


def checked(weights: dict[str, Tensor], cell: str | Cell, change: Change) -> EditableTensor | None:
    """``change`` validated against these weights: its block (None for a silence); an index out of range, an unknown
    tensor or gate, or a value that is not a finite number of sensible size is refused with a message."""
    if isinstance(change, Silence):
        layers = layer_count(weights)
        _check_index(change.layer, layers, said(N_("Layer")))
        units = int(weights[f"layers.{change.layer}.weight_hh_l0"].shape[1])
        _check_index(change.unit, units, said(N_("Unit")))
        return None
    block = find_block(weights, cell, change.tensor, change.gate)
    check_value(change.value)
    _check_index(change.row, block.rows, said(N_("Unit")) if block.layer is not None else said(N_("Output")))
    if block.is_bias and change.column is not None:
        raise InputError(N_("A bias has one value per unit: it has no column to choose."))
    if not block.is_bias:
        _check_index(change.column, block.columns, said(N_("Column")))
    return block


def entries(block: EditableTensor, edit: Edit) -> tuple[slice | int, ...]:
    """The index into the whole tensor of the entries ``edit`` sets."""
    rows = slice(block.start, block.start + block.rows) if edit.row is None else block.start + edit.row
    if block.is_bias:
        return (rows,)
    return (rows, slice(None) if edit.column is None else edit.column)


def old_values(weights: dict[str, Tensor], cell: str | Cell, edit: Edit) -> Tensor:
    """The values ``edit`` replaces, as they are in ``weights`` (a copy)."""
    block = checked(weights, cell, edit)
    return weights[block.key][entries(block, edit)].detach().clone()


def apply(weights: dict[str, Tensor], cell: str | Cell, change: Change) -> dict[str, Tensor]:
    """A new weights dict with ``change`` made: every tensor a clone, ``weights`` and its tensors untouched."""
    block = checked(weights, cell, change)
    edited = {key: tensor.detach().clone() for key, tensor in weights.items()}
    if isinstance(change, Edit):
        edited[block.key][entries(block, change)] = change.value
        return edited
    layer, unit = change.layer, change.unit
    entry, prefix = cell_entry(cell), f"layers.{layer}."
    size = int(edited[f"{prefix}weight_hh_l0"].shape[1])
    rows = [block * size + unit for block in range(entry.blocks)]  # the unit's row in every gate block
    for kind in SYMBOLS:
        edited[f"{prefix}{kind}_l0"][rows] = 0.0  # incoming: W_ih, W_hh rows and both biases
    edited[f"{prefix}weight_hh_l0"][:, unit] = 0.0  # outgoing, to the next step of its own layer
    above = f"layers.{layer + 1}.weight_ih_l0"
    if above in edited:
        edited[above][:, unit] = 0.0
    elif "head.weight" in edited:
        edited["head.weight"][:, unit] = 0.0
    return edited


def edit_text(change: Change) -> str:
    """The change as a link writes it, counted from 1: 'bias_hh_l0:forget:3:-:5', 'weight_hh_l0:-:all:2:0.5',
    'silence:1:3' (layer 1, unit 3). Fields: tensor, gate ('-': none), row ('all'), column ('all'; '-' for a bias),
    value."""
    if isinstance(change, Silence):
        return f"silence:{change.layer + 1}:{change.unit + 1}"

    def index(value: int | None) -> str:
        return ALL if value is None else str(value + 1)

    column = "-" if change.column is None and change.tensor.startswith(("bias", "head.bias")) else index(change.column)
    return f"{change.tensor}:{change.gate or '-'}:{index(change.row)}:{column}:{change.value:g}"


def parse_edit(text: str) -> Change:
    """``edit_text``'s text back to a change; anything else is refused with the form it should take. Whether the
    change fits a network (the tensor exists, the unit is in range) is ``checked`` once the weights are known."""
    fields = text.strip().split(":")
    change: Change | None = None
    try:
        if fields[0] == "silence" and len(fields) == 3:
            layer, unit = (_whole(f) for f in fields[1:])
            if layer is not None and unit is not None:
                change = Silence(layer, unit)
        elif len(fields) == 5 and fields[0]:
            tensor, gate, row, column, value = fields
            gate_name = None if gate == "-" else gate
            change = Edit(tensor, gate_name, _whole(row), None if column == "-" else _whole(column), float(value))
    except ValueError:
        change = None
    if isinstance(change, Edit):
        check_value(change.value)  # its own message: a number, but not a usable one
    if change is not None:
        return change
    raise InputError(
        N_(
            "An edit is written tensor:gate:unit:column:value (e.g. bias_hh_l0:forget:3:-:5) or silence:layer:unit "
            "(e.g. silence:1:3)."
        )
    )


def target_text(name: str | None, change: Change) -> str:
    """A change to the network ``name`` of a screen with several (the comparison's 'lstm'), as a link writes it:
    'lstm:bias_hh_l0:forget:3:-:5'; a screen with one network leaves the name out (``name=None``)."""
    return edit_text(change) if name is None else f"{name}:{edit_text(change)}"


def parse_target(text: str) -> tuple[str | None, Change]:
    """``target_text``'s text back: (the network's name or None, the change). Refused when it is not of that form (or
    longer than any such text); whether the name is one of the screen's networks is the screen's check."""
    fields = text.strip().split(":")
    if len(text) > MAX_TEXT or len(fields) not in (4, 6):
        return None, parse_edit(text[:MAX_TEXT])
    return fields[0], parse_edit(":".join(fields[1:]))


def _whole(text: str) -> int | None:
    """A 1-based index as a link writes it, counted from 0; 'all' is None."""
    if text == ALL:
        return None
    number = int(text)  # a ValueError for anything but a whole number
    if number < 1:
        raise ValueError(text)
    return number - 1


def describe(weights: dict[str, Tensor], cell: str | Cell, change: Change) -> Message:
    """What ``change`` changes, in the learner's words: 'forget gate bias b_hh of unit 3', 'W_hh[2, 5] (candidate)',
    'unit 3 of layer 1 silenced'; the layer is named when the network has more than one."""
    layers = layer_count(weights)
    if isinstance(change, Silence):
        return said(N_("unit {unit} of layer {layer}"), unit=change.unit + 1, layer=change.layer + 1)
    block = checked(weights, cell, change)
    gate = next((g.label for g in cell_entry(cell).gates if g.name == block.gate), None)
    if block.is_bias:
        where = said(N_("of every unit")) if change.row is None else said(N_("of unit {unit}"), unit=change.row + 1)
        if block.layer is None:
            where = (
                said(N_("of every output"))
                if change.row is None
                else said(N_("of output {output}"), output=change.row + 1)
            )
        phrase = (
            said(N_("{part} bias {symbol} {where}"), part=said(gate), symbol=block.symbol, where=where)
            if gate
            else said(N_("bias {symbol} {where}"), symbol=block.symbol, where=where)
        )
    else:
        index = f"[{_shown(change.row)}, {_shown(change.column)}]"  # W_hh[3, :]: row 3, every column
        phrase = (
            said(N_("{part} weight {symbol}{index}"), part=said(gate), symbol=block.symbol, index=index)
            if gate
            else said(N_("weight {symbol}{index}"), symbol=block.symbol, index=index)
        )
    if block.layer is not None and layers > 1:
        return said(N_("{phrase} in layer {layer}"), phrase=phrase, layer=block.layer + 1)
    return phrase


def _shown(index: int | None) -> str:
    """An index as a sentence writes it, from 1; ':' for every one (as in a PyTorch script)."""
    return ":" if index is None else str(index + 1)


def old_text(old: Tensor) -> str:
    """The values an edit replaces, as a sentence shows them: '1.2', or '0.81…2.6' for several."""
    if old.numel() == 1:
        return f"{float(old):.3g}"
    return f"{float(old.min()):.3g}…{float(old.max()):.3g}"


# -- looking at an edited copy through the run's session, never training it ----------------------------------------
def recompute(session: TrainingSession, weights: dict[str, Tensor]) -> Probe:
    """Predictions, hidden states, gates and the gradient per time step of the probed sequences at ``weights``
    (``TrainingSession.look``: a copy of the model; the run's model, optimiser and history are not touched)."""
    return session.look(weights)


def scores_at(
    session: TrainingSession, weights: dict[str, Tensor], inputs: Tensor, targets: Tensor
) -> tuple[float, float | None]:
    """Mean loss and accuracy on ``inputs``/``targets`` of a copy of the session's model at ``weights``."""
    model = copy.deepcopy(session.model)
    model.load_state_dict(weights)
    return held_out_scores(model, inputs, targets, session.data.objective)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def before_after(
    weights: dict[str, Tensor],
    cell: str | Cell,
    change: Change,
    before: float | None,
    after: float | None,
    measure: Message,
) -> Message:
    """The before/after sentence of an edit, computed from the two measurements (``measure``: what they are, e.g.
    'held-out accuracy'): "With the LSTM's forget gate bias b_hh of unit 3 at 5 instead of 1.2, held-out accuracy
    goes from 97% to 41%." It says "stays at" when the two agree to the percent shown."""
    what, label = describe(weights, cell, change), cell_entry(cell).label
    shown_before, shown_after = percent(before), percent(after)
    if isinstance(change, Silence):
        if shown_before == shown_after:
            return said(
                N_("With {what} of the {cell} silenced, {measure} stays at {before}."),
                what=what,
                cell=label,
                measure=measure,
                before=shown_before,
            )
        return said(
            N_("With {what} of the {cell} silenced, {measure} goes from {before} to {after}."),
            what=what,
            cell=label,
            measure=measure,
            before=shown_before,
            after=shown_after,
        )
    old = old_text(old_values(weights, cell, change))
    values = dict(what=what, cell=label, new=f"{change.value:g}", old=old, measure=measure, before=shown_before)
    if shown_before == shown_after:
        return said(N_("With the {cell}'s {what} at {new} instead of {old}, {measure} stays at {before}."), **values)
    return said(
        N_("With the {cell}'s {what} at {new} instead of {old}, {measure} goes from {before} to {after}."),
        after=shown_after,
        **values,
    )


HELD_OUT, TRAINING = N_("held-out accuracy"), N_("training accuracy")  # what an accuracy is measured on


@dataclass(frozen=True)
class WhatIf:
    """An edited copy of one network at the moment shown: what it computes, and how it scores against before."""

    change: Change
    weights: dict[str, Tensor]  # the edited copy
    probe: Probe  # predictions, hidden states, gates, gradient per step of the probed sequences
    before: float | None
    after: float | None
    sentence: Message


def what_if(
    session: TrainingSession,
    weights: dict[str, Tensor],
    change: Change,
    before: float | None,
    score: Callable[[dict[str, Tensor]], float | None],
    measure: Message,
) -> WhatIf:
    """``change`` made on a copy of ``weights`` (the session's network at the moment shown, scoring ``before``), and
    everything recomputed for the copy: the probe (``recompute``), the score (``score``: the screen's own measure,
    e.g. held-out accuracy) and the sentence. Neither ``weights`` nor the session is changed."""
    cell = session.model.config.cell
    edited = apply(weights, cell, change)
    after = score(edited)
    sentence = before_after(weights, cell, change, before, after, measure)
    return WhatIf(change, edited, recompute(session, edited), before, after, sentence)
