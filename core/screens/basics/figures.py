"""Figures of the Basics screen, in the app's one look (``core.charts.figures``)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.charts.figures import CELL_COLORS, DIVERGING, PALETTE, heatmap, line_chart, styled
from core.screens.basics.step import OneStep
from core.screens.basics.why_tanh import GradientTravel
from core.words.i18n import N_, _

VALUE_NAME = N_("value (unitless)")


def _units(n: int) -> list[str]:
    return [_("unit {number}").format(number=i + 1) for i in range(n)]


def _width(label: str) -> int:
    """A label's width in Latin characters: a Hangul syllable (a wide character) takes about two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in label)


def number_text(value: float) -> str:
    """Two decimals, and a value that rounds to zero prints 0.00, never -0.00."""
    return f"{round(float(value), 2) + 0.0:.2f}"  # + 0.0 turns -0.0 into 0.0


def _cell_text(values: np.ndarray) -> np.ndarray:
    return np.vectorize(number_text)(values)


# Room between the subplots, in pixels, for what sits in a gap: tick labels, an axis title, a subplot title.
# The figure's width is the page's (at least ~700 px in Streamlit's centred layout), its height is ours.
NARROWEST_WIDTH = 700
CHAR_PIXELS = 7  # one character of the 13 px font, a little generous
ROW_PIXELS = 30  # one matrix row


def _place(
    fig: go.Figure,
    values: np.ndarray,
    x_labels: Sequence[str],
    y_labels: Sequence[str],
    row: int,
    col: int,
    x_title: str,
    y_title: str,
    hover_name: str = "",
    bound: float | None = None,
) -> None:
    """One labelled matrix, values written in the cells, into a subplot. ``hover_name`` names the rows in the
    hover box when they carry no axis title (a vector beside a matrix: its tick labels say what the rows are);
    ``bound`` shares one colour range (±bound) between the panels of a figure, else the matrix spans ± its own
    largest magnitude.

    The trace follows ``core.charts.figures.heatmap`` (diverging scale centred on 0, numeric positions with
    tick labels), built directly: a whole ``heatmap`` figure per matrix costs ~0.2 s in ``styled``.
    """
    values = np.atleast_2d(np.asarray(values, dtype=float))
    bound = bound or max(float(np.abs(values).max()), 1e-12)
    hover_x = x_title or _("column")
    hover_y = y_title or hover_name or _("row")
    value_name = _(VALUE_NAME)
    fig.add_trace(
        go.Heatmap(
            z=values,
            x=list(range(len(x_labels))),
            y=list(range(len(y_labels))),
            customdata=np.array([[[str(xl), str(yl)] for xl in x_labels] for yl in y_labels], dtype=object),
            colorscale=DIVERGING,
            zmid=0.0,
            zmin=-bound,
            zmax=bound,
            showscale=False,
            text=_cell_text(values),
            texttemplate="%{text}",
            hovertemplate=f"{hover_x}: %{{customdata[0]}}<br>{hover_y}: %{{customdata[1]}}"
            f"<br>{value_name}: %{{z:.4f}}<extra></extra>",
        ),
        row=row,
        col=col,
    )
    fig.update_xaxes(
        tickmode="array",
        tickvals=list(range(len(x_labels))),
        ticktext=list(x_labels),
        title_text=x_title,
        row=row,
        col=col,
    )
    fig.update_yaxes(
        tickmode="array",
        tickvals=list(range(len(y_labels))),
        ticktext=list(y_labels),
        autorange="reversed",
        title_text=y_title,
        row=row,
        col=col,
    )


def _column(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=float).reshape(-1, 1)  # a vector drawn as a column


def step_products_figure(step: OneStep) -> go.Figure:
    """W_xh · x_t = W_xh x_t (top row) and W_hh · h_{t-1} = W_hh h_{t-1} (bottom row)."""
    t, d, hidden = step.time_step, len(step.x), len(step.hidden)
    letter = f"'{step.letter}'" if step.letter in step.vocabulary else f"'{step.letter}' = 0"
    # Laid out as the 2 × 3 grid of subplots they title (matrix · vector = product, one row per product).
    titles = (
        f"W<sub>xh</sub> ({hidden}×{d})", f"· x<sub>{t}</sub> ({letter})", f"= W<sub>xh</sub> x<sub>{t}</sub>",
        f"W<sub>hh</sub> ({hidden}×{hidden})", f"· h<sub>{t - 1}</sub>", f"= W<sub>hh</sub> h<sub>{t - 1}</sub>",
    )  # fmt: skip
    labels, units = list(step.dimension_labels), _units(hidden)
    rows = max(d, hidden)
    # Between the two rows: the top row's tick labels (tilted when long), its axis title, the next subplot title.
    tilted = max(_width(label) for label in labels) * d * CHAR_PIXELS > 0.6 * NARROWEST_WIDTH
    gap = (50 if tilted else 22) + 28 + 30
    top, bottom = 90, 50
    plot = 2 * ROW_PIXELS * rows + 2 * 60  # the two rows of matrices and the gap between them
    # Between the columns: the next column's tick labels ("unused 5", "unit 8"), nothing else.
    widest = max(_width(label) for label in (*labels, *units))
    spacing = (widest * CHAR_PIXELS + 16) / (NARROWEST_WIDTH - 80)
    width = max(d, hidden)
    fig = make_subplots(
        rows=2,
        cols=3,
        subplot_titles=titles,
        column_widths=[width, 1.4, 1.4],
        horizontal_spacing=spacing,
        vertical_spacing=gap / (plot + gap),
    )
    styled(fig, _("Step {t}: the two matrix products").format(t=t), "", "", height=top + plot + gap + bottom)
    fig.update_layout(margin=dict(t=top, b=bottom))
    row_title, unit, dimension = _("row (hidden unit)"), _("hidden unit"), _("input dimension")
    _place(fig, step.w_xh, labels, units, 1, 1, _("input dimension (letter)"), row_title)
    _place(fig, _column(step.x), [f"x_{t}"], labels, 1, 2, "", "", dimension)
    _place(fig, _column(step.input_product), [f"W_xh·x_{t}"], units, 1, 3, "", "", unit)
    _place(fig, step.w_hh, units, units, 2, 1, _("column (hidden unit of h_t-1)"), row_title)
    _place(fig, _column(step.h_prev), [f"h_{t - 1}"], units, 2, 2, "", "", unit)
    _place(fig, _column(step.recurrent_product), [f"W_hh·h_{t - 1}"], units, 2, 3, "", "", unit)
    return fig


