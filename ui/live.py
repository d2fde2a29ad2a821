"""Training as a session the learner drives: Play, Pause, Step, Run to the end, Reset, Replay.

A page hands ``drive`` its settings (a frozen, validated dataclass, or None when they are wrong) and
a ``build`` function that turns settings into a ``LiveRun`` (the training session or sessions, plus
the screen's frozen bundle of what its views draw them with, ``LiveRun.screen``). ``drive`` owns the flow
every training page shares:
- the first visit builds the defaults and plays them (the README says why);
- the run lives in ``st.session_state`` (never a cache: those are shared by every user);
- the live part of the page is one ``st.fragment``: while the run plays, the fragment reruns every
  ``TICK_SECONDS`` on its own, advances the run by about ``WORK_SECONDS`` of computing, and redraws
  only itself. Pause, leaving the page and closing the tab end the ticks, so the computing stops
  within one tick;
- settings that change the model or the data take effect on Reset, never in the middle of a curve;
  the learning rate takes effect at the next step, and the loss curve marks the change;
- an epoch control drives every snapshot view; it follows the newest snapshot while playing.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import streamlit as st

from core.admission import shared_admission
from core.budget import CostEstimate
from core.session import TrainingSession
from core.training import Snapshot, TrainingHistory
from ui.common import learner_errors
from ui.transport import DEFAULT_SPEED, SPEEDS, status_line, transport

TICK_SECONDS = 0.25  # between two redraws while playing (a browser needs a few tenths to redraw the charts)
WORK_SECONDS = 0.3  # computing per tick at most; then the tick draws. Pause waits for at most one tick
MAX_CATCH_UP_SECONDS = 3.0
# How long a tick waits in the server's queue (core.admission) for a free computing slot before it redraws
# "waiting" and tries again at the next tick: less than a tick, so a waiting page stays responsive.
ADMISSION_WAIT_SECONDS = 0.2

Screen = TypeVar("Screen")


@dataclass(eq=False)
class LiveRun(Generic[Screen]):
    """One page's run: the settings it was built from, its training session(s), and what the page needs.

    ``screen`` is what the screen's views need beside the sessions, built once with the run: one frozen
    dataclass per screen (HiHelloRun, LongSequenceRun, ForecastRun, ComparisonRun), read as ``run.screen.task``.
    The only things on a run that change after it is built are its transport and queue state, the sessions, and
    two stores of what the views compute later: ``cached`` (recomputed when training moves on) and
    ``requested`` (kept for the run's life)."""

    settings: Any
    sessions: dict[str, TrainingSession]
    estimate: CostEstimate
    screen: Screen
    unit_epochs: int = 1  # epochs (or optimisation steps) one Step advances
    unit_name: str = "epoch"
    mode: str = "paused"  # paused, playing, finishing (Run to end), stepping or replaying
    step_target: int | None = None
    replay_epoch: int | None = None
    view_epoch: int | None = None  # the snapshot the learner chose to look at; None: the newest
    last_tick: float = 0.0  # when the last tick advanced the run (time.monotonic)
    owed_units: float = 0.0  # the fraction of a unit the pace owes the next tick
    number: int = 0
    ticket: str = field(default_factory=lambda: uuid.uuid4().hex)  # this run's place in the server's queue
    waiting_ahead: int | None = None  # runs ahead of this one when the last tick found every slot taken
    # Results the learner asked for with a button and that training does not change (the comparison's gap sweep
    # trains its own models from the settings): kept until Reset builds a new run, whatever the run's progress.
    requested: dict[str, Any] = field(default_factory=dict)
    _cache: dict[str, tuple[int, Any]] = field(default_factory=dict)

    @property
    def session(self) -> TrainingSession:
        return next(iter(self.sessions.values()))

    @property
    def history(self) -> TrainingHistory:
        return self.session.history

    @property
    def epoch(self) -> int:
        return min(session.epoch for session in self.sessions.values())

    @property
    def total_epochs(self) -> int:
        return max(session.total_epochs for session in self.sessions.values())

    @property
    def finished(self) -> bool:
        return all(session.finished for session in self.sessions.values())

    @property
    def playing(self) -> bool:
        return self.mode != "paused"

    @property
    def seconds(self) -> float:
        return sum(session.history.seconds for session in self.sessions.values())

    def set_learning_rate(self, learning_rate: float) -> None:
        for session in self.sessions.values():
            session.set_learning_rate(learning_rate)

    def cached(self, name: str, compute: Callable[[], Any]) -> Any:
        """Computed once per state of training: moving a display control does not recompute it."""
        progress = sum(session.steps_done for session in self.sessions.values())
        if name not in self._cache or self._cache[name][0] != progress:
            self._cache[name] = (progress, compute())
        return self._cache[name][1]


def run_key(key: str) -> str:
    return f"{key}_run"


def current_run(key: str) -> LiveRun | None:
    return st.session_state.get(run_key(key))


# -- advancing ------------------------------------------------------------------------------------------
def tick(run: LiveRun, speed: str) -> None:
    """Advance a playing run by one tick's worth; the sessions move together (the comparison's race)."""
    if run.mode == "replaying":
        epochs = [s.epoch for s in run.history.snapshots]
        later = [e for e in epochs if run.replay_epoch is None or e > run.replay_epoch]
        run.replay_epoch = later[0] if later else epochs[-1]
        if not later or run.replay_epoch == epochs[-1]:
            run.mode = "paused"
        return
    if run.mode == "paused":
        return
    if run.finished:
        run.mode = "paused"
        return
    # One slot of the server's computing for this chunk only: between two chunks the run queues again behind
    # the others, so the runs of a class take turns (core.admission).
    with shared_admission().chunk(run.ticket, ADMISSION_WAIT_SECONDS) as turn:
        run.waiting_ahead = None if turn.granted else turn.ahead
        if not turn.granted:
            run.last_tick = time.monotonic()  # time spent waiting is not owed to the pace afterwards
            return
        advance_chunk(run, speed)


def advance_chunk(run: LiveRun, speed: str) -> None:
    per_second = None if run.mode == "finishing" else SPEEDS.get(speed, SPEEDS[DEFAULT_SPEED])
    now = time.monotonic()
    # A slow browser redraws less often, and each tick then advances more: the pace stays the same. (Play, Step
    # and Run to end restart the clock, so a pause is never made up for.)
    since = min(now - run.last_tick, MAX_CATCH_UP_SECONDS)
    run.last_tick = now
    if run.mode == "stepping":
        target = run.step_target or run.epoch + run.unit_epochs
    elif per_second is not None:
        run.owed_units += per_second * since
        units = int(run.owed_units)
        run.owed_units -= units
        target = run.epoch + units * run.unit_epochs
    else:
        target = run.epoch + affordable_epochs(run)
    for session in run.sessions.values():
        if session.epoch < target and not session.finished:
            session.advance(epochs=target - session.epoch, seconds=WORK_SECONDS / len(run.sessions))
    if run.finished or (run.mode == "stepping" and run.epoch >= target):
        run.mode, run.step_target = "paused", None


def affordable_epochs(run: LiveRun) -> int:
    """How many epochs of every session fit in one tick's computing, from the time measured so far."""
    per_epoch = 0.0
    for session in run.sessions.values():
        measured = session.history.seconds / session.epoch if session.epoch else None
        per_epoch += measured if measured else session.estimate().seconds_per_epoch
    return max(1, int(WORK_SECONDS / max(per_epoch, 1e-6)))


# -- the page flow --------------------------------------------------------------------------------------
def start(key: str, settings: Any, build: Callable[[Any], LiveRun], display_keys: Sequence[str] = ()) -> LiveRun:
    """Build a new run from ``settings`` (an InputError leaves the previous run as it was)."""
    previous = current_run(key)
    run = build(settings)
    if previous is not None:
        leave_queue(previous)
    run.number = (previous.number if previous else 0) + 1
    for name in (*display_keys, "epoch"):
        st.session_state.pop(f"{key}_{name}", None)
    st.session_state[run_key(key)] = run
    return run


def pause_other_pages(key: str) -> None:
    """Leaving a page pauses its run: nothing computes for a page nobody looks at."""
    for name, value in list(st.session_state.items()):
        if isinstance(value, LiveRun) and name != run_key(key):
            value.mode = "paused"
            leave_queue(value)


def leave_queue(run: LiveRun) -> None:
    """A run that stops wanting to compute gives its place in the server's queue to the next one at once."""
    if run.waiting_ahead is not None:
        shared_admission().cancel(run.ticket)
        run.waiting_ahead = None


def changed_settings(run_settings: Any, settings: Any, labels: dict[str, str]) -> list[str]:
    """The settings (by their labels) that differ from the run's, except the steerable learning rate."""
    if settings is None or not dataclasses.is_dataclass(settings) or type(settings) is not type(run_settings):
        return []
    changed = []
    for item in dataclasses.fields(settings):
        if item.name == "learning_rate":
            continue
        before, after = getattr(run_settings, item.name), getattr(settings, item.name)
        if before != after:
            changed.append(labels.get(item.name, item.name.replace("_", " ")))
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
            f"Changed: {', '.join(changed)}. These change the model or the data, so they start a new run: press "
            "**Reset** to use them. The run below keeps its own settings."
        )
    live_fragment(key, run, settings, build, draw, learning_rates, display_keys)
    return run


