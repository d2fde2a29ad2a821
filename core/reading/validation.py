"""One rule for whole numbers that come from widgets, URLs or files."""

from __future__ import annotations

import math
from numbers import Real

from core.words.errors import InputError
from core.words.i18n import _

MAX_SEED = 2**31 - 1  # what torch, numpy and a URL all hold without surprises


def whole_number(value: object, what: str, low: int, high: int) -> int:
    """``value`` as an int when it is a whole number from ``low`` to ``high``; else a learner's message.

    Accepted: ints, numpy integers and floats with nothing after the point (3, np.int64(3), 3.0).
    Refused: True/False, text (even "3": parsing text is the reader's job), NaN, infinity, 3.5, and
    anything out of range.
    """
    whole = (
        not isinstance(value, bool) and isinstance(value, Real) and math.isfinite(value) and float(value).is_integer()
    )
    if not whole or not low <= int(value) <= high:
        raise InputError(
            _("{what} must be a whole number from {low} to {high} (got {value}).").format(
                what=what, low=f"{low:,}", high=f"{high:,}", value=repr(value)
            )
        )
    return int(value)


def one_of(value: object, options, what: str) -> str:
    if value not in options:
        raise InputError(
            _("Unknown {what} {value}: choose one of {choices}.").format(
                what=what, value=repr(value), choices=", ".join(map(str, options))
            )
        )
    return value
