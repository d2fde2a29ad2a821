"""Reading a time-series CSV into numbers and dates, its notes, and the missing-value policy (core.reading.series)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.reading.series import apply_missing_policy, read_series
from core.words.errors import InputError
from tests.reading.series_helpers import notes_of, read, refused

DATA = Path(__file__).resolve().parents[2] / "data"


# ------------------------------------------------------------------------------------------ dates


def test_utf8_newest_first_is_sorted_oldest_first():
    table = read("Date,Open,Close\n2024-01-03,1.5,2\n2024-01-02,3,4\n2024-01-01,5,6.25\n")
    assert table.date_column == "Date"
    assert table.numeric_columns == ["Open", "Close"]
    assert list(table.frame["Date"].dt.day) == [1, 2, 3]
    assert table.frame["Close"].tolist() == [6.25, 4.0, 2.0]
    assert table.frame["Open"].dtype == np.float64
    assert "newest-first" in notes_of(table)
    assert table.missing_cells == 0


def test_date_column_found_by_parse_rate_and_unordered_rows_sorted():
    table = read("stamp,v\n2024/01/02 10:00,2\n2024/01/01 10:00,1\n2024/01/03 10:00,3\n")
    assert table.date_column == "stamp"
    assert table.frame["v"].tolist() == [1.0, 2.0, 3.0]
    assert "not in date order" in notes_of(table)


def test_eight_digit_dates_in_a_date_named_column():
    table = read("date,v\n20240103,3\n20240102,2\n20240101,1\n")
    assert table.date_column == "date"
    assert table.frame["v"].tolist() == [1.0, 2.0, 3.0]


def test_rows_with_unreadable_dates_are_left_out():
    table = read("Date,V\n2024-01-01,1\n2024-01-02,2\n2024-01-03,3\n2024-01-04,4\n2024-01-05,5\nTotal,15\n")
    assert table.frame["V"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert "'Total'" in notes_of(table)


# ------------------------------------------------------------------------------------------ columns and cells


def test_text_columns_are_not_features():
    table = read("Date,Ticker,Close\n2024-01-01,ABC,1\n2024-01-02,ABC,2\n")
    assert table.numeric_columns == ["Close"]
    assert table.dropped_columns == ["Ticker"]
    assert list(table.frame.columns) == ["Date", "Close"]


def test_missing_nan_inf_and_words_are_counted():
    table = read("x,y\n1,\n2,nan\n3,inf\n4,abc\n5,6\n6,7\n")
    assert table.missing_cells == 4
    assert np.isnan(table.frame["y"].to_numpy()[:4]).all()  # inf became a gap too
    note = notes_of(table)
    assert "4 missing cells" in note and "1 infinite" in note and "'abc'" in note


def test_no_numeric_column_is_refused():
    assert "No column holds numbers" in refused(b"name,city\nfoo,bar\nbaz,qux\n")


def test_no_bytes_input_escapes_as_anything_but_an_input_error(caplog):
    """Only InputError leaves read_series; and no input should need its catch-all for bugs either."""
    rng = np.random.default_rng(0)
    good = b"Date;A;B\n2024-01-01;1,5;x\n2024-01-02;2;\n"
    samples = [rng.bytes(int(n)) for n in rng.integers(0, 300, 150)]
    samples += [bytes(rng.choice(list(b'0123456789,.;"\n\t# -e'), int(n))) for n in rng.integers(0, 200, 150)]
    samples += [good[: int(cut)] + rng.bytes(3) + good[int(cut) :] for cut in rng.integers(0, len(good), 50)]
    for raw in samples:
        with contextlib.suppress(InputError):
            read_series(raw)
    assert not [record for record in caplog.records if "read_series failed" in record.getMessage()]


# ------------------------------------------------------------------------------------------ missing policy


def frame_with_gaps() -> pd.DataFrame:
    return pd.DataFrame({"a": [np.nan, 1.0, np.nan, 3.0, np.inf], "b": [1.0, 2.0, 3.0, 4.0, 5.0]})


def test_drop_policy_removes_rows_with_gaps():
    frame, note = apply_missing_policy(frame_with_gaps(), ["a", "b"], "drop")
    assert frame["a"].tolist() == [1.0, 3.0] and frame["b"].tolist() == [2.0, 4.0]
    assert "Dropped 3 rows" in note


def test_fill_forward_repeats_the_past_then_drops_leading_gaps():
    frame, note = apply_missing_policy(frame_with_gaps(), ["a"], "fill_forward")
    assert frame["a"].tolist() == [1.0, 1.0, 3.0, 3.0]
    assert frame["b"].tolist() == [2.0, 3.0, 4.0, 5.0]
    assert "Filled 2 missing cells" in note and "dropped the first 1 rows" in note


def test_unknown_policy_is_refused():
    with pytest.raises(InputError, match="missing-value policy"):
        apply_missing_policy(frame_with_gaps(), ["a"], "interpolate")


# ------------------------------------------------------------------------------------------ shipped samples, size


def test_shipped_samples_parse_with_expected_columns():
    stock = read_series((DATA / "stock_like.csv").read_bytes(), "stock_like.csv")
    assert stock.date_column == "Date" and len(stock.frame) == 730
    assert stock.numeric_columns == ["Open", "High", "Low", "Volume", "Close"]
    assert stock.frame["Date"].is_monotonic_increasing and "newest-first" in notes_of(stock)
    frame = stock.frame
    assert (frame["High"] >= frame[["Open", "Close"]].max(axis=1)).all()
    assert (frame["Low"] <= frame[["Open", "Close"]].min(axis=1)).all()
    seasonal = read_series((DATA / "seasonal.csv").read_bytes(), "seasonal.csv")
    assert seasonal.numeric_columns == ["Value"] and len(seasonal.frame) == 730
    for path in DATA.glob("*.csv"):
        assert path.stat().st_size < 100_000


def test_shipped_samples_are_what_the_script_writes():
    from data import make_samples

    expected = make_samples.stock_like().to_csv(index=False, lineterminator="\n")
    assert (DATA / "stock_like.csv").read_text() == expected
    expected = make_samples.seasonal().to_csv(index=False, lineterminator="\n")
    assert (DATA / "seasonal.csv").read_text() == expected


def test_a_200k_row_file_reads():
    rows = 200_000
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "Date": pd.date_range("2000-01-01", periods=rows, freq="h").strftime("%Y-%m-%d %H:%M"),
            "Close": rng.normal(100, 5, rows).round(2),
            "Volume": rng.integers(1, 10**6, rows),
        }
    )
    table = read_series(frame.to_csv(index=False).encode())
    assert len(table.frame) == rows and table.numeric_columns == ["Close", "Volume"]
    assert table.frame["Close"].iloc[-1] == frame["Close"].iloc[-1]
