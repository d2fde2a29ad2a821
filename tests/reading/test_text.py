import re

import pytest
import torch

from core.reading.text import Vocabulary, describe, next_character_task, validate_text
from core.words.errors import InputError
from core.words.i18n import speaking
from tests.words.korean_text import has_hangul


def test_vocabulary_keeps_order_of_first_appearance():
    vocabulary = Vocabulary.from_text("hihello")
    assert vocabulary.characters == ("h", "i", "e", "l", "o")
    assert vocabulary.encode("hihell") == [0, 1, 0, 2, 3, 3]
    assert vocabulary.decode([1, 0, 2, 3, 3, 4]) == "ihello"


def test_one_hot_rows():
    vocabulary = Vocabulary.from_text("hihello")
    one_hot = vocabulary.one_hot([[0, 1, 4]])
    assert one_hot.shape == (1, 3, 5)
    assert torch.equal(one_hot.argmax(-1), torch.tensor([[0, 1, 4]]))
    assert torch.equal(one_hot.sum(-1), torch.ones(1, 3))


def test_hihello_task_is_the_seed_lab():
    task = next_character_task("hihello")
    assert (task.input_text, task.target_text) == ("hihell", "ihello")
    assert task.inputs.shape == (1, 6, 5)
    assert task.targets.tolist() == [[1, 0, 2, 3, 3, 4]]
    assert task.pairs[:3] == [("h", "i"), ("i", "h"), ("h", "e")]


def test_korean_text_works():
    task = next_character_task("안녕하세요")
    assert task.vocabulary.size == 5
    assert task.target_text == "녕하세요"


@pytest.mark.parametrize(
    ("word", "phrase"),
    [("", "empty"), ("h", "at least 2"), ("x" * 500, "limit is 40")],
)
def test_bad_words_give_learner_messages(word, phrase):
    with pytest.raises(InputError, match=phrase):
        next_character_task(word)


def test_custom_target_outside_vocabulary_is_refused():
    with pytest.raises(InputError, match="not in the vocabulary"):
        next_character_task("hihello", target="ihellz")
    with pytest.raises(InputError, match="predicts one character per input"):
        next_character_task("hihello", target="ih")
    assert next_character_task("hihello", target="hhhhhh").target_text == "hhhhhh"


def test_validate_text_and_describe():
    assert validate_text("abc", "text", 2, 5) == "abc"
    assert describe(" ") == "␣" and describe("a") == "a"


@pytest.mark.parametrize(
    ("call", "other"),
    [
        (lambda: next_character_task(""), lambda: next_character_task("h")),
        (lambda: next_character_task("x" * 500), lambda: validate_text("x" * 500, "text", 2, 40)),
        (lambda: next_character_task("hihello", target="ihellz"), lambda: next_character_task("hihello", "ih")),
    ],
)
def test_the_messages_are_in_korean_and_say_which(call, other):
    """Each refusal is its own Korean sentence (not a noun glued into an English frame)."""
    messages = []
    for refuse in (call, other):
        with speaking("ko"), pytest.raises(InputError) as refused:
            refuse()
        with speaking("ko"):  # an error is worded where it is shown (core.words.message)
            messages.append(str(refused.value))
    assert messages[0] != messages[1] and all(has_hangul(m) for m in messages), messages
    assert not any(re.search(r"\b(?:the|is|has)\b", m) for m in messages), messages
