"""`make figures`: every measured figure of the README's "Defaults that were chosen by measurement" and
"RNN vs LSTM/GRU: the measured effect", computed at today's defaults by the screens' own core functions,
printed as markdown and written into README.md between ``<!-- figures:NAME:start -->`` and ``… end -->``.

    python -m scripts.readme_figures          # compute, print, rewrite README.md
    python -m scripts.readme_figures --print  # compute and print only

Training is deterministic on one machine (one CPU thread, seeded), so the numbers repeat there; only the timings
move. Across machines they do not: PyTorch picks vectorised kernels per CPU, and a seed near a tipping point ends
differently. So every figure is measured under each CPU capability this CPU offers (its own, then each lower one
forced with ``ATEN_CPU_CAPABILITY``, one child process each, as many at once as there are cores), and a figure that
differs between them is written for each. One capability's measuring is about 2.5 minutes of computing on one CPU
thread (141 s measured); three on the 2-core machine took about 6 minutes of wall time.

    python -m scripts.readme_figures --measure  # one capability's numbers as JSON (what each child prints)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import torch

from core.engine.cells import CELL_NAMES, racing_names
from core.engine.cpu_kernels import VARIABLE, capabilities_here, capability_here
from core.engine.models import SequenceModel
from core.engine.runtime import use_one_thread
from core.engine.session import TrainingSession
from core.reading.series import read_series
from core.screens import hihello, long_sequences, time_series
from core.screens.hihello.settings import HiHelloSettings
from core.screens.long_sequences.settings import LongSequenceSettings
from core.screens.long_sequences.windows import read_back_session
from core.screens.rnn_vs_lstm_gru.comparison import DEFAULT_SWEEP_GAPS, ComparisonSettings, compare, gap_sweep
from core.screens.rnn_vs_lstm_gru.readings import (
    NEAR_CHANCE,
    VANISHED,
    cell_state_reach,
    format_chance,
    format_ratio,
    gradient_reach,
)
from core.screens.rnn_vs_lstm_gru.sweep_readings import sweep_reading
from core.screens.time_series.forecasting import (
    ForecastSettings,
    default_batch_size,
    default_epochs,
    default_target,
    prepare,
)
from core.screens.time_series.results import evaluate_forecast

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
CELLS = racing_names()  # the cells the comparison races, in its order
SAMPLES = {"stock-like": "stock_like.csv", "seasonal": "seasonal.csv"}
SCREEN_SEEDS = range(5)  # the seeds the HiHello and Long sequences figures look at
TABLE_SEEDS = range(3)  # the comparison table's rows
SUMMARY_SEEDS = range(10)  # the comparison summary
TEST_NAME = (
    "tests/screens/rnn_vs_lstm_gru/test_comparison.py::test_default_settings_show_the_textbook_effect_over_three_seeds"
)

# One capability's measurements, as the child process prints them: {"capability": …, <a screen's key>: {…}, …}.
# JSON keys are strings, so seeds are looked up as str(seed).
Measured = dict[str, object]


def seeds_text(seeds: Sequence[int]) -> str:
    seeds = list(seeds)
    if not seeds:
        return "none"
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}–{seeds[-1]}"
    return ", ".join(str(s) for s in seeds[:-1]) + (" and " if len(seeds) > 1 else "") + str(seeds[-1])


def span(values: Iterable[float], shown: Callable[[float], str]) -> str:
    values = list(values)
    low, high = shown(min(values)), shown(max(values))
    return low if low == high else f"{low}–{high}"


def two(value: float) -> str:
    return f"{value:.2f}"


def capability_name(capability: str) -> str:
    return capability.upper()


def per_capability(values: dict[str, str]) -> str:
    """One figure as the README gives it: once where every capability measured it the same, else each value with
    the capabilities that gave it ("95.0% under AVX512, 69.8% under AVX2 and DEFAULT")."""
    distinct = list(dict.fromkeys(values.values()))
    if len(distinct) == 1:
        return distinct[0]

    def where(value: str) -> str:
        return " and ".join(capability_name(c) for c, v in values.items() if v == value)

    return ", ".join(f"{value} under {where(value)}" for value in distinct)


# ---- Measuring: one capability per process ------------------------------------------------------------------


def hihello_outcome(seed: int) -> str:
    """What the HiHello screen predicts after its last epoch, at the defaults with ``seed``."""
    settings = HiHelloSettings(seed=seed)
    task = settings.task()
    config = settings.model_config(task)
    session = TrainingSession(lambda: SequenceModel(config), settings.data(task), settings.train_config())
    session.advance()
    return task.vocabulary.decode(session.history.records[-1].predictions[0])


def read_back_accuracy(seed: int) -> tuple[float, int, int]:
    """The Long sequences screen's read-back after its last epoch: accuracy, characters right, characters."""
    settings = LongSequenceSettings(seed=seed)
    task = settings.task()
    session, log = read_back_session(task, settings.model_config(task), settings.train_config())
    session.advance()
    total = len(task.target_text)
    return log.accuracy[-1], round(log.accuracy[-1] * total), total


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


