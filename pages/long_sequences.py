"""Long sequences: a sentence cut into sliding windows; a stacked RNN learns to read it back."""

from __future__ import annotations

import streamlit as st

from core.engine.probes import probe_indices
from core.engine.settings import learning_rates
from core.screens.long_sequences import KEY
from core.screens.long_sequences.read_back_ceiling import window_limits
from core.screens.long_sequences.readings import model_phrase
from core.screens.long_sequences.settings import BATCH_SIZES, MAX_HIDDEN, MAX_SCREEN_EPOCHS, LongSequenceSettings
from core.screens.long_sequences.windows import (
    MAX_SEQUENCE_LENGTH,
    MAX_TEXT_LENGTH,
    MIN_SEQUENCE_LENGTH,
)
from core.screens.registry import screen
from core.words.errors import InputError
from core.words.i18n import N_, _
from core.words.notes import note_link
from ui.common import learner_errors, page_setup, start_page
from ui.controls import BIND, cell_select, depth_slider, reset_note, seed_input, steered_learning_rate
from ui.ghost import ghost_controls
from ui.influence_views import long_sequence_influence
from ui.links import linked_settings
from ui.live import LiveRun, current_run, drive, epoch_control
from ui.long_sequence_views import (
    LongSequenceRun,
    inside_section,
    live_read_back,
    moment_model,
    read_back_now,
    readback_curves,
    readback_details,
    summary,
    windows_table,
)
from ui.neuron_generation_views import generation_section, neuron_section
from ui.run_code_views import code_section
from ui.run_file_views import save_or_load
from ui.training_views import (
    finish_the_epoch,
    moment_history,
    moment_note,
    outside_drawn,
    outside_follows,
    page_runs,
)

start_page()  # before any word: it sets this run's language

DEFAULTS = LongSequenceSettings()
LEARNING_RATES = learning_rates(0.001, 1.0)
# Worded on every run, after start_page(): in this run's language. The batch size's labels are what its control
# shows; the URL carries the label only for a batch size other than the default, and those are numbers.
LABELS = {
    "text": _("the text"),
    "sequence_length": _("the sequence length"),
    "cell": _("the cell type"),
    "hidden_is_vocabulary": _("hidden size = vocabulary"),
    "hidden_size": _("the hidden size"),
    "num_layers": _("the depth"),
    "epochs": _("the epochs"),
    "batch_size": _("the batch size"),
    "seed": _("the seed"),
}
BATCH_LABELS = {b: _("all windows (full batch)") if b == 0 else str(b) for b in BATCH_SIZES}
# Controls that only change what is shown; a new run starts them afresh.
DISPLAY_KEYS = ["neuron_layer", "neuron_unit", "window", "layer", "prompt"]


def intro(settings: LongSequenceSettings) -> str:
    """The screen's first paragraph, naming the network that trains (or will train, before the first run)."""
    network = model_phrase(settings.model_config(settings.task()))
    return _(
        "The study note's second lab. A sentence is cut into every **window** of `sequence length` characters; "
        "each window must predict the same window shifted by one character. {network} with a linear layer on top "
        "learns all windows at once. Then it **reads the sentence back**: the first window's prediction, plus the "
        "one new character that every later window predicts. Training starts at once; watch the sentence appear."
    ).format(network=network[:1].upper() + network[1:])


def settings_sidebar() -> dict:
    """The sidebar controls, keyed by the settings' field names: their values, not yet validated."""
    with st.sidebar:
        st.markdown(_("**What to learn**"))
        text = st.text_area(
            _("Text to learn (at most {count} characters)").format(count=f"{MAX_TEXT_LENGTH:,}"),
            DEFAULTS.text,
            height=150,
            max_chars=2 * MAX_TEXT_LENGTH,
            key=f"{KEY}_text",
            **BIND,
            help=_("Any language works, Korean too. It needs at least sequence length + 1 characters."),
        )
        sequence_length = st.slider(
            _("Sequence length (characters per window)"),
            MIN_SEQUENCE_LENGTH,
            MAX_SEQUENCE_LENGTH,
            DEFAULTS.sequence_length,
            key=f"{KEY}_sequence_length",
            **BIND,
        )
        st.markdown(_("**The network**"))
        cell = cell_select(KEY, DEFAULTS.cell)
        hidden_is_vocabulary = st.checkbox(
            _("Hidden size = vocabulary size (the lab)"),
            DEFAULTS.hidden_is_vocabulary,
            key=f"{KEY}_hidden_is_vocabulary",
            **BIND,
        )
        hidden_size = st.slider(
            _("Hidden size (when not tied to the vocabulary)"),
            2,
            MAX_HIDDEN,
            DEFAULTS.hidden_size,
            key=f"{KEY}_hidden_size",
            **BIND,
            disabled=hidden_is_vocabulary,
        )
        num_layers = depth_slider(KEY, DEFAULTS.num_layers)
        st.markdown(_("**Training**"))
        epochs = st.slider(_("Epochs"), 10, MAX_SCREEN_EPOCHS, DEFAULTS.epochs, step=10, key=f"{KEY}_epochs", **BIND)
        batch_size = st.selectbox(
            _("Batch size (windows per step)"),
            BATCH_SIZES,
            format_func=BATCH_LABELS.get,
            key=f"{KEY}_batch_size",
            **BIND,
            help=_(
                "Full batch is the lab's choice. For long texts, mini-batches take several smaller steps per epoch."
            ),
        )
        seed = seed_input(KEY, DEFAULTS.seed)
        reset_note()
    return dict(
        text=text,
        sequence_length=sequence_length,
        cell=cell,
        hidden_is_vocabulary=hidden_is_vocabulary,
        hidden_size=hidden_size,
        num_layers=num_layers,
        learning_rate=steered_learning_rate(KEY, DEFAULTS.learning_rate),
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
    )


