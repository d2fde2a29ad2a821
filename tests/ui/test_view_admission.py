"""Issue 25, part 7: every computation a learner can start goes through admission. A view that computes on demand
(the forecast's scores, generated text, the read-back at the epoch shown) waits for a free computing slot in the
same line as the runs, says so while it waits, and gives the slot back (ui.live_run.admitted,
ui.training_views.computed)."""

from __future__ import annotations

import hashlib
import threading
import time

import pytest

import core.engine.admission
import ui.live_run
import ui.training_views
from tests.conftest import live_run, visit
from ui.live_run import LiveRun, admitted

KEY = "time_series"
PAGE = "pages/time_series.py"
TAG = hashlib.sha1(b"sample:stock_like.csv").hexdigest()[:8]


def full_server(monkeypatch):
    """One computing slot, taken by another learner's run (a server's queue made now, with one slot)."""
    monkeypatch.setenv("RNNLAB_MAX_TRAININGS", "1")
    monkeypatch.setattr(core.engine.admission, "STALE_SECONDS", 600.0)
    monkeypatch.setattr(core.engine.admission, "_SHARED", None)
    admission = core.engine.admission.shared_admission()
    assert admission.request("another learner's run").granted
    return admission


def test_a_views_computing_waits_for_a_free_slot_and_gives_it_back(monkeypatch):
    admission = full_server(monkeypatch)
    monkeypatch.setattr(ui.live_run, "ADMISSION_WAIT_SECONDS", 0.05)
    run = LiveRun(settings=None, sessions={}, estimate=None, screen=None)
    computed_at, waits = [], []
    worker = threading.Thread(
        target=lambda: admitted(run, lambda: computed_at.append(admission.computing), on_wait=waits.append)
    )
    worker.start()
    time.sleep(0.5)
    assert not computed_at and waits and set(waits) == {0}  # next in line, nothing computed
    admission.release("another learner's run")
    worker.join(5)
    assert computed_at == [1]  # it computed holding the one slot
    assert admission.computing == 0 and admission.waiting == 0  # given back, out of the line


@pytest.mark.slow  # seconds of waiting on a timer: make test runs it, make check leaves it out
def test_the_forecasts_scores_wait_for_a_slot_when_every_slot_is_taken(monkeypatch):
    at = visit(PAGE, **{f"{KEY}_epochs_{TAG}": 20})
    run = live_run(at, KEY)
    run.session.advance(epochs=10 - run.epoch)
    at.button(key=f"{KEY}_pause").click().run()
    assert not at.exception, at.exception
    admission = full_server(monkeypatch)
    said = []
    words = ui.training_views.waiting_words
    monkeypatch.setattr(ui.training_views, "waiting_words", lambda ahead: said.append(ahead) or words(ahead))
    threading.Timer(2.0, admission.release, args=("another learner's run",)).start()
    started = time.monotonic()
    at.select_slider(key=f"{KEY}_epoch").set_value(5).run()  # a moment not scored yet: the forecast is computed
    assert not at.exception, at.exception
    assert time.monotonic() - started >= 1.9  # it waited for the slot
    assert said and said[0] == 0  # and said it was next in line
    assert any(m.label.startswith("Test RMSE, model") for m in at.metric)  # then scored the forecast at epoch 5
    assert admission.computing == 0 and admission.waiting == 0
