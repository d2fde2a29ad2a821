"""A message kept to be worded later: its English source (the catalogue's id) and its values, never its words.

Whatever the app keeps in a learner's session and shows again on later runs of the page (a link's refused value and
why, the reason a file was not loaded, why a run stopped, a note) is kept as a ``Message`` and worded with
``.worded()`` where it is drawn, in the language of that moment: switching the language rewords it, and nothing is
computed again to do so.

``said(N_("{name} is unknown"), name=...)`` builds one (``N_`` lets ``pybabel extract`` find the source), and
``said_plural(singular, plural, count, ...)`` one with a plural (extracted like ``ngettext``); a value may be a
``Message`` itself (a phrase inside a sentence), worded with its sentence. ``as_said(text)`` keeps words that are
not in the catalogue (a file's name, a sentence an older saved run holds) as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.words.i18n import _, ngettext, pgettext


@dataclass(frozen=True)
class Message:
    """``text``: the English source; ``values``: what its ``{placeholders}`` name. ``plural`` and ``count``: the
    plural source and the number that picks the form; ``context``: a ``pgettext`` context; ``verbatim``: words kept
    as they are (not a catalogue message)."""

    text: str
    values: Mapping[str, Any] = field(default_factory=dict)
    plural: str | None = None
    count: int | None = None
    context: str | None = None
    verbatim: bool = False

    def worded(self) -> str:
        """The message in the current language, its values (and the messages among them) worded too."""
        if self.verbatim or not self.text:  # _("") is the catalogue's header, never a message
            words = self.text
        elif self.plural is not None:
            words = ngettext(self.text, self.plural, self.count if self.count is not None else 1)
        elif self.context is not None:
            words = pgettext(self.context, self.text)
        else:
            words = _(self.text)
        if not self.values and self.count is None:
            return words
        values = {name: worded(value) for name, value in self.values.items()}
        if self.count is not None:
            values.setdefault("count", self.count)
        return words.format(**values)

    def __str__(self) -> str:
        return self.worded()


def said(text: str, /, **values: Any) -> Message:
    """A message from its English source (marked where it is written: ``said(N_("..."), name=value)``)."""
    return Message(text, values)


def said_plural(singular: str, plural: str, count: int, /, **values: Any) -> Message:
    """The form ``ngettext`` picks for ``count``, kept as a message (``{count}`` is filled in unless ``values`` name
    it). ``make i18n`` extracts it as it does ``ngettext`` (``-k said_plural:1,2``)."""
    return Message(singular, values, plural=plural, count=count)


def said_in_context(context: str, text: str, /, **values: Any) -> Message:
    """A message whose English is ambiguous, told apart by ``context`` (as ``pgettext``)."""
    return Message(text, values, context=context)


def as_said(text: str) -> Message:
    """Words that are not a catalogue message, shown as they are in every language."""
    return Message(text, verbatim=True)


def worded(value: Any) -> Any:
    """A message worded in the current language; any other value as it is."""
    return value.worded() if isinstance(value, Message) else value


def sentences(*parts: Message) -> Message:
    """Whole sentences (each a message) said one after the other, with a space between them, as one message."""
    return joined(parts, " ")


def joined(parts: Sequence[Message], separator: str) -> Message:
    """Messages said one after the other with ``separator`` (kept as it is) between them, as one message."""
    names = [f"part{index}" for index in range(len(parts))]
    return Message(separator.join(f"{{{name}}}" for name in names), dict(zip(names, parts, strict=True)), verbatim=True)
