"""From the bytes of an uploaded file to a table of text cells, the way a careful analyst reads it.

Real CSV files are messy: Excel on a Korean Windows saves CP949, a German one saves ``;`` with
decimal commas, exports carry ``#`` comments, blank lines and the odd short row. Each step here
guesses one thing, and says what it guessed in a plain sentence, so the learner can check it.
Cells stay text here; ``core.reading.series`` turns them into numbers and dates.

Within a budget: the columns are counted on the first lines and the rows as the text is split
(``core.reading.csv_lines``, a megabyte at a time), so a file over a limit is refused with the limit named
(``MAX_ROWS``, ``MAX_COLUMNS``, ``MAX_CELLS``) before the rest is split, never after building millions of small
strings (measured on a 39 MB one-column file: the process grew by 1.6 GB in 2.9 s before it was refused; now by
73 MB in 0.1 s). Each guess and the sentence that says what it guessed stay together here; the decoding, the
splitting into lines and the cell types live apart.
"""

from __future__ import annotations

import csv
import gc
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from core.reading import csv_lines
from core.reading.csv_cells import looks_like_date, looks_numeric
from core.reading.csv_decoding import decode_text, mixed_encodings
from core.words.errors import InputError
from core.words.i18n import N_, _, ngettext
from core.words.message import Message, said, sentences

# The limits, decided here only (core.reading.series re-exports them for the page's help text).
MAX_ROWS = 200_000
MAX_COLUMNS = 200
# Rows × columns: 200,000 rows of 20 columns, or 20,000 rows of all 200. Each cell is a Python string until
# core.reading.series
# reads it, about 100 bytes with its share of the lists: a file at this limit grows the process by about 400 MB.
MAX_CELLS = 3_000_000
MAX_BYTES = 50 * 1024 * 1024  # the upload limit of .streamlit/config.toml (maxUploadSize = 50 MB)

# The delimiters tried, each with the note that names it: one whole sentence each (Korean attaches a different
# particle to each name).
DELIMITER_NOTES = {
    ",": N_("Columns are separated by commas (,)."),
    ";": N_("Columns are separated by semicolons (;)."),
    "\t": N_("Columns are separated by tabs."),
    "|": N_("Columns are separated by vertical bars (|)."),
}
DELIMITERS = tuple(DELIMITER_NOTES)
SNIFF_LINES = 200  # lines looked at to guess the delimiter and the header
SNIFF_CHARACTERS = 65_536  # of each of those lines: one long line is not split whole to count its fields
WIDE_LINE = 10 * MAX_COLUMNS  # delimiters on one line past which it is refused before csv splits it

# Warnings: notes the page shows apart, as warnings (``warnings_among``). Whole sentences without a placeholder, so a
# note is found among the others by its words in the language it was read in.
MIXED_ENCODINGS = N_(
    "Some column names or cells may be unreadable: parts of the file look like UTF-8 or Korean CP949 text, but the "
    "whole file is neither, so it was read as Windows-1252. Save it again as CSV (UTF-8) and upload that file."
)
WARNINGS = (MIXED_ENCODINGS,)


def warnings_among(notes: Iterable[str]) -> list[str]:
    """The notes (in the current language) that are warnings the learner should not miss."""
    warnings = {_(warning) for warning in WARNINGS}
    return [note for note in notes if note in warnings]


@dataclass(frozen=True)
class TextTable:
    """What the file holds before any number is read: column names and text cells per column."""

    names: list[str]
    columns: list[tuple[str, ...]]  # one tuple of cells per column, all of the same length
    delimiter: str
    notes: list[str]
    # The note about a quote that swallowed line ends, when there is one: a later refusal ("no column holds
    # numbers", "too few rows") repeats it, because the quote is usually the real cause.
    quote_problem: Message | None = None


