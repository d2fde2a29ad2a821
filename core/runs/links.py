"""Settings read from a link: the raw text of each URL parameter, checked by the screen's own settings class.

A link is typed or forged by anyone, so nothing from it reaches a widget unchecked. Each value is parsed by the
type of the setting it names (a whole number, a number, on/off, text) and then validated by the screen's frozen
settings class, the same rules the widgets' values meet. A value that fails is refused with the learner's reason,
never clamped to something near it. A number is read in plain decimal form only (``12``, ``-3``, ``0.001``), the
form ``link_text`` writes; a device the link names must be on this machine; a list (a repeated parameter,
``hide=a,b``) is read once, each name once, and at most ``MOST_VALUES`` of them: what the link carries costs no more
than its length, and the note about it stays short.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from babel.messages.pofile import read_po

from core.engine.runtime import device_here
from core.words.errors import InputError
from core.words.i18n import LANGUAGES, N_, SOURCE_LANGUAGE, _, catalogue_path, ngettext, speaking
from core.words.message import Message, said

# A widget whose options depend on a data table carries the table's tag at the end of its key
# (``time_series_epochs_3f2a9c1b``): its parameter is the same setting, for that table only.
TABLE_TAG = re.compile(r"_[0-9a-f]{8}$")
# A number as a link writes it and reads it: digits, an optional leading minus, one decimal point between digits.
# Python's float() takes far more ("1_0" is 10, " 5 " is 5, "1e-3", "inf", Arabic-Indic digits): none of it is read.
# The app never wrote an exponent: link_text wrote str(), which uses one only below 1e-4, and the smallest number a
# control holds is the learning rate 0.0001; Streamlit writes a bound float control's value with str() too, and
# every float control steps by 0.05 or more. So a link with an exponent was typed by hand, and is refused like any
# other text (link_text now writes plain decimals whatever the value: 1e-05 as 0.00001).
PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
# The most values a list in a link holds (``hide=`` names, a repeated parameter): more than any control offers (a
# table has at most 200 columns to choose, a screen fewer than 30 settings to hide); beyond it, a note.
MOST_VALUES = 200
MOST_NOTED = 20  # refused values named in the note; the rest are counted
MOST_REASON = 200  # characters of a reason shown (a settings class may quote the whole refused value)
SHOWN_VALUE = 40  # characters of a refused value shown


def renamed(names: Iterable[str], key: str, former_keys: Sequence[str]) -> dict[str, str]:
    """The parameters of a link made when the screen had a former name (``longseq_seed`` on the screen now named
    ``long_sequences``), each with the name it has now; one the link also gives by its name now is left out (that one
    wins)."""
    given = set(names)
    found = {}
    for name in given:
        for former in former_keys:
            if name.startswith(f"{former}_") and not name.startswith(f"{key}_"):
                now = f"{key}_{name.removeprefix(f'{former}_')}"
                if now not in given:
                    found[name] = now
                break
    return found


def field_of(name: str, prefix: str) -> str | None:
    """The setting a URL parameter names on the screen ``prefix`` (``hihello_seed`` -> ``seed``), or None."""
    if not name.startswith(f"{prefix}_"):
        return None
    return TABLE_TAG.sub("", name.removeprefix(f"{prefix}_"))


@dataclass(frozen=True)
class Refusal:
    """A value the link carried that the screen did not take, and why (a sentence for the learner).

    A refusal is kept in the session (the note stays on screen), so it holds no translated text: ``why`` is a
    ``Message`` (an English source given as ``N_("...")`` becomes one), worded in the language of the moment it is
    shown. ``clause``: the reason is an error's sentence, shown as a clause (its first letter small, no full stop)."""

    name: str  # the URL parameter, e.g. "hihello_seed"
    raw: str
    why: Message = field(compare=False)
    clause: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.why, Message):
            object.__setattr__(self, "why", said(self.why))

    @classmethod
    def of_error(cls, name: str, raw: str, error: InputError) -> Refusal:
        """The refusal an InputError states (its message kept, to be worded when shown)."""
        return cls(name, raw, error.message, clause=True)

    @property
    def reason(self) -> str:
        text = self.why.worded()
        if not self.clause:
            return text
        return text[0].lower() + text[1:].rstrip(".") if text else _("refused")

    def sentence(self, quote: Callable[[str], str] = str) -> str:
        """``name=value (reason)``, the value and the reason shortened; ``quote`` makes the link's text (its name,
        its value, a reason that quotes it) safe where the sentence is shown (``ui.links.as_text``)."""
        name, shown, reason = (
            shortened(text, most)
            for text, most in ((self.name, SHOWN_VALUE), (self.raw, SHOWN_VALUE), (self.reason, MOST_REASON))
        )
        return f"{quote(name)}={quote(shown)} ({quote(reason)})"


