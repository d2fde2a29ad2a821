"""HiHello: a character-level RNN learns to say "hihello", one next character at a time."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import figures
from core.errors import InputError
from core.hihello import (
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
from core.hihello_readings import ceiling_note, hidden_size_unused, nonlinearity_unused, outcome_of, read_outcome
from core.models import SequenceModel
from core.objectives import probabilities
from core.session import TrainingSession
from core.text import Vocabulary, describe
from core.training import learning_rates
from ui.common import chart, learner_errors, markdown_literal, page_setup, start_page
from ui.controls import BIND, cell_select, depth_slider, reset_note, seed_input, steered_learning_rate
from ui.links import linked_settings
from ui.live import LiveRun, current_run, drive, epoch_control
from ui.run_code_views import code_section
from ui.run_file_views import save_or_load
from ui.training_views import gradient_views, inside_the_network, learning_curves

start_page()  # before any word: it sets this run's language

KEY = "hihello"
DEFAULTS = HiHelloSettings()
LEARNING_RATES = learning_rates(*LEARNING_RATE_RANGE)
READOUT_LABELS = {
    "logits": "RNN output used directly as the scores (the lab)",
    "linear": "a linear layer on top (hidden size is free)",
}
LABELS = {
    "word": "the word",
    "target": "the custom target",
    "readout": "the output",
    "hidden_size": "the hidden size",
    "num_layers": "the depth",
    "cell": "the cell type",
    "nonlinearity": "the nonlinearity",
    "epochs": "the epochs",
    "seed": "the seed",
}


def sidebar_values() -> dict:
    """The sidebar controls, keyed by the settings' field names. A control that cannot change the run at these
    settings is disabled, and says why."""
    with st.sidebar:
        st.markdown("**What to learn**")
        word = st.text_input("Word to learn (2–40 characters)", DEFAULTS.word, key=f"{KEY}_word", max_chars=500, **BIND)
        target = st.text_input(
            "Custom target (optional)",
            DEFAULTS.target,
            key=f"{KEY}_target",
            **BIND,
            help="Leave empty to predict the next character. Otherwise one target character per input character, "
            "from the word's own letters.",
        )
        st.markdown("**The network**")
        cell = cell_select(KEY, DEFAULTS.cell)
        readout = st.radio("Output", list(READOUTS), format_func=READOUT_LABELS.get, key=f"{KEY}_readout", **BIND)
        num_layers = depth_slider(KEY, DEFAULTS.num_layers, MAX_DEPTH)
        unused = hidden_size_unused(readout, num_layers, Vocabulary.from_text(word).size if word else None)
        hidden_size = st.slider(
            "Hidden size",
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
            "Nonlinearity (RNN only)",
            ["tanh", "relu"],
            horizontal=True,
            key=f"{KEY}_nonlinearity",
            **BIND,
            disabled=bool(unused),
            help=unused,
        )
        st.markdown("**Training**")
        epochs = st.slider("Epochs", *EPOCHS_RANGE, DEFAULTS.epochs, step=EPOCHS_STEP, key=f"{KEY}_epochs", **BIND)
        seed = seed_input(
            KEY,
            DEFAULTS.seed,
            "The seed draws the initial weights. Try 0: the lab's own seed gets stuck.",
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
        "HiHello: predict the next character",
        f"{markdown_literal(intro(about))} It starts playing at once: watch the loss fall and the predictions "
        "change. **Pause** to look inside, **Step** one epoch at a time, or change the learning rate while it "
        "trains.",
    )


def checked(values: dict) -> HiHelloSettings | None:
    """The settings, or None (with the learner's message) when they make no sense."""
    settings = None
    with learner_errors():
        settings = HiHelloSettings(**values)
    return settings


def build(settings: HiHelloSettings) -> LiveRun[HiHelloRun]:
    task = settings.task()
    model_config = settings.model_config(task)
    session = TrainingSession(lambda: SequenceModel(model_config), settings.data(task), settings.train_config())
    estimate = session.check_budget(size_settings="the hidden size, the depth or the word")
    return LiveRun(settings, {"model": session}, estimate, HiHelloRun(task, model_config))


def outcome(run: LiveRun[HiHelloRun]) -> None:
    """Where the run stands, in numbers and in sentences computed from them (core.hihello_readings)."""
    history, task = run.history, run.screen.task
    state = outcome_of(task, history, run.finished)
    reading = read_outcome(run.settings, state)
    columns = st.columns(4)
    if state.predicted is None:
        columns[0].metric("Prediction", "—", help="No epoch trained yet: press Play or Step.")
        columns[1].metric("Target", task.target_text)
        columns[2].metric("Accuracy", "—")
        columns[3].metric("Loss", "—")
    else:
        last = history.records[-1]
        columns[0].metric(f"Prediction after epoch {last.epoch}", state.predicted)
        columns[1].metric("Target", task.target_text)
        columns[2].metric("Accuracy", f"{100 * last.accuracy:.0f}%")
        columns[3].metric("Loss", f"{last.loss:.4f}", help=f"{len(history.records)} epochs in {history.seconds:.2f} s")
    show = {"stopped": st.warning, "learned": st.success, "stuck": st.info}.get(reading.state, st.caption)
    show(markdown_literal(reading.sentence))
    note = ceiling_note(run.settings, state)
    if note:
        st.info(markdown_literal(note))


def predictions_table(run: LiveRun[HiHelloRun]) -> None:
    task, rows = run.screen.task, []
    for record in reversed(run.history.records):  # newest first: it is the row that changes
        text = task.vocabulary.decode(record.predictions[0])
        marks = "".join("✓" if p == t else "✗" for p, t in zip(text, task.target_text, strict=True))
        rows.append(
            {
                "epoch": record.epoch,
                "prediction": text,
                "right?": marks,
                "loss": round(record.loss, 4),
                "accuracy (%)": round(100 * record.accuracy),
            }
        )
    st.markdown("**Prediction at each epoch**, newest first (✗ marks a wrong character)")
    frame = pd.DataFrame(rows, columns=["epoch", "prediction", "right?", "loss", "accuracy (%)"])
    st.dataframe(frame, hide_index=True, height=250, key=f"{KEY}_predictions")


def draw_live(run: LiveRun[HiHelloRun]) -> None:
    """Everything that moves while the run plays (inside the page's live fragment)."""
    history, task = run.history, run.screen.task
    outcome(run)
    st.subheader("Learning curves")
    learning_curves(history, key=KEY, total_epochs=run.total_epochs)
    predictions_table(run)

    st.subheader("Inside the network")
    snapshot = epoch_control(KEY, run)
    step_labels = [f"{t}: {describe(c)}" for t, c in enumerate(task.input_text, start=1)]  # h_1 reads the first
    class_labels = [describe(c) for c in task.vocabulary.characters]
    chart(
        figures.probabilities_figure(
            probabilities(snapshot.probe.outputs[0]), step_labels, class_labels, snapshot.epoch
        ),
        "Before training every character is about equally likely; as it learns, one row lights up per column: the "
        "predicted next character.",
        key=f"{KEY}_probabilities",
    )
    inside_the_network(snapshot, step_labels, KEY, history=history, settled=not run.playing or run.mode == "replaying")

    st.subheader("Gradients")
    gradient_views(history, snapshot, step_labels, KEY)


def pairs(run: LiveRun[HiHelloRun]) -> None:
    task = run.screen.task
    with st.expander("The training pairs: input → target", expanded=False):
        st.dataframe(
            pd.DataFrame(
                {
                    "step": range(1, len(task.pairs) + 1),
                    "input": [describe(a) for a, _ in task.pairs],
                    "target": [describe(b) for _, b in task.pairs],
                }
            ),
            hide_index=True,
            key=f"{KEY}_pairs",
        )


with linked_settings(KEY, DEFAULTS, LEARNING_RATES, labels={"readout": READOUT_LABELS}):
    values = sidebar_values()
opening(values)
run = drive(KEY, checked(values), build, draw_live, LEARNING_RATES, LABELS)
if run is not None:
    pairs(run)
save_or_load(KEY, build, LEARNING_RATES)
code_section(run)
