"""Figures of the RNN vs LSTM/GRU screen: one fixed colour per cell (its entry in core.engine.cells)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.charts.colour_ranges import gate_range
from core.charts.figures import heatmap, log_axis, styled
from core.charts.style import cell_colour
from core.engine.cells import CELL_NAMES, known
from core.screens.rnn_vs_lstm_gru.readings import format_chance
from core.words.i18n import _, ngettext, pgettext


def per_cell_lines(
    curves: dict[str, tuple[Sequence[float], Sequence[float]]],
    title: str,
    x_title: str,
    y_title: str,
    log_y: bool = False,
    dashed: dict[str, tuple[Sequence[float], Sequence[float]]] | None = None,
    dashed_label: str = "",
    percent: bool = False,
) -> go.Figure:
    """One solid line per cell (and optionally a dashed one each, e.g. at initialisation)."""
    fig = go.Figure()
    unit = "%" if percent else ""
    drawn = []
    for style, group, suffix in (("solid", curves, ""), ("dash", dashed or {}, f" {dashed_label}")):
        for cell, (x, y) in group.items():
            values = [None if v is None or not np.isfinite(v) or (log_y and v <= 0) else float(v) for v in y]
            drawn.extend(values)
            fig.add_trace(
                go.Scatter(
                    x=list(x),
                    y=values,
                    mode="lines",
                    name=CELL_NAMES[cell] + suffix,
                    line=dict(color=cell_colour(cell), width=2.5 if style == "solid" else 1.5, dash=style),
                    connectgaps=True,
                    hovertemplate=f"{CELL_NAMES[cell]}{suffix}<br>{x_title}: %{{x}}<br>{y_title}: "
                    f"%{{y:.3g}}{unit}<extra></extra>",
                )
            )
    return styled(fig, title, x_title, y_title, yaxis=log_axis(drawn) if log_y else None)


def lstm_gradient_paths_figure(
    steps: Sequence[int],
    trained: dict[str, Sequence[float]],
    initial: dict[str, Sequence[float]],
    y_title: str,
    step: int | None = None,
    cell: str = "lstm",
) -> go.Figure:
    """The two paths back in time of a cell with a cell state (the LSTM), each relative to its last step:
    ``{"h": …, "c": …}`` after ``step`` steps of training (thick) and at initialisation (thin). Both in the cell's
    colour; the line style tells h_t from c_t."""
    fig = go.Figure()
    names = {"h": "‖∂L/∂h_t‖", "c": "‖∂L/∂c_t‖"}
    time_step = _("time step")
    for initial_weights, group, width, opacity in ((False, trained, 2.5, 1.0), (True, initial, 1.2, 0.6)):
        for path, values in group.items():
            shown = [float(v) if np.isfinite(v) and v > 0 else None for v in values]
            label = _("{path} at initialisation").format(path=names[path]) if initial_weights else names[path]
            fig.add_trace(
                go.Scatter(
                    x=list(steps),
                    y=shown,
                    mode="lines",
                    name=label,
                    opacity=opacity,
                    line=dict(color=cell_colour(cell), width=width, dash="solid" if path == "c" else "dot"),
                    connectgaps=True,
                    hovertemplate=f"{label}<br>{time_step}: %{{x}}<br>{y_title}: %{{y:.3g}}<extra></extra>",
                )
            )
    drawn = [v for group in (trained, initial) for values in group.values() for v in values]
    title = _("{cell}: gradient along h_t and along the cell state c_t").format(cell=CELL_NAMES[cell])
    if step is not None:
        title = ngettext(
            "{cell}: gradient along h_t and along the cell state c_t (after {step} step)",
            "{cell}: gradient along h_t and along the cell state c_t (after {step} steps)",
            step,
        ).format(cell=CELL_NAMES[cell], step=step)
    fig = styled(fig, title, time_step, y_title, yaxis=log_axis(drawn))
    fig.update_layout(margin=dict(t=90))  # room for a legend of two rows under the title
    return fig


def sweep_figure(gaps: Sequence[int], accuracy: dict[str, list[float]], chance: float) -> go.Figure:
    curves = {cell: (list(gaps), [100 * a for a in values]) for cell, values in accuracy.items()}
    fig = per_cell_lines(
        curves,
        _("Held-out accuracy against the gap"),
        _("gap (distractor steps to remember across)"),
        _("correct recalls (%)"),
        percent=True,
    )
    for trace in fig.data:
        trace.mode = "lines+markers"
    fig.add_hline(
        y=100 * chance,
        line=dict(color="#7F7F7F", dash="dot"),
        annotation_text=_("chance ({chance})").format(chance=format_chance(chance)),
        annotation_position="bottom right",
    )
    fig.update_yaxes(range=[0, 105])
    return fig


def gate_figure(values: np.ndarray, step_labels: Sequence[str], gate: str, cell: str, signed: bool) -> go.Figure:
    """values (time, units) of one gate or state for one sequence → heatmap units × time, in the gate's
    natural colour range (sigmoid 0…1, tanh −1…1), the same at every step of training. The range, taken
    from the gate's name, also decides ``signed`` (kept in the signature for the callers)."""
    value_range = gate_range(gate, values)
    return heatmap(
        values.T,
        x_labels=step_labels,
        y_labels=[_("unit {number}").format(number=u + 1) for u in range(values.shape[1])],
        title=f"{CELL_NAMES[cell]} {gate_name(gate)}",
        x_title=_("time step (input symbol)"),
        y_title=_("unit"),
        value_name=_("value"),
        signed=value_range[0] < 0,
        value_range=value_range,
        row_noun=_("units"),
        max_plot_px=480,  # two panels side by side: compact rows, each still labelled
    )


def cell_state_figure(values: np.ndarray, step_labels: Sequence[str], cell: str = "lstm") -> go.Figure:
    """values (time, units) of a cell state c_t (the LSTM's) for one sequence: ``gate_figure`` under the name its
    colour range knows (unbounded: ±1, or ± its largest magnitude once it grows past 1)."""
    return gate_figure(values, step_labels, gate="cell state c_t", cell=cell, signed=True)


def gate_name(name: str) -> str:
    """A gate (or the cell state) as the probes name it ("forget"), in the learner's language ("forget gate"): its
    label in the cell entries (core.engine.cells)."""
    if name.startswith("cell state"):
        return pgettext("gate", "cell state c_t")
    label = next((gate.label for entry in known() for gate in entry.gates if gate.name == name), None)
    return name if label is None else _(label)
