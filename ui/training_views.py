"""Streamlit views every training screen shares: the moment shown, learning curves, the inside of the network,
gradients."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

import streamlit as st
import torch

from core.charts import figures, loss
from core.charts.colour_ranges import TANH_RANGE, run_hidden_range
from core.engine.records import Snapshot, TrainingHistory
from core.engine.session import TrainingSession
from core.words.i18n import N_, _, ngettext
from ui.common import chart
from ui.i18n import option_labels
from ui.live_run import LiveRun, admitted

T = TypeVar("T")


# -- the moment shown ---------------------------------------------------------------------------------------------
# A screen shows one run at one epoch (DESIGN.md, "One moment on screen"). Snapshots are taken every few epochs only,
# so a run paused between two of them (after Pause or Step) has its current weights as one more: probed on demand
# (about 1 ms on HiHello, 5 ms on the lab's Long sequences), the views show the epoch the status line names.
def at_epoch_end(session: TrainingSession) -> bool:
    """Whether the session's weights are those after ``session.epoch`` epochs: a tick that ran out of time between
    two steps of an epoch leaves weights that belong to no epoch."""
    return session.steps_done == session.epoch * session.steps_per_epoch


def current_snapshot(run: LiveRun, session: TrainingSession | None = None) -> Snapshot | None:
    """The session's weights now, as a snapshot of its epoch (its probe runs when a view first looks), once per state
    of training; the newest snapshot when it is of this epoch; None when the session stands inside an epoch."""
    session = session or run.session
    newest = session.history.snapshots[-1]
    if newest.epoch == session.epoch:
        return newest
    if not at_epoch_end(session):
        return None
    name = next(name for name, each in run.sessions.items() if each is session)

    def taken() -> Snapshot:
        weights = {key: value.detach().clone() for key, value in session.model.state_dict().items()}
        return Snapshot(session.epoch, weights, session.look)

    return run.cached(f"snapshot_now_{name}", taken)


def cached_at(run: LiveRun, name: str, moment: Hashable, compute: Callable[[], T]) -> T:
    """``LiveRun.cached`` for a value of one moment (an epoch shown, with the choices it was computed for): one entry
    per name, replaced when the moment changes, so scrubbing through the epochs keeps one model copy, not one each."""
    held = run.cached(name, dict)  # a fresh dict per state of training
    if moment not in held:
        held.clear()
        held[moment] = compute()
    return held[moment]


def computed(run: LiveRun, compute: Callable[[], T]) -> T:
    """``compute()`` through the server's admission (``ui.live_run.admitted``): a view's own computing (the forecast's
    scores, generated text, the read-back at the epoch shown) waits its turn with the runs of the class, and the page
    says so while it waits. Call it inside the ``cached_at``/``LiveRun.cached`` computation, so a cached value asks for
    nothing."""
    note = []  # the waiting line's place, made at the first wait only: a free slot adds nothing to the page

    def waiting(ahead: int) -> None:
        if not note:
            note.append(st.empty())
        note[0].caption(waiting_words(ahead))

    try:
        return admitted(run, compute, waiting)
    finally:
        if note:
            note[0].empty()


def waiting_words(ahead: int) -> str:
    """The line a view shows while its computing waits for a free slot."""
    if ahead == 0:
        return _("Waiting for a free computing slot on the server: next in line (other learners' runs take turns).")
    return ngettext(
        "Waiting for a free computing slot on the server: {count} run ahead (other learners' runs take turns).",
        "Waiting for a free computing slot on the server: {count} runs ahead (other learners' runs take turns).",
        ahead,
    ).format(count=f"{ahead:,}")


def moment_model(run: LiveRun, snapshot: Snapshot) -> torch.nn.Module:
    """The network at the epoch shown: the session's own model when that is the epoch it stands at, else a copy with
    the snapshot's weights (one copy per state of training, replaced when the epoch shown changes)."""
    session = run.session
    if snapshot.epoch == session.epoch and at_epoch_end(session):
        return session.model

    def loaded() -> torch.nn.Module:
        model = copy.deepcopy(session.model)
        model.load_state_dict(snapshot.weights)
        return model

    return cached_at(run, "moment_model", snapshot.epoch, loaded)