def forecast_errors(filename: str) -> tuple[str, float, float]:
    """The target, and the test part's RMSE of the model and of the naive forecast, at the screen's defaults."""
    table = read_series((ROOT / "data" / filename).read_bytes(), filename)
    settings = screen_forecast_settings(table)
    prepared = prepare(table, settings)
    session = prepared.session()
    session.advance()
    result = evaluate_forecast(prepared, session.history.model)
    return settings.target, result.model_metrics["RMSE"], result.naive_metrics["RMSE"]


def comparison_run(seed: int) -> dict[str, object]:
    task, results = compare(ComparisonSettings(seed=seed))
    return {
        "accuracy": {c: r.test_accuracy for c, r in results.items()},
        "reach": {c: float(gradient_reach(r.after_training)[0]) for c, r in results.items()},  # ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖
        "cell_reach": float(cell_state_reach(results["lstm"].after_training)[0]),  # the LSTM's ‖∂L/∂c_1‖ ÷ ‖∂L/∂c_T‖
        "seconds": sum(r.history.seconds for r in results.values()),
        "sizes": {c: (r.hidden_size, r.parameter_count) for c, r in results.items()},
        "chance": task.chance_accuracy,
    }


def measure() -> Measured:
    """Every figure under this process's CPU capability."""
    use_one_thread()
    started = time.perf_counter()
    measured: Measured = {
        "capability": capability_here(),
        hihello.KEY: {seed: hihello_outcome(seed) for seed in SCREEN_SEEDS},
        long_sequences.KEY: {seed: read_back_accuracy(seed) for seed in SCREEN_SEEDS},
        time_series.KEY: {name: forecast_errors(filename) for name, filename in SAMPLES.items()},
        "comparison": {seed: comparison_run(seed) for seed in SUMMARY_SEEDS},
    }
    sweep_started = time.perf_counter()
    measured["sweep"] = gap_sweep(ComparisonSettings(), list(DEFAULT_SWEEP_GAPS))
    measured["sweep_seconds"] = time.perf_counter() - sweep_started
    measured["seconds"] = time.perf_counter() - started
    return json.loads(json.dumps(measured))  # as the parent reads it: seeds as strings, tuples as lists


