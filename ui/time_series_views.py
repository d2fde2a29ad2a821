"""Time series results: scores, forecasts, inside the network, downloads; apart so the page keeps only its flow."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st
import torch

from core import forecast_figures as ff
from core.forecast_export import predictions_csv, summary_json
from core.forecast_readings import not_finite_advice, validation_caption
from core.forecast_results import (
    MAX_FORECAST_STEPS,
    evaluate_forecast,
    forecast_beyond,
    format_number,
    future_times,
)
from core.forecasting import PreparedForecast
from core.i18n import _, ngettext
from core.training import Snapshot
from ui.common import chart, markdown_literal
from ui.i18n import in_this_language
from ui.live import LiveRun
from ui.series_data import source_text
from ui.training_views import choose_layer, gradient_views, learning_rate_marks


@dataclass(frozen=True)
class ForecastRun:
    """What the Time series screen draws a run with, beside its training session (``LiveRun.screen``)."""

    prepared: PreparedForecast  # the windows, scalers and split of this run's data and settings
    device: torch.device  # where it trains
    identity: str  # which data this is (ui.series_data.choose_data): another one shows the "Changed" note

    def source_words(self) -> str:
        """The data in words ("built-in sample stock_like.csv", "uploaded file ..."), in the current language:
        the run keeps only the identity, so the words follow a language switch."""
        return source_text(self.identity)


def evaluated(run: LiveRun[ForecastRun]):
    """The forecast and its metrics at the run's current weights (computed once per state of training)."""
    return run.cached("result", lambda: evaluate_forecast(run.screen.prepared, run.session.model))


def scores(run: LiveRun[ForecastRun], key: str) -> None:
    history, prepared, result = run.history, run.screen.prepared, evaluated(run)
    model, naive = result.model_metrics, result.naive_metrics
    columns = st.columns(4)
    difference = format_number(model["RMSE"] - naive["RMSE"])
    columns[0].metric(
        _("Test RMSE, model"),
        format_number(model["RMSE"]),
        # the number first: Streamlit colours the delta by its leading sign
        delta=_("{difference} vs naive").format(difference=difference) if result.finite else None,
        delta_color="inverse",
    )
    columns[1].metric(_("Test RMSE, naive"), format_number(naive["RMSE"]), help=_("“the next value = the last one”"))
    columns[2].metric(_("Final training loss"), f"{history.losses[-1]:.5f}" if history.records else "n/a")
    epochs = len(history.records)
    columns[3].metric(
        _("Training time"),
        f"{history.seconds:.1f} s",
        help=markdown_literal(
            ngettext("{epochs} epoch, {source}", "{epochs} epochs, {source}", epochs).format(
                epochs=epochs, source=run.screen.source_words()
            )
        ),
    )
    (st.success if result.model_wins else st.info)(result.verdict)
    table = pd.DataFrame(
        {
            _("test metric"): list(model),
            _("model"): [format_number(v) for v in model.values()],
            _("naive: last value"): [format_number(v) for v in naive.values()],
        }
    )
    left, right = st.columns([1, 2])
    with left:
        st.dataframe(table, hide_index=True, key=f"{key}_metrics")
        test_windows = prepared.split.test_windows.stop - prepared.split.test_windows.start
        caption = _(
            "Measured on the {count} test windows in the file's units. RMSE weighs big misses more, MAE is the "
            "typical miss, MAPE the miss in percent."
        ).format(count=f"{test_windows:,}")
        note = result.mape_note
        st.caption(caption + (f" {note}" if note else ""))
    with right:
        chart(
            ff.metrics_figure(model, naive),
            _("Lower is better in each panel. A bar of the model above the grey one means the naive forecast wins."),
            key=f"{key}_metrics_chart",
        )


def predictions(run: LiveRun[ForecastRun], key: str) -> None:
    prepared, result = run.screen.prepared, evaluated(run)
    horizon = prepared.settings.horizon
    step = 0
    if horizon > 1:
        step = st.select_slider(
            _("Steps ahead shown"),
            list(range(horizon)),
            format_func=lambda s: f"t+{s + 1}",
            key=f"{key}_r{run.number}_step_ahead",
        )
    caption = _(
        "Shaded: the test part, never trained on. Where the orange line just trails the black one by a step, the "
        "model is copying the last value; click the grey legend entry to overlay the naive forecast."
    )
    if ff.stride(prepared.rows) > 1:
        caption += " " + _("(Long series: every n-th point is drawn; metrics use all.)")
    chart(ff.prediction_figure(prepared, result, step), caption, key=f"{key}_prediction")
    chart(
        ff.residual_figure(prepared, result, step),
        _(
            "Errors should scatter around zero. A drift away from zero in the test part means the series left the "
            "range the model saw in training."
        ),
        key=f"{key}_residuals",
    )


