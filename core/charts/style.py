"""The app's one look: palette, colour scales, fonts, and ``styled``, which every figure builder ends with."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import plotly.graph_objects as go
import plotly.io as pio

from core.engine.cells import cell_entry, known

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


def cell_colour(name: str) -> str:
    """The one fixed colour of a cell on every screen: its entry's colour (core.engine.cells) in this palette."""
    return PALETTE[cell_entry(name).colour]


class _CellColours(Mapping[str, str]):
    """{cell name: colour} of every known cell, read from the cell entries when asked."""

    def __getitem__(self, name: str) -> str:
        if name not in {entry.name for entry in known()}:
            raise KeyError(name)
        return cell_colour(name)

    def __iter__(self) -> Iterator[str]:
        return iter([entry.name for entry in known()])

    def __len__(self) -> int:
        return len(known())


CELL_COLORS: Mapping[str, str] = _CellColours()
# Diverging scale for signed values (activations in [-1, 1]), sequential for magnitudes.
DIVERGING = "RdBu_r"
SEQUENTIAL = "viridis"
# Streamlit's own face for Latin text, then the Hangul subset the app serves (.streamlit/config.toml's
# [[theme.fontFaces]]): Korean titles, axes and hover text draw in the same font as the page around them.
FONT = dict(family='"Source Sans", "Noto Sans KR", sans-serif', size=13)
# Set once: passing template= to every figure costs ~60 ms per figure (the template is deep-copied).
pio.templates.default = "plotly_white"

# Line colours in order; yellow is left out, it is hard to see as a thin line on white.
LINE_COLORS = [PALETTE[name] for name in ("blue", "orange", "green", "vermillion", "sky", "purple", "grey")]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]


def line_styles(names: list[str]) -> dict[str, dict]:
    """A distinct (colour, dash) per name, whatever their number: colours first, then the next dash.

    Parameter tensors (``weight_hh_l1``) get a colour per kind of tensor and a dash per layer, so the
    legend reads "colour = which tensor, dash = which layer"."""
    kinds = [re.sub(r"_l\d+", "", name) for name in names]
    layers = [int(m.group(1)) if (m := re.search(r"_l(\d+)", name)) else 0 for name in names]
    kind_order = list(dict.fromkeys(kinds))
    if len(kind_order) <= len(LINE_COLORS) and max(layers, default=0) < len(DASHES):
        return {
            name: dict(color=LINE_COLORS[kind_order.index(kind)], dash=DASHES[layer])
            for name, kind, layer in zip(names, kinds, layers, strict=True)
        }
    return {
        name: dict(color=LINE_COLORS[i % len(LINE_COLORS)], dash=DASHES[(i // len(LINE_COLORS)) % len(DASHES)])
        for i, name in enumerate(names)
    }


# Linear axes print 20,000 and 0.0001 as such: plotly's default writes 20k and 100µ, SI prefixes on values
# that are counts or unitless. Log axes set their own ticks (core.charts.axes.log_axis).
PLAIN_NUMBERS = dict(exponentformat="none", separatethousands=True)


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
        xaxis={**PLAIN_NUMBERS, "title": dict(text=x_title), **(xaxis or {})},
        yaxis={**PLAIN_NUMBERS, "title": dict(text=y_title), **(yaxis or {})},
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
