"""The PyTorch code of a run (core.runs.code): each screen's script runs alone and prints the screen's final loss."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from core.engine.models import SequenceModel
from core.engine.records import Stopped
from core.engine.session import TrainingSession
from core.runs.code import RunCode
from core.runs.code_notes import script_notes, sliced_note
from core.screens.hihello.run_code import hihello_code
from core.screens.hihello.settings import HiHelloSettings
from core.screens.long_sequences.run_code import long_sequence_code
from core.screens.long_sequences.settings import LongSequenceSettings
from core.screens.long_sequences.windows import read_back_session
from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings
from core.screens.rnn_vs_lstm_gru.run_code import comparison_code

TOLERANCE = 1e-5
ROOT = Path(__file__).resolve().parents[2]


def script_losses(code: RunCode, folder) -> list[float]:
    """Run the script alone (its own process, the venv's python, a folder without the app) and read its losses."""
    (folder / code.file_name).write_text(code.script, encoding="utf-8")
    if code.data_file_name:
        (folder / code.data_file_name).write_text(code.data, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, code.file_name], cwd=folder, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return [float(value) for value in re.findall(r"final loss: (\S+)", done.stdout)]


def hihello_loss(settings: HiHelloSettings) -> float:
    task = settings.task()
    config = settings.model_config(task)
    session = TrainingSession(lambda: SequenceModel(config), settings.data(task), settings.train_config())
    session.advance()
    return session.history.records[-1].loss


def long_sequence_loss(settings: LongSequenceSettings) -> float:
    task = settings.task()
    session, _ = read_back_session(task, settings.model_config(task), settings.train_config())
    session.advance()
    return session.history.records[-1].loss


@pytest.mark.slow  # a subprocess imports torch and trains the whole run: ~3 s
def test_the_hihello_script_prints_the_screens_final_loss_at_the_defaults(tmp_path):
    settings = HiHelloSettings()
    assert script_losses(hihello_code(settings), tmp_path) == pytest.approx([hihello_loss(settings)], abs=TOLERANCE)


@pytest.mark.slow  # a subprocess with its own torch import per case; the defaults stay in the fast tier
@pytest.mark.parametrize(
    "changes",
    [
        dict(word="안녕하세요 반가워요", readout="linear", num_layers=2, cell="lstm", epochs=30, seed=7),
        dict(word='say "hi"\nhello', target="", cell="gru", num_layers=3, hidden_size=5, epochs=20),
        dict(word="hihello", target="hhhhhh", nonlinearity="relu", learning_rate=0.03, epochs=20, seed=0),
    ],
)
def test_the_hihello_script_follows_other_settings(tmp_path, changes):
    settings = replace(HiHelloSettings(), **changes)
    assert script_losses(hihello_code(settings), tmp_path) == pytest.approx([hihello_loss(settings)], abs=TOLERANCE)


@pytest.mark.slow  # a subprocess imports torch and trains the whole run: ~3 s
def test_the_long_sequence_script_prints_the_screens_final_loss_at_the_defaults(tmp_path):
    settings = replace(LongSequenceSettings(), epochs=40)  # the default 100 epochs, shortened: the same code path
    code = long_sequence_code(settings)
    assert script_losses(code, tmp_path) == pytest.approx([long_sequence_loss(settings)], abs=TOLERANCE)


@pytest.mark.slow  # a subprocess with its own torch import per case; the defaults stay in the fast tier
def test_the_long_sequence_script_follows_mini_batches_and_other_cells(tmp_path):
    settings = LongSequenceSettings(
        text="나는 한국에서 자랐고 나는 한국어를 유창하게 한다",
        sequence_length=5,
        cell="lstm",
        hidden_is_vocabulary=False,
        hidden_size=12,
        num_layers=3,
        batch_size=8,
        epochs=6,
        seed=3,
    )
    code = long_sequence_code(settings)
    assert script_losses(code, tmp_path) == pytest.approx([long_sequence_loss(settings)], abs=TOLERANCE)


def time_series_code():
    from core.screens.time_series.forecasting import prepare
    from core.screens.time_series.run_code import forecast_code

    return forecast_code(prepare(*sample_settings("stock_like.csv")))


SCRIPTS = {
    "hihello": lambda: hihello_code(HiHelloSettings()),
    "long_sequences": lambda: long_sequence_code(LongSequenceSettings()),
    "longseq-mini-batches": lambda: long_sequence_code(LongSequenceSettings(batch_size=32, num_layers=4)),
    "time_series": time_series_code,
    "rnn_vs_lstm_gru": lambda: comparison_code(ComparisonSettings()),
    "compare-sentence": lambda: comparison_code(ComparisonSettings(task="sentence")),
}


@pytest.mark.parametrize("screen", SCRIPTS)
def test_a_script_is_short_plain_torch_and_never_imports_the_app(screen):
    code = SCRIPTS[screen]()
    lines = code.script.splitlines()
    # the loop part: from building the network (or, for the three cells, from the loop over them) to the end
    loop = lines[next(i for i, line in enumerate(lines) if line.startswith(("net = Net()", "for name, cell"))) :]
    assert len(loop) <= 30 and len(lines) <= 80
    imports = {line.split()[1] for line in lines if line.startswith(("import ", "from "))}
    assert imports <= {"torch", "numpy", "math"}
    assert "import core" not in code.script and "from core" not in code.script


def sample_settings(name: str, **changes):
    """The Time series screen's defaults on a built-in sample, as the page chooses them."""
    from core.reading.series import read_series
    from core.screens.time_series.forecasting import (
        ForecastSettings,
        default_batch_size,
        default_features,
        default_target,
    )

    table = read_series((ROOT / "data" / name).read_bytes(), name)
    settings = ForecastSettings(
        target=default_target(table.numeric_columns, table.missing_by_column),
        features=tuple(default_features(table)),
        batch_size=default_batch_size(len(table.frame) - 7),
    )
    return table, replace(settings, **changes)


def forecast_loss(table, settings) -> float:
    from core.screens.time_series.forecasting import prepare

    session = prepare(table, settings).session()
    session.advance()
    return session.history.records[-1].loss


@pytest.mark.slow  # a subprocess with its own torch import per case; the defaults stay in the fast tier
@pytest.mark.parametrize(
    "name, changes",
    [
        ("stock_like.csv", dict(epochs=30)),  # the screen's defaults (200 epochs), shortened
        ("seasonal.csv", dict(epochs=8, cell="gru", num_layers=2, window=12, horizon=3, batch_size=64, seed=4)),
    ],
)
def test_the_time_series_script_prints_the_screens_final_loss(tmp_path, name, changes):
    from core.screens.time_series.forecasting import prepare
    from core.screens.time_series.run_code import forecast_code

    table, settings = sample_settings(name, **changes)
    code = forecast_code(prepare(table, settings))
    assert script_losses(code, tmp_path) == pytest.approx([forecast_loss(table, settings)], abs=TOLERANCE)


HOSTILE = '=HYPERLINK("http://evil.example/x")'


def hostile_table():
    """A table whose column names a spreadsheet would run as formulas, with negative numbers in every column."""
    from core.reading.series import read_series

    quoted = '"' + HOSTILE.replace('"', '""') + '"'
    lines = [f"Date,{quoted},@x,+y"]
    lines += [f"2024-{1 + i // 28:02d}-{1 + i % 28:02d},{(i % 7) - 3.5},{-i},{i % 5 - 2}" for i in range(80)]
    return read_series("\n".join(lines).encode())


def test_the_training_rows_escape_the_column_names_and_read_back_to_the_last_bit(tmp_path):
    import numpy as np

    from core.screens.time_series.forecasting import ForecastSettings, prepare
    from core.screens.time_series.run_code import training_rows

    settings = ForecastSettings(target="+y", features=(HOSTILE, "@x", "+y"), window=5, epochs=2)
    prepared = prepare(hostile_table(), settings)
    data = training_rows(prepared)
    header, *numbers = data.splitlines()
    assert header == '"\'=HYPERLINK(""http://evil.example/x"")",\'@x,\'+y,\'+y (target)'
    assert "'" not in "".join(numbers)  # numbers are never escaped
    (tmp_path / "rows.csv").write_text(data, encoding="utf-8")
    # As the script reads it: np.loadtxt, skipping the header, then float32.
    rows = np.loadtxt(tmp_path / "rows.csv", delimiter=",", skiprows=1, ndmin=2).astype(np.float32)
    train = prepared.split.train_rows
    target = prepared.target_scaler.transform_for_training(prepared.target_values, ["+y"]).reshape(-1)[:train]
    np.testing.assert_array_equal(rows[:, :-1], prepared.scaled_features[:train])
    np.testing.assert_array_equal(rows[:, -1], target)


@pytest.mark.slow  # a subprocess imports torch and trains
def test_the_time_series_script_prints_the_screens_final_loss_with_hostile_column_names(tmp_path):
    from core.screens.time_series.forecasting import ForecastSettings, prepare
    from core.screens.time_series.run_code import forecast_code

    table = hostile_table()
    settings = ForecastSettings(target="+y", features=(HOSTILE, "@x", "+y"), window=5, epochs=5, seed=2)
    code = forecast_code(prepare(table, settings))
    assert script_losses(code, tmp_path) == pytest.approx([forecast_loss(table, settings)], abs=TOLERANCE)


def test_the_script_says_when_the_run_computes_its_steps_in_slices(monkeypatch):
    import core.engine.session

    settings = LongSequenceSettings(epochs=1)
    task = settings.task()
    session, _ = read_back_session(task, settings.model_config(task), settings.train_config())
    assert sliced_note(session) is None  # the defaults take each step in one pass, as the script
    monkeypatch.setattr(core.engine.session, "MICRO_BATCH_FLOATS", 10_000)
    session, _ = read_back_session(task, settings.model_config(task), settings.train_config())
    note = sliced_note(session)
    assert f"each step of {task.windows} sequences in slices of {session.micro_batch}" in note


def comparison_losses(settings) -> list[float]:
    from core.screens.rnn_vs_lstm_gru.comparison import build_task, cell_sessions

    sessions = cell_sessions(settings, build_task(settings))
    for session in sessions.values():
        session.advance()
    return [session.history.records[-1].loss for session in sessions.values()]


@pytest.mark.slow  # a subprocess with its own torch import per case; the defaults stay in the fast tier
@pytest.mark.parametrize(
    "changes",
    [
        dict(steps=40),  # the screen's defaults (300 steps), shortened
        dict(steps=10, gap=5, recall_marker=False, noise=0.0, keep_gate_bias=0.0, match_parameters=False, seed=3),
        dict(steps=10, task="hihello"),
        dict(steps=5, task="sentence", learning_rate=0.03),
    ],
    ids=["memory-defaults", "memory-plain", "hihello", "sentence"],
)
def test_the_comparison_script_prints_each_cells_final_loss(tmp_path, changes):
    settings = replace(ComparisonSettings(), **changes)
    losses = script_losses(comparison_code(settings), tmp_path)
    assert losses == pytest.approx(comparison_losses(settings), abs=TOLERANCE)


def test_the_notes_say_when_a_run_stopped_or_trained_on_a_gpu():
    settings = HiHelloSettings(epochs=10)
    task = settings.task()
    config = settings.model_config(task)
    session = TrainingSession(lambda: SequenceModel(config), settings.data(task), settings.train_config())
    session.advance()
    assert script_notes([session]) == []  # a plain run: the script prints its loss
    session.set_learning_rate(0.3)
    session.history.add(Stopped(7, "the loss blew up"))
    session.device = torch.device("cuda")  # only read by the note: nothing runs on it here
    notes = script_notes([session, session])
    assert len(notes) == 2  # once each, however many sessions say it; a changed rate needs none (the script has it)
    assert "stopped in epoch 7" in notes[0] and "trained on CUDA" in notes[1]


@pytest.mark.slow
@pytest.mark.parametrize("screen", ["long_sequences", "time_series", "rnn_vs_lstm_gru"])
def test_every_script_matches_its_screen_at_the_full_defaults(tmp_path, screen):
    """The tests above shorten the slower defaults; here each screen trains its whole default run."""
    from core.screens.time_series.forecasting import prepare
    from core.screens.time_series.run_code import forecast_code

    if screen == "long_sequences":
        code, losses = long_sequence_code(LongSequenceSettings()), [long_sequence_loss(LongSequenceSettings())]
    elif screen == "time_series":
        table, settings = sample_settings("stock_like.csv")
        code, losses = forecast_code(prepare(table, settings)), [forecast_loss(table, settings)]
    else:
        code, losses = comparison_code(ComparisonSettings()), comparison_losses(ComparisonSettings())
    assert script_losses(code, tmp_path) == pytest.approx(losses, abs=TOLERANCE)
