"""Streamlit views every training screen shares: live progress, and scrubbing through snapshots."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import streamlit as st
import torch

from core import figures
from core.models import ModelConfig
from core.training import EpochRecord, SequenceData, Snapshot, Stopped, TrainConfig, TrainingHistory, fit
from ui.common import chart

# Redrawing a plotly chart costs ~10-20 ms in the browser; ~30 redraws make a smooth live curve.
LIVE_REDRAWS = 30


def train_live(
    model_config: ModelConfig,
    data: SequenceData,
    train_config: TrainConfig,
    label: str = "Training",
    loss_name: str = "cross-entropy loss",
    on_epoch: Callable[[EpochRecord], str | None] | None = None,
    keep_predictions: bool = True,
    device: torch.device | None = None,
) -> TrainingHistory:
    """Train with a progress bar and a loss chart that grows while it trains.

    ``on_epoch`` sees every epoch record; the text it returns is shown live under the chart
    (e.g. the sentence as the model reads it back right now).
    """
    progress = st.progress(0.0, text=f"{label}: starting…")
    live_chart, live_text = st.empty(), st.empty()
    records: list[EpochRecord] = []
    every = max(1, train_config.epochs // LIVE_REDRAWS)

    def on_item(item: EpochRecord | Snapshot | Stopped) -> None:
        if not isinstance(item, EpochRecord):
            return
        records.append(replace(item, predictions=None))
        text = on_epoch(item) if on_epoch is not None else None
        if item.epoch % every == 0 or item.epoch == train_config.epochs:
            progress.progress(
                item.epoch / train_config.epochs,
                text=f"{label}: epoch {item.epoch} of {train_config.epochs}, loss {item.loss:.4f}",
            )
            live_chart.plotly_chart(
                figures.loss_figure(
                    [r.epoch for r in records],
                    [r.loss for r in records],
                    [r.validation_loss for r in records],
                    loss_name=loss_name,
                ),
                width="stretch",
            )
            if text:
                live_text.code(text, language=None)

    history = fit(model_config, data, train_config, on_item=on_item, keep_predictions=keep_predictions, device=device)
    progress.empty()
    live_chart.empty()
    live_text.empty()
    return history


def stored_run(key: str) -> dict | None:
    return st.session_state.get(f"{key}_run")


def store_run(key: str, settings: dict, history: TrainingHistory, **extra) -> None:
    """Keep the finished run, so display-only controls never retrain."""
    st.session_state[f"{key}_run"] = {"settings": settings, "history": history, **extra}


def learning_curves(history: TrainingHistory, loss_name: str = "cross-entropy loss", key: str = "") -> None:
    epochs = [r.epoch for r in history.records]
    if not epochs:
        st.info("No epoch finished: there is nothing to plot yet.")
        return
    left, right = st.columns(2)
    with left:
        chart(
            figures.loss_figure(epochs, history.losses, [r.validation_loss for r in history.records], loss_name),
            "The loss falls as the network learns; on a log scale a straight fall means steady progress, "
            "a flat stretch means it is stuck.",
            key=f"{key}_loss",
        )
    if history.records[0].accuracy is not None:
        with right:
            chart(
                figures.accuracy_figure(epochs, history.accuracies, [r.validation_accuracy for r in history.records]),
                "Accuracy moves in jumps: a character counts as right only once its probability is the highest.",
                key=f"{key}_accuracy",
            )


def choose_snapshot(history: TrainingHistory, key: str) -> Snapshot:
    """An epoch control over the snapshots: scrub through training without retraining."""
    epochs = [snapshot.epoch for snapshot in history.snapshots]
    if len(epochs) == 1:
        return history.snapshots[0]
    epoch = st.select_slider(
        "Training epoch to look inside (0 = before training)",
        options=epochs,
        value=epochs[-1],
        key=f"{key}_epoch",
        help="Snapshots are taken at initialisation and every few epochs while training.",
    )
    return history.snapshot_at(epoch)


def choose_layer(num_layers: int, key: str) -> int:
    if num_layers == 1:
        return 0
    return st.radio(
        "Layer", list(range(num_layers)), format_func=lambda i: f"layer {i + 1}", horizontal=True, key=f"{key}_layer"
    )


def inside_the_network(snapshot: Snapshot, step_labels: Sequence[str], key: str, sequence_index: int = 0) -> None:
    """Hidden activations of one layer at the chosen epoch."""
    probe = snapshot.probe
    layer = choose_layer(len(probe.hidden), key)
    chart(
        figures.hidden_state_figure(probe.hidden[layer][sequence_index], step_labels, layer, snapshot.epoch),
        "Each column is the hidden state after reading that character. Units that stay near ±1 are saturated; "
        "scrub the epoch to watch the pattern form.",
        key=f"{key}_hidden",
    )


STEP_GRADIENT_CAPTION = (
    "‖∂L/∂h_t‖ counts every path from the loss back to step t, through the output and through later steps. "
    "Where it is small, the loss barely trains what the network does at that step."
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
        step_caption,
        key=f"{key}_gradient_steps",
    )
    if history.records:
        chart(
            figures.parameter_gradients_figure(
                [r.epoch for r in history.records], [r.parameter_gradient_norms for r in history.records]
            ),
            "Large early gradients shrink as the loss falls; a tensor whose gradient collapses towards zero "
            "has stopped learning, one that spikes is where training is unstable.",
            key=f"{key}_gradient_params",
        )
