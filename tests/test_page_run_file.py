"""Save or load this run, under AppTest: the downloaded file loads back to the same screen, and trains on."""

from __future__ import annotations

import pytest

from core.run_file import save_run
from tests.conftest import finish, live_run, open_screen, visit
from tests.test_run_file import comparison_halfway
from ui.run_file_views import run_file_bytes

HIHELLO, HIHELLO_PAGE = "hihello", "pages/hihello.py"


def metric(at, label):
    return next(m.value for m in at.metric if m.label.startswith(label))


def upload(at, key, name, data):
    at.file_uploader(key=f"{key}_run_upload").set_value((name, data, "application/zip")).run()
    assert not at.exception, at.exception
    return at


def successes(at):
    return [s.value for s in at.success]


@pytest.mark.slow
def test_a_downloaded_hihello_run_loads_back_with_the_same_final_loss_and_trains_on_to_the_same_end():
    at = open_screen(HIHELLO_PAGE, HIHELLO)
    final_loss, final = metric(at, "Loss"), live_run(at, HIHELLO)
    data = run_file_bytes(final)  # what the download button hands out
    assert at.get("download_button")  # the button is there once the run is paused

    at.button(key=f"{HIHELLO}_reset").click().run()
    assert metric(at, "Loss") == "—"
    upload(at, HIHELLO, "hihello-epoch-100.rnnlab", data)
    assert metric(at, "Loss") == final_loss and metric(at, "Prediction after epoch 100") == "ihello"
    assert any(s.startswith("Loaded hihello-epoch-100.rnnlab: epoch 100 of 100") for s in successes(at))
    loaded = live_run(at, HIHELLO)
    assert loaded is not final and loaded.mode == "paused"
    assert loaded.history.losses == final.history.losses

    # Saved at epoch 3 in one session, loaded in another, run to the end: the loss of the run never saved.
    at.button(key=f"{HIHELLO}_reset").click().run()
    for _ in range(3):
        at.button(key=f"{HIHELLO}_step").click().run()
    assert live_run(at, HIHELLO).epoch == 3
    early = run_file_bytes(live_run(at, HIHELLO))
    fresh = visit(HIHELLO_PAGE)
    fresh.button(key=f"{HIHELLO}_pause").click().run()
    upload(fresh, HIHELLO, "early.rnnlab", early)
    assert live_run(fresh, HIHELLO).epoch == 3
    fresh.button(key=f"{HIHELLO}_finish").click().run()
    finish(fresh, HIHELLO)
    assert metric(fresh, "Loss") == final_loss
    assert live_run(fresh, HIHELLO).history.losses == final.history.losses


@pytest.mark.slow
def test_a_corrupt_or_foreign_upload_shows_its_message_and_keeps_the_run():
    at = open_screen(HIHELLO_PAGE, HIHELLO)
    run, loss = live_run(at, HIHELLO), metric(at, "Loss")
    upload(at, HIHELLO, "broken.rnnlab", b"PK\x03\x04 this is not really a zip")
    assert any("broken.rnnlab: This file is not an RNN Lab run" in e.value for e in at.error)
    assert live_run(at, HIHELLO) is run and metric(at, "Loss") == loss

    longseq = open_screen("pages/long_sequences.py", "longseq")
    other = run_file_bytes(live_run(longseq, "longseq"))
    upload(at, HIHELLO, "sentence.rnnlab", other)
    assert any("made for the Long sequences screen, not HiHello" in e.value for e in at.error)
    assert live_run(at, HIHELLO) is run


@pytest.mark.slow
def test_a_long_sequences_run_loads_back_with_the_same_read_back():
    at = open_screen("pages/long_sequences.py", "longseq")
    run = live_run(at, "longseq")
    shown = at.metric[0].value
    data = run_file_bytes(run)
    at.button(key="longseq_reset").click().run()
    upload(at, "longseq", "sentence.rnnlab", data)
    loaded = live_run(at, "longseq")
    assert loaded is not run and loaded.epoch == run.epoch == 100
    assert loaded.history.losses == run.history.losses
    assert at.metric[0].value == shown


@pytest.mark.slow
def test_a_time_series_run_loads_back_on_its_data_and_not_on_another():
    at = open_screen("pages/time_series.py", "timeseries")
    run = live_run(at, "timeseries")
    data = run_file_bytes(run)
    at.button(key="timeseries_reset").click().run()
    upload(at, "timeseries", "prices.rnnlab", data)
    loaded = live_run(at, "timeseries")
    assert loaded is not run and loaded.epoch == run.epoch and loaded.mode == "paused"
    assert loaded.history.losses == run.history.losses
    assert any(s.startswith(f"Loaded prices.rnnlab: epoch {run.epoch} of {run.total_epochs}") for s in successes(at))

    at.radio(key="timeseries_source").set_value("seasonal").run()
    upload(at, "timeseries", "prices-again.rnnlab", data)
    assert any("trained on the built-in sample stock_like.csv" in e.value for e in at.error)
    assert live_run(at, "timeseries") is loaded


@pytest.mark.slow
def test_a_comparison_saved_midway_loads_paused_and_races_on_to_the_end_of_a_run_never_saved():
    settings, never_saved, sessions = comparison_halfway()
    at = visit("pages/rnn_vs_lstm_gru.py")
    at.button(key="compare_pause").click().run()
    upload(at, "compare", "race.rnnlab", save_run(settings, sessions))
    assert any(s.startswith("Loaded race.rnnlab: step 11 of 30") for s in successes(at))
    loaded = live_run(at, "compare")
    assert loaded.settings == settings and loaded.mode == "paused"
    at.button(key="compare_finish").click().run()
    finish(at, "compare")
    for cell, session in loaded.sessions.items():
        assert session.history.losses == never_saved[cell].history.losses