def beyond_the_end(run: LiveRun[ForecastRun], key: str):
    prepared, model = run.screen.prepared, run.session.model
    steps = st.slider(_("Steps to forecast beyond the end"), 1, MAX_FORECAST_STEPS, 30, key=f"{key}_forecast_steps")
    future = run.cached(f"future {steps}", lambda: forecast_beyond(prepared, model, steps))
    times = future_times(prepared.times, prepared.has_dates, steps)
    others = [f for f in prepared.settings.features if f != prepared.settings.target]
    caption = _(
        "Each predicted value is fed back as the next input, so errors compound: far ahead, the forecast usually "
        "flattens or drifts."
    )
    if others:
        caption += " " + _("The other features' future is unknown: they are held at their last value.")
    chart(ff.forecast_figure(prepared, future, times), caption, key=f"{key}_forecast")
    return future


def inside(run: LiveRun[ForecastRun], snapshot: Snapshot, key: str) -> None:
    history, prepared = run.history, run.screen.prepared
    probes = list(range(len(prepared.probe_windows)))
    # The labels in this run's language, computed now: Streamlit may call format_func later, outside this run
    # (AppTest does, from its own thread), where _() would speak the default language.
    window_labels = {i: ff.window_label(prepared, int(prepared.probe_windows[i])) for i in probes}
    pick = st.selectbox(
        _("Window to look inside"),
        probes,
        index=len(probes) - 1,
        format_func=window_labels.__getitem__,
        key=f"{key}_r{run.number}_window_pick",
    )
    layer = choose_layer(len(snapshot.probe.hidden), f"{key}_r{run.number}")
    labels = ff.step_labels(prepared.settings.window)
    chart(
        ff.hidden_figure(snapshot.probe.hidden[layer][pick], labels, layer, snapshot.epoch),
        _(
            "Each column is the hidden state after reading that time step; the last column is what the prediction "
            "is made from. Scrub the epoch to watch the pattern form."
        ),
        key=f"{key}_hidden",
    )
    gradient_views(
        history,
        snapshot,
        labels,
        key,
        step_title=_(ff.STEP_TITLE),
        step_caption=_(
            "Measured over the {count} windows of the picker together. Far-back steps get less gradient: they "
            "matter less to the loss, or the signal fades on its way back (vanishing gradient)."
        ).format(count=len(probes)),
    )


def downloads(run: LiveRun[ForecastRun], future, key: str) -> None:
    prepared, result, history = run.screen.prepared, evaluated(run), run.history
    left, right = st.columns(2)
    left.download_button(
        _("Download predictions (CSV)"),
        lambda: predictions_csv(prepared, result, future),
        file_name="predictions.csv",
        mime="text/csv",
        on_click="ignore",
        key=f"{key}_download_csv",
        help=_(
            "Cells starting with = + - @ are escaped so a spreadsheet does not run them as formulas. The column "
            "headers stay in English, the same in every language, for the programs that read the file."
        ),
    )
    right.download_button(
        _("Download settings and metrics (JSON)"),
        in_this_language(lambda: summary_json(prepared, result, history, run.screen.source_words())),
        file_name="run.json",
        mime="application/json",
        on_click="ignore",
        key=f"{key}_download_json",
    )


def loss_curve(run: LiveRun[ForecastRun], key: str) -> None:
    """The loss per epoch across the page (regression has no accuracy to put beside it)."""
    history = run.history
    chart(
        ff.loss_figure(
            [r.epoch for r in history.records],
            history.losses,
            [r.validation_loss for r in history.records],
            marks=learning_rate_marks(history),
            x_max=run.total_epochs,
        ),
        _("The loss falls as the network learns; on a log scale a straight fall means steady progress.")
        + " "
        + validation_caption(run.settings.epochs, run.session.config.validate_every),
        key=f"{key}_loss",
    )


def results(run: LiveRun[ForecastRun], key: str, lowest_learning_rate: float) -> None:
    """The forecast at the current weights: computed when the page reruns, not at every tick."""
    if not run.history.records:
        st.info(_("Press **Play** or **Step**: the forecast is scored once the network has trained."))
        return
    if run.playing:  # scoring every window at every tick would slow the live view: it waits for a pause
        st.caption(_("How good the forecast is, the forecast beyond the data and the downloads: pause to see them."))
        return
    result = evaluated(run)
    st.subheader(_("3. How good is the forecast?"))
    if not result.finite:
        st.error(not_finite_advice(run.session.learning_rate, lowest_learning_rate))
        return
    scores(run, key)
    predictions(run, key)
    st.subheader(_("4. Beyond the end of the data"))
    future = beyond_the_end(run, key)
    st.subheader(_("5. Take the results with you"))
    downloads(run, future, key)
