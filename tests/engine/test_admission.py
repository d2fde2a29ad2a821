"""The admission queue: at most N chunks compute at once, runs take turns in order, nobody keeps a slot."""

from __future__ import annotations

import threading
import time

import pytest

from core.engine.admission import STALE_SECONDS, Admission, slots_from_environment
from core.words.errors import InputError


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_runs_waiting_for_a_slot_get_it_in_the_order_they_asked():
    admission = Admission(1)
    assert admission.request("a").granted
    order = []

    def wait_for_a_turn(ticket: str) -> None:
        if admission.request(ticket, wait_seconds=10).granted:
            order.append(ticket)
            time.sleep(0.02)
            admission.release(ticket)

    waiters = []
    for ticket in ("b", "c"):  # b asks first, then c; both wait
        waiters.append(threading.Thread(target=wait_for_a_turn, args=(ticket,)))
        waiters[-1].start()
        deadline = time.monotonic() + 5
        while admission.ahead_of(ticket) is None and time.monotonic() < deadline:
            time.sleep(0.005)
    assert admission.ahead_of("c") == 1
    assert admission.request("b") == admission.request("b")  # asking again keeps the place
    admission.release("a")
    # a comes back for its next chunk while b and c wait: it queues behind them, so the three take turns
    assert not admission.request("a").granted
    for waiter in waiters:
        waiter.join(timeout=10)
    assert order == ["b", "c"]
    assert admission.request("a").granted


def test_a_free_slot_never_waits_for_a_run_that_is_not_asking():
    """A crowded page asks again only after drawing its tick, seconds later: its place is kept, but the slot goes to
    whoever asks meanwhile, so the cores never sit idle."""
    clock = Clock()
    admission = Admission(1, clock=clock)
    assert admission.request("a").granted
    assert admission.request("drawing").ahead == 0  # refused, then off drawing its page
    admission.release("a")
    clock.now += 5.0  # its next tick is five seconds away
    assert admission.request("asking now").granted
    assert admission.ahead_of("drawing") == 0  # still first in line for the next free slot it asks for
    admission.release("asking now")
    assert admission.request("drawing").granted


def test_never_more_chunks_at_once_than_slots():
    admission = Admission(2)
    inside, most = [0], [0]
    lock = threading.Lock()

    def run(ticket: str) -> None:
        for _ in range(20):
            with admission.chunk(ticket, wait_seconds=5) as turn:
                assert turn.granted
                with lock:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                time.sleep(0.001)
                with lock:
                    inside[0] -= 1

    threads = [threading.Thread(target=run, args=(f"run{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert most[0] == 2
    assert admission.computing == 0 and admission.waiting == 0


def test_no_run_starves_under_contention():
    admission = Admission(1)
    counts: dict[str, int] = {}
    stop = time.monotonic() + 0.5

    def run(ticket: str) -> None:
        while time.monotonic() < stop:
            with admission.chunk(ticket, wait_seconds=0.2) as turn:
                if turn.granted:
                    counts[ticket] = counts.get(ticket, 0) + 1
                    time.sleep(0.002)

    threads = [threading.Thread(target=run, args=(f"run{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(counts) == 4
    assert max(counts.values()) <= 2 * min(counts.values()) + 1  # turns, not luck


def test_a_cancelled_run_gives_its_place_to_the_next():
    admission = Admission(1, clock=Clock())
    admission.request("a")
    admission.request("b")
    admission.request("c")
    admission.cancel("b")
    assert admission.ahead_of("b") is None
    assert admission.ahead_of("c") == 0
    admission.release("a")
    assert admission.request("c").granted


def test_a_closed_tab_loses_its_place_and_the_slot_comes_back_even_when_the_chunk_fails():
    clock = Clock()
    admission = Admission(1, clock=clock)
    with pytest.raises(RuntimeError), admission.chunk("a") as turn:
        assert turn.granted
        raise RuntimeError("the chunk failed")
    assert admission.computing == 0
    assert admission.request("a").granted
    assert admission.request("closed").ahead == 0  # waits, then its tab closes: it never asks again
    assert admission.request("b").ahead == 1
    admission.release("a")
    for _ in range(4):  # b keeps asking on every tick, as a live page does
        clock.now += STALE_SECONDS / 2
        turn = admission.request("b")
    assert admission.ahead_of("closed") is None
    assert turn.granted


def test_tabs_closed_while_waiting_on_a_quiet_server_do_not_block_the_next_class():
    """Found by running `make loadtest` twice on one server: the sessions the first run left waiting were kept in
    the line for ever once nobody had asked for a while, and every later run saw "7 runs ahead" and never moved."""
    clock = Clock()
    admission = Admission(1, clock=clock)
    assert admission.request("a").granted
    assert [admission.request(ticket).ahead for ticket in ("closed 1", "closed 2")] == [0, 1]
    admission.release("a")
    clock.now += 100 * STALE_SECONDS  # the class went home; nobody asked since
    assert admission.request("next class").granted
    assert admission.waiting == 0


def test_a_request_waits_for_a_slot_that_frees_within_its_wait():
    admission = Admission(1)
    assert admission.request("a").granted
    threading.Timer(0.05, admission.release, args=("a",)).start()
    assert admission.request("b", wait_seconds=2).granted


def test_slots_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("RNNLAB_MAX_TRAININGS", "3")
    assert slots_from_environment() == 3
    monkeypatch.delenv("RNNLAB_MAX_TRAININGS")
    assert slots_from_environment() >= 1
    for wrong in ("0", "-2", "two", "1.5"):
        monkeypatch.setenv("RNNLAB_MAX_TRAININGS", wrong)
        with pytest.raises(InputError, match="RNNLAB_MAX_TRAININGS"):
            slots_from_environment()
