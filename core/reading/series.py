"""The data side of forecasting: read a time-series CSV into a table of numbers with an ordered date
column, say in plain sentences what was understood, and apply the learner's missing-value policy.

Reading the bytes is in ``core.reading.csv_reading``; splitting in time and scaling is in ``core.reading.splits``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.reading.csv_cells import DecimalVotes, decimal_votes, parse_numbers
from core.reading.csv_dates import EXCEL, find_date_column, parse_dates, possible_excel_dates
from core.reading.csv_reading import MAX_BYTES as MAX_BYTES  # the limits, re-exported for the page's help text
from core.reading.csv_reading import MAX_COLUMNS as MAX_COLUMNS
from core.reading.csv_reading import MAX_ROWS as MAX_ROWS
from core.reading.csv_reading import TextTable, read_text_table
from core.reading.series_gaps import (
    MISSING_POLICIES as MISSING_POLICIES,  # re-exported: the policies belong to the data
)
from core.reading.series_gaps import apply_missing_policy as apply_missing_policy
from core.words.errors import InputError
from core.words.i18n import N_, _, ngettext
from core.words.message import Message, as_said, said

log = logging.getLogger("rnnlab")

# Which end of a file without dates is the oldest (the option -> its label, an English source for the catalogue).
ROW_ORDERS = {
    "oldest_first": N_("oldest first (the file's first row is the oldest)"),
    "newest_first": N_("newest first (the file's last row is the oldest)"),
}


@dataclass(frozen=True)
class SeriesTable:
    """A time series as understood from a file, with the sentences that explain how it was read."""

    frame: pd.DataFrame  # the date column (if any) then the numeric columns as float64, oldest row first
    date_column: str | None
    numeric_columns: list[str]  # the candidate features and targets
    dropped_columns: list[str]  # text or empty columns: shown in the preview, never fed to a model
    notes: list[str]
    missing_cells: int  # NaN in the numeric columns (blank, NaN, ±inf or not a number in the file)
    missing_by_column: dict[str, int] = field(default_factory=dict)  # the same count, column by column
    constant_columns: list[str] = field(default_factory=list)  # numeric columns with one value in every filled row
    quote_problem: Message | None = None  # a quote that swallowed line ends: the likely cause of a later refusal

    @property
    def needs_row_order(self) -> bool:
        """No date column says which row is the oldest: the learner says it (``in_row_order``)."""
        return self.date_column is None


def in_row_order(table: SeriesTable, row_order: str) -> SeriesTable:
    """The table with its rows oldest first, given which end of the file is the oldest (a ``ROW_ORDERS`` option).

    A file without dates is read in file order (``oldest_first``) or reversed (``newest_first``: the note's lab
    reads Yahoo's ``data-02-stock_daily.csv``, newest row first, and reverses it with ``xy[::-1]``). A file with
    dates is already in date order, so ``newest_first`` is refused there: the dates, not a choice, say the order.

    Oldest first is the default, and nothing is guessed, even for a file laid out like the note's (two ``#`` lines,
    the second the header, no dates): neither that layout nor the numbers say which end is newer. The same layout
    can as well hold rows oldest first (a series appended to as it was collected); a wrong guess would silently turn
    every result backwards (the split, the chart, the forecast past the end), while a visible choice beside the
    first rows costs one click, and the choice's help names the note's lab as the case for newest first. Oldest
    first is also what the screen did before the choice existed, so old links and saved runs keep their meaning.
    """
    if row_order not in ROW_ORDERS:
        raise InputError(
            N_("Unknown row order '{value}': choose one of {options}."), value=row_order, options=", ".join(ROW_ORDERS)
        )
    if row_order == "oldest_first":
        return table
    if not table.needs_row_order:
        raise InputError(
            N_(
                "This file's rows are put in date order by its column '{name}', so the row order cannot be "
                "chosen: choose oldest first."
            ),
            name=table.date_column,
        )
    frame = table.frame.iloc[::-1].reset_index(drop=True)  # (rows, columns) the file's last row first
    return dataclasses.replace(table, frame=frame)


def row_order_sentence(row_order: str) -> str:
    """Which end of a file without dates is read as the oldest, said as the screen reads it."""
    return row_order_said(row_order).worded()


def row_order_said(row_order: str) -> Message:
    """``row_order_sentence`` kept as a message, worded where it is shown."""
    if row_order == "newest_first":
        return said(
            N_(
                "Newest first: the rows are read from the end of the file, so the file's last row is the oldest and "
                "its first row the newest (the note's lab reverses its stock file the same way, with xy[::-1])."
            )
        )
    return said(N_("Oldest first: the rows are read in file order, so the file's first row is the oldest."))


def with_likely_cause(error: InputError, quote_problem: Message | None) -> InputError:
    """``error`` with the quote problem appended when there is one: the learner hears cause and consequence."""
    if not quote_problem:
        return error
    # "A quote…" → "a quote…" (Korean has no case), once worded.
    return InputError(N_("{error} The likely cause: {cause}"), error=error.message, cause=FirstLower(quote_problem))


@dataclass(frozen=True)
class FirstLower(Message):
    """A message worded with its first letter in lower case, to follow other words in a sentence."""

    def __init__(self, message: Message) -> None:
        object.__setattr__(self, "text", "{message}")
        object.__setattr__(self, "values", {"message": message})
        object.__setattr__(self, "plural", None)
        object.__setattr__(self, "count", None)
        object.__setattr__(self, "context", None)
        object.__setattr__(self, "verbatim", True)

    def worded(self) -> str:
        words = super().worded()
        return words[:1].lower() + words[1:]


def _quote(names: Sequence[str], limit: int = 10) -> str:
    return _quote_said(names, limit).worded()


def _quote_said(names: Sequence[str], limit: int = 10) -> Message:
    shown = ", ".join(f"'{name}'" for name in names[:limit])
    if len(names) <= limit:
        return as_said(shown)
    return said(N_("{names} and {count} more"), names=shown, count=len(names) - limit)


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
            N_(
                "'{filename}' could not be read as a table of numbers. Save it as a CSV file (UTF-8, one row "
                "per time step, a header row with column names) and upload it again."
            ),
            filename=filename,
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
            parts = [_("{count:,} blank or NaN").format(count=blank)] if blank else []
            parts += [_("{count:,} infinite").format(count=infinite)] if infinite else []
            if parsed.not_numbers:
                parts.append(
                    _("{count:,} not a number, e.g. '{example}'").format(
                        count=parsed.not_numbers, example=parsed.example_not_number
                    )
                )
            missing_notes.append(
                _("Column '{name}' has {count:,} missing cells ({parts}).").format(
                    name=name, count=missing, parts="; ".join(parts)
                )
            )

    if not numbers:
        raise InputError(
            N_(
                "No column holds numbers, so there is nothing to forecast (columns found: {names}). "
                "Upload a table with at least one column of numbers."
            ),
            names=_quote_said(table.names),
        )
    notes = []
    if separators[True]:
        notes.append(
            _("Numbers use a decimal comma in {names} (e.g. {example}).").format(
                names=_quote(separators[True]), example=examples[True]
            )
        )
    if separators[False]:
        notes.append(
            _("Commas inside numbers were read as thousands separators in {names} (e.g. {example}).").format(
                names=_quote(separators[False]), example=examples[False]
            )
        )
    if symbols:
        notes.append(
            _("Percent and currency signs were removed from the numbers in {names}.").format(names=_quote(symbols))
        )
    if text:
        notes.append(
            ngettext(
                "{names} holds text, not numbers: not used as features.",
                "{names} hold text, not numbers: not used as features.",
                len(text),
            ).format(names=_quote(text))
        )
    if empty:
        notes.append(
            ngettext("{names} is empty and not used.", "{names} are empty and not used.", len(empty)).format(
                names=_quote(empty)
            )
        )
    return numbers, text + empty, notes + missing_notes


def _read_series(raw: bytes) -> SeriesTable:
    table = read_text_table(raw)
    try:
        return _understood(table)
    except InputError as error:
        raise with_likely_cause(error, table.quote_problem) from error


def _understood(table: TextTable) -> SeriesTable:
    found = find_date_column(table)
    numbers, dropped, number_notes = _read_numbers(table, found[0] if found else None)
    notes = list(table.notes)
    frame = pd.DataFrame(numbers)  # (rows, numeric columns) float64
    date_column = None
    if found is not None:
        date_column = table.names[found[0]]
        dates = parse_dates(table.columns[found[0]], found[1]).reset_index(drop=True)
        unreadable = dates.isna().to_numpy()
        if unreadable.all():
            notes.append(
                _("Column '{name}' looked like dates but could not be read; the file order is used.").format(
                    name=date_column
                )
            )
            date_column = None
        else:
            frame.insert(0, date_column, dates)
            if unreadable.any():
                example = table.columns[found[0]][int(np.flatnonzero(unreadable)[0])]
                count = int(unreadable.sum())
                notes.append(
                    _("{count:,} rows whose date could not be read (e.g. '{example}') were left out.").format(
                        count=count, example=example
                    )
                )
                frame = frame[~unreadable].reset_index(drop=True)
            notes.extend(_sort_by_date(frame, date_column))
            frame = frame.sort_values(date_column, kind="stable").reset_index(drop=True)
    if date_column is None:
        notes.append(
            _(
                "No date column was found, so the file does not say which of its rows is the oldest: choose the row "
                "order beside the first rows (until you do, the first row is the oldest)."
            )
        )
    elif found is not None and found[1] == EXCEL:
        notes.append(
            _("Column '{name}' holds Excel serial day numbers (45292 = 2024-01-01); read as dates.").format(
                name=date_column
            )
        )
    notes.extend(possible_excel_dates(table, found[0] if found else None))
    numeric_columns = list(numbers)
    missing = {name: int(frame[name].isna().sum()) for name in numeric_columns}
    constant = [name for name in numeric_columns if _is_constant(frame[name])]
    if constant:
        value = frame[constant[0]].dropna().iloc[0]
        notes.append(
            ngettext(
                "{names} holds the same value in every row ({value:.10g}): it tells the network nothing, so it is "
                "left out of the feature columns chosen at first (you can still add it).",
                "{names} hold the same value in every row (e.g. {value:.10g}): they tell the network nothing, so "
                "they are left out of the feature columns chosen at first (you can still add it).",
                len(constant),
            ).format(names=_quote(constant), value=value)
        )
    return SeriesTable(
        frame=frame,
        date_column=date_column,
        numeric_columns=numeric_columns,
        dropped_columns=dropped,
        notes=notes + number_notes,
        missing_cells=sum(missing.values()),
        missing_by_column=missing,
        constant_columns=constant,
        quote_problem=table.quote_problem,
    )


def _is_constant(values: pd.Series) -> bool:
    """One value in every filled row, seen at least twice (a single filled cell says nothing)."""
    filled = values.dropna()
    return len(filled) >= 2 and filled.min() == filled.max()


def _sort_by_date(frame: pd.DataFrame, date_column: str) -> list[str]:
    """Sentences about the order of the dates; the caller sorts oldest-first (a model reads past → future)."""
    dates = frame[date_column]
    notes = [
        _("Column '{name}' holds the dates, from {first} to {last}.").format(
            name=date_column, first=_date_text(dates.min()), last=_date_text(dates.max())
        )
    ]
    if dates.is_monotonic_increasing:
        notes.append(_("The rows are in date order, oldest first."))
    elif dates.is_monotonic_decreasing:
        notes.append(_("The file was newest-first; the rows were sorted oldest-first."))
    else:
        notes.append(_("The rows were not in date order; they were sorted by date, oldest first."))
    repeated = int(dates.duplicated().sum())
    if repeated:
        notes.append(
            _("{count:,} dates appear more than once; those rows keep their file order.").format(count=repeated)
        )
    return notes
