"""Plotly figures of the Time series screen: predictions in original units, residuals, the forecast past
the end, model against baseline, and the network's inside with time-series axis titles.

Column names come from uploaded files, so every name placed in a figure is HTML-escaped: plotly
reads a few HTML tags in titles, legends and hover labels.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.charts import figures
from core.charts.figures import PALETTE, styled
from core.screens.time_series.forecasting import PreparedForecast
from core.screens.time_series.readings import after_epochs
from core.screens.time_series.results import ForecastResult
from core.words.i18n import N_, SOURCE_LANGUAGE, _, current_language, ngettext, pgettext

DAY_MS = 86_400_000  # plotly measures a date axis's tick spacing in milliseconds (or months: "M1", "M12")
MAX_POINTS = 4000  # points per line drawn; longer series are thinned for the browser, never for metrics
COLORS = {
    "truth": "#333333",
    "train": PALETTE["blue"],
    "test": PALETTE["vermillion"],
    "naive": PALETTE["grey"],
    "forecast": PALETTE["green"],
}


def html_literal(text: str) -> str:
    """A user's column name as literal text in plotly (which reads <b>, <a>, … in labels)."""
    return html.escape(str(text), quote=False)


def stride(count: int) -> int:
    """Keep every n-th point so a line has at most ``MAX_POINTS`` points."""
    return max(1, -(-count // MAX_POINTS))


def time_title(prepared: PreparedForecast) -> str:
    return _("date") if prepared.has_dates else _("time step (counted from 1)")


def value_title(prepared: PreparedForecast) -> str:
    return _("{target} (units of the file)").format(target=html_literal(prepared.settings.target))


def error_title(prepared: PreparedForecast) -> str:
    return _("error in {target} (units of the file)").format(target=html_literal(prepared.settings.target))


def date_axis(fig: go.Figure, prepared: PreparedForecast) -> go.Figure:
    """Dates in the page's language. Plotly writes date ticks in English ("Jul 2023", its own month names) on
    every page; on a page in another language the ticks take their formats from the catalogue, per zoom level
    (plotly picks the spacing, the format follows it), in d3's notation: %Y the year, %-m and %-d the month and
    the day without a leading zero. An English page keeps plotly's own ticks (the year once, under the first)."""
    if not prepared.has_dates or current_language() == SOURCE_LANGUAGE:
        return fig
    stops = [  # plotly takes the first stop whose range (ends included) holds the spacing: a month is "M1", not days
        ("M12", None, pgettext("date format", "%Y")),
        ("M1", "M12", pgettext("date format", "%b %Y")),
        (DAY_MS, "M1", pgettext("date format", "%b %-d")),
        (None, DAY_MS, pgettext("date format", "%b %-d, %H:%M")),
    ]
    return fig.update_xaxes(
        tickformatstops=[dict(dtickrange=[low, high], value=value) for low, high, value in stops],
        hoverformat=pgettext("date format", "%b %-d, %Y"),
    )


def _line(x, y, name: str, color: str, dash: str = "solid", width: float = 1.6, visible=True, fmt=",.4g") -> go.Scatter:
    step = stride(len(y))
    return go.Scatter(
        x=np.asarray(x)[::step],
        y=np.asarray(y, dtype=float)[::step],
        name=name,
        mode="lines",
        line=dict(color=color, width=width, dash=dash),
        visible=visible,
        hovertemplate=f"%{{x}}<br>%{{y:{fmt}}}<extra>{name}</extra>",
    )


def _mark_parts(fig: go.Figure, prepared: PreparedForecast) -> None:
    """Shade the test part and label both parts: the model never trained on the shaded rows."""
    times, split = prepared.times, prepared.split
    start, end = times[split.train_rows], times[-1]
    fig.add_vrect(x0=start, x1=end, fillcolor=PALETTE["orange"], opacity=0.10, line_width=0, layer="below")
    fig.add_annotation(
        x=start, y=1.0, yref="paper", text=_("test part →"), showarrow=False, xanchor="left", yanchor="top"
    )
    fig.add_annotation(
        x=start, y=1.0, yref="paper", text=_("← training part"), showarrow=False, xanchor="right", yanchor="top"
    )


def at_epoch(title: str, epoch: int | None) -> str:
    """A title naming the epoch whose weights the chart shows (None: none named)."""
    return title if epoch is None else f"{title} {after_epochs(epoch)}"


def _predicted_rows(prepared: PreparedForecast, step: int) -> np.ndarray:
    """(windows,) the row each window's prediction ``step`` steps ahead (0 = next) lands on."""
    return np.arange(prepared.split.windows) + prepared.settings.window + step


def prediction_figure(prepared: PreparedForecast, result: ForecastResult, step: int = 0) -> go.Figure:
    """The true series and the model's predictions in original units, training and test parts marked; the title names
    the epoch of the result's weights."""
    split, rows = prepared.split, _predicted_rows(prepared, step)
    target = html_literal(prepared.settings.target)
    if step == 0:
        title = _("Prediction (next value) against the true {target}").format(target=target)
    else:
        title = _("Prediction ({steps} steps ahead) against the true {target}").format(steps=step + 1, target=target)
    fig = go.Figure()
    fig.add_trace(_line(prepared.times, prepared.target_values, _("true value"), COLORS["truth"], width=1.2))
    train, test = split.train_windows, split.test_windows
    fig.add_trace(
        _line(prepared.times[rows[train]], result.predictions[train, step], _("model (training part)"), COLORS["train"])
    )
    fig.add_trace(
        _line(prepared.times[rows[test]], result.predictions[test, step], _("model (test part)"), COLORS["test"])
    )
    fig.add_trace(
        _line(
            prepared.times[rows[test]],
            result.naive[test, step],
            _("naive: last value"),
            COLORS["naive"],
            dash="dot",
            visible="legendonly",
        )
    )
    _mark_parts(fig, prepared)
    fig = styled(
        fig,
        at_epoch(title, result.epoch),
        time_title(prepared),
        value_title(prepared),
        height=420,
    )
    fig.update_layout(hovermode="x unified")
    return date_axis(fig, prepared)


def residual_figure(prepared: PreparedForecast, result: ForecastResult, step: int = 0) -> go.Figure:
    """prediction − truth over time: above zero the model guessed too high."""
    split, rows = prepared.split, _predicted_rows(prepared, step)
    truth = prepared.truth[:, step]  # (windows,)
    residual = result.predictions[:, step] - truth
    fig = go.Figure()
    fig.add_hline(y=0, line=dict(color=COLORS["truth"], width=1))
    for name, window_slice, color in (
        (_("model, training part"), split.train_windows, COLORS["train"]),
        (_("model, test part"), split.test_windows, COLORS["test"]),
    ):
        fig.add_trace(_line(prepared.times[rows[window_slice]], residual[window_slice], name, color))
    test = split.test_windows
    naive = result.naive[test, step] - truth[test]
    fig.add_trace(
        _line(
            prepared.times[rows[test]], naive, _("naive, test part"), COLORS["naive"], dash="dot", visible="legendonly"
        )
    )
    _mark_parts(fig, prepared)
    title = at_epoch(_("Residuals: prediction − truth"), result.epoch)
    fig = styled(fig, title, time_title(prepared), error_title(prepared))
    return date_axis(fig, prepared)


def forecast_figure(
    prepared: PreparedForecast,
    future: np.ndarray,
    future_times: pd.Index,
    history: int | None = None,
    epoch: int | None = None,
) -> go.Figure:
    """The end of the series, then the recursive forecast drawn after it, next to the naive flat line; ``epoch``: the
    weights the forecast was made with are those after this many epochs (named in the title)."""
    shown = history or max(4 * len(future), 3 * prepared.settings.window, 60)
    times, values = prepared.times[-shown:], prepared.target_values[-shown:]
    joined_times = pd.Index([times[-1], *future_times])  # start the forecast line at the last true value
    fig = go.Figure()
    fig.add_trace(_line(times, values, _("true value"), COLORS["truth"], width=1.4))
    fig.add_trace(
        _line(joined_times, [values[-1], *future], _("model forecast"), COLORS["forecast"], dash="dash", width=2.2)
    )
    fig.add_trace(
        _line(joined_times, np.full(len(joined_times), values[-1]), _("naive: last value"), COLORS["naive"], dash="dot")
    )
    fig.add_vline(x=times[-1], line=dict(color=COLORS["truth"], width=1, dash="dot"))
    fig.add_annotation(x=times[-1], y=1.0, yref="paper", text=_("end of the data"), showarrow=False, xanchor="right")
    fig = styled(
        fig,
        at_epoch(
            ngettext(
                "Forecast of {steps} step beyond the end of the data",
                "Forecast of {steps} steps beyond the end of the data",
                len(future),
            ).format(steps=len(future)),
            epoch,
        ),
        time_title(prepared),
        value_title(prepared),
    )
    fig.update_layout(hovermode="x unified")
    return date_axis(fig, prepared)


METRIC_UNITS = {"RMSE": N_("units of the target"), "MAE": N_("units of the target"), "MAPE (%)": N_("percent")}


def metrics_figure(model: dict[str, float], naive: dict[str, float], epoch: int | None = None) -> go.Figure:
    """RMSE, MAE and MAPE on the test part, model next to baseline; lower is better in each panel. ``epoch``: the
    model's weights are those after this many epochs (named in the title)."""
    names = list(METRIC_UNITS)
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=names, horizontal_spacing=0.12)
    for column, name in enumerate(names, start=1):
        for label, hover, values, color in (
            (_("model"), _("{metric} of the model: %{y:,.4g}"), model, COLORS["test"]),
            (_("naive: last value"), _("{metric} of the naive forecast: %{y:,.4g}"), naive, COLORS["naive"]),
        ):
            value = values[name]
            fig.add_trace(
                go.Bar(
                    x=[label],
                    y=[value if np.isfinite(value) else None],
                    name=label,
                    marker_color=color,
                    showlegend=False,  # the bars are named on the x axis
                    text=[figures_number(value)],
                    textposition="outside",
                    cliponaxis=False,
                    # str.replace, not format: the plotly placeholder %{y:,.4g} has braces of its own
                    hovertemplate=hover.replace("{metric}", name) + "<extra></extra>",
                ),
                row=1,
                col=column,
            )
        fig.update_yaxes(title_text=_(METRIC_UNITS[name]), rangemode="tozero", row=1, col=column)
    title = _("Test error: model against the naive forecast (lower is better)")
    if epoch is not None:
        title = ngettext(
            "Test error after {epoch} epoch: model against the naive forecast (lower is better)",
            "Test error after {epoch} epochs: model against the naive forecast (lower is better)",
            epoch,
        ).format(epoch=epoch)
    fig = styled(fig, title, "", _(METRIC_UNITS["RMSE"]))
    fig.update_layout(margin=dict(t=90))
    return fig


def figures_number(value: float) -> str:
    return f"{value:,.3g}" if np.isfinite(value) else "n/a"


def window_label(prepared: PreparedForecast, index: int) -> str:
    """'window 12: reads 2024-01-02 … 2024-01-10 (training)' for the window picker (``index`` 11)."""
    settings, split = prepared.settings, prepared.split
    first, last = prepared.times[index], prepared.times[index + settings.window - 1]
    train, test = split.train_windows, split.test_windows
    if train.start <= index < train.stop:
        message = _("window {number}: reads {first} … {last} (training)")
    elif test.start <= index < test.stop:
        message = _("window {number}: reads {first} … {last} (test)")
    else:
        message = _("window {number}: reads {first} … {last} (gap)")
    text = (lambda t: f"{t:%Y-%m-%d}") if prepared.has_dates else (lambda t: _("row {row}").format(row=t))
    return message.format(number=index + 1, first=text(first), last=text(last))  # counted from 1 on screen


def step_labels(window: int) -> list[str]:
    """'1 (t-6)', …, '7 (t)': the inputs of a window counted from 1, with their lag, t being the last row read."""
    return [f"{i + 1} (t-{window - 1 - i})" if i < window - 1 else f"{window} (t)" for i in range(window)]


STEP_TITLE = N_("time step in the window (1 = oldest; t = last row read, the model predicts t+1)")


def hidden_figure(hidden: np.ndarray, labels: Sequence[str], layer: int, epoch: int) -> go.Figure:
    """hidden (time, units) of one window: the shared heatmap, with time-series axis titles."""
    return figures.hidden_state_figure(hidden, labels, layer, epoch, step_title=_(STEP_TITLE))


# Two short lines: one long one was clipped. Translated where drawn.
LOSS_TITLE = (N_("mean squared error"), N_("(scaled 0–1, log scale)"))


def loss_title() -> str:
    """The loss chart's y title (``core.charts.loss.loss_chart``): two lines, so it fits beside the plot."""
    return "<br>".join(_(line) for line in LOSS_TITLE)
