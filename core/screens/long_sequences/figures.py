"""Plotly builders of the Long sequences screen: text drawn as a grid of coloured character cells.

Characters go into the figure as cell text (plotly escapes it), never into HTML.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.charts.figures import PALETTE, heatmap, line_chart, styled
from core.reading.text import describe, in_running_text
from core.words.i18n import _

LINE_WIDTH = 60  # characters per line of a text grid
# Pale ends keep the characters readable on every cell.
PALE_DIVERGING = [[0.0, "#3F8FD2"], [0.25, "#A9CDEB"], [0.5, "#FFFFFF"], [0.75, "#F2B09B"], [1.0, "#E0603F"]]
# Generation: a confident choice stays white, an unlikely one turns orange.
SURPRISE = [[0.0, "#D55E00"], [0.5, "#F3B37E"], [1.0, "#FFFFFF"]]
PROMPT_GREY = "#DDDDDD"
RIGHT_WRONG = [[0.0, PALETTE["vermillion"]], [0.5, PALETTE["vermillion"]], [0.5, "#DCEAF5"], [1.0, "#DCEAF5"]]


def text_grid(
    chars: str,
    values: Sequence[float],
    hover: Sequence[str],
    title: str,
    value_name: str,
    signed: bool = True,
    width: int = LINE_WIDTH,
    **trace,
) -> go.Figure:
    """Characters wrapped into lines of ``width``, each cell coloured by its value; NaN cells stay uncoloured.

    ``trace`` overrides heatmap settings (colorscale, zmin, zmax, …) in the same single update.
    """
    lines = max(1, -(-len(chars) // width))
    size = lines * width
    z = np.full(size, np.nan)
    z[: len(values)] = np.asarray(values, dtype=float)
    text = np.array([in_running_text(c) for c in chars] + [""] * (size - len(chars)), dtype=object)
    tips = np.array(list(hover) + [""] * (size - len(hover)), dtype=object)
    fig = heatmap(
        z.reshape(lines, width),
        x_labels=[str(i) for i in range(width)],
        y_labels=[f"{start + 1}–{min(start + width, len(chars))}" for start in range(0, size, width)],
        title=title,
        x_title="",
        y_title=_("character positions"),
        value_name=value_name,
        signed=signed,
        text=text.reshape(lines, width),
        height=120 + 40 * lines,
    )
    fig.update_traces(
        customdata=tips.reshape(lines, width),
        hovertemplate="%{customdata}<extra></extra>",
        xgap=1,
        ygap=3,
        textfont=dict(size=16, color="#1A1A1A"),
        **trace,
    )
    fig.update_layout(
        xaxis=dict(showticklabels=False, showgrid=False, zeroline=False),
        yaxis=dict(showgrid=False),
        plot_bgcolor="white",
    )
    return fig


def readback_figure(predicted: str, target: str, epoch: int) -> go.Figure:
    """The read-back sentence at one epoch; wrong characters in vermillion."""
    right = [p == t for p, t in zip(predicted, target, strict=True)]
    tip = _("character {position}: predicted '{predicted}', should be '{target}' {mark}")
    hover = [
        tip.format(position=i, predicted=describe(p), target=describe(t), mark="✓" if ok else "✗")
        for i, (p, t, ok) in enumerate(zip(predicted, target, right, strict=True), start=1)
    ]
    share = np.mean(right) if right else 0.0
    fig = text_grid(
        predicted,
        [float(r) for r in right],
        hover,
        _(
            "The sentence read back after epoch {epoch}: {right} of {total} characters right ({share}) · "
            "vermillion = wrong"
        ).format(epoch=epoch, right=sum(right), total=len(right), share=f"{100 * share:.1f}%"),
        _("right?"),
        signed=False,
        colorscale=RIGHT_WRONG,
        zmin=0,
        zmax=1,
        showscale=False,
    )
    return fig


def readback_overview_figure(epochs: Sequence[int], ids: np.ndarray, target_ids: np.ndarray, characters) -> go.Figure:
    """(epochs, positions) read-back ids → right/wrong map: every row is the sentence at one epoch."""
    ids = np.asarray(ids)
    rows = np.unique(np.linspace(0, len(epochs) - 1, min(len(epochs), 50)).round().astype(int))
    right = (ids[rows] == np.asarray(target_ids)[None, :]).astype(float)
    tip = _("epoch {epoch}, character {position}: predicted '{predicted}', should be '{target}'")
    hover = np.array(
        [
            [
                tip.format(
                    epoch=epochs[r],
                    position=p + 1,
                    predicted=describe(characters[ids[r, p]]),
                    target=describe(characters[target_ids[p]]),
                )
                for p in range(ids.shape[1])
            ]
            for r in rows
        ],
        dtype=object,
    )
    fig = go.Figure(
        go.Heatmap(
            z=right,
            x=list(range(1, ids.shape[1] + 1)),
            y=[epochs[r] for r in rows],
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=RIGHT_WRONG,
            zmin=0,
            zmax=1,
            showscale=False,
        )
    )
    fig = styled(
        fig,
        _("Right (pale) and wrong (vermillion) characters of the read-back sentence, epoch by epoch"),
        _("position in the sentence (character, from 1)"),
        _("epoch"),
        height=min(520, 140 + 8 * len(rows)),
        yaxis=dict(autorange="reversed"),
    )
    return fig


def readback_accuracy_figure(
    epochs: Sequence[int], sentence_accuracy: Sequence[float], window_accuracy: Sequence[float]
) -> go.Figure:
    sentence, windows = _("read-back sentence"), _("all window positions")
    fig = line_chart(
        epochs,
        {sentence: [100 * a for a in sentence_accuracy], windows: [100 * a for a in window_accuracy]},
        _("Character accuracy per epoch"),
        _("epoch"),
        _("characters right (%)"),
        colors={sentence: PALETTE["green"], windows: PALETTE["orange"]},
        hover_format=".1f",
    )
    # The lines end high, so the legend sits in the empty lower right corner, clear of the title.
    fig.update_layout(
        yaxis=dict(range=[-2, 102]),
        legend=dict(
            orientation="v", yanchor="bottom", y=0.04, xanchor="right", x=0.98, bgcolor="rgba(255,255,255,0.8)"
        ),
    )
    return fig


def position_accuracy_figure(epochs: Sequence[int], position_accuracy: np.ndarray) -> go.Figure:
    """(epochs, time) → one line per chosen epoch: how often each window position is right."""
    position_accuracy = np.asarray(position_accuracy)
    count = len(epochs)
    shown = sorted({0, count // 10, count // 4, count // 2, count - 1} & set(range(count)))
    positions = list(range(1, position_accuracy.shape[1] + 1))
    colors = [PALETTE["grey"], PALETTE["sky"], PALETTE["orange"], PALETTE["purple"], PALETTE["blue"]]
    series = {_("epoch {epoch}").format(epoch=epochs[i]): [100 * v for v in position_accuracy[i]] for i in shown}
    fig = line_chart(
        positions,
        series,
        _("Accuracy at each position inside the window"),
        _("position in the window (characters read so far)"),
        _("predictions right (%)"),
        colors=dict(zip(series, colors[-len(series) :], strict=True)),
        hover_format=".1f",
    )
    fig.update_traces(mode="lines+markers")
    fig.update_layout(xaxis=dict(tickmode="array", tickvals=positions), yaxis=dict(range=[-2, 102]))
    return fig


def neuron_figure(text: str, activations: np.ndarray, layer: int, unit: int) -> go.Figure:
    """The text coloured by one hidden unit's activation after reading each character (Karpathy-style)."""
    values = [*np.asarray(activations, dtype=float), np.nan]  # the last character is never read
    read, unread = _("character {position} '{character}': unit {unit} = {value}"), _("'{character}': not read")
    hover = [
        read.format(position=i, character=describe(c), unit=unit + 1, value=f"{v:+.3f}")
        if np.isfinite(v)
        else unread.format(character=describe(c))
        for i, (c, v) in enumerate(zip(text, values, strict=True), start=1)
    ]
    bound = max(1.0, float(np.nanmax(np.abs(activations))) if len(activations) else 1.0)
    return text_grid(
        text,
        values,
        hover,
        _("Hidden unit {unit} of layer {layer} after reading each character (blue = negative, red = positive)").format(
            unit=unit + 1, layer=layer + 1
        ),
        _("activation"),
        colorscale=PALE_DIVERGING,
        zmin=-bound,
        zmax=bound,
        zmid=0,
    )


