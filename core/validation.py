"""One rule for whole numbers that come from widgets, URLs or files."""

from __future__ import annotations

import math

from core.errors import InputError


def whole_number(value: object, what: str, low: int, high: int) -> int:
    """``value`` as an int when it is a whole number from ``low`` to ``high``; else a learner's message.

    Accepted: ints and floats with nothing after the point (3 and 3.0). Refused: True/False, text,
    NaN, infinity, 3.5, and anything out of range.
    """
    whole = (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(value)
        and float(value).is_integer()
    )
    if not whole or not low <= int(value) <= high:
        raise InputError(f"{what} must be a whole number from {low:,} to {high:,} (got {value!r}).")
    return int(value)


def one_of(value: object, options, what: str) -> str:
    if value not in options:
        raise InputError(f"Unknown {what} {value!r}: choose one of {', '.join(map(str, options))}.")
    return value
