"""Small tools for a language's catalogue, beside ``make i18n`` (which extracts the messages and updates the .po).

    python -m scripts.translations todo [FILE ...]     untranslated messages (of these source files), as JSON
    python -m scripts.translations fill MAPPING.json   write translations in: {"English": "한국어", ...}
    python -m scripts.translations take OTHER.po ...   fill empty entries from other catalogues (a compendium)

Each works on the Korean catalogue unless ``--language CODE`` (``-l``, after the command) names another language of
``core.words.i18n.LANGUAGES``. A plural message's key is its singular; its value is a list of the language's forms
(Korean has one). A message with a context is keyed "context\\u0004English", as gettext itself stores it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from core.words.i18n import catalogue_path, translated_languages

CONTEXT_SEPARATOR = "\x04"
DEFAULT_LANGUAGE = "ko"


def _load(path: Path, language: str):
    with path.open("rb") as po:
        return read_po(po, locale=language)


def _save(catalog, path: Path) -> None:
    with path.open("wb") as po:
        write_po(po, catalog, width=0, include_previous=False)


def _key(message) -> str:
    singular = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
    return f"{message.context}{CONTEXT_SEPARATOR}{singular}" if message.context else singular


def _translated(message) -> bool:
    forms = message.string if isinstance(message.string, (tuple, list)) else [message.string]
    return all(forms) and not message.fuzzy


def todo(files: list[str], language: str = DEFAULT_LANGUAGE) -> dict[str, str | list[str]]:
    wanted = {Path(f).as_posix() for f in files}
    found = {}
    for message in _load(catalogue_path(language), language):
        if not message.id or _translated(message):
            continue
        if wanted and not wanted & {location for location, _line in message.locations}:
            continue
        found[_key(message)] = [""] if isinstance(message.id, (tuple, list)) else ""
    return found


def fill(mapping: dict[str, str | list[str]], language: str = DEFAULT_LANGUAGE) -> list[str]:
    """Write the translations in; the keys the catalogue does not hold are returned (a typo, or not extracted)."""
    path = catalogue_path(language)
    catalog = _load(path, language)
    by_key = {_key(m): m for m in catalog if m.id}
    unknown = []
    for key, translation in mapping.items():
        message = by_key.get(key)
        if message is None:
            unknown.append(key)
            continue
        if isinstance(message.id, (tuple, list)):
            message.string = tuple(translation if isinstance(translation, list) else [translation])
        else:
            message.string = translation if isinstance(translation, str) else translation[0]
        message.flags.discard("fuzzy")
    _save(catalog, path)
    return unknown


def take(others: list[Path], language: str = DEFAULT_LANGUAGE) -> int:
    path = catalogue_path(language)
    catalog = _load(path, language)
    filled = 0
    for other in others:
        known = {_key(m): m.string for m in _load(other, language) if m.id and _translated(m)}
        for message in catalog:
            if message.id and not _translated(message) and _key(message) in known:
                message.string = known[_key(message)]
                message.flags.discard("fuzzy")
                filled += 1
    _save(catalog, path)
    return filled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    language = argparse.ArgumentParser(add_help=False)
    language.add_argument(
        "-l",
        "--language",
        choices=translated_languages(),
        default=DEFAULT_LANGUAGE,
        help="the catalogue's language (default: %(default)s)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("todo", parents=[language]).add_argument("files", nargs="*")
    commands.add_parser("fill", parents=[language]).add_argument("mapping", type=Path)
    commands.add_parser("take", parents=[language]).add_argument("others", nargs="+", type=Path)
    args = parser.parse_args()
    if not catalogue_path(args.language).exists():
        parser.error(f"no catalogue {catalogue_path(args.language)}: run `make i18n` first")
    if args.command == "todo":
        json.dump(todo(args.files, args.language), sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif args.command == "fill":
        unknown = fill(json.loads(args.mapping.read_text(encoding="utf-8")), args.language)
        if unknown:
            print(f"not in the catalogue (run make i18n?): {unknown}", file=sys.stderr)
            sys.exit(1)
    else:
        print(f"{take(args.others, args.language)} translations taken")


if __name__ == "__main__":
    main()
