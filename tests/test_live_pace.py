"""The live pages' pace: the browser asks for each tick (ui.ticker), a crowd spreads redraws out, and a tick that
comes later computes more, so the run's share of the server does not shrink with its redraw rate."""

from __future__ import annotations

import json

import pytest

import core.admission
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
    admission = core.admission.shared_admission()
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
    admission = core.admission.shared_admission()
    for ticket in range(10):  # ten other learners' runs playing
        admission.request(str(ticket))
    at = visit("pages/hihello.py")
    [request] = ticker_requests(at)
    assert request["seconds"] == pytest.approx(min(BUSY_TICK_SECONDS, 2 * TICK_SECONDS * admission.active))
    assert request["seconds"] > 4 * TICK_SECONDS
