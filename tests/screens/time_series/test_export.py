"""Taking a forecast away safely (core.screens.time_series.export)."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd

from core.engine.records import TrainingHistory
from core.reading.series import read_series
from core.screens.time_series.export import escape_for_spreadsheet, predictions_csv, summary_json
from core.screens.time_series.forecasting import ForecastSettings, prepare
from core.screens.time_series.results import evaluate_forecast
from tests.engine.helpers import build_model
from tests.words.korean_text import has_hangul

# ------------------------------------------------------------------------------------------ spreadsheet safety


def test_escape_for_spreadsheet():
    frame = pd.DataFrame({"=cmd": ["=1+1", "+x", "-y", "@z", "\tq", "ok"], "value": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0]})
    escaped = escape_for_spreadsheet(frame)
    assert list(escaped.columns) == ["'=cmd", "value"]
    assert escaped["'=cmd"].tolist() == ["'=1+1", "'+x", "'-y", "'@z", "'\tq", "ok"]
    assert escaped["value"].tolist() == frame["value"].tolist()
    assert frame.columns[0] == "=cmd"  # the original is untouched


HOSTILE = '=HYPERLINK("http://evil.example/x")'


def test_the_predictions_csv_escapes_a_hostile_column_name_and_keeps_negative_numbers():
    quoted = '"' + HOSTILE.replace('"', '""') + '"'
    lines = [f"Date,{quoted},@x", *(f"2024-01-{1 + i:02d},{(i % 7) - 3.5},{i}" for i in range(28))]
    table = read_series("\n".join(lines).encode())
    prepared = prepare(table, ForecastSettings(target=HOSTILE, features=(HOSTILE, "@x"), window=3))
    result = evaluate_forecast(prepared, build_model(prepared.settings.model_config(), 0))
    rows = list(csv.reader(io.StringIO(predictions_csv(prepared, result).decode())))
    assert rows[0][:3] == ["time", "part", "'" + HOSTILE]
    truths = [row[2] for row in rows[1:]]
    assert any(value.startswith("-") for value in truths)  # negative numbers stay numbers
    assert [float(value) for value in truths] == list(prepared.truth[:, 0])


# ------------------------------------------------------------------------------------------ the run as JSON


def test_the_reported_scaling_is_the_training_rows_range_when_the_test_part_goes_higher():
    # Rows 1-20 train (x 0..19, y 10..48); the test rows climb to x 39, y 88: beyond the training range.
    lines = ["Date,x,y", *(f"2024-01-{1 + i:02d},{i},{10 + 2 * i}" for i in range(31))]
    lines += [f"2024-02-{i - 30:02d},{i},{10 + 2 * i}" for i in range(31, 40)]
    table = read_series("\n".join(lines).encode())
    prepared = prepare(table, ForecastSettings(target="y", features=("x", "y"), window=3, train_fraction=0.5))
    result = evaluate_forecast(prepared, build_model(prepared.settings.model_config(), 0))
    history = TrainingHistory(model=build_model(prepared.settings.model_config(), 0))
    scaling = json.loads(summary_json(prepared, result, history, "test"))["data"]["scaling"]
    frame = table.frame.iloc[: prepared.split.train_rows]
    assert scaling["training_rows"] == 20
    for column in ("x", "y"):
        assert scaling["ranges"][column] == {"minimum": frame[column].min(), "maximum": frame[column].max()}
        assert scaling["ranges"][column]["maximum"] < table.frame[column].max()


def _keys(value) -> list[str]:
    if isinstance(value, dict):
        return [key for key, item in value.items() for key in (key, *_keys(item))]
    if isinstance(value, list):
        return [key for item in value for key in _keys(item)]
    return []


def test_the_json_keeps_its_keys_in_english_and_words_its_sentences_in_the_learners_language():
    from core.engine.records import DIVERGED, Stopped
    from core.words.i18n import speaking

    table = read_series(("v\n" + "".join(f"{i % 7}\n" for i in range(60))).encode())
    prepared = prepare(table, ForecastSettings(target="v", features=("v",), window=3))
    result = evaluate_forecast(prepared, build_model(prepared.settings.model_config(), 0))
    history = TrainingHistory(model=build_model(prepared.settings.model_config(), 0), stopped=Stopped(4, DIVERGED, 0.1))
    english = json.loads(summary_json(prepared, result, history, "test"))
    with speaking("ko"):
        korean = json.loads(summary_json(prepared, result, history, "test"))
    assert _keys(korean) == _keys(english) and all(key.isascii() for key in _keys(korean))
    assert english["training"]["stopped"].startswith("Training stopped at epoch 4: the loss exploded")
    stopped = korean["training"]["stopped"]
    assert stopped != english["training"]["stopped"] and has_hangul(stopped)
    assert "0.1" in stopped and korean["test_metrics"]["verdict"] != english["test_metrics"]["verdict"]