def sniff_delimiter(lines: list[str]) -> str:
    """Pick the delimiter that splits the first lines into the most consistent number of fields.

    ``csv.reader`` respects quotes, so ``"55,800"`` stays one field whatever the delimiter.
    Consistency first (the share of lines with the most common field count), then more fields.
    A file with one column has no delimiter to find; ``,`` is returned.
    """
    best, best_score = ",", (0.0, 1)
    for delimiter in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        except csv.Error:  # e.g. an unclosed quote swallowing the sample: not this delimiter's fault alone
            continue
        if not counts:
            continue
        fields, times = Counter(counts).most_common(1)[0]
        score = (round(times / len(counts), 2), fields)
        if fields > 1 and score > best_score:
            best, best_score = delimiter, score
    return best


def _sample(lines: list[str]) -> list[str]:
    """The first lines as the guesses look at them, each cut at ``SNIFF_CHARACTERS``."""
    return [line[:SNIFF_CHARACTERS] for line in lines[:SNIFF_LINES]]


def _sample_width(lines: list[str], delimiter: str) -> int:
    """The most common number of fields in the first lines (a line too long to split whole: its delimiters + 1)."""
    counts = []
    for line in lines[:SNIFF_LINES]:
        if len(line) > SNIFF_CHARACTERS:
            counts.append(line.count(delimiter) + 1)
            continue
        try:
            counts.append(sum(len(row) for row in csv.reader([line], delimiter=delimiter)))
        except csv.Error:
            counts.append(line.count(delimiter) + 1)
    return Counter(counts).most_common(1)[0][0] if counts else 1


def _too_many_columns(count: int) -> InputError:
    return InputError(
        N_("The file has {count:,} columns; the limit is {limit}. Keep only the columns you need."),
        count=count,
        limit=MAX_COLUMNS,
    )


def _too_many_rows() -> InputError:
    return InputError(
        N_(
            "The file has more than {limit:,} rows, the limit here. Keep the most recent rows, "
            "or resample (for example daily instead of hourly), and upload it again."
        ),
        limit=MAX_ROWS,
    )


def _too_many_cells(rows: int, columns: int) -> InputError:
    """About ``rows`` rows of ``columns`` columns are more cells than ``MAX_CELLS``."""
    return InputError(
        N_(
            "The file has about {rows:,} rows of {columns} columns, more than {limit:,} cells (rows × columns), the "
            "limit here. Keep fewer rows (for example the most recent ones) or only the columns you need, and upload "
            "it again."
        ),
        rows=rows,
        columns=columns,
        limit=MAX_CELLS,
    )


def _filler(delimiter: str) -> str:
    """What a line of bare delimiters (",,,,") is made of: a blank row left over by a spreadsheet."""
    return delimiter + ' \t"'


