"""Settings read from a link: the raw text of each URL parameter, checked by the screen's own settings class.

A link is typed or forged by anyone, so nothing from it reaches a widget unchecked. Each value is parsed by the
type of the setting it names (a whole number, a number, on/off, text) and then validated by the screen's frozen
settings class, the same rules the widgets' values meet. A value that fails is refused with the learner's reason,
never clamped to something near it.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.errors import InputError

# A widget whose options depend on a data table carries the table's tag at the end of its key
# (``timeseries_epochs_3f2a9c1b``): its parameter is the same setting, for that table only.
TABLE_TAG = re.compile(r"_[0-9a-f]{8}$")


def field_of(name: str, prefix: str) -> str | None:
    """The setting a URL parameter names on the screen ``prefix`` (``hihello_seed`` -> ``seed``), or None."""
    if not name.startswith(f"{prefix}_"):
        return None
    return TABLE_TAG.sub("", name.removeprefix(f"{prefix}_"))


@dataclass(frozen=True)
class Refusal:
    """A value the link carried that the screen did not take, and why (a sentence for the learner)."""

    name: str  # the URL parameter, e.g. "hihello_seed"
    raw: str
    reason: str

    def sentence(self) -> str:
        shown = self.raw if len(self.raw) <= 40 else self.raw[:37] + "…"
        return f"{self.name}={shown} ({self.reason})"


def ignored_sentence(refusals: Sequence[Refusal]) -> str:
    """The one line a screen shows about a link's refused values."""
    return "Ignored from the link: " + "; ".join(r.sentence() for r in refusals) + "."


def parse_value(raw: str, default: object) -> object:
    """``raw`` as the kind of value ``default`` is; InputError (with a short reason) when it is not one."""
    if isinstance(default, bool):
        if raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise InputError("not true or false")
    if isinstance(default, int | float):
        try:
            number = float(raw)
        except ValueError:
            raise InputError("not a number") from None
        if not math.isfinite(number):
            raise InputError("not a finite number")
        if isinstance(default, int):
            if not number.is_integer():
                raise InputError("not a whole number")
            return int(number)
        return number
    if isinstance(default, str):
        return raw
    raise InputError("this setting cannot come from a link")


def _reason(error: InputError) -> str:
    text = str(error)
    return text[0].lower() + text[1:].rstrip(".") if text else "refused"


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
    with labels (``labels[field]``: option -> label) is written in the URL by its label, as Streamlit does;
    the option itself is taken too."""
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
            try:
                dataclasses.replace(defaults, **{field: values})
            except InputError as error:
                refused.append(Refusal(name, ",".join(values), _reason(error)))
                continue
            taken[name] = values
            continue
        if isinstance(value, list):
            if len(value) != 1:
                refused.append(Refusal(name, ",".join(value), "given more than once"))
                continue
            value = value[0]
        try:
            by_label = {label: option for option, label in labels.get(field, {}).items()}
            parsed = by_label[value] if value in by_label else parse_value(value, fields[field])
            dataclasses.replace(defaults, **{field: parsed})
        except InputError as error:
            refused.append(Refusal(name, value, _reason(error)))
            continue
        taken[name] = parsed
    return taken, refused


def link_text(value: object, labels: Mapping[object, str] | None = None) -> str:
    """A setting's value as a link writes it (the inverse of ``read_link``): a choice by its label."""
    if labels and value in labels:
        return labels[value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def holds(value: object, raw: str | list[str], labels: Mapping[object, str] | None = None) -> bool:
    """Whether a control holding ``value`` took the link's ``raw`` text (3 took "3.0"; a choice took its label)."""
    raws = raw if isinstance(raw, list) else [raw]
    values = list(value) if isinstance(value, list | tuple) else [value]
    if len(raws) != len(values):
        return False
    for text, held in zip(raws, values, strict=True):
        if text == link_text(held, labels) or text == str(held):
            continue
        if isinstance(held, int | float) and not isinstance(held, bool):
            try:
                if math.isclose(float(text), held):
                    continue
            except ValueError:
                pass
        return False
    return True
