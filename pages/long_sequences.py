"""Long sequences: a sentence cut into sliding windows; a stacked RNN learns to read it back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core import figures, sequence_figures
from core.cell_math import CELL_NAMES
from core.long_sequences import BATCH_SIZES, MAX_HIDDEN, LongSequenceSettings
from core.objectives import probabilities
from core.probes import probe_indices
from core.text import describe
from core.training import Snapshot, learning_rates
from core.windows import (
    MAX_GENERATED,
    MAX_SEQUENCE_LENGTH,
    MAX_TEXT_LENGTH,
    MIN_SEQUENCE_LENGTH,
    generate,
    marked_lines,
    read_back_session,
    unit_activations,
)
from ui.common import chart, learner_errors, page_setup
from ui.live import LiveRun, drive, epoch_control
from ui.training_views import gradient_views, inside_the_network, learning_rate_marks

KEY = "longseq"
DEFAULTS = LongSequenceSettings()
LEARNING_RATES = learning_rates(0.001, 1.0)
LABELS = {
    "text": "the text",
    "sequence_length": "the sequence length",
    "cell": "the cell type",
    "hidden_is_vocabulary": "hidden size = vocabulary",
    "hidden_size": "the hidden size",
    "num_layers": "the depth",
    "epochs": "the epochs",
    "batch_size": "the batch size",
    "seed": "the seed",
}
# Controls that only change what is shown; a new run starts them afresh.
DISPLAY_KEYS = ["neuron_layer", "neuron_unit", "window", "layer", "prompt"]

page_setup(
    "Long sequences: learning a sentence through sliding windows",
    "The seed's second lab. A sentence is cut into every **window** of `sequence length` characters; each window "
    "must predict the same window shifted by one character. A 2-layer RNN with a linear layer on top learns all "
    "windows at once. Then it **reads the sentence back**: the first window's prediction, plus the one new "
    "character that every later window predicts. Training starts at once; watch the sentence appear.",
)


def settings_sidebar() -> LongSequenceSettings | None:
    """The sidebar controls, keyed by the settings' field names; None (with a message) when they are wrong."""
    with st.sidebar:
        st.markdown("**What to learn**")
        text = st.text_area(
            f"Text to learn (at most {MAX_TEXT_LENGTH:,} characters)",
            DEFAULTS.text,
            height=150,
            max_chars=2 * MAX_TEXT_LENGTH,
            key=f"{KEY}_text",
            help="Any language works, Korean too. It needs at least sequence length + 1 characters.",
        )
        sequence_length = st.slider(
            "Sequence length (characters per window)",
            MIN_SEQUENCE_LENGTH,
            MAX_SEQUENCE_LENGTH,
            DEFAULTS.sequence_length,
            key=f"{KEY}_sequence_length",
        )
        st.markdown("**The network**")
        cell = st.selectbox("Cell type", list(CELL_NAMES), format_func=CELL_NAMES.get, key=f"{KEY}_cell")
        hidden_is_vocabulary = st.checkbox(
            "Hidden size = vocabulary size (the lab)", DEFAULTS.hidden_is_vocabulary, key=f"{KEY}_hidden_is_vocabulary"
        )
        hidden_size = st.slider(
            "Hidden size (when not tied to the vocabulary)",
            2,
            MAX_HIDDEN,
            DEFAULTS.hidden_size,
            key=f"{KEY}_hidden_size",
            disabled=hidden_is_vocabulary,
        )
        num_layers = st.slider("Depth (stacked layers)", 1, 4, DEFAULTS.num_layers, key=f"{KEY}_num_layers")
        st.markdown("**Training**")
        epochs = st.slider("Epochs", 10, 1000, DEFAULTS.epochs, step=10, key=f"{KEY}_epochs")
        batch_size = st.selectbox(
            "Batch size (windows per step)",
            BATCH_SIZES,
            format_func=lambda b: "all windows (full batch)" if b == 0 else str(b),
            key=f"{KEY}_batch_size",
            help="Full batch is the lab's choice. For long texts, mini-batches take several smaller steps per epoch.",
        )
        seed = st.number_input("Seed", 0, 10_000, DEFAULTS.seed, key=f"{KEY}_seed", help="Draws the initial weights.")
        st.caption("Changes here start a new run: press **Reset** above the charts.")
    settings = None
    with learner_errors():
        settings = LongSequenceSettings(
            text=text,
            sequence_length=sequence_length,
            cell=cell,
            hidden_is_vocabulary=hidden_is_vocabulary,
            hidden_size=hidden_size,
            num_layers=num_layers,
            learning_rate=st.session_state.get(f"{KEY}_learning_rate", DEFAULTS.learning_rate),
            epochs=epochs,
            batch_size=batch_size,
            seed=seed,
        )
    return settings


