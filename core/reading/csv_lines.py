"""The lines of a text that hold data: split a megabyte at a time, ``#`` comments and blank lines dropped, each kept
line with its number in the file, and splitting stopped as soon as the caller's budget is passed.

A huge file's lines are never all held at once: ``lines_of`` splits a chunk at a time, and ``data_lines`` asks the
caller (``core.reading.csv_reading``, which judges the first lines: delimiter, width, the limits) how many lines it
allows before it splits the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

CHUNK = 1 << 20  # characters split into lines at a time: the lines of a huge file are never all held at once


def line_count(text: str) -> int:
    """About how many lines: their ends counted, the text not split (a C loop over it)."""
    ends = text.count("\n") or text.count("\r")
    return ends + (not text.endswith(("\n", "\r")))


@dataclass(frozen=True)
class DataLines:
    """The lines that hold data, their line numbers in the file, what was dropped, and the comment line just above
    the first data line (only blank lines between), which may hold the column names."""

    kept: list[str]
    line_numbers: list[int]
    comments: int
    blanks: int
    comment_above: str | None
    cut: bool = False  # more lines hold data than the budget allowed: the rest of the file was not split


def _content_end(text: str) -> int:
    """Where the text ends without its last line ends (a last newline ends a line, it adds no empty one)."""
    tail = text[-4096:]
    kept = tail.rstrip("\r\n")
    return len(text) - (len(tail) - len(kept)) if kept else len(text.rstrip("\r\n"))


def lines_of(text: str) -> Iterator[str]:
    """The lines of ``text``, ended by \\n, \\r\\n or \\r, split about a megabyte at a time (no list of every line)."""
    size = _content_end(text)
    separator = "\n" if "\n" in text else "\r"
    start = 0
    while start < size:
        cut = text.find(separator, min(start + CHUNK, size), size)
        stop = size if cut < 0 else cut
        chunk = text[start:stop]
        if "\r" in chunk:
            if separator == "\n" and chunk.endswith("\r"):  # the \r of the \r\n the chunk was cut at
                chunk = chunk[:-1]
            chunk = chunk.replace("\r\n", "\n").replace("\r", "\n")
        yield from chunk.split("\n")
        start = stop + 1


def data_lines(text: str, allowed: Callable[[list[str]], tuple[int, str]], first: int) -> DataLines:
    """Drop ``#`` comment lines and blank lines; keep the original line number of every kept line.

    ``allowed`` gets the first ``first`` kept lines (all of them when there are fewer) and says how many kept
    lines the budget allows, or refuses the file; past that many, splitting stops and the result is ``cut``. It also
    says which characters make a line of bare delimiters (",,,,", a blank row a spreadsheet left): after the first
    lines such a line counts as blank at once (the reader drops those among the first lines), so a sheet
    with thousands of them is not refused for rows it does not hold.
    """
    kept: list[str] = []
    line_numbers: list[int] = []
    comments = blanks = 0
    comment_above = None
    limit, filler = None, ""
    for number, line in enumerate(lines_of(text), start=1):
        stripped = line.strip()
        if not stripped or (filler and not line.strip(filler)):
            blanks += 1
        elif stripped.startswith("#"):
            comments += 1
            if not kept:
                comment_above = stripped
        else:
            kept.append(line)
            line_numbers.append(number)
            if limit is None and len(kept) == first:
                limit, filler = allowed(kept)
            if limit is not None and len(kept) > limit:
                return DataLines(kept, line_numbers, comments, blanks, comment_above, cut=True)
    if limit is None and kept:  # fewer lines than the sample: checked all the same
        limit, filler = allowed(kept)
    return DataLines(kept, line_numbers, comments, blanks, comment_above, cut=limit is not None and len(kept) > limit)
