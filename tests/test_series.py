"""Reading messy time-series CSVs, honest scaling, windows and baseline metrics (core.series)."""

from __future__ import annotations

import contextlib
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from core import csv_reading
from core.errors import InputError
from core.forecast_export import escape_for_spreadsheet
from core.forecasting import cut_windows
from core.metrics import mae, mape, naive_forecast, rmse
from core.series import apply_missing_policy, read_series
from core.splits import ChronologicalSplit, MinMaxScaler, chronological_split, validate_target

DATA = Path(__file__).resolve().parents[1] / "data"


def read(text: str, encoding: str = "utf-8"):
    return read_series(text.encode(encoding))


def refused(raw: bytes) -> str:
    with pytest.raises(InputError) as caught:
        read_series(raw)
    return str(caught.value)


def notes_of(table) -> str:
    return " ".join(table.notes)


# ------------------------------------------------------------------------------------------ encodings


def test_utf8_newest_first_is_sorted_oldest_first():
    table = read("Date,Open,Close\n2024-01-03,1.5,2\n2024-01-02,3,4\n2024-01-01,5,6.25\n")
    assert table.date_column == "Date"
    assert table.numeric_columns == ["Open", "Close"]
    assert list(table.frame["Date"].dt.day) == [1, 2, 3]
    assert table.frame["Close"].tolist() == [6.25, 4.0, 2.0]
    assert table.frame["Open"].dtype == np.float64
    assert "newest-first" in notes_of(table)
    assert table.missing_cells == 0


def test_utf8_with_bom_keeps_the_first_column_name_clean():
    table = read_series("Date,Value\n2024-01-01,1.5\n2024-01-02,2.5\n".encode("utf-8-sig"))
    assert table.date_column == "Date"
    assert table.frame["Value"].tolist() == [1.5, 2.5]
    assert "byte-order mark" in notes_of(table)


@pytest.mark.parametrize("encoding", ["cp949", "euc-kr"])
def test_korean_headers_and_quoted_thousands(encoding):
    text = (
        "일자,시가,고가,저가,종가,거래량\n"
        '2024.01.05,"55,800","56,100","55,000","55,400","1,234,567"\n'
        '2024.01.04,"55,000","56,000","54,800","55,800","999,000"\n'
    )
    table = read(text, encoding)
    assert table.date_column == "일자"
    assert table.numeric_columns == ["시가", "고가", "저가", "종가", "거래량"]
    assert table.frame["종가"].tolist() == [55800.0, 55400.0]  # sorted: 01-04 first
    assert table.frame["거래량"].tolist() == [999000.0, 1234567.0]
    assert "CP949" in notes_of(table)
    assert "thousands separators" in notes_of(table)


def test_utf16_with_bom_and_tabs():
    table = read_series("Date\tValue\n2024-01-01\t1\n2024-01-02\t2\n".encode("utf-16"))
    assert table.frame["Value"].tolist() == [1.0, 2.0]
    assert "UTF-16" in notes_of(table) and "tabs" in notes_of(table)


def test_undecodable_bytes_are_refused():
    assert "encoding" in refused(b"a,b\n\x81\x8d\x8f,1\n")


# ------------------------------------------------------------------------------------------ delimiters and numbers


def test_semicolons_decimal_comma_and_dotted_thousands():
    table = read("Datum;Preis;Menge\n01.02.2024;1.234,56;3\n02.02.2024;1.300,10;4\n03.02.2024;12,5;5\n")
    assert table.date_column == "Datum"
    assert list(table.frame["Datum"].dt.month) == [2, 2, 2]  # day-first: 1 to 3 February
    assert table.frame["Preis"].tolist() == [1234.56, 1300.10, 12.5]
    assert "semicolons" in notes_of(table) and "decimal comma" in notes_of(table)


def test_pipe_delimiter():
    table = read("a|b\n1|2\n3|4\n")
    assert table.frame.to_numpy().tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert "vertical bars" in notes_of(table)


