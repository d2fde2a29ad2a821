"""One rule for whole numbers that come from widgets, URLs or files, and for a choice among options.

Their messages are kept as ``Message``s (``core.words.message``): a refusal kept in the session (a link's value) is
worded where it is shown. ``what`` names the setting: an ``N_()`` source, worded with the message (or words already
in the current language, shown as they are).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Real

from core.words.errors import InputError
from core.words.i18n import N_
from core.words.message import Message, said

MAX_SEED = 2**31 - 1  # what torch, numpy and a URL all hold without surprises


def _named(what: str | Message) -> Message:
    return what if isinstance(what, Message) else said(what)


def whole_number(value: object, what: str | Message, low: int, high: int) -> int:
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
            N_("{what} must be a whole number from {low} to {high} (got {value})."),
            what=_named(what),
            low=f"{low:,}",
            high=f"{high:,}",
            value=repr(value),
        )
    return int(value)


def whole_numbers(settings: object, limits: Iterable[tuple[str, str | Message, int, int]]) -> None:
    """A frozen settings object's whole-number fields checked in place, each (name, what, low, high) of ``limits``:
    every settings class's ``__post_init__`` asks this of its counts, sizes and seed; each is kept as an int."""
    for name, what, low, high in limits:
        object.__setattr__(settings, name, whole_number(getattr(settings, name), what, low, high))


def one_of(value: object, options, what: str | Message) -> str:
    if value not in options:
        raise InputError(
            N_("Unknown {what} {value}: choose one of {choices}."),
            what=_named(what),
            value=repr(value),
            choices=", ".join(map(str, options)),
        )
    return value