def build(settings: LongSequenceSettings) -> LiveRun:
    task = settings.task()
    model_config = settings.model_config(task)
    probe_windows = probe_indices(task.windows, task.sequence_length, model_config)
    session, log = read_back_session(task, model_config, settings.train_config(), probe_windows)
    estimate = session.check_budget(
        size_settings="the hidden size, the depth, the sequence length or the text", epochs_setting="Epochs"
    )
    extra = dict(task=task, model_config=model_config, log=log, probe_windows=probe_windows)
    return LiveRun(settings, {"model": session}, estimate, extra=extra)


def summary(run: LiveRun) -> None:
    history, task, log, model_config = run.history, run.extra["task"], run.extra["log"], run.extra["model_config"]
    columns = st.columns(4)
    columns[0].metric(
        "Sentence read back right", f"{100 * log.accuracy[-1]:.1f}%" if log.epochs else "—",
        help=f"after epoch {log.epochs[-1]}" if log.epochs else "no epoch trained yet",
    )  # fmt: skip
    columns[1].metric("Windows", task.windows, help=f"{len(task.text)} characters − {task.sequence_length}")
    columns[2].metric("Vocabulary", task.vocabulary.size, help="distinct characters = inputs and outputs")
    columns[3].metric(
        "Loss", f"{history.losses[-1]:.4f}" if history.records else "—",
        help=f"{len(history.records)} epochs in {history.seconds:.2f} s",
    )  # fmt: skip
    st.caption(
        f"Model: {model_config.num_layers} × {CELL_NAMES[model_config.cell]} layer(s) of {model_config.hidden_size} "
        f"units{' (= vocabulary size)' if run.settings.hidden_is_vocabulary else ''}, then a linear layer to "
        f"{task.vocabulary.size} character scores."
    )
    if history.stopped:
        st.warning(history.stopped.reason)
    elif log.epochs and log.accuracy[-1] >= 0.95:
        st.success("The network reads the sentence back almost perfectly.")
    elif run.finished and log.epochs:
        st.info("Not there yet: try more epochs, another seed, a larger hidden size or an LSTM/GRU cell.")


def live_read_back(run: LiveRun) -> None:
    """The sentence as the network reads it back now, in a box of fixed height so the page does not jump."""
    task, log = run.extra["task"], run.extra["log"]
    box = st.container(height=170, border=True)
    if not log.epochs:
        box.caption("The read-back appears after the first epoch.")
        return
    box.code(
        f"Read back after epoch {log.epochs[-1]}: {100 * log.accuracy[-1]:.1f}% right (^ marks a wrong character)\n"
        + marked_lines(task.vocabulary.decode(log.ids[-1]), task.target_text),
        language=None,
    )


def windows_table(task) -> None:
    first = [task.window(i) for i in range(min(3, task.windows))]
    st.dataframe(
        pd.DataFrame(
            {
                "window": range(len(first)),
                "input (what it reads)": [a for a, _ in first],
                "target (shifted by one)": [b for _, b in first],
            }
        ),
        hide_index=True,
        key=f"{KEY}_windows",
    )


