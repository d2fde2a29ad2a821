"""`make figures`: every measured figure of the README's "Defaults that were chosen by measurement" and
"RNN vs LSTM/GRU: the measured effect", computed at today's defaults by the screens' own core functions,
printed as markdown and written into README.md between ``<!-- figures:NAME:start -->`` and ``… end -->``.

    python -m scripts.readme_figures          # compute, print, rewrite README.md
    python -m scripts.readme_figures --print  # compute and print only

Training is deterministic (one CPU thread, seeded), so the numbers repeat; only the timings move.
A full run is about 2.5 minutes of computing on one CPU thread (141 s measured); with the 2-core machine's load
average at 9 it took 8 minutes of wall time.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from core.cell_math import CELL_NAMES, CELLS
from core.comparison import DEFAULT_SWEEP_GAPS, ComparisonSettings, compare, gap_sweep
from core.comparison_readings import (
    NEAR_CHANCE,
    VANISHED,
    cell_state_reach,
    format_chance,
    format_ratio,
    gradient_reach,
)
from core.forecast_results import evaluate_forecast
from core.forecasting import ForecastSettings, default_batch_size, default_epochs, default_target, prepare
from core.hihello import HiHelloSettings
from core.long_sequences import LongSequenceSettings
from core.models import SequenceModel
from core.runtime import use_one_thread
from core.series import read_series
from core.session import TrainingSession
from core.sweep_readings import sweep_reading
from core.windows import read_back_session

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SAMPLES = {"stock-like": "stock_like.csv", "seasonal": "seasonal.csv"}
SCREEN_SEEDS = range(5)  # the seeds the HiHello and Long sequences figures look at
TABLE_SEEDS = range(3)  # the comparison table's rows
SUMMARY_SEEDS = range(10)  # the comparison summary
TEST_NAME = "tests/test_comparison.py::test_default_settings_show_the_textbook_effect_over_three_seeds"


def seeds_text(seeds: Sequence[int]) -> str:
    seeds = list(seeds)
    if not seeds:
        return "none"
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}–{seeds[-1]}"
    return ", ".join(str(s) for s in seeds[:-1]) + (" and " if len(seeds) > 1 else "") + str(seeds[-1])


def span(values: Sequence[float], shown: Callable[[float], str]) -> str:
    low, high = shown(min(values)), shown(max(values))
    return low if low == high else f"{low}–{high}"


def two(value: float) -> str:
    return f"{value:.2f}"


# ---- HiHello --------------------------------------------------------------------------------------------


def hihello_outcome(seed: int) -> str:
    """What the HiHello screen predicts after its last epoch, at the defaults with ``seed``."""
    settings = HiHelloSettings(seed=seed)
    task = settings.task()
    config = settings.model_config(task)
    session = TrainingSession(lambda: SequenceModel(config), settings.data(task), settings.train_config())
    session.advance()
    return task.vocabulary.decode(session.history.records[-1].predictions[0])


def hihello_figures() -> str:
    settings = HiHelloSettings()
    task = settings.task()
    target = task.vocabulary.decode(task.targets[0].tolist())
    hidden = settings.model_config(task).layer_sizes
    readout = "RNN output as the scores" if settings.readout == "logits" else "a linear head"
    outcomes = {seed: hihello_outcome(seed) for seed in SCREEN_SEEDS}
    reached = [s for s, text in outcomes.items() if text == target]
    others = ", ".join(f'seed {s} "{text}"' for s, text in outcomes.items() if text != target)
    default = "reaches" if outcomes.get(settings.seed) == target else "does not reach"
    return (
        f"- **HiHello**: the seed lab's set-up (hidden size {' × '.join(map(str, hidden))}, vocabulary "
        f"{task.vocabulary.size}, {readout}, Adam "
        f"{settings.learning_rate:g}, {settings.epochs} epochs) with **seed {settings.seed}**, which {default} "
        f'"{target}". Of seeds {seeds_text(list(SCREEN_SEEDS))}, '
        f'{"seed" if len(reached) == 1 else "seeds"} {seeds_text(reached)} reach "{target}"'
        + (f"; the others stop at: {others}" if others else "")
        + ". The seed control lets the learner find that out."
    )


# ---- Long sequences -------------------------------------------------------------------------------------


def read_back_accuracy(seed: int) -> tuple[float, int, int]:
    """The Long sequences screen's read-back after its last epoch: accuracy, characters right, characters."""
    settings = LongSequenceSettings(seed=seed)
    task = settings.task()
    session, log = read_back_session(task, settings.model_config(task), settings.train_config())
    session.advance()
    total = len(task.target_text)
    return log.accuracy[-1], round(log.accuracy[-1] * total), total


