"""A file in the exact layout of the study note's ``data-02-stock_daily.csv`` (Yahoo GOOG daily), made in the test:
two ``#`` lines, the second the header ``# Open,High,Low,Volume,Close``, then rows of numbers newest first, no date
column. In time the price falls, then rises to above where it started, so reading the file the wrong way round
shows a different series (it would start high, dip and end lower)."""

from __future__ import annotations

import numpy as np

HEADER = "# Open,High,Low,Volume,Close"
ROWS = 120
LOW_AT = 40  # the day (counted oldest first) the price bottoms out


def closes_oldest_first(rows: int = ROWS) -> np.ndarray:
    """(rows,) the close in time order: 800 falling to 500 by day ``LOW_AT``, then rising to 900."""
    days = np.arange(rows)
    falling = 800 - 300 * days / LOW_AT
    rising = 500 + 400 * (days - LOW_AT) / (rows - 1 - LOW_AT)
    return np.round(np.where(days <= LOW_AT, falling, rising), 6)


def note_stock_lines(rows: int = ROWS) -> list[str]:
    """The data lines as the file writes them: newest first (the file's first data line is the last day)."""
    lines = []
    for day, close in enumerate(closes_oldest_first(rows)):
        wiggle = 3 * np.sin(day)
        values = (close - 1 + wiggle, close + 4, close - 5, 1_000_000 + 5_000 * day, close)
        lines.append(",".join(f"{value:.6f}" if i != 3 else str(int(value)) for i, value in enumerate(values)))
    return lines[::-1]


def note_stock_bytes(rows: int = ROWS) -> bytes:
    text = "\n".join(["# https://finance.yahoo.com/quote/GOOG/history?ie=UTF-8", HEADER, *note_stock_lines(rows)])
    return (text + "\n").encode()
