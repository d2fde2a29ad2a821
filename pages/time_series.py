"""Time series: past values in, the next value out, on a built-in sample or the learner's own CSV."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pandas as pd
import streamlit as st

from core import forecast_figures as ff
from core.cell_math import CELL_NAMES
from core.forecast_export import predictions_csv, summary_json
from core.forecasting import (
    HORIZON_LIMITS,
    MAX_FORECAST_STEPS,
    WINDOW_LIMITS,
    ForecastSettings,
    default_batch_size,
    default_epochs,
    default_target,
    device_for,
    evaluate_forecast,
    forecast_beyond,
    format_number,
    future_times,
    prepare,
)
from core.series import MAX_BYTES, MAX_COLUMNS, MAX_ROWS, SeriesTable, read_series
from core.training import Snapshot, learning_rates
from ui.common import chart, learner_errors, markdown_literal, page_setup
from ui.live import LiveRun, drive, epoch_control
from ui.training_views import choose_layer, gradient_views, learning_curves

log = logging.getLogger("rnnlab")

KEY = "timeseries"
DATA = Path(__file__).resolve().parents[1] / "data"
SOURCES = {
    "stock": "Built-in: stock-like daily prices (synthetic)",
    "seasonal": "Built-in: seasonal series (synthetic)",
    "upload": "Upload your own CSV file",
}
SAMPLE_FILES = {"stock": "stock_like.csv", "seasonal": "seasonal.csv"}
POLICIES = {"drop": "drop rows with a gap", "fill_forward": "fill forward (repeat the last value)"}
LEARNING_RATES = learning_rates(0.0001, 1.0)
BATCH_SIZES = [0, 16, 32, 64, 128, 256, 512, 1024, 4096]
LOSS_NAME = "mean squared error (scaled 0–1 values)"
LABELS = {
    "target": "the target column",
    "features": "the feature columns",
    "missing_policy": "the missing values",
    "window": "the window",
    "horizon": "the horizon",
    "train_fraction": "the training part",
    "cell": "the cell type",
    "hidden_size": "the hidden size",
    "num_layers": "the depth",
    "epochs": "the epochs",
    "batch_size": "the batch size",
    "seed": "the seed",
    "device": "the device",
}
# Widgets whose options or defaults depend on the table carry the table's tag in their key, and those that
# depend on a run carry the run's number: a new key is a fresh widget. (A selectbox remembers its choice
# as text; with a stable key the browser would send back an option of the previous table.)

page_setup(
    "Time series: forecast the next value",
    "The seed's third lab: an LSTM reads the last **7 days** of prices (open, high, low, volume, close) and "
    "predicts the next day's close. Here you can also bring your own CSV. Two things are done more honestly "
    "than in the lab:\n"
    "- **Scaling is fitted on the training part only.** The lab scaled the test part with its own min/max, "
    "which lets the model peek at the future it is meant to predict.\n"
    "- **Every result is shown next to a naive forecast**, “the next value = the last one”. On prices it is "
    "hard to beat: a model that does not beat it has learned nothing useful.",
)


@st.cache_data(max_entries=4, show_spinner=False)
def read_cached(raw: bytes, filename: str) -> SeriesTable:
    return read_series(raw, filename)


def choose_data() -> tuple[SeriesTable | None, str, str]:
    """The data source and its table (None when there is nothing usable), its label and identity."""
    st.subheader("1. The data")
    source = st.radio("Data source", list(SOURCES), format_func=SOURCES.get, horizontal=True, key=f"{KEY}_source")
    if source != "upload":
        st.caption(
            "The built-in samples are **synthetic**, made by `data/make_samples.py`: no real market or measurement."
        )
        name = SAMPLE_FILES[source]
        raw = (DATA / name).read_bytes()
        return read_cached(raw, name), f"built-in sample {name}", f"sample:{name}"
    uploaded = st.file_uploader(
        f"CSV file (.csv, .txt or .tsv; at most {MAX_BYTES // 2**20} MB, {MAX_ROWS:,} rows, {MAX_COLUMNS} columns)",
        type=["csv", "txt", "tsv"],
        key=f"{KEY}_upload",
        help="One row per time step, one column per series, ideally a date column. Commas, semicolons, tabs or "
        "vertical bars; UTF-8, UTF-16 or Korean CP949; decimal commas are all understood.",
    )
    if uploaded is None:
        st.info("Choose a file above. Until then the last run stays on screen.")
        return None, "", ""
    raw = uploaded.getvalue()
    identity = f"upload:{uploaded.name}:{hashlib.sha1(raw).hexdigest()[:16]}"
    return read_cached(raw, uploaded.name), f"uploaded file {uploaded.name}", identity


def preview(table: SeriesTable) -> None:
    """What was understood, as plain text: the notes quote the file's own column names."""
    frame = table.frame
    with st.expander(f"What was read: {len(frame):,} rows, {len(table.numeric_columns)} numeric columns", True):
        st.text("\n".join(f"• {note}" for note in table.notes))
        shown = frame.head(8).copy()
        dates = shown[table.date_column] if table.date_column else None
        if dates is not None and (dates == dates.dt.normalize()).all():
            shown[table.date_column] = dates.dt.date  # 2024-01-31, not 2024-01-31 00:00:00
        st.caption("The first rows, oldest first, as the network will read them:")
        st.dataframe(shown, hide_index=True, key=f"{KEY}_preview")
        if table.missing_cells:
            st.caption(f"{table.missing_cells:,} missing cells: pick what to do with them in the sidebar.")


