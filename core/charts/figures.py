"""Plotly builders of the training views every screen shares: data in, a ``go.Figure`` out.

The look (palette, ``styled``) lives in ``core.charts.style``, the axes (log ticks, heatmap rows) in
``core.charts.axes``, the generic line chart and heatmap in ``core.charts.plots``; they are re-exported here, so a
screen's figures import one module.

Every word is translated when the figure is built (``_()``), in the language of that moment. A title a caller
hands in (``step_title``, ``loss_name``) may be a constant marked with ``N_()`` or already translated: it goes
through ``_()`` once more, which leaves a translated text as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.charts.axes import MAX_ROWS, column_ticks, log_axis
from core.charts.colour_ranges import TANH_RANGE, UNIT_RANGE
from core.charts.plots import heatmap, line_chart
from core.charts.style import CELL_COLORS, DIVERGING, PALETTE, SEQUENTIAL, line_styles, styled
from core.words.i18n import N_, _, ngettext

__all__ = ["CELL_COLORS", "DIVERGING", "PALETTE", "SEQUENTIAL", "heatmap", "line_chart", "log_axis", "styled"]


# The most marks a chart draws: a learner changes the rate a handful of times, but a forged saved run can hold
# thousands of changes, and each mark is a shape and an annotation the browser lays out.
MAX_MARKS = 100


def mark_changes(
    fig: go.Figure, marks: Sequence[tuple[float, str]] = (), x_max: float | None = None, x_title: str = "epoch"
) -> go.Figure:
    """Dotted vertical lines where the learner changed something mid-run (the learning rate), and a fixed
    x range up to the end of the run, so a curve that grows while it trains does not rescale every tick.

    The lines are added to the layout in one update: ``add_vline`` once per mark validated the whole layout each
    time, so n marks cost n² (100 marks 3 s, 300 marks 28 s here). Past ``MAX_MARKS`` only the latest are drawn."""
    drawn = list(marks)[-MAX_MARKS:]
    line = dict(color=PALETTE["grey"], dash="dot", width=1.5)
    shapes = [
        dict(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1, line=line, layer="above") for x, _ in drawn
    ]
    annotations = [
        dict(
            x=x,
            y=1,
            xref="x",
            yref="paper",
            text=label,
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font=dict(size=11, color=PALETTE["grey"]),
        )
        for x, label in drawn
    ]
    if drawn:
        fig.update_layout(shapes=[*fig.layout.shapes, *shapes], annotations=[*fig.layout.annotations, *annotations])
    if x_max is not None:
        fig.update_xaxes(range=[0, max(1, x_max)])
    return fig


def log_scale(quantity: str) -> str:
    """An axis title on a log axis: 'cross-entropy loss (log scale)'."""
    return _("{quantity} (log scale)").format(quantity=quantity)


def accuracy_figure(
    epochs: Sequence[int],
    accuracies: Sequence[float],
    validation: Sequence[float | None] | None = None,
    x_max: float | None = None,
) -> go.Figure:
    """Share of correctly predicted targets per epoch, in percent."""
    training, validated = _("training"), _("validation")
    series = {training: [100 * a for a in accuracies]}
    if validation is not None and any(v is not None for v in validation):
        series[validated] = [np.nan if v is None else 100 * v for v in validation]
    fig = line_chart(
        epochs,
        series,
        _("Accuracy per epoch"),
        _("epoch"),
        _("correct predictions (%)"),
        colors={training: PALETTE["green"], validated: PALETTE["orange"]},
        hover_format=".1f",
    )
    fig.update_yaxes(range=[-2, 102])
    return mark_changes(fig, x_max=x_max)


STEP_TITLE = N_("time step (input character)")


def hidden_state_figure(
    hidden: np.ndarray,
    step_labels: Sequence[str],
    layer: int,
    epoch: int,
    step_title: str = STEP_TITLE,
    value_range: tuple[float, float] = TANH_RANGE,
) -> go.Figure:
    """hidden (time, units) → heatmap with one row per hidden unit and one column per time step.

    ``value_range`` is the run's fixed colour range (``core.charts.colour_ranges``): −1…1 for tanh, so a colour
    means the same activation at every epoch."""
    units = hidden.shape[1]
    return heatmap(
        hidden.T,
        x_labels=step_labels,
        y_labels=[_("unit {number}").format(number=u + 1) for u in range(units)],
        title=ngettext(
            "Hidden state h_t of layer {layer} after {epoch} epoch",
            "Hidden state h_t of layer {layer} after {epoch} epochs",
            epoch,
        ).format(layer=layer + 1, epoch=epoch),
        x_title=_(step_title),
        y_title=_("hidden unit"),
        value_name=_("activation"),
        signed=value_range[0] < 0,
        show_values=hidden.size <= 400,
        value_range=value_range,
        row_noun="units",
    )


def hidden_state_caption(value_range: tuple[float, float]) -> str:
    """What to notice in the hidden-state heatmap, for a tanh-bounded or a ReLU state."""
    if value_range[0] < 0:
        return _(
            "Each column is the hidden state after reading that character; colours span tanh's whole range, "
            "−1 to 1, at every epoch. Units that stay near ±1 are saturated; scrub the epoch to watch the pattern form."
        )
    return _(
        "Each column is the hidden state after reading that character. ReLU has no upper bound, so the colours "
        "span 0 to {highest}, the largest activation of this run's snapshots, at every epoch; a unit stuck at 0 "
        "is dead."
    ).format(highest=f"{value_range[1]:.3g}")


def layer_name(layer: int) -> str:
    """'layer 1' for torch's layer 0: a legend entry or a choice, counted from 1 as the learner counts."""
    return _("layer {number}").format(number=layer + 1)