def shortened(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def ignored_sentence(refusals: Sequence[Refusal], quote: Callable[[str], str] = str) -> str:
    """The one line a screen shows about a link's refused values: the first ``MOST_NOTED`` named, the rest counted."""
    values = [r.sentence(quote) for r in refusals[:MOST_NOTED]]
    if len(refusals) > MOST_NOTED:
        more = len(refusals) - MOST_NOTED
        values.append(ngettext("and {count} more value", "and {count} more values", more).format(count=more))
    return _("Ignored from the link: {values}.").format(values="; ".join(values))


def read_names(values: Iterable[str], most: int = MOST_VALUES) -> tuple[list[str], list[str]]:
    """The names a list parameter gives (``hide=seed,cell``, repeated or not), in one pass: each once, in the order
    given, blanks left out; the first ``most`` of them, and the rest (which a note names)."""
    names = list(dict.fromkeys(name.strip() for value in values for name in value.split(",")))
    names = [name for name in names if name]
    return names[:most], names[most:]


def too_many(given: int, most: int = MOST_VALUES) -> Message:
    """The reason a list beyond ``most`` values is cut (the note names the cap)."""
    return said(
        N_("{count} values, more than the {most} a link may hold: only the first {most} are read"),
        count=f"{given:,}",
        most=most,
    )


# -- a choice shown by its label ---------------------------------------------------------------------------
# Streamlit keeps a bound choice control's value in the URL as its label, in the language of the page that wrote
# it. A label table (option -> label) holds the English source (``N_``, translated where shown) or the labels as
# this run's language shows them (a page may translate its table at its top); either way a link is read in every
# language the app speaks, so a link made on a Korean page opens the same setup in English and back.
def shown_labels(labels: Mapping[object, str] | None) -> dict[object, str]:
    """The labels as the current language shows them (what the controls display and the URL carries)."""
    return {option: _(label) for option, label in (labels or {}).items()}


@cache
def _sources_by_translation(language: str) -> dict[str, tuple[str, ...]]:
    """Translation -> the English messages it translates, in one language's catalogue."""
    if language == SOURCE_LANGUAGE:
        return {}
    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=language)
    found: dict[str, list[str]] = {}
    for message in catalog:
        if message.id and isinstance(message.id, str) and isinstance(message.string, str) and message.string:
            found.setdefault(message.string, []).append(message.id)
    return {text: tuple(ids) for text, ids in found.items()}


def label_in_every_language(label: str) -> set[str]:
    """A label as each language shows it, whether ``label`` is the English source or a translation."""
    sources = {label}
    for language in LANGUAGES:
        sources.update(_sources_by_translation(language).get(label, ()))
    names = set(sources)
    for language in LANGUAGES:
        with speaking(language):
            names.update(_(source) for source in sources)
    return names


def options_by_label(labels: Mapping[object, str] | None) -> dict[str, object]:
    """Every text that names an option: the option itself, and its label in each language (this language's
    label wins a clash)."""
    found: dict[str, object] = {option: option for option in labels or {} if isinstance(option, str)}
    for option, label in (labels or {}).items():
        found.update(dict.fromkeys(label_in_every_language(label), option))
    found.update({text: option for option, text in shown_labels(labels).items()})
    return found


