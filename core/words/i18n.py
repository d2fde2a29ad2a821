"""The app's words in the learner's language: English source, a translation per language, gettext catalogues.

A language is one entry of ``LANGUAGES`` (its code and its own name): the language selector, the ``lang=`` values a
link may carry, ``make i18n``'s catalogues (``python -m core.words.i18n`` lists them), the glossary's columns and the
names of the languages (CLDR's, through Babel) all follow from it. A language listed before its catalogue exists
speaks English until ``make i18n`` creates ``locales/<code>/LC_MESSAGES/messages.po`` and a translator fills it.

The fonts: Latin text is Streamlit's own Source Sans (Source Code Pro in code); Hangul comes from the subset of Noto
Sans CJK KR in ``static/fonts/`` (``scripts/make_korean_font.py`` cuts it). A language written in another script
needs a face of its own: a woff2 subset in ``static/fonts/`` with its license, a ``[[theme.fontFaces]]`` entry with
its ``unicodeRange`` in ``.streamlit/config.toml`` (its family added to ``font``, ``headingFont`` and, for code,
``codeFont``), and the same family in ``core.charts.style.FONT`` for the charts; ``tests/words/test_font.py`` shows
what to check. Without it a learner whose machine has no such font sees empty boxes.

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

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from core import PROJECT_ROOT

SOURCE_LANGUAGE = "en"
# Every language of the app, by its code (a BCP 47 language, as ``?lang=`` and a browser name it) and its own name (as
# the selector shows it), in the selector's order: the source first. Adding a language is adding its entry here.
LANGUAGES = {"en": "English", "ko": "한국어"}
LOCALE_DIR = PROJECT_ROOT / "locales"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("rnnlab_language", default=SOURCE_LANGUAGE)


def translated_languages() -> list[str]:
    """The languages with a catalogue to translate: every one but the source, in the table's order."""
    return [language for language in LANGUAGES if language != SOURCE_LANGUAGE]


def language_name(language: str, in_language: str | None = None) -> str:
    """A language's name in another (the current one unless told): "Korean" on an English page, "영어" on a
    Korean one, from CLDR's data through Babel; the language's own name where CLDR has none."""
    try:
        return Locale.parse(language).get_display_name(in_language or current_language()) or LANGUAGES[language]
    except (UnknownLocaleError, ValueError):
        return LANGUAGES[language]


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """One language's compiled catalogue (English, the source, needs none; nor does a language whose catalogue is
    not written yet: it speaks English). Fuzzy entries are left out: a translation a tool guessed after the English
    changed is not shown until a person has checked it."""
    if language == SOURCE_LANGUAGE or not catalogue_path(language).exists():
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


if __name__ == "__main__":  # `python -m core.words.i18n`: the languages to translate, for `make i18n`
    print(" ".join(translated_languages()))