def measure_in_child(capability: str, own: str) -> Measured:
    """One capability's figures from a child process (the capability is fixed when torch loads)."""
    env = {**os.environ}
    env.pop(VARIABLE, None)
    if capability != own:
        env[VARIABLE] = capability
    done = subprocess.run(
        [sys.executable, "-m", "scripts.readme_figures", "--measure"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    measured = json.loads(done.stdout)
    if measured["capability"] != capability:
        raise SystemExit(f"asked for {capability}, the child's torch used {measured['capability']}")
    print(f"{capability_name(capability)} measured in {measured['seconds']:.0f} s", file=sys.stderr)
    return measured


def measure_everywhere() -> dict[str, Measured]:
    """{capability: figures}, this CPU's own capability first."""
    capabilities = capabilities_here()
    own = capabilities[0]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        found = pool.map(lambda capability: measure_in_child(capability, own), capabilities)
        return dict(zip(capabilities, found, strict=True))


# ---- Writing: a figure once where every capability agrees, else for each -------------------------------------


def machine_line(runs: dict[str, Measured]) -> str:
    capabilities = list(runs)
    names = [capability_name(c) for c in capabilities]
    lower = f", then forced with `{VARIABLE}` to {' and '.join(names[1:])}" if len(names) > 1 else ""
    return (
        f"Measured with torch {torch.__version__.split('+')[0]}, one CPU thread per run, on {platform.machine()} "
        f"({cpu_model()}) under its own CPU capability {names[0]}{lower}. A figure given once is the same under every "
        "one of them; one that differs is given for each, labelled with its capability."
    )


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "CPU model unknown"


def hihello_figures(runs: dict[str, Measured]) -> str:
    settings = HiHelloSettings()
    task = settings.task()
    target = task.vocabulary.decode(task.targets[0].tolist())
    hidden = settings.model_config(task).layer_sizes
    readout = "RNN output as the scores" if settings.readout == "logits" else "a linear head"

    def outcomes(seed: int) -> dict[str, str]:
        return {c: run[hihello.KEY][str(seed)] for c, run in runs.items()}

    reached = [s for s in SCREEN_SEEDS if all(text == target for text in outcomes(s).values())]
    others = ", ".join(
        f"seed {s} " + per_capability({c: f'"{text}"' for c, text in outcomes(s).items()})
        for s in SCREEN_SEEDS
        if s not in reached
    )
    default = per_capability(
        {c: ("reaches" if text == target else "does not reach") for c, text in outcomes(settings.seed).items()}
    )
    return (
        f"- **HiHello**: the seed lab's set-up (hidden size {' × '.join(map(str, hidden))}, vocabulary "
        f"{task.vocabulary.size}, {readout}, Adam "
        f"{settings.learning_rate:g}, {settings.epochs} epochs) with **seed {settings.seed}**, which {default} "
        f'"{target}". Of seeds {seeds_text(list(SCREEN_SEEDS))}, '
        f'{"seed" if len(reached) == 1 else "seeds"} {seeds_text(reached)} reach "{target}"'
        + (f"; the others stop at: {others}" if others else "")
        + ". The seed control lets the learner find that out."
    )


def long_sequence_figures(runs: dict[str, Measured]) -> str:
    settings = LongSequenceSettings()
    task = settings.task()
    hidden = settings.model_config(task).layer_sizes
    per_seed = "; ".join(
        f"seed {seed} "
        + per_capability(
            {
                c: f"{100 * accuracy:.1f}% ({right} of {total})"
                for c, (accuracy, right, total) in ((c, run[long_sequences.KEY][str(seed)]) for c, run in runs.items())
            }
        )
        for seed in SCREEN_SEEDS
    )
    return (
        f"- **Long sequences**: the lab's {settings.num_layers}-layer {settings.cell.upper()}, hidden "
        f"{' × '.join(map(str, hidden))} (vocabulary {task.vocabulary.size}), windows of {settings.sequence_length}, "
        f"Adam {settings.learning_rate:g}, {settings.epochs} epochs, **seed {settings.seed}**. The sentence read "
        f"back, characters right per seed: {per_seed}."
    )


def time_series_figures(runs: dict[str, Measured]) -> str:
    parts, settings = [], None
    for name, filename in SAMPLES.items():
        settings = screen_forecast_settings(read_series((ROOT / "data" / filename).read_bytes(), filename))
        shown = {}
        for capability, run in runs.items():
            _, ours, naive = run[time_series.KEY][name]
            winner = "the model wins" if ours < naive else "naive wins"
            shown[capability] = f"{ours:.3f} vs {naive:.3f} ({winner})"
        parts.append(f"{name} sample ({settings.target}) {per_capability(shown)}")
    return (
        f"- **Time series**: {settings.cell.upper()}, hidden {settings.hidden_size}, Adam {settings.learning_rate:g}, "
        f"{settings.epochs} epochs (the lab ran 500), window {settings.window}, every numeric column read. Test-part "
        f'RMSE against the naive "next = last" forecast: {"; ".join(parts)}.'
    )


def vanished_but_recalled(runs: dict[str, Measured], seeds: Sequence[int]) -> str:
    """Where the RNN recalls best despite a vanished gradient after training, over every seed and capability."""
    found = [
        (c, s, run["comparison"][str(s)])
        for c, run in runs.items()
        for s in seeds
        if run["comparison"][str(s)]["reach"]["rnn"] < VANISHED
        and run["comparison"][str(s)]["accuracy"]["rnn"] > run["comparison"][str(s)]["chance"] + NEAR_CHANCE
    ]
    if not found:
        return ""
    capability, seed, best = max(found, key=lambda item: item[2]["accuracy"]["rnn"])
    where = f" under {capability_name(capability)}" if len(runs) > 1 else ""
    return (
        f" On seed {seed}{where} the RNN recalls {two(best['accuracy']['rnn'])}, its best among the seeds whose ratio "
        f"is below {format_ratio(VANISHED)}, with ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ = {format_ratio(best['reach']['rnn'])} "
        "after training: a gradient that has vanished by the end of training does not by itself mean the cell "
        "learned nothing."
    )


def comparison_figures(runs: dict[str, Measured]) -> str:
    settings = ComparisonSettings()
    own = next(iter(runs.values()))
    first = own["comparison"]["0"]
    sizes, chance = first["sizes"], first["chance"]
    marker = ' and a final "?" step that says "recall now"' if settings.recall_marker else ""
    lines = [
        machine_line(runs),
        "",
        f"Recall the first of {settings.num_symbols} symbols after `gap` steps of {settings.num_distractors} "
        f"distractor symbols{marker}, inputs with Gaussian noise {settings.noise:g}; one layer, LSTM hidden "
        f"{sizes['lstm'][0]} and the RNN ({sizes['rnn'][0]}) and GRU ({sizes['gru'][0]}) sized to the same parameter "
        f"count ({', '.join(f'{CELL_NAMES[c]} {sizes[c][1]:,}' for c in CELLS)}); {settings.steps} Adam steps "
        f"({settings.learning_rate:g}, gradient clipping {settings.clip_grad_norm:g}) of {settings.batch_size} fresh "
        f"sequences; the LSTM's forget gate and the GRU's update gate start with bias {settings.keep_gate_bias:g} "
        f'("keep the old state"). Accuracy on {settings.test_sequences} held-out sequences at the default gap of '
        f"{settings.gap} (chance {format_chance(chance)}), and the gradient reaching step 1 relative to the "
        "last step T after training, as the screen shows them, under each CPU capability:",
        "",
        "| seed | CPU capability | RNN | LSTM | GRU | ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖: RNN / LSTM / GRU "
        "| LSTM ‖∂L/∂c_1‖ ÷ ‖∂L/∂c_T‖ |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for seed in TABLE_SEEDS:
        rows = {}
        for capability, run in runs.items():
            one = run["comparison"][str(seed)]
            rows[capability] = (
                " | ".join(two(one["accuracy"][c]) for c in CELLS)
                + f" | {' / '.join(format_ratio(one['reach'][c]) for c in CELLS)} | {format_ratio(one['cell_reach'])} |"
            )
        for row in dict.fromkeys(rows.values()):
            names = ", ".join(capability_name(c) for c, r in rows.items() if r == row)
            lines.append(f"| {seed} | {names} | {row}")
    seeds = list(SUMMARY_SEEDS)
    every = [run["comparison"][str(s)] for run in runs.values() for s in seeds]

    def per_seed_count(test: Callable[[dict], bool]) -> str:
        return per_capability(
            {c: f"{sum(test(run['comparison'][str(s)]) for s in seeds)} of {len(seeds)}" for c, run in runs.items()}
        )

    rnn_per_seed = per_capability(
        {c: ", ".join(two(run["comparison"][str(s)]["accuracy"]["rnn"]) for s in seeds) for c, run in runs.items()}
    )
    lines += [
        "",
        f"Over seeds {seeds_text(seeds)} at gap {settings.gap}, under every capability measured: held-out accuracy "
        + ", ".join(f"{CELL_NAMES[c]} {span((one['accuracy'][c] for one in every), two)}" for c in CELLS)
        + f"; the RNN per seed {rnn_per_seed}; the RNN below both gated cells on "
        + per_seed_count(lambda one: one["accuracy"]["rnn"] < min(one["accuracy"]["lstm"], one["accuracy"]["gru"]))
        + " seeds. After training ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ is "
        + ", ".join(f"{CELL_NAMES[c]} {span((one['reach'][c] for one in every), format_ratio)}" for c in CELLS)
        + f", and the LSTM's ‖∂L/∂c_1‖ ÷ ‖∂L/∂c_T‖ {span((one['cell_reach'] for one in every), format_ratio)}, "
        "larger than its ‖∂L/∂h_1‖ ÷ ‖∂L/∂h_T‖ on "
        + per_seed_count(lambda one: one["cell_reach"] > one["reach"]["lstm"])
        + " seeds."
        + vanished_but_recalled(runs, seeds),
    ]
    gaps = list(DEFAULT_SWEEP_GAPS)
    lines += [
        "",
        f"The screen's gap sweep at these defaults (seed {settings.seed}, the gaps it offers first), held-out "
        "accuracy:",
        "",
        "| gap | " + " | ".join(str(g) for g in gaps) + " |",
        "| --- |" + " --- |" * len(gaps),
    ]
    for cell in CELLS:
        rows = {c: " | ".join(two(a) for a in run["sweep"][cell]) + " |" for c, run in runs.items()}
        distinct = list(dict.fromkeys(rows.values()))
        for row in distinct:
            names = ", ".join(capability_name(c) for c, r in rows.items() if r == row)
            label = CELL_NAMES[cell] if len(distinct) == 1 else f"{CELL_NAMES[cell]} ({names})"
            lines.append(f"| {label} | {row}")
    sentences = {c: sweep_reading(gaps, run["sweep"], chance) for c, run in runs.items()}
    lines.append("")
    for sentence in dict.fromkeys(sentences.values()):
        names = " and ".join(capability_name(c) for c, s in sentences.items() if s == sentence)
        where = "" if len(set(sentences.values())) == 1 else f" ({names})"
        lines.append(f"The screen's sentence under that chart{where}: {sentence}")
        lines.append("")
    own_name = capability_name(next(iter(runs)))
    lines += [
        f"The test `{TEST_NAME}` asserts the screen's claim on seeds {seeds_text(list(TABLE_SEEDS))}, with margins "
        "that hold under every capability. Measured while this script ran, "
        f"{len(runs)} capabilities at once on {os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} at the "
        f"end): under {own_name} a run of the three cells took "
        f"{span((own['comparison'][str(s)]['seconds'] for s in seeds), lambda v: f'{v:.0f}')} s, the sweep "
        f"{own['sweep_seconds']:.0f} s.",
    ]
    return "\n".join(lines)


# ---- README ---------------------------------------------------------------------------------------------


def defaults_block(runs: dict[str, Measured]) -> str:
    return "\n".join(
        [
            machine_line(runs),
            "",
            "Defaults that were chosen by measurement (every number in this list and in the next section is computed "
            "by `make figures`, `scripts/readme_figures.py`):",
            hihello_figures(runs),
            long_sequence_figures(runs),
            time_series_figures(runs),
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
    parser.add_argument("--measure", action="store_true", help="print this capability's numbers as JSON, no more")
    arguments = parser.parse_args(argv)
    if arguments.measure:
        print(json.dumps(measure()))
        return
    started = time.perf_counter()
    runs = measure_everywhere()
    print(f"every capability measured after {time.perf_counter() - started:.0f} s", file=sys.stderr)
    blocks = {"defaults": defaults_block(runs), "comparison": comparison_figures(runs)}
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
