"""Time-series dates in the page's language: plotly writes its own date ticks in English ("Jul 2023"), so a Korean
page's date axes take their formats from the catalogue, per zoom level; an English page keeps plotly's own."""

from __future__ import annotations

from core.screens.time_series.figures import forecast_figure, prediction_figure, residual_figure
from core.screens.time_series.forecasting import ForecastSettings, prepare
from core.screens.time_series.results import evaluate_forecast, forecast_beyond, future_times
from core.words.i18n import speaking
from tests.engine.helpers import build_model
from tests.reading.series_helpers import read as table_of


def dated(rows: int = 60):
    lines = ["Date,y"] + [f"2024-{1 + i // 28:02d}-{1 + i % 28:02d},{(i * 7) % 11}" for i in range(rows)]
    return table_of("\n".join(lines) + "\n")


def figures(language: str) -> list:
    prepared = prepare(dated(), ForecastSettings(target="y", features=("y",), window=3, epochs=1, hidden_size=4))
    model = build_model(prepared.settings.model_config(), 0)
    result = evaluate_forecast(prepared, model)
    future = forecast_beyond(prepared, model, 5)
    with speaking(language):
        times = future_times(prepared.times, prepared.has_dates, 5)
        return [
            prediction_figure(prepared, result),
            residual_figure(prepared, result),
            forecast_figure(prepared, future, times),
        ]


def test_a_korean_page_writes_its_dates_in_korean():
    for fig in figures("ko"):
        axis = fig.layout.xaxis
        formats = {tuple(stop.dtickrange): stop.value for stop in axis.tickformatstops}
        assert formats[("M1", "M12")] == "%Y년 %-m월"  # "2023년 7월", not "Jul 2023"
        assert formats[("M12", None)] == "%Y년"
        assert axis.hoverformat == "%Y년 %-m월 %-d일"
        assert not any("%b" in value for value in formats.values())  # plotly's month names are English
        # plotly takes the first stop whose range holds the spacing: a monthly axis must meet the months first
        order = [tuple(stop.dtickrange) for stop in axis.tickformatstops]
        assert order.index(("M1", "M12")) < order.index((86_400_000, "M1"))


def test_an_english_page_keeps_plotlys_own_date_ticks():
    for fig in figures("en"):
        assert not fig.layout.xaxis.tickformatstops and fig.layout.xaxis.hoverformat is None
