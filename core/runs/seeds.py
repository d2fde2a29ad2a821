"""Several seeds of one setup, trained one after the other as one job, and the curves they draw as a band.

One seed is one draw of the initial weights: at gap 30 the RNN's held-out accuracy ranges from 0.13 to 0.78 over
seeds 0-9, so a learner (or a lesson) that reads one seed may learn the wrong lesson. ``SeedRuns`` trains the same
settings once per seed, a chunk at a time (a job as ``ui.live_run.Job`` says: each chunk in its own turn of the
server's queue), and ``loss_bands`` summarises the seeds' loss curves as a median and a min-max band (``Band``, drawn
by ``core.charts.bands.band_figure``).

Advancing in chunks does not change the numbers: each seed's sessions are the ones its screen builds for those
settings, and a session advanced in pieces is bit-identical to one run to the end (core.engine.session).

Imports core.words and core.engine only, so a lesson (core.lessons) and a screen's page can both use it.
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.engine.budget import Budget, duration_said
from core.engine.records import TrainingHistory
from core.engine.session import TrainingSession
from core.words.errors import InputError
from core.words.i18n import N_, _

SEEDS_AT_ONCE = 5  # "seeds 0-4"

# The sessions (name -> TrainingSession) and read-back logs a screen's run trains, from its settings: the screen's
# registry entry's ``build`` (core.screens.screen.Screen.build).
Build = Callable[[Any], tuple[dict[str, TrainingSession], dict[str, Any]]]
Run = tuple[Any, dict[str, TrainingSession]]  # one seed's settings and its sessions


class SeedRuns:
    """The runs of ``settings`` with each of ``seeds``, trained one seed after the other, each seed's sessions one
    after the other. A seed's sessions are built lazily, when its turn comes (so starting costs nothing and only the
    seed in training holds optimiser state that moves); the finished ones are kept, as the bands and a lesson's
    reveal read them (a HiHello run is a few kB, a comparison's three cells some MB with their snapshots)."""

    def __init__(self, build: Build, settings: Any, seeds: Sequence[int]) -> None:
        if not seeds:
            raise ValueError("SeedRuns needs at least one seed")
        self.build = build
        self.seeds: tuple[int, ...] = tuple(int(seed) for seed in seeds)
        self.settings: tuple[Any, ...] = tuple(dataclasses.replace(settings, seed=seed) for seed in self.seeds)
        self.sessions: list[dict[str, TrainingSession]] = []  # per seed, built when its turn comes
        self.done = 0  # seeds whose every session has finished

    @property
    def finished(self) -> bool:
        return self.done >= len(self.seeds)

    @property
    def fraction(self) -> float:
        """How much is done, 0 to 1 (the seed in training counts by its sessions' epochs)."""
        partial = 0.0
        if not self.finished and len(self.sessions) > self.done:
            training = list(self.sessions[self.done].values())
            partial = sum(min(1.0, s.epoch / max(1, s.total_epochs)) for s in training) / max(1, len(training))
        return min(1.0, (self.done + partial) / len(self.seeds))

    def advance(self, seconds: float | None = None) -> None:
        """Train on for about ``seconds`` (to the end without a limit): the current seed's sessions, then the next
        seed's. A chunk ends inside a session when its time is up, or after a seed is finished."""
        started = time.perf_counter()
        while not self.finished:
            if len(self.sessions) == self.done:
                sessions, _logs = self.build(self.settings[self.done])
                self.sessions.append(sessions)
            for session in self.sessions[self.done].values():
                if not session.finished:
                    left = None if seconds is None else max(0.0, seconds - (time.perf_counter() - started))
                    session.advance(seconds=left)
                if not session.finished:
                    return
            self.done += 1
            if seconds is not None and time.perf_counter() - started >= seconds:
                return

    def progress_words(self) -> str:
        """Where the job stands, for the status line: 'training seed 2 (3 of 5); 46% done'."""
        number = min(self.done, len(self.seeds) - 1)
        return _("training seed {seed} ({number} of {total}); {share} done").format(
            seed=self.seeds[number],
            number=number + 1,
            total=len(self.seeds),
            share=f"{int(100 * self.fraction)}%",  # the sign outside the message: "% d" reads as a format
        )

    def runs(self) -> list[Run]:
        """(settings, sessions) of each finished seed, in the order of the seeds."""
        return [(self.settings[index], self.sessions[index]) for index in range(self.done)]


def check_seeds_budget(
    build: Build, settings: Any, seeds: Sequence[int], budget: Budget | None = None
) -> dict[str, TrainingSession]:
    """Refuse seeds whose runs together would take longer than one run may on this server (each seed is one run of
    these settings: the estimate of one, times the seeds), naming what to change. Returns the sessions it built to
    estimate them (untrained: a caller that needs one run's estimate reads it there instead of building again)."""
    budget = budget or Budget.from_environment()
    sessions, _logs = build(settings)
    seconds = len(seeds) * sum(session.estimate().seconds for session in sessions.values())
    if seconds > budget.max_seconds:
        raise InputError(
            N_(
                "Training {count} seeds would take {duration} of computing; the limit on this server is {limit} per "
                "run. Choose fewer epochs or steps, or a smaller network."
            ),
            count=len(seeds),
            duration=duration_said(seconds),
            limit=duration_said(budget.max_seconds),
        )
    return sessions


@dataclass(frozen=True)
class Band:
    """Several seeds' curve over one x: the median at each x, and the lowest and highest seed there."""

    x: np.ndarray
    median: np.ndarray
    low: np.ndarray
    high: np.ndarray
    count: int  # the seeds it summarises


def curve_band(curves: Sequence[Sequence[float]], x: Sequence[float]) -> Band:
    """The band of ``curves`` (one per seed, each as long as ``x``): median, min and max over the seeds at each x. A
    value that is not finite (None, NaN: a run that diverged or stopped there) is left out at that x; an x no seed
    measured is NaN (drawn as a gap)."""
    values = np.array([[np.nan if v is None else v for v in curve] for curve in curves], dtype=float)  # (seeds, x)
    if values.ndim != 2 or values.shape[1] != len(x):
        raise ValueError(f"curves of shape {values.shape} for {len(x)} x values")
    values = np.where(np.isfinite(values), values, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "All-NaN slice": an x no seed measured stays NaN
        median, low, high = np.nanmedian(values, axis=0), np.nanmin(values, axis=0), np.nanmax(values, axis=0)
    return Band(np.asarray(x, dtype=float), median, low, high, len(values))


def history_band(histories: Sequence[TrainingHistory], value: Callable[[Any], float | None]) -> Band:
    """The band of ``value(record)`` over the histories' records, at every epoch (step) any of them measured it. A
    run that stopped early (diverged) has no value after its last record."""
    epochs = sorted({r.epoch for h in histories for r in h.records if value(r) is not None})
    curves = []
    for history in histories:
        measured = {r.epoch: value(r) for r in history.records}
        curves.append([measured.get(epoch) for epoch in epochs])
    return curve_band(curves, epochs)


def loss_bands(runs: Sequence[Run], session_name: str) -> Band:
    """The training loss per epoch (per step on the comparison) of the session ``session_name`` over the seeds'
    runs."""
    return history_band([sessions[session_name].history for _settings, sessions in runs], lambda r: r.loss)


def accuracy_bands(runs: Sequence[Run], session_name: str, percent: bool = True) -> Band:
    """The held-out accuracy at each evaluation point (every few epochs or steps) of ``session_name`` over the seeds'
    runs, in percent unless told; no x when the runs measured none."""
    scale = 100.0 if percent else 1.0
    return history_band(
        [sessions[session_name].history for _settings, sessions in runs],
        lambda r: None if r.validation_accuracy is None else scale * r.validation_accuracy,
    )