def settings_sidebar(table: SeriesTable, identity: str) -> ForecastSettings | None:
    """The sidebar controls, keyed by the settings' field names; None (with a message) when they are wrong."""
    columns = table.numeric_columns
    tag = hashlib.sha1(identity.encode()).hexdigest()[:8]
    windows_guess = max(1, len(table.frame) - 7)
    with st.sidebar:
        st.markdown("**What to forecast**")
        target = st.selectbox(
            "Target column", columns, index=columns.index(default_target(columns)), key=f"{KEY}_target_{tag}"
        )
        features = st.multiselect(
            "Feature columns (what the network reads)",
            columns,
            default=columns,
            key=f"{KEY}_features_{tag}",
            help="The lab reads open, high, low, volume and close. Only the target: a univariate model.",
        )
        missing_policy = st.radio(
            "Missing values", list(POLICIES), format_func=POLICIES.get, key=f"{KEY}_missing_policy"
        )
        window = st.slider("Window (time steps read)", *WINDOW_LIMITS, 7, key=f"{KEY}_window")
        horizon = st.slider(
            "Horizon (steps predicted)", *HORIZON_LIMITS, 1, key=f"{KEY}_horizon", help="1 = the next value only."
        )
        train_percent = st.slider("Training part (%)", 10, 95, 70, step=5, key=f"{KEY}_train_percent")
        st.markdown("**The network**")
        cell = st.selectbox("Cell type", list(CELL_NAMES), index=1, format_func=CELL_NAMES.get, key=f"{KEY}_cell")
        hidden_size = st.slider("Hidden size", 1, 128, 10, key=f"{KEY}_hidden_size")
        num_layers = st.slider("Depth (stacked layers)", 1, 4, 1, key=f"{KEY}_num_layers")
        st.markdown("**Training**")
        epochs = st.slider(
            "Epochs", 1, 1000, default_epochs(windows_guess), key=f"{KEY}_epochs_{tag}", help="The lab ran 500."
        )
        batch_size = st.select_slider(
            "Batch size (windows per step)",
            BATCH_SIZES,
            default_batch_size(windows_guess),
            format_func=lambda b: "all" if b == 0 else str(b),
            key=f"{KEY}_batch_size_{tag}",
            help="'all' is the lab's full batch. Long series need mini-batches to fit in memory.",
        )
        seed = st.number_input("Seed", 0, 10_000, 0, key=f"{KEY}_seed", help="Draws the initial weights.")
        device = st.radio(
            "Device",
            ["auto", "cpu", "cuda"],
            horizontal=True,
            key=f"{KEY}_device",
            help="auto: a CUDA GPU when there is one and the run is big enough to gain, else one CPU thread.",
        )
        st.caption("Changes here start a new run: press **Reset** above the charts.")
    settings = None
    with learner_errors():
        settings = ForecastSettings(
            target=target,
            features=tuple(features),
            missing_policy=missing_policy,
            window=window,
            horizon=horizon,
            train_fraction=train_percent / 100,
            cell=cell,
            hidden_size=hidden_size,
            num_layers=num_layers,
            learning_rate=st.session_state.get(f"{KEY}_learning_rate", 0.01),
            epochs=epochs,
            batch_size=batch_size,
            seed=int(seed),
            device=device,
        )
    return settings