def readback_curves(run: LiveRun) -> None:
    """Loss and read-back accuracy per epoch: line charts, cheap enough to redraw at every tick."""
    history, log = run.history, run.extra["log"]
    left, right = st.columns(2)
    epochs = [r.epoch for r in history.records]
    with left:
        chart(
            figures.mark_changes(
                figures.loss_figure(epochs, history.losses), learning_rate_marks(history), run.total_epochs
            ),
            "The loss falls as the windows are learned; on a log scale a flat stretch means it is stuck.",
            key=f"{KEY}_loss",
        )
    with right:
        chart(
            figures.mark_changes(
                sequence_figures.readback_accuracy_figure(log.epochs, log.accuracy, history.accuracies),
                x_max=run.total_epochs,
            ),
            "The read-back sentence uses the end of every window, where the network has the most context, so it "
            "usually scores higher than all window positions together.",
            key=f"{KEY}_accuracy",
        )


def readback_details(run: LiveRun, snapshot: Snapshot) -> None:
    """The read-back character by character, over all epochs, and per window position (drawn while paused:
    they hold a cell per character and epoch, too heavy to redraw several times a second)."""
    task, log = run.extra["task"], run.extra["log"]
    st.subheader("The sentence read back, epoch by epoch")
    if run.playing:
        st.caption("The read-back per character, over all epochs and per window position: pause to see them.")
        return
    epoch = snapshot.epoch
    if epoch in log.epochs:
        chart(
            sequence_figures.readback_figure(log.text_at(task, epoch), task.target_text, epoch),
            "Move the epoch: early on the network repeats the commonest characters; the sentence appears piece by "
            "piece. Hover a cell to see what it should have been.",
            key=f"{KEY}_readback",
        )
    else:
        st.caption("Epoch 0 is before training: there is no read-back yet. Move the epoch control above.")
    if not log.epochs:
        return
    chart(
        sequence_figures.readback_overview_figure(
            log.epochs, np.stack(log.ids), task.vocabulary.encode(task.target_text), task.vocabulary.characters
        ),
        "Each row is the whole sentence at one epoch: the vermillion fades from top to bottom as training goes. "
        "Characters that stay wrong longest are the ones whose context repeats elsewhere in the text.",
        key=f"{KEY}_overview",
    )
    with st.expander("Every epoch's read-back as a table"):
        target_ids = np.asarray(task.vocabulary.encode(task.target_text))
        table = {
            "epoch": log.epochs,
            "right (%)": np.round(100 * np.asarray(log.accuracy), 1),
            "wrong characters": [int(np.sum(ids != target_ids)) for ids in log.ids],
            "read back": [task.vocabulary.decode(ids) for ids in log.ids],
        }
        st.dataframe(pd.DataFrame(table), hide_index=True, height=300, key=f"{KEY}_readback_table")

    st.subheader("Accuracy per position inside the window")
    chart(
        sequence_figures.position_accuracy_figure(log.epochs, np.stack(log.position_accuracy)),
        "At position 1 the network has read a single character, so a character followed by different letters in "
        "different places cannot be predicted; with more of the window read, the context decides.",
        key=f"{KEY}_positions",
    )


def draw_live(run: LiveRun) -> None:
    """Everything that moves while the run plays (inside the page's live fragment)."""
    summary(run)
    st.subheader("The sentence read back")
    windows_table(run.extra["task"])
    live_read_back(run)
    readback_curves(run)
    snapshot = epoch_control(KEY, run)
    inside_section(run, snapshot)
    readback_details(run, snapshot)


def inside_section(run: LiveRun, snapshot: Snapshot) -> None:
    history, task = run.history, run.extra["task"]
    probe_windows = [int(i) for i in run.extra["probe_windows"]]
    st.subheader("Inside one window")
    window = probe_windows[0]
    if len(probe_windows) > 1:
        window = st.select_slider(
            "Window to look inside (window number: its input)",
            probe_windows,
            value=probe_windows[0],
            format_func=lambda i: f"{i}: {task.window(i)[0]}",
            key=f"{KEY}_window",
        )
    if len(probe_windows) < task.windows:
        st.caption(
            f"With this model size the snapshots keep {len(probe_windows)} of the {task.windows} windows, evenly "
            "spaced, to stay within memory."
        )
    index = probe_windows.index(window)
    step_labels = [f"{t}: {describe(c)}" for t, c in enumerate(task.window(window)[0])]
    inside_the_network(snapshot, step_labels, KEY, sequence_index=index)
    chart(
        figures.probabilities_figure(
            probabilities(snapshot.probe.outputs[index]),
            step_labels,
            [describe(c) for c in task.vocabulary.characters],
            snapshot.epoch,
        ),
        "Each column is what the network expects next after reading that character; a bright single cell means "
        "it is sure. Early columns are often unsure: little of the window has been read.",
        key=f"{KEY}_probabilities",
    )

    st.subheader("Gradients")
    st.caption(
        f"The gradient per time step is measured at the epoch chosen above, over {len(probe_windows)} window(s) "
        "together; the x axis is the position inside the window."
    )
    gradient_views(history, snapshot, [f"t={t}" for t in range(task.sequence_length)], KEY)


