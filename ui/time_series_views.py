"""Time series results: scores, forecasts, inside the network, downloads; apart so the page keeps only its flow."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import pandas as pd
import streamlit as st
import torch

from core.charts import loss
from core.charts.loss import Ghost
from core.engine.rates import rate_in_force
from core.engine.records import Snapshot, TrainingHistory
from core.screens.time_series import figures as ff
from core.screens.time_series.export import predictions_csv, summary_json
from core.screens.time_series.forecasting import PreparedForecast
from core.screens.time_series.readings import not_finite_advice, validation_caption
from core.screens.time_series.results import (
    MAX_FORECAST_STEPS,
    ForecastResult,
    evaluate_forecast,
    forecast_beyond,
    format_number,
    future_times,
)
from core.words.i18n import _, ngettext
from ui.common import chart, markdown_literal
from ui.i18n import in_this_language
from ui.live import LiveRun
from ui.live_run import admitted
from ui.series_data import source_text
from ui.training_views import cached_at, choose_layer, computed, gradient_views, learning_rate_marks, moment_model


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


# -- the moment shown ----------------------------------------------------------------------------------------------
# Every number, reading and chart of the results is of one moment: the epoch control's snapshot (the epoch the run
# stands at while it plays or after Pause and Step, probed on demand by ui.training_views.current_snapshot; an earlier
# one when the learner scrubs back), named in the titles as the inside views name it.
def at_end(run: LiveRun[ForecastRun], snapshot: Snapshot) -> bool:
    """The snapshot is the finished run's last state: its readings speak of the weights after training."""
    return run.finished and snapshot.epoch == run.epoch


def evaluated(run: LiveRun[ForecastRun], snapshot: Snapshot) -> ForecastResult:
    """The forecast and its metrics at the weights after the snapshot's epoch (once per state of training and epoch
    shown); a run that has not finished there reads "so far"."""
    so_far_of = None if at_end(run, snapshot) else run.total_epochs
    return cached_at(
        run,
        "result",
        (snapshot.epoch, so_far_of),
        lambda: computed(
            run, lambda: evaluate_forecast(run.screen.prepared, moment_model(run, snapshot), snapshot.epoch, so_far_of)
        ),
    )


def history_at(history: TrainingHistory, epoch: int, finished_there: bool) -> TrainingHistory:
    """The run's history as it stood after ``epoch`` epochs, for the summary file of that moment (its time stays the
    whole run's)."""
    if finished_there:
        return history
    records = [record for record in history.records if record.epoch <= epoch]
    return dataclasses.replace(history, records=records, stopped=None)


def measured_at(epoch: int) -> str:
    """How a metric's help names the weights it was measured at (the words of the other screens)."""
    return _("At the weights after epoch {epoch}.").format(epoch=epoch) if epoch else _("At the initial weights.")


def scores(run: LiveRun[ForecastRun], snapshot: Snapshot, key: str) -> None:
    history, prepared, result = run.history, run.screen.prepared, evaluated(run, snapshot)
    model, naive = result.model_metrics, result.naive_metrics
    measured = measured_at(snapshot.epoch)
    columns = st.columns(4)
    difference = format_number(model["RMSE"] - naive["RMSE"])
    columns[0].metric(
        _("Test RMSE, model"),
        format_number(model["RMSE"]),
        # the number first: Streamlit colours the delta by its leading sign
        delta=_("{difference} vs naive").format(difference=difference) if result.finite else None,
        delta_color="inverse",
        help=measured,
    )
    columns[1].metric(_("Test RMSE, naive"), format_number(naive["RMSE"]), help=_("“the next value = the last one”"))
    curve = (
        _(
            "The loss curve's point at epoch {epoch} was measured during that epoch, while its steps updated the "
            "weights."
        ).format(epoch=snapshot.epoch)
        if snapshot.epoch
        else ""
    )
    columns[2].metric(
        _("Training loss after epoch {epoch}").format(epoch=snapshot.epoch),
        f"{result.training_loss:.5f}" if math.isfinite(result.training_loss) else "n/a",
        help=" ".join(
            part for part in (_("Mean squared error on the training windows (scaled 0–1)."), measured, curve) if part
        ),
    )
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
            ff.metrics_figure(model, naive, snapshot.epoch),
            _("Lower is better in each panel. A bar of the model above the grey one means the naive forecast wins."),
            key=f"{key}_metrics_chart",
        )