def moment_history(run: LiveRun, session: TrainingSession | None = None) -> TrainingHistory:
    """The session's history with its current weights as its newest snapshot (``current_snapshot``), for the epoch
    control (``ui.live.epoch_control``): it then offers and follows the epoch the run stands at."""
    session = session or run.session
    history, now = session.history, current_snapshot(run, session)
    if now is None or now is history.snapshots[-1]:
        return history
    return dataclasses.replace(history, snapshots=[*history.snapshots, now])


def finish_the_epoch(run: LiveRun | None) -> None:
    """A paused run that stands inside an epoch (a tick ran out of time between two of its steps; then Pause) finishes
    that epoch, as saving it does (core.saving.file.save_run): a paused screen then always shows an epoch, from the
    status line down. Call it before ``ui.live.drive`` draws the status line; Pause reruns the whole page."""
    if run is None or run.playing:
        return
    for session in run.sessions.values():
        if not session.finished and not at_epoch_end(session):
            session.advance(epochs=1)


def moment_note(run: LiveRun, snapshot: Snapshot, session: TrainingSession | None = None) -> None:
    """Why the views of a paused run show an earlier epoch than the run's when the learner did not choose it: it stands
    inside an epoch, whose weights belong to no epoch (until ``finish_the_epoch`` has run: the next page run). While
    it plays, the views then follow the newest snapshot for a tick, and say its epoch in their titles."""
    session = session or run.session
    at_newest = snapshot is session.history.snapshots[-1]
    if not run.playing and at_newest and snapshot.epoch < session.epoch and not at_epoch_end(session):
        st.caption(
            _(
                "The run paused inside epoch {next}, between two of its steps: the views show the newest snapshot, "
                "after epoch {epoch}."
            ).format(next=session.epoch + 1, epoch=snapshot.epoch)
        )


def outside_follows(key: str, moment: int, playing: bool) -> None:
    """Sections drawn outside the live fragment show ``moment`` too: a fragment's own rerun (Step, the epoch control)
    redraws only the fragment, so when the moment it shows changed, the whole page reruns once. Call it inside the
    fragment; the page calls ``outside_drawn`` where it draws those sections."""
    full_run = st.session_state.pop(f"{key}_page_run", False)
    if not full_run and not playing and st.session_state.get(f"{key}_outside_moment") != moment:
        st.rerun()


def page_runs(key: str) -> None:
    """Mark this script run as the whole page's (before ``ui.live.drive``): ``outside_follows`` leaves it alone."""
    st.session_state[f"{key}_page_run"] = True


def outside_drawn(key: str, moment: int) -> None:
    """The moment the sections outside the live fragment were drawn at (``outside_follows``)."""
    st.session_state[f"{key}_outside_moment"] = moment


def learning_rate_marks(history: TrainingHistory) -> list[tuple[float, str]]:
    """Where the learner changed the learning rate, for the loss curve (between two epochs)."""
    return [
        (change.epoch + 0.5, _("lr → {rate}").format(rate=f"{change.learning_rate:g}"))
        for change in history.learning_rate_changes
    ]


def learning_curves(
    history: TrainingHistory,
    loss_name: str = N_("cross-entropy loss"),
    key: str = "",
    total_epochs: int | None = None,
    ghost: loss.Ghost | None = None,
) -> None:
    """Loss and accuracy per epoch; with ``total_epochs`` the x axis spans the whole run, so the curves grow
    into a fixed frame while training plays; ``ghost``: a pinned run's loss under it (ui.ghost)."""
    epochs = [r.epoch for r in history.records]
    left, right = st.columns(2)
    with left:
        chart(
            loss.loss_chart(
                loss.split_curves(epochs, history.losses, [r.validation_loss for r in history.records]),
                quantity=loss_name,
                marks=learning_rate_marks(history),
                x_max=total_epochs,
                ghost=ghost,
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
    may probe every snapshot (``core.charts.colour_ranges.run_hidden_range``)."""
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
