"""The band chart: several seeds' curve as a median line and a translucent min-max band, one per curve (a cell's on
the comparison, in its colour), so a learner sees how much an outcome depends on the draw of the initial weights.

A band is ``core.runs.seeds.Band`` (x, median, low, high, count); charts come before runs, so this builder reads
those fields without importing it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import numpy as np
import plotly.graph_objects as go

from core.charts.axes import log_axis
from core.charts.loss import Ghost, finite, ghost_traces
from core.charts.style import styled
from core.words.i18n import _, ngettext

BAND_OPACITY = 0.18


class BandLike(Protocol):
    """What the chart reads of a band (``core.runs.seeds.Band``)."""

    x: np.ndarray
    median: np.ndarray
    low: np.ndarray
    high: np.ndarray
    count: int


def translucent(colour: str, opacity: float = BAND_OPACITY) -> str:
    """A ``#rrggbb`` colour as ``rgba(...)`` with ``opacity``."""
    red, green, blue = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{opacity})"


def band_figure(
    bands: Mapping[str, tuple[BandLike, str]],
    title: str,
    x_title: str,
    y_title: str,
    log_y: bool = True,
    ghost: Ghost | None = None,
) -> go.Figure:
    """Per curve (``{label: (band, "#rrggbb")}``, labels translated) the median over the seeds as a line and the
    min-max band around it in the curve's colour, translucent; the hover gives the median, the lowest and the highest
    seed at each x. ``ghost``: a pinned run's curves, grey and dashed under the bands. Words come translated."""
    fig = go.Figure()
    every: list[float | None] = []
    for trace in ghost_traces(ghost, x_title, log_y):
        fig.add_trace(trace)
        every.extend(trace.y)
    for label, (band, colour) in bands.items():
        low, high, median = finite(band.low, log_y), finite(band.high, log_y), finite(band.median, log_y)
        every.extend([*low, *high])
        x = np.asarray(band.x).tolist()
        seeds = ngettext("median of {count} seed", "median of {count} seeds", band.count).format(count=band.count)
        group = f"band {label}"
        fig.add_trace(  # the band's upper edge, then its lower edge filled up to it
            go.Scatter(
                x=x, y=high, mode="lines", line=dict(width=0), hoverinfo="skip", showlegend=False, legendgroup=group
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=low,
                mode="lines",
                line=dict(width=0),
                fill="tonexty",
                fillcolor=translucent(colour),
                name=_("{label}: min–max over seeds").format(label=label),
                hoverinfo="skip",
                legendgroup=group,
            )
        )
        spread = np.stack([np.asarray(band.low, dtype=float), np.asarray(band.high, dtype=float)], axis=-1)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=median,
                mode="lines",
                line=dict(width=2.5, color=colour),
                name=f"{label}: {seeds}",
                customdata=spread,
                hovertemplate=(
                    f"{x_title}: %{{x}}<br>{label}<br>"
                    + _("median")
                    + ": %{y:.4g}<br>"
                    + _("min")
                    + ": %{customdata[0]:.4g}<br>"
                    + _("max")
                    + ": %{customdata[1]:.4g}<extra></extra>"
                ),
            )
        )
    return styled(fig, title, x_title, y_title, yaxis=log_axis(every) if log_y else {"rangemode": "tozero"})
