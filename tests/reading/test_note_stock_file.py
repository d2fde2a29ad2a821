"""The study note's own stock file read as the note reads it (issue 23): the header from the ``#`` comment line above
the data, rows newest first reversed when the learner says so, and everything downstream in that order: the split,
the forecast past the end, the exports, the script's rows and a saved run (core API; the page is in
tests/screens/time_series/test_page.py)."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from core.reading.series import in_row_order, read_series
from core.saving.file import save_run
from core.screens.time_series import figures as ff
from core.screens.time_series.export import predictions_frame
from core.screens.time_series.forecasting import ForecastSettings, prepare
from core.screens.time_series.results import evaluate_forecast, forecast_beyond, future_times
from core.screens.time_series.run_code import forecast_code, training_rows
from core.words.errors import InputError
from tests.reading.note_stock_sample import HEADER, ROWS, closes_oldest_first, note_stock_bytes, note_stock_lines
from tests.reading.series_helpers import notes_of, read
from tests.saving.helpers import load_run

COLUMNS = ["Open", "High", "Low", "Volume", "Close"]
IDENTITY = "upload:data-02-stock_daily.csv:0123456789abcdef"


def settings(**changes) -> ForecastSettings:
    return ForecastSettings(**{"target": "Close", "features": tuple(COLUMNS), "epochs": 5, **changes})


@pytest.fixture(scope="module")
def table():
    return read_series(note_stock_bytes(), "data-02-stock_daily.csv")


def file_close(line: int) -> float:
    """The Close of the file's ``line``-th data line (0: the first line under the header, the newest day)."""
    return float(note_stock_lines()[line].split(",")[-1])


def test_the_header_comes_from_the_comment_line_above_the_data(table):
    assert table.numeric_columns == COLUMNS
    assert table.date_column is None and table.needs_row_order
    notes = notes_of(table)
    assert f"The header came from the comment line '{HEADER}' just above the data." in notes
    assert "Skipped 1 comment line starting with #." in notes  # the URL line; the header line is said on its own
    assert "no header row" not in notes and "column_1" not in notes
    assert "No date column was found, so the file does not say which of its rows is the oldest" in notes
    assert len(table.frame) == ROWS
    assert table.frame["Close"].iloc[0] == file_close(0)  # as read: file order, until the learner chooses


def test_newest_first_reads_the_files_last_row_as_the_oldest_and_tests_on_the_newest(table):
    prepared = prepare(table, settings(row_order="newest_first"))
    closes = closes_oldest_first()
    assert prepared.target_values[0] == file_close(ROWS - 1) == closes[0]  # the first row read: the file's last
    assert prepared.target_values[-1] == file_close(0) == closes[-1]  # the last row read: the file's first
    np.testing.assert_array_equal(prepared.target_values, closes)
    train_rows = prepared.split.train_rows
    test_rows = prepared.target_values[train_rows:]
    np.testing.assert_array_equal(test_rows, [file_close(line) for line in range(ROWS - train_rows - 1, -1, -1)])
    assert prepared.truth[prepared.split.test_windows][-1, 0] == file_close(0)  # the last test target: the newest
    assert "the file's last row is the oldest" in " ".join(prepared.notes)
    # Oldest first, today's behaviour and the default, reads the other way round.
    backwards = prepare(table, settings())
    np.testing.assert_array_equal(backwards.target_values, closes[::-1])
    assert "the file's last row is the oldest" not in " ".join(backwards.notes)


def test_the_forecast_starts_after_the_newest_row_and_the_exports_follow(table):
    prepared = prepare(table, settings(row_order="newest_first"))
    session = prepared.session()
    session.advance()
    future = forecast_beyond(prepared, session.model, 5)
    times = future_times(prepared.times, prepared.has_dates, 5)
    assert list(times) == [ROWS + 1, ROWS + 2, ROWS + 3, ROWS + 4, ROWS + 5]
    figure = ff.forecast_figure(prepared, future, times)
    forecast = next(trace for trace in figure.data if trace.name == "model forecast")
    assert forecast.x[0] == ROWS and forecast.y[0] == file_close(0)  # drawn on from the newest day's close
    # The model read the newest rows last: the window it forecast from ends with the file's first data line.
    newest = prepared.feature_scaler.inverse_transform(prepared.scaled_features[-1:]).reshape(-1)
    np.testing.assert_allclose(newest, [float(v) for v in note_stock_lines()[0].split(",")], rtol=1e-5)
    exported = predictions_frame(prepared, evaluate_forecast(prepared, session.model), future)
    data_rows = exported[exported["part"] != "forecast beyond the data"]
    assert data_rows["time"].iloc[-1] == ROWS and data_rows["Close"].iloc[-1] == file_close(0)
    assert list(exported["part"].iloc[-5:]) == ["forecast beyond the data"] * 5
    # The script's training rows start with the oldest day, as the lab's xy[::-1] leaves them.
    first = training_rows(prepared).splitlines()[1].split(",")
    scaled_oldest = prepared.target_scaler.transform(np.array([[file_close(ROWS - 1)]])).reshape(-1)[0]
    assert float(first[-1]) == pytest.approx(scaled_oldest, abs=1e-6)
    assert "xy[::-1]" in forecast_code(prepared).script


