"""The data side of forecasting: read a time-series CSV into a table of numbers with an ordered date
column, say in plain sentences what was understood, and apply the learner's missing-value policy.

Reading the bytes is in ``core.csv_reading``; splitting in time and scaling is in ``core.splits``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.csv_cells import DecimalVotes, decimal_votes, guess_date_format, is_date_name, parse_dates, parse_numbers
from core.csv_reading import MAX_BYTES as MAX_BYTES  # the limits, re-exported for the page's help text
from core.csv_reading import MAX_COLUMNS as MAX_COLUMNS
from core.csv_reading import MAX_ROWS as MAX_ROWS
from core.csv_reading import TextTable, looks_like_date, looks_numeric, read_text_table
from core.errors import InputError

log = logging.getLogger("rnnlab")

MISSING_POLICIES = ("drop", "fill_forward")


@dataclass(frozen=True)
class SeriesTable:
    """A time series as understood from a file, with the sentences that explain how it was read."""

    frame: pd.DataFrame  # the date column (if any) then the numeric columns as float64, oldest row first
    date_column: str | None
    numeric_columns: list[str]  # the candidate features and targets
    dropped_columns: list[str]  # text or empty columns: shown in the preview, never fed to a model
    notes: list[str]
    missing_cells: int  # NaN in the numeric columns (blank, NaN, ±inf or not a number in the file)


def _quote(names: Sequence[str], limit: int = 10) -> str:
    shown = ", ".join(f"'{name}'" for name in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _find_date_column(table: TextTable) -> tuple[int, str] | None:
    """The column of dates: by name first (Date, 일자, …), then any text column that mostly parses.

    A numeric column counts only when its name says date and every cell is 8 digits (20240131),
    so a column of plain numbers is never mistaken for dates.
    """
    order = sorted(range(len(table.names)), key=lambda i: not is_date_name(table.names[i]))
    for index in order:
        cells, by_name = table.columns[index], is_date_name(table.names[index])
        first = next((cell for cell in cells if cell.strip()), "")
        if not looks_like_date(first) and looks_numeric(first):
            sample = [cell.strip() for cell in cells[:200] if cell.strip()]
            if by_name and sample and all(len(cell) == 8 and cell.isdigit() for cell in sample):
                return index, "%Y%m%d"
            continue
        if not (by_name or looks_like_date(first)):
            continue
        date_format, rate = guess_date_format(cells)
        if date_format is not None and rate >= (0.8 if by_name else 0.9):
            return index, date_format
    return None


def _date_text(moment: pd.Timestamp) -> str:
    """2024-01-31, or 2024-01-31 09:30 when there is a time (built by hand: strftime fails before year 1)."""
    day = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
    return day if moment == moment.normalize() else f"{day} {moment.hour:02d}:{moment.minute:02d}"


def read_series(raw: bytes, filename: str = "upload.csv") -> SeriesTable:
    """Read an uploaded CSV into a ``SeriesTable``, or refuse it with a sentence for the learner.

    Whatever the bytes, only ``InputError`` leaves this function: an unexpected failure is logged
    (it is a bug to fix) and reported as a file that could not be read.
    """
    try:
        return _read_series(raw)
    except InputError:
        raise
    except Exception as error:
        log.exception("read_series failed on %r", filename)
        raise InputError(
            f"'{filename}' could not be read as a table of numbers. Save it as a CSV file (UTF-8, one row "
            "per time step, a header row with column names) and upload it again."
        ) from error


def _read_numbers(table: TextTable, date_index: int | None) -> tuple[dict[str, np.ndarray], list[str], list[str]]:
    """Every column but the dates, read as numbers; returns the numeric ones, the others' names, and notes.

    Decimal comma or point: each column's own evidence, else the whole file's (a column of "55,800"
    alone cannot tell), else the convention of the delimiter (";" files come from decimal-comma locales).
    """
    votes = [decimal_votes(cells) if i != date_index else DecimalVotes() for i, cells in enumerate(table.columns)]
    total = sum(votes, DecimalVotes())
    file_comma = total.comma > total.point or (
        total.comma == total.point == 0 and table.delimiter == ";" and total.ambiguous_comma > 0
    )
    numbers: dict[str, np.ndarray] = {}
    text, empty, missing_notes = [], [], []
    separators: dict[bool, list[str]] = {True: [], False: []}  # decimal comma? → columns it changed
    examples: dict[bool, str] = {}
    symbols = []
    for index, (name, cells) in enumerate(zip(table.names, table.columns, strict=True)):
        if index == date_index:
            continue
        vote = votes[index]
        decimal_comma = vote.comma > vote.point if (vote.comma or vote.point) else file_comma
        parsed = parse_numbers(cells, decimal_comma)
        if not parsed.numeric:
            (empty if all(not cell.strip() for cell in cells) else text).append(name)
            continue
        infinite = int(np.isinf(parsed.values).sum())
        numbers[name] = np.where(np.isinf(parsed.values), np.nan, parsed.values)  # (rows,) float64, gaps as NaN
        if parsed.had_separators:
            separators[decimal_comma].append(name)
            examples.setdefault(decimal_comma, parsed.separator_example or "")
        if parsed.had_symbols:
            symbols.append(name)
        missing = int(np.isnan(numbers[name]).sum())
        if missing:
            blank = missing - infinite - parsed.not_numbers
            parts = [f"{blank:,} blank or NaN"] if blank else []
            parts += [f"{infinite:,} infinite"] if infinite else []
            if parsed.not_numbers:
                parts.append(f"{parsed.not_numbers:,} not a number, e.g. '{parsed.example_not_number}'")
            missing_notes.append(f"Column '{name}' has {missing:,} missing cells ({'; '.join(parts)}).")

    if not numbers:
        raise InputError(
            f"No column holds numbers, so there is nothing to forecast (columns found: {_quote(table.names)}). "
            "Upload a table with at least one column of numbers."
        )
    notes = []
    if separators[True]:
        notes.append(f"Numbers use a decimal comma in {_quote(separators[True])} (e.g. {examples[True]}).")
    if separators[False]:
        notes.append(
            f"Commas inside numbers were read as thousands separators in {_quote(separators[False])} "
            f"(e.g. {examples[False]})."
        )
    if symbols:
        notes.append(f"Percent and currency signs were removed from the numbers in {_quote(symbols)}.")
    if text:
        notes.append(f"{_quote(text)} {'holds' if len(text) == 1 else 'hold'} text, not numbers: not used as features.")
    if empty:
        notes.append(f"{_quote(empty)} {'is' if len(empty) == 1 else 'are'} empty and not used.")
    return numbers, text + empty, notes + missing_notes


def _read_series(raw: bytes) -> SeriesTable:
    table = read_text_table(raw)
    found = _find_date_column(table)
    numbers, dropped, number_notes = _read_numbers(table, found[0] if found else None)
    notes = list(table.notes)
    frame = pd.DataFrame(numbers)  # (rows, numeric columns) float64
    date_column = None
    if found is not None:
        date_column = table.names[found[0]]
        dates = parse_dates(table.columns[found[0]], found[1]).reset_index(drop=True)
        unreadable = dates.isna().to_numpy()
        if unreadable.all():
            notes.append(f"Column '{date_column}' looked like dates but could not be read; the file order is used.")
            date_column = None
        else:
            frame.insert(0, date_column, dates)
            if unreadable.any():
                example = table.columns[found[0]][int(np.flatnonzero(unreadable)[0])]
                count = int(unreadable.sum())
                notes.append(f"{count:,} rows whose date could not be read (e.g. '{example}') were left out.")
                frame = frame[~unreadable].reset_index(drop=True)
            notes.extend(_sort_by_date(frame, date_column))
            frame = frame.sort_values(date_column, kind="stable").reset_index(drop=True)
    if date_column is None:
        notes.append("No date column was found; the rows are used in file order, first row oldest.")
    numeric_columns = list(numbers)
    return SeriesTable(
        frame=frame,
        date_column=date_column,
        numeric_columns=numeric_columns,
        dropped_columns=dropped,
        notes=notes + number_notes,
        missing_cells=int(frame[numeric_columns].isna().to_numpy().sum()),
    )


def _sort_by_date(frame: pd.DataFrame, date_column: str) -> list[str]:
    """Sentences about the order of the dates; the caller sorts oldest-first (a model reads past → future)."""
    dates = frame[date_column]
    notes = [f"Column '{date_column}' holds the dates, from {_date_text(dates.min())} to {_date_text(dates.max())}."]
    if dates.is_monotonic_increasing:
        notes.append("The rows are in date order, oldest first.")
    elif dates.is_monotonic_decreasing:
        notes.append("The file was newest-first; the rows were sorted oldest-first.")
    else:
        notes.append("The rows were not in date order; they were sorted by date, oldest first.")
    repeated = int(dates.duplicated().sum())
    if repeated:
        notes.append(f"{repeated:,} dates appear more than once; those rows keep their file order.")
    return notes


def apply_missing_policy(frame: pd.DataFrame, columns: Sequence[str], policy: str) -> tuple[pd.DataFrame, str]:
    """Remove the gaps in the chosen columns, and say how many rows or cells it took.

    ``drop`` removes every row with a gap. ``fill_forward`` repeats the last value seen, the
    assumption "nothing changed" that is safe for prices (it never borrows from the future), then
    drops the leading rows that have no earlier value. Infinite values count as gaps.
    """
    if policy not in MISSING_POLICIES:
        raise InputError(f"Unknown missing-value policy '{policy}': choose one of {', '.join(MISSING_POLICIES)}.")
    columns = list(columns)
    unknown = [column for column in columns if column not in frame.columns]
    if unknown or not columns:
        raise InputError(f"Choose at least one column of the table (unknown: {_quote(unknown) or 'none chosen'}).")
    result = frame.copy()
    values = result[columns].astype("float64").replace([np.inf, -np.inf], np.nan)  # (rows, columns)
    result[columns] = values
    gaps = values.isna().any(axis=1).to_numpy()
    if not gaps.any():
        return result.reset_index(drop=True), "No missing values in the chosen columns."
    if policy == "drop":
        result = result[~gaps]
        note = f"Dropped {int(gaps.sum()):,} rows with a missing value in the chosen columns."
    else:
        cells = int(values.isna().to_numpy().sum())
        result[columns] = values.ffill()
        leading = result[columns].isna().any(axis=1).to_numpy()
        filled = cells - int(result[columns].isna().to_numpy().sum())
        result = result[~leading]
        note = f"Filled {filled:,} missing cells with the last value seen before them"
        if leading.any():
            note += f"; dropped the first {int(leading.sum()):,} rows, which had no earlier value"
        note += "."
    if result.empty:
        raise InputError("No rows are left once the missing values are removed. Choose other columns or fix the file.")
    return result.reset_index(drop=True), note