def long_sequence_figures() -> str:
    settings = LongSequenceSettings()
    task = settings.task()
    hidden = settings.model_config(task).layer_sizes
    results = {seed: read_back_accuracy(seed) for seed in SCREEN_SEEDS}
    per_seed = "; ".join(
        f"seed {seed} {100 * accuracy:.1f}% ({right} of {total})" for seed, (accuracy, right, total) in results.items()
    )
    return (
        f"- **Long sequences**: the lab's {settings.num_layers}-layer {settings.cell.upper()}, hidden "
        f"{' × '.join(map(str, hidden))} (vocabulary {task.vocabulary.size}), windows of {settings.sequence_length}, "
        f"Adam {settings.learning_rate:g}, {settings.epochs} epochs, **seed {settings.seed}**. The sentence read "
        f"back, characters right per seed: {per_seed}."
    )


# ---- Time series ----------------------------------------------------------------------------------------


def screen_forecast_settings(table) -> ForecastSettings:
    """The Time series screen's defaults for a table (as pages/time_series sets them): every numeric column
    read, the lab's target."""
    columns = table.numeric_columns
    windows = max(1, len(table.frame) - 7)
    return ForecastSettings(
        target=default_target(columns),
        features=tuple(columns),
        epochs=default_epochs(windows),
        batch_size=default_batch_size(windows),
    )


def time_series_figures() -> str:
    parts, settings = [], None
    for name, filename in SAMPLES.items():
        table = read_series((ROOT / "data" / filename).read_bytes(), filename)
        settings = screen_forecast_settings(table)
        prepared = prepare(table, settings)
        session = prepared.session()
        session.advance()
        result = evaluate_forecast(prepared, session.history.model)
        ours, naive = result.model_metrics["RMSE"], result.naive_metrics["RMSE"]
        winner = "the model wins" if ours < naive else "naive wins"
        parts.append(f"{name} sample ({settings.target}) {ours:.3f} vs {naive:.3f} ({winner})")
    return (
        f"- **Time series**: {settings.cell.upper()}, hidden {settings.hidden_size}, Adam {settings.learning_rate:g}, "
        f"{settings.epochs} epochs (the lab ran 500), window {settings.window}, every numeric column read. Test-part "
        f'RMSE against the naive "next = last" forecast: {"; ".join(parts)}.'
    )


# ---- RNN vs LSTM/GRU ------------------------------------------------------------------------------------


@dataclass
class SeedResult:
    accuracy: dict[str, float]
    reach: dict[str, float]  # ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ after training
    cell_reach: float  # the LSTM's ‖∂L/∂c_1‖ ÷ ‖∂L/∂c_T‖ after training
    seconds: float
    sizes: dict[str, tuple[int, int]]  # hidden size, parameters
    chance: float


def comparison_run(seed: int) -> SeedResult:
    task, results = compare(ComparisonSettings(seed=seed))
    return SeedResult(
        accuracy={c: r.test_accuracy for c, r in results.items()},
        reach={c: float(gradient_reach(r.after_training)[0]) for c, r in results.items()},
        cell_reach=float(cell_state_reach(results["lstm"].after_training)[0]),
        seconds=sum(r.history.seconds for r in results.values()),
        sizes={c: (r.hidden_size, r.parameter_count) for c, r in results.items()},
        chance=task.chance_accuracy,
    )


def vanished_but_recalled(runs: dict[int, SeedResult], seeds: Sequence[int]) -> str:
    """The seed where the RNN recalls best despite a vanished gradient after training, if there is one."""
    found = [
        s for s in seeds if runs[s].reach["rnn"] < VANISHED and runs[s].accuracy["rnn"] > runs[s].chance + NEAR_CHANCE
    ]
    if not found:
        return ""
    best = max(found, key=lambda s: runs[s].accuracy["rnn"])
    return (
        f" On seed {best} the RNN recalls {two(runs[best].accuracy['rnn'])}, its best among the seeds whose ratio is "
        f"below {format_ratio(VANISHED)}, with ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ = {format_ratio(runs[best].reach['rnn'])} "
        "after training: a gradient that has vanished by the end of training does not by itself mean the cell "
        "learned nothing."
    )


