"""Finding the table in an uploaded file's bytes: encodings, delimiters, header, comment and ragged lines,
and refusing what cannot be a table (core.reading.csv_reading, through core.reading.series.read_series)."""

from __future__ import annotations

import pytest

from core.reading import csv_lines, csv_reading
from core.reading.series import read_series
from tests.reading.series_helpers import notes_of, read, refused

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


# ------------------------------------------------------------------------------------------ within a budget


def _never_parsed(monkeypatch):
    """Make splitting the lines into fields fail: a refusal that still passes came before the whole file was parsed."""

    def parse(*args):
        raise AssertionError("the whole file was parsed")

    monkeypatch.setattr(csv_reading, "_parse_records", parse)


def _counted_lines(monkeypatch) -> list[int]:
    """Count the lines the reader splits off the text (the list holds one count, updated as it goes)."""
    counted, lines = [0], csv_lines.lines_of

    def counting(text):
        for line in lines(text):
            counted[0] += 1
            yield line

    monkeypatch.setattr(csv_lines, "lines_of", counting)
    return counted


def test_too_many_rows_are_refused_before_the_file_is_split_whole(monkeypatch):
    monkeypatch.setattr(csv_reading, "MAX_ROWS", 300)
    _never_parsed(monkeypatch)
    counted = _counted_lines(monkeypatch)
    message = refused(b"v\n" + b"12\n" * 100_000)
    assert "more than 300 rows, the limit here" in message
    assert counted[0] < 400  # the header, the limit and one more: the other 99,700 lines were never split off


def test_too_many_cells_are_refused_before_the_file_is_split_whole(monkeypatch):
    monkeypatch.setattr(csv_reading, "MAX_CELLS", 1000)  # 200 rows of 5 columns
    read_series(b"a,b,c,d,e\n" + b"1,2,3,4,5\n" * 200)  # exactly at the limit is fine
    _never_parsed(monkeypatch)
    counted = _counted_lines(monkeypatch)
    message = refused(b"a,b,c,d,e\n" + b"1,2,3,4,5\n" * 10_000)
    assert "about 10,001 rows of 5 columns, more than 1,000 cells (rows × columns), the limit here" in message
    assert counted[0] < 300


def test_too_many_columns_are_refused_from_the_first_lines(monkeypatch):
    _never_parsed(monkeypatch)
    assert "10,000 columns; the limit is 200" in refused(b",".join(b"c%d" % i for i in range(10_000)) + b"\n1\n")
    # One line of millions of fields: counted by its delimiters, never split into fields.
    assert "3,000,001 columns; the limit is 200" in refused(b"12," * 3_000_000 + b"12\n")


def test_a_line_far_wider_than_the_first_ones_is_refused_before_csv_splits_it(monkeypatch):
    widest = [0]
    reader = csv_reading.csv.reader

    class Spy:  # csv's reader, noting the longest row it built
        def __init__(self, lines, **options):
            self.reader = reader(lines, **options)

        def __iter__(self):
            return self

        def __next__(self):
            row = next(self.reader)
            widest[0] = max(widest[0], len(row))
            return row

        @property
        def line_num(self):
            return self.reader.line_num

    monkeypatch.setattr(csv_reading.csv, "reader", Spy)
    message = refused(b"a,b\n" + b"1,2\n" * 300 + b"1," * 100_000 + b"1\n3,4\n")
    assert "Line 302 holds about 100,001 fields, far more than the limit of 200 columns" in message
    assert widest[0] < 1000


def test_rows_longer_than_the_first_ones_count_in_the_cell_budget(monkeypatch):
    monkeypatch.setattr(csv_reading, "MAX_CELLS", 1000)
    # The first lines say 2 columns (500 rows allowed); the rows below have 100 fields each, under WIDE_LINE.
    message = refused(b"a,b\n" + b"1,2\n" * 250 + (b"1," * 99 + b"1\n") * 20)
    assert "more than 1,000 cells (rows × columns), the limit here" in message


def test_blank_rows_of_bare_delimiters_do_not_count_as_rows(monkeypatch):
    monkeypatch.setattr(csv_reading, "MAX_ROWS", 300)
    table = read("date,v,w\n" + "".join(f"2024-01-{1 + i % 28:02d},{i},1\n" for i in range(250)) + ",,\n" * 5000)
    assert len(table.frame) == 250 and "Skipped 5,000 blank lines" in notes_of(table)


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 8, 1 << 20])
def test_lines_split_a_chunk_at_a_time_are_the_lines_of_the_whole_text(monkeypatch, chunk):
    monkeypatch.setattr(csv_lines, "CHUNK", chunk)
    for text in ["a", "a\n", "a\nb", "a\r\nb\r\n", "a\rb\r", "a\r\n\r\nb\n\n\n", "\n\na\n", "x\ry\nz\r\n", "a\n \n"]:
        whole = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")
        assert list(csv_lines.lines_of(text)) == whole, text


# ------------------------------------------------------------------------------------------ mixed encodings


MIXED = "날짜,종가\n".encode() + b"".join(f"2024-01-{d:02d},{100 + d}\n".encode() for d in range(1, 20))
MIXED += "2024-01-20,120,비고\n".encode("cp949")  # a row pasted from a Korean Excel file


def test_a_file_mixing_utf8_and_cp949_is_read_with_a_warning():
    table = read_series(MIXED)
    assert "Windows-1252" in notes_of(table)
    assert csv_reading.warnings_among(table.notes) == [
        "Some column names or cells may be unreadable: parts of the file look like UTF-8 or Korean CP949 text, but "
        "the whole file is neither, so it was read as Windows-1252. Save it again as CSV (UTF-8) and upload that file."
    ]


@pytest.mark.parametrize(
    "raw",
    [
        "date,café,naïve,25°C\n2024-01-01,1,2,3\n2024-01-02,4,5,6\n".encode("cp1252"),  # a real Windows-1252 file
        "날짜,종가\n2024-01-01,1\n2024-01-02,2\n".encode("cp949"),
        "날짜,종가\n2024-01-01,1\n2024-01-02,2\n".encode(),
    ],
    ids=["windows-1252", "cp949", "utf-8"],
)
def test_a_file_in_one_encoding_has_no_warning(raw):
    assert csv_reading.warnings_among(read_series(raw).notes) == []


def test_mixed_encodings_are_judged_on_a_sample_of_a_long_file():
    from core.reading.csv_decoding import mixed_encodings

    western = "".join(f"2024-01-{1 + i % 28:02d},café {i},naïve\n" for i in range(60_000)).encode("cp1252")
    assert len(western) > 1 << 20 and not mixed_encodings(western, "Windows-1252")
    assert len(MIXED * 5000) > 1 << 20 and mixed_encodings(MIXED * 5000, "Windows-1252")
    assert not mixed_encodings(MIXED, "UTF-8")  # only a file read with the fallback is judged
