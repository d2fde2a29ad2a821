"""Generic plotly builders in the app's look: named lines over a shared x axis, and labelled heatmaps."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.charts.axes import MAX_PLOT_PX, column_ticks, heatmap_height, log_axis, row_ticks, rows_shown
from core.charts.style import DIVERGING, SEQUENTIAL, line_styles, styled
from core.words.i18n import N_, _

# A heatmap too tall to label every row draws the first ones and says so in its title, per kind of row.
ROWS_SHOWN = {
    "rows": N_("{title} · first {shown} of {total} rows shown"),
    "units": N_("{title} · first {shown} of {total} units shown"),
    "characters": N_("{title} · first {shown} of {total} characters shown"),
    "steps": N_("{title} · first {shown} of {total} steps shown"),
}


def line_chart(
    x: Sequence[float],
    series: dict[str, Sequence[float]],
    title: str,
    x_title: str,
    y_title: str,
    colors: dict[str, str] | None = None,
    log_y: bool = False,
    hover_format: str = ".4g",
    styles: dict[str, dict] | None = None,
) -> go.Figure:
    """Several named lines over a shared x axis; ``styles`` (name → colour and dash) overrides ``colors``, and
    names in neither get a colour and dash no other line has."""
    fig = go.Figure()
    fallback = line_styles(list(series))
    drawn = []
    for name, values in series.items():
        style = (styles or {}).get(name) or (dict(color=colors[name]) if name in (colors or {}) else fallback[name])
        y = [None if v is None or not np.isfinite(v) else float(v) for v in values]
        drawn.extend(y)
        fig.add_trace(
            go.Scatter(
                x=list(x),
                y=y,
                name=name,
                mode="lines",
                line=dict(width=2, **style),
                connectgaps=True,  # validation measured every k epochs
                hovertemplate=f"{x_title}: %{{x}}<br>{name}: %{{y:{hover_format}}}<extra></extra>",
            )
        )
    return styled(fig, title, x_title, y_title, yaxis=log_axis(drawn) if log_y else None)


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
    value_range: tuple[float, float] | None = None,
    row_noun: str = "rows",
    max_plot_px: int = MAX_PLOT_PX,
) -> go.Figure:
    """A labelled heatmap; signed values get a diverging scale centred on zero.

    ``value_range`` fixes the colour range (a quantity's natural range, the same at every epoch); without
    it a signed map spans ± its largest magnitude. ``text`` (strings) or ``show_values`` write each value
    in its cell: small matrices are read number by number. Every row keeps its label: rows shrink to fit
    ``max_plot_px``, and beyond that only the first rows are drawn and the title says how many (``row_noun``
    names the rows, one of ``ROWS_SHOWN``). Titles and names come in already translated.
    """
    values = np.asarray(values, dtype=float)
    total = len(y_labels)
    shown = rows_shown(total, max_plot_px)
    if shown < total:
        values, y_labels = values[:shown], list(y_labels)[:shown]
        text = None if text is None else np.asarray(text)[:shown]
        title = _(ROWS_SHOWN.get(row_noun, ROWS_SHOWN["rows"])).format(title=title, shown=shown, total=total)
    kwargs: dict = dict(colorscale=DIVERGING if signed else SEQUENTIAL)
    if value_range is not None:
        kwargs.update(zmin=value_range[0], zmax=value_range[1])
        if signed:
            kwargs.update(zmid=0.0)
    elif signed:
        bound = float(np.nanmax(np.abs(values))) if values.size else 1.0
        kwargs.update(zmid=0.0, zmin=-max(bound, 1e-12), zmax=max(bound, 1e-12))
    # Numeric positions with text ticks: repeated labels (the two l's of "hello") stay apart.
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=list(range(len(x_labels))),
            y=list(range(len(y_labels))),
            customdata=np.array([[[str(xl), str(yl)] for xl in x_labels] for yl in y_labels], dtype=object),
            colorbar=dict(title=dict(text=value_name), exponentformat="power"),
            hovertemplate=(
                f"{x_title}: %{{customdata[0]}}<br>{y_title}: %{{customdata[1]}}<br>"
                f"{value_name}: %{{z:.4f}}<extra></extra>"
            ),
            text=text,
            texttemplate="%{text}" if text is not None else (f"%{{z:{value_format}}}" if show_values else None),
            **kwargs,
        )
    )
    height = height or heatmap_height(shown, max_plot_px)
    return styled(
        fig,
        title,
        x_title,
        y_title,
        height=height,
        xaxis=column_ticks(x_labels),
        yaxis=dict(row_ticks(y_labels, height), autorange="reversed"),
    )
