"""A run a page drives, without Streamlit: its training session(s), its mode (paused, playing, running to the end,
stepping, replaying), its place in the server's queue, and the tick that advances it.

``ui.live`` keeps one ``LiveRun`` per screen in ``st.session_state`` and calls ``tick`` from its live fragment;
nothing here touches Streamlit, so the pace, the queue and the stepping are plain Python.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from core.engine.admission import shared_admission
from core.engine.budget import CostEstimate
from core.engine.records import TrainingHistory
from core.engine.session import TrainingSession
from ui.transport import DEFAULT_SPEED, SPEEDS

TICK_SECONDS = 0.25  # between two redraws while playing (a browser needs a few tenths to redraw the charts)
# Between two redraws while more runs play than the server has computing slots: each redraw costs the server (one
# Python process, one core at a time) some hundredths of a second and the browser a few tenths, so redraws are
# spread out as runs pile up (tick_seconds), and the server spends its time training and drawing first pages
# instead (each tick then computes more; the pace is kept per second). At most this long between two redraws:
BUSY_TICK_SECONDS = 6.0
WORK_SECONDS = 0.3  # computing per tick at most; then the tick draws. Pause waits for at most one tick
# When ticks come further apart (a crowded server redraws less often; a slow browser asks later, ui.ticker), a tick
# computes for longer, in proportion, up to this: a run's share of the computing then does not shrink with its redraw
# rate, and the redraws a crowd costs (server and browser) stay few. It is the longest a slot is held, and so the
# longest Pause can wait.
MAX_WORK_SECONDS = 1.2
MAX_CATCH_UP_SECONDS = BUSY_TICK_SECONDS  # a tick owes the pace at most this much (a tab the browser put to sleep)
# At slow, normal and fast speed a frame advances at most this many seconds' worth of the speed (normal, 15 epochs a
# second: at most 7 epochs a frame), however long the last frame took to draw: measured on a fresh visit, the first
# frame took 0.4-4 s to draw, and pacing by the time since the last tick then jumped from epoch 3 to 60-81.
MAX_FRAME_SECONDS = 0.5
# How long a tick waits in the server's queue (core.engine.admission) for a free computing slot before it redraws
# "waiting" and tries again at the next tick: as long as the longest chunk, so while every slot is busy a waiting run
# always sees one come free, and the oldest place among the waiting runs takes it (no run is starved).
ADMISSION_WAIT_SECONDS = MAX_WORK_SECONDS

Screen = TypeVar("Screen")
T = TypeVar("T")


class Job(Protocol):
    """Computing a learner starts beside the run's own training (the comparison's gap sweep,
    core.screens.rnn_vs_lstm_gru.comparison.GapSweep).

    It computes the way the run does, so a learner can never compute outside the server's queue: while the run's
    mode is "job", each tick advances it by one chunk in one turn of core.engine.admission, and Pause stops it."""

    @property
    def finished(self) -> bool: ...

    def advance(self, seconds: float | None = None) -> None: ...

    def progress_words(self) -> str: ...


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
    mode: str = "paused"  # paused, playing, finishing (Run to end), stepping, replaying or job (computing ``job``)
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
    job: Job | None = None  # the computing the learner started beside training, finished or not (None: none)
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
    def shown_epoch(self) -> int:
        """The moment the screen shows: the replayed snapshot while replaying, the one the learner chose while paused
        (the epoch control, or where a paused replay stopped), else where training stands. The status line names it
        and every snapshot view draws it (ui.live.epoch_control)."""
        epochs = [snapshot.epoch for snapshot in self.history.snapshots]
        if self.mode == "replaying" and self.replay_epoch in epochs:
            return self.replay_epoch
        if not self.playing and self.view_epoch in epochs:
            return self.view_epoch
        return self.epoch

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


# -- advancing ------------------------------------------------------------------------------------------
def tick(run: LiveRun, speed: str) -> None:
    """Advance a playing run by one tick's worth; the sessions move together (the comparison's race)."""
    if run.mode == "replaying":
        epochs = [s.epoch for s in run.history.snapshots]
        later = [e for e in epochs if run.replay_epoch is None or e > run.replay_epoch]
        run.replay_epoch = later[0] if later else epochs[-1]
        if not later or run.replay_epoch == epochs[-1]:
            run.mode, run.view_epoch = "paused", run.replay_epoch  # it ends on its last snapshot
        return
    if run.mode == "paused":
        return
    done = (run.job is None or run.job.finished) if run.mode == "job" else run.finished
    if done:
        run.mode = "paused"
        return
    # One slot of the server's computing for this chunk only: between two chunks the run queues again behind
    # the others, so the runs of a class take turns (core.engine.admission).
    with shared_admission().chunk(run.ticket, ADMISSION_WAIT_SECONDS) as turn:
        run.waiting_ahead = None if turn.granted else turn.ahead
        if not turn.granted:
            run.last_tick = time.monotonic()  # time spent waiting is not owed to the pace afterwards
            return
        if run.mode == "job":
            advance_job(run)
        else:
            advance_chunk(run, speed)


def advance_chunk(run: LiveRun, speed: str) -> None:
    per_second = None if run.mode == "finishing" else SPEEDS.get(speed, SPEEDS[DEFAULT_SPEED])
    since = seconds_since_last_tick(run)
    work = work_seconds(since)
    if run.mode == "stepping":
        target = run.step_target or run.epoch + run.unit_epochs
    elif per_second is not None:
        # Paced by what was drawn: a frame owes at most MAX_FRAME_SECONDS of the speed, however long the browser
        # took to draw the last one. A page that draws slowly (the first visit, while plotly loads; a crowded
        # server) plays slowly and never skips ahead of what the learner has seen. Only full speed skips frames.
        run.owed_units += per_second * min(since, MAX_FRAME_SECONDS)
        units = int(run.owed_units)
        run.owed_units -= units
        target = run.epoch + units * run.unit_epochs
    else:
        target = run.epoch + affordable_epochs(run, work)
    advance_together(run, target, work)
    if run.finished or (run.mode == "stepping" and run.epoch >= target):
        run.mode, run.step_target = "paused", None


def advance_together(run: LiveRun, target: int, work: float) -> None:
    """Advance every session towards epoch ``target`` for at most ``work`` seconds, in lockstep.

    The comparison is a race only if the three cells are always at the same step: each round advances every
    session still training by one epoch (one optimisation step there), so when time runs out they stand at the
    same step, the status's. Before, each cell had a third of the time and the fastest ran ahead (status at step
    114 with the LSTM's curve at 185). A run of one session advances in one call."""
    training = [s for s in run.sessions.values() if not s.finished and s.epoch < target]
    if len(training) == 1:
        training[0].advance(epochs=target - training[0].epoch, seconds=work)
        return
    started = time.perf_counter()
    while training:
        for session in training:
            session.advance(epochs=1)
        training = [s for s in training if not s.finished and s.epoch < target]
        if time.perf_counter() - started >= work:
            break


