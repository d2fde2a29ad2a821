"""Cells of a CSV file turned into numbers: decimal commas, thousands separators, currency and percent; and the
other way, the text cells of a CSV file the app writes made safe to open in a spreadsheet.

core/reading/csv_reading.py finds the table (encoding, delimiter, header, ragged rows); this module decides
what a cell of numbers means, core/reading/csv_dates.py what a cell of dates means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

import numpy as np
import pandas as pd

_NUMBERISH = re.compile(r"^\(?[+\-−]?[$€£¥₩]?\s*(\d[\d.,'’\s]*|[.,]\d+)([eE][+-]?\d+)?\s*%?\)?$")
_DATELIKE = re.compile(
    r"^\s*(\d{1,4}[-/.]\s?\d{1,2}[-/.]\s?\d{1,4}|\d{4}\s?년|\d{1,2}[-\s][A-Za-z]{3}|[A-Za-z]{3,9}\.?\s\d{1,2})"
)
MISSING_WORDS = frozenset(
    {"", "na", "n/a", "nan", "null", "none", "-", "--", "—", "?", ".", "missing", "#n/a", "#value!", "#div/0!"}
)
# Spaces and apostrophes as thousands separators, currency, percent. The characters themselves, not \u escapes:
# pandas hands a pattern with escapes to Python's re one cell at a time, ten times slower than pyarrow.
_SYMBOLS = "[ \u00a0\u202f'’$€£¥₩%]"
_AMBIGUOUS_COMMA = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}$")  # "55,800": thousands, or 55.8 with a decimal comma?
_AMBIGUOUS_POINT = re.compile(r"^[+-]?[1-9]\d{0,2}\.\d{3}$")  # "1.234": 1.234, or 1234 with dot thousands?
# What a spreadsheet runs as a formula when a cell starts with it (CSV injection): = + - @, and tab or CR.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# -3.5, +1e-05: a number, not a formula (ASCII digits only: a spreadsheet reads no other digits as a number)
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def spreadsheet_safe(cell: str) -> str:
    """A text cell as every CSV file the app writes holds it: with a leading ' when a spreadsheet would run it.

    ``=HYPERLINK("http://evil.example/x")`` from an uploaded column name would otherwise run as a formula in Excel
    or LibreOffice; ``'=HYPERLINK(...)`` shows as text. A cell that is a plain number (``-3.5``, ``+1e-05``) is
    read as that number by a spreadsheet, never as a formula, so it stays as it is.
    """
    if cell.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def looks_numeric(cell: str) -> bool:
    """True for cells like ``12``, ``-3.5``, ``1.234,56``, ``"55,800"``, ``$12``, ``5%`` (not ``01.02.2024``)."""
    return bool(_NUMBERISH.match(cell.strip())) and not looks_like_date(cell)


def looks_like_date(cell: str) -> bool:
    """A quick look (no parsing): enough to tell a header from data, and which columns to try as dates."""
    return bool(_DATELIKE.match(cell))


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


# A cell written as a plain number, as pandas.to_numeric reads one (no 1_000, no digits but 0-9): matched for the whole
# column at once, then only the matching cells are converted, so a column of words costs no conversion attempts.
_FLOAT = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?(inf|infinity|nan)"


def _floats(strings: pd.Series) -> np.ndarray:
    """(rows,) float64: each cell written as a plain number, NaN elsewhere (a word, a blank, "1,5")."""
    plain = strings.str.fullmatch(_FLOAT, case=False).to_numpy(dtype=bool, na_value=False)
    numbers = np.full(len(strings), np.nan)
    if plain.any():
        numbers[plain] = np.array(strings[plain].to_numpy(dtype=object), dtype=np.float64)
    return numbers


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
    filled = int((~missing).sum())
    had_symbols = False
    with_separator = np.zeros(len(text), dtype=bool)
    numbers = _floats(text) if not decimal_comma else None
    if numbers is None or (np.isnan(numbers) & ~missing).any():
        cleaned = text.str.replace("−", "-", regex=False)
        had_symbols = bool(cleaned.str.contains(r"[%$€£¥₩]", regex=True).any())
        cleaned = cleaned.str.replace(_SYMBOLS, "", regex=True)
        if cleaned.str.startswith("(").any():  # accountants write negatives in parentheses: (12.50) means -12.50
            cleaned = cleaned.str.replace(r"^\((.*)\)$", r"-\1", regex=True)
        separator = "." if decimal_comma else ","
        with_separator = cleaned.str.contains(r"[.,]" if decimal_comma else ",", regex=True).to_numpy(dtype=bool)
        cleaned = cleaned.str.replace(separator, "", regex=False)
        if decimal_comma:
            cleaned = cleaned.str.replace(",", ".", regex=False)
        numbers = _floats(cleaned)
    not_number = np.isnan(numbers) & ~missing
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
