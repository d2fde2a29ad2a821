"""The best read-back any model can reach with a window: pure counting, checked against an independent count."""

from collections import Counter, defaultdict

import numpy as np
import pytest

from core.screens.long_sequences.read_back_ceiling import contexts, longest_window, read_back_ceiling, window_limits
from core.screens.long_sequences.windows import SEED_SENTENCE, assemble, sliding_windows
from core.screens.registry import presets_for


def counted(text: str, length: int) -> int:
    """Independently: read-back character p + 1 is predicted from text[max(0, p - L + 1) : p + 1]."""
    followers = defaultdict(Counter)
    for p in range(len(text) - 1):
        followers[text[max(0, p - length + 1) : p + 1]][text[p + 1]] += 1
    return sum(count.most_common(1)[0][1] for count in followers.values())


@pytest.mark.parametrize(
    ("length", "right", "shown"),
    [
        (2, 136, "76.0%"),
        (3, 163, "91.1%"),
        (4, 170, "95.0%"),
        (7, 177, "98.9%"),
        (8, 179, "100.0%"),
        (10, 179, "100.0%"),
    ],
)
def test_the_lab_sentence_ceiling_per_window(length, right, shown):
    ceiling = read_back_ceiling(sliding_windows(SEED_SENTENCE, length))
    assert (ceiling.right, ceiling.total, f"{100 * ceiling.share:.1f}%") == (right, 179, shown)
    assert ceiling.complete == (right == 179) and (ceiling.example is None) == ceiling.complete
    assert right == counted(SEED_SENTENCE, length)


def test_the_contexts_are_what_each_read_back_character_is_predicted_from():
    task = sliding_windows("abcdef", 3)
    # The first window whole (its steps read "a", "ab", "abc"), then each later window's last step.
    assert contexts(task) == ["a", "ab", "abc", "bcd", "cde"]
    assert task.vocabulary.decode(assemble(task.target_ids)) == task.target_text == "bcdef"


def test_the_example_is_the_stretch_that_costs_most():
    ceiling = read_back_ceiling(sliding_windows(SEED_SENTENCE, 2))
    assert ceiling.example == (" t", ("o", "h", "a", "e"))  # " to" 4 times, " th" 3, " ta" and " te" once
    assert counted("xaxbxaxc", 2) == read_back_ceiling(sliding_windows("xaxbxaxc", 2)).right == 6


@pytest.mark.parametrize(
    "text", [SEED_SENTENCE, "나는 한국에서 자랐고 나는 한국어를 유창하게 한다.", "abababababc", "hihello"]
)
def test_the_ceiling_matches_the_independent_count_and_never_falls_with_the_window(text):
    rights = [read_back_ceiling(sliding_windows(text, n)).right for n in range(2, longest_window(text) + 1)]
    assert rights == [counted(text, n) for n in range(2, longest_window(text) + 1)]
    assert rights == sorted(rights) and rights[-1] == len(text) - 1  # one window of every prefix: all unique


def test_the_limits_name_the_next_window_that_raises_it_and_the_shortest_complete_one():
    limits = window_limits(sliding_windows(SEED_SENTENCE, 2))
    assert (limits.current.right, limits.longest) == (136, 50)
    assert [(c.sequence_length, c.right) for c in limits.steps] == [(3, 163), (8, 179)]
    at_seven = window_limits(sliding_windows(SEED_SENTENCE, 7))
    assert [(c.sequence_length, c.right) for c in at_seven.steps] == [(8, 179)]  # one window, named once
    assert window_limits(sliding_windows(SEED_SENTENCE, 10)).steps == ()


def test_a_text_that_repeats_beyond_every_window_has_no_longer_window_to_offer():
    limits = window_limits(sliding_windows("a" * 80 + "b" + "a" * 80 + "c", 2))
    assert not limits.current.complete and limits.steps == () and limits.next_higher is None
    assert limits.longest == 50
    # "xax" is followed by "b" and by "c" at windows 2 and 3 alike: the first window that raises the ceiling is 4.
    plateau = window_limits(sliding_windows("xaxbxaxc", 2))
    assert read_back_ceiling(sliding_windows("xaxbxaxc", 3)).right == plateau.current.right == 6
    assert plateau.next_higher.sequence_length == 4 and plateau.next_higher.complete and plateau.longest == 7


def test_the_window_2_preset_cites_the_ceiling_it_promises():
    preset = next(p for p in presets_for("long_sequences") if p.name == "short_window")
    limits = window_limits(sliding_windows(SEED_SENTENCE, preset.settings["sequence_length"]))
    shown = [f"{100 * c.share:.1f}%" for c in (limits.current, *limits.steps)]
    assert shown == ["76.0%", "91.1%", "100.0%"]
    assert "76.0% of this sentence (136 of 179 characters)" in preset.look_for
    assert "91.1% at 3 characters, 100% at 8" in preset.look_for
    assert preset.promise["read_back_at_most"] == limits.current.share
    assert np.isclose(preset.promise["read_back_at_least"], (limits.current.right - 2) / limits.current.total)
