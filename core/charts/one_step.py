"""Figures of one optimisation step taken apart (core.engine.one_step): the one-hot inputs, the loss per character,
and a weight tensor (its gradient, its values before and after, Adam's change) as a labelled heatmap.

A weight tensor's rows are labelled as torch packs them (a gated cell stacks one block of rows per gate:
"forget gate 3" is unit 3's row of that gate), its columns by what they multiply: the input characters for the first
layer's input weights, the units of the layer below or of the same layer otherwise."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.charts.colour_ranges import UNIT_RANGE, rounded_up
from core.charts.figures import STEP_TITLE
from core.charts.plots import heatmap
from core.charts.style import PALETTE, styled
from core.engine.cells import cell_entry
from core.words.i18n import _, ngettext


def inputs_figure(inputs: np.ndarray, step_labels: Sequence[str], characters: Sequence[str], epoch: int) -> go.Figure:
    """inputs (time, characters) → heatmap with one row per character: each column's one 1 is the character read."""
    return heatmap(
        np.asarray(inputs, dtype=float).T,
        x_labels=step_labels,
        y_labels=characters,
        title=_("Inputs of step {step}: one-hot characters").format(step=epoch + 1),
        x_title=_(STEP_TITLE),
        y_title=_("input character"),
        value_name=_("input value"),
        signed=False,
        show_values=inputs.size <= 400,
        value_format=".0f",
        value_range=UNIT_RANGE,
        row_noun="characters",
    )


def loss_per_character_figure(
    losses: np.ndarray, step_labels: Sequence[str], targets: Sequence[str], mean: float, epoch: int
) -> go.Figure:
    """losses (time,) → one bar per character predicted (cross-entropy, nats), and their mean as a line: the number
    the optimiser minimises."""
    losses = np.asarray(losses, dtype=float)
    loss_name = _("cross-entropy (nats)")
    target_name = _("target")
    step_name = _(STEP_TITLE)
    fig = go.Figure(
        go.Bar(
            x=list(range(len(losses))),
            y=losses,
            name=_("loss of this character"),
            marker_color=PALETTE["blue"],
            customdata=np.array([[str(s), str(t)] for s, t in zip(step_labels, targets, strict=True)], dtype=object),
            hovertemplate=(
                f"{step_name}: %{{customdata[0]}}<br>{target_name}: %{{customdata[1]}}<br>"
                f"{loss_name}: %{{y:.4f}}<extra></extra>"
            ),
        )
    )
    mean_words = _("mean {value}: what the optimiser minimises").format(value=f"{mean:.4f}")
    fig.add_hline(
        y=mean,
        line=dict(color=PALETTE["vermillion"], dash="dash", width=2),
        annotation_text=mean_words,
        annotation_position="top left",
    )
    top = rounded_up(max(float(losses.max()) if losses.size else 0.0, mean) * 1.15)
    return styled(
        fig,
        _("Loss per character before step {step} (at the weights after epoch {epoch})").format(
            step=epoch + 1, epoch=epoch
        ),
        step_name,
        loss_name,
        xaxis=dict(
            tickmode="array",
            tickvals=list(range(len(losses))),
            ticktext=[f"{s} → {t}" for s, t in zip(step_labels, targets, strict=True)],
        ),
        yaxis=dict(range=[0, top]),
    )


def tensor_labels(
    name: str, shape: Sequence[int], cell: str, characters: Sequence[str] = (), head_characters: bool = True
) -> tuple[list[str], list[str]]:
    """Row and column labels of a weight tensor ``name`` of ``shape`` (a bias has one column): gate and unit for the
    rows of a gated cell's packed tensors, characters where a row or column stands for one."""
    rows = int(shape[0])
    columns = int(shape[1]) if len(shape) > 1 else 1
    unit = _("unit {number}")
    if name.startswith("head."):
        row_labels = list(characters) if head_characters and len(characters) == rows else None
        row_labels = row_labels or [unit.format(number=i + 1) for i in range(rows)]
    else:
        gates = [_(gate.label) for gate in cell_entry(cell).gates]  # "forget gate", in the language shown
        size = rows // max(1, len(gates))
        if gates:
            row_labels = [f"{gates[i // size]} {i % size + 1}" for i in range(rows)]
        else:
            row_labels = [unit.format(number=i + 1) for i in range(rows)]
    if len(shape) == 1:
        column_labels = [_("bias")]
    elif name == "weight_ih_l0" and len(characters) == columns:
        column_labels = [_("input {character}").format(character=c) for c in characters]
    else:
        column_labels = [unit.format(number=j + 1) for j in range(columns)]
    return row_labels, column_labels


def as_matrix(values: np.ndarray) -> np.ndarray:
    """A tensor as rows × columns: a bias (n,) is one column."""
    values = np.asarray(values, dtype=float)
    return values.reshape(-1, 1) if values.ndim == 1 else values.reshape(values.shape[0], -1)


def tensor_figure(
    values: np.ndarray,
    title: str,
    value_name: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    value_range: tuple[float, float] | None = None,
) -> go.Figure:
    """One weight tensor (or its gradient, or its change) as a signed heatmap, centred on 0: rows as torch packs them.

    ``value_range``: a range shared by several figures (before and after the step), so one colour means one value."""
    matrix = as_matrix(values)
    return heatmap(
        matrix,
        x_labels=column_labels,
        y_labels=row_labels,
        title=title,
        x_title=_("column (what the weight multiplies)"),
        y_title=_("row (gate and unit it feeds)"),
        value_name=value_name,
        signed=True,
        show_values=matrix.size <= 120,
        value_format=".2g",
        value_range=value_range,
        row_noun="rows",
    )


def shared_range(*arrays: np.ndarray) -> tuple[float, float]:
    """± the largest magnitude among ``arrays``: one colour range for the weights before and after a step."""
    bound = max((float(np.max(np.abs(a))) for a in arrays if np.size(a)), default=1.0)
    bound = rounded_up(bound) if bound > 0 else 1.0
    return (-bound, bound)


def gradient_title(name: str, epoch: int) -> str:
    return _("Gradient ∂L/∂{name} of step {step}").format(name=name, step=epoch + 1)


def update_titles(name: str, epoch: int) -> tuple[str, str, str]:
    """Titles of the three heatmaps of the update: before, after and Adam's change."""
    return (
        ngettext("{name} before: after {epoch} epoch", "{name} before: after {epoch} epochs", epoch).format(
            name=name, epoch=epoch
        ),
        ngettext("{name} after: after {epoch} epoch", "{name} after: after {epoch} epochs", epoch + 1).format(
            name=name, epoch=epoch + 1
        ),
        _("Adam's change to {name} (after − before)").format(name=name),
    )
