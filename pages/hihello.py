"""HiHello: a character-level RNN learns to say "hihello", one next character at a time."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import figures
from core.figures import CELL_NAMES
from core.models import ModelConfig
from core.objectives import probabilities
from core.text import describe, next_character_task
from core.training import SequenceData, TrainConfig
from ui.common import chart, learner_errors, page_setup
from ui.training_views import (
    choose_snapshot,
    gradient_views,
    inside_the_network,
    learning_curves,
    store_run,
    stored_run,
    train_live,
)

KEY = "hihello"
LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
READOUTS = {
    "logits": "RNN output used directly as the scores (the lab)",
    "linear": "a linear layer on top (hidden size is free)",
}
# The lab's settings, with seed 2: with torch 2.13 the lab's own seed 0 stops at "ilello".
DEFAULTS = dict(
    word="hihello",
    target="",
    readout="logits",
    hidden_size=8,
    num_layers=1,
    cell="rnn",
    nonlinearity="tanh",
    learning_rate=0.1,
    epochs=100,
    seed=2,
)

page_setup(
    "HiHello: predict the next character",
    'The seed lab: the network reads "hihell" one character at a time, each as a one-hot vector, and at every '
    'step must say which character comes next, so the target is "ihello". Press **Train** and watch the loss '
    "fall, the hidden states organise and the gradients flow.",
)


def settings_form() -> tuple[dict, bool]:
    """The sidebar form; returns the chosen settings and whether Train was pressed."""
    with st.sidebar.form(f"{KEY}_form"):
        st.markdown("**What to learn**")
        word = st.text_input("Word to learn (2–40 characters)", DEFAULTS["word"], key=f"{KEY}_word", max_chars=500)
        target = st.text_input(
            "Custom target (optional)",
            DEFAULTS["target"],
            key=f"{KEY}_target",
            help="Leave empty to predict the next character. Otherwise one target character per input character, "
            "from the word's own letters.",
        )
        st.markdown("**The network**")
        cell = st.selectbox("Cell type", list(CELL_NAMES), format_func=CELL_NAMES.get, key=f"{KEY}_cell")
        readout = st.radio("Output", list(READOUTS), format_func=READOUTS.get, key=f"{KEY}_readout")
        hidden_size = st.slider("Hidden size", 1, 64, DEFAULTS["hidden_size"], key=f"{KEY}_hidden_size")
        num_layers = st.slider("Depth (stacked layers)", 1, 4, DEFAULTS["num_layers"], key=f"{KEY}_num_layers")
        nonlinearity = st.radio("Nonlinearity (RNN only)", ["tanh", "relu"], horizontal=True, key=f"{KEY}_nonlinearity")
        st.markdown("**Training**")
        learning_rate = st.select_slider(
            "Learning rate (Adam)", LEARNING_RATES, value=DEFAULTS["learning_rate"], key=f"{KEY}_learning_rate"
        )
        epochs = st.slider("Epochs", 10, 1000, DEFAULTS["epochs"], step=10, key=f"{KEY}_epochs")
        seed = st.number_input(
            "Seed",
            0,
            10_000,
            DEFAULTS["seed"],
            key=f"{KEY}_seed",
            help="The seed draws the initial weights. Try 0: the lab's own seed gets stuck.",
        )
        pressed = st.form_submit_button("Train", type="primary", key=f"{KEY}_train")
    settings = dict(
        word=word,
        target=target,
        readout=readout,
        hidden_size=hidden_size,
        num_layers=num_layers,
        cell=cell,
        nonlinearity=nonlinearity,
        learning_rate=learning_rate,
        epochs=epochs,
        seed=seed,
    )
    return settings, pressed


def train(settings: dict) -> None:
    task = next_character_task(settings["word"], settings["target"] or None)
    model_config = ModelConfig(
        input_size=task.vocabulary.size,
        output_size=task.vocabulary.size,
        hidden_size=int(settings["hidden_size"]),
        num_layers=int(settings["num_layers"]),
        cell=settings["cell"],
        nonlinearity=settings["nonlinearity"],
        linear_head=settings["readout"] == "linear",
    )
    train_config = TrainConfig(
        epochs=int(settings["epochs"]),
        learning_rate=float(settings["learning_rate"]),
        seed=int(settings["seed"]),
        snapshot_every=max(1, int(settings["epochs"]) // 20),
    )
    data = SequenceData(task.inputs, task.targets, "classify_each_step")
    history = train_live(model_config, data, train_config, label=f"Training on '{task.input_text}'")
    store_run(KEY, settings, history, task=task, model_config=model_config)


def notes_on_settings(run: dict) -> None:
    """Say which controls had no effect, so a learner is not left guessing."""
    settings, model_config = run["settings"], run["model_config"]
    if settings["cell"] != "rnn" and settings["nonlinearity"] != "tanh":
        st.info("The nonlinearity choice applies to the plain RNN only; LSTM and GRU have their own fixed gates.")
    if not model_config.linear_head:
        sizes = model_config.layer_sizes
        below = (
            f"; the hidden size ({settings['hidden_size']}) sizes the layers below it"
            if len(sizes) > 1
            else (f"; the hidden size slider ({settings['hidden_size']}) does not apply with one layer")
        )
        st.caption(f"Output read directly from the top layer: it has one unit per character ({sizes[-1]}){below}.")


def show_results(run: dict) -> None:
    history, task = run["history"], run["task"]
    vocabulary = task.vocabulary
    step_labels = [f"{t}: {describe(c)}" for t, c in enumerate(task.input_text)]
    if history.stopped:
        st.warning(history.stopped.reason)
    notes_on_settings(run)
    if history.records:
        last = history.records[-1]
        predicted = vocabulary.decode(last.predictions[0])
        columns = st.columns(4)
        columns[0].metric("Prediction after training", predicted)
        columns[1].metric("Target", task.target_text)
        columns[2].metric("Accuracy", f"{100 * last.accuracy:.0f}%")
        columns[3].metric(
            "Final loss", f"{last.loss:.4f}", help=f"{len(history.records)} epochs in {history.seconds:.2f} s"
        )
        if predicted == task.target_text:
            st.success(f"The network says '{predicted}': it learned the sequence.")
        else:
            st.info(
                f"The network says '{predicted}' instead of '{task.target_text}'. Try more epochs, "
                "another seed or a linear output layer: some starting weights get stuck."
            )

    st.subheader("Learning curves")
    learning_curves(history, key=KEY)

    st.subheader("What the network predicts")
    pairs, table = st.columns([1, 3])
    with pairs:
        st.markdown("**Input → target**")
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
    with table:
        st.markdown("**Prediction at each epoch** (✗ marks a wrong character)")
        rows = []
        for record in history.records:
            text = vocabulary.decode(record.predictions[0])
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
        st.dataframe(pd.DataFrame(rows), hide_index=True, height=250, key=f"{KEY}_predictions")

    st.subheader("Inside the network")
    snapshot = choose_snapshot(history, KEY)
    class_labels = [describe(c) for c in vocabulary.characters]
    chart(
        figures.probabilities_figure(
            probabilities(snapshot.probe.outputs[0]), step_labels, class_labels, snapshot.epoch
        ),
        "Before training every character is about equally likely; as it learns, one row lights up per column: the "
        "predicted next character.",
        key=f"{KEY}_probabilities",
    )
    inside_the_network(snapshot, step_labels, KEY)

    st.subheader("Gradients")
    gradient_views(history, snapshot, step_labels, KEY)


settings, pressed = settings_form()
with learner_errors():
    if pressed or stored_run(KEY) is None:
        train(settings)
# A bad input above shows its message and leaves the previous run on screen.
run = stored_run(KEY)
if run is not None:
    with learner_errors():
        if run["settings"] != settings:
            st.caption("Showing the last run; press **Train** to use the changed settings.")
        show_results(run)
