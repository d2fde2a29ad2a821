"""Axes that read honestly: log axes with readable ticks, and heatmap rows that stay labelled and bounded.

Plotly's own log ticks print the minor digits alone ("3, 2, 1, 9, 8", where 3 means 0.3) and write
unitless values with SI prefixes ("100µ", "1n"); its autorange zooms a 7% wiggle to the full height.
Every log axis of the app goes through ``log_axis`` instead.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
MOST_LOG_TICKS = 8  # decade ticks on a long log axis; beyond that every k-th decade


def readable_number(value: float) -> str:
    """0.3, 20, 0.001 in plain decimals; 10⁻⁴ and 2×10⁻⁵ beyond, never an SI prefix."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    if 1e-3 <= abs(value) < 1e5:
        return f"{value:.6g}"
    exponent = math.floor(math.log10(abs(value)) + 1e-9)
    mantissa = value / 10**exponent
    power = f"10{str(exponent).translate(SUPERSCRIPTS)}"
    return power if math.isclose(mantissa, 1) else f"{mantissa:.3g}×{power}"


def _mantissas(span: float) -> tuple[int, ...]:
    """The tick mantissas of a short log axis: 1-2-3-5 or 1-2-5 per decade, every digit on a very short one."""
    return (1, 2, 5) if span > 1.5 else (1, 2, 3, 5) if span > 0.6 else (1, 2, 3, 4, 5, 6, 7, 8, 9)


def log_ticks(low: float, high: float) -> list[float]:
    """Tick values between the log10 bounds ``low`` and ``high``: 1-2-3-5 or 1-2-5 per decade on a short axis,
    every decade on a longer one, every k-th decade on a very long one."""
    span = high - low
    if span <= 2.5:
        mantissas = _mantissas(span)
        ticks = [m * 10.0**e for e in range(math.floor(low), math.ceil(high) + 1) for m in mantissas]
    else:
        step = max(1, math.ceil(span / MOST_LOG_TICKS))
        ticks = [10.0**e for e in range(math.floor(low / step) * step, math.ceil(high) + 1, step)]
    inside = [t for t in ticks if low - 1e-9 <= math.log10(t) <= high + 1e-9]
    if len(inside) >= 2:
        return inside
    return [float(f"{10**low:.2g}"), float(f"{10**high:.2g}")]


def end_tick(value: float, span: float, up: bool) -> float:
    """The nearest round value at or beyond the log10 ``value``, outwards: the axis's own mantissas on a short
    axis, 1-2-5 on a long one (so the end stays within 0.4 decade of the data)."""
    mantissas = _mantissas(span) if span <= 2.5 else (1, 2, 5)
    decade = math.floor(value)
    candidates = sorted(m * 10.0**e for e in range(decade - 1, decade + 2) for m in mantissas)
    if up:
        return next(c for c in candidates if math.log10(c) >= value - 1e-9)
    return next(c for c in reversed(candidates) if math.log10(c) <= value + 1e-9)


def finite_positive(values: Iterable) -> np.ndarray:
    flat = np.array([np.nan if v is None else v for v in np.ravel(np.asarray(list(values), dtype=object))], float)
    return flat[np.isfinite(flat) & (flat > 0)]


def log_axis(values: Iterable, min_decades: float = 1.0) -> dict:
    """A plotly axis spec for positive ``values`` on a log scale: a range that spans at least
    ``min_decades`` (so a ±7% wiggle stays a wiggle) and explicit, readable tick labels. No line runs past the
    last labelled tick: where the data go beyond the ticks, the range reaches the next round value (0.1 above a
    top of 0.076), which gets its tick."""
    positive = finite_positive(values)
    if positive.size == 0:
        low, high = -1.0, 1.0
    else:
        low, high = float(np.log10(positive.min())), float(np.log10(positive.max()))
    data_low, data_high = low, high
    if high - low < min_decades:
        middle = (low + high) / 2
        low, high = middle - min_decades / 2, middle + min_decades / 2
    margin = 0.04 * (high - low)  # the end points stay clear of the frame
    low, high = low - margin, high + margin
    span = high - low
    ticks = log_ticks(low, high)
    ends = []
    if math.log10(max(ticks)) < data_high - 1e-9:
        ends.append(end_tick(data_high, span, up=True))
    if math.log10(min(ticks)) > data_low + 1e-9:
        ends.append(end_tick(data_low, span, up=False))
    for end in ends:  # a regular tick close to a new end tick would print over it
        ticks = [t for t in ticks if abs(math.log10(t) - math.log10(end)) > 0.07 * span]
    ticks = sorted(ticks + ends)
    pad = 0.01 * span  # an end tick sits just inside the frame, where plotly still draws it
    low, high = min(low, math.log10(ticks[0]) - pad), max(high, math.log10(ticks[-1]) + pad)
    return dict(
        type="log",
        range=[low, high],
        tickmode="array",
        tickvals=ticks,
        ticktext=[readable_number(t) for t in ticks],
        exponentformat="power",
        minor=dict(showgrid=False, ticks=""),
    )


# ---- Heatmap rows ---------------------------------------------------------------------------------

ROW_PX = 28  # a comfortable row, kept while the rows fit
MIN_ROW_PX = 12  # the smallest row whose label (font 10) stays readable
MAX_PLOT_PX = 600  # tallest heatmap area: rows shrink down to MIN_ROW_PX to fit, then rows are cut
MAX_ROWS = MAX_PLOT_PX // MIN_ROW_PX
FRAME_PX = 110  # title, margins and the x axis around the plot area


def heatmap_height(rows: int, max_plot_px: int = MAX_PLOT_PX) -> int:
    """Figure height for ``rows`` rows: 28 px a row, shrinking to fit ``max_plot_px``, at least 260 px."""
    row_px = min(ROW_PX, max(MIN_ROW_PX, max_plot_px / max(rows, 1)))
    return max(260, round(FRAME_PX + row_px * rows))


def rows_shown(rows: int, max_plot_px: int = MAX_PLOT_PX) -> int:
    """How many rows a heatmap draws: all of them while each can keep a readable label."""
    return min(rows, max(1, max_plot_px // MIN_ROW_PX))


def row_ticks(labels: Sequence[str], height: int) -> dict:
    """One tick label per row, in a smaller font where the rows are narrow."""
    row_px = (height - FRAME_PX) / max(len(labels), 1)
    spec = dict(tickmode="array", tickvals=list(range(len(labels))), ticktext=[str(label) for label in labels])
    if row_px < 20:
        spec["tickfont"] = dict(size=10)
    return spec


def column_ticks(labels: Sequence[str], most: int = 24) -> dict:
    """Text ticks at every column, or at every k-th when there are more than ``most`` (hover shows all)."""
    step = max(1, -(-len(labels) // most))
    positions = list(range(0, len(labels), step))
    return dict(tickmode="array", tickvals=positions, ticktext=[str(labels[i]) for i in positions])