def gradient_per_step_figure(
    norms: np.ndarray, step_labels: Sequence[str], epoch: int, step_title: str = STEP_TITLE
) -> go.Figure:
    """norms (layers, time) → one line per layer of ‖∂L/∂h_t‖ against the time step, log scale spanning at
    least a decade, so a few per cent of difference between steps does not fill the chart."""
    fig = go.Figure()
    names = [layer_name(layer) for layer in range(len(norms))]
    styles = line_styles(names)
    step_hover = _("step %{customdata[0]} (%{customdata[1]})")  # plotly's placeholders: no str.format here
    positive = []
    for layer, row in enumerate(norms):
        name = names[layer]
        y = [float(v) if v > 0 else None for v in row]
        positive.extend(y)
        fig.add_trace(
            go.Scatter(
                x=list(range(len(step_labels))),
                y=y,
                customdata=[[t + 1, label] for t, label in enumerate(step_labels)],
                mode="lines+markers",
                name=name,
                line=dict(width=2, **styles[name]),
                hovertemplate=f"{step_hover}<br>‖∂L/∂h_t‖ = %{{y:.3g}}<extra>{name}</extra>",
            )
        )
    return styled(
        fig,
        ngettext(
            "How much gradient reaches each time step (after {epoch} epoch)",
            "How much gradient reaches each time step (after {epoch} epochs)",
            epoch,
        ).format(epoch=epoch),
        _(step_title),
        log_scale("‖∂L/∂h_t‖"),
        xaxis=column_ticks(step_labels),
        yaxis=log_axis(positive),
    )


def parameter_gradient_series(norms_per_epoch: Sequence[dict[str, float]]) -> dict[str, list[float]]:
    """‖∂L/∂W‖ per tensor over the epochs; a bias_ih/bias_hh pair whose gradients are equal at every epoch
    (an RNN's and an LSTM's: the two biases are added, so they get the same gradient) becomes one line
    "bias_ih_l0 = bias_hh_l0" instead of one line hiding the other. A GRU's differ (its b_hn sits inside
    the reset gate), so they stay two lines."""
    names = list(norms_per_epoch[0]) if norms_per_epoch else []
    series = {name: [norms.get(name, np.nan) for norms in norms_per_epoch] for name in names}
    series = {name: [v if v and v > 0 else np.nan for v in values] for name, values in series.items()}
    for name in names:
        twin = name.replace("bias_ih", "bias_hh")
        if "bias_ih" in name and twin in series and np.allclose(series[name], series[twin], rtol=1e-5, equal_nan=True):
            merged = {}
            for key, values in series.items():
                if key == name:
                    merged[f"{name} = {twin}"] = values
                elif key != twin:
                    merged[key] = values
            series = merged
    return series


def parameter_gradients_figure(epochs: Sequence[int], norms_per_epoch: Sequence[dict[str, float]]) -> go.Figure:
    """One line per parameter tensor: ‖∂L/∂W‖ over training, log scale; colour = kind of tensor, dash = layer."""
    series = parameter_gradient_series(norms_per_epoch)
    fig = line_chart(
        epochs,
        series,
        _("Gradient norm of each weight tensor per epoch"),
        _("epoch"),
        log_scale("‖∂L/∂W‖"),
        log_y=True,
        hover_format=".3g",
    )
    fig.update_layout(legend=dict(orientation="v", yanchor="top", y=1.0, xanchor="left", x=1.01))
    return fig


def parameter_gradients_caption(series_names: Sequence[str]) -> str:
    """What to notice in the per-tensor gradient chart, naming the merged bias lines when there are any."""
    sentences = [
        _(
            "Large early gradients shrink as the loss falls; a tensor whose gradient collapses towards zero has "
            "stopped learning, one that spikes is where training is unstable."
        )
    ]
    if any("=" in name for name in series_names):
        sentences.append(
            _("bias_ih and bias_hh are added inside the cell, so their gradients are equal: they share one line.")
        )
    if any("_l1" in name for name in series_names):
        sentences.append(_("Colour = which tensor, dash = which layer (torch counts layers from l0)."))
    return " ".join(sentences)


def probabilities_figure(
    probabilities: np.ndarray, step_labels: Sequence[str], class_labels: Sequence[str], epoch: int
) -> go.Figure:
    """probabilities (time, classes) → heatmap of what the model predicts at every step, coloured 0…1.

    A vocabulary too large for one labelled row each keeps the characters most likely at some step (in
    vocabulary order): the first ones alphabetically would hide the prediction."""
    probabilities = np.asarray(probabilities, dtype=float)
    title = ngettext(
        "Predicted probability of each next character (after {epoch} epoch)",
        "Predicted probability of each next character (after {epoch} epochs)",
        epoch,
    ).format(epoch=epoch)
    classes = probabilities.shape[1]
    if classes > MAX_ROWS:
        kept = np.sort(np.argsort(-probabilities.max(axis=0), kind="stable")[:MAX_ROWS])
        probabilities, class_labels = probabilities[:, kept], [class_labels[i] for i in kept]
        title = _("{title} · the {shown} of {total} characters most likely at some step").format(
            title=title, shown=MAX_ROWS, total=classes
        )
    return heatmap(
        probabilities.T,
        x_labels=step_labels,
        y_labels=class_labels,
        title=title,
        x_title=_(STEP_TITLE),
        y_title=_("next character"),
        value_name=_("probability"),
        signed=False,
        show_values=probabilities.size <= 400,
        value_range=UNIT_RANGE,
        row_noun="characters",
    )
