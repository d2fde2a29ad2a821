"""What a cell means: decimal commas, thousands separators, currency and percent signs, date formats
(core.reading.csv_cells, through core.reading.series.read_series); and the text cells of the CSV files the app writes,
made safe for
a spreadsheet."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from core.reading.csv_cells import parse_numbers, spreadsheet_safe
from tests.reading.series_helpers import notes_of, read

ROOT = Path(__file__).resolve().parents[2]

# ------------------------------------------------------------------------------------------ numbers


def test_semicolons_decimal_comma_and_dotted_thousands():
    table = read("Datum;Preis;Menge\n01.02.2024;1.234,56;3\n02.02.2024;1.300,10;4\n03.02.2024;12,5;5\n")
    assert table.date_column == "Datum"
    assert list(table.frame["Datum"].dt.month) == [2, 2, 2]  # day-first: 1 to 3 February
    assert table.frame["Preis"].tolist() == [1234.56, 1300.10, 12.5]
    assert "semicolons" in notes_of(table) and "decimal comma" in notes_of(table)


def test_percent_and_currency_signs():
    table = read('date,rate,price\n2024-01-01,5%,"$1,200.50"\n2024-01-02,6.5%,"€1,300"\n')
    assert table.frame["rate"].tolist() == [5.0, 6.5]
    assert table.frame["price"].tolist() == [1200.5, 1300.0]
    assert "Percent and currency" in notes_of(table)


# ------------------------------------------------------------------------------------------ date formats


def test_monthly_periods_in_a_month_column():
    table = read("Month,V\n2024-01,1\n2024-02,2\n2024-03,5\n")
    assert table.date_column == "Month" and list(table.frame["Month"].dt.month) == [1, 2, 3]


def test_day_first_dates_are_recognised_when_day_exceeds_twelve():
    table = read("Date,V\n13/01/2024,1\n14/01/2024,2\n")
    assert list(table.frame["Date"].dt.day) == [13, 14]


# ------------------------------------------------------------------------------------------ a messy column, at once


def test_a_messy_column_is_read_cell_by_cell_as_before():
    cells = ("1.5", "", "x", "1_000", "inf", "-2", "(3)", "$4", "5%", "1,234", "NaN", "−7", ".5", "1e3")
    parsed = parse_numbers(cells, decimal_comma=False)
    expected = [1.5, np.nan, np.nan, np.nan, np.inf, -2, -3, 4, 5, 1234, np.nan, -7, 0.5, 1000]
    np.testing.assert_array_equal(parsed.values, expected)
    assert (parsed.numeric, parsed.not_numbers, parsed.example_not_number) == (True, 2, "x")
    assert parsed.had_symbols and parsed.separator_example == "'1,234' → 1234"
    comma = parse_numbers(("1.234,56", "12,5", "", "−3,5", "(1,5)", "€ 2,5"), decimal_comma=True)
    np.testing.assert_array_equal(comma.values, [1234.56, 12.5, np.nan, -3.5, -1.5, 2.5])


# ------------------------------------------------------------------------------------------ CSV files the app writes


@pytest.mark.parametrize(
    "cell, safe",
    [
        ('=HYPERLINK("http://evil.example/x")', '\'=HYPERLINK("http://evil.example/x")'),
        ("+x", "'+x"),
        ("-y", "'-y"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tq", "'\tq"),
        ("\rq", "'\rq"),
        ("-1+1", "'-1+1"),
        ("-inf", "'-inf"),
        ("-", "'-"),
        ("-3.5", "-3.5"),  # a number, not a formula
        ("+1e-05", "+1e-05"),
        ("-.5", "-.5"),
        ("Close", "Close"),
        ("종가", "종가"),
        ("", ""),
    ],
)
def test_a_text_cell_a_spreadsheet_would_run_gets_a_leading_quote(cell, safe):
    assert spreadsheet_safe(cell) == safe


def test_every_csv_file_the_app_writes_goes_through_the_one_helper():
    """A module that writes CSV (pandas' to_csv, csv.writer) escapes its text cells with
    core.reading.csv_cells.spreadsheet_safe
    (core.screens.time_series.export.escape_for_spreadsheet applies it to a whole table)."""
    writers = []
    for path in sorted([*ROOT.glob("core/**/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("pages/*.py")]):
        text = path.read_text(encoding="utf-8")
        if re.search(r"\.to_csv\(|csv\.(writer|DictWriter)\(", text):
            writers.append(path.relative_to(ROOT).as_posix())
            assert re.search(r"\b(spreadsheet_safe|escape_for_spreadsheet)\(", text), path.name
    assert {"core/screens/time_series/export.py", "core/screens/time_series/run_code.py"} <= set(writers)
