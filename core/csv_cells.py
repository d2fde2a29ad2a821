"""Cells of a CSV file turned into numbers and dates: decimal commas, thousands separators, date formats.

core/csv_reading.py finds the table (encoding, delimiter, header, ragged rows); this module decides
what each cell of it means.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

import numpy as np
import pandas as pd

from core.csv_reading import looks_numeric

MISSING_WORDS = frozenset(
    {"", "na", "n/a", "nan", "null", "none", "-", "--", "—", "?", ".", "missing", "#n/a", "#value!", "#div/0!"}
)
_SYMBOLS = r"[ \u00a0\u202f'’$€£¥₩%]"  # spaces and apostrophes as thousands separators, currency, percent
_AMBIGUOUS_COMMA = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}$")  # "55,800": thousands, or 55.8 with a decimal comma?
_AMBIGUOUS_POINT = re.compile(r"^[+-]?[1-9]\d{0,2}\.\d{3}$")  # "1.234": 1.234, or 1234 with dot thousands?


@dataclass(frozen=True)
class DecimalVotes:
    """Evidence, cell by cell, for ``1.234,56`` (decimal comma) against ``1,234.56`` (decimal point)."""

    comma: int = 0
    point: int = 0
    ambiguous_comma: int = 0

    def __add__(self, other: DecimalVotes) -> DecimalVotes:
        return DecimalVotes(
            self.comma + other.comma, self.point + other.point, self.ambiguous_comma + other.ambiguous_comma
        )


def decimal_votes(cells: Iterable[str], limit: int = 2000) -> DecimalVotes:
    """Count cells that can only be read one way; the last separator in ``1.234,56`` is the decimal one."""
    comma = point = ambiguous_comma = 0
    for cell in islice(cells, limit):  # the first cells are evidence enough, and a text column stays cheap
        cell = re.sub(_SYMBOLS, "", cell)
        if not cell or not looks_numeric(cell):
            continue
        commas, points = cell.count(","), cell.count(".")
        if commas and points:
            comma += cell.rfind(",") > cell.rfind(".")
            point += cell.rfind(".") > cell.rfind(",")
        elif commas == 1:
            if _AMBIGUOUS_COMMA.match(cell):
                ambiguous_comma += 1
            else:
                comma += 1
        elif commas > 1:
            point += 1  # 1,234,567: thousands commas
        elif points > 1:
            comma += 1  # 1.234.567: thousands points
        elif points == 1 and not _AMBIGUOUS_POINT.match(cell):
            point += 1
    return DecimalVotes(comma, point, ambiguous_comma)


@dataclass(frozen=True)
class ParsedNumbers:
    """One column read as numbers: NaN where a cell is blank, a missing marker, or not a number."""

    values: np.ndarray  # (rows,) float64, may hold NaN and ±inf
    numeric: bool  # more than half of the filled cells are numbers: a feature column
    not_numbers: int  # filled cells that are not numbers (they count as missing)
    example_not_number: str | None
    had_symbols: bool  # % or currency signs were removed
    had_separators: bool  # thousands separators were removed, or decimal commas turned into points
    separator_example: str | None = None  # e.g. "'55,800' → 55800", for the note that says so


def parse_numbers(cells: tuple[str, ...], decimal_comma: bool) -> ParsedNumbers:
    """Read a column of text cells as float64, fast for a clean column, careful for a messy one."""
    if not decimal_comma:
        try:
            numbers = np.array(cells, dtype=np.float64)  # (rows,) the clean case: "12.5", "1e3", "nan", "inf"
        except ValueError:
            pass  # a blank, a "55,800", a "$12" or a word: the careful path below
        else:
            filled = int((~np.isnan(numbers)).sum())
            return ParsedNumbers(numbers, filled > 0, 0, None, had_symbols=False, had_separators=False)
    text = pd.Series(cells, dtype="str").str.strip()
    missing = text.str.lower().isin(MISSING_WORDS).to_numpy(dtype=bool)
    had_symbols = False
    with_separator = np.zeros(len(text), dtype=bool)
    values = pd.to_numeric(text, errors="coerce") if not decimal_comma else None
    if values is None or (values.isna().to_numpy(dtype=bool) & ~missing).any():
        cleaned = text.str.replace("−", "-", regex=False)
        had_symbols = bool(cleaned.str.contains(r"[%$€£¥₩]", regex=True).any())
        cleaned = cleaned.str.replace(_SYMBOLS, "", regex=True)
        # Accountants write negatives in parentheses: (12.50) means -12.50.
        cleaned = cleaned.str.replace(r"^\((.*)\)$", r"-\1", regex=True)
        separator = "." if decimal_comma else ","
        with_separator = cleaned.str.contains(r"[.,]" if decimal_comma else ",", regex=True).to_numpy(dtype=bool)
        cleaned = cleaned.str.replace(separator, "", regex=False)
        if decimal_comma:
            cleaned = cleaned.str.replace(",", ".", regex=False)
        values = pd.to_numeric(cleaned, errors="coerce")
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)  # (rows,)
    not_number = np.isnan(numbers) & ~missing
    filled = int((~missing).sum())
    parsed = filled - int(not_number.sum())
    example = str(text[not_number].iloc[0]) if not_number.any() else None
    shown = np.flatnonzero(with_separator & np.isfinite(numbers))
    separator_example = f"'{text.iloc[shown[0]]}' → {numbers[shown[0]]:.10g}" if len(shown) else None
    return ParsedNumbers(
        values=numbers,
        numeric=parsed > 0.5 * filled,
        not_numbers=int(not_number.sum()),
        example_not_number=example,
        had_symbols=had_symbols,
        had_separators=bool(with_separator.any()),
        separator_example=separator_example,
    )


DATE_WORDS = (
    "date", "time", "day", "week", "month", "period", "일자", "날짜", "일시", "시간", "기준일", "datum", "fecha",
)  # fmt: skip
# Tried in this order; a tie goes to the earlier format (month-first before day-first for "03/04/2024",
# unless only one of them keeps the rows in order).
DATE_FORMATS = (
    "ISO8601", "%Y/%m/%d", "%Y.%m.%d", "%Y.%m.%d.", "%Y. %m. %d", "%Y. %m. %d.", "%Y년 %m월 %d일",
    "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y", "%m/%d/%y", "%d/%m/%y", "%d.%m.%y",
    "%d-%b-%Y", "%d %b %Y", "%b %d, %Y", "%d-%b-%y", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S",
    "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S", "%Y%m%d",
)  # fmt: skip


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


def parse_dates(cells: tuple[str, ...], date_format: str) -> pd.Series:
    """The whole column with the chosen format; NaT where a cell is not a date in that format."""
    return _to_datetime(pd.Series(cells, dtype=object).str.strip(), date_format)


def is_date_name(name: str) -> bool:
    """Column names that announce dates: Date, timestamp, 일자, 날짜, Datum, …"""
    lowered = name.lower()
    return any(word in lowered for word in DATE_WORDS)