def parse_value(raw: str, default: object) -> object:
    """``raw`` as the kind of value ``default`` is; InputError (with a short reason) when it is not one."""
    if isinstance(default, bool):
        if raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise InputError(N_("not true or false"))
    if isinstance(default, int | float):
        if not PLAIN_DECIMAL.fullmatch(raw):
            try:
                number = float(raw)
            except ValueError:
                raise InputError(N_("not a number")) from None
            if not math.isfinite(number):
                raise InputError(N_("not a finite number"))
            raise InputError(N_("not a number in plain decimal form, like 12 or 0.001"))
        number = float(raw)
        if not math.isfinite(number):  # more than 300 digits
            raise InputError(N_("not a finite number"))
        if isinstance(default, int):
            if not number.is_integer():
                raise InputError(N_("not a whole number"))
            # int() of the text is exact where a float is not (above 2**53); it refuses 4,300 digits (leading zeros)
            return int(raw) if "." not in raw and len(raw) <= 400 else int(number)
        return number
    if isinstance(default, str):
        return raw
    raise InputError(N_("this setting cannot come from a link"))


def _check(defaults: Any, field: str, value: object, by_label: Mapping[str, object] | None = None) -> object:
    """The value a link's text gives a setting, valid with the defaults for every other setting; else InputError."""
    if isinstance(value, tuple):
        parsed: object = value
    elif by_label is not None and value in by_label:
        parsed = by_label[value]
    else:
        parsed = parse_value(value, getattr(defaults, field))
    dataclasses.replace(defaults, **{field: parsed})
    return parsed


def read_link(
    defaults: Any,
    raw: Mapping[str, str | list[str]],
    prefix: str,
    labels: Mapping[str, Mapping[object, str]] | None = None,
) -> tuple[dict[str, object], list[Refusal]]:
    """The settings a link sets (parameter -> value) and the values it carried that were refused.

    ``raw`` holds the URL's parameters; those named ``f"{prefix}_{field}"`` belong to this screen's settings
    (``defaults`` is an instance of its settings class). Each value must be valid on its own (with the defaults
    for every other setting); together they are left to the screen, which says what clashes. A choice shown
    with labels (``labels[field]``: option -> label, the English source) is written in the URL by its label, as
    Streamlit does, in the language of the page that wrote it: its label in any language is taken, and the option
    itself too."""
    labels = labels or {}
    fields = {f.name: getattr(defaults, f.name) for f in dataclasses.fields(defaults)}
    taken: dict[str, object] = {}
    refused: list[Refusal] = []
    for name, value in raw.items():
        field = field_of(name, prefix)
        if field not in fields:
            continue
        if isinstance(fields[field], tuple):  # several values: a repeated parameter (?x=a&x=b)
            values = tuple(value) if isinstance(value, list) else (value,)
            if len(values) > MOST_VALUES:
                refused.append(Refusal(name, ",".join(values[:10]), too_many(len(values))))
                continue
            try:
                _check(defaults, field, values)
            except InputError as error:
                refused.append(Refusal.of_error(name, ",".join(values), error))
                continue
            taken[name] = values
            continue
        if isinstance(value, list):
            if len(value) != 1:
                refused.append(Refusal(name, ",".join(value), N_("given more than once")))
                continue
            value = value[0]
        by_label = options_by_label(labels[field]) if field in labels else None
        try:
            parsed = _check(defaults, field, value, by_label)
        except InputError as error:
            refused.append(Refusal.of_error(name, value, error))
            continue
        if field in HERE and not HERE[field](parsed):
            refused.append(Refusal(name, value, NOT_HERE[field]))
            continue
        taken[name] = parsed
    return taken, refused


# Settings whose value names a part of the machine: valid anywhere, but a link made on one machine may name a part
# another lacks (``time_series_device=cuda`` opened on a server without a GPU). Such a value is ignored with the note,
# and the setting's default (``auto``: the CPU there) trains, rather than every run being refused.
HERE: dict[str, Callable[[Any], bool]] = {"device": device_here}
NOT_HERE = {"device": N_("this machine has no such device; the run uses the CPU")}


def link_text(value: object, labels: Mapping[object, str] | None = None) -> str:
    """A setting's value as a link writes it (the inverse of ``read_link``): a choice by its label, in the current
    language (as the control shows it, so as Streamlit writes it)."""
    if labels and value in labels:
        return _(labels[value])
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return plain_decimal(value)
    return str(value)


