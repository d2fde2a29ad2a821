"""Finding the table in an uploaded file's bytes: encodings, delimiters, header, comment and ragged lines,
and refusing what cannot be a table (core.csv_reading, through core.series.read_series)."""

from __future__ import annotations

import pytest

from core import csv_reading
from core.series import read_series
from tests.series_helpers import notes_of, read, refused

# ------------------------------------------------------------------------------------------ encodings


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


# ------------------------------------------------------------------------------------------ delimiters and quotes


def test_pipe_delimiter():
    table = read("a|b\n1|2\n3|4\n")
    assert table.frame.to_numpy().tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert "vertical bars" in notes_of(table)


def test_quoted_fields_keep_their_delimiters():
    table = read('"Name, full","Price"\n"a, b","1,000.5"\n"c, d","2,000"\n')
    assert table.numeric_columns == ["Price"]
    assert table.dropped_columns == ["Name, full"]
    assert table.frame["Price"].tolist() == [1000.5, 2000.0]


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


def test_too_many_rows_columns_or_bytes_are_refused(monkeypatch):
    monkeypatch.setattr(csv_reading, "MAX_ROWS", 5)
    assert "more than 5 rows" in refused(b"v\n" + b"1\n" * 6)  # stops reading once past the limit
    assert "6 data rows; the limit is 5" in refused(b"1\n" * 6)  # no header: 6 rows of data
    read_series(b"v\n" + b"1\n" * 5)  # exactly at the limit is fine
    monkeypatch.setattr(csv_reading, "MAX_COLUMNS", 3)
    assert "4 columns; the limit is 3" in refused(b"a,b,c,d\n1,2,3,4\n")
    monkeypatch.setattr(csv_reading, "MAX_BYTES", 10)
    assert "MB; the limit is" in refused(b"a,b\n1,2\n3,4\n")


def test_a_quote_never_closed_is_named_in_the_refusal_it_causes():
    message = refused(b'Date,v\n2024-01-01,"5\n2024-01-02,6\n2024-01-03,7\n')
    assert message.startswith("No column holds numbers")
    assert 'The likely cause: a quote (") opened on line 2 runs over the end of the line and is never closed' in message
    assert "lines 2 to 4" in message
    table = read('a,b\n1,"2\n3,4\n5,6\n')  # the file still reads: the note is among what was understood
    assert "never closed" in notes_of(table)
    assert "never closed" not in refused(b"name,city\nfoo,bar\n")  # no quote, no such sentence
