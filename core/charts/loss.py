"""The loss chart: one builder for every screen's loss over training, so the screens differ in data only.

HiHello and Long sequences draw a run's training (and held-out) loss per epoch, Time series the same with its own
y title, RNN vs LSTM/GRU one curve per cell per training step: all four call ``loss_chart`` with a list of
``Curve`` (``split_curves`` or ``cell_curves`` make them) and words, and get the same look, axes, hover and marks.

Changing the loss chart's look, in one place (a chart style walkthrough):
- a colour: the colours themselves are ``core.charts.style.PALETTE``; which palette entry the training and validation
  curves take is ``split_curves`` here, a cell's is ``core.charts.style.CELL_COLORS`` (the same on every chart of the
  app); a line's width is ``Curve.width`` (``split_curves``, ``cell_curves``);
- the fonts, margins, legend and title placement of every chart: ``core.charts.style.styled``;
- the log axis's ticks and range: ``core.charts.axes.log_axis``;
- behaviour of the loss chart alone (hover text, gaps, a linear axis from zero, room for a two-line y title, the
  learning-rate marks and the fixed x range through ``core.charts.figures.mark_changes``): ``loss_chart`` below.
A pinned run (ui.ghost) is drawn as a ``Ghost``: its curves grey and dashed, under the run on screen.
A screen never styles its loss chart itself: ``tests/charts/test_loss_chart.py`` checks that every screen's comes from
here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from core.charts.axes import log_axis
from core.charts.figures import mark_changes
from core.charts.style import CELL_COLORS, PALETTE, styled
from core.engine.cells import CELL_NAMES
from core.words.i18n import N_, _


@dataclass(frozen=True)
class Curve:
    """One line of a loss chart: its legend name (translated), x (epochs or steps) and loss values (None or a
    non-finite value: not measured there, or diverged), and its colour and width."""

    name: str
    x: Sequence[float]
    y: Sequence[float | None]
    color: str
    width: float = 2.0


GHOST_COLOUR = PALETTE["grey"]


@dataclass(frozen=True)
class Ghost:
    """A pinned run's loss, drawn grey and dashed under the curves of the run on screen: its curves (their names:
    which line of the pinned run, translated) and a short label saying which run it was (its seed and what differed,
    translated)."""

    curves: Sequence[Curve]
    label: str


def ghost_traces(ghost: Ghost | None, x_title: str, log_y: bool = True) -> list[go.Scatter]:
    """The ghost's lines: grey, dashed, thinner than a run's, under one legend entry (its label); the hover names the
    line (a cell's, on the comparison)."""
    if ghost is None:
        return []
    traces = []
    for number, curve in enumerate(ghost.curves):
        line = ghost.label if len(ghost.curves) == 1 else f"{ghost.label}: {curve.name}"
        traces.append(
            go.Scatter(
                x=list(curve.x),
                y=finite(curve.y, log_y),
                name=ghost.label,
                legendgroup="ghost",
                showlegend=number == 0,
                mode="lines",
                line=dict(width=1.5, color=GHOST_COLOUR, dash="dash"),
                opacity=0.8,
                connectgaps=True,
                hovertemplate=f"{x_title}: %{{x}}<br>{line}: %{{y:.4g}}<extra></extra>",
            )
        )
    return traces


def finite(values: Sequence[float | None], log_y: bool) -> list[float | None]:
    """The values a chart can draw: None where nothing was measured, the run diverged, or (log axis) not above 0."""
    return [None if v is None or not np.isfinite(v) or (log_y and v <= 0) else float(v) for v in values]


def split_curves(
    epochs: Sequence[int], losses: Sequence[float], validation_losses: Sequence[float | None] | None = None
) -> list[Curve]:
    """A run's training loss per epoch, and its validation loss where any was measured (every few epochs)."""
    curves = [Curve(_("training"), epochs, losses, PALETTE["blue"])]
    if validation_losses is not None and any(v is not None for v in validation_losses):
        curves.append(Curve(_("validation"), epochs, validation_losses, PALETTE["orange"]))
    return curves


def cell_curves(per_cell: dict[str, tuple[Sequence[float], Sequence[float]]]) -> list[Curve]:
    """One curve per cell (``{"rnn": (steps, losses), …}``) in the cell's fixed colour (``CELL_COLORS``), the same
    on every chart of the app."""
    return [Curve(CELL_NAMES[name], x, y, CELL_COLORS[name], width=2.5) for name, (x, y) in per_cell.items()]


def loss_chart(
    curves: Sequence[Curve],
    title: str = N_("Loss per epoch"),
    x_title: str = N_("epoch"),
    quantity: str = N_("cross-entropy loss"),
    log_y: bool = True,
    y_title: str | None = None,
    marks: Sequence[tuple[float, str]] = (),
    x_max: float | None = None,
    ghost: Ghost | None = None,
) -> go.Figure:
    """The loss over training: ``curves`` over a shared x axis titled ``x_title``, on a log axis (``log_axis``:
    readable ticks, at least a decade) or a linear one from zero; ``marks`` are the learner's learning-rate changes
    (dotted lines), ``x_max`` the run's length, so the curves grow into a fixed frame while it trains; ``ghost`` a
    pinned run's curves, drawn under the others (grey, dashed).

    The y title is ``quantity`` with "(log scale)" on a log axis, or ``y_title`` as given; one of two lines (joined by
    "<br>") gets a wider left margin. Words may come marked with ``N_()`` or translated: they go through ``_()``."""
    x_title, quantity = _(x_title), _(quantity)
    if y_title is not None:
        y_title = _(y_title)
    else:
        y_title = _("{quantity} (log scale)").format(quantity=quantity) if log_y else quantity
    fig = go.Figure()
    drawn: list[float | None] = []
    for trace in ghost_traces(ghost, x_title, log_y):  # first, so the run on screen is drawn over it
        fig.add_trace(trace)
        drawn.extend(trace.y)
    for curve in curves:
        y = finite(curve.y, log_y)  # nothing to draw where a value is None
        drawn.extend(y)
        fig.add_trace(
            go.Scatter(
                x=list(curve.x),
                y=y,
                name=curve.name,
                mode="lines",
                line=dict(width=curve.width, color=curve.color),
                connectgaps=True,  # validation measured every k epochs
                hovertemplate=f"{x_title}: %{{x}}<br>{curve.name}: %{{y:.4g}}<extra></extra>",
            )
        )
    two_lines = "<br>" in y_title
    fig = styled(
        fig,
        _(title),
        x_title,
        y_title,
        yaxis={
            **(log_axis(drawn) if log_y else {"rangemode": "tozero"}),  # a small wiggle is not drawn as a cliff
            **({"automargin": True} if two_lines else {}),
        },
    )
    if two_lines:
        fig.update_layout(margin=dict(l=80))
    return mark_changes(fig, marks, x_max)
