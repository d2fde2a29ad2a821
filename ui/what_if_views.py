"""What-if weights: a paused run's network at the moment shown, one number changed by hand on a copy, before and
after side by side. The edit and its sentence are core.engine.what_if; the comparison's measure is
core.screens.rnn_vs_lstm_gru.what_if.

The learner picks a network (the comparison's cell), a tensor, a gate, an entry, a bias or a unit to silence, and a
value; "Apply to a copy" shows the copy's accuracy, hidden states, gate and gradient per time step beside the run's,
at the moment the screen shows; "Reset" removes it. The run is never trained or touched. While it is shown, the edit
is part of the link (``{key}_what_if``, ``ui.links.VIEW_PARAMS``): a link that carries one opens with it applied once
its run is paused; a link whose edit does not fit the run says so in a note.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from torch import Tensor

from core.charts import figures
from core.charts.colour_ranges import TANH_RANGE
from core.engine.cells import CELL_NAMES, cell_entry, signed_gate
from core.engine.probes import Probe
from core.engine.records import Snapshot
from core.engine.session import TrainingSession
from core.engine.what_if import (
    MAX_VALUE,
    TRAINING,
    Change,
    Edit,
    Silence,
    WhatIf,
    editable_tensors,
    layer_count,
    old_text,
    old_values,
    parse_target,
    percent,
    scores_at,
    target_text,
    what_if,
)
from core.screens.rnn_vs_lstm_gru import figures as cf
from core.screens.rnn_vs_lstm_gru.what_if import accuracy_at, measure
from core.words.errors import InputError
from core.words.i18n import N_, _
from core.words.message import Message, said
from ui.common import chart, markdown_literal
from ui.comparison_views import results_now
from ui.i18n import option_labels
from ui.links import keep_view_param, view_params
from ui.live import LiveRun
from ui.training_views import cached_at, computed

LINK = "what_if"  # the link parameter's suffix (ui.links.VIEW_PARAMS)
SILENCE = "silence"
TENSOR_LABELS = {  # a tensor's symbol -> what it is, read with _()
    "W_ih": N_("W_ih: weights from the input"),
    "W_hh": N_("W_hh: weights from the previous hidden state"),
    "b_ih": N_("b_ih: bias (input side)"),
    "b_hh": N_("b_hh: bias (recurrent side)"),
    "W_out": N_("W_out: the output layer's weights"),
    "b_out": N_("b_out: the output layer's bias"),
    SILENCE: N_("silence a unit"),
}


@dataclass(frozen=True)
class Subject:
    """One network a learner may edit: its session, and the moment shown (its snapshot, and its accuracy there)."""

    session: TrainingSession
    snapshot: Snapshot
    before: Callable[[], float | None]  # its accuracy at the snapshot (computed when first asked)
    score: Callable[[dict[str, Tensor]], float | None]  # the same measure for an edited copy
    measure: Message  # what the measure is ("held-out accuracy")


def what_if_section(run: LiveRun, key: str, subjects: dict[str, Subject], step_labels: Sequence[str]) -> None:
    """The what-if part of a screen: the controls, and before and after once an edit is applied. ``subjects`` are the
    networks by their name in the link (the comparison's cells), or one network under the name ``""``."""
    st.subheader(_("What if a weight were different?"))
    if run.playing:
        st.caption(_("Pause the run (or let it finish) to change one weight of the trained network by hand."))
        return
    st.caption(
        _(
            "Change one number of the network at the moment shown, on a copy: the run itself is never trained or "
            "touched. torch keeps two biases per gate, b_ih and b_hh; the gate sees their sum."
        )
    )
    held = view_params(key).get(LINK)
    if held is not None and st.session_state.get(f"{key}_what_if_seeded") != held:
        seed_controls(key, held, subjects)  # an edit from a link: the controls show it
    text = controls(key, subjects)
    apply_column, reset_column = st.columns(2)
    if apply_column.button(_("Apply to a copy"), key=f"{key}_what_if_apply", disabled=text is None):
        keep_view_param(key, LINK, text)
        st.session_state[f"{key}_what_if_seeded"] = text
        st.rerun()  # the whole page: the link in the sidebar carries the edit
    if reset_column.button(_("Reset the edit"), key=f"{key}_what_if_reset", disabled=held is None):
        keep_view_param(key, LINK, None)
        st.rerun()
    if held is None:
        return
    try:
        name, change = chosen(held, subjects)
        subject = subjects[name]
        moment = (subject.snapshot.epoch, held)
        result = cached_at(run, f"{key}_what_if", moment, lambda: computed(run, lambda: edited(subject, change)))
    except InputError as error:
        st.info(markdown_literal(_("The edit {edit} does not fit this run: {why}").format(edit=held, why=error)))
        return
    before_and_after(run, key, name, subject, result, step_labels)


def chosen(text: str, subjects: dict[str, Subject]) -> tuple[str, Change]:
    """The network and the change a link's text names, refused when the network is not one of the screen's."""
    name, change = parse_target(text)
    name = name or ""
    if name not in subjects and list(subjects) == [""]:
        raise InputError(N_("this screen has one network: leave out the name before the first colon."))
    if name not in subjects:
        raise InputError(
            N_("it names no network of this screen ({names})."),
            names=", ".join(CELL_NAMES.get(n, n) for n in subjects),
        )
    return name, change


def edited(subject: Subject, change: Change) -> WhatIf:
    before = subject.before()
    return what_if(subject.session, subject.snapshot.weights, change, before, subject.score, subject.measure)


def seed_controls(key: str, text: str, subjects: dict[str, Subject]) -> None:
    """The controls set to the edit ``text`` names (once per edit: then they are the learner's again); an edit that
    does not fit leaves them as they are (the section says why)."""
    st.session_state[f"{key}_what_if_seeded"] = text
    try:
        name, change = chosen(text, subjects)
    except InputError:
        return
    subject = subjects[name]
    weights, cell = subject.snapshot.weights, subject.session.model.config.cell
    values: dict[str, object] = {"network": name} if len(subjects) > 1 else {}
    if isinstance(change, Silence):
        values.update(layer=change.layer, tensor=SILENCE, unit=float(change.unit + 1))
    else:
        block = next((b for b in editable_tensors(weights, cell) if b.name == change.tensor), None)
        if block is None:
            return
        values.update(tensor=block.symbol, every=change.row is None, value=change.value)
        if block.layer is not None:
            values["layer"] = block.layer
        if change.gate is not None:
            values["gate"] = change.gate
        if change.row is not None:
            values["unit"] = float(change.row + 1)
        if change.column is not None:
            values["column"] = float(change.column + 1)
    for field, value in values.items():
        st.session_state[f"{key}_what_if_{field}"] = value


def controls(key: str, subjects: dict[str, Subject]) -> str | None:
    """The edit the controls describe, as a link writes it; None when these choices name no edit."""
    names = list(subjects)
    name = names[0]
    if len(names) > 1:
        name = st.radio(
            _("Network"), names, format_func=option_labels(CELL_NAMES), horizontal=True, key=f"{key}_what_if_network"
        )
    subject = subjects[name]
    weights, cell = subject.snapshot.weights, subject.session.model.config.cell
    entry, blocks = cell_entry(cell), editable_tensors(weights, cell)
    left, middle, right = st.columns(3)
    layers = layer_count(weights)
    layer = 0
    if layers > 1:
        layer = left.selectbox(
            _("Layer"), list(range(layers)), format_func=option_labels(figures.layer_name), key=f"{key}_what_if_layer"
        )
    symbols = [*dict.fromkeys(b.symbol for b in blocks if b.layer in (layer, None)), SILENCE]
    symbol = left.selectbox(
        _("What to change"), symbols, format_func=option_labels(TENSOR_LABELS), key=f"{key}_what_if_tensor"
    )
    if symbol == SILENCE:
        units = int(weights[f"layers.{layer}.weight_hh_l0"].shape[1])
        unit = whole(middle, _("Unit to silence"), units, f"{key}_what_if_unit")
        change: Change = Silence(layer, unit - 1)
        st.caption(
            _(
                "Silencing a unit sets its incoming weights and biases to 0 (so its state stays 0 at every step) and "
                "the weights that read it to 0: the network then computes without it."
            )
        )
        return target_text(name or None, change)
    options = [b for b in blocks if b.symbol == symbol and b.layer in (layer, None)]
    block = options[0]
    if len(options) > 1:
        gates = [b.gate for b in options]
        labels = {g.name: g.label for g in entry.gates}
        gate = middle.selectbox(_("Gate"), gates, format_func=option_labels(labels), key=f"{key}_what_if_gate")
        block = options[gates.index(gate)]
    every = middle.checkbox(_("every unit"), key=f"{key}_what_if_every")
    row = None
    if not every:
        noun = _("Unit") if block.layer is not None else _("Output")
        row = whole(middle, noun, block.rows, f"{key}_what_if_unit") - 1
    column = None
    if block.columns is not None:
        reads = _("From input") if symbol == "W_ih" and layer == 0 else _("From unit")
        column = whole(right, reads, block.columns, f"{key}_what_if_column") - 1
    st.session_state.setdefault(f"{key}_what_if_value", 0.0)  # its value is the state's, as in ``whole``
    value = right.number_input(
        _("New value"), -MAX_VALUE, MAX_VALUE, step=0.5, key=f"{key}_what_if_value", format="%.3g"
    )
    change = Edit(block.name, block.gate, row, column, float(value))
    try:
        now = old_text(old_values(weights, cell, change))
    except InputError:
        return None
    right.caption(_("Now: {value}").format(value=now))
    return target_text(name or None, change)


def whole(where, label: str, highest: int, key: str) -> int:
    """A whole number from 1 to ``highest`` (a float input shown without decimals: a forged value is reset)."""
    if not 1 <= st.session_state.get(key, 1.0) <= highest:
        st.session_state[key] = 1.0  # another network or tensor with fewer rows was chosen
    # its value is the state's (set here or by a link's edit): no default beside it, which Streamlit warns about
    return int(where.number_input(label, 1.0, float(highest), step=1.0, format="%.0f", key=key))


def moment_words(run: LiveRun, epoch: int) -> str:
    """The before side's heading: the moment shown, in the screen's unit (the comparison's steps, epochs elsewhere)."""
    if run.unit_name == "step":
        return _("Before: the run after step {step}").format(step=epoch)
    return _("Before: the run after epoch {epoch}").format(epoch=epoch)


def before_and_after(
    run: LiveRun, key: str, name: str, subject: Subject, result: WhatIf, step_labels: Sequence[str]
) -> None:
    """The sentence, then the run and its edited copy side by side at the moment shown."""
    st.info(markdown_literal(result.sentence.worded()))
    session, snapshot = subject.session, subject.snapshot
    cell = session.model.config.cell
    entry = cell_entry(cell)
    layer = shown_layer(result.change, len(snapshot.probe.hidden))
    gate = shown_gate(result.change, cell)
    label = CELL_NAMES.get(name, "") if name else ""
    sides = [
        (moment_words(run, snapshot.epoch), snapshot.probe, result.before, "before"),
        (_("After the edit (a copy; the run is unchanged)"), result.probe, result.after, "after"),
    ]
    value_range = hidden_range(entry.bounded(session.model.config.nonlinearity), snapshot.probe, result.probe)
    columns = st.columns(2)
    for column, (heading, probe, accuracy, side) in zip(columns, sides, strict=True):
        with column:
            st.markdown(f"**{heading}**")
            delta = None
            if side == "after" and result.before is not None and result.after is not None:
                delta = _("{points} points").format(points=f"{100 * (result.after - result.before):+.0f}")
            measure = subject.measure.worded()
            what = _("{measure} of the {cell}").format(measure=measure, cell=label) if label else measure
            st.metric(
                _("{what}, before").format(what=what) if side == "before" else _("{what}, after").format(what=what),
                percent(accuracy),
                delta=delta,
            )
            fig = figures.hidden_state_figure(
                probe.hidden[layer][0], step_labels, layer, snapshot.epoch, value_range=value_range
            )
            chart(titled(fig, side), figures.hidden_state_caption(value_range), key=f"{key}_what_if_{side}_hidden")
            if gate is not None:
                fig = cf.gate_figure(probe.gates[layer][gate][0], step_labels, gate, cell, signed_gate(gate))
                chart(
                    titled(fig, side),
                    _("Gates near 1 pass information through, near 0 block it."),
                    key=f"{key}_what_if_{side}_gate",
                )
            fig = figures.gradient_per_step_figure(probe.hidden_gradient_norms, step_labels, snapshot.epoch)
            chart(
                titled(fig, side),
                _("How much the loss can still move each hidden state, before and after the edit."),
                key=f"{key}_what_if_{side}_gradient",
            )


def titled(fig: go.Figure, side: str) -> go.Figure:
    """The after side's charts say they show the edited copy."""
    if side == "after":
        fig.update_layout(title_text=_("Edited copy: {title}").format(title=fig.layout.title.text))
    return fig


def shown_layer(change: Change, layers: int) -> int:
    if isinstance(change, Silence):
        return change.layer
    if change.tensor.startswith("head"):
        return layers - 1
    return int(change.tensor.rsplit("_l", 1)[1])


def shown_gate(change: Change, cell: str) -> str | None:
    """The gate the edit changes, or the cell's keep gate (the LSTM's forget gate); None for a cell without gates."""
    entry = cell_entry(cell)
    if not entry.gates:
        return None
    if isinstance(change, Edit) and change.gate is not None:
        return change.gate
    return entry.keep_gate or entry.gate_names[0]


def hidden_range(bounded: bool, *probes: Probe) -> tuple[float, float]:
    """tanh's −1…1, or for a ReLU network one range for both sides (0 … the larger of their largest values)."""
    if bounded:
        return TANH_RANGE
    highest = max(float(np.max(layer)) for probe in probes for layer in probe.hidden)
    return (0.0, max(highest, 1e-6))


# -- the screens ----------------------------------------------------------------------------------------------------
def comparison_what_if(run: LiveRun, key: str) -> None:
    """The comparison's what-if part: each cell at the moment the screen shows (``results_now``), measured as the
    summary measures it."""
    task, results = run.screen.task, results_now(run)

    def subject(cell: str) -> Subject:
        session = run.sessions[cell]

        def score(weights: dict[str, Tensor]) -> float | None:
            return accuracy_at(session, weights, task)

        return Subject(session, results[cell].after_training, lambda: results[cell].test_accuracy, score, measure(task))

    what_if_section(run, key, {cell: subject(cell) for cell in run.sessions}, task.step_labels)


def hihello_what_if(run: LiveRun, snapshot: Snapshot, step_labels: Sequence[str], key: str) -> None:
    """HiHello's what-if part: the network at the epoch the epoch control shows, scored on the word."""
    session = run.session
    inputs, targets = session.data.inputs, session.data.targets

    def score(weights: dict[str, Tensor]) -> float | None:
        return scores_at(session, weights, inputs, targets)[1]

    subject = Subject(session, snapshot, lambda: score(snapshot.weights), score, said(TRAINING))
    what_if_section(run, key, {"": subject}, step_labels)