def test_quoted_fields_keep_their_delimiters():
    table = read('"Name, full","Price"\n"a, b","1,000.5"\n"c, d","2,000"\n')
    assert table.numeric_columns == ["Price"]
    assert table.dropped_columns == ["Name, full"]
    assert table.frame["Price"].tolist() == [1000.5, 2000.0]


def test_percent_and_currency_signs():
    table = read('date,rate,price\n2024-01-01,5%,"$1,200.50"\n2024-01-02,6.5%,"€1,300"\n')
    assert table.frame["rate"].tolist() == [5.0, 6.5]
    assert table.frame["price"].tolist() == [1200.5, 1300.0]
    assert "Percent and currency" in notes_of(table)


# ------------------------------------------------------------------------------------------ lines and rows


def test_comment_and_blank_lines_are_skipped_and_counted():
    table = read("# exported by a tool\n# units: EUR\nx,y\n\n1,2\n,,\n3,4\n")
    assert table.frame.to_numpy().tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert "2 comment lines" in notes_of(table)
    assert "2 blank lines" in notes_of(table)


def test_no_header_row_gets_generated_names():
    table = read("2024-01-01,1,2\n2024-01-02,3,4\n2024-01-03,5,6\n")
    assert table.date_column == "column_1"
    assert table.numeric_columns == ["column_2", "column_3"]
    assert table.frame["column_3"].tolist() == [2.0, 4.0, 6.0]
    assert "no header row" in notes_of(table)


def test_ragged_rows_are_counted_and_left_out():
    table = read("t,x,y\n1,2,3\n2,3\n3,4,5,6\n4,5,6\n")
    assert table.frame["t"].tolist() == [1.0, 4.0]
    assert "2 rows had a different number of fields" in notes_of(table)
    assert "lines 3, 4" in notes_of(table)


def test_trailing_delimiter_gives_an_empty_column_that_is_not_used():
    table = read("a,b\n1,2,\n3,4,\n")
    assert table.numeric_columns == ["a", "b"]
    assert table.dropped_columns == ["column_3"]


def test_a_quote_that_runs_over_the_line_end_is_reported():
    table = read('a,b\n1,"2\n3,4\n5,6\n')
    assert "runs over the end of the line" in notes_of(table)


def test_single_column_file():
    table = read("Value\n1\n2\n3\n")
    assert table.numeric_columns == ["Value"] and table.frame["Value"].tolist() == [1.0, 2.0, 3.0]


# ------------------------------------------------------------------------------------------ dates


def test_date_column_found_by_parse_rate_and_unordered_rows_sorted():
    table = read("stamp,v\n2024/01/02 10:00,2\n2024/01/01 10:00,1\n2024/01/03 10:00,3\n")
    assert table.date_column == "stamp"
    assert table.frame["v"].tolist() == [1.0, 2.0, 3.0]
    assert "not in date order" in notes_of(table)


def test_eight_digit_dates_in_a_date_named_column():
    table = read("date,v\n20240103,3\n20240102,2\n20240101,1\n")
    assert table.date_column == "date"
    assert table.frame["v"].tolist() == [1.0, 2.0, 3.0]


def test_monthly_periods_in_a_month_column():
    table = read("Month,V\n2024-01,1\n2024-02,2\n2024-03,5\n")
    assert table.date_column == "Month" and list(table.frame["Month"].dt.month) == [1, 2, 3]


def test_day_first_dates_are_recognised_when_day_exceeds_twelve():
    table = read("Date,V\n13/01/2024,1\n14/01/2024,2\n")
    assert list(table.frame["Date"].dt.day) == [13, 14]


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


def test_html_in_column_names_is_kept_as_plain_text():
    table = read("<b>x</b>,<script>alert(1)</script>\n1,2\n3,4\n")
    assert table.numeric_columns == ["<b>x</b>", "<script>alert(1)</script>"]