def builder(table: SeriesTable, source: str, identity: str):
    """A function from settings to a new run on this table (the page's ``build``)."""

    def build(settings: ForecastSettings) -> LiveRun:
        prepared = prepare(table, settings)
        device = device_for(prepared)
        session = prepared.session(device)
        estimate = session.check_budget(
            size_settings="the window, the horizon, the hidden size, the depth or the file (fewer rows), or choose a "
            "larger batch size",
        )
        extra = dict(prepared=prepared, source=source, identity=identity, device=device)
        return LiveRun(settings, {"model": session}, estimate, extra=extra)

    return build


def evaluated(run: LiveRun):
    """The forecast and its metrics at the run's current weights (computed once per state of training)."""
    return run.cached("result", lambda: evaluate_forecast(run.extra["prepared"], run.session.model))


def scores(run: LiveRun) -> None:
    history, prepared, result = run.history, run.extra["prepared"], evaluated(run)
    model, naive = result.model_metrics, result.naive_metrics
    columns = st.columns(4)
    columns[0].metric(
        "Test RMSE, model",
        format_number(model["RMSE"]),
        delta=f"{format_number(model['RMSE'] - naive['RMSE'])} vs naive" if result.finite else None,
        delta_color="inverse",
    )
    columns[1].metric("Test RMSE, naive", format_number(naive["RMSE"]), help="“the next value = the last one”")
    columns[2].metric("Final training loss", f"{history.losses[-1]:.5f}" if history.records else "n/a")
    columns[3].metric(
        "Training time",
        f"{history.seconds:.1f} s",
        help=markdown_literal(f"{len(history.records)} epochs, {run.extra['source']}"),
    )
    (st.success if result.finite and model["RMSE"] < naive["RMSE"] else st.info)(result.verdict)
    table = pd.DataFrame(
        {
            "test metric": list(model),
            "model": [format_number(v) for v in model.values()],
            "naive: last value": [format_number(v) for v in naive.values()],
        }
    )
    left, right = st.columns([1, 2])
    with left:
        st.dataframe(table, hide_index=True, key=f"{KEY}_metrics")
        st.caption(
            f"Measured on the {prepared.split.test_windows.stop - prepared.split.test_windows.start:,} test windows "
            "in the file's units. RMSE weighs big misses more, MAE is the typical miss, MAPE the miss in percent."
        )
    with right:
        chart(
            ff.metrics_figure(model, naive),
            "Lower is better in each panel. A bar of the model above the grey one means the naive forecast wins.",
            key=f"{KEY}_metrics_chart",
        )


def predictions(run: LiveRun) -> None:
    prepared, result = run.extra["prepared"], evaluated(run)
    horizon = prepared.settings.horizon
    step = 0
    if horizon > 1:
        step = st.select_slider(
            "Steps ahead shown",
            list(range(horizon)),
            format_func=lambda s: f"t+{s + 1}",
            key=f"{KEY}_r{run.number}_step_ahead",
        )
    thinned = ff.stride(prepared.rows) > 1
    chart(
        ff.prediction_figure(prepared, result, step),
        "Shaded: the test part, never trained on. Where the orange line just trails the black one by a step, the "
        "model is copying the last value; click the grey legend entry to overlay the naive forecast."
        + (" (Long series: every n-th point is drawn; metrics use all.)" if thinned else ""),
        key=f"{KEY}_prediction",
    )
    chart(
        ff.residual_figure(prepared, result, step),
        "Errors should scatter around zero. A drift away from zero in the test part means the series left the range "
        "the model saw in training.",
        key=f"{KEY}_residuals",
    )


def beyond_the_end(run: LiveRun):
    prepared, model = run.extra["prepared"], run.session.model
    steps = st.slider("Steps to forecast beyond the end", 1, MAX_FORECAST_STEPS, 30, key=f"{KEY}_forecast_steps")
    future = run.cached(f"future {steps}", lambda: forecast_beyond(prepared, model, steps))
    times = future_times(prepared.times, prepared.has_dates, steps)
    others = [f for f in prepared.settings.features if f != prepared.settings.target]
    held = " The other features' future is unknown: they are held at their last value." if others else ""
    chart(
        ff.forecast_figure(prepared, future, times),
        "Each predicted value is fed back as the next input, so errors compound: far ahead, the forecast usually "
        "flattens or drifts." + held,
        key=f"{KEY}_forecast",
    )
    return future