def generation_figure(prompt: str, generated: str, confidence: np.ndarray) -> go.Figure:
    """Prompt (blank cells) then generated characters coloured by how sure the model was."""
    values = [np.nan] * len(prompt) + [float(c) for c in confidence]
    given, new = _("prompt '{character}'"), _("generated '{character}' with probability {probability}")
    hover = [given.format(character=describe(c)) for c in prompt] + [
        new.format(character=describe(c), probability=f"{p:.2f}") for c, p in zip(generated, confidence, strict=True)
    ]
    fig = text_grid(
        prompt + generated,
        values,
        hover,
        _("Generated text: your prompt in grey, then the new characters (orange = the network was unsure)"),
        _("probability"),
        signed=False,
        colorscale=SURPRISE,
        zmin=0,
        zmax=1,
    )
    # The prompt's cells are blank in the main trace; a grey layer underneath marks them.
    lines = max(1, -(-len(values) // LINE_WIDTH))
    mask = np.full(lines * LINE_WIDTH, np.nan)
    mask[: len(prompt)] = 1.0
    grey = go.Heatmap(
        z=mask.reshape(lines, LINE_WIDTH),
        x=list(range(LINE_WIDTH)),
        y=list(range(lines)),
        colorscale=[[0, PROMPT_GREY], [1, PROMPT_GREY]],
        showscale=False,
        hoverinfo="skip",
        xgap=1,
        ygap=3,
    )
    fig.add_trace(grey)
    fig.data = (fig.data[1], fig.data[0])
    return fig
