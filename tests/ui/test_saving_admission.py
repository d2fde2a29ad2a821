"""Issue 25, part 7: the computing a learner starts beside the views goes through admission too. The comparison's
results when paused (``ui.comparison_views.results_now``), saving a run (``ui.run_file_views.run_file_bytes``) and
loading one wait for a free computing slot in the same line as the runs, and give it back."""

from __future__ import annotations

import threading
import time

import pytest

import core.engine.admission
import ui.live_run
import ui.run_file_views
import ui.training_views
from tests.conftest import live_run, open_screen, visit
from ui.run_file_views import run_file_bytes

COMPARISON, COMPARISON_PAGE = "rnn_vs_lstm_gru", "pages/rnn_vs_lstm_gru.py"
HIHELLO, HIHELLO_PAGE = "hihello", "pages/hihello.py"
OTHER = "another learner's run"


def full_server(monkeypatch):
    """One computing slot, taken by another learner's run (a server's queue made now, with one slot)."""
    monkeypatch.setenv("RNNLAB_MAX_TRAININGS", "1")
    monkeypatch.setattr(core.engine.admission, "STALE_SECONDS", 600.0)
    monkeypatch.setattr(core.engine.admission, "_SHARED", None)
    monkeypatch.setattr(ui.live_run, "ADMISSION_WAIT_SECONDS", 0.05)
    admission = core.engine.admission.shared_admission()
    assert admission.request(OTHER).granted
    return admission


def test_saving_a_run_waits_for_a_free_slot_and_gives_it_back(monkeypatch):
    at = open_screen(HIHELLO_PAGE, HIHELLO, hihello_epochs=20)
    run = live_run(at, HIHELLO)
    admission = full_server(monkeypatch)
    run.session.reset()  # another state of training: the file is written again, not taken from the cache
    run.session.advance(epochs=5)
    made, waits = [], []
    worker = threading.Thread(target=lambda: made.append(run_file_bytes(run, waits.append)))
    worker.start()
    time.sleep(0.5)
    assert not made and waits and set(waits) == {0}  # next in line, nothing written
    admission.release(OTHER)
    worker.join(10)
    assert made and made[0][:2] == b"PK"  # then written: a zip file
    assert admission.computing == 0 and admission.waiting == 0  # given back, out of the line


@pytest.mark.slow  # seconds of waiting on a timer: make test runs it, make check leaves it out
def test_the_races_results_wait_for_a_slot_when_paused(monkeypatch):
    at = visit(COMPARISON_PAGE, rnn_vs_lstm_gru_gap=5, rnn_vs_lstm_gru_steps=50)
    at.button(key=f"{COMPARISON}_pause").click().run()
    assert not at.exception, at.exception
    run = live_run(at, COMPARISON)
    for session in run.sessions.values():  # a state of training whose results were not measured yet
        session.advance(steps=1)
    admission = full_server(monkeypatch)
    said = []
    words = ui.training_views.waiting_words
    monkeypatch.setattr(ui.training_views, "waiting_words", lambda ahead: said.append(ahead) or words(ahead))
    threading.Timer(2.0, admission.release, args=(OTHER,)).start()
    started = time.monotonic()
    at.run()
    assert not at.exception, at.exception
    assert time.monotonic() - started >= 1.9  # it waited for the slot
    assert said and said[0] == 0  # and said it was next in line
    assert any("accuracy" in m.label for m in at.metric)  # then measured the three cells
    assert admission.computing == 0 and admission.waiting == 0


@pytest.mark.slow  # seconds of waiting on a timer: make test runs it, make check leaves it out
def test_loading_a_run_waits_for_a_free_slot(monkeypatch):
    saved = run_file_bytes(live_run(open_screen(HIHELLO_PAGE, HIHELLO, hihello_epochs=20), HIHELLO))
    at = visit(HIHELLO_PAGE)
    at.button(key=f"{HIHELLO}_pause").click().run()
    admission = full_server(monkeypatch)
    restored_at = []
    restore = ui.run_file_views.restore
    monkeypatch.setattr(
        ui.run_file_views, "restore", lambda *args: restored_at.append(time.monotonic()) or restore(*args)
    )
    threading.Timer(2.0, admission.release, args=(OTHER,)).start()
    started = time.monotonic()
    at.file_uploader(key=f"{HIHELLO}_run_upload").set_value(("saved.rnnlab", saved, "application/zip")).run()
    assert not at.exception, at.exception
    assert restored_at and restored_at[0] - started >= 1.9  # reading and restoring the file waited for the slot
    assert live_run(at, HIHELLO).epoch == 20 and at.success  # then loaded the run, paused at its last epoch
    assert admission.computing == 0 and admission.waiting == 0