def described_settings(values: dict) -> LongSequenceSettings:
    """What the intro describes: the run's settings once there is a run (until Reset starts another), else the
    sidebar's, or the defaults while the sidebar's are wrong (the message follows under the title)."""
    previous = current_run(KEY)
    if previous is not None:
        return previous.settings
    try:
        return LongSequenceSettings(**values)
    except InputError:
        return DEFAULTS


def build(settings: LongSequenceSettings) -> LiveRun[LongSequenceRun]:
    sessions, logs = screen(KEY).build(settings)  # as a saved run is rebuilt
    task = settings.task()
    model_config = settings.model_config(task)
    probe_windows = probe_indices(task.windows, task.sequence_length, model_config)
    estimate = sessions["model"].check_budget(
        size_settings=N_("the hidden size, the depth, the sequence length or the text"), epochs_setting=N_("Epochs")
    )
    bundle = LongSequenceRun(
        task, model_config, logs["model"], tuple(int(i) for i in probe_windows), window_limits(task)
    )
    return LiveRun(settings, sessions, estimate, bundle)


def draw_live(run: LiveRun[LongSequenceRun]) -> None:
    """Everything that moves while the run plays (inside the page's live fragment), at one moment: the epoch control's
    (the epoch the run stands at, while it plays or until the learner moves the control)."""
    top = st.container()  # the summary, drawn once the epoch control below has said which epoch is shown
    st.subheader(_("The sentence read back"))
    windows_table(run.screen.task, KEY)
    read_back = st.container()
    snapshot = epoch_control(KEY, run, moment_history(run))
    moment_note(run, snapshot)
    now = read_back_now(run, snapshot)
    with top:
        summary(run, LEARNING_RATES, now)
    with read_back:
        live_read_back(run, now)
        readback_curves(run, KEY, now, ghost_controls(KEY, run, LABELS))
    inside_section(run, snapshot, KEY)
    long_sequence_influence(run, snapshot, KEY)  # which input drove each output
    readback_details(run, snapshot, now, KEY)
    st.session_state[f"{KEY}_moment"] = snapshot.epoch
    outside_follows(KEY, snapshot.epoch, run.playing)


with linked_settings(KEY, DEFAULTS, LEARNING_RATES, labels={"batch_size": BATCH_LABELS}, setting_labels=LABELS):
    values = settings_sidebar()
page_setup(_("Long sequences: learning a sentence through sliding windows"), intro(described_settings(values)))
st.markdown(note_link(*screen(KEY).notes))
settings = None
with learner_errors():
    settings = LongSequenceSettings(**values)
page_runs(KEY)
finish_the_epoch(current_run(KEY))
run = drive(KEY, settings, build, draw_live, LEARNING_RATES, LABELS, DISPLAY_KEYS)
if run is not None:
    moment = moment_history(run).snapshot_at(st.session_state.get(f"{KEY}_moment", run.epoch))
    if run.playing:
        st.caption(
            _(
                "The two sections below show the network as it was after epoch {epoch}; they follow when it pauses."
            ).format(epoch=moment.epoch)
        )
    with learner_errors():
        model = moment_model(run, moment)
        neuron_section(run, KEY, model, moment.epoch)
        generation_section(run, KEY, model, moment.epoch)
    outside_drawn(KEY, moment.epoch)
save_or_load(KEY, build, LEARNING_RATES, DISPLAY_KEYS)
code_section(run, settings)