# ------------------------------------------------------------------------------------------ refusals


def test_empty_file_is_refused():
    assert "empty" in refused(b"")
    assert "empty" in refused(b"\n \r\n")


def test_header_only_is_refused():
    assert "no data rows" in refused(b"Date,Open,Close\n")


def test_only_comments_is_refused():
    assert "no data" in refused(b"# nothing\n# here\n")


def test_binary_data_is_refused():
    assert "binary data" in refused(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def test_excel_workbook_is_refused_with_what_to_do():
    assert "Save As" in refused(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 50)


def test_no_numeric_column_is_refused():
    assert "No column holds numbers" in refused(b"name,city\nfoo,bar\nbaz,qux\n")


def test_too_many_rows_columns_or_bytes_are_refused(monkeypatch):
    monkeypatch.setattr(csv_reading, "MAX_ROWS", 5)
    assert "more than 5 rows" in refused(b"v\n" + b"1\n" * 6)  # stops reading once past the limit
    assert "6 data rows; the limit is 5" in refused(b"1\n" * 6)  # no header: 6 rows of data
    read_series(b"v\n" + b"1\n" * 5)  # exactly at the limit is fine
    monkeypatch.setattr(csv_reading, "MAX_COLUMNS", 3)
    assert "4 columns; the limit is 3" in refused(b"a,b,c,d\n1,2,3,4\n")
    monkeypatch.setattr(csv_reading, "MAX_BYTES", 10)
    assert "MB; the limit is" in refused(b"a,b\n1,2\n3,4\n")


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


# ------------------------------------------------------------------------------------------ missing policy, validation


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


def ramp(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"x": np.arange(rows, dtype=float), "c": np.ones(rows)})


def test_constant_target_is_refused():
    with pytest.raises(InputError, match="same value in every row: nothing to forecast"):
        validate_target(ramp(50), "c", 7, 1, 0.7)


def test_too_few_rows_for_window_and_horizon_is_refused():
    with pytest.raises(InputError, match="need at least 11 rows"):
        validate_target(ramp(10), "x", 7, 1, 0.7)
    validate_target(ramp(11), "x", 7, 1, 0.7)  # the minimum it announced works


def test_train_fraction_out_of_range_is_refused():
    for fraction in (0.0, 1.0, 1.5):
        with pytest.raises(InputError, match="training share"):
            validate_target(ramp(50), "x", 7, 1, fraction)


def test_a_text_feature_is_refused():
    frame = ramp(50).assign(name="x")
    with pytest.raises(InputError, match="'name' is not a numeric column"):
        validate_target(frame, "x", 7, 1, 0.7, features=["name"])


def test_gaps_in_target_ask_for_a_policy():
    frame = ramp(50)
    frame.loc[3, "x"] = np.nan
    with pytest.raises(InputError, match="missing-value policy"):
        validate_target(frame, "x", 7, 1, 0.7)


@pytest.mark.parametrize("horizon", [1, 3])
def test_training_windows_only_have_training_targets(horizon):
    split = validate_target(ramp(20), "x", 3, horizon, 0.7)
    assert split == ChronologicalSplit(rows=20, train_rows=14, window=3, horizon=horizon)
    for i in range(split.windows)[split.train_windows]:
        assert i + 3 + horizon - 1 < split.train_rows  # last target row is a training row
    for i in range(split.windows)[split.test_windows]:
        assert i + 3 >= split.train_rows  # first target row is a test row
    test = range(split.windows)[split.test_windows]
    assert test[0] + 3 == split.train_rows and test[-1] == split.windows - 1  # the whole test part is predicted
    assert split.first_target_rows(split.test_windows)[0] == 14


def test_chronological_split_rounds_the_boundary():
    assert chronological_split(730, 0.7, 7, 1).train_rows == 511


# ------------------------------------------------------------------------------------------ windows, scaling


