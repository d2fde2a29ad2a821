"""What a cell means: decimal commas, thousands separators, currency and percent signs, date formats
(core.csv_cells, through core.series.read_series)."""

from __future__ import annotations

from tests.series_helpers import notes_of, read

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
