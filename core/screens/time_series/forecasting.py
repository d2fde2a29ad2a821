"""The glue between a series table and training: settings, windows, predictions, metrics, exports.

``prepare`` turns a ``SeriesTable`` and ``ForecastSettings`` into scaled windows and ``SequenceData``
(the scalers are fitted on the training rows only); ``evaluate_forecast`` puts the trained model's predictions
back into the original units and compares them with the naive forecast "the next value = the last
one"; ``forecast_beyond`` feeds the model its own predictions to go past the end of the data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import torch
from numpy.lib.stride_tricks import sliding_window_view
from torch import Tensor

from core.engine.cells import choosable_names
from core.engine.models import MAX_HIDDEN_SIZE, MAX_LAYERS, ModelConfig, SequenceModel
from core.engine.probes import probe_indices
from core.engine.runtime import DEVICES, resolve_device
from core.engine.session import TrainingSession
from core.engine.settings import MAX_EPOCHS, SequenceData, TrainConfig, snapshot_every
from core.reading.series import ROW_ORDERS, SeriesTable, in_row_order, row_order_said, with_likely_cause
from core.reading.series_gaps import MISSING_POLICIES, fill_gaps, spacing_jumps
from core.reading.splits import ChronologicalSplit, MinMaxScaler, validate_target
from core.reading.validation import MAX_SEED, whole_numbers
from core.words.errors import InputError
from core.words.i18n import N_
from core.words.message import Message

WINDOW_LIMITS = (2, 120)
HORIZON_LIMITS = (1, 30)
PROBE_WINDOWS = 8
# Windows × window × features above which the windows stay a view of the series instead of a copy.
COPY_LIMIT = 4_000_000
# Window passes (epochs × windows) a default run makes at most: a few seconds on one CPU thread.
DEFAULT_WORK = 400_000
DEFAULT_EPOCHS = 200
FULL_BATCH_UP_TO = 4096
PREDICT_BATCH = 4096
# The lab's target among a file's columns, compared by ``name_key`` (lower case, spaces as underscores).
CLOSE_NAMES = ("close", "종가", "adj_close", "value", "target")


@dataclass(frozen=True)
class ForecastSettings:
    """Everything a learner chooses for one forecasting run; validated on construction."""

    target: str
    features: tuple[str, ...]
    missing_policy: str = "drop"
    window: int = 7
    horizon: int = 1
    train_fraction: float = 0.7
    cell: str = "lstm"
    hidden_size: int = 10
    num_layers: int = 1
    learning_rate: float = 0.01
    epochs: int = 200  # the lab ran 500; 200 reach the same picture in a few seconds on one CPU thread
    batch_size: int = 0  # 0: every training window in one step (full batch), as the lab does
    seed: int = 0
    device: str = "auto"
    # Which end of a file without dates is the oldest (core.reading.series.in_row_order); a file with dates is in date
    # order.
    row_order: str = "oldest_first"

    # Fields a saved run may lack because it was saved before they existed; their default is the behaviour then.
    ADDED_LATER: ClassVar[tuple[str, ...]] = ("row_order",)

    def __post_init__(self) -> None:
        features = (self.features,) if isinstance(self.features, str) else tuple(self.features)
        object.__setattr__(self, "features", features)
        if not isinstance(self.target, str) or not self.target:
            raise InputError(N_("Choose the column to forecast (the target)."))
        if not features:
            raise InputError(N_("Choose at least one feature column for the network to read."))
        if len(set(features)) != len(features):
            raise InputError(N_("Each feature column can be chosen once only."))
        for value, options, message in (
            (
                self.missing_policy,
                MISSING_POLICIES,
                N_("Unknown missing-value policy '{value}': choose one of {options}."),
            ),
            (self.cell, choosable_names(), N_("Unknown cell type '{value}': choose one of {options}.")),
            (self.device, DEVICES, N_("Unknown device '{value}': choose one of {options}.")),
            (self.row_order, ROW_ORDERS, N_("Unknown row order '{value}': choose one of {options}.")),
        ):
            if value not in options:
                raise InputError(message, value=value, options=", ".join(options))
        if not (isinstance(self.train_fraction, int | float) and 0.1 <= self.train_fraction <= 0.95):
            raise InputError(
                N_("The training share must be between 10% and 95% (got {value})."), value=repr(self.train_fraction)
            )
        if not (isinstance(self.learning_rate, int | float) and 0 < self.learning_rate <= 10):  # NaN fails too
            raise InputError(
                N_("The learning rate must be a number above 0 and at most 10 (got {value})."), value=self.learning_rate
            )
        whole_numbers(
            self,
            (
                ("window", N_("The window"), *WINDOW_LIMITS),
                ("horizon", N_("The horizon"), *HORIZON_LIMITS),
                ("hidden_size", N_("The hidden size"), 1, MAX_HIDDEN_SIZE),
                ("num_layers", N_("The depth"), 1, MAX_LAYERS),
                ("epochs", N_("Epochs"), 1, MAX_EPOCHS),
                ("batch_size", N_("The batch size (0 = all windows)"), 0, 1_000_000),
                ("seed", N_("The seed"), 0, MAX_SEED),
            ),
        )

    def model_config(self) -> ModelConfig:
        return ModelConfig(
            input_size=len(self.features),
            output_size=int(self.horizon),
            hidden_size=int(self.hidden_size),
            num_layers=int(self.num_layers),
            cell=self.cell,
        )

    def train_config(self) -> TrainConfig:
        return TrainConfig(
            epochs=int(self.epochs),
            learning_rate=float(self.learning_rate),
            seed=int(self.seed),
            batch_size=int(self.batch_size) or None,
            snapshot_every=snapshot_every(self.epochs),
            # The validation pass costs about one training step: ~50 points make the curve, at a few % of the time.
            validate_every=max(1, int(self.epochs) // 50),
        )


def name_key(column: str) -> str:
    """A column name as the name lists compare it: trimmed, lower case, inner spaces as one underscore."""
    return "_".join(column.strip().lower().split())


def default_target(columns: list[str], missing: Mapping[str, int] | None = None) -> str:
    """Among the columns with the fewest gaps, the lab's target (Close, 종가, Value) when there is one, else
    the last. A column blank on most days (rainfall in a weather file) is a poor first target."""
    fewest = min((missing or {}).get(column, 0) for column in columns)
    candidates = [column for column in columns if (missing or {}).get(column, 0) == fewest]
    for name in CLOSE_NAMES:
        for column in candidates:
            if name_key(column) == name:
                return column
    return candidates[-1]


def default_features(table: SeriesTable) -> list[str]:
    """Every numeric column but those constant in every row (a station code): they tell the network nothing."""
    varying = [column for column in table.numeric_columns if column not in table.constant_columns]
    return varying or list(table.numeric_columns)


def default_batch_size(windows: int) -> int:
    """Full batch (0) as the lab does while it fits comfortably; mini-batches of 512 beyond."""
    return 0 if windows <= FULL_BATCH_UP_TO else 512


def default_epochs(windows: int) -> int:
    """200 epochs on small series; fewer on long ones (each epoch is many mini-batch steps there)."""
    return int(max(1, min(DEFAULT_EPOCHS, DEFAULT_WORK // max(windows, 1))))


@dataclass(frozen=True)
class PreparedForecast:
    """The windows, scalers and training data of one run, and what the page needs to draw them."""

    settings: ForecastSettings
    times: pd.Index  # (rows,) the dates, or time steps 1..rows when the file has no date column
    has_dates: bool
    target_values: np.ndarray  # (rows,) the target in original units
    scaled_features: np.ndarray  # (rows, features) float32, scaled with the training rows' min/max
    split: ChronologicalSplit
    feature_scaler: MinMaxScaler
    target_scaler: MinMaxScaler
    inputs: Tensor  # (windows, window, features): every window, train and test
    targets: Tensor  # (windows, horizon) scaled
    data: SequenceData
    probe_windows: np.ndarray  # (probes,) indices of the windows the snapshots look inside
    # What the missing-value policy did, and what the learner should not miss (dates no longer evenly spaced), kept
    # as messages: this object lives in the run, and they are worded when drawn, in the language of that moment.
    note_messages: tuple[Message, ...] = ()
    warning_messages: tuple[Message, ...] = ()

    @property
    def notes(self) -> list[str]:
        """The notes in the current language."""
        return [message.worded() for message in self.note_messages]

    @property
    def warnings(self) -> list[str]:
        """The warnings in the current language."""
        return [message.worded() for message in self.warning_messages]

    def session(self, device: torch.device | None = None) -> TrainingSession:
        """A fresh training session of the settings' model on these windows."""
        model_config = self.settings.model_config()
        return TrainingSession(lambda: SequenceModel(model_config), self.data, self.settings.train_config(), device)

    @property
    def rows(self) -> int:
        return len(self.target_values)

    @property
    def truth(self) -> np.ndarray:
        """(windows, horizon) the true targets in original units, taken from the file, not inverted."""
        return sliding_window_view(self.target_values[self.settings.window :], self.settings.horizon)[
            : self.split.windows
        ]