def comparison_figures() -> str:
    settings = ComparisonSettings()
    runs = {seed: comparison_run(seed) for seed in SUMMARY_SEEDS}
    first = runs[0]
    sizes = first.sizes
    marker = ' and a final "?" step that says "recall now"' if settings.recall_marker else ""
    lines = [
        f"Recall the first of {settings.num_symbols} symbols after `gap` steps of {settings.num_distractors} "
        f"distractor symbols{marker}, inputs with Gaussian noise {settings.noise:g}; one layer, LSTM hidden "
        f"{sizes['lstm'][0]} and the RNN ({sizes['rnn'][0]}) and GRU ({sizes['gru'][0]}) sized to the same parameter "
        f"count ({', '.join(f'{CELL_NAMES[c]} {sizes[c][1]:,}' for c in CELLS)}); {settings.steps} Adam steps "
        f"({settings.learning_rate:g}, gradient clipping {settings.clip_grad_norm:g}) of {settings.batch_size} fresh "
        f"sequences; the LSTM's forget gate and the GRU's update gate start with bias {settings.keep_gate_bias:g} "
        f'("keep the old state"). Accuracy on {settings.test_sequences} held-out sequences at the default gap of '
        f"{settings.gap} (chance {format_chance(first.chance)}), and the gradient reaching step 1 relative to the "
        "last step T after training, as the screen shows them:",
        "",
        "| seed | RNN | LSTM | GRU | ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖: RNN / LSTM / GRU | LSTM ‖∂L/∂c_1‖ ÷ ‖∂L/∂c_T‖ |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for seed in TABLE_SEEDS:
        run = runs[seed]
        lines.append(
            f"| {seed} | "
            + " | ".join(two(run.accuracy[c]) for c in CELLS)
            + f" | {' / '.join(format_ratio(run.reach[c]) for c in CELLS)} | {format_ratio(run.cell_reach)} |"
        )
    seeds = list(SUMMARY_SEEDS)
    rnn = [runs[s].accuracy["rnn"] for s in seeds]
    behind = [s for s in seeds if runs[s].accuracy["rnn"] < min(runs[s].accuracy["lstm"], runs[s].accuracy["gru"])]
    cell_wider = [s for s in seeds if runs[s].cell_reach > runs[s].reach["lstm"]]
    lines += [
        "",
        f"Over seeds {seeds_text(seeds)} at gap {settings.gap}: held-out accuracy "
        + ", ".join(f"{CELL_NAMES[c]} {span([runs[s].accuracy[c] for s in seeds], two)}" for c in CELLS)
        + f"; the RNN per seed {', '.join(two(a) for a in rnn)}, below both gated cells on "
        f"{len(behind)} of {len(seeds)} seeds. After training ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ is "
        + ", ".join(f"{CELL_NAMES[c]} {span([runs[s].reach[c] for s in seeds], format_ratio)}" for c in CELLS)
        + f", and the LSTM's ‖∂L/∂c_1‖ ÷ ‖∂L/∂c_T‖ {span([runs[s].cell_reach for s in seeds], format_ratio)}, "
        f"larger than its ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ on {len(cell_wider)} of {len(seeds)} seeds."
        + vanished_but_recalled(runs, seeds),
    ]
    gaps = list(DEFAULT_SWEEP_GAPS)
    started = time.perf_counter()
    swept = gap_sweep(settings, gaps)
    sweep_seconds = time.perf_counter() - started
    lines += [
        "",
        f"The screen's gap sweep at these defaults (seed {settings.seed}, the gaps it offers first), held-out "
        "accuracy:",
        "",
        "| gap | " + " | ".join(str(g) for g in gaps) + " |",
        "| --- |" + " --- |" * len(gaps),
        *(f"| {CELL_NAMES[c]} | " + " | ".join(two(a) for a in swept[c]) + " |" for c in CELLS),
        "",
        f"The screen's sentence under that chart: {sweep_reading(gaps, swept, first.chance)}",
        "",
        f"The test `{TEST_NAME}` asserts the screen's claim on seeds {seeds_text(list(TABLE_SEEDS))}. "
        f"Measured while this script ran, on one CPU thread with the machine's load average at "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: a run of the three cells took "
        f"{span([runs[s].seconds for s in seeds], lambda v: f'{v:.0f}')} s, the sweep {sweep_seconds:.0f} s.",
    ]
    return "\n".join(lines)


# ---- README ---------------------------------------------------------------------------------------------


def defaults_block(hihello: str, long_sequences: str, time_series: str) -> str:
    return "\n".join(
        [
            f"Defaults that were chosen by measurement (torch {torch.__version__.split('+')[0]}, one CPU thread; "
            "every number in this list and in the next section is computed by `make figures`, "
            "`scripts/readme_figures.py`):",
            hihello,
            long_sequences,
            time_series,
            "- **RNN vs LSTM/GRU**: see the table below.",
        ]
    )


def replace_block(text: str, name: str, content: str) -> str:
    pattern = re.compile(rf"(<!-- figures:{name}:start -->\n).*?(\n<!-- figures:{name}:end -->)", re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no <!-- figures:{name}:start --> … end --> markers.")
    return pattern.sub(lambda match: match.group(1) + content + match.group(2), text, count=1)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the markdown, leave README.md alone")
    arguments = parser.parse_args(argv)
    use_one_thread()
    started = time.perf_counter()
    blocks = {}
    blocks["defaults"] = defaults_block(hihello_figures(), long_sequence_figures(), time_series_figures())
    print(f"defaults done after {time.perf_counter() - started:.0f} s", file=sys.stderr)
    blocks["comparison"] = comparison_figures()
    print(f"comparison done after {time.perf_counter() - started:.0f} s", file=sys.stderr)
    for name, content in blocks.items():
        print(f"<!-- figures:{name} -->\n{content}\n")
    if not arguments.print:
        text = README.read_text()
        for name, content in blocks.items():
            text = replace_block(text, name, content)
        README.write_text(text)
        print("README.md rewritten between its figures markers.", file=sys.stderr)


if __name__ == "__main__":
    main()
