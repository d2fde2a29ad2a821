"""The live pages' pace: the browser asks for each tick (ui.ticker), a crowd spreads redraws out, and a tick that
comes later computes more, so the run's share of the server does not shrink with its redraw rate."""

from __future__ import annotations

import json

import pytest

import core.engine.admission
import ui.live_run
from tests.conftest import visit
from ui.live_run import BUSY_TICK_SECONDS, MAX_WORK_SECONDS, TICK_SECONDS, tick_seconds, work_seconds


def ticker_requests(at) -> list[dict]:
    """What each ticker on the page asks the browser for: {"seconds": ..., "tick": ...}."""

    def walk(node):
        for child in getattr(node, "children", {}).values():
            yield child
            yield from walk(child)

    return [
        json.loads(element.proto.json)
        for element in walk(at._tree)
        if getattr(element, "type", "") == "bidi_component" and element.proto.component_name == "rnnlab.ticker"
    ]


def test_a_tick_computes_in_proportion_to_the_time_since_the_last_one_up_to_a_limit(monkeypatch):
    monkeypatch.setattr(ui.live_run, "WORK_SECONDS", 0.3)
    assert work_seconds(0.1) == 0.3  # a fast browser: never less than a tick's worth
    assert work_seconds(2 * TICK_SECONDS) == pytest.approx(0.6)
    assert work_seconds(60.0) == MAX_WORK_SECONDS  # a slot is never held for longer


def test_redraws_spread_out_in_proportion_to_the_runs_per_slot(monkeypatch):
    monkeypatch.setenv("RNNLAB_MAX_TRAININGS", "2")
    admission = core.engine.admission.shared_admission()
    for ticket in ("a", "b"):
        admission.request(ticket)
    assert tick_seconds() == TICK_SECONDS  # no more runs than slots: full pace
    for ticket in range(2, 20):
        admission.request(str(ticket))
    assert admission.active == 20
    assert tick_seconds() == pytest.approx(5.0)  # a class of 20 on two slots: a redraw every 5 s
    for ticket in range(20, 60):
        admission.request(str(ticket))
    assert tick_seconds() == BUSY_TICK_SECONDS


def test_a_playing_page_asks_its_browser_for_the_next_tick_and_a_paused_one_asks_for_nothing():
    at = visit("pages/hihello.py")
    assert at.session_state["hihello_run"].playing
    [request] = ticker_requests(at)
    assert request["seconds"] == TICK_SECONDS
    first = request["tick"]
    at.run()
    [request] = ticker_requests(at)
    assert request["tick"] != first  # every tick is a new request, so the browser asks again
    at.button(key="hihello_pause").click().run()
    assert not at.session_state["hihello_run"].playing
    assert ticker_requests(at) == []


def test_a_crowded_server_asks_the_browser_for_fewer_redraws(monkeypatch):
    monkeypatch.setenv("RNNLAB_MAX_TRAININGS", "1")
    admission = core.engine.admission.shared_admission()
    for ticket in range(10):  # ten other learners' runs playing
        admission.request(str(ticket))
    at = visit("pages/hihello.py")
    [request] = ticker_requests(at)
    assert request["seconds"] == pytest.approx(min(BUSY_TICK_SECONDS, 2 * TICK_SECONDS * admission.active))
    assert request["seconds"] > 4 * TICK_SECONDS


@pytest.mark.parametrize(("speed", "most"), [("slow", 1), ("normal", 7), ("fast", 30)])
def test_a_frame_that_took_long_to_draw_advances_at_most_half_a_second_of_the_speed(speed, most):
    """Paced by what was drawn (issue 22): the first visit's page took 0.4-4 s to draw and the run jumped from epoch 3
    to 60-81; a frame now owes at most ui.live_run.MAX_FRAME_SECONDS of the speed, however late it comes."""
    at = visit("pages/hihello.py")
    run = at.session_state["hihello_run"]
    assert run.epoch <= 3  # the first frame shows the start
    at.selectbox(key="hihello_speed").set_value(speed).run()
    for _ in range(3):
        before = run.epoch
        run.last_tick -= 4.0  # as if the browser had taken four seconds to draw the last frame
        at.run()
        assert 0 <= run.epoch - before <= most + 1  # + 1: the fraction of an epoch the pace carries over


def test_full_speed_alone_may_skip_frames():
    at = visit("pages/hihello.py")
    run = at.session_state["hihello_run"]
    before = run.epoch
    run.last_tick -= 4.0
    at.selectbox(key="hihello_speed").set_value("full").run()
    assert run.epoch - before > 60 * ui.live_run.MAX_FRAME_SECONDS + 1  # more than even "fast" may in one frame


def test_the_three_cells_race_in_lockstep_at_every_frame_and_after_pause(monkeypatch):
    """A real race (issue 22): the status step, the last point of every curve and the accuracy numbers are one step.
    Before, each cell had a third of a tick's time and the fastest ran ahead (status 114, LSTM curve at 185)."""
    monkeypatch.setattr(ui.live_run, "WORK_SECONDS", 0.05)  # ticks as short as a browser's: the race is mid-way
    at = visit("pages/rnn_vs_lstm_gru.py", rnn_vs_lstm_gru_gap=5, rnn_vs_lstm_gru_steps=300)
    run = at.session_state["rnn_vs_lstm_gru_run"]
    at.selectbox(key="rnn_vs_lstm_gru_speed").set_value("full").run()
    seen = []
    for _ in range(4):
        steps = {cell: session.epoch for cell, session in run.sessions.items()}
        assert set(steps.values()) == {run.epoch}, steps
        last_points = {cell: session.history.records[-1].epoch for cell, session in run.sessions.items()}
        assert set(last_points.values()) == {run.epoch}, last_points  # each curve ends at the status's step
        seen.append(run.epoch)
        at.run()
    assert 0 < seen[0] < seen[-1] < 300
    at.button(key="rnn_vs_lstm_gru_pause").click().run()
    paused_at = {cell: session.epoch for cell, session in run.sessions.items()}
    at.run().run()
    assert {cell: session.epoch for cell, session in run.sessions.items()} == paused_at
    assert set(paused_at.values()) == {run.epoch}