def cut_windows(values: np.ndarray, target: np.ndarray, window: int, horizon: int) -> tuple[Tensor, Tensor]:
    """(rows, features), (rows,) float32 → inputs (N, window, features) and targets (N, horizon),
    N = rows - window - horizon + 1: window ``i`` reads rows ``i .. i+window-1`` and predicts the next ``horizon``.

    ``unfold`` gives views, no copy: 200,000 rows × window 120 would otherwise take 480 MB per feature
    set. Small series are copied to contiguous memory, which the recurrent kernels read fastest.
    """
    count = len(values) - window - horizon + 1
    if count < 1:
        raise InputError(
            N_(
                "{rows} rows are too few for a window of {window} and a horizon of {horizon}: at least {needed} are "
                "needed."
            ),
            rows=f"{len(values):,}",
            window=window,
            horizon=horizon,
            needed=window + horizon,
        )
    inputs = torch.from_numpy(values).unfold(0, window, 1).transpose(1, 2)[:count]  # (N, window, features), a view
    targets = torch.from_numpy(target[window:]).unfold(0, horizon, 1)[:count]  # (N, horizon), a view
    if inputs.numel() <= COPY_LIMIT:
        inputs, targets = inputs.contiguous(), targets.contiguous()
    return inputs, targets


def prepare(table: SeriesTable, settings: ForecastSettings) -> PreparedForecast:
    """Check the settings against the table, fit the scalers on the training rows, cut the windows.

    The rows are put oldest first before anything else (``settings.row_order`` for a file without dates), so the
    missing-value policy, the split, the charts, the forecast past the end and the exports all follow that order.
    """
    table = in_row_order(table, settings.row_order)
    unknown = [c for c in (settings.target, *settings.features) if c not in table.numeric_columns]
    if unknown:
        raise InputError(
            N_("'{column}' is not a numeric column of this table: choose among its numeric columns."), column=unknown[0]
        )
    columns = list(dict.fromkeys([settings.target, *settings.features]))
    frame, gap_fill = fill_gaps(table.frame, columns, settings.missing_policy)
    try:
        split = validate_target(
            frame, settings.target, settings.window, settings.horizon, settings.train_fraction, settings.features
        )
    except InputError as error:  # "too few rows" from a quote that swallowed the file: say so
        raise with_likely_cause(error, table.quote_problem) from error
    features = frame[list(settings.features)].to_numpy(dtype="float64")  # (rows, features)
    target = frame[settings.target].to_numpy(dtype="float64")  # (rows,)
    # The honest part: min and max come from the training rows only, never from the future.
    feature_scaler = MinMaxScaler.fit(features[: split.train_rows], settings.features)
    target_scaler = MinMaxScaler.fit(target[: split.train_rows], [settings.target])
    scaled = feature_scaler.transform_for_training(features, settings.features)  # (rows, features) float32
    scaled_target = target_scaler.transform_for_training(target, [settings.target]).reshape(-1)  # (rows,) float32
    inputs, targets = cut_windows(scaled, scaled_target, settings.window, settings.horizon)
    train, test = split.train_windows, split.test_windows
    probes = probe_indices(split.windows, settings.window, settings.model_config(), most=PROBE_WINDOWS)
    data = SequenceData(
        inputs=inputs[train],
        targets=targets[train],
        objective="regress_last_step",
        probe_inputs=inputs[probes].contiguous(),
        probe_targets=targets[probes].contiguous(),
        validation_inputs=inputs[test],
        validation_targets=targets[test],
    )
    has_dates = table.date_column is not None
    # Without dates, time steps are counted from 1 on screen, as everywhere in the app.
    times = pd.Index(frame[table.date_column]) if has_dates else pd.RangeIndex(1, len(frame) + 1)
    jumps = spacing_jumps(table.frame[table.date_column], frame[table.date_column]) if has_dates else None
    # A file read backwards says so beside the run (the default, file order, is what the preview shows).
    order = [row_order_said(settings.row_order)] if settings.row_order == "newest_first" else []
    return PreparedForecast(
        settings=settings,
        times=times,
        has_dates=has_dates,
        target_values=target,
        scaled_features=scaled,
        split=split,
        feature_scaler=feature_scaler,
        target_scaler=target_scaler,
        inputs=inputs,
        targets=targets,
        data=data,
        probe_windows=probes,
        note_messages=(*order, gap_fill.message()),
        warning_messages=(jumps.message(),) if jumps else (),
    )


def device_for(prepared: PreparedForecast) -> torch.device:
    """``auto`` takes CUDA only for big runs; ``cuda`` on a machine without one is refused in a sentence."""
    settings = prepared.settings
    workload = prepared.split.windows * settings.window * settings.hidden_size * settings.num_layers
    return resolve_device(settings.device, workload)
