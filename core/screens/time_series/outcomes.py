"""What finished runs of the Time series screen show, as a lesson asks it (core.lessons), and how a lesson's step
builds them. A Time series run trains on a table its settings do not hold (core.screens.time_series.screen: only the
page, with the table, builds one), so a lesson's step trains on the app's built-in sample of daily prices, the note's
stock file as the screen reads it (``LESSON_DATA``), through ``build_on_sample``.

Each predicate takes the step's runs, one per seed (settings and sessions trained to the end), and returns the answer
(a choice's id) and a sentence saying why, computed from the runs. ``PREDICATES`` names them, each with the answers
it can give."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from core import PROJECT_ROOT
from core.engine.session import TrainingSession
from core.reading.series import SeriesTable, read_series
from core.screens.time_series.forecasting import ForecastSettings, PreparedForecast, prepare
from core.screens.time_series.results import better_forecast, evaluate_forecast
from core.words.i18n import N_
from core.words.message import Message, said, said_plural

LESSON_DATA = PROJECT_ROOT / "data" / "stock_like.csv"  # the screen's built-in "stock-like daily prices"

Run = tuple[ForecastSettings, dict[str, TrainingSession]]


@cache
def sample_table() -> SeriesTable:
    """The built-in sample, read once per process as the screen reads it (newest-first rows sorted oldest-first)."""
    return read_series(LESSON_DATA.read_bytes(), LESSON_DATA.name)


def prepared(settings: ForecastSettings) -> PreparedForecast:
    return prepare(sample_table(), settings)


def build_on_sample(settings: ForecastSettings) -> tuple[dict[str, TrainingSession], dict]:
    """A lesson's run on the built-in sample: the session the screen builds for these settings and that table."""
    return {"model": prepared(settings).session()}, {}


def beats_tomorrow_equals_today(runs: Sequence[Run]) -> tuple[str, Message]:
    """Whether the model's test RMSE beats the naive forecast ("tomorrow = today": the last value of each window) by
    more than 2% ("yes"), on the one run or on most seeds; a tie or a loss is "no"."""
    scores = []
    for settings, sessions in runs:
        result = evaluate_forecast(prepared(settings), sessions["model"].model, epoch=sessions["model"].epoch)
        model, naive = result.model_metrics["RMSE"], result.naive_metrics["RMSE"]
        scores.append((model, naive, result.model_wins))
    wins = sum(won for _model, _naive, won in scores)
    model, naive, _won = scores[0]
    if len(runs) == 1:
        verdict = {
            "model": N_("the model is better"),
            "naive": N_("'tomorrow = today' is better"),
            "tie": N_("about as good (within 2%)"),
        }[better_forecast(model, naive)]
        why = said(
            N_("On the test days the model's RMSE is {model} against {naive} for 'tomorrow = today': {verdict}."),
            model=f"{model:.3g}",
            naive=f"{naive:.3g}",
            verdict=said(verdict),
        )
    else:
        why = said_plural(
            "The model's test RMSE beats 'tomorrow = today' ({naive}) by more than 2% on {count} of {total} seed; "
            "its RMSE ranges from {low} to {high}.",
            "The model's test RMSE beats 'tomorrow = today' ({naive}) by more than 2% on {count} of {total} seeds; "
            "its RMSE ranges from {low} to {high}.",
            len(runs),
            count=wins,
            total=len(runs),
            naive=f"{naive:.3g}",
            low=f"{min(m for m, _n, _w in scores):.3g}",
            high=f"{max(m for m, _n, _w in scores):.3g}",
        )
    return ("yes" if 2 * wins > len(runs) else "no"), why


PREDICATES = {"beats_tomorrow_equals_today": (beats_tomorrow_equals_today, ("yes", "no"))}
