"""HiHello: a character-level RNN learns to say "hihello", one next character at a time."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import figures
from core.cell_math import CELL_NAMES
from core.hihello import MAX_HIDDEN, READOUTS, HiHelloSettings
from core.models import SequenceModel
from core.objectives import probabilities
from core.session import TrainingSession
from core.text import describe
from core.training import learning_rates
from ui.common import chart, learner_errors, page_setup
from ui.live import LiveRun, drive, epoch_control
from ui.training_views import gradient_views, inside_the_network, learning_curves

KEY = "hihello"
DEFAULTS = HiHelloSettings()
LEARNING_RATES = learning_rates(0.001, 10.0)
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

page_setup(
    "HiHello: predict the next character",
    'The seed lab: the network reads "hihell" one character at a time, each as a one-hot vector, and at every '
    'step must say which character comes next, so the target is "ihello". It starts playing at once: watch the '
    "loss fall and the predictions change. **Pause** to look inside, **Step** one epoch at a time, or change "
    "the learning rate while it trains.",
)


def settings_sidebar() -> HiHelloSettings | None:
    """The sidebar controls, keyed by the settings' field names; None (with a message) when they are wrong."""
    with st.sidebar:
        st.markdown("**What to learn**")
        word = st.text_input("Word to learn (2–40 characters)", DEFAULTS.word, key=f"{KEY}_word", max_chars=500)
        target = st.text_input(
            "Custom target (optional)",
            DEFAULTS.target,
            key=f"{KEY}_target",
            help="Leave empty to predict the next character. Otherwise one target character per input character, "
            "from the word's own letters.",
        )
        st.markdown("**The network**")
        cell = st.selectbox("Cell type", list(CELL_NAMES), format_func=CELL_NAMES.get, key=f"{KEY}_cell")
        readout = st.radio("Output", list(READOUTS), format_func=READOUT_LABELS.get, key=f"{KEY}_readout")
        hidden_size = st.slider("Hidden size", 1, MAX_HIDDEN, DEFAULTS.hidden_size, key=f"{KEY}_hidden_size")
        num_layers = st.slider("Depth (stacked layers)", 1, 4, DEFAULTS.num_layers, key=f"{KEY}_num_layers")
        nonlinearity = st.radio("Nonlinearity (RNN only)", ["tanh", "relu"], horizontal=True, key=f"{KEY}_nonlinearity")
        st.markdown("**Training**")
        epochs = st.slider("Epochs", 10, 1000, DEFAULTS.epochs, step=10, key=f"{KEY}_epochs")
        seed = st.number_input(
            "Seed",
            0,
            10_000,
            DEFAULTS.seed,
            key=f"{KEY}_seed",
            help="The seed draws the initial weights. Try 0: the lab's own seed gets stuck.",
        )
        st.caption("Changes here start a new run: press **Reset** above the charts.")
    settings = None
    with learner_errors():
        settings = HiHelloSettings(
            word=word,
            target=target,
            readout=readout,
            hidden_size=hidden_size,
            num_layers=num_layers,
            cell=cell,
            nonlinearity=nonlinearity,
            learning_rate=st.session_state.get(f"{KEY}_learning_rate", DEFAULTS.learning_rate),
            epochs=epochs,
            seed=seed,
        )
    return settings


def build(settings: HiHelloSettings) -> LiveRun:
    task = settings.task()
    model_config = settings.model_config(task)
    session = TrainingSession(lambda: SequenceModel(model_config), settings.data(task), settings.train_config())
    estimate = session.check_budget(size_settings="the hidden size, the depth or the word")
    return LiveRun(settings, {"model": session}, estimate, extra=dict(task=task, model_config=model_config))


def notes_on_settings(run: LiveRun) -> None:
    """Say which controls had no effect, so a learner is not left guessing."""
    settings, model_config = run.settings, run.extra["model_config"]
    if settings.cell != "rnn" and settings.nonlinearity != "tanh":
        st.info("The nonlinearity choice applies to the plain RNN only; LSTM and GRU have their own fixed gates.")
    if not model_config.linear_head:
        sizes = model_config.layer_sizes
        below = (
            f"; the hidden size ({settings.hidden_size}) sizes the layers below it"
            if len(sizes) > 1
            else f"; the hidden size slider ({settings.hidden_size}) does not apply with one layer"
        )
        st.caption(f"Output read directly from the top layer: it has one unit per character ({sizes[-1]}){below}.")


def outcome(run: LiveRun) -> None:
    """Where the run stands, in numbers and one sentence computed from them."""
    history, task = run.history, run.extra["task"]
    columns = st.columns(4)
    if not history.records:
        columns[0].metric("Prediction", "—", help="No epoch trained yet: press Play or Step.")
        columns[1].metric("Target", task.target_text)
        columns[2].metric("Accuracy", "—")
        columns[3].metric("Loss", "—")
        st.caption("Before training: the charts show the initial weights (epoch 0).")
        return
    last = history.records[-1]
    predicted = task.vocabulary.decode(last.predictions[0])
    columns[0].metric(f"Prediction after epoch {last.epoch}", predicted)
    columns[1].metric("Target", task.target_text)
    columns[2].metric("Accuracy", f"{100 * last.accuracy:.0f}%")
    columns[3].metric("Loss", f"{last.loss:.4f}", help=f"{len(history.records)} epochs in {history.seconds:.2f} s")
    if history.stopped:
        st.warning(history.stopped.reason)
    elif predicted == task.target_text:
        st.success(f"The network says '{predicted}': it learned the sequence.")
    elif run.finished:
        st.info(
            f"The network says '{predicted}' instead of '{task.target_text}'. Try more epochs, "
            "another seed or a linear output layer: some starting weights get stuck."
        )
    else:
        st.caption(f"Still learning: '{predicted}' so far, against '{task.target_text}'.")


def predictions_table(run: LiveRun) -> None:
    task, rows = run.extra["task"], []
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


def draw_live(run: LiveRun) -> None:
    """Everything that moves while the run plays (inside the page's live fragment)."""
    history, task = run.history, run.extra["task"]
    outcome(run)
    st.subheader("Learning curves")
    learning_curves(history, key=KEY, total_epochs=run.total_epochs)
    predictions_table(run)

    st.subheader("Inside the network")
    snapshot = epoch_control(KEY, run)
    step_labels = [f"{t}: {describe(c)}" for t, c in enumerate(task.input_text)]
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


def pairs(run: LiveRun) -> None:
    task = run.extra["task"]
    with st.expander("The training pairs: input → target", expanded=False):
        st.dataframe(
            pd.DataFrame(
                {
                    "step": range(len(task.pairs)),
                    "input": [describe(a) for a, _ in task.pairs],
                    "target": [describe(b) for _, b in task.pairs],
                }
            ),
            hide_index=True,
            key=f"{KEY}_pairs",
        )


settings = settings_sidebar()
run = drive(KEY, settings, build, draw_live, LEARNING_RATES, LABELS)
if run is not None:
    notes_on_settings(run)
    pairs(run)
