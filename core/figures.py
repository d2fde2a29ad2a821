"""Plotly builders: data in, a ``go.Figure`` out, one visual style for the whole app."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

# Okabe-Ito: a palette that stays distinguishable for colour-blind viewers.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "grey": "#7F7F7F",
}
# One fixed colour per cell, on every screen.
CELL_COLORS = {"rnn": PALETTE["vermillion"], "lstm": PALETTE["blue"], "gru": PALETTE["green"]}
# Diverging scale for signed values (activations in [-1, 1]), sequential for magnitudes.
DIVERGING = "RdBu_r"
SEQUENTIAL = "Viridis"
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=13)
# Set once: passing template= to every figure costs ~60 ms per figure (the template is deep-copied).
pio.templates.default = "plotly_white"


def styled(
    fig: go.Figure,
    title: str,
    x_title: str,
    y_title: str,
    height: int = 360,
    xaxis: dict | None = None,
    yaxis: dict | None = None,
) -> go.Figure:
    """Apply the app's look: a title, axis titles (with units), unified layout.

    Extra axis settings come in the same call: each plotly update re-validates the layout (~10 ms).
    """
    layout = dict(
        title=dict(text=title, x=0.0, xanchor="left"),
        xaxis=dict(title=dict(text=x_title), **(xaxis or {})),
        yaxis=dict(title=dict(text=y_title), **(yaxis or {})),
        font=FONT,
        height=height,
        margin=dict(l=60, r=20, t=60, b=50),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0),
        hovermode="closest",
    )
    # One overwrite of a merged dict is ~4x faster than plotly's incremental update_layout, and keeps
    # whatever the caller set before (subplot domains, annotations).
    current = {key: value for key, value in fig.layout.to_plotly_json().items() if key != "template"}
    fig.update_layout(_merged(current, layout), overwrite=True)
    return fig


def _merged(base: dict, extra: dict) -> dict:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def line_chart(
    x: Sequence[float],
    series: dict[str, Sequence[float]],
    title: str,
    x_title: str,
    y_title: str,
    colors: dict[str, str] | None = None,
    log_y: bool = False,
    hover_format: str = ".4g",
) -> go.Figure:
    """Several named lines over a shared x axis."""
    fig = go.Figure()
    default_colors = list(PALETTE.values())
    for index, (name, values) in enumerate(series.items()):
        color = (colors or {}).get(name, default_colors[index % len(default_colors)])
        fig.add_trace(
            go.Scatter(
                x=list(x),
                y=[None if v is None or not np.isfinite(v) else float(v) for v in values],
                name=name,
                mode="lines",
                line=dict(color=color, width=2),
                connectgaps=True,  # validation measured every k epochs
                hovertemplate=f"{x_title}: %{{x}}<br>{name}: %{{y:{hover_format}}}<extra></extra>",
            )
        )
    return styled(fig, title, x_title, y_title, yaxis=dict(type="log") if log_y else None)


def heatmap(
    values: np.ndarray,
    x_labels: Sequence[str],
    y_labels: Sequence[str],
    title: str,
    x_title: str,
    y_title: str,
    value_name: str,
    signed: bool = True,
    text: np.ndarray | None = None,
    show_values: bool = False,
    height: int | None = None,
    value_format: str = ".2f",
) -> go.Figure:
    """A labelled heatmap; signed values get a diverging scale centred on zero.

    ``text`` (strings) or ``show_values`` write each value in its cell: small matrices are read number
    by number.
    """
    values = np.asarray(values, dtype=float)
    kwargs: dict = dict(colorscale=DIVERGING if signed else SEQUENTIAL)
    if signed:
        bound = float(np.nanmax(np.abs(values))) if values.size else 1.0
        kwargs.update(zmid=0.0, zmin=-max(bound, 1e-12), zmax=max(bound, 1e-12))
    # Numeric positions with text ticks: repeated labels (the two l's of "hello") stay apart.
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=list(range(len(x_labels))),
            y=list(range(len(y_labels))),
            customdata=np.array([[[str(xl), str(yl)] for xl in x_labels] for yl in y_labels], dtype=object),
            colorbar=dict(title=dict(text=value_name)),
            hovertemplate=(
                f"{x_title}: %{{customdata[0]}}<br>{y_title}: %{{customdata[1]}}<br>"
                f"{value_name}: %{{z:.4f}}<extra></extra>"
            ),
            text=text,
            texttemplate="%{text}" if text is not None else (f"%{{z:{value_format}}}" if show_values else None),
            **kwargs,
        )
    )
    return styled(
        fig,
        title,
        x_title,
        y_title,
        height=height or max(260, 40 + 28 * len(y_labels)),
        xaxis=_ticks(x_labels),
        yaxis=dict(_ticks(y_labels), autorange="reversed"),
    )


def _ticks(labels: Sequence[str], most: int = 24) -> dict:
    """Text ticks at every position, or at every k-th when there are more than ``most`` (hover shows all)."""
    step = max(1, -(-len(labels) // most))
    positions = list(range(0, len(labels), step))
    return dict(tickmode="array", tickvals=positions, ticktext=[str(labels[i]) for i in positions])


# ---- Training views shared by every screen that trains -------------------------------------------


def mark_changes(
    fig: go.Figure, marks: Sequence[tuple[float, str]] = (), x_max: float | None = None, x_title: str = "epoch"
) -> go.Figure:
    """Dotted vertical lines where the learner changed something mid-run (the learning rate), and a fixed
    x range up to the end of the run, so a curve that grows while it trains does not rescale every tick."""
    for x, label in marks:
        fig.add_vline(
            x=x,
            line=dict(color=PALETTE["grey"], dash="dot", width=1.5),
            annotation=dict(text=label, font=dict(size=11, color=PALETTE["grey"])),
            annotation_position="top right",
        )
    if x_max is not None:
        fig.update_xaxes(range=[0, max(1, x_max)])
    return fig


def loss_figure(
    epochs: Sequence[int],
    losses: Sequence[float],
    validation_losses: Sequence[float | None] | None = None,
    loss_name: str = "cross-entropy loss",
    log_y: bool = True,
    marks: Sequence[tuple[float, str]] = (),
    x_max: float | None = None,
) -> go.Figure:
    """Training (and validation) loss per epoch; ``marks`` are the learner's mid-run changes."""
    series = {"training": losses}
    if validation_losses is not None and any(v is not None for v in validation_losses):
        series["validation"] = [np.nan if v is None else v for v in validation_losses]
    colors = {"training": PALETTE["blue"], "validation": PALETTE["orange"]}
    fig = line_chart(
        epochs,
        series,
        "Loss per epoch",
        "epoch",
        f"{loss_name}{' (log scale)' if log_y else ''}",
        colors=colors,
        log_y=log_y,
    )
    return mark_changes(fig, marks, x_max)


