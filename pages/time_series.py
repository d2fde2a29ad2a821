"""Time series: past values in, the next value out, on a built-in sample or the learner's own CSV.

The page only: data, sidebar settings and the live views' order (a little over 250 lines since every label is a
catalogue message; the views are ui.time_series_views, the data ui.series_data)."""

from __future__ import annotations

import streamlit as st

from core.engine.runtime import device_here
from core.engine.settings import learning_rates
from core.reading.series import ROW_ORDERS, SeriesTable
from core.screens.registry import screen
from core.screens.time_series import KEY
from core.screens.time_series.forecasting import (
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
from core.screens.time_series.readings import stopped_message
from core.words.i18n import N_, _, pgettext
from core.words.notes import note_link
from ui.common import learner_errors, markdown_literal, page_setup, start_page
from ui.controls import BIND, cell_select, depth_slider, reset_note, seed_input, steered_learning_rate
from ui.ghost import ghost_controls
from ui.influence_views import time_series_influence
from ui.links import linked_settings
from ui.live import LiveRun, current_run, drive, epoch_control
from ui.run_code_views import code_section
from ui.run_file_views import save_or_load
from ui.series_data import SOURCES, choose_data, preview, table_tag
from ui.time_series_views import ForecastRun, inside, loss_curve, results
from ui.training_views import finish_the_epoch, moment_history, moment_note

start_page()  # before any word: it sets this run's language

# The page runs top to bottom after start_page() on every rerun, so its words are translated right here, in this
# run's language. A choice control bound to the URL shows these labels and the link carries them (ui.links): the
# same translated mapping goes to the control and to the link.
POLICIES = {
    "drop": _("drop rows with a gap"),
    "fill_forward": _("fill forward (repeat the last value)"),
    "fill_zero": _("fill with 0 (where a blank means none, e.g. rainfall)"),
}
LEARNING_RATES = learning_rates(0.0001, 1.0)
BATCH_SIZES = [0, 16, 32, 64, 128, 256, 512, 1024, 4096]
BATCH_LABELS = {b: pgettext("batch size", "all") if b == 0 else str(b) for b in BATCH_SIZES}
SOURCE_LABELS = {source: _(label) for source, label in SOURCES.items()}
# What the "Changed: …" note names for each setting of a run that differs from the controls.
LABELS = {
    name: _(label)
    for name, label in {
        "target": N_("the target column"),
        "features": N_("the feature columns"),
        "missing_policy": N_("the missing values"),
        "window": N_("the window"),
        "horizon": N_("the horizon"),
        "train_fraction": N_("the training part"),
        "cell": N_("the cell type"),
        "hidden_size": N_("the hidden size"),
        "num_layers": N_("the depth"),
        "epochs": N_("the epochs"),
        "batch_size": N_("the batch size"),
        "seed": N_("the seed"),
        "device": N_("the device"),
        "row_order": N_("the row order"),
    }.items()
}
# The stock-like sample's columns, the lab's, as data/stock_like.csv's header writes them: names, not words.
STOCK_COLUMNS = tuple("Open,High,Low,Volume,Close".split(","))  # noqa: SIM905


def upload_caveat() -> str | None:
    if st.session_state.get(f"{KEY}_source") != "upload":
        return None
    return _(
        "The link carries the settings, not your file: whoever opens it chooses the same file again (the "
        "settings tied to its columns, such as the target, apply to that file only)."
    )


# In the link, the defaults are the stock-like sample's (the first source); the data source and the training
# part are controls without a field of their own in the settings class.
LINK = (
    ForecastSettings(target=STOCK_COLUMNS[-1], features=STOCK_COLUMNS),
    LEARNING_RATES,
    {"missing_policy": POLICIES, "batch_size": BATCH_LABELS, "source": SOURCE_LABELS, "row_order": ROW_ORDERS},
    {"train_percent": 70, "source": "stock"},
    upload_caveat,
    {**LABELS, "train_percent": LABELS["train_fraction"], "source": _("the data")},  # what hide= names
)
# Widgets whose options or defaults depend on the table carry the table's tag in their key, and those that
# depend on a run carry the run's number: a new key is a fresh widget. (A selectbox remembers its choice
# as text; with a stable key the browser would send back an option of the previous table.)

page_setup(
    _("Time series: forecast the next value"),
    _(
        "The study note's third lab: an LSTM reads the last **7 days** of prices (open, high, low, volume, close) and "
        "predicts the next day's close. Here you can also bring your own CSV. Two things are done more honestly "
        "than in the lab:\n"
        "- **Scaling is fitted on the training part only.** The lab scaled the test part with its own min/max, "
        "which lets the model peek at the future it is meant to predict.\n"
        "- **Every result is shown next to a naive forecast**, “the next value = the last one”. On prices it is "
        "hard to beat: a model that does not beat it has learned nothing useful."
    ),
)
st.markdown(note_link(*screen(KEY).notes))


def settings_sidebar(table: SeriesTable, identity: str, row_order: str) -> ForecastSettings | None:
    """The sidebar controls, keyed by the settings' field names; None (with a message) when they are wrong. The row
    order is chosen beside the first rows (ui.series_data.preview)."""
    columns = table.numeric_columns
    tag = table_tag(identity)
    windows_guess = max(1, len(table.frame) - 7)
    with st.sidebar:
        st.markdown(_("**What to forecast**"))
        first_target = default_target(columns, table.missing_by_column)
        target = st.selectbox(
            _("Target column"),
            columns,
            index=columns.index(first_target),
            key=f"{KEY}_target_{tag}",
            **BIND,
            help=_(
                "At first: among the columns with the fewest missing values, Close (or 종가, Value) if there is one, "
                "else the last."
            ),
        )
        features = st.multiselect(
            _("Feature columns (what the network reads)"),
            columns,
            default=default_features(table),
            key=f"{KEY}_features_{tag}",
            **BIND,
            help=_("The lab reads open, high, low, volume and close. Only the target: a univariate model."),
        )
        missing_policy = st.radio(
            _("Missing values"), list(POLICIES), format_func=POLICIES.get, key=f"{KEY}_missing_policy", **BIND
        )
        window = st.slider(_("Window (time steps read)"), *WINDOW_LIMITS, 7, key=f"{KEY}_window", **BIND)
        horizon = st.slider(
            _("Horizon (steps predicted)"),
            *HORIZON_LIMITS,
            1,
            key=f"{KEY}_horizon",
            **BIND,
            help=_("1 = the next value only."),
        )
        train_percent = st.slider(_("Training part (%)"), 10, 95, 70, step=5, key=f"{KEY}_train_percent", **BIND)
        st.markdown(_("**The network**"))
        cell = cell_select(KEY, "lstm")
        hidden_size = st.slider(_("Hidden size"), 1, 128, 10, key=f"{KEY}_hidden_size", **BIND)
        num_layers = depth_slider(KEY, 1)
        st.markdown(_("**Training**"))
        epochs = st.slider(
            _("Epochs"),
            1,
            1000,
            default_epochs(windows_guess),
            key=f"{KEY}_epochs_{tag}",
            **BIND,
            help=_("The lab ran 500."),
        )
        batch_size = st.select_slider(
            _("Batch size (windows per step)"),
            BATCH_SIZES,
            default_batch_size(windows_guess),
            format_func=BATCH_LABELS.get,
            key=f"{KEY}_batch_size_{tag}",
            **BIND,
            help=_("'all' is the lab's full batch. Long series need mini-batches to fit in memory."),
        )
        seed = seed_input(KEY, 0)
        device = st.radio(
            _("Device"),
            [device for device in ("auto", "cpu", "cuda") if device_here(device)],  # only what this machine has
            horizontal=True,
            key=f"{KEY}_device",
            **BIND,
            help=_("auto: a CUDA GPU when there is one and the run is big enough to gain, else one CPU thread."),
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
            row_order=row_order,
        )
    return settings


def builder(table: SeriesTable, identity: str):
    """A function from settings to a new run on this table (the page's ``build``)."""

    def build(settings: ForecastSettings) -> LiveRun[ForecastRun]:
        prepared = prepare(table, settings)
        device = device_for(prepared)
        session = prepared.session(device)
        estimate = session.check_budget(
            size_settings=N_("the window, the horizon, the hidden size, the depth or the file (fewer rows)"),
            faster=N_("A larger batch size makes an epoch faster too (fewer steps).") if settings.batch_size else None,
        )
        return LiveRun(settings, {"model": session}, estimate, ForecastRun(prepared, device, identity))

    return build


def draw_live(run: LiveRun[ForecastRun]) -> None:
    """Everything that moves while the run plays (inside the page's live fragment), at one moment: the epoch control's
    (the epoch the run stands at, while it plays or until the learner moves the control)."""
    history, prepared = run.history, run.screen.prepared
    if history.stopped:
        st.warning(stopped_message(history.stopped, min(LEARNING_RATES)))
    training_on = _("Training on the {source} ({windows} windows, {device}).").format(
        source=run.screen.source_words(),
        windows=f"{prepared.split.windows:,}",
        device=_("one CPU thread") if run.screen.device.type == "cpu" else _("the CUDA GPU"),
    )
    st.caption(markdown_literal(" ".join([training_on, *prepared.notes])))
    for warning in prepared.warnings:
        st.warning(markdown_literal(warning))
    loss_curve(run, KEY, ghost_controls(KEY, run, LABELS))
    st.subheader(_("Inside the network"))
    snapshot = epoch_control(KEY, run, moment_history(run))
    moment_note(run, snapshot)
    inside(run, snapshot, KEY)
    time_series_influence(run, snapshot, KEY)  # which input drove each output
    results(run, snapshot, KEY, lowest_learning_rate=min(LEARNING_RATES))


table, identity = None, ""
settings = None
with st.container(), linked_settings(KEY, *LINK):  # one block, however many elements the data section shows
    with learner_errors():
        table, _words, identity = choose_data(KEY)  # the run keeps the identity; it words it when shown
    if table is not None:
        row_order = preview(table, KEY, identity)
        settings = settings_sidebar(table, identity, row_order)
st.subheader(_("2. Training"))
existing = st.session_state.get(f"{KEY}_run")
other = [_("the data")] if existing is not None and table is not None and existing.screen.identity != identity else []
if table is not None or existing is not None:
    finish_the_epoch(existing)  # a run paused inside an epoch shows the epoch it finishes, from the status line down
    drive(
        KEY,
        settings if table is not None else None,
        builder(table, identity) if table is not None else None,
        draw_live,
        LEARNING_RATES,
        LABELS,
        autoplay=identity.startswith("sample:"),
        other_changes=other,
    )
    save_or_load(KEY, builder(table, identity) if table is not None else None, LEARNING_RATES, data=identity)
code_section(current_run(KEY), settings)
