"""`python -m benchmarks.budget_fit`: the run-time estimate (``core.engine.budget``) against real runs, on every CPU
capability this machine offers, and its constants fitted again. Prints JSON (progress goes to stderr).

PyTorch picks its vectorised kernels per CPU (``torch.backends.cpu.get_cpu_capability()``); each capability is
measured in a child process started with ``ATEN_CPU_CAPABILITY`` set, which checks that torch reports it. A run is
timed as the budget counts it: ``advance()`` to the end, then every snapshot's probe (the estimate assumes a
learner looks at all of them), each in CPU time of this thread (``time.thread_time``), the best of a few repeats:
on a shared machine the least disturbed run is the one closest to the run's own cost. The load average is recorded
with each case.

The estimate is linear in its constants (``core.engine.budget.TimeTerms``). Fitted here: per capability and over all of
them, non-negative least squares on the relative error (the training and the probing part of each case as rows of
their own, each divided by the case's whole measured time); and the fit ``core/engine/budget.py`` takes, the minimax
one:
the constants whose worst estimate / measured, over every case on every capability, is closest to 1 in log space
(the budget protects a shared server, so no run may be far off on any CPU). The one-thread matrix-product rate is
printed beside them: a fitted multiply-add rate above it means the other terms carry part of the arithmetic.

The capabilities are measured in turn, ``--rounds`` times (default 2: a machine that drifts during the run shows
in every capability alike; a later round's results are named "AVX512 #2"). ``--cases hihello,comparison``
measures a subset; ``--repeats N`` sets the repeats of a case (default 4; a case over 2 s is run twice). About
3 minutes on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from core.engine import budget
from core.engine.budget import TimeTerms, time_terms
from core.engine.session import TrainingSession

ROOT = Path(__file__).resolve().parents[1]
STOCK = ROOT / "data" / "stock_like.csv"
CONSTANTS = (
    "STEP_SECONDS",
    "KERNEL_SECONDS_TRAIN",
    "KERNEL_SECONDS_EVAL",
    "PROBE_STEP_SECONDS",
    "SECONDS_PER_MULTIPLY_ADD",  # printed as MULTIPLY_ADDS_PER_SECOND
    "ELEMENT_SECONDS",
)
# core/engine/budget.py's constants before the fit of 2026-12-06 (no element term then), for comparison.
PREVIOUS = np.array([6.6e-4, 2.2e-5, 5.5e-6, 2.2e-4, 1 / 6.8e10, 0.0])
LONG_RUN_SECONDS = 2.0  # a run longer than this is measured twice only


def regression_data(sequences: int, time_steps: int, features: int, horizon: int, probes: int = 2, validation: int = 0):
    from core.engine.settings import SequenceData

    generator = torch.Generator().manual_seed(0)
    inputs = torch.randn(sequences, time_steps, features, generator=generator)
    targets = torch.randn(sequences, horizon, generator=generator)
    extra = {}
    if validation:
        extra = dict(validation_inputs=inputs[:validation], validation_targets=targets[:validation])
    return SequenceData(
        inputs, targets, "regress_last_step", probe_inputs=inputs[:probes], probe_targets=targets[:probes], **extra
    )


def shape_cases() -> dict[str, Callable[[], list[TrainingSession]]]:
    """Shapes of the four screens, from HiHello to a 4-layer LSTM of 128 on 120-step windows."""
    from core.engine.models import ModelConfig, SequenceModel
    from core.engine.settings import SequenceData, TrainConfig
    from core.reading.text import next_character_task
    from core.screens.hihello import KEY as HIHELLO
    from core.screens.hihello.settings import HiHelloSettings
    from core.screens.long_sequences.windows import SEED_SENTENCE, sliding_windows

    def session(model: ModelConfig, data: SequenceData, config: TrainConfig) -> Callable[[], list[TrainingSession]]:
        return lambda: [TrainingSession(lambda: SequenceModel(model), data, config)]

    hihello = next_character_task(HiHelloSettings.word)
    windows = sliding_windows(SEED_SENTENCE, 10)
    vocabulary = windows.vocabulary.size
    long_windows = sliding_windows(SEED_SENTENCE * 3, 50)
    generator = torch.Generator().manual_seed(0)
    memory_inputs = torch.randn(128, 32, 17, generator=generator)
    memory_targets = torch.randint(0, 8, (128,), generator=generator)
    memory = SequenceData(
        memory_inputs,
        memory_targets,
        "classify_last_step",
        probe_inputs=memory_inputs[:32],
        probe_targets=memory_targets[:32],
        validation_inputs=memory_inputs.repeat(4, 1, 1),
        validation_targets=memory_targets.repeat(4),
    )
    return {
        HIHELLO: session(
            ModelConfig(5, 5, 5, linear_head=False),
            SequenceData(hihello.inputs, hihello.targets, "classify_each_step"),
            TrainConfig(epochs=100, snapshot_every=5),
        ),
        "long sequences": session(
            ModelConfig(vocabulary, vocabulary, vocabulary, 2), windows.data(), TrainConfig(epochs=30, snapshot_every=5)
        ),
        "long windows, GRU 64, batch 16": session(
            ModelConfig(long_windows.vocabulary.size, long_windows.vocabulary.size, 64, cell="gru"),
            long_windows.data(np.arange(4)),
            TrainConfig(epochs=2, batch_size=16),
        ),
        "time series": session(
            ModelConfig(5, 1, 10, cell="lstm"),
            regression_data(500, 7, 5, 1, probes=8, validation=200),
            TrainConfig(epochs=50, snapshot_every=10, validate_every=4),
        ),
        "window 120, LSTM 128 x 4, batch all (sliced)": session(
            ModelConfig(5, 30, 128, 4, cell="lstm"), regression_data(400, 120, 5, 30), TrainConfig(epochs=1)
        ),
        "memory task, RNN 70": session(
            ModelConfig(17, 8, 70, cell="rnn"),
            memory,
            TrainConfig(epochs=60, snapshot_every=6, validate_every=2, clip_grad_norm=1.0),
        ),
    }


def size_cases() -> dict[str, Callable[[], list[TrainingSession]]]:
    """Wide layers in big batches, and narrow ones on long windows in small batches (each cell), so the fit tells the
    arithmetic from the fixed costs."""
    from core.engine.models import ModelConfig, SequenceModel
    from core.engine.settings import TrainConfig

    wide, long, short = regression_data(256, 50, 8, 1), regression_data(160, 60, 5, 1), regression_data(30, 50, 8, 1)
    half = regression_data(128, 50, 8, 1)

    def session(model: ModelConfig, config: TrainConfig, data=wide) -> Callable[[], list[TrainingSession]]:
        return lambda: [TrainingSession(lambda: SequenceModel(model), data, config)]

    return {
        "LSTM 256, batch 64": session(ModelConfig(8, 1, 256, cell="lstm"), TrainConfig(epochs=2, batch_size=64)),
        "RNN 256 x 2, batch 128": session(ModelConfig(8, 1, 256, 2, cell="rnn"), TrainConfig(epochs=2, batch_size=128)),
        "GRU 128, batch 128": session(ModelConfig(8, 1, 128, cell="gru"), TrainConfig(epochs=2, batch_size=128)),
        "GRU 256 x 2, batch 128": session(ModelConfig(8, 1, 256, 2, cell="gru"), TrainConfig(epochs=1), half),
        "window 50, GRU 16, batch 1": session(
            ModelConfig(8, 1, 16, cell="gru"), TrainConfig(epochs=1, batch_size=1), short
        ),
        "LSTM 32, batch 8": session(ModelConfig(8, 1, 32, cell="lstm"), TrainConfig(epochs=1, batch_size=8)),
        **{
            f"window 60, {cell.upper()} 32 x 2, batch 16": session(
                ModelConfig(5, 1, 32, 2, cell=cell), TrainConfig(epochs=1, batch_size=16), long
            )
            for cell in ("rnn", "lstm", "gru")
        },
    }


def screen_default_cases() -> dict[str, Callable[[], list[TrainingSession]]]:
    """Each screen's run at its defaults, built as its page builds it (the comparison: its three cells, whose
    estimates the page adds up)."""
    from core.engine.models import SequenceModel
    from core.engine.probes import probe_indices
    from core.reading.series import read_series
    from core.screens.hihello.settings import HiHelloSettings
    from core.screens.long_sequences.settings import LongSequenceSettings
    from core.screens.long_sequences.windows import read_back_session
    from core.screens.rnn_vs_lstm_gru.comparison import ComparisonSettings, build_task, cell_sessions
    from core.screens.time_series.forecasting import ForecastSettings, device_for, prepare

    def hihello() -> list[TrainingSession]:
        settings = HiHelloSettings()
        task = settings.task()
        model = settings.model_config(task)
        return [TrainingSession(lambda: SequenceModel(model), settings.data(task), settings.train_config())]

    def long_sequences() -> list[TrainingSession]:
        settings = LongSequenceSettings()
        task = settings.task()
        model = settings.model_config(task)
        windows = probe_indices(task.windows, task.sequence_length, model)
        return [read_back_session(task, model, settings.train_config(), windows)[0]]

    table = read_series(STOCK.read_bytes(), STOCK.name)
    columns = ("Open", "High", "Low", "Volume", "Close")  # the page's defaults on the stock-like sample

    def time_series() -> list[TrainingSession]:
        prepared = prepare(table, ForecastSettings(target="Close", features=columns))
        return [prepared.session(device_for(prepared))]

    def comparison() -> list[TrainingSession]:
        settings = ComparisonSettings()
        return list(cell_sessions(settings, build_task(settings)).values())

    return {
        "HiHello defaults": hihello,
        "Long sequences defaults": long_sequences,
        "Time series defaults (stock_like.csv)": time_series,
        "RNN vs LSTM/GRU defaults (three cells)": comparison,
    }


def cases() -> dict[str, Callable[[], list[TrainingSession]]]:
    """Every measured case: a function that builds its fresh sessions (one, or the comparison's three)."""
    return {**shape_cases(), **size_cases(), **screen_default_cases()}


def counted(sessions: list[TrainingSession]) -> TimeTerms:
    """The case's counts, added over its sessions (as the comparison page adds its cells' estimates)."""
    terms = [time_terms(s.model.cost(), s.run_shape()) for s in sessions]
    return TimeTerms(**{name: sum(getattr(t, name) for t in terms) for name in TimeTerms.__dataclass_fields__})


def run_once(build: Callable[[], list[TrainingSession]]) -> tuple[float, float, TimeTerms]:
    """CPU seconds of this thread to train the case's sessions to the end, then to probe every snapshot."""
    sessions = build()
    terms = counted(sessions)
    started = time.thread_time()
    for session in sessions:
        session.advance()
        assert session.finished and not session.history.stopped
    trained = time.thread_time()
    for session in sessions:
        for snapshot in session.history.snapshots:
            snapshot.probe  # noqa: B018 (computed on first look, as a view does)
    return trained - started, time.thread_time() - trained, terms


def measure(names: list[str] | None, repeats: int) -> list[dict]:
    """Every case (or those whose name contains one of ``names``) in this process: the best of its repeats."""
    results = []
    for name, build in cases().items():
        if names and not any(n.lower() in name.lower() for n in names):
            continue
        load_before = os.getloadavg()[0]
        trainings, probings = [], []
        for attempt in range(repeats):
            training, probing, terms = run_once(build)
            trainings.append(training)
            probings.append(probing)
            if attempt >= 1 and training + probing > LONG_RUN_SECONDS:
                break
        measured_training, measured_probing = min(trainings), min(probings)
        results.append(
            {
                "case": name,
                "estimate_s": round(terms.seconds, 4),
                "measured_s": round(measured_training + measured_probing, 4),
                "ratio": round(terms.seconds / (measured_training + measured_probing), 3),
                "estimate_training_s": round(terms.seconds - terms.probe_seconds, 4),
                "measured_training_s": round(measured_training, 4),
                "estimate_probing_s": round(terms.probe_seconds, 4),
                "measured_probing_s": round(measured_probing, 4),
                "runs": len(trainings),
                "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                "terms": {name: float(value) for name, value in vars(terms).items()},
            }
        )
        print(f"  {name}: {results[-1]['measured_s']} s, ratio {results[-1]['ratio']}", file=sys.stderr)
    return results


def matrix_product_rate(size: int = 512) -> float:
    """Multiply-adds per second of one thread in a float32 matrix product (the best of ten)."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    best = math.inf
    for _ in range(10):
        started = time.thread_time()
        torch.mm(a, b)
        best = min(best, time.thread_time() - started)
    return size**3 / best


def child(capability: str, names: list[str] | None, repeats: int) -> None:
    """Measure in this process, which the parent started with ATEN_CPU_CAPABILITY=``capability``."""
    from core.engine.runtime import use_one_thread

    use_one_thread()
    reported = torch.backends.cpu.get_cpu_capability()
    if reported.lower() != capability.lower():
        raise SystemExit(f"asked for CPU capability {capability}, torch reports {reported}")
    print(
        json.dumps(
            {
                "capability": reported,
                "multiply_adds_per_second": matrix_product_rate(),
                "cases": measure(names, repeats),
            }
        )
    )


def capabilities() -> list[str]:
    """This CPU's own capability, and on x86-64 the lesser ones torch can be made to use (avx2, default)."""
    own = torch.backends.cpu.get_cpu_capability().lower()
    ladder = ["default", "avx2", "avx512"]
    if platform.machine().lower() in ("x86_64", "amd64") and own in ladder:
        return ladder[: ladder.index(own) + 1][::-1]
    return [own]


# The fit ------------------------------------------------------------------------------------------------------


def design(case: dict) -> tuple[np.ndarray, np.ndarray]:
    """Two rows per case (training, probing), each divided by the case's measured time, and their targets."""
    t, total = case["terms"], case["measured_s"]
    training = [t["steps"], t["train_kernel_calls"], t["eval_kernel_calls"], 0.0, t["multiply_adds"], t["elements"]]
    probing = [0.0, 0.0, 0.0, t["probe_steps"], t["probe_multiply_adds"], t["probe_elements"]]
    rows = np.array([training, probing]) / total
    return rows, np.array([case["measured_training_s"], case["measured_probing_s"]]) / total


def nnls(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Non-negative least squares, exactly, by trying every set of free constants (six: 63 sets)."""
    scale = np.abs(a).max(axis=0)
    scale[scale == 0] = 1
    a = a / scale
    best, best_residual = np.zeros(a.shape[1]), float(np.sum(b**2))
    for size in range(1, a.shape[1] + 1):
        for free in itertools.combinations(range(a.shape[1]), size):
            x = np.zeros(a.shape[1])
            x[list(free)] = np.linalg.lstsq(a[:, free], b, rcond=None)[0]
            residual = float(np.sum((a @ x - b) ** 2))
            if np.all(x >= 0) and residual < best_residual:
                best, best_residual = x, residual
    return best / scale


def seconds_with(case: dict, constants: np.ndarray) -> float:
    rows, _ = design(case)
    return float((rows @ constants).sum() * case["measured_s"])


def current_constants() -> np.ndarray:
    return np.array(
        [
            budget.STEP_SECONDS,
            budget.KERNEL_SECONDS_TRAIN,
            budget.KERNEL_SECONDS_EVAL,
            budget.PROBE_STEP_SECONDS,
            1 / budget.MULTIPLY_ADDS_PER_SECOND,
            budget.ELEMENT_SECONDS,
        ]
    )


def ratios(measured: dict[str, list[dict]], constants: np.ndarray) -> dict[str, dict]:
    """Per capability: estimate / measured for every case with ``constants``, and the extremes."""
    summary = {}
    for capability, cases_measured in measured.items():
        per_case = {c["case"]: round(seconds_with(c, constants) / c["measured_s"], 2) for c in cases_measured}
        summary[capability] = {"min": min(per_case.values()), "max": max(per_case.values()), "cases": per_case}
    return summary


def readable(constants: np.ndarray) -> dict[str, float | None]:
    """The constants as core/engine/budget.py writes them, to two significant digits."""
    values = {name: float(f"{c:.2g}") for name, c in zip(CONSTANTS, constants, strict=True)}
    per_multiply_add = constants[CONSTANTS.index("SECONDS_PER_MULTIPLY_ADD")]
    del values["SECONDS_PER_MULTIPLY_ADD"]
    values["MULTIPLY_ADDS_PER_SECOND"] = float(f"{1 / per_multiply_add:.2g}") if per_multiply_add else None
    return values


def ratio_rows(measured: dict[str, list[dict]]) -> np.ndarray:
    """One row per case and capability: estimate / measured = row @ constants."""
    return np.array([design(c)[0].sum(axis=0) for cases_measured in measured.values() for c in cases_measured])


def minimax(rows: np.ndarray, start: np.ndarray) -> np.ndarray:
    """The non-negative constants whose worst ratio ``rows @ constants`` is closest to 1 in log space: a smooth
    maximum of |log ratio|, tightened in stages, by gradient descent on the constants' logarithms from ``start``
    (a constant at 0 starts small, and may stay there)."""
    scale = rows.max(axis=0)
    scale[scale == 0] = 1
    a = torch.tensor(rows / scale, dtype=torch.float64)
    theta = torch.tensor(np.log(np.maximum(start * scale, 1e-4)), dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.Adam([theta], lr=0.01)
    for sharpness in (10, 30, 100, 300, 1000):
        for _ in range(2000):
            error = torch.log(a @ torch.exp(theta))
            loss = torch.logsumexp(torch.cat([sharpness * error, -sharpness * error]), 0) / sharpness
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return torch.exp(theta).detach().numpy() / scale


def fit(measured: dict[str, list[dict]]) -> dict[str, np.ndarray]:
    """Constants fitted per capability and over all of them (non-negative least squares on the relative error), and
    the one ``core/engine/budget.py`` takes: the minimax fit over every case on every capability."""
    fits = {}
    for capability in dict.fromkeys(name.split(" #")[0] for name in measured):  # its rounds together
        rounds = [
            c for name, cases_measured in measured.items() if name.split(" #")[0] == capability for c in cases_measured
        ]
        rows, targets = zip(*(design(c) for c in rounds), strict=True)
        fits[f"least squares, {capability}"] = nnls(np.vstack(rows), np.concatenate(targets))
    rows, targets = zip(*(design(c) for cases_measured in measured.values() for c in cases_measured), strict=True)
    fits["least squares, all capabilities"] = pooled = nnls(np.vstack(rows), np.concatenate(targets))
    fits["minimax, all capabilities"] = minimax(ratio_rows(measured), pooled)
    return fits


def worst(summary: dict[str, dict]) -> dict[str, float]:
    """The lowest and highest estimate / measured over every capability, and their quotient."""
    low, high = min(s["min"] for s in summary.values()), max(s["max"] for s in summary.values())
    return {"min": low, "max": high, "spread": round(high / low, 2)}


def described(constants: np.ndarray, measured: dict[str, list[dict]], per_case: bool) -> dict:
    summary = ratios(measured, constants)
    if not per_case:
        summary = {capability: {"min": s["min"], "max": s["max"]} for capability, s in summary.items()}
    return {"constants": readable(constants), "worst": worst(summary), "ratios": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", help="comma-separated parts of case names (default: every case)")
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2, help="rounds over the capabilities, taken in turn (default 2)")
    parser.add_argument("--child", metavar="CAPABILITY", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    names = arguments.cases.split(",") if arguments.cases else None
    if arguments.child:
        child(arguments.child, names, arguments.repeats)
        return
    started = time.perf_counter()
    measured, rates = {}, {}
    for round_number, capability in itertools.product(range(1, arguments.rounds + 1), capabilities()):
        print(f"{capability}, round {round_number}:", file=sys.stderr)
        command = [sys.executable, "-m", "benchmarks.budget_fit", "--child", capability]
        command += ["--repeats", str(arguments.repeats)] + (["--cases", arguments.cases] if arguments.cases else [])
        environment = {**os.environ, "ATEN_CPU_CAPABILITY": capability}
        output = subprocess.run(command, cwd=ROOT, env=environment, capture_output=False, stdout=subprocess.PIPE)
        if output.returncode:
            raise SystemExit(f"the {capability} child failed (exit {output.returncode})")
        result = json.loads(output.stdout)
        name = result["capability"] + (f" #{round_number}" if round_number > 1 else "")
        measured[name], rates[name] = result["cases"], result["multiply_adds_per_second"]
    fits = fit(measured)
    print(
        json.dumps(
            {
                "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "torch": torch.__version__,
                "machine": platform.machine(),
                "cpu_count": os.cpu_count(),
                "capabilities": list(dict.fromkeys(name.split(" #")[0] for name in measured)),
                "rounds": arguments.rounds,
                "matrix_product_multiply_adds_per_second": {c: float(f"{r:.3g}") for c, r in rates.items()},
                "seconds": round(time.perf_counter() - started, 1),
                "load_average_1min": {
                    capability: [
                        min(min(c["load_average_1min"]) for c in cases_measured),
                        max(max(c["load_average_1min"]) for c in cases_measured),
                    ]
                    for capability, cases_measured in measured.items()
                },
                "current_constants": described(current_constants(), measured, per_case=True),
                "constants_before_2026_12_06": described(PREVIOUS, measured, per_case=True),
                "fits": {
                    name: described(constants, measured, per_case=name.startswith("minimax"))
                    for name, constants in fits.items()
                },
                "measurements": measured,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
