"""The app's words in the learner's language: English source, Korean translation, gettext catalogues.

Every string a learner reads is written in English in the code and wrapped in ``_()``; ``pybabel extract``
collects them into ``locales/messages.pot`` and translators work in ``locales/<lang>/LC_MESSAGES/messages.po``
(``make i18n`` refreshes both). The ``.po`` file is read with Babel and compiled to gettext's binary form in
memory at first use, so there is no compiled ``.mo`` file to keep in step with its source.

The language is the *current session's*, not the process's: one server serves Korean and English learners at
once, so ``gettext.install`` (one global language) would not do. The UI sets it at the start of every script
run and fragment run (``set_language``); core code only calls ``_()``. A placeholder is always named
(``_("{hidden_size} units").format(hidden_size=...)``) so a translation can move it within its sentence.

``N_()`` marks a string for the catalogue where it is defined (a module-level table of labels) without
translating it: that happens where it is shown, with ``_(label)``, in the language of that moment. Whatever is kept
to be shown again later (a refusal, an error, a note, why a run stopped) is kept as a ``core.words.message.Message``
(``said(N_("..."), name=value)``): its source and values, worded where it is drawn.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from core import PROJECT_ROOT

SOURCE_LANGUAGE = "en"
LANGUAGES = {"en": "English", "ko": "한국어"}  # each language by its own name, as a selector shows it
LOCALE_DIR = PROJECT_ROOT / "locales"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("rnnlab_language", default=SOURCE_LANGUAGE)


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """One language's compiled catalogue (English, the source, needs none). Fuzzy entries are left out: a
    translation a tool guessed after the English changed is not shown until a person has checked it."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def language_code(value: object) -> str | None:
    """A language this app speaks from a tag a browser or a link gives ("ko", "ko-KR", "en_US"), else None."""
    if not isinstance(value, str):
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def set_language(language: str) -> None:
    """The language of everything ``_()`` returns from now on in this session's thread."""
    _current.set(language_code(language) or SOURCE_LANGUAGE)


def current_language() -> str:
    return _current.get()


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Words in another language for a moment (tests, and a message shown in both languages)."""
    token = _current.set(language_code(language) or SOURCE_LANGUAGE)
    try:
        yield
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """The message in the current language (the English source if it has no translation yet)."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count``, by the current language's own plural rule."""
    return translations(_current.get()).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """A message whose English is ambiguous, told apart by ``context`` ("epoch" the noun, "Step" the button)."""
    return translations(_current.get()).pgettext(context, message)


def N_(message: str) -> str:
    """Marks a string for the catalogue; translated later, where it is shown."""
    return message
