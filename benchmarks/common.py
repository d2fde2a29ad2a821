"""Timing helpers: interleaved repeats and medians, so both sides see the same machine load."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(function: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def compare(baseline: Callable[[], object], ours: Callable[[], object], repeats: int = 5, rounds: int = 3) -> dict:
    """Median time of each, measured in alternating rounds, and ours / baseline."""
    # Warm-up: first calls pay for lazy imports and allocator growth. Their outputs show both sides agree.
    baseline_output, our_output = baseline(), ours()
    baseline_times, our_times = [], []
    for _ in range(rounds):
        baseline_times.append(median_seconds(baseline, repeats))
        our_times.append(median_seconds(ours, repeats))
    baseline_seconds, our_seconds = statistics.median(baseline_times), statistics.median(our_times)
    return {
        "plain_pytorch_seconds": round(baseline_seconds, 4),
        "rnn_lab_seconds": round(our_seconds, 4),
        "ratio": round(our_seconds / baseline_seconds, 3),
        "plain_pytorch_output": baseline_output,
        "rnn_lab_output": our_output,
    }