def test_windows_and_targets_on_a_tiny_array():
    values = np.arange(20, dtype=float).reshape(10, 2)  # (rows, features)
    values = values.astype(np.float32)
    inputs, targets = cut_windows(values, values[:, 1].copy(), window=3, horizon=2)
    assert inputs.shape == (6, 3, 2) and targets.shape == (6, 2)
    assert inputs.dtype == torch.float32 and targets.dtype == torch.float32
    inputs, targets = inputs.numpy(), targets.numpy()
    np.testing.assert_array_equal(inputs[0], values[0:3])
    np.testing.assert_array_equal(targets[0], values[3:5, 1])
    np.testing.assert_array_equal(inputs[5], values[5:8])
    np.testing.assert_array_equal(targets[5], [17.0, 19.0])


def test_cutting_windows_refuses_a_series_shorter_than_window_plus_horizon():
    with pytest.raises(InputError, match="too few"):
        cut_windows(np.zeros((4, 1), np.float32), np.zeros(4, np.float32), window=3, horizon=2)


def test_scaler_sees_only_training_rows():
    series = np.array([[1.0, 5.0], [3.0, 5.0], [2.0, 5.0], [10.0, 7.0]])  # last row: the test part
    split = chronological_split(4, 0.75, 1, 1)
    scaler = MinMaxScaler.fit(series[: split.train_rows])
    scaled = scaler.transform(series)
    np.testing.assert_allclose(scaled[:3, 0], [0.0, 1.0, 0.5])
    assert scaled[3, 0] == pytest.approx(4.5)  # beyond the training max: > 1, honestly
    assert scaled[:3, 1].tolist() == [0.0, 0.0, 0.0]  # constant in training: 0, no division by zero
    assert scaled[3, 1] == pytest.approx(2.0)


def test_inverse_transform_round_trips():
    rng = np.random.default_rng(1)
    values = rng.normal(100, 20, (50, 3))
    scaler = MinMaxScaler.fit(values[:35])
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(values)), values, rtol=1e-12)
    target = MinMaxScaler.fit(values[:35, 0])  # one column: works on (windows, horizon) predictions
    predictions = rng.random((4, 2))
    np.testing.assert_allclose(target.transform(target.inverse_transform(predictions)), predictions, rtol=1e-12)


def test_scaler_refuses_gaps():
    with pytest.raises(InputError, match="missing-value policy"):
        MinMaxScaler.fit(np.array([1.0, np.nan]))


# ------------------------------------------------------------------------------------------ baseline and metrics


def test_naive_baseline_metrics_are_exact():
    target = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    truth = np.array([[4.0], [8.0], [16.0]])  # what each of the 3 windows of 2 days is followed by
    naive = naive_forecast(target, window=2, horizon=1)  # (3, 1): 2, 4, 8
    assert naive.tolist() == [[2.0], [4.0], [8.0]]
    assert mae(truth, naive) == pytest.approx(14 / 3)
    assert rmse(truth, naive) == pytest.approx(math.sqrt(28))
    assert mape(truth, naive) == pytest.approx(50.0)
    assert naive_forecast(target, window=2, horizon=2).tolist() == [[2.0, 2.0], [4.0, 4.0]]


def test_mape_ignores_zero_truths():
    assert mape(np.array([0.0, 2.0]), np.array([1.0, 3.0])) == pytest.approx(50.0)
    assert math.isnan(mape(np.zeros(3), np.ones(3)))


def test_escape_for_spreadsheet():
    frame = pd.DataFrame({"=cmd": ["=1+1", "+x", "-y", "@z", "\tq", "ok"], "value": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0]})
    escaped = escape_for_spreadsheet(frame)
    assert list(escaped.columns) == ["'=cmd", "value"]
    assert escaped["'=cmd"].tolist() == ["'=1+1", "'+x", "'-y", "'@z", "'\tq", "ok"]
    assert escaped["value"].tolist() == frame["value"].tolist()
    assert frame.columns[0] == "=cmd"  # the original is untouched


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