def test_a_saved_run_carries_the_row_order_and_an_older_file_loads_oldest_first(table):
    chosen = settings(row_order="newest_first")

    def build(settings):
        return {"model": prepare(table, settings).session()}, {}

    sessions, _ = build(chosen)
    sessions["model"].advance(epochs=2)
    data = save_run(chosen, sessions, data=IDENTITY)
    loaded = load_run(data, screen="time_series", build=build, data_identity=IDENTITY)
    assert loaded.settings.row_order == "newest_first" and loaded.settings == chosen
    # A file saved before the row order existed has no such setting: it loads with the order of that time.
    old = settings()
    sessions, _ = build(old)
    sessions["model"].advance(epochs=2)
    members = {}
    with zipfile.ZipFile(io.BytesIO(save_run(old, sessions, data=IDENTITY))) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    run = json.loads(members["run.json"])
    del run["settings"]["row_order"]
    members["run.json"] = json.dumps(run).encode()
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    loaded = load_run(packed.getvalue(), screen="time_series", build=build, data_identity=IDENTITY)
    assert loaded.settings.row_order == "oldest_first"


def test_the_row_order_is_validated_and_dates_set_the_order_themselves():
    with pytest.raises(InputError, match="Unknown row order 'backwards': choose one of oldest_first, newest_first"):
        settings(row_order="backwards")
    assert settings().row_order == "oldest_first"  # the default: what the screen did before the choice existed
    dated = read("Date,Close\n2024-01-04,4\n2024-01-03,3\n2024-01-02,2\n2024-01-01,1\n")
    assert dated.frame["Close"].tolist() == [1.0, 2.0, 3.0, 4.0] and not dated.needs_row_order
    assert "The file was newest-first; the rows were sorted oldest-first." in notes_of(dated)
    assert in_row_order(dated, "oldest_first") is dated
    with pytest.raises(InputError, match="put in date order by its column 'Date'"):
        in_row_order(dated, "newest_first")


def test_a_comment_line_is_the_header_only_when_it_names_the_columns():
    assert read("# a,b,c\n1,2\n3,4\n").numeric_columns == ["column_1", "column_2"]  # three names, two columns
    assert read("# 1,2\n1,2\n3,4\n").numeric_columns == ["column_1", "column_2"]  # numbers are not names
    assert read("# x,x\n1,2\n3,4\n").numeric_columns == ["column_1", "column_2"]  # repeated names
    prose = read("# exported from the lab server, every weekday at noon\n1,2\n3,4\n")
    assert prose.numeric_columns == ["column_1", "column_2"]
    assert "Skipped 1 comment line" in notes_of(prose)
    assert read("# x,y\n# units: EUR\n1,2\n3,4\n").numeric_columns == ["column_1", "column_2"]  # not just above
    spaced = read("# day count,price\n\n1,2\n3,4\n")  # blank lines between are fine
    assert spaced.numeric_columns == ["day count", "price"]
    assert "comment line" not in notes_of(spaced).replace("from the comment line", "")
    real = read("# x,y\nA,B\n1,2\n3,4\n")  # a header row of its own wins
    assert real.numeric_columns == ["A", "B"] and "The first row holds the column names." in notes_of(real)
    frame = read("# Open;Close\n1;2\n3;4\n").frame  # split like the data
    assert list(frame.columns) == ["Open", "Close"] and isinstance(frame, pd.DataFrame)


@pytest.mark.slow  # a subprocess with its own torch import
def test_the_script_of_a_newest_first_run_prints_the_screens_final_loss(table, tmp_path):
    from tests.runs.test_code import TOLERANCE, script_losses

    prepared = prepare(table, settings(row_order="newest_first", epochs=10))
    session = prepared.session()
    session.advance()
    assert script_losses(forecast_code(prepared), tmp_path) == pytest.approx(
        [session.history.records[-1].loss], abs=TOLERANCE
    )