def predictions(run: LiveRun[ForecastRun], snapshot: Snapshot, key: str) -> None:
    prepared, result = run.screen.prepared, evaluated(run, snapshot)
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


def beyond_the_end(run: LiveRun[ForecastRun], snapshot: Snapshot, key: str):
    """The forecast past the data, made by the network after the epoch shown."""
    prepared = run.screen.prepared
    steps = st.slider(_("Steps to forecast beyond the end"), 1, MAX_FORECAST_STEPS, 30, key=f"{key}_forecast_steps")
    future = cached_at(
        run,
        "future",
        (snapshot.epoch, steps),
        lambda: computed(run, lambda: forecast_beyond(prepared, moment_model(run, snapshot), steps)),
    )
    times = future_times(prepared.times, prepared.has_dates, steps)
    others = [f for f in prepared.settings.features if f != prepared.settings.target]
    caption = _(
        "Each predicted value is fed back as the next input, so errors compound: far ahead, the forecast usually "
        "flattens or drifts."
    )
    if others:
        caption += " " + _("The other features' future is unknown: they are held at their last value.")
    chart(ff.forecast_figure(prepared, future, times, epoch=snapshot.epoch), caption, key=f"{key}_forecast")
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


def downloads(run: LiveRun[ForecastRun], snapshot: Snapshot, future, key: str) -> None:
    """The predictions and the summary of the epoch shown (the files of an earlier epoch say so)."""
    prepared, result = run.screen.prepared, evaluated(run, snapshot)
    history = history_at(run.history, snapshot.epoch, at_end(run, snapshot) or snapshot.epoch == run.epoch)
    if not at_end(run, snapshot):
        st.caption(
            _("The files hold the forecast after epoch {epoch}, the epoch shown above.").format(epoch=snapshot.epoch)
            if snapshot.epoch
            else _("The files hold the forecast of the initial weights (epoch 0), the epoch shown above.")
        )
    left, right = st.columns(2)
    left.download_button(
        _("Download predictions (CSV)"),
        # computed in a server thread when clicked (12.9 s for 200,000 rows and a horizon of 30): through admission
        lambda: admitted(run, lambda: predictions_csv(prepared, result, future), purpose="download"),
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


def loss_curve(run: LiveRun[ForecastRun], key: str, ghost: Ghost | None = None) -> None:
    """The loss per epoch across the page (regression has no accuracy to put beside it); ``ghost``: a pinned run's
    loss (ui.ghost), drawn under this one's."""
    history = run.history
    chart(
        loss.loss_chart(
            loss.split_curves(
                [r.epoch for r in history.records], history.losses, [r.validation_loss for r in history.records]
            ),
            y_title=ff.loss_title(),
            marks=learning_rate_marks(history),
            x_max=run.total_epochs,
            ghost=ghost,
        ),
        _("The loss falls as the network learns; on a log scale a straight fall means steady progress.")
        + " "
        + validation_caption(run.settings.epochs, run.session.config.validate_every),
        key=f"{key}_loss",
    )


def results(run: LiveRun[ForecastRun], snapshot: Snapshot, key: str, lowest_learning_rate: float) -> None:
    """The forecast at the epoch shown (``snapshot``: the epoch control's): computed when the run pauses or the
    learner moves the control, not at every tick."""
    if not run.history.records:
        st.info(_("Press **Play** or **Step**: the forecast is scored once the network has trained."))
        return
    if run.playing:  # scoring every window at every tick would slow the live view: it waits for a pause
        st.caption(_("How good the forecast is, the forecast beyond the data and the downloads: pause to see them."))
        return
    result = evaluated(run, snapshot)
    st.subheader(_("3. How good is the forecast?"))
    if not result.finite:
        # The rate in force when the weights shown were trained (core.engine.rates), named with its epoch when the run
        # trains with another now.
        rate = rate_in_force(run.settings.learning_rate, run.history.learning_rate_changes, max(snapshot.epoch, 1))
        epoch = None if rate == run.session.learning_rate else max(snapshot.epoch, 1)
        st.error(not_finite_advice(rate, lowest_learning_rate, epoch))
        return
    scores(run, snapshot, key)
    predictions(run, snapshot, key)
    st.subheader(_("4. Beyond the end of the data"))
    future = beyond_the_end(run, snapshot, key)
    st.subheader(_("5. Take the results with you"))
    downloads(run, snapshot, future, key)