def live_fragment(key, run, settings, build, draw, learning_rates, display_keys) -> None:
    playing_when_drawn = run.playing

    def body() -> None:
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
        if current.playing != playing_when_drawn:
            st.rerun()  # the whole page: the timer starts or stops, and the views below catch up

    # The timer exists only while the run plays: a paused page costs the server nothing.
    st.fragment(body, run_every=TICK_SECONDS if playing_when_drawn else None)()


def _set_mode(key: str, mode: str) -> None:
    """Every transport button's callback: the run's new mode, and what that mode starts from."""
    run = current_run(key)
    if run is None or (run.finished and mode in ("playing", "stepping", "finishing")):
        return
    run.mode, run.step_target = mode, None
    if mode in ("paused", "replaying"):
        leave_queue(run)
    if mode in ("playing", "stepping", "finishing"):
        # Follow the newest snapshot again, and start the pace's clock now: a pause is never made up for.
        run.view_epoch, run.last_tick = None, time.monotonic() - TICK_SECONDS
    if mode == "stepping":
        run.step_target = run.epoch + run.unit_epochs
    if mode == "replaying":
        run.replay_epoch = None


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
    if run.mode == "replaying" and run.replay_epoch in epochs:
        shown = run.replay_epoch
    elif run.playing or run.view_epoch not in epochs:
        shown = epochs[-1]
    else:
        shown = run.view_epoch
    st.session_state[f"{key}_epoch"] = shown
    if len(epochs) > 1:
        st.select_slider(
            f"{run.unit_name.capitalize()} to look inside (0 = before training)",
            epochs,
            key=f"{key}_epoch",
            on_change=_choose_epoch,
            args=(key,),
            disabled=run.playing,
            help="Snapshots are taken at the start and every few epochs. While the run plays this follows the "
            "newest; pause to move it, or press Replay.",
        )
    return history.snapshot_at(shown)
