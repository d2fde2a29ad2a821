"""Time series: past values in, the next value out, on a built-in sample or the learner's own CSV."""

from __future__ import annotations

import hashlib

import streamlit as st

from core.forecast_readings import stopped_message
from core.forecasting import (
    HORIZON_LIMITS,
    WINDOW_LIMITS,
    ForecastSettings,
    default_batch_size,
    default_epochs,
    default_features,
    default_target,
    device_for,
    prepare,
)
from core.series import SeriesTable
from core.training import learning_rates
from ui.common import learner_errors, markdown_literal, page_setup, start_page
from ui.controls import BIND, cell_select, depth_slider, reset_note, seed_input, steered_learning_rate
from ui.links import linked_settings
from ui.live import LiveRun, current_run, drive, epoch_control
from ui.run_code_views import code_section
from ui.run_file_views import save_or_load
from ui.series_data import SOURCES, choose_data, preview
from ui.time_series_views import ForecastRun, inside, loss_curve, results

start_page()  # before any word: it sets this run's language

KEY = "timeseries"
POLICIES = {
    "drop": "drop rows with a gap",
    "fill_forward": "fill forward (repeat the last value)",
    "fill_zero": "fill with 0 (where a blank means none, e.g. rainfall)",
}
LEARNING_RATES = learning_rates(0.0001, 1.0)
BATCH_SIZES = [0, 16, 32, 64, 128, 256, 512, 1024, 4096]
BATCH_LABELS = {b: "all" if b == 0 else str(b) for b in BATCH_SIZES}
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


def upload_caveat() -> str | None:
    if st.session_state.get(f"{KEY}_source") != "upload":
        return None
    return (
        "The link carries the settings, not your file: whoever opens it chooses the same file again (the "
        "settings tied to its columns, such as the target, apply to that file only)."
    )


# In the link, the defaults are the stock-like sample's (the first source); the data source and the training
# part are controls without a field of their own in the settings class.
LINK = (
    ForecastSettings(target="Close", features=("Open", "High", "Low", "Volume", "Close")),
    LEARNING_RATES,
    {"missing_policy": POLICIES, "batch_size": BATCH_LABELS, "source": SOURCES},
    {"train_percent": 70, "source": "stock"},
    upload_caveat,
)
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


def settings_sidebar(table: SeriesTable, identity: str) -> ForecastSettings | None:
    """The sidebar controls, keyed by the settings' field names; None (with a message) when they are wrong."""
    columns = table.numeric_columns
    tag = hashlib.sha1(identity.encode()).hexdigest()[:8]
    windows_guess = max(1, len(table.frame) - 7)
    with st.sidebar:
        st.markdown("**What to forecast**")
        first_target = default_target(columns, table.missing_by_column)
        target = st.selectbox(
            "Target column",
            columns,
            index=columns.index(first_target),
            key=f"{KEY}_target_{tag}",
            **BIND,
            help="At first: among the columns with the fewest missing values, Close (or 종가, Value) if there is one, "
            "else the last.",
        )
        features = st.multiselect(
            "Feature columns (what the network reads)",
            columns,
            default=default_features(table),
            key=f"{KEY}_features_{tag}",
            **BIND,
            help="The lab reads open, high, low, volume and close. Only the target: a univariate model.",
        )
        missing_policy = st.radio(
            "Missing values", list(POLICIES), format_func=POLICIES.get, key=f"{KEY}_missing_policy", **BIND
        )
        window = st.slider("Window (time steps read)", *WINDOW_LIMITS, 7, key=f"{KEY}_window", **BIND)
        horizon = st.slider(
            "Horizon (steps predicted)",
            *HORIZON_LIMITS,
            1,
            key=f"{KEY}_horizon",
            **BIND,
            help="1 = the next value only.",
        )
        train_percent = st.slider("Training part (%)", 10, 95, 70, step=5, key=f"{KEY}_train_percent", **BIND)
        st.markdown("**The network**")
        cell = cell_select(KEY, "lstm")
        hidden_size = st.slider("Hidden size", 1, 128, 10, key=f"{KEY}_hidden_size", **BIND)
        num_layers = depth_slider(KEY, 1)
        st.markdown("**Training**")
        epochs = st.slider(
            "Epochs", 1, 1000, default_epochs(windows_guess), key=f"{KEY}_epochs_{tag}", **BIND, help="The lab ran 500."
        )
        batch_size = st.select_slider(
            "Batch size (windows per step)",
            BATCH_SIZES,
            default_batch_size(windows_guess),
            format_func=BATCH_LABELS.get,
            key=f"{KEY}_batch_size_{tag}",
            **BIND,
            help="'all' is the lab's full batch. Long series need mini-batches to fit in memory.",
        )
        seed = seed_input(KEY, 0)
        device = st.radio(
            "Device",
            ["auto", "cpu", "cuda"],
            horizontal=True,
            key=f"{KEY}_device",
            **BIND,
            help="auto: a CUDA GPU when there is one and the run is big enough to gain, else one CPU thread.",
        )
        reset_note()
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
            learning_rate=steered_learning_rate(KEY, 0.01),
            epochs=epochs,
            batch_size=batch_size,
            seed=int(seed),
            device=device,
        )
    return settings


def builder(table: SeriesTable, source: str, identity: str):
    """A function from settings to a new run on this table (the page's ``build``)."""

    def build(settings: ForecastSettings) -> LiveRun[ForecastRun]:
        prepared = prepare(table, settings)
        device = device_for(prepared)
        session = prepared.session(device)
        estimate = session.check_budget(
            size_settings="the window, the horizon, the hidden size, the depth or the file (fewer rows), or choose a "
            "larger batch size",
        )
        return LiveRun(settings, {"model": session}, estimate, ForecastRun(prepared, source, device, identity))

    return build


def draw_live(run: LiveRun[ForecastRun]) -> None:
    """Everything that moves while the run plays (inside the page's live fragment)."""
    history, prepared = run.history, run.screen.prepared
    if history.stopped:
        stopped = history.stopped
        st.warning(stopped_message(stopped.reason, stopped.epoch, run.session.learning_rate, min(LEARNING_RATES)))
    st.caption(
        markdown_literal(
            f"Training on the {run.screen.source} ({prepared.split.windows:,} windows, {run.screen.device.type}). "
            + " ".join(prepared.notes)
        )
    )
    for warning in prepared.warnings:
        st.warning(markdown_literal(warning))
    loss_curve(run, KEY)
    st.subheader("Inside the network")
    inside(run, epoch_control(KEY, run), KEY)
    results(run, KEY, lowest_learning_rate=min(LEARNING_RATES))


table, source, identity = None, "", ""
settings = None
with st.container(), linked_settings(KEY, *LINK):  # one block, however many elements the data section shows
    with learner_errors():
        table, source, identity = choose_data(KEY)
    if table is not None:
        preview(table, KEY)
        settings = settings_sidebar(table, identity)
st.subheader("2. Training")
existing = st.session_state.get(f"{KEY}_run")
other = ["the data"] if existing is not None and table is not None and existing.screen.identity != identity else []
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
    save_or_load(KEY, builder(table, source, identity) if table is not None else None, LEARNING_RATES, data=identity)
code_section(current_run(KEY), settings)
