"""Admission: at most N trainings compute at once on a shared server; the others wait their turn.

A run does not hold a slot for its whole length, only for one chunk of computing (one tick of the live
page, at most ``ui.live_run.MAX_WORK_SECONDS``). Between two chunks it goes to the back of the queue, so runs share
the cores in turn: thirty learners pressing Play get thirty runs that advance, each more slowly, instead of
thirty runs that each get a thirtieth of a core and a page that feels broken. A paused run asks for
nothing, so it holds nothing and waits nowhere.

The queue is first come, first served among the runs waiting for a slot: a free slot goes to the oldest place of
those waiting at that moment, and never waits for a place whose page is not asking right now (a page asks again
only after drawing its tick, and on a crowded server ticks come seconds apart: holding the slot for it left the
cores idle, and dropping its place sent slow pages to the back every time). A place is kept while its run keeps
coming back: a tab that was closed stops asking, and its place lapses after ``STALE_SECONDS`` (no slot is ever
held by a run that is not computing, since a slot is given back when its chunk ends, whatever happens in it).

The number of slots comes from ``RNNLAB_MAX_TRAININGS`` (default: the machine's cores).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from core.words.errors import InputError
from core.words.i18n import N_

# A waiting run that has not asked for this long is taken out of the queue (a closed tab): longer than the longest
# time between two ticks of a crowded page (ui.live_run.BUSY_TICK_SECONDS, plus the browser's drawing).
STALE_SECONDS = 20.0
# A run that asked within this long counts as playing (ui.live_run.tick_seconds spreads redraws by it): a little
# longer than the longest time between two ticks of a crowded page, so that finished runs stop counting soon and the
# runs still playing redraw, and compute, more often again.
ACTIVE_SECONDS = 8.0


def slots_from_environment() -> int:
    raw = os.environ.get("RNNLAB_MAX_TRAININGS", "").strip()
    if not raw:
        return max(1, os.cpu_count() or 1)
    try:
        slots = int(raw)
    except ValueError:
        slots = 0
    if slots < 1:
        raise InputError(
            N_("RNNLAB_MAX_TRAININGS must be a whole number of at least 1 (got {value})."), value=repr(raw)
        )
    return slots


@dataclass(frozen=True)
class Turn:
    """The answer to one request: granted (compute now, then give the slot back) or how many runs are ahead."""

    granted: bool
    ahead: int = 0


class Admission:
    """A fair queue in front of ``slots`` computing slots, shared by every session of one server process."""

    def __init__(self, slots: int, clock=time.monotonic) -> None:
        if slots < 1:
            raise ValueError("at least one slot")
        self.slots = slots
        self._clock = clock
        self._changed = threading.Condition()
        self._queue: list[str] = []  # waiting tickets, oldest first
        self._asked: dict[str, float] = {}  # ticket -> when it last asked
        self._computing: set[str] = set()
        self._waiting_now: dict[str, int] = {}  # tickets inside request() at this moment (how many times)

    # -- what a page asks -------------------------------------------------------------------------------
    def request(self, ticket: str, wait_seconds: float = 0.0) -> Turn:
        """Ask for a slot for one chunk; wait up to ``wait_seconds`` for it. A granted ticket must ``release``.

        A free slot goes to the oldest place among the runs waiting for one right now. A place that is not waiting
        at this moment (its page is drawing, or its browser is slow to ask for the next tick) keeps its order for
        its next request but holds no slot back: a slot is never left idle while a run asks for it."""
        deadline = self._clock() + wait_seconds
        with self._changed:
            self._waiting_now[ticket] = self._waiting_now.get(ticket, 0) + 1
            try:
                while True:
                    self._drop_stale()
                    if ticket in self._computing:
                        return Turn(True)
                    if ticket not in self._queue:
                        self._queue.append(ticket)
                    self._asked[ticket] = self._clock()
                    position = self._queue.index(ticket)
                    waiting_ahead = sum(1 for t in self._queue[:position] if t in self._waiting_now)
                    if waiting_ahead < self.slots - len(self._computing):
                        self._queue.remove(ticket)
                        self._computing.add(ticket)
                        return Turn(True)
                    remaining = deadline - self._clock()
                    if remaining <= 0:
                        return Turn(False, ahead=position)
                    self._changed.wait(remaining)
            finally:
                self._waiting_now[ticket] -= 1
                if not self._waiting_now[ticket]:
                    del self._waiting_now[ticket]
                    self._changed.notify_all()  # a run that stops waiting may leave a slot to the next one

    def release(self, ticket: str) -> None:
        with self._changed:
            self._computing.discard(ticket)
            self._asked[ticket] = self._clock()
            self._changed.notify_all()

    def cancel(self, ticket: str) -> None:
        """The learner stopped waiting (Pause, Reset, leaving the page): the place goes to the next run."""
        with self._changed:
            if ticket in self._queue:
                self._queue.remove(ticket)
            self._asked.pop(ticket, None)
            self._changed.notify_all()

    @contextmanager
    def chunk(self, ticket: str, wait_seconds: float = 0.0) -> Iterator[Turn]:
        """``with admission.chunk(ticket) as turn: if turn.granted: compute``; the slot is always given back."""
        turn = self.request(ticket, wait_seconds)
        try:
            yield turn
        finally:
            if turn.granted:
                self.release(ticket)

    # -- what a page shows ------------------------------------------------------------------------------
    def ahead_of(self, ticket: str) -> int | None:
        """Runs ahead of ``ticket`` in the queue, or None when it is not waiting."""
        with self._changed:
            self._drop_stale()
            return self._queue.index(ticket) if ticket in self._queue else None

    @property
    def active(self) -> int:
        """Runs that asked for a slot within the last ``ACTIVE_SECONDS``: the runs this server is playing now."""
        with self._changed:
            now = self._clock()
            return sum(1 for asked in self._asked.values() if now - asked <= ACTIVE_SECONDS)

    @property
    def computing(self) -> int:
        return len(self._computing)

    @property
    def waiting(self) -> int:
        with self._changed:
            self._drop_stale()
            return len(self._queue)

    def _drop_stale(self) -> None:
        now = self._clock()
        # Places in the line first: a waiting ticket is judged by when it last asked, before that time is forgotten
        # (forgetting it first kept a closed tab in the line for ever once the server had been quiet for a while).
        stale = [t for t in self._queue if now - self._asked.get(t, float("-inf")) > STALE_SECONDS]
        for ticket in stale:
            self._queue.remove(ticket)
            self._asked.pop(ticket, None)
        # Then the runs that stopped asking at all (paused, finished, closed), so the record does not grow for ever.
        for ticket in [t for t, asked in self._asked.items() if now - asked > 10 * STALE_SECONDS]:
            if ticket not in self._computing:
                del self._asked[ticket]
        if stale:
            self._changed.notify_all()


_SHARED: Admission | None = None
_SHARED_LOCK = threading.Lock()


def shared_admission() -> Admission:
    """The one queue of this server process (every session's runs wait in the same line)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = Admission(slots_from_environment())
        return _SHARED
