"""Small helpers the CSV and time-series tests share: read a text as an uploaded file, catch a refusal, the epochs a
forecast run validates at."""

from __future__ import annotations

import pytest

from core.reading.series import read_series
from core.words.errors import InputError


def read(text: str, encoding: str = "utf-8"):
    """The table read_series finds in ``text`` uploaded as a file in ``encoding``."""
    return read_series(text.encode(encoding))


def refused(raw: bytes) -> str:
    """The InputError message read_series refuses ``raw`` with (the test fails if it reads it)."""
    with pytest.raises(InputError) as caught:
        read_series(raw)
    return str(caught.value)


def notes_of(table) -> str:
    return " ".join(table.notes)


def validation_epochs(epochs: int, validate_every: int) -> list[int]:
    """The epochs after which the test-part loss is measured: every ``validate_every``-th, and the last (what the
    validation caption of core.screens.time_series.readings says)."""
    every = max(1, int(validate_every))
    measured = list(range(every, int(epochs) + 1, every))
    return measured if measured and measured[-1] == epochs else [*measured, int(epochs)]
