"""HiHello: a character-level RNN learns to say "hihello", one next character at a time.

The page only: its sidebar, its layout and its live views (under 300 lines since every label and help text
is a catalogue message; the words about results are core.screens.hihello.readings and core.screens.hihello.limits)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.charts import figures
from core.engine.objectives import probabilities
from core.engine.records import Snapshot
from core.engine.settings import learning_rates
from core.reading.text import Vocabulary, describe
from core.screens.hihello import KEY
from core.screens.hihello.limits import ceiling_note, hidden_size_unused, nonlinearity_unused
from core.screens.hihello.readings import outcome_of, read_outcome
from core.screens.hihello.settings import (
    EPOCHS_RANGE,
    EPOCHS_STEP,
    LEARNING_RATE_RANGE,
    MAX_DEPTH,
    MAX_HIDDEN,
    READOUTS,
    SEEDS_OFFERED,
    HiHelloRun,
    HiHelloSettings,
    intro,
)
from core.screens.registry import screen
from core.words.errors import InputError
from core.words.i18n import N_, _, ngettext
from core.words.notes import note_link
from ui.common import chart, learner_errors, markdown_literal, page_setup, start_page
from ui.controls import BIND, cell_select, depth_slider, reset_note, seed_input, steered_learning_rate
from ui.ghost import ghost_controls
from ui.influence_views import influence_view
from ui.links import linked_settings
from ui.live import LiveRun, current_run, drive, epoch_control
from ui.one_step_views import one_step_section
from ui.run_code_views import code_section
from ui.run_file_views import save_or_load
from ui.seeds_views import several_seeds
from ui.training_views import (
    current_snapshot,
    finish_the_epoch,
    gradient_views,
    inside_the_network,
    learning_curves,
    moment_history,
    moment_note,
)
from ui.what_if_views import hihello_what_if

start_page()  # before any word: it sets this run's language

DEFAULTS = HiHelloSettings()
LEARNING_RATES = learning_rates(*LEARNING_RATE_RANGE)
# In this run's language (a page runs top to bottom after start_page() at every rerun); nothing here is stored.
READOUT_LABELS = {
    "logits": _("RNN output used directly as the scores (the lab)"),
    "linear": _("a linear layer on top (hidden size is free)"),
}
LABELS = {
    "word": _("the word"),
    "target": _("the custom target"),
    "readout": _("the output"),
    "hidden_size": _("the hidden size"),
    "num_layers": _("the depth"),
    "cell": _("the cell type"),
    "nonlinearity": _("the nonlinearity"),
    "epochs": _("the epochs"),
    "seed": _("the seed"),
}


def sidebar_values() -> dict:
    """The sidebar controls, keyed by the settings' field names. A control that cannot change the run at these
    settings is disabled, and says why."""
    with st.sidebar:
        st.markdown(_("**What to learn**"))
        word = st.text_input(
            _("Word to learn (2–40 characters)"), DEFAULTS.word, key=f"{KEY}_word", max_chars=500, **BIND
        )
        target = st.text_input(
            _("Custom target (optional)"),
            DEFAULTS.target,
            key=f"{KEY}_target",
            **BIND,
            help=_(
                "Leave empty to predict the next character. Otherwise one target character per input character, "
                "from the word's own letters."
            ),
        )
        st.markdown(_("**The network**"))
        cell = cell_select(KEY, DEFAULTS.cell)
        readout = st.radio(_("Output"), list(READOUTS), format_func=READOUT_LABELS.get, key=f"{KEY}_readout", **BIND)
        num_layers = depth_slider(KEY, DEFAULTS.num_layers, MAX_DEPTH)
        unused = hidden_size_unused(readout, num_layers, Vocabulary.from_text(word).size if word else None)
        hidden_size = st.slider(
            _("Hidden size"),
            1,
            MAX_HIDDEN,
            DEFAULTS.hidden_size,
            key=f"{KEY}_hidden_size",
            **BIND,
            disabled=bool(unused),
            help=unused,
        )
        if unused:
            st.caption(unused)
        unused = nonlinearity_unused(cell)
        nonlinearity = st.radio(
            _("Nonlinearity (RNN only)"),
            ["tanh", "relu"],
            horizontal=True,
            key=f"{KEY}_nonlinearity",
            **BIND,
            disabled=bool(unused),
            help=unused,
        )
        st.markdown(_("**Training**"))
        epochs = st.slider(_("Epochs"), *EPOCHS_RANGE, DEFAULTS.epochs, step=EPOCHS_STEP, key=f"{KEY}_epochs", **BIND)
        seed = seed_input(
            KEY,
            DEFAULTS.seed,
            _("The seed draws the initial weights. Try 0: the lab's own seed gets stuck."),
            SEEDS_OFFERED,
        )
        reset_note()
    return dict(
        word=word,
        target=target,
        readout=readout,
        hidden_size=hidden_size,
        num_layers=num_layers,
        cell=cell,
        nonlinearity=nonlinearity,
        learning_rate=steered_learning_rate(KEY, DEFAULTS.learning_rate),
        epochs=epochs,
        seed=seed,
    )


def opening(values: dict) -> None:
    """Title and introduction, about the run on screen (or the one these settings are about to start)."""
    shown = current_run(KEY)
    try:
        about = shown.settings if shown is not None else HiHelloSettings(**values)
    except InputError:
        about = DEFAULTS
    page_setup(
        _("HiHello: predict the next character"),
        markdown_literal(intro(about))
        + " "
        + _(
            "It starts playing at once: watch the loss fall and the predictions change. **Pause** to look inside, "
            "**Step** one epoch at a time, or change the learning rate while it trains."
        ),
    )
    st.markdown(note_link(*screen(KEY).notes))


def checked(values: dict) -> HiHelloSettings | None:
    """The settings, or None (with the learner's message) when they make no sense."""
    settings = None
    with learner_errors():
        settings = HiHelloSettings(**values)
    return settings


def build(settings: HiHelloSettings) -> LiveRun[HiHelloRun]:
    sessions, _logs = screen(KEY).build(settings)  # as a saved run is rebuilt
    estimate = sessions["model"].check_budget(size_settings=N_("the hidden size, the depth or the word"))
    task = settings.task()
    return LiveRun(settings, sessions, estimate, HiHelloRun(task, settings.model_config(task)))


def outcome(run: LiveRun[HiHelloRun], snapshot: Snapshot) -> None:
    """Where the run stands at the epoch shown (``snapshot``: the epoch control's), in numbers and in sentences
    computed from them (core.screens.hihello.readings): every number from the weights after that epoch."""
    history, task = run.history, run.screen.task
    state = outcome_of(task, history, run.finished, snapshot)
    reading = read_outcome(run.settings, state)
    columns = st.columns(4)
    trained = ngettext("{count} epoch in {seconds:.2f} s", "{count} epochs in {seconds:.2f} s", run.epoch).format(
        count=run.epoch, seconds=history.seconds
    )
    if state.epoch == 0:  # before training: the charts show the initial weights; there is no prediction to speak of
        columns[0].metric(_("Prediction"), "—", help=_("No epoch trained yet: press Play or Step."))
        columns[1].metric(_("Target"), task.target_text)
        columns[2].metric(_("Accuracy"), "—")
        columns[3].metric(_("Loss"), "—")
    else:
        measured = _("At the weights after epoch {epoch}.").format(epoch=state.epoch)
        curve = _("The loss curve's point at epoch {epoch} was measured during that epoch, before its update.").format(
            epoch=state.epoch
        )
        prediction = _("Prediction after epoch {epoch}").format(epoch=state.epoch)
        columns[0].metric(prediction, state.predicted or "—", help=measured)
        columns[1].metric(_("Target"), task.target_text)
        accuracy = f"{100 * state.right / len(task.target_text):.0f}%" if state.right is not None else "—"
        columns[2].metric(_("Accuracy"), accuracy, help=measured)
        loss = f"{state.probe_loss:.4f}" if state.probe_loss is not None else "—"
        columns[3].metric(_("Loss"), loss, help=f"{measured} {curve} {trained}")
    show = {"stopped": st.warning, "learned": st.success, "stuck": st.info}.get(reading.state, st.caption)
    show(markdown_literal(reading.sentence))
    note = ceiling_note(run.settings, state)
    if note:
        st.info(markdown_literal(note))


def predictions_table(run: LiveRun[HiHelloRun], now: Snapshot | None) -> None:
    """The prediction after each epoch, newest first. HiHello trains on its one sequence in one step per epoch, so
    epoch E + 1's forward pass is the network after epoch E exactly: its record gives that row, and the weights now
    (``now``) give the newest."""
    task, rows = run.screen.task, []

    def row(epoch: int, text: str, loss: float) -> tuple:
        marks = "".join("✓" if p == t else "✗" for p, t in zip(text, task.target_text, strict=True))
        return epoch, text, marks, round(loss, 4), round(100 * marks.count("✓") / len(marks))

    if now is not None and now.epoch == len(run.history.records) > 0:
        state = outcome_of(task, run.history, run.finished, now)
        if state.predicted is not None and state.probe_loss is not None:
            rows.append(row(now.epoch, state.predicted, state.probe_loss))
    for record in reversed(run.history.records):  # newest first: it is the row that changes
        rows.append(row(record.epoch - 1, task.vocabulary.decode(record.predictions[0]), record.loss))
    st.markdown(
        _("**Prediction after each epoch**, newest first (✗ marks a wrong character; epoch 0: before training)")
    )
    columns = [_("epoch"), _("prediction"), _("right?"), _("loss"), _("accuracy (%)")]
    frame = pd.DataFrame(rows, columns=columns)
    st.dataframe(frame, hide_index=True, height=250, key=f"{KEY}_predictions")


def draw_live(run: LiveRun[HiHelloRun]) -> None:
    """Everything that moves while the run plays (inside the page's live fragment), at one moment: the epoch control's
    (the epoch the run stands at, while it plays or until the learner moves the control)."""
    history, task = run.history, run.screen.task
    top = st.container()  # the outcome, drawn once the epoch control below has said which epoch is shown
    one_step_section(KEY, run)  # the next optimisation step taken apart, beside Step (ui.one_step_views)
    st.subheader(_("Learning curves"))
    learning_curves(history, key=KEY, total_epochs=run.total_epochs, ghost=ghost_controls(KEY, run, LABELS))
    now = current_snapshot(run)
    predictions_table(run, now)

    st.subheader(_("Inside the network"))
    snapshot = epoch_control(KEY, run, moment_history(run))
    moment_note(run, snapshot)
    with top:
        outcome(run, snapshot)
    step_labels = [f"{t}: {describe(c)}" for t, c in enumerate(task.input_text, start=1)]  # h_1 reads the first
    class_labels = [describe(c) for c in task.vocabulary.characters]
    chart(
        figures.probabilities_figure(
            probabilities(snapshot.probe.outputs[0]), step_labels, class_labels, snapshot.epoch
        ),
        _(
            "Before training every character is about equally likely; as it learns, one row lights up per column: "
            "the predicted next character."
        ),
        key=f"{KEY}_probabilities",
    )
    inside_the_network(snapshot, step_labels, KEY, history=history, settled=not run.playing or run.mode == "replaying")

    st.subheader(_("Gradients"))
    gradient_views(history, snapshot, step_labels, KEY)
    influence_view(run, snapshot, step_labels, KEY)  # which input drove each output
    hihello_what_if(run, snapshot, step_labels, KEY)  # one weight changed by hand on a copy


def pairs(run: LiveRun[HiHelloRun]) -> None:
    task = run.screen.task
    with st.expander(_("The training pairs: input → target"), expanded=False):
        st.dataframe(
            pd.DataFrame(
                {
                    _("step"): range(1, len(task.pairs) + 1),
                    _("input"): [describe(a) for a, _b in task.pairs],
                    _("target"): [describe(b) for _a, b in task.pairs],
                }
            ),
            hide_index=True,
            key=f"{KEY}_pairs",
        )


with linked_settings(KEY, DEFAULTS, LEARNING_RATES, labels={"readout": READOUT_LABELS}, setting_labels=LABELS):
    values = sidebar_values()
opening(values)
finish_the_epoch(current_run(KEY))
run = drive(KEY, checked(values), build, draw_live, LEARNING_RATES, LABELS)
if run is not None:
    pairs(run)
    several_seeds(KEY, run, LABELS)
save_or_load(KEY, build, LEARNING_RATES)
code_section(run)
