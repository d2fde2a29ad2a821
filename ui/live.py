"""Training as a session the learner drives: Play, Pause, Step, Run to the end, Reset, Replay.

A page hands ``drive`` its settings (a frozen, validated dataclass, or None when they are wrong) and
a ``build`` function that turns settings into a ``LiveRun`` (the training session or sessions, plus
the screen's frozen bundle of what its views draw them with, ``LiveRun.screen``). ``drive`` owns the flow
every training page shares:
- the first visit builds the defaults and plays them (the README says why);
- the run lives in ``st.session_state`` (never a cache: those are shared by every user);
- the live part of the page is one ``st.fragment``: while the run plays, the fragment reruns every
  ``TICK_SECONDS`` (less often on a busy server, or when the browser needs longer to draw: ``ui.ticker``),
  advances the run by about ``WORK_SECONDS`` of computing, and redraws only itself. Pause, leaving the page
  and closing the tab end the ticks, so the computing stops within one tick;
- settings that change the model or the data take effect on Reset, never in the middle of a curve;
  the learning rate takes effect at the next step, and the loss curve marks the change;
- an epoch control drives every snapshot view; it follows the newest snapshot while playing.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from core.engine.records import Snapshot, TrainingHistory
from core.runs.links import rate_schedule
from core.words.i18n import N_, _, ngettext
from ui.common import learner_errors
from ui.i18n import apply_language
from ui.live_run import TICK_SECONDS, WORK_SECONDS, LiveRun, leave_queue, tick, tick_seconds
from ui.ticker import next_tick
from ui.transport import DEFAULT_SPEED, status_line, transport

__all__ = ["WORK_SECONDS", "LiveRun", "current_run", "drive", "epoch_control", "run_key", "start_job"]


# The epoch control's label, per unit a run counts in (LiveRun.unit_name).
LOOK_INSIDE = {
    "epoch": N_("Epoch to look inside (0 = before training)"),
    "step": N_("Step to look inside (0 = before training)"),
}


def run_key(key: str) -> str:
    return f"{key}_run"


def current_run(key: str) -> LiveRun | None:
    return st.session_state.get(run_key(key))


# -- the page flow --------------------------------------------------------------------------------------
def start(key: str, settings: Any, build: Callable[[Any], LiveRun], display_keys: Sequence[str] = ()) -> LiveRun:
    """Build a new run from ``settings`` (an InputError leaves the previous run as it was)."""
    previous = current_run(key)
    run = build(settings)
    if previous is None:  # the first run a link builds replays the steering of the run the link was made from
        replay_link_steering(run, st.session_state.pop(pending_rate_changes_key(key), ()))
    else:
        leave_queue(previous)
    run.number = (previous.number if previous else 0) + 1
    for name in (*display_keys, "epoch"):
        st.session_state.pop(f"{key}_{name}", None)
    st.session_state[run_key(key)] = run
    return run


def pending_rate_changes_key(key: str) -> str:
    """Where a link's learning-rate changes (ui.links) wait for the first run of the screen, which replays them."""
    return f"{key}_rate_changes_pending"


def replay_link_steering(run: LiveRun, changes: Sequence[tuple[int, int, float]]) -> None:
    """Schedule a link's learning-rate changes (core.runs.links.read_rate_changes) in every session of ``run``: the
    steered run trains again to the last bit, its marks on the loss curve included."""
    for session in run.sessions.values():
        session.schedule_learning_rates(rate_schedule(changes, session.steps_per_epoch, session.total_epochs))


def pause_other_pages(key: str) -> None:
    """Leaving a page pauses its run: nothing computes for a page nobody looks at."""
    for name, value in list(st.session_state.items()):
        if isinstance(value, LiveRun) and name != run_key(key):
            value.mode = "paused"
            leave_queue(value)


def changed_settings(run_settings: Any, settings: Any, labels: dict[str, str]) -> list[str]:
    """The settings (by their labels, as the page gives them: worded in this run's language at the page's top) that
    differ from the run's, except the steerable learning rate."""
    if settings is None or not dataclasses.is_dataclass(settings) or type(settings) is not type(run_settings):
        return []
    changed = []
    for item in dataclasses.fields(settings):
        if item.name == "learning_rate":
            continue
        before, after = getattr(run_settings, item.name), getattr(settings, item.name)
        if before != after:
            changed.append(labels[item.name] if item.name in labels else item.name.replace("_", " "))
    return changed


def drive(
    key: str,
    settings: Any,
    build: Callable[[Any], LiveRun],
    draw: Callable[[LiveRun], None],
    learning_rates: Sequence[float],
    labels: dict[str, str],
    display_keys: Sequence[str] = (),
    autoplay: bool = True,
    other_changes: Sequence[str] = (),
) -> LiveRun | None:
    """The training part of a page: first visit, the changed-settings note, and the live fragment.

    ``other_changes`` names what changed outside the settings class (another data file)."""
    pause_other_pages(key)
    # Always the same elements before the fragment, whether a note shows or not: a fragment whose position
    # on the page moves leaves its old elements behind in the browser.
    note = st.container()
    run = current_run(key)
    if run is None and settings is not None:
        with note, learner_errors():
            run = start(key, settings, build, display_keys)
            if autoplay:
                _set_mode(key, "playing")
    if run is None:
        return None
    changed = [*other_changes, *changed_settings(run.settings, settings, labels)]
    if changed:
        note.info(
            ngettext(
                "Changed: {settings}. This changes the model or the data, so it starts a new run: press **Reset** to "
                "use it. The run below keeps its own settings.",
                "Changed: {settings}. These change the model or the data, so they start a new run: press **Reset** "
                "to use them. The run below keeps its own settings.",
                len(changed),
            ).format(settings=", ".join(changed))
        )
    live_fragment(key, run, settings, build, draw, learning_rates, display_keys)
    return run


