"""Saving a run and loading it back: equal to the float, exact when training goes on, and safe with bad files."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
import torch

from core.reading.series import read_series
from core.saving.file import MAX_UNPACKED_BYTES, save_run
from core.screens.hihello.settings import HiHelloSettings
from core.screens.long_sequences.settings import LongSequenceSettings
from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings
from core.screens.time_series.forecasting import ForecastSettings, prepare
from core.words.errors import InputError
from tests.saving.helpers import build_sessions, load_run

HIHELLO = HiHelloSettings(epochs=40)
LONGSEQ = LongSequenceSettings(epochs=12, batch_size=8)  # several shuffled steps per epoch


def trained(settings, epochs, learning_rate=None):
    sessions, logs = build_sessions(settings)
    sessions["model"].advance(epochs=epochs)
    if learning_rate is not None:
        sessions["model"].set_learning_rate(learning_rate)
    return sessions, logs


@pytest.fixture(scope="module")
def hihello_file():
    sessions, logs = trained(HIHELLO, 15, learning_rate=0.03)
    return sessions["model"], save_run(HIHELLO, sessions, logs)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def packed(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, value in parts.items():
            archive.writestr(name, value)
    return out.getvalue()


def edited(data: bytes, change) -> bytes:
    parts = members(data)
    run = json.loads(parts["run.json"])
    change(run)
    parts["run.json"] = json.dumps(run).encode()
    return packed(parts)


def test_the_round_trip_is_equal_to_the_float(hihello_file):
    saved, data = hihello_file
    loaded = load_run(data)
    session = loaded.sessions["model"]
    assert loaded.screen == "hihello" and loaded.settings == HIHELLO
    assert session.epoch == 15 and session.steps_done == saved.steps_done and session.learning_rate == 0.03
    assert session.history.losses == saved.history.losses
    assert session.history.accuracies == saved.history.accuracies
    for mine, theirs in zip(session.history.records, saved.history.records, strict=True):
        assert mine.parameter_gradient_norms == theirs.parameter_gradient_norms
        assert (mine.predictions == theirs.predictions).all()
    assert session.history.learning_rate_changes == saved.history.learning_rate_changes
    for name, value in saved.model.state_dict().items():
        assert torch.equal(session.model.state_dict()[name], value)
    assert [s.epoch for s in session.history.snapshots] == [s.epoch for s in saved.history.snapshots]
    for mine, theirs in zip(session.history.snapshots, saved.history.snapshots, strict=True):
        assert all(torch.equal(mine.weights[k], theirs.weights[k]) for k in theirs.weights)
    assert (session.history.snapshots[-1].probe.outputs == saved.history.snapshots[-1].probe.outputs).all()


@pytest.mark.parametrize("settings", [HIHELLO, LONGSEQ], ids=["hihello", "long_sequences"])
def test_training_on_after_loading_gives_the_losses_of_a_run_never_saved(settings):
    never_saved, _ = trained(settings, 5, learning_rate=0.03)
    never_saved["model"].advance()
    sessions, logs = trained(settings, 5, learning_rate=0.03)
    loaded = load_run(save_run(settings, sessions, logs))
    loaded.sessions["model"].advance()
    assert loaded.sessions["model"].history.losses == never_saved["model"].history.losses
    for name, value in never_saved["model"].model.state_dict().items():
        assert torch.equal(loaded.sessions["model"].model.state_dict()[name], value)


def test_the_long_sequences_read_back_log_comes_back():
    sessions, logs = trained(LONGSEQ, 4)
    loaded = load_run(save_run(LONGSEQ, sessions, logs), screen="long_sequences")
    log, saved = loaded.read_back["model"], logs["model"]
    assert log.epochs == saved.epochs == [1, 2, 3, 4] and log.accuracy == saved.accuracy
    assert all((a == b).all() for a, b in zip(log.ids, saved.ids, strict=True))
    assert all((a == b).all() for a, b in zip(log.position_accuracy, saved.position_accuracy, strict=True))


def test_a_run_paused_inside_an_epoch_is_saved_at_the_end_of_that_epoch():
    sessions, logs = build_sessions(LONGSEQ)
    sessions["model"].advance(steps=3)  # the epoch has more steps than that
    assert sessions["model"].epoch == 0
    loaded = load_run(save_run(LONGSEQ, sessions, logs))
    assert sessions["model"].epoch == loaded.sessions["model"].epoch == 1


@pytest.mark.parametrize(
    "data, message",
    [
        (b"not a zip at all", "not an RNN Lab run"),
        (packed({"notes.txt": b"hello"}), "not an RNN Lab run"),
        (packed({"run.json": b"{not json", "weights.pt": b""}), "not readable JSON"),
        (packed({"run.json": b'{"format": "something-else"}', "weights.pt": b""}), "not an RNN Lab run"),
        (b"x" * (50 * 2**20 + 1), "at most 50 MB"),
    ],
    ids=["corrupt", "foreign zip", "bad json", "foreign json", "oversized"],
)
def test_a_file_that_is_not_a_run_is_refused_with_a_message(data, message):
    with pytest.raises(InputError, match=message):
        load_run(data)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(hihello_file):
    parts = members(hihello_file[1])
    parts["weights.pt"] = bytes(MAX_UNPACKED_BYTES + 1)  # zeros deflate to about 200 kB
    bomb = packed(parts)
    assert len(bomb) < 2**20
    with pytest.raises(InputError, match="unpacks to more than"):
        load_run(bomb)


def test_a_forged_setting_gets_the_settings_message(hihello_file):
    forged = edited(hihello_file[1], lambda run: run["settings"].update(hidden_size=10_000))
    with pytest.raises(InputError, match="settings are not valid: The hidden size must be a whole number"):
        load_run(forged)


def test_a_run_of_another_screen_says_which(hihello_file):
    with pytest.raises(InputError, match="made for the HiHello screen, not Long sequences"):
        load_run(hihello_file[1], screen="long_sequences")


@pytest.mark.parametrize(
    "version, message", [(3, "saved by format version 3; this app reads version 2"), ("1", "unknown format version")]
)
def test_an_unknown_version_says_which_version_it_is(hihello_file, version, message):
    with pytest.raises(InputError, match=message):
        load_run(edited(hihello_file[1], lambda run: run.update(format_version=version)))


def test_a_tensor_of_the_wrong_shape_is_refused(hihello_file):
    parts = members(hihello_file[1])
    tensors = torch.load(io.BytesIO(parts["weights.pt"]), weights_only=True)
    tensors["model/snapshot/10/layers.0.weight_hh_l0"] = torch.zeros(3, 3)
    buffer = io.BytesIO()
    torch.save(tensors, buffer)
    parts["weights.pt"] = buffer.getvalue()
    with pytest.raises(InputError, match="weight_hh_l0' is \\(3, 3\\)"):
        load_run(packed(parts))


def test_weights_that_are_not_tensors_are_refused(hihello_file):
    parts = members(hihello_file[1])
    buffer = io.BytesIO()
    torch.save({"model/current/x": [1, 2, 3]}, buffer)
    parts["weights.pt"] = buffer.getvalue()
    with pytest.raises(InputError, match="not a table of tensors"):
        load_run(packed(parts))


def test_a_forged_history_is_refused(hihello_file):
    forged = edited(hihello_file[1], lambda run: run["sessions"]["model"]["records"].pop())
    with pytest.raises(InputError, match="damaged or was edited"):
        load_run(forged)


def test_a_time_series_run_round_trips_on_its_own_data_and_refuses_other_data():
    name = "seasonal.csv"
    table = read_series((Path(__file__).resolve().parents[2] / "data" / name).read_bytes(), name)
    settings = ForecastSettings(target="Value", features=("Value",), epochs=20, batch_size=32)

    def build(settings):
        return {"model": prepare(table, settings).session()}, {}

    never_saved, _ = build(settings)
    never_saved["model"].advance()
    sessions, _ = build(settings)
    sessions["model"].advance(epochs=7)
    data = save_run(settings, sessions, data=f"sample:{name}")
    loaded = load_run(data, screen="time_series", build=build, data_identity=f"sample:{name}")
    assert loaded.settings == settings
    assert loaded.sessions["model"].history.losses == sessions["model"].history.losses
    validation = [r.validation_loss for r in loaded.sessions["model"].history.records]
    assert validation == [r.validation_loss for r in sessions["model"].history.records]
    loaded.sessions["model"].advance()
    assert loaded.sessions["model"].history.losses == never_saved["model"].history.losses
    with pytest.raises(InputError, match=r"sample seasonal\.csv, and the page now has the uploaded file prices\.csv"):
        load_run(data, screen="time_series", build=build, data_identity="upload:prices.csv:0123456789abcdef")


def comparison_halfway():
    """A short comparison run to its end, and the same run paused at step 11 (the one to save and load)."""
    settings = ComparisonSettings(steps=30, gap=5, test_sequences=64)
    never_saved, _ = build_sessions(settings)
    sessions, _ = build_sessions(settings)
    for session in never_saved.values():
        session.advance()
    for session in sessions.values():
        session.advance(epochs=11)
    return settings, never_saved, sessions


def test_the_three_cells_of_a_comparison_round_trip_and_race_on_exactly():
    settings, never_saved, sessions = comparison_halfway()
    loaded = load_run(save_run(settings, sessions), screen="rnn_vs_lstm_gru")
    assert set(loaded.sessions) == {"rnn", "lstm", "gru"}
    for cell, session in loaded.sessions.items():
        assert session.history.losses == sessions[cell].history.losses
        session.advance()
        assert session.history.losses == never_saved[cell].history.losses
        validation = [r.validation_accuracy for r in session.history.records]
        assert validation == [r.validation_accuracy for r in never_saved[cell].history.records]


def test_a_run_too_large_to_load_back_is_refused_before_its_file_is_made(monkeypatch):
    import tomllib

    import core.runs.state
    from core.runs.state import MAX_FILE_BYTES

    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 2**20 == MAX_FILE_BYTES  # a saved run can always be uploaded
    sessions, logs = trained(HIHELLO, 3)
    monkeypatch.setattr(core.runs.state, "MAX_FILE_BYTES", 1000)
    with pytest.raises(InputError, match="too large to save: its weights now and at its 2 snapshots take"):
        save_run(HIHELLO, sessions, logs)
