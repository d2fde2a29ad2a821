"""`make bench`: every benchmark, printed as one JSON document.

Each benchmark module has ``run() -> dict`` and compares against a plain PyTorch loop measured in
the same process, interleaved, so the ratio holds whatever else the machine is doing.
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time

import torch

from core.engine.runtime import use_one_thread

BENCHMARKS = [
    "benchmarks.bench_hihello",
    "benchmarks.bench_long_sequences",
    "benchmarks.bench_time_series",
    "benchmarks.bench_comparison",
    "benchmarks.bench_live",
]


def main(names: list[str]) -> None:
    use_one_thread()
    selected = [name for name in BENCHMARKS if not names or any(n in name for n in names)]
    results = []
    for name in selected:
        started = time.perf_counter()
        result = importlib.import_module(name).run()
        result["benchmark_seconds"] = round(time.perf_counter() - started, 1)
        results.append(result)
        print(f"done {name}", file=sys.stderr)
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "machine": platform.machine(),
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
