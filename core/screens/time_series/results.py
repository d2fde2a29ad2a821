"""A trained forecaster judged honestly: its predictions back in the file's units, its errors against the
naive forecast "the next value = the last one", a verdict computed from both, and a forecast past the end.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import Tensor

from core.engine.models import SequenceModel
from core.reading.validation import whole_number
from core.screens.time_series.forecasting import PREDICT_BATCH, PreparedForecast, name_key
from core.screens.time_series.metrics import mae, mape, mape_note, naive_forecast, rmse
from core.screens.time_series.readings import moment_heading
from core.words.i18n import N_, _

MAX_FORECAST_STEPS = 365


@torch.no_grad()
def predict_scaled(model: SequenceModel, inputs: Tensor, batch_size: int = PREDICT_BATCH) -> np.ndarray:
    """(N, window, features) → (N, horizon) scaled predictions, in batches so 200,000 windows fit in memory."""
    model.eval()
    device = next(model.parameters()).device
    parts = []
    for start in range(0, inputs.shape[0], batch_size):
        outputs, _state = model(inputs[start : start + batch_size].to(device))  # (batch, window, horizon)
        parts.append(outputs[:, -1].cpu().numpy())
    return np.concatenate(parts).astype("float64")


def metrics(truth: np.ndarray, prediction: np.ndarray) -> dict[str, float]:
    return {"RMSE": rmse(truth, prediction), "MAE": mae(truth, prediction), "MAPE (%)": mape(truth, prediction)}


def format_number(value: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    if abs(value) >= 1e9:  # 3.45e+301, not three hundred digits
        return f"{value:.3g}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3f}" if abs(value) >= 1 else f"{value:.4g}"


# Compared by core.screens.time_series.forecasting.name_key: lower case, spaces as underscores ("Adj Close" ->
# "adj_close").
PRICE_NAMES = ("close", "adj_close", "open", "high", "low", "price", "종가", "시가", "고가", "저가")


def is_price(target: str) -> bool:
    """A target named like a price (Close, 종가): the remark that the naive forecast often wins applies."""
    return name_key(target) in PRICE_NAMES


def verdict(
    model: dict[str, float], naive: dict[str, float], predictions_finite: bool = True, about_prices: bool = False
) -> str:
    """One plain sentence from the numbers: which forecast misses less on the test part, by RMSE and MAE.

    ``predictions_finite`` tells the two ways a score can be missing apart: predictions that are not
    numbers, or finite predictions whose misses are too large for floating point (values near 1e308).
    Computed in the current language each time it is shown (a result never keeps it).
    """
    if not predictions_finite:
        return _("The model's predictions are not finite numbers, so they cannot be compared with the baseline.")
    if not all(math.isfinite(value[name]) for value in (model, naive) for name in ("RMSE", "MAE")):
        return _(
            "The predictions are numbers, but the errors are not finite numbers: the misses are too large for "
            "floating point (beyond about 1.8e308), so model and baseline cannot be compared. Express the target "
            "in larger units (for example millions) so its values are smaller."
        )
    ours, theirs = model["RMSE"], naive["RMSE"]
    numbers = dict(model=format_number(ours), naive=format_number(theirs))
    by_rmse, by_mae = better_forecast(ours, theirs), better_forecast(model["MAE"], naive["MAE"])
    if by_rmse == "tie":
        sentence = _(
            "On the test part the model and the naive forecast are about as good (RMSE {model} against {naive}): "
            "the network has learned little more than “the next value equals the last one”."
        ).format(**numbers)
    elif by_rmse == "model":
        sentence = _(
            "On the test part the model beats the naive forecast: RMSE {model} against {naive}, {percent} lower. "
            "It has learned something beyond “the next value equals the last one”."
        ).format(**numbers, percent=f"{1 - ours / theirs:.0%}")
    elif theirs == 0:
        sentence = _(
            "On the test part the naive forecast “the next value equals the last one” is exact (RMSE {model} "
            "against {naive}): the test values never change, and the model misses them."
        ).format(**numbers)
    else:
        sentence = _(
            "On the test part the naive forecast “the next value equals the last one” beats the model: RMSE {model} "
            "against {naive}, {percent} higher for the model."
        ).format(**numbers, percent=f"{ours / theirs - 1:.0%}")
        if about_prices:  # said of prices only: a learner forecasting temperatures should not read it
            sentence += " " + _("On prices this is common.")
    if by_mae not in (by_rmse, "tie"):
        if by_mae == "model":
            sentence += " " + _("By MAE (the typical miss), though, the model is better.")
        else:
            sentence += " " + _("By MAE (the typical miss), though, the naive forecast is better.")
    return sentence


TIE = 0.02  # errors within 2% of each other count as "about as good"


def better_forecast(model_error: float, naive_error: float) -> str:
    """'model', 'naive' or 'tie' (within 2%) for one error measure where lower is better."""
    if naive_error == 0:
        return "tie" if model_error == 0 else "naive"
    if abs(model_error / naive_error - 1) < TIE:
        return "tie"
    return "model" if model_error < naive_error else "naive"


@dataclass(frozen=True)
class ForecastResult:
    """Predictions for every window in original units, and the test metrics of model and baseline, all from one set
    of weights (the model's after ``epoch`` epochs: the moment the screen shows).

    It keeps numbers only: the verdict and the MAPE note are sentences, computed in the learner's language when
    they are read (a result is cached in the run, and switching the language must not leave old words behind)."""

    predictions: np.ndarray  # (windows, horizon)
    naive: np.ndarray  # (windows, horizon)
    model_metrics: dict[str, float]
    naive_metrics: dict[str, float]
    test_truth: np.ndarray  # (test windows, horizon) the true test targets, which the MAPE note counts
    about_prices: bool = False  # the target is named like a price: the verdict may say the naive forecast often wins
    # The mean squared error on the training windows (scaled 0-1, the loss training minimises) at the same weights.
    training_loss: float = math.nan
    epoch: int | None = None  # the weights are those after this many epochs (None: not said)
    # The run has not finished at ``epoch`` (it trains on, or the learner looks back): its epochs in all, and the
    # verdict starts "So far, after epoch N of M epochs:"; None: the weights after training.
    so_far_of: int | None = None

    @property
    def finite(self) -> bool:
        return bool(np.isfinite(self.predictions).all())

    @property
    def verdict(self) -> str:
        sentence = verdict(self.model_metrics, self.naive_metrics, self.finite, about_prices=self.about_prices)
        if self.so_far_of is None or self.epoch is None:
            return sentence
        return f"{moment_heading(self.epoch, self.so_far_of)} {sentence}"

    @property
    def mape_note(self) -> str | None:
        """What MAPE leaves out (test targets equal to 0), None when it leaves nothing."""
        return mape_note(self.test_truth)

    @property
    def model_wins(self) -> bool:
        """The verdict's own answer: the model beats the naive forecast by RMSE (not a tie)."""
        ours, theirs = self.model_metrics["RMSE"], self.naive_metrics["RMSE"]
        return (
            self.finite and math.isfinite(ours) and math.isfinite(theirs) and better_forecast(ours, theirs) == "model"
        )


def evaluate_forecast(
    prepared: PreparedForecast, model: SequenceModel, epoch: int | None = None, so_far_of: int | None = None
) -> ForecastResult:
    """Predict every window, invert the scaling, and score model and naive forecast on the test windows; the training
    loss at the same weights. ``epoch``: the model's weights are those after this many epochs; ``so_far_of``: the
    run's epochs in all when it has not finished there (``ForecastResult.so_far_of``)."""
    scaled = predict_scaled(model, prepared.inputs)  # (windows, horizon)
    train = prepared.split.train_windows
    with np.errstate(over="ignore", invalid="ignore"):  # an exploded model: the loss is then inf or nan, as training's
        training_loss = float(np.mean((scaled[train] - prepared.targets[train].numpy()) ** 2))
    predictions = prepared.target_scaler.inverse_transform(scaled)  # (windows, horizon), original units
    settings = prepared.settings
    naive = naive_forecast(prepared.target_values, settings.window, settings.horizon)  # (windows, horizon)
    test, truth = prepared.split.test_windows, prepared.truth
    model_metrics = metrics(truth[test], predictions[test])
    naive_metrics = metrics(truth[test], naive[test])
    return ForecastResult(
        predictions,
        naive,
        model_metrics,
        naive_metrics,
        truth[test],
        about_prices=is_price(settings.target),
        training_loss=training_loss,
        epoch=epoch,
        so_far_of=so_far_of,
    )


def future_times(times: pd.Index, has_dates: bool, steps: int) -> pd.Index:
    """The next ``steps`` time points after the data: the dates' own frequency, else the median gap."""
    if not has_dates:
        start = int(times[-1]) + 1 if len(times) else 1
        return pd.RangeIndex(start, start + steps)
    dates = pd.DatetimeIndex(times)
    last = dates[-1]
    recent = dates[-30:]
    frequency = None
    if len(recent) >= 3 and recent.is_unique and recent.is_monotonic_increasing:
        with warnings.catch_warnings():  # pandas 3 announces infer_freq returning an offset; both work below
            warnings.simplefilter("ignore")
            try:
                frequency = pd.infer_freq(recent)
            except (TypeError, ValueError):
                frequency = None
    if frequency is not None:
        return pd.date_range(last, periods=steps + 1, freq=frequency)[1:]
    gaps = pd.Series(dates[-200:]).diff()
    gaps = gaps[gaps > pd.Timedelta(0)]
    gap = gaps.median() if len(gaps) else pd.Timedelta(days=1)
    return pd.DatetimeIndex([last + gap * step for step in range(1, steps + 1)])


@torch.no_grad()
def forecast_beyond(prepared: PreparedForecast, model: SequenceModel, steps: int) -> np.ndarray:
    """Recursive forecast past the end: (steps,) in original units.

    The model reads the last ``window`` rows, predicts the next ``horizon`` values, and those become
    rows of its next input. The future of the other features is unknown, so they are held at their
    last value (a univariate model, features = target only, avoids that assumption).
    """
    steps = whole_number(steps, N_("The number of forecast steps"), 1, MAX_FORECAST_STEPS)
    settings = prepared.settings
    model.eval()
    device = next(model.parameters()).device
    rows = list(prepared.scaled_features[-settings.window :])  # window × (features,)
    column = settings.features.index(settings.target) if settings.target in settings.features else None
    values: list[float] = []
    while len(values) < steps:
        window = torch.from_numpy(np.stack(rows[-settings.window :]))[None].to(device)  # (1, window, features)
        outputs, _state = model(window)
        scaled = outputs[0, -1].cpu().numpy().astype("float64")  # (horizon,)
        original = prepared.target_scaler.inverse_transform(scaled).reshape(-1)  # (horizon,)
        for value in original:
            row = rows[-1].copy()
            if column is not None:
                row[column] = prepared.feature_scaler.transform(np.full(row.shape, value))[column]
            rows.append(row.astype(np.float32))
            values.append(float(value))
    return np.array(values[:steps])
