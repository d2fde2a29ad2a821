"""Which column holds the dates, and in which format: ISO, Korean 2024년 1월 5일, day-first 13/01/2024,
compact 20240131, or the serial day numbers of Excel (45292 = 2024-01-01).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from core.reading.csv_cells import looks_like_date, looks_numeric
from core.reading.csv_reading import TextTable
from core.words.i18n import _

DATE_WORDS = (
    "date",
    "time",
    "day",
    "week",
    "month",
    "period",
    "일자",
    "날짜",
    "일시",
    "시간",
    "기준일",
    "datum",
    "fecha",
)
# Tried in this order; a tie goes to the earlier format (month-first before day-first for "03/04/2024",
# unless only one of them keeps the rows in order).
DATE_FORMATS = (
    "ISO8601",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y.%m.%d.",
    "%Y. %m. %d",
    "%Y. %m. %d.",
    "%Y년 %m월 %d일",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%m/%d/%y",
    "%d/%m/%y",
    "%d.%m.%y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%b %d, %Y",
    "%d-%b-%y",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%Y%m%d",
)


def _to_datetime(cells: pd.Series, date_format: str) -> pd.Series:
    """Parse with one format; NaT where a cell does not fit. Mixed time zones are brought to UTC."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for utc in (False, True):
            try:
                return pd.to_datetime(cells, format=date_format, errors="coerce", utc=utc)
            except (ValueError, TypeError, OverflowError):
                continue
    return pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]")


def guess_date_format(cells: tuple[str, ...], sample_size: int = 200) -> tuple[str | None, float]:
    """The format that reads the most of the first non-blank cells, and the share it reads.

    Only a sample is tried, 28 formats on 200 cells, so a long file costs no more than a short one.
    """
    sample = []
    for cell in cells:
        if cell.strip():
            sample.append(cell.strip())
            if len(sample) == sample_size:
                break
    if not sample:
        return None, 0.0
    series = pd.Series(sample, dtype=object)
    best: tuple[str | None, tuple[float, bool]] = (None, (0.0, False))
    for date_format in DATE_FORMATS:
        parsed = _to_datetime(series, date_format)
        rate = float(parsed.notna().mean())
        found = parsed.dropna()
        in_order = found.is_monotonic_increasing or found.is_monotonic_decreasing
        if (rate, in_order) > best[1]:
            best = (date_format, (rate, in_order))
    return best[0], best[1][0]


EXCEL = "excel-serial-days"  # the "format" of Excel serial day numbers, not a strftime one
# Excel counts days from 1899-12-30 (its 1900 leap-year bug included); 20000-60000 is 1954-10-03 to 2064-04-10,
# the range where a whole number is far more likely a date of a real file than an arbitrary count.
EXCEL_ORIGIN = pd.Timestamp("1899-12-30")
EXCEL_DAYS = (20_000, 60_000)


def parse_dates(cells: tuple[str, ...], date_format: str) -> pd.Series:
    """The whole column with the chosen format; NaT where a cell is not a date in that format."""
    if date_format == EXCEL:
        days = pd.to_numeric(pd.Series(cells, dtype=object).str.strip(), errors="coerce")
        days = days.where((days >= EXCEL_DAYS[0]) & (days <= EXCEL_DAYS[1]))
        return EXCEL_ORIGIN + pd.to_timedelta(days, unit="D")
    return _to_datetime(pd.Series(cells, dtype=object).str.strip(), date_format)


def looks_like_excel_dates(cells: tuple[str, ...]) -> bool:
    """Whole numbers from 20000 to 60000, unique and in order (either way), a day to a quarter apart at
    the median: what a date column becomes when a spreadsheet saves it unformatted."""
    if len(cells) > 200 and not looks_like_excel_dates(cells[:200]):  # most columns fail on their first cells
        return False
    sample = [cell.strip() for cell in cells if cell.strip()]
    if len(sample) < 3:
        return False
    try:
        days = np.array(sample, dtype=np.float64)  # (rows,)
    except ValueError:
        return False
    if not (np.all(days == np.round(days)) and days.min() >= EXCEL_DAYS[0] and days.max() <= EXCEL_DAYS[1]):
        return False
    steps = np.diff(days)
    ordered = bool(np.all(steps > 0) or np.all(steps < 0))
    return ordered and 1 <= float(np.median(np.abs(steps))) <= 92


def excel_date_sentence(name: str, cells: tuple[str, ...]) -> str:
    """The note that lists a column of numbers as possible Excel dates, with the dates they would be."""
    dates = parse_dates(cells, EXCEL).dropna()
    first, last = dates.min(), dates.max()
    return _(
        "Column '{name}' could be dates saved as Excel serial day numbers (they would run from "
        "{first} to {last}). It is read as numbers; if it holds dates, name it 'date' "
        "(or format it as dates in the spreadsheet) and upload the file again."
    ).format(name=name, first=f"{first:%Y-%m-%d}", last=f"{last:%Y-%m-%d}")


def is_date_name(name: str) -> bool:
    """Column names that announce dates: Date, timestamp, 일자, 날짜, Datum, …"""
    lowered = name.lower()
    return any(word in lowered for word in DATE_WORDS)


def find_date_column(table: TextTable) -> tuple[int, str] | None:
    """The column of dates: by name first (Date, 일자, …), then any text column that mostly parses.

    A numeric column counts only when its name says date and every cell is 8 digits (20240131) or an
    Excel serial day number (45292), so a column of plain numbers is never mistaken for dates.
    """
    order = sorted(range(len(table.names)), key=lambda i: not is_date_name(table.names[i]))
    for index in order:
        cells, by_name = table.columns[index], is_date_name(table.names[index])
        first = next((cell for cell in cells if cell.strip()), "")
        if not looks_like_date(first) and looks_numeric(first):
            sample = [cell.strip() for cell in cells[:200] if cell.strip()]
            if by_name and sample and all(len(cell) == 8 and cell.isdigit() for cell in sample):
                return index, "%Y%m%d"
            if by_name and looks_like_excel_dates(cells):
                return index, EXCEL
            continue
        if not (by_name or looks_like_date(first)):
            continue
        date_format, rate = guess_date_format(cells)
        if date_format is not None and rate >= (0.8 if by_name else 0.9):
            return index, date_format
    return None


def possible_excel_dates(table: TextTable, skip: int | None) -> list[str]:
    """Sentences listing the columns (other than ``skip``, the date column) that could be Excel dates."""
    return [
        excel_date_sentence(name, cells)
        for index, (name, cells) in enumerate(zip(table.names, table.columns, strict=True))
        if index != skip and looks_like_excel_dates(cells)
    ]
