"""A run's description (run.json), measured before and while it is parsed: a file from outside costs the server no
more than the file's own settings could have written.

Its text is counted before a single object is built (``JsonSize``: characters, containers, strings, values), against
the largest description any settings write (``LARGEST``); its outline (``_outline``: one pass over its strings and
brackets) gives its depth and where the parts that grow with the epochs lie, so its head (the file's own fields and
the settings) is parsed alone (``head``) and the rest is measured against what a run of those settings writes
(``json_ceiling``, ``shape_of``); the parse itself (``parse``) counts the floats and ints it makes and refuses a number
no run writes. What the file is and when each part is read is ``core.saving.file``; what a session's state must hold is
``core.runs.state``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from core.runs.state import MAX_LEARNING_RATE_CHANGES, damaged, not_a_run
from core.screens import registry
from core.words.errors import InputError
from core.words.i18n import N_
from core.words.message import said


# What a run's description (run.json) holds at most, as json.dumps writes it, counted the way its text can be counted
# before a single object is built: characters; containers (each "[" or "{"); strings (each pair of '"'); values (about
# one per ","); and, while it is parsed, floats and ints past the ones the parser shares (each a new object). Its
# parse costs memory in proportion to these counts, so each is bounded by what the file's settings can write.
@dataclass(frozen=True)
class JsonSize:
    characters: int = 0
    containers: int = 0
    strings: int = 0
    values: int = 0
    floats: int = 0
    large_ints: int = 0

    def __add__(self, other: JsonSize) -> JsonSize:
        return JsonSize(*(a + b for a, b in zip(dataclasses.astuple(self), dataclasses.astuple(other), strict=True)))

    def __rmul__(self, times: int) -> JsonSize:
        return JsonSize(*(times * a for a in dataclasses.astuple(self)))

    def within(self, ceiling: JsonSize) -> bool:
        return all(a <= b for a, b in zip(dataclasses.astuple(self), dataclasses.astuple(ceiling), strict=True))


def counted(text: str) -> JsonSize:
    """The counts of a description's text (an upper bound: a bracket, quote or comma inside a string counts too)."""
    return JsonSize(len(text), text.count("[") + text.count("{"), text.count('"') // 2, text.count(",") + 1, 0, 0)


# Measured on saved runs (a 4-layer LSTM with a head, HiHello's longest word, Long sequences' longest text), with
# room to spare: one epoch's record (its fields, a gradient norm for each of at most 18 parameter tensors, the
# read-back's accuracy), one class id (a HiHello prediction or a character read back: at most 3 digits), one accuracy
# per position of a Long sequences window, one learning-rate change, one session's own fields and snapshot epochs,
# and the file's own fields (versions, screen, data, the reason a run stopped).
RECORD = JsonSize(characters=1536, containers=8, strings=32, values=32, floats=26, large_ints=1)
CLASS_ID = JsonSize(characters=5, values=1)
POSITION = JsonSize(characters=24, values=1, floats=1)
CHANGE = JsonSize(characters=48, containers=1, values=3, floats=1, large_ints=2)
SESSION = JsonSize(characters=2048, containers=16, strings=32, values=64, floats=16, large_ints=48)
FIXED = JsonSize(characters=32 * 1024, containers=64, strings=128, values=512, floats=64, large_ints=64)
MAX_SETTINGS_CHARACTERS = 256 * 1024  # a Time series run's 200 column names, each escaped, fit many times over
MAX_JSON_DEPTH = 7  # the deepest the format writes: run, sessions, a session, records, a record, predictions, a row
MAX_INT_DIGITS = 18  # no number a run writes (seed, epoch, step, id) comes near 10 ** 18


def json_ceiling(sessions: int, epochs: int, ids: int = 0, positions: int = 0) -> JsonSize:
    """The most a description of ``sessions`` sessions of ``epochs`` epochs (or steps) holds, each epoch with ``ids``
    class ids and ``positions`` accuracies, besides its settings."""
    per_epoch = RECORD + ids * CLASS_ID + positions * POSITION
    return FIXED + sessions * (SESSION + epochs * per_epoch + MAX_LEARNING_RATE_CHANGES * CHANGE)


def shape_of(settings: Any) -> tuple[int, int, int, int]:
    """What decides the size of a screen's description: sessions, epochs (steps), class ids and positions per epoch
    (the screen's ``file_shape``)."""
    entry = registry.screen_of(settings)
    return entry.file_shape(settings) if entry is not None else (1, int(settings.epochs), 0, 0)


# The description but its sessions and read-back logs: its own fields and the settings.
HEAD = FIXED + JsonSize(characters=MAX_SETTINGS_CHARACTERS, containers=64, strings=1024, values=1024)
# The largest description any settings of any screen can write (each screen's ``largest_file_shape``): Long sequences'
# longest text for the most epochs, or the comparison's cells for the most steps. A file whose description is larger
# is refused before it is read whole.
LARGEST_SHAPES = [entry.largest_file_shape for entry in registry.training_screens()]
_CEILINGS = [dataclasses.astuple(json_ceiling(*shape)) for shape in LARGEST_SHAPES]
LARGEST = JsonSize(*(max(sizes) for sizes in zip(*_CEILINGS, strict=True))) + HEAD
MAX_RUN_JSON_BYTES = LARGEST.characters  # json.dumps writes ASCII: a character is a byte
# The ints the parser hands out shared, as Python does below 257: every class id and epoch (or step) number is one
# of them, so 5,000 epochs of a 1,000-character read-back make no new int (5 million of them would cost 180 MB).
SHARED_INTS = {str(n): n for n in range(2 * max(max(epochs, ids) for _s, epochs, ids, _p in LARGEST_SHAPES))}

# A string (one left open runs to the end: matched once, never retried at each later quote) or a bracket outside one.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\Z)|[\[\]{}]', re.DOTALL)
_KEY_END = re.compile(r"\s*:")
GROWING = ('"sessions"', '"read_back"')  # the description's members whose size grows with the epochs


def outline(text: str) -> tuple[list[tuple[int, int]], int]:
    """Where the two parts that grow with the epochs (the sessions and the read-back logs) lie in the description,
    and how deep its brackets nest. One pass over its strings and brackets, whose number the caller has bounded."""
    depth, deepest, key, start, cuts = 0, 0, "", 0, []
    for token in _TOKEN.finditer(text):
        char = text[token.start()]
        if char == '"':
            if depth == 1 and _KEY_END.match(text, token.end()):
                key = token.group()
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            start = token.start() if depth == 2 else start
        else:
            if depth == 2 and key in GROWING:
                cuts.append((start, token.end()))
            depth -= 1
    return cuts, deepest


def head_of(text: str, cuts: list[tuple[int, int]], size: JsonSize) -> tuple[str, JsonSize]:
    """The description with ``cuts`` written ``null`` (what the file is, in a few hundred characters), and its counts.
    They are counted in place first: a head larger than a description's own fields is refused unbuilt."""
    for cut_start, cut_end in cuts:
        inside = JsonSize(
            cut_end - cut_start - len("null"),
            text.count("[", cut_start, cut_end) + text.count("{", cut_start, cut_end),
            text.count('"', cut_start, cut_end) // 2,
            text.count(",", cut_start, cut_end),
        )
        size = JsonSize(*(a - b for a, b in zip(dataclasses.astuple(size), dataclasses.astuple(inside), strict=True)))
    if not size.within(HEAD):
        raise not_a_run(said(N_("Its description (run.json) holds more than any run's description.")))
    pieces, end = [], 0
    for cut_start, cut_end in cuts:
        pieces += [text[end:cut_start], "null"]
        end = cut_end
    head = "".join([*pieces, text[end:]])
    return head, counted(head)


def too_much() -> InputError:
    return InputError(
        N_(
            "This run's description (run.json) holds more than a run of its settings ever writes: the file was edited "
            "or damaged. Save the run again from RNN Lab."
        )
    )


def _not_finite(literal: str) -> InputError:
    value = literal if len(literal) <= 24 else literal[:23] + "…"
    return damaged(said(N_("its description (run.json) holds a number that is not finite ({value})"), value=value))


def parse(text: str, ceiling: JsonSize) -> object:
    """The JSON of ``text``, counting the numbers it makes: more floats or large ints than ``ceiling``, a number
    past any a run writes, NaN or infinity, and it stops there with the learner's message."""
    made = {"floats": 0, "large_ints": 0}

    def parse_float(literal: str) -> float:
        made["floats"] += 1
        value = float(literal)
        if made["floats"] > ceiling.floats:
            raise too_much()
        if not math.isfinite(value):  # 1e999
            raise _not_finite(literal)
        return value

    def parse_int(literal: str) -> int:
        if len(literal.lstrip("-")) > MAX_INT_DIGITS:
            raise damaged(
                said(
                    N_("its description (run.json) holds a number of {digits:,} digits, far past any a run writes"),
                    digits=len(literal.lstrip("-")),
                )
            )
        shared = SHARED_INTS.get(literal)
        if shared is not None:
            return shared
        made["large_ints"] += 1
        if made["large_ints"] > ceiling.large_ints:
            raise too_much()
        return int(literal)

    def parse_constant(name: str) -> float:  # NaN, Infinity, -Infinity: json.dumps writes them, no saved run has them
        raise _not_finite(name)

    try:
        return json.loads(text, parse_float=parse_float, parse_int=parse_int, parse_constant=parse_constant)
    except InputError:
        raise
    except (ValueError, RecursionError):  # JSONDecodeError; the recursion only past MAX_JSON_DEPTH, outlined first
        raise not_a_run(said(N_("Its description (run.json) is not readable JSON."))) from None
