"""The Babel extractor of the lessons' words (babel.cfg: ``[lessons: data/lessons/**.toml]``): a lesson's title, each
question's text and each choice's text are English catalogue messages, extracted with their line in the file."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from typing import Any, BinaryIO

TEXT_KEYS = ("title", "text")  # the keys whose values a learner reads


def extract_lessons(
    fileobj: BinaryIO, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """(line, function, message, comments) for each text of one lesson file, as ``pybabel extract`` takes them."""
    source = fileobj.read().decode("utf-8")
    lines = source.splitlines()
    for text in texts(tomllib.loads(source)):
        yield line_of(lines, text), None, text, []


def texts(value: Any) -> Iterator[str]:
    """Every text to translate in a parsed lesson, in the file's order."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in TEXT_KEYS and isinstance(item, str):
                yield item
            else:
                yield from texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts(item)


def line_of(lines: list[str], text: str) -> int:
    """The first line that holds ``text`` as TOML writes a basic string (1 if none, e.g. a multi-line string)."""
    quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return next((number for number, line in enumerate(lines, start=1) if quoted in line or text in line), 1)