def step_sum_figure(step: OneStep) -> go.Figure:
    """W_xh x_t + W_hh h_{t-1} + b = a_t, then the nonlinearity gives h_t."""
    t, hidden = step.time_step, len(step.hidden)
    act = "tanh" if step.nonlinearity == "tanh" else "relu"
    titles = (
        f"W<sub>xh</sub> x<sub>{t}</sub>",
        f"+ W<sub>hh</sub> h<sub>{t - 1}</sub>",
        "+ b",
        f"= a<sub>{t}</sub>",
        f"→ h<sub>{t}</sub> = {act}(a<sub>{t}</sub>)",
    )
    fig = make_subplots(rows=1, cols=5, subplot_titles=titles, horizontal_spacing=0.07)
    styled(fig, _("Step {t}: add the three, then apply {act}").format(t=t, act=act), "", "", height=190 + 30 * hidden)
    fig.update_layout(margin=dict(t=90))
    units = _units(hidden)
    vectors = (step.input_product, step.recurrent_product, step.bias, step.pre_activation, step.hidden)
    names = (f"W_xh·x_{t}", f"W_hh·h_{t - 1}", "b = b_ih + b_hh", f"a_{t}", f"h_{t}")
    # One colour range for the five terms (at least tanh's ±1), so a colour is the same number in each column.
    bound = max(1.0, *(float(np.abs(v).max()) for v in vectors))
    for col, (values, name) in enumerate(zip(vectors, names, strict=True), start=1):
        hover = _("hidden unit")
        _place(fig, _column(values), [name], units, 1, col, "", hover if col == 1 else "", hover, bound=bound)
    return fig


def matrix_figure(values: np.ndarray, title: str, row_name: str, col_name: str) -> go.Figure:
    """A small square matrix with its values written in the cells."""
    values = np.asarray(values, dtype=float)
    rows = [_("{name} {number}").format(name=row_name, number=i + 1) for i in range(values.shape[0])]
    cols = [_("{name} {number}").format(name=col_name, number=j + 1) for j in range(values.shape[1])]
    fig = heatmap(
        values,
        cols,
        rows,
        title,
        _("{name} (index)").format(name=col_name),
        _("{name} (index)").format(name=row_name),
        _(VALUE_NAME),
        text=_cell_text(values),
        height=120 + 40 * len(rows),
    )
    return fig.update_traces(showscale=False)


def activation_figure(curves: dict[str, np.ndarray]) -> go.Figure:
    """tanh and its slope, ReLU and its slope, over the pre-activation a."""
    colors = {"tanh": (PALETTE["blue"], PALETTE["sky"]), "relu": (PALETTE["vermillion"], PALETTE["orange"])}
    series, styles = {}, {}
    for name, (color, slope_color) in colors.items():
        slope = _("{name} slope").format(name=name)
        series[name], series[slope] = curves[name], curves[f"{name} slope"]
        styles[name], styles[slope] = dict(color=color), dict(color=slope_color, dash="dot")
    return line_chart(
        curves["a"],
        series,
        _("tanh squeezes into (−1, 1); its slope is at most 1 and fades away from 0"),
        _("pre-activation a (unitless)"),
        _("output or slope (unitless)"),
        styles=styles,
        hover_format=".3f",
    )


def gradient_figure(travel: GradientTravel) -> go.Figure:
    """‖∂h_T/∂h_t‖ against the distance T − t on a log axis, with radius^distance for reference."""
    measured = np.where(travel.norms > 0, travel.norms, np.nan)  # a log axis cannot show 0
    name = f"‖∂h_T/∂h_t‖, {travel.nonlinearity}"
    reference = _("radius^distance = {radius:.2f}^(T−t)").format(radius=travel.spectral_radius)
    fig = line_chart(
        travel.distances,
        {name: measured, reference: travel.reference},
        _("How much of h_t still reaches h_T (radius {radius:.2f}, {function})").format(
            radius=travel.spectral_radius, function=travel.nonlinearity
        ),
        _("distance T − t (time steps)"),
        _("‖∂h_T/∂h_t‖ (unitless, log scale)"),
        styles={name: dict(color=CELL_COLORS["rnn"]), reference: dict(color=PALETTE["grey"], dash="dash")},
        log_y=True,
        hover_format=".3g",
    )
    fig.add_hline(y=1.0, line_width=1, line_color=PALETTE["grey"], opacity=0.5)
    return fig
