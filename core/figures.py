"""Plotly builders: data in, a ``go.Figure`` out, one visual style for the whole app."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

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
CELL_NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
# Diverging scale for signed values (activations in [-1, 1]), sequential for magnitudes.
DIVERGING = "RdBu_r"
SEQUENTIAL = "Viridis"
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=13)


def styled(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 360) -> go.Figure:
    """Apply the app's look: a title, axis titles (with units), unified layout."""
    fig.update_layout(
        title=dict(text=title, x=0.0, xanchor="left"),
        xaxis_title=x_title,
        yaxis_title=y_title,
        template="plotly_white",
        font=FONT,
        height=height,
        margin=dict(l=60, r=20, t=60, b=50),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0),
        hovermode="closest",
    )
    return fig


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
                hovertemplate=f"{x_title}: %{{x}}<br>{name}: %{{y:{hover_format}}}<extra></extra>",
            )
        )
    fig = styled(fig, title, x_title, y_title)
    if log_y:
        fig.update_yaxes(type="log")
    return fig


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
    height: int | None = None,
) -> go.Figure:
    """A labelled heatmap; signed values get a diverging scale centred on zero."""
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
            texttemplate="%{text}" if text is not None else None,
            **kwargs,
        )
    )
    fig = styled(fig, title, x_title, y_title, height=height or max(260, 40 + 28 * len(y_labels)))
    fig.update_xaxes(tickmode="array", tickvals=list(range(len(x_labels))), ticktext=list(x_labels))
    fig.update_yaxes(
        tickmode="array", tickvals=list(range(len(y_labels))), ticktext=list(y_labels), autorange="reversed"
    )
    return fig