def live_fragment(key, run, settings, build, draw, learning_rates, display_keys) -> None:
    playing_when_drawn = run.playing
    # The link to this setup, outside the fragment, carries the run's steering: a change redraws the whole page.
    changes_when_drawn = len(run.session.history.learning_rate_changes)

    def body() -> None:
        apply_language()  # a fragment's rerun skips the page's top, where the language was chosen
        current = current_run(key)
        # Each part shows its own error and the rest still draws (a refused Reset keeps the run on screen).
        with learner_errors():
            # The tick first: the buttons drawn below show the state it leaves (Play once the run ends).
            tick(current, st.session_state.get(f"{key}_speed", DEFAULT_SPEED))
        with learner_errors():
            if transport(key, current, learning_rates, settings is not None, _set_mode, _steer):
                start(key, settings, build, display_keys).mode = "paused"  # an InputError keeps the current run
                st.rerun()
        with learner_errors():
            status_line(current)
            draw(current)
        if current.playing:
            # The clock exists only while the run plays: a paused page costs the server nothing. The browser asks
            # for the next tick once it has drawn this one (ui.ticker), at the pace the server can afford.
            next_tick(key, tick_seconds(), time.monotonic_ns())
        steered = len(current.session.history.learning_rate_changes) != changes_when_drawn
        if current.playing != playing_when_drawn or (steered and current is run):
            st.rerun()  # the whole page: the views outside the fragment catch up

    st.fragment(body)()


def _set_mode(key: str, mode: str) -> None:
    """Every transport button's callback: the run's new mode, and what that mode starts from."""
    run = current_run(key)
    if run is None or (run.finished and mode in ("playing", "stepping", "finishing")):
        return
    if mode == "paused" and run.mode == "replaying":
        run.view_epoch = run.replay_epoch  # a paused replay stays on its snapshot; Replay goes on from there
    if mode == "replaying":
        epochs = [snapshot.epoch for snapshot in run.history.snapshots]
        # From the snapshot on screen (a paused replay, or one the learner chose), or from epoch 0 at the newest.
        run.replay_epoch = run.view_epoch if run.view_epoch in epochs[:-1] else None
    run.mode, run.step_target = mode, None
    if mode in ("paused", "replaying"):
        leave_queue(run)
    if mode in ("playing", "stepping", "finishing"):
        # Follow the newest snapshot again, and start the pace's clock now: a pause is never made up for, and the
        # first frame after Play (on a first visit: the page's first frame) shows where the run stands, epoch 0.
        run.view_epoch, run.last_tick, run.owed_units = None, time.monotonic(), 0.0
    if mode == "stepping":
        run.step_target = run.epoch + run.unit_epochs


def start_job(key: str, job: Any) -> None:
    """Start computing ``job`` beside the run (``LiveRun.job``, the comparison's gap sweep): the run's training
    pauses, the ticks advance the job in turns of the server's queue, and Pause stops it (it keeps what it did)."""
    run = current_run(key)
    if run is not None:
        run.job, run.mode, run.step_target = job, "job", None
        run.last_tick = time.monotonic() - TICK_SECONDS


def _steer(key: str) -> None:
    run = current_run(key)
    if run is not None:
        run.set_learning_rate(st.session_state[f"{key}_learning_rate"])


def _choose_epoch(key: str) -> None:
    run = current_run(key)
    if run is not None:
        run.view_epoch = st.session_state[f"{key}_epoch"]


def epoch_control(key: str, run: LiveRun, history: TrainingHistory | None = None) -> Snapshot:
    """The screen's one epoch control: every snapshot view follows it; it follows training while playing.

    Its value is set from the run every time it is drawn (the learner's choice is kept on the run), so
    after a new run, a replay or a tick the control always shows the epoch of the charts below it."""
    history = history or run.history
    epochs = [snapshot.epoch for snapshot in history.snapshots]
    shown = run.shown_epoch if run.shown_epoch in epochs else epochs[-1]
    st.session_state[f"{key}_epoch"] = shown
    if len(epochs) > 1:
        st.select_slider(
            _(LOOK_INSIDE.get(run.unit_name, LOOK_INSIDE["epoch"])),
            epochs,
            key=f"{key}_epoch",
            on_change=_choose_epoch,
            args=(key,),
            disabled=run.playing,
            help=_(
                "Snapshots are taken at the start and every few epochs. While the run plays this follows the "
                "newest; pause to move it, or press Replay."
            ),
        )
    return history.snapshot_at(shown)
