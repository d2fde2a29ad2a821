"""A classroom's runs take turns: a page whose run finds every computing slot taken says so, computes nothing,
and goes on as soon as a slot frees; Pause leaves the line (core.engine.admission, ui.live_run.tick). The comparison's
gap
sweep takes turns in the same line."""

from __future__ import annotations

import threading

import pytest

import core.engine.admission
from core.screens.rnn_vs_lstm_gru.comparison import GapSweep
from tests.conftest import finish, live_run, open_screen, visit


def status_text(at) -> str:
    return " ".join(caption.value for caption in at.caption if "of computing" in caption.value)


def test_a_queued_run_shows_its_place_computes_nothing_and_goes_on_when_a_slot_frees(monkeypatch):
    monkeypatch.setenv("RNNLAB_MAX_TRAININGS", "1")
    monkeypatch.setattr(core.engine.admission, "STALE_SECONDS", 600.0)  # the fake runs below never tick again
    admission = core.engine.admission.shared_admission()
    assert admission.request("another learner's run").granted  # the one slot is taken
    assert not admission.request("a run that asked first").granted

    at = visit("pages/hihello.py")  # the first visit plays
    run = live_run(at, "hihello")
    assert run.playing and run.epoch == 0 and run.waiting_ahead == 1
    assert "waiting for a free slot on the server: 1 run ahead" in status_text(at)
    at.run()
    assert live_run(at, "hihello").epoch == 0  # still nothing computed

    admission.release("another learner's run")
    admission.cancel("a run that asked first")
    at.selectbox(key="hihello_speed").set_value("full").run()
    run = live_run(at, "hihello")
    assert run.epoch > 0 and run.waiting_ahead is None
    assert "waiting" not in status_text(at)
    assert admission.computing == 0  # the slot went back after the chunk


def test_pause_leaves_the_line(monkeypatch):
    monkeypatch.setenv("RNNLAB_MAX_TRAININGS", "1")
    monkeypatch.setattr(core.engine.admission, "STALE_SECONDS", 600.0)
    admission = core.engine.admission.shared_admission()
    assert admission.request("another learner's run").granted
    at = visit("pages/hihello.py")
    ticket = live_run(at, "hihello").ticket
    assert admission.ahead_of(ticket) == 0
    # The paused page writes the run's file for its download button, the learner's computing: it takes its turn for
    # a slot too (ui.run_file_views.run_file_bytes), so the other learner's run gives its slot back in a while.
    threading.Timer(1.0, admission.release, args=("another learner's run",)).start()
    at.button(key="hihello_pause").click().run()
    assert admission.ahead_of(ticket) is None
    assert not live_run(at, "hihello").playing
    assert "waiting" not in status_text(at)


def test_a_busy_server_redraws_playing_pages_less_often(monkeypatch):
    from ui.live_run import BUSY_TICK_SECONDS, TICK_SECONDS, tick_seconds

    monkeypatch.setenv("RNNLAB_MAX_TRAININGS", "2")
    admission = core.engine.admission.shared_admission()
    assert tick_seconds() == TICK_SECONDS
    for ticket in ("a", "b"):  # as many runs as slots: full pace
        assert admission.request(ticket).granted
        admission.release(ticket)
    assert tick_seconds() == TICK_SECONDS
    assert admission.request("c").granted and admission.request("d").granted
    assert not admission.request("waiting").granted  # runs queue: redraws spread out
    assert TICK_SECONDS < tick_seconds() <= BUSY_TICK_SECONDS
    for ticket in range(40):  # a crowd of playing runs: at most one redraw every BUSY_TICK_SECONDS
        admission.request(str(ticket))
    assert tick_seconds() == BUSY_TICK_SECONDS


def test_the_gap_sweep_waits_its_turn_in_the_same_queue(monkeypatch):
    """The sweep a learner starts computes through admission like a run: while every slot is taken it says so and
    trains nothing; once a slot frees it goes on."""
    monkeypatch.setenv("RNNLAB_MAX_TRAININGS", "1")
    monkeypatch.setattr(core.engine.admission, "STALE_SECONDS", 600.0)
    at = open_screen(
        "pages/rnn_vs_lstm_gru.py", "rnn_vs_lstm_gru", rnn_vs_lstm_gru_gap=5, rnn_vs_lstm_gru_steps=50
    )  # trained to the end
    admission = core.engine.admission.shared_admission()
    assert admission.request("another learner's run").granted
    at.multiselect(key="rnn_vs_lstm_gru_gaps").set_value([2, 5])
    at.button(key="rnn_vs_lstm_gru_run_sweep").click().run()
    job = live_run(at, "rnn_vs_lstm_gru").job
    assert job is not None and job.fraction == 0
    assert "waiting for a free slot on the server: next in line" in status_text(at)
    admission.release("another learner's run")
    finish(at, "rnn_vs_lstm_gru")
    assert live_run(at, "rnn_vs_lstm_gru").requested["sweep"][0] == [2, 5]


@pytest.mark.slow  # seconds of waiting for the sweep's slot: make test runs it, make check leaves it out
def test_a_run_started_beside_a_sweep_waits_while_the_sweep_holds_the_only_slot(monkeypatch):
    """The issue's case: one slot, a sweep computing on the comparison screen, a HiHello run started meanwhile."""
    monkeypatch.setenv("RNNLAB_MAX_TRAININGS", "1")
    compare = open_screen(
        "pages/rnn_vs_lstm_gru.py", "rnn_vs_lstm_gru", rnn_vs_lstm_gru_gap=5, rnn_vs_lstm_gru_steps=50
    )
    inside, go_on = threading.Event(), threading.Event()
    train = GapSweep.advance

    def held_open(self, *args, **kwargs):  # the sweep's chunk, held until the HiHello page has asked for its slot
        inside.set()
        go_on.wait(60)
        return train(self, *args, **kwargs)

    monkeypatch.setattr(GapSweep, "advance", held_open)
    compare.multiselect(key="rnn_vs_lstm_gru_gaps").set_value([2])
    sweeping = threading.Thread(target=lambda: compare.button(key="rnn_vs_lstm_gru_run_sweep").click().run())
    sweeping.start()
    try:
        assert inside.wait(60)
        hihello = visit("pages/hihello.py")  # the first visit plays, so it asks for the slot the sweep holds
        assert "waiting for a free slot on the server" in status_text(hihello)
        assert live_run(hihello, "hihello").epoch == 0
    finally:
        go_on.set()
        sweeping.join(120)
    hihello.run()
    assert live_run(hihello, "hihello").epoch > 0 and "waiting" not in status_text(hihello)