def accuracy_figure(
    epochs: Sequence[int],
    accuracies: Sequence[float],
    validation: Sequence[float | None] | None = None,
    x_max: float | None = None,
) -> go.Figure:
    """Share of correctly predicted targets per epoch, in percent."""
    series = {"training": [100 * a for a in accuracies]}
    if validation is not None and any(v is not None for v in validation):
        series["validation"] = [np.nan if v is None else 100 * v for v in validation]
    fig = line_chart(
        epochs,
        series,
        "Accuracy per epoch",
        "epoch",
        "correct predictions (%)",
        colors={"training": PALETTE["green"], "validation": PALETTE["orange"]},
        hover_format=".1f",
    )
    fig.update_yaxes(range=[-2, 102])
    return mark_changes(fig, x_max=x_max)


STEP_TITLE = "time step (input character)"


def hidden_state_figure(
    hidden: np.ndarray, step_labels: Sequence[str], layer: int, epoch: int, step_title: str = STEP_TITLE
) -> go.Figure:
    """hidden (time, units) → heatmap with one row per hidden unit and one column per time step."""
    units = hidden.shape[1]
    return heatmap(
        hidden.T,
        x_labels=step_labels,
        y_labels=[f"unit {u + 1}" for u in range(units)],  # units count from 1 on screen
        title=f"Hidden state h_t of layer {layer + 1} after {epoch} epochs",
        x_title=step_title,
        y_title="hidden unit",
        value_name="activation",
        show_values=hidden.size <= 400,
    )


def gradient_per_step_figure(
    norms: np.ndarray, step_labels: Sequence[str], epoch: int, step_title: str = STEP_TITLE
) -> go.Figure:
    """norms (layers, time) → one line per layer of ‖∂L/∂h_t‖ against the time step, log scale."""
    fig = go.Figure()
    colors = list(PALETTE.values())
    for layer, row in enumerate(norms):
        fig.add_trace(
            go.Scatter(
                x=list(range(len(step_labels))),
                y=[float(v) if v > 0 else None for v in row],
                customdata=[[t, label] for t, label in enumerate(step_labels, start=1)],  # steps count from 1
                mode="lines+markers",
                name=f"layer {layer + 1}",
                line=dict(color=colors[layer % len(colors)], width=2),
                hovertemplate="step %{customdata[0]} (%{customdata[1]})<br>‖∂L/∂h_t‖ = %{y:.3g}<extra>layer "
                + str(layer + 1)
                + "</extra>",
            )
        )
    return styled(
        fig,
        f"How much gradient reaches each time step (after {epoch} epochs)",
        step_title,
        "‖∂L/∂h_t‖ (log scale)",
        xaxis=dict(tickmode="array", tickvals=list(range(len(step_labels))), ticktext=list(step_labels)),
        yaxis=dict(type="log"),
    )


def parameter_gradients_figure(epochs: Sequence[int], norms_per_epoch: Sequence[dict[str, float]]) -> go.Figure:
    """One line per parameter tensor: ‖∂L/∂W‖ over training, log scale."""
    names = list(norms_per_epoch[0]) if norms_per_epoch else []
    series = {name: [norms.get(name, np.nan) for norms in norms_per_epoch] for name in names}
    series = {name: [v if v and v > 0 else np.nan for v in values] for name, values in series.items()}
    fig = line_chart(
        epochs, series, "Gradient norm of each weight tensor per epoch", "epoch", "‖∂L/∂W‖ (log scale)", log_y=True
    )
    fig.update_layout(legend=dict(orientation="v", yanchor="top", y=1.0, xanchor="left", x=1.01))
    return fig


def probabilities_figure(
    probabilities: np.ndarray, step_labels: Sequence[str], class_labels: Sequence[str], epoch: int
) -> go.Figure:
    """probabilities (time, classes) → heatmap of what the model predicts at every step."""
    return heatmap(
        probabilities.T,
        x_labels=step_labels,
        y_labels=class_labels,
        title=f"Predicted probability of each next character (after {epoch} epochs)",
        x_title=STEP_TITLE,
        y_title="next character",
        value_name="probability",
        signed=False,
        show_values=probabilities.size <= 400,
    )
