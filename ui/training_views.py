"""Streamlit views every training screen shares: learning curves, the inside of the network, gradients."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from core import figures
from core.colour_ranges import TANH_RANGE, run_hidden_range
from core.i18n import N_, _
from core.training import Snapshot, TrainingHistory
from ui.common import chart
from ui.i18n import option_labels


def learning_rate_marks(history: TrainingHistory) -> list[tuple[float, str]]:
    """Where the learner changed the learning rate, for the loss curve (between two epochs)."""
    return [
        (change.epoch + 0.5, _("lr → {rate}").format(rate=f"{change.learning_rate:g}"))
        for change in history.learning_rate_changes
    ]


def learning_curves(
    history: TrainingHistory, loss_name: str = N_("cross-entropy loss"), key: str = "", total_epochs: int | None = None
) -> None:
    """Loss and accuracy per epoch; with ``total_epochs`` the x axis spans the whole run, so the curves grow
    into a fixed frame while training plays."""
    epochs = [r.epoch for r in history.records]
    left, right = st.columns(2)
    with left:
        chart(
            figures.loss_figure(
                epochs,
                history.losses,
                [r.validation_loss for r in history.records],
                loss_name,
                marks=learning_rate_marks(history),
                x_max=total_epochs,
            ),
            _(
                "The loss falls as the network learns; on a log scale a straight fall means steady progress, "
                "a flat stretch means it is stuck."
            ),
            key=f"{key}_loss",
        )
    if not history.records or history.records[0].accuracy is not None:
        with right:
            chart(
                figures.accuracy_figure(
                    epochs, history.accuracies, [r.validation_accuracy for r in history.records], x_max=total_epochs
                ),
                _("Accuracy moves in jumps: a character counts as right only once its probability is the highest."),
                key=f"{key}_accuracy",
            )


def choose_layer(num_layers: int, key: str) -> int:
    if num_layers == 1:
        return 0
    return st.radio(
        _("Layer"),
        list(range(num_layers)),
        format_func=option_labels(figures.layer_name),
        horizontal=True,
        key=f"{key}_layer",
    )


def inside_the_network(
    snapshot: Snapshot,
    step_labels: Sequence[str],
    key: str,
    sequence_index: int = 0,
    history: TrainingHistory | None = None,
    settled: bool = True,
) -> None:
    """Hidden activations of one layer at the chosen epoch, in the run's fixed colour range (``history``
    gives it for a ReLU run; without it, tanh's −1…1). ``settled``: the run is not training, so the range
    may probe every snapshot (``core.colour_ranges.run_hidden_range``)."""
    probe = snapshot.probe
    layer = choose_layer(len(probe.hidden), key)
    value_range = run_hidden_range(history, settled) if history is not None else TANH_RANGE
    chart(
        figures.hidden_state_figure(
            probe.hidden[layer][sequence_index], step_labels, layer, snapshot.epoch, value_range=value_range
        ),
        figures.hidden_state_caption(value_range),
        key=f"{key}_hidden",
    )


STEP_GRADIENT_CAPTION = N_(
    "‖∂L/∂h_t‖ counts every path from the loss back to step t, through the output and through later steps. "
    "Where it is small, the loss barely trains what the network does at that step. The log axis spans at least "
    "a factor of ten, so steps that differ by a few per cent sit close together."
)


def gradient_views(
    history: TrainingHistory,
    snapshot: Snapshot,
    step_labels: Sequence[str],
    key: str,
    step_title: str = figures.STEP_TITLE,
    step_caption: str = STEP_GRADIENT_CAPTION,
) -> None:
    """Gradient per time step at the chosen epoch, and per weight tensor over all epochs."""
    chart(
        figures.gradient_per_step_figure(
            snapshot.probe.hidden_gradient_norms, step_labels, snapshot.epoch, step_title=step_title
        ),
        _(step_caption),
        key=f"{key}_gradient_steps",
    )
    if history.records:
        epochs = [r.epoch for r in history.records]
        fig = figures.parameter_gradients_figure(epochs, [r.parameter_gradient_norms for r in history.records])
        chart(
            fig,
            figures.parameter_gradients_caption([trace.name for trace in fig.data]),
            key=f"{key}_gradient_params",
        )