def advance_job(run: LiveRun) -> None:
    """One chunk of the learner's job (as much computing as a tick of a run at full speed), then it waits its turn."""
    run.job.advance(seconds=work_seconds(seconds_since_last_tick(run)))
    if run.job.finished:
        run.mode = "paused"


def seconds_since_last_tick(run: LiveRun) -> float:
    """The time since the run's last tick (at most ``MAX_CATCH_UP_SECONDS``), and the clock set to now. Play, Step,
    Run to end and a job's start restart the clock, so a pause is never made up for."""
    now = time.monotonic()
    since = min(now - run.last_tick, MAX_CATCH_UP_SECONDS)
    run.last_tick = now
    return since


def work_seconds(since_last_tick: float) -> float:
    """How long one tick may compute: ``WORK_SECONDS`` per ``TICK_SECONDS`` since the last tick, within
    [``WORK_SECONDS``, ``MAX_WORK_SECONDS``]."""
    return max(WORK_SECONDS, min(MAX_WORK_SECONDS, WORK_SECONDS * since_last_tick / TICK_SECONDS))


def affordable_epochs(run: LiveRun, work: float) -> int:
    """How many epochs of every session fit in ``work`` seconds of computing, from the time measured so far."""
    per_epoch = 0.0
    for session in run.sessions.values():
        measured = session.history.seconds / session.epoch if session.epoch else None
        per_epoch += measured if measured else session.estimate().seconds_per_epoch
    return max(1, int(work / max(per_epoch, 1e-6)))


def tick_seconds() -> float:
    """How often a playing page redraws: every quarter second while there are no more playing runs than computing
    slots; beyond that, half a second per run per slot (20 runs on 2 slots: every 5 s; each tick computes more,
    ``work_seconds``), up to once every ``BUSY_TICK_SECONDS``. Measured with 20 sessions on this 2-core machine, at
    every 2.5 s the browsers' redraws alone took both cores."""
    admission = shared_admission()
    runs_per_slot = admission.active / admission.slots
    if runs_per_slot <= 1:
        return TICK_SECONDS
    return min(BUSY_TICK_SECONDS, 2 * TICK_SECONDS * runs_per_slot)


def leave_queue(run: LiveRun) -> None:
    """A run that stops wanting to compute gives its place in the server's queue to the next one at once."""
    if run.waiting_ahead is not None:
        shared_admission().cancel(run.ticket)
        run.waiting_ahead = None


# -- computing a learner asks for beside training ----------------------------------------------------------------
# A view that computes on demand (the forecast's scores over every window, generated text, the read-back at the
# epoch shown) can cost seconds at the largest settings the controls allow: it takes a computing slot like a tick's
# chunk, so a class's runs and views share the cores in one line (core.engine.admission).
def admitted(
    run: LiveRun, compute: Callable[[], T], on_wait: Callable[[int], None] = lambda ahead: None, purpose: str = "view"
) -> T:
    """``compute()`` in one slot of the server's computing, under a ticket of its own beside the run's (one per
    ``purpose``: a download, computed in a server thread of its own when the learner clicks, may wait beside a view).
    While every slot is taken it waits its turn in the same line as the runs, calling ``on_wait(runs ahead)`` after
    each ``ADMISSION_WAIT_SECONDS`` (the page says so there; a rerun the learner causes ends the wait, and its place
    goes to the next in line). The slot is given back as soon as ``compute`` returns or raises."""
    admission, ticket = shared_admission(), f"{run.ticket} {purpose}"
    try:
        while True:
            with admission.chunk(ticket, ADMISSION_WAIT_SECONDS) as turn:
                if turn.granted:
                    return compute()
            on_wait(turn.ahead)
    finally:
        admission.cancel(ticket)
