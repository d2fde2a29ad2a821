"""Characters as data: vocabulary, one-hot vectors, next-character pairs, sliding windows."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from core.words.errors import InputError
from core.words.i18n import N_
from core.words.message import said_plural


@dataclass(frozen=True)
class Vocabulary:
    """The distinct characters of a text, in order of first appearance (h, i, e, l, o for "hihello")."""

    characters: tuple[str, ...]

    @classmethod
    def from_text(cls, text: str) -> Vocabulary:
        return cls(tuple(dict.fromkeys(text)))

    @property
    def size(self) -> int:
        return len(self.characters)

    def encode(self, text: str) -> list[int]:
        index = {char: i for i, char in enumerate(self.characters)}
        unknown = sorted({char for char in text if char not in index})
        if unknown:
            raise InputError(
                said_plural(
                    "{characters} is not in the vocabulary ({vocabulary}): the model can only output characters "
                    "it has seen in the input.",
                    "{characters} are not in the vocabulary ({vocabulary}): the model can only output characters "
                    "it has seen in the input.",
                    len(unknown),
                    characters=", ".join(repr(char) for char in unknown[:8]),
                    vocabulary=" ".join(self.characters),
                )
            )
        return [index[char] for char in text]

    def decode(self, ids) -> str:
        return "".join(self.characters[int(i)] for i in ids)

    def one_hot(self, ids: list[int] | Tensor) -> Tensor:
        """(…) ids → (…, vocabulary size) float32 one-hot rows."""
        ids = torch.as_tensor(ids, dtype=torch.long)
        return torch.nn.functional.one_hot(ids, self.size).float()


# How characters a learner cannot see are drawn: in a label a space must show too, in running text it stays blank.
INVISIBLE_IN_TEXT = {"\n": "⏎", "\t": "⇥"}
INVISIBLE_IN_LABELS = {" ": "␣", **INVISIBLE_IN_TEXT}


def describe(char: str) -> str:
    """A character as a learner can read it in a chart label (spaces and newlines made visible)."""
    return INVISIBLE_IN_LABELS.get(char, char)


def in_running_text(char: str) -> str:
    """A character inside shown text: newlines and tabs made visible, spaces left as spaces."""
    return INVISIBLE_IN_TEXT.get(char, char)


TEXT_KINDS = ("word", "text")  # what a text box holds: its messages name it in a whole sentence


def validate_text(text: str, what: str, min_length: int, max_length: int) -> str:
    """The server-side check behind every text box: length limits with a message that says what to do.

    ``what`` is one of ``TEXT_KINDS`` (the HiHello word, the long-sequence text): each has its own sentences, since
    a translation cannot be glued from "The" and a noun."""
    if what not in TEXT_KINDS:
        raise ValueError(f"unknown kind of text {what!r}: one of {TEXT_KINDS}")
    word = what == "word"
    if text is None or len(text) == 0:
        message = (
            said_plural(
                "The word is empty: type at least {min_length} character.",
                "The word is empty: type at least {min_length} characters.",
                min_length,
                min_length=min_length,
            )
            if word
            else said_plural(
                "The text is empty: type at least {min_length} character.",
                "The text is empty: type at least {min_length} characters.",
                min_length,
                min_length=min_length,
            )
        )
        raise InputError(message)
    if len(text) < min_length:
        message = (
            said_plural(
                "The word has {count} character; it needs at least {min_length}, since each step predicts the "
                "character that follows.",
                "The word has {count} characters; it needs at least {min_length}, since each step predicts the "
                "character that follows.",
                len(text),
                min_length=min_length,
            )
            if word
            else said_plural(
                "The text has {count} character; it needs at least {min_length}, since each step predicts the "
                "character that follows.",
                "The text has {count} characters; it needs at least {min_length}, since each step predicts the "
                "character that follows.",
                len(text),
                min_length=min_length,
            )
        )
        raise InputError(message)
    if len(text) > max_length:
        message = (
            N_("The word has {count} characters; the limit is {max_length} on this screen. Shorten it.")
            if word
            else N_("The text has {count} characters; the limit is {max_length} on this screen. Shorten it.")
        )
        raise InputError(message, count=len(text), max_length=max_length)
    return text


@dataclass(frozen=True)
class CharacterTask:
    """A next-character task: input text, target text (same length) and their encodings."""

    vocabulary: Vocabulary
    input_text: str
    target_text: str
    inputs: Tensor  # (1, time, vocabulary) one-hot
    targets: Tensor  # (1, time) class ids

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return list(zip(self.input_text, self.target_text, strict=True))


MAX_WORD_LENGTH = 40  # HiHello's longest word


def next_character_task(word: str, target: str | None = None, max_length: int = MAX_WORD_LENGTH) -> CharacterTask:
    """The HiHello lab: "hihello" → input "hihell", target "ihello".

    With ``target`` the learner supplies their own target string for the same input (same length,
    characters from the word's vocabulary: without a linear head the outputs *are* the vocabulary).
    """
    validate_text(word, "word", 2, max_length)
    vocabulary = Vocabulary.from_text(word)
    input_text = word[:-1]
    if target is None or target == "":
        target_text = word[1:]
    else:
        target_text = target
        if len(target_text) != len(input_text):
            raise InputError(
                said_plural(
                    "The custom target has {count} character but the input '{input}' has {input_count}: the model "
                    "predicts one character per input character.",
                    "The custom target has {count} characters but the input '{input}' has {input_count}: the model "
                    "predicts one character per input character.",
                    len(target_text),
                    input=input_text,
                    input_count=len(input_text),
                )
            )
    input_ids = vocabulary.encode(input_text)
    target_ids = vocabulary.encode(target_text)
    return CharacterTask(
        vocabulary=vocabulary,
        input_text=input_text,
        target_text=target_text,
        inputs=vocabulary.one_hot([input_ids]),
        targets=torch.tensor([target_ids], dtype=torch.long),
    )