def neuron_section(run: LiveRun) -> None:
    task, model_config = run.extra["task"], run.extra["model_config"]
    st.subheader("One neuron across the text")
    st.markdown(
        "In the style of Karpathy's *Visualizing and understanding recurrent networks*: pick one hidden unit and "
        "colour every character by that unit's activation right after the network reads it, with the weights after "
        f"epoch {run.epoch}."
    )
    left, right = st.columns(2)
    with left:
        layer = st.radio(
            "Layer",
            list(range(model_config.num_layers)),
            format_func=lambda i: f"layer {i + 1}",
            horizontal=True,
            key=f"{KEY}_neuron_layer",
        )
    size = model_config.layer_sizes[layer]
    with right:
        unit = st.slider("Hidden unit", 0, size - 1, 0, key=f"{KEY}_neuron_unit") if size > 1 else 0
    activations = run.cached(f"activations {layer}", lambda: unit_activations(run.session.model, task, layer))[:, unit]
    chart(
        sequence_figures.neuron_figure(task.text, activations, layer, unit),
        "Look for a pattern: a unit that lights up at spaces, after certain letters or inside certain words. "
        "Most units mix several jobs; try a few.",
        key=f"{KEY}_neuron",
    )


def generation_section(run: LiveRun) -> None:
    task = run.extra["task"]
    st.subheader("Generate text")
    st.markdown(
        f"Give the network (as trained after epoch {run.epoch}) a start; it predicts the next character, appends "
        f"it, and reads the last {task.sequence_length} characters again (one window, as in training), for as many "
        "characters as you ask."
    )
    st.session_state.setdefault(f"{KEY}_prompt", task.text[: task.sequence_length])
    columns = st.columns([3, 2, 2, 1])
    prompt = columns[0].text_input("Prompt (characters of the training text)", key=f"{KEY}_prompt", max_chars=200)
    length = columns[1].slider("Characters to generate", 1, min(500, MAX_GENERATED), 150, key=f"{KEY}_length")
    temperature = columns[2].slider(
        "Temperature",
        0.0,
        2.0,
        0.0,
        step=0.1,
        key=f"{KEY}_temperature",
        help="0 always takes the most likely character (the same text every time); higher values sample, taking "
        "more risks.",
    )
    seed = columns[3].number_input("Sampling seed", 0, 10_000, 0, key=f"{KEY}_sample_seed")
    with learner_errors():
        result = run.cached(
            f"generation {(prompt, length, temperature, seed)}",
            lambda: generate(
                run.session.model, task.vocabulary, prompt, length, temperature, seed, task.sequence_length
            ),
        )
        chart(
            sequence_figures.generation_figure(result.prompt, result.generated, result.confidence),
            "At temperature 0 the network recites what it learned, and may loop; raise the temperature and it "
            "sometimes picks less likely characters (orange), drifting into new, often broken, text.",
            key=f"{KEY}_generation",
        )
        st.code(result.prompt + result.generated, language=None, wrap_lines=True)


settings = settings_sidebar()
run = drive(KEY, settings, build, draw_live, LEARNING_RATES, LABELS, DISPLAY_KEYS)
if run is not None:
    if run.playing:
        st.caption(
            f"The two sections below show the network as it was after epoch {run.epoch}; they follow when it pauses."
        )
    with learner_errors():
        neuron_section(run)
        generation_section(run)
