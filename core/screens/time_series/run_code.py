"""The PyTorch code of a Time series run: a script, and the training rows it reads.

The rows are a few hundred lines of numbers, too many to read inside a short script, so they travel as a CSV file
beside it, the way the note's lab reads its stock prices with ``np.loadtxt``. They are the rows exactly as the
screen trained on them: after the missing-value policy, oldest first (a file read newest first, as the note's lab
reads its stock file, is already reversed here), scaled to 0..1 with the training rows' own minimum and maximum,
written with every digit of their float32 value, so the script's windows are the app's. Their header holds the
file's column names, made safe to open in a spreadsheet like every CSV file the app writes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from core.engine.cells import CELL_NAMES
from core.reading.csv_cells import spreadsheet_safe
from core.runs.code import RunCode, comment, header, network, seeding, training
from core.screens.time_series import KEY
from core.screens.time_series.forecasting import PreparedForecast


def _column(name: str) -> str:
    """A column name for the CSV header and the comments: one line, no commas."""
    return " ".join(str(name).replace(",", " ").split()) or "column"


def training_rows(prepared: PreparedForecast) -> str:
    """The training rows as CSV: the scaled features, then the scaled target (float32 values, exactly)."""
    settings = prepared.settings
    train_rows = prepared.split.train_rows
    features = prepared.scaled_features[:train_rows]
    target = prepared.target_scaler.transform_for_training(prepared.target_values, [settings.target]).reshape(-1)
    names = [*(_column(name) for name in settings.features), f"{_column(settings.target)} (target)"]
    first_line = io.StringIO()  # csv quotes a name holding a quote; the script skips this line (np.loadtxt skiprows=1)
    csv.writer(first_line, lineterminator="\n").writerow(spreadsheet_safe(name) for name in names)
    lines = [first_line.getvalue().rstrip("\n")]
    for row, value in zip(features, target[:train_rows], strict=True):  # numbers: never escaped, -0.5 stays -0.5
        lines.append(",".join(repr(float(v)) for v in (*row, value)))
    return "\n".join(lines) + "\n"


def forecast_code(prepared: PreparedForecast, rate_changes: Sequence[tuple[int, float]] = ()) -> RunCode:
    """The Time series screen's run (core.screens.time_series.forecasting.PreparedForecast) as a script and its data
    file."""
    settings = prepared.settings
    config = settings.model_config()
    seed, window, horizon = int(settings.seed), int(settings.window), int(settings.horizon)
    file_name = f"{KEY}_seed{seed}.py"
    data_name = f"{KEY}_seed{seed}_rows.csv"
    features = ", ".join(_column(name) for name in settings.features)
    target = _column(settings.target)
    summary = (
        f"Time series from RNN Lab: a {config.num_layers}-layer {CELL_NAMES[config.cell]} reads {window} steps of "
        f"{features} and predicts the next {horizon} of {target}, seed {seed}, {settings.epochs} epochs."
    )
    minimum, span = float(prepared.target_scaler.minimum[0]), float(prepared.target_scaler.span[0])
    train_windows = prepared.split.train_windows.stop
    reversed_file = (
        " The file lists its rows newest first; they are oldest first here, as the lab's xy[::-1] turns them."
        if settings.row_order == "newest_first"
        else ""
    )
    lines = [
        *header(summary, file_name, needs=f"torch, numpy and {data_name}, saved from the screen next to it"),
        "import numpy as np",
        "import torch",
        "from torch import nn",
        "",
        *seeding(seed),
        *comment(
            "The training rows as the screen scaled them: each column mapped to 0..1 by the training rows' own min "
            f"and max (the test rows never set the scale). Columns: {features}; last, the target {target}. A scaled "
            f"{target} of s is s * {span!r} + {minimum!r} in its own units.{reversed_file}"
        ),
        f'DATA = "{data_name}"',
        "rows = torch.from_numpy(np.loadtxt(DATA, delimiter=',', skiprows=1, ndmin=2).astype(np.float32))",
        "features, target = rows[:, :-1], rows[:, -1]",
        f"count = len(rows) - {window} - {horizon} + 1  # the windows whose targets are all training rows",
        f"X = features.unfold(0, {window}, 1).transpose(1, 2)[:count].contiguous()  # (windows, time, features)",
        f"Y = target[{window}:].unfold(0, {horizon}, 1)[:count].contiguous()  # (windows, steps ahead)",
        "",
        "",
        *network(config),
        *training(
            "regress_last_step",
            settings.learning_rate,
            settings.epochs,
            settings.batch_size or None,
            train_windows,
            seed,
            rate_changes=rate_changes,
        ),
    ]
    return RunCode("\n".join(lines) + "\n", file_name, data_name, training_rows(prepared))
