"""The input-to-output map drawn: a heatmap over (output step, input step) of ‖∂y_t/∂x_s‖, one panel per model (one
per racing cell on the comparison), and the chosen output step's row as lines over the input steps.

The colour range is one fixed range for every run and every epoch: log10 of the influence from 10⁻⁶ to 10² (eight
decades). An influence is a ratio of an output's change to an input's change; the screens' inputs are one-hot
characters or symbols, or values scaled to about 0…1, and their outputs scores or scaled values, so a trained
network's strongest influences sit between about 0.1 and 10, and one below a millionth of that has, for any
prediction a learner sees, no say at all. Values beyond either end take the end's colour (the colour bar says ≤ and
≥); hover always gives the exact value. A fixed range means a colour is the same influence at every epoch and on
every cell's panel, so scrubbing and comparing the cells compare like with like (DESIGN.md, Conventions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.charts.axes import column_ticks, heatmap_height, log_axis, readable_number, row_ticks
from core.charts.style import SEQUENTIAL, cell_colour, styled
from core.engine.cells import CELL_NAMES
from core.words.i18n import _, ngettext

LOG_RANGE = (-6.0, 2.0)  # log10 of the colour range: 10⁻⁶ … 10² at every epoch of every run (see the docstring)
QUANTITY = "‖∂y_t/∂x_s‖"


def log_colour(values: np.ndarray) -> np.ndarray:
    """log10 of the influence, clipped to ``LOG_RANGE`` (exact zeros take the lowest colour); NaN stays NaN (no
    path: an input later than the output)."""
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        logged = np.log10(values)
    return np.where(np.isnan(values), np.nan, np.clip(logged, *LOG_RANGE))


def colour_bar() -> dict:
    """Decade ticks over the fixed range, the ends marked ≤ and ≥ (the colour there includes everything beyond)."""
    low, high = (int(end) for end in LOG_RANGE)
    ticks = list(range(low, high + 1, 2))  # every other decade: the bar stays readable on a one-row map
    text = [readable_number(10.0**tick) for tick in ticks]
    text[0], text[-1] = f"≤ {text[0]}", f"≥ {text[-1]}"
    return dict(title=dict(text=QUANTITY), tickmode="array", tickvals=ticks, ticktext=text)


def moment_words(count: int, unit: str) -> str:
    """'after 3 epochs' or 'after 300 steps' (the comparison counts optimisation steps)."""
    if unit == "step":
        return ngettext("after {count} step", "after {count} steps", count).format(count=count)
    return ngettext("after {count} epoch", "after {count} epochs", count).format(count=count)


def panel_title(name: str) -> str:
    """A cell's panel title: its label (drawn in the cell's colour); any other name as it is."""
    return CELL_NAMES.get(name, name)


def influence_heatmap(
    panels: Mapping[str, tuple[np.ndarray, Sequence[int]]],
    step_labels: Sequence[str],
    moment: int,
    unit: str = "epoch",
    chosen: int | None = None,
) -> go.Figure:
    """One heatmap per panel: {name: (values (rows, time), the 0-based output step of each row)} over (output step,
    input step), on the one fixed log colour range; a cell's name titles its panel in its colour. ``chosen`` (0-based)
    is outlined on every panel that has that row."""
    names = list(panels)
    rows_per_panel = [len(steps) for _values, steps in panels.values()]
    x_title, y_title = _("input step s"), _("output step t")
    fig = make_subplots(
        rows=len(names),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12 if len(names) > 1 else 0.0,
        row_heights=[max(1, r) for r in rows_per_panel],
        subplot_titles=[panel_title(name) for name in names] if len(names) > 1 or names[0] in CELL_NAMES else None,
    )
    hover = (
        f"{y_title}: %{{customdata[1]}}<br>{x_title}: %{{customdata[0]}}<br>{QUANTITY} = %{{customdata[2]}}"
        "<extra>%{meta}</extra>"
    )
    time = len(step_labels)
    for index, (name, (values, steps)) in enumerate(panels.items(), start=1):
        values = np.asarray(values, dtype=np.float64)  # (rows, time)
        shown = values.copy()
        for row, t in enumerate(steps):
            shown[row, t + 1 :] = np.nan  # no path from a later input: no colour
        texts = np.array(
            [
                [
                    [str(step_labels[s]), str(step_labels[t]), _("no path") if s > t else f"{values[row, s]:.3g}"]
                    for s in range(time)
                ]
                for row, t in enumerate(steps)
            ],
            dtype=object,
        )
        fig.add_trace(
            go.Heatmap(
                z=log_colour(shown),
                x=list(range(time)),
                y=list(range(len(steps))),
                customdata=texts,
                meta=CELL_NAMES.get(name, name) if name in CELL_NAMES else "",
                coloraxis="coloraxis",
                hovertemplate=hover,
                xgap=1 if time <= 60 else 0,
                ygap=1 if len(steps) <= 60 else 0,
            ),
            row=index,
            col=1,
        )
        ticks = row_ticks([step_labels[t] for t in steps], heatmap_height(len(steps)))
        fig.update_yaxes(autorange="reversed", row=index, col=1, **ticks)
        fig.update_xaxes(column_ticks(step_labels), row=index, col=1)
        if chosen is not None and chosen in steps:
            row = list(steps).index(chosen)
            fig.add_shape(
                type="rect",
                x0=-0.5,
                x1=chosen + 0.5,
                y0=row - 0.5,
                y1=row + 0.5,
                line=dict(color="black", width=2),
                row=index,
                col=1,
            )
    for annotation, name in zip(fig.layout.annotations, names, strict=False):  # the panel titles, in cell colours
        if name in CELL_NAMES:
            annotation.font = dict(color=cell_colour(name), size=14)
    total_rows = sum(max(1, r) for r in rows_per_panel)
    height = heatmap_height(total_rows) + (60 * (len(names) - 1) if len(names) > 1 else 0)
    fig.update_layout(
        coloraxis=dict(colorscale=SEQUENTIAL, cmin=LOG_RANGE[0], cmax=LOG_RANGE[1], colorbar=colour_bar())
    )
    title = _("Which input step moves each output, {moment}").format(moment=moment_words(moment, unit))
    styled(fig, title, "", "", height=height)
    fig.update_xaxes(title=dict(text=x_title), row=len(names), col=1)
    for index in range(1, len(names) + 1):
        fig.update_yaxes(title=dict(text=y_title), row=index, col=1)
    return fig


def influence_row_figure(
    rows: Mapping[str, np.ndarray], step_labels: Sequence[str], output_step: int, moment: int, unit: str = "epoch"
) -> go.Figure:
    """The chosen output step's row: {name: (time,) influence of every input step} as one line per name (a cell in
    its colour) over the input steps 1 … output step, on a log axis."""
    fig = go.Figure()
    x_title = _("input step s")
    steps = list(range(output_step + 1))
    drawn = []
    for name, row in rows.items():
        values = [float(v) if v > 0 else None for v in np.asarray(row, dtype=np.float64)[: output_step + 1]]
        drawn.extend(values)
        label = CELL_NAMES.get(name, name) if name in CELL_NAMES else (name or QUANTITY)
        line = dict(width=2, color=cell_colour(name)) if name in CELL_NAMES else dict(width=2)
        fig.add_trace(
            go.Scatter(
                x=steps,
                y=values,
                customdata=[str(step_labels[s]) for s in steps],
                mode="lines+markers",
                name=label,
                line=line,
                hovertemplate=f"{x_title}: %{{customdata}}<br>{QUANTITY} = %{{y:.3g}}<extra>{label}</extra>",
            )
        )
    title = _("How much each input step moves the output at step {step}, {moment}").format(
        step=output_step + 1, moment=moment_words(moment, unit)
    )
    return styled(
        fig,
        title,
        x_title,
        _("‖∂y_t/∂x_s‖ (log scale)"),
        xaxis=column_ticks([step_labels[s] for s in steps]),
        yaxis=log_axis(drawn),
    )