def inside(run: LiveRun, snapshot: Snapshot) -> None:
    history, prepared = run.history, run.extra["prepared"]
    probes = list(range(len(prepared.probe_windows)))
    pick = st.selectbox(
        "Window to look inside",
        probes,
        index=len(probes) - 1,
        format_func=lambda i: ff.window_label(prepared, int(prepared.probe_windows[i])),
        key=f"{KEY}_r{run.number}_window_pick",
    )
    layer = choose_layer(len(snapshot.probe.hidden), f"{KEY}_r{run.number}")
    labels = ff.step_labels(prepared.settings.window)
    chart(
        ff.hidden_figure(snapshot.probe.hidden[layer][pick], labels, layer, snapshot.epoch),
        "Each column is the hidden state after reading that time step; the last column is what the prediction is "
        "made from. Scrub the epoch to watch the pattern form.",
        key=f"{KEY}_hidden",
    )
    gradient_views(
        history,
        snapshot,
        labels,
        KEY,
        step_title=ff.STEP_TITLE,
        step_caption=f"Measured over the {len(probes)} windows of the picker together. Far-back steps get less "
        "gradient: they matter less to the loss, or the signal fades on its way back (vanishing gradient).",
    )


def downloads(run: LiveRun, future) -> None:
    prepared, result, history = run.extra["prepared"], evaluated(run), run.history
    left, right = st.columns(2)
    left.download_button(
        "Download predictions (CSV)",
        lambda: predictions_csv(prepared, result, future),
        file_name="predictions.csv",
        mime="text/csv",
        on_click="ignore",
        key=f"{KEY}_download_csv",
        help="Cells starting with = + - @ are escaped so a spreadsheet does not run them as formulas.",
    )
    right.download_button(
        "Download settings and metrics (JSON)",
        lambda: summary_json(prepared, result, history, run.extra["source"]),
        file_name="run.json",
        mime="application/json",
        on_click="ignore",
        key=f"{KEY}_download_json",
    )


def draw_live(run: LiveRun) -> None:
    """Everything that moves while the run plays (inside the page's live fragment)."""
    history, prepared = run.history, run.extra["prepared"]
    if history.stopped:
        st.warning(history.stopped.reason)
    st.caption(
        markdown_literal(
            f"Training on the {run.extra['source']} ({prepared.split.windows:,} windows, {run.extra['device'].type}). "
            + " ".join(prepared.notes)
        )
    )
    learning_curves(history, loss_name=LOSS_NAME, key=KEY, total_epochs=run.total_epochs)
    every = run.session.config.validate_every
    st.caption(
        "The validation curve is the loss on the test part, "
        + ("after every epoch" if every == 1 else f"measured every {every} epochs (and after the last)")
        + "; it never updates the weights."
    )
    st.subheader("Inside the network")
    inside(run, epoch_control(KEY, run))
    results(run)


def results(run: LiveRun) -> None:
    """The forecast at the current weights: computed when the page reruns, not at every tick."""
    if not run.history.records:
        st.info("Press **Play** or **Step**: the forecast is scored once the network has trained.")
        return
    if run.playing:  # scoring every window at every tick would slow the live view: it waits for a pause
        st.caption("How good the forecast is, the forecast beyond the data and the downloads: pause to see them.")
        return
    result = evaluated(run)
    st.subheader("3. How good is the forecast?")
    if not result.finite:
        st.error(
            "The model's predictions are not finite numbers, so there is nothing to compare. Lower the learning "
            "rate and press Reset."
        )
        return
    scores(run)
    predictions(run)
    st.subheader("4. Beyond the end of the data")
    future = beyond_the_end(run)
    st.subheader("5. Take the results with you")
    downloads(run, future)


table, source, identity = None, "", ""
settings = None
with st.container():  # one block, however many elements the data section shows: the live part never moves
    with learner_errors():
        table, source, identity = choose_data()
    if table is not None:
        preview(table)
        settings = settings_sidebar(table, identity)
st.subheader("2. Training")
existing = st.session_state.get(f"{KEY}_run")
other = ["the data"] if existing is not None and table is not None and existing.extra["identity"] != identity else []
if table is not None or existing is not None:
    drive(
        KEY,
        settings if table is not None else None,
        builder(table, source, identity) if table is not None else None,
        draw_live,
        LEARNING_RATES,
        LABELS,
        autoplay=identity.startswith("sample:"),
        other_changes=other,
    )
