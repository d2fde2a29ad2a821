"""Timing helpers: both sides measured in alternating rounds in one process, so they share the machine's load.

On a shared 2-core machine single timings swing by ±30%; the fastest of many runs is the one least
disturbed by other work, so the ratio is taken between the two fastest runs (the medians are printed too).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def compare(baseline: Callable[[], object], ours: Callable[[], object], repeats: int = 5, rounds: int = 3) -> dict:
    """Time ``baseline`` and ``ours`` ``repeats`` times in each of ``rounds`` alternating rounds."""
    # Warm-up: first calls pay for lazy imports and allocator growth. Their outputs show both sides agree.
    baseline_output, our_output = baseline(), ours()
    baseline_times, our_times = [], []
    for _ in range(rounds):
        baseline_times += [timed(baseline) for _ in range(repeats)]
        our_times += [timed(ours) for _ in range(repeats)]
    return {
        "plain_pytorch_seconds": round(min(baseline_times), 4),
        "rnn_lab_seconds": round(min(our_times), 4),
        "ratio": round(min(our_times) / min(baseline_times), 3),
        "median_ratio": round(statistics.median(our_times) / statistics.median(baseline_times), 3),
        "runs_per_side": len(our_times),
        "plain_pytorch_output": baseline_output,
        "rnn_lab_output": our_output,
    }
