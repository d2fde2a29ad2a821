"""Save or load this run, under AppTest: the downloaded file loads back to the same screen, and trains on; a run
from a machine whose PyTorch uses other kernels says so."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.saving.file import save_run, this_machine
from core.screens.hihello.settings import HiHelloSettings
from tests.conftest import APP, APP_TIMEOUT, finish, live_run, open_screen, visit
from tests.saving.helpers import build_sessions
from tests.saving.test_file import comparison_halfway, edited
from tests.words.korean_text import mostly_hangul
from ui.links import LINK_PROMISE
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

    longseq = open_screen("pages/long_sequences.py", "long_sequences")
    other = run_file_bytes(live_run(longseq, "long_sequences"))
    upload(at, HIHELLO, "sentence.rnnlab", other)
    assert any("made for the Long sequences screen, not HiHello" in e.value for e in at.error)
    assert live_run(at, HIHELLO) is run


@pytest.mark.slow
def test_a_long_sequences_run_loads_back_with_the_same_read_back():
    at = open_screen("pages/long_sequences.py", "long_sequences")
    run = live_run(at, "long_sequences")
    shown = at.metric[0].value
    data = run_file_bytes(run)
    at.button(key="long_sequences_reset").click().run()
    upload(at, "long_sequences", "sentence.rnnlab", data)
    loaded = live_run(at, "long_sequences")
    assert loaded is not run and loaded.epoch == run.epoch == 100
    assert loaded.history.losses == run.history.losses
    assert at.metric[0].value == shown


@pytest.mark.slow
def test_a_time_series_run_loads_back_on_its_data_and_not_on_another():
    at = open_screen("pages/time_series.py", "time_series")
    run = live_run(at, "time_series")
    data = run_file_bytes(run)
    at.button(key="time_series_reset").click().run()
    upload(at, "time_series", "prices.rnnlab", data)
    loaded = live_run(at, "time_series")
    assert loaded is not run and loaded.epoch == run.epoch and loaded.mode == "paused"
    assert loaded.history.losses == run.history.losses
    assert any(s.startswith(f"Loaded prices.rnnlab: epoch {run.epoch} of {run.total_epochs}") for s in successes(at))

    at.radio(key="time_series_source").set_value("seasonal").run()
    upload(at, "time_series", "prices-again.rnnlab", data)
    assert any("trained on the built-in sample stock_like.csv" in e.value for e in at.error)
    assert live_run(at, "time_series") is loaded


@pytest.mark.slow
def test_a_comparison_saved_midway_loads_paused_and_races_on_to_the_end_of_a_run_never_saved():
    settings, never_saved, sessions = comparison_halfway()
    at = visit("pages/rnn_vs_lstm_gru.py")
    at.button(key="rnn_vs_lstm_gru_pause").click().run()
    upload(at, "rnn_vs_lstm_gru", "race.rnnlab", save_run(settings, sessions))
    assert any(s.startswith("Loaded race.rnnlab: step 11 of 30") for s in successes(at))
    loaded = live_run(at, "rnn_vs_lstm_gru")
    assert loaded.settings == settings and loaded.mode == "paused"
    at.button(key="rnn_vs_lstm_gru_finish").click().run()
    finish(at, "rnn_vs_lstm_gru")
    for cell, session in loaded.sessions.items():
        assert session.history.losses == never_saved[cell].history.losses


def run_file_from(capability: str | None = None) -> bytes:
    """A HiHello run of 3 epochs, as a machine whose PyTorch uses ``capability`` would have saved it."""
    settings = HiHelloSettings()
    sessions, logs = build_sessions(settings)
    sessions["model"].advance(epochs=3)
    data = save_run(settings, sessions, logs)
    return data if capability is None else edited(data, lambda run: run.update(cpu_capability=capability))


def machine_notes(at) -> list[str]:
    return [i.value for i in at.info if "`" + this_machine().capability + "`" in i.value]


def paused_hihello(language: str):
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params["lang"] = language
    at.run()
    at.switch_page(HIHELLO_PAGE).run()
    at.button(key=f"{HIHELLO}_pause").click().run()
    assert not at.exception, at.exception
    return at


def test_a_run_from_another_cpu_capability_says_so_in_korean_and_then_in_english():
    other = next(c for c in ("AVX2", "AVX512") if c != this_machine().capability)
    at = paused_hihello("ko")
    upload(at, HIHELLO, "laptop.rnnlab", run_file_from(other))
    assert live_run(at, HIHELLO).epoch == 3
    (note,) = machine_notes(at)
    assert f"`{other}` 커널" in note and "곡선" in note and mostly_hangul(note)
    at.sidebar.button_group(key="language_selector").set_value("en").run()
    assert not at.exception, at.exception
    (note,) = machine_notes(at)
    assert note.startswith(f"This run was trained on a machine whose PyTorch used `{other}` kernels; this server uses")
    assert "its curve can drift slightly" in note


def test_a_run_from_this_cpu_capability_or_an_older_file_shows_no_such_note():
    at = paused_hihello("en")
    assert LINK_PROMISE in [c.value for c in at.sidebar.caption]  # the link says where its curves are the same
    upload(at, HIHELLO, "here.rnnlab", run_file_from())
    assert any(s.startswith("Loaded here.rnnlab: epoch 3 of 100") for s in successes(at))
    assert not machine_notes(at) and not [i for i in at.info if "kernels" in i.value]
    older = edited(run_file_from(), lambda run: [run.pop("cpu_capability"), run.pop("torch_version")])
    upload(at, HIHELLO, "older.rnnlab", older)
    assert any(s.startswith("Loaded older.rnnlab: epoch 3 of 100") for s in successes(at))
    assert not [i for i in at.info if "kernels" in i.value]


def test_a_forged_file_past_the_limits_shows_its_message_and_keeps_the_run():
    """Issue 24: a description nested deeper than the format, or holding more than its settings write, is refused
    before it is parsed, with the learner's message (in both languages); the run on screen stays as it was."""
    at = paused_hihello("en")
    run = live_run(at, HIHELLO)
    epoch, losses = run.epoch, list(run.history.losses)
    data = run_file_from()
    deep = edited(data, lambda saved: saved["sessions"]["model"].update(records=[[[[[[[]]]]]]]))
    upload(at, HIHELLO, "deep.rnnlab", deep)
    assert any(
        "deep.rnnlab: This file is not an RNN Lab run" in e.value and "nested deeper" in e.value for e in at.error
    )
    padded = edited(data, lambda saved: saved["sessions"]["model"].update(padding=[{}] * 20_000))
    upload(at, HIHELLO, "padded.rnnlab", padded)
    assert any("holds more than a run of its settings ever writes" in e.value for e in at.error)
    assert live_run(at, HIHELLO) is run and run.epoch == epoch and run.history.losses == losses
    at.sidebar.button_group(key="language_selector").set_value("ko").run()
    assert not at.exception, at.exception
    assert any(e.value.startswith("padded.rnnlab: ") and mostly_hangul(e.value) for e in at.error)
