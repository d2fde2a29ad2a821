"""The best read-back any model can reach: a ceiling the text and the window set, before any training.

Each character of the read-back (``core.screens.long_sequences.windows.assemble``: the first window whole, then the
last step of every
later window) is predicted from what its window has read up to there, starting from a zero state: the first
window's first characters, or a later window's whole ``sequence_length`` characters. That stretch of text is all a
model sees. Where the same stretch is followed by different characters in different places, a model can be right
at most as often as the commonest of them; summed over the stretches, that is the ceiling. Pure counting.

For the lab's sentence (179 characters read back): 136 (76.0%) at window 2, 163 (91.1%) at 3, all of them from 8 on.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from core.screens.long_sequences.windows import (
    MAX_SEQUENCE_LENGTH,
    MIN_SEQUENCE_LENGTH,
    WindowTask,
    assemble,
    sliding_windows,
)


@dataclass(frozen=True)
class Ceiling:
    """The most read-back characters any model can get right with windows of ``sequence_length`` characters."""

    sequence_length: int
    right: int  # characters the best possible model reads back right
    total: int  # characters read back: the text without its first
    # The stretch that costs most (its next characters, commonest first); None when nothing is ambiguous.
    example: tuple[str, tuple[str, ...]] | None

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 0.0

    @property
    def complete(self) -> bool:
        """Every character can be read back: no stretch a window reads is followed by two different characters."""
        return self.right == self.total


def contexts(task: WindowTask) -> list[str]:
    """Per read-back character, the text its window has read when it predicts it (assembled like the read-back)."""
    shape = task.input_ids.shape  # (windows, time)
    starts = np.broadcast_to(np.arange(shape[0])[:, None], shape)  # window i starts at character i
    ends = starts + np.arange(1, shape[1] + 1)[None, :]  # step t has read characters i … i + t
    return [task.text[start:end] for start, end in zip(assemble(starts), assemble(ends), strict=True)]


def read_back_ceiling(task: WindowTask) -> Ceiling:
    """The commonest next character counted for every stretch a window reads, summed: the read-back's ceiling."""
    targets = assemble(task.target_ids)  # what the read-back should say, as ids
    followers: dict[str, Counter] = defaultdict(Counter)
    for context, target in zip(contexts(task), targets, strict=True):
        followers[context][int(target)] += 1
    right = sum(count.most_common(1)[0][1] for count in followers.values())
    context, count = max(followers.items(), key=lambda item: item[1].total() - item[1].most_common(1)[0][1])
    lost = count.total() - count.most_common(1)[0][1]
    example = None
    if lost:
        example = (context, tuple(task.vocabulary.characters[i] for i, _n in count.most_common()))
    return Ceiling(task.sequence_length, right, len(targets), example)


@dataclass(frozen=True)
class WindowLimits:
    """The ceiling at the chosen window, and what the longer windows this text and screen allow do to it."""

    current: Ceiling
    next_higher: Ceiling | None  # the shortest longer window that raises the ceiling (None: none does)
    best: Ceiling | None  # the shortest window reaching the highest ceiling in reach (None: none above current)
    longest: int  # the longest window the text and the screen allow

    @property
    def steps(self) -> tuple[Ceiling, ...]:
        """The longer windows worth naming: the first that raises the ceiling, and the shortest that reaches the top."""
        found = [c for c in (self.next_higher, self.best) if c is not None]
        return tuple(c for i, c in enumerate(found) if c not in found[:i])


def longest_window(text: str) -> int:
    return min(MAX_SEQUENCE_LENGTH, len(text) - 1)


def window_limits(task: WindowTask) -> WindowLimits:
    """The ceiling at ``task``'s window, and at longer windows until one reads every character back.

    The ceiling never falls as the window grows: a longer stretch tells apart what a shorter one did."""
    current = read_back_ceiling(task)
    longest = max(longest_window(task.text), MIN_SEQUENCE_LENGTH)
    next_higher = best = None
    if not current.complete:
        for length in range(task.sequence_length + 1, longest + 1):
            ceiling = read_back_ceiling(sliding_windows(task.text, length))
            if next_higher is None and ceiling.right > current.right:
                next_higher = ceiling
            if ceiling.right > (best or current).right:
                best = ceiling
            if ceiling.complete:
                break
    return WindowLimits(current, next_higher, best, longest)