def _allowed_lines(lines: list[str]) -> tuple[int, str]:
    """How many lines of data (a header included) the budget allows, judged from the first lines, and the characters
    of a blank row; refuses a file whose first lines already have more than ``MAX_COLUMNS`` fields."""
    delimiter = sniff_delimiter(_sample(lines))
    width = _sample_width(lines, delimiter)
    if width > MAX_COLUMNS:
        raise _too_many_columns(width)
    return min(MAX_ROWS, MAX_CELLS // width) + 1, _filler(delimiter)


def _is_header(first: list[str], below: list[list[str]]) -> bool:
    """A first row is a header when it holds no number and names at least one column of numbers or dates.

    With no rows below (a single line), a row without any number is taken as a lonely header.
    """
    if any(looks_numeric(cell) for cell in first if cell.strip()):
        return False
    if not below:
        return True
    for column, name in enumerate(first):
        if not name.strip() or looks_like_date(name):
            continue
        cells = [row[column].strip() for row in below if column < len(row) and row[column].strip()]
        typed = sum(looks_numeric(cell) or looks_like_date(cell) for cell in cells)
        if cells and typed >= 0.5 * len(cells):
            return True
    # No column of numbers below: a row of distinct words is still most likely a header.
    words = [cell.strip() for cell in first]
    return all(words) and len(set(words)) == len(words)


def _comment_header(comment: str, delimiter: str, width: int, below: list[list[str]]) -> list[str] | None:
    """The column names a ``#`` comment line just above header-less data holds, or None.

    Exports such as the study note's ``data-02-stock_daily.csv`` (``# Open,High,Low,Volume,Close`` above rows of
    numbers) write their header as a comment. The line counts as the header only when, split like the data, it
    has exactly the data's number of fields, every one a distinct word (no number, no date) and it would pass as
    a header row itself (``_is_header``), and every field is name-sized (at most three words): a comment of prose
    or a URL rarely splits into exactly that many names. The notes say where the names came from.
    """
    text = comment.lstrip("#").strip()
    try:
        fields = [field.strip() for field in next(csv.reader([text], delimiter=delimiter))]
    except (csv.Error, StopIteration):
        return None
    if len(fields) != width or not all(fields) or len(set(fields)) != len(fields):
        return None
    if any(len(field) > 40 or len(field.split()) > 3 for field in fields):
        return None
    if any(looks_like_date(field) for field in fields) or not _is_header(fields, below):
        return None
    return fields


def _comments_sentence(count: int) -> str:
    return ngettext(
        "Skipped {count:,} comment line starting with #.",
        "Skipped {count:,} comment lines starting with #.",
        count,
    ).format(count=count)


def _shortened(line: str, limit: int = 120) -> str:
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _unique_names(names: list[str]) -> list[str]:
    """Blank names become ``column_k``; repeated names get `` (2)``, `` (3)`` so every column is addressable."""
    seen: Counter[str] = Counter()
    result = []
    for index, name in enumerate(names, start=1):
        name = name.strip() or f"column_{index}"
        seen[name] += 1
        result.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return result


def _line_list(numbers: Iterable[int], limit: int = 5) -> str:
    numbers = list(numbers)
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (", …" if len(numbers) > limit else "")


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Building 200,000 small lists wakes Python's cycle collector again and again (measured: 2x slower).

    Rows of strings hold no cycles, so pausing it is safe; the previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _wide_line(line: str, number: int, delimiter: str) -> InputError:
    return InputError(
        N_(
            "Line {line} holds about {count:,} fields, far more than the limit of {limit} columns. Keep only "
            "the columns you need and upload the file again."
        ),
        line=number,
        count=line.count(delimiter) + 1,
        limit=MAX_COLUMNS,
    )


def _parse_records(
    lines: list[str], line_numbers: list[int], delimiter: str
) -> tuple[list[list[str]], list[int], list[tuple[int, int]], list[int]]:
    """Split lines into rows of fields, respecting quotes; return the rows, their line numbers in the file,
    (first, past the last) indexes in ``lines`` of the rows whose quoted field runs over a line end, and the number
    of quote marks on each line.

    Within the budget: ``lines`` is emptied as it is read (each line is released once split, so the text and its
    cells are never held twice); a line with so many delimiters that splitting it alone would cost more than a table
    is refused before csv splits it (the first lines were checked before the file was split into lines); once the
    fields split pass ``MAX_CELLS`` (and a header) the file is refused, counting the rows longer than the first ones
    (later set aside as ragged) too.
    """
    quotes: list[int] = []

    def read() -> Iterator[str]:
        for index, number in enumerate(line_numbers):
            line, lines[index] = lines[index], ""
            if len(line) > WIDE_LINE and line.count(delimiter) > WIDE_LINE:
                raise _wide_line(line, number, delimiter)
            quotes.append(line.count('"'))
            yield line + "\n"

    reader = csv.reader(read(), delimiter=delimiter)
    records: list[list[str]] = []
    ends: list[int] = []
    cells, budget = 0, MAX_CELLS + MAX_COLUMNS
    try:
        for row in reader:
            records.append(row)
            ends.append(reader.line_num)
            cells += len(row)
            if cells > budget:
                raise _too_many_cells(len(lines), -(-cells // len(records)))  # the fields per row so far, on average
        if len(records) == len(lines):  # the usual case: one row per line
            return records, line_numbers, [], quotes
    except csv.Error as error:  # e.g. a quote never closed makes a field longer than csv's limit
        line = line_numbers[max(1, min(reader.line_num, len(line_numbers))) - 1]
        raise InputError(
            N_("Line {line} could not be split into fields ({error}). Check the quotes on that line."),
            line=line,
            error=str(error),
        ) from error
    starts = [0, *ends[:-1]]  # index in `lines` of each row's first line
    spanning = [(start, end) for start, end in zip(starts, ends, strict=True) if end - start > 1]
    return records, [line_numbers[start] for start in starts], spanning, quotes


def _quote_note(spanning: list[tuple[int, int]], quotes: list[int], line_numbers: list[int]) -> Message:
    """What a quote that runs over line ends did; an odd count of quote marks (``quotes``: per line) means it was
    never closed."""
    start, end = spanning[-1]
    if end == len(quotes) and sum(quotes[start:end]) % 2:
        first, last = line_numbers[start], line_numbers[end - 1]
        return said(
            N_(
                'A quote (") opened on line {first} runs over the end of the line and is never closed, so lines '
                "{first} to {last} (the rest of the file) were read as one row. Close or remove that quote and upload "
                "the file again."
            ),
            first=first,
            last=last,
        )
    return said(
        N_(
            'A quote (") opened on line {lines} runs over the end of the line; the lines up to the closing quote '
            "were read as one row. Check the quotes there."
        ),
        lines=_line_list(line_numbers[start] for start, _end in spanning),
    )


def _found_sentence(rows: int, columns: int) -> str:
    """Found 120 data rows and 1 column: one whole sentence per number of columns (two counts, one plural rule)."""
    if columns == 1:
        return ngettext(
            "Found {rows:,} data row and {columns:,} column.", "Found {rows:,} data rows and {columns:,} column.", rows
        ).format(rows=rows, columns=columns)
    return ngettext(
        "Found {rows:,} data row and {columns:,} columns.", "Found {rows:,} data rows and {columns:,} columns.", rows
    ).format(rows=rows, columns=columns)


def read_text_table(raw: bytes) -> TextTable:
    """Decode, drop comments and blank lines, find the delimiter and the header, set ragged rows aside.

    Refuses (``InputError``) what cannot be a table: an empty or oversized file, binary data,
    a header with no rows, more than ``MAX_ROWS`` rows or ``MAX_COLUMNS`` columns.
    """
    with _cyclic_gc_paused():
        return _read_text_table(raw)


def _read_text_table(raw: bytes) -> TextTable:
    if len(raw) > MAX_BYTES:
        raise InputError(
            N_(
                "The file is {size:.0f} MB; the limit is {limit} MB. "
                "Keep fewer rows (for example the most recent ones) and upload it again."
            ),
            size=len(raw) / 1024**2,
            limit=MAX_BYTES // 1024**2,
        )
    if not raw.strip():
        raise InputError(N_("The file is empty. Upload a CSV file with a header row and rows of numbers below it."))
    text, encoding = decode_text(raw)
    split = csv_lines.data_lines(text, _allowed_lines, SNIFF_LINES)
    lines, line_numbers, comments, blanks = split.kept, split.line_numbers, split.comments, split.blanks
    comment_above = split.comment_above
    if split.cut:  # over the budget, judged from the first lines: refused before the rest is split
        width = _sample_width(lines, sniff_delimiter(_sample(lines)))
        raise _too_many_rows() if MAX_ROWS * width <= MAX_CELLS else _too_many_cells(csv_lines.line_count(text), width)
    del text, split  # the lines hold what is needed
    notes = [_("Read as {encoding} text.").format(encoding=_(encoding))]
    if mixed_encodings(raw, encoding):
        notes.append(_(MIXED_ENCODINGS))
    if not lines:
        raise InputError(
            N_("The file holds no data, only blank or comment lines. Upload a CSV file with rows of numbers.")
        )

    delimiter = sniff_delimiter(_sample(lines))
    filler = _filler(delimiter)
    empty_rows = [i for i, line in enumerate(lines) if not line.strip(filler)]
    if empty_rows:
        blanks += len(empty_rows)
        drop = set(empty_rows)
        lines = [line for i, line in enumerate(lines) if i not in drop]
        line_numbers = [n for i, n in enumerate(line_numbers) if i not in drop]
    if blanks:
        notes.append(
            ngettext("Skipped {count:,} blank line.", "Skipped {count:,} blank lines.", blanks).format(count=blanks)
        )
    if not lines:
        raise InputError(N_("The file holds no data, only blank lines. Upload a CSV file with rows of numbers."))
    if delimiter in DELIMITER_NOTES and any(delimiter in line for line in lines[:SNIFF_LINES]):
        notes.append(_(DELIMITER_NOTES[delimiter]))
    else:
        notes.append(_("The file has a single column."))

    records, record_lines, spanning, quotes = _parse_records(lines, line_numbers, delimiter)
    del lines  # emptied as it was split: the rows hold the cells now
    quote_problem = _quote_note(spanning, quotes, line_numbers) if spanning else None
    if quote_problem:
        notes.append(quote_problem.worded())
    has_header = _is_header(records[0], records[1:SNIFF_LINES])
    data, data_lines = (records[1:], record_lines[1:]) if has_header else (records, record_lines)
    if not data:
        raise InputError(
            sentences(
                said(N_("The file has a header row but no data rows below it.")),
                quote_problem or said(N_("Add rows of numbers.")),
            )
        )
    width = Counter(len(row) for row in data).most_common(1)[0][0]
    if width > MAX_COLUMNS:
        raise _too_many_columns(width)
    if len(data) > MAX_ROWS:
        raise InputError(
            N_(
                "The file has {count:,} data rows; the limit is {limit:,}. Keep the most recent rows, "
                "or resample (for example daily instead of hourly)."
            ),
            count=len(data),
            limit=MAX_ROWS,
        )
    if len(data) * width > MAX_CELLS:  # a safety net: the budget was kept while the lines were split
        raise _too_many_cells(len(data), width)

    comment_header = None
    if not has_header and comment_above is not None:
        comment_header = _comment_header(comment_above, delimiter, width, data[:SNIFF_LINES])
    skipped = comments - (comment_header is not None)  # the comment that names the columns has its own sentence
    if skipped:
        notes.insert(1, _comments_sentence(skipped))
    if has_header:
        header = records[0][:width] + [""] * (width - len(records[0]))
        notes.append(_("The first row holds the column names."))
        if len(records[0]) > width and any(cell.strip() for cell in records[0][width:]):
            notes.append(
                _(
                    "The header names {names} columns but the rows have {width} fields; "
                    "the extra names were not used: {extra}."
                ).format(names=len(records[0]), width=width, extra=", ".join(repr(c) for c in records[0][width:]))
            )
    elif comment_header is not None:
        header = comment_header
        notes.append(
            _("The header came from the comment line '{line}' just above the data.").format(
                line=_shortened(comment_above or "")
            )
        )
    else:
        header = [""] * width
        notes.append(_("There is no header row; the columns were named column_1 … column_{width}.").format(width=width))
    names = _unique_names(header)
    if len(set(n.strip() for n in header if n.strip())) < len([n for n in header if n.strip()]):
        notes.append(_("Some column names were repeated; the repeats were numbered, e.g. 'Close (2)'."))

    good = [row for row in data if len(row) == width]
    ragged = [line for row, line in zip(data, data_lines, strict=True) if len(row) != width]
    if ragged:
        notes.append(
            ngettext(
                "{count:,} row had a different number of fields than the usual {width} and was left out "
                "(line {lines}).",
                "{count:,} rows had a different number of fields than the usual {width} and were left out "
                "(lines {lines}).",
                len(ragged),
            ).format(count=len(ragged), width=width, lines=_line_list(ragged))
        )
    notes.append(_found_sentence(len(good), width))
    columns = list(zip(*good, strict=True)) if good else [() for _ in names]  # (columns,) tuples of (rows,)
    return TextTable(names=names, columns=columns, delimiter=delimiter, notes=notes, quote_problem=quote_problem)