def plain_decimal(number: float) -> str:
    """A float in plain decimal form, the shortest that reads back to the same float (``float(text) == number``):
    1e-05 as 0.00001, 10.0 as 10, 0.1 as 0.1. Not finite: Python's text, which no link reads."""
    if not math.isfinite(number):
        return str(number)
    text = format(Decimal(repr(number)), "f")  # repr: the shortest digits that round-trip; "f": no exponent
    return text.rstrip("0").rstrip(".") if "." in text else text


def holds(value: object, raw: str | list[str], labels: Mapping[object, str] | None = None) -> bool:
    """Whether a control holding ``value`` took the link's ``raw`` text (3 took "3.0"; a choice took its label, in
    any language)."""
    raws = raw if isinstance(raw, list) else [raw]
    by_label = options_by_label(labels) if labels else {}
    values = list(value) if isinstance(value, list | tuple) else [value]
    if len(raws) != len(values):
        return False
    for text, held in zip(raws, values, strict=True):
        if text == link_text(held, labels) or text == str(held) or (text in by_label and by_label[text] == held):
            continue
        if isinstance(held, int | float) and not isinstance(held, bool):
            try:
                if math.isclose(float(text), held):
                    continue
            except ValueError:
                pass
        return False
    return True


# -- steering in a link ----------------------------------------------------------------------------------------------
# A run's learning-rate changes travel in one parameter, ``{screen}_rate_changes=44:3,60+2:0.01``: after 44 epochs the
# rate became 3; after 60 epochs and 2 more steps it became 0.01. A change is kept by epochs and steps because both
# sides of an epoch's end are moments a learner can steer at (core.engine.session.schedule_learning_rates): "E+k" is k
# steps
# past the end of epoch E (k may be all the next epoch's steps: after its last step, before its record), and a change
# right at an epoch's end is plain "E".
RATE_CHANGES = "rate_changes"
MOST_RATE_CHANGES = 100  # more than a learner steers in a run (a saved run, which also keeps repeated clicks, 1,000)
RATE_CHANGE = re.compile(r"([0-9]{1,9})(?:\+([0-9]{1,9}))?:([0-9]+(?:\.[0-9]+)?)")


def rate_changes_text(changes: Sequence[Any], steps_per_epoch: int) -> str:
    """A run's changes (core.engine.records.LearningRateChange) as the link writes them (``read_rate_changes`` reads
    them
    back)."""
    parts = []
    for change in changes:
        extra = change.step - change.epoch * steps_per_epoch
        moment = f"{change.epoch}+{extra}" if extra else f"{change.epoch}"
        parts.append(f"{moment}:{plain_decimal(change.learning_rate)}")
    return ",".join(parts)


def read_rate_changes(text: str, offered: Sequence[float]) -> list[tuple[int, int, float]]:
    """(epochs, steps past them, rate) per change, in order; an InputError says what is wrong with ``text``."""
    items = text.split(",")
    if len(items) > MOST_RATE_CHANGES:
        raise InputError(N_("more than {most} changes"), most=MOST_RATE_CHANGES)
    changes = []
    for item in items:
        match = RATE_CHANGE.fullmatch(item)
        if match is None:
            raise InputError(N_("each change is written epoch:rate or epoch+steps:rate, like 44:0.01 or 60+2:0.3"))
        rate = float(match.group(3))
        if not any(math.isclose(rate, choice) for choice in offered):
            raise InputError(
                N_("{rate} is not a learning rate this screen offers ({rates})"),
                rate=match.group(3),
                rates=", ".join(plain_decimal(choice) for choice in offered),
            )
        moment = (int(match.group(1)), int(match.group(2) or 0))
        if changes and moment < changes[-1][:2]:
            raise InputError(N_("the changes are not in the order they happened"))
        changes.append((*moment, next(choice for choice in offered if math.isclose(rate, choice))))
    return changes


def rate_schedule(
    changes: Sequence[tuple[int, int, float]], steps_per_epoch: int, epochs: int
) -> list[tuple[int, int, float]]:
    """The link's changes as a session schedules them (epochs done, steps done, rate); a change no run of these
    ``epochs`` reaches, or more steps past an epoch than it has, is left out (a forged link: nothing to replay)."""
    return [
        (epoch, epoch * steps_per_epoch + extra, rate)
        for epoch, extra, rate in changes
        if epoch < epochs and extra <= steps_per_epoch
    ]
