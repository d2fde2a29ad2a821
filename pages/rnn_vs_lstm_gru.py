"""RNN vs LSTM/GRU: the same task, data, seed and budget on the three cells."""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd
import streamlit as st

from core import comparison_figures as cf
from core.comparison import (
    CELL_NAMES,
    TASKS,
    ComparisonSettings,
    compare,
    gap_sweep,
    gate_saturation,
    gradient_reach,
    reading,
    sweep_reading,
)
from core.training import EpochRecord
from ui.common import chart, learner_errors, page_setup
from ui.training_views import store_run, stored_run

KEY = "compare"
DEFAULTS = ComparisonSettings()
LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.1]
SWEEP_GAPS = [1, 2, 5, 10, 15, 20, 30, 40, 50, 60, 80, 100]

page_setup(
    "RNN vs LSTM/GRU: long-term dependencies",
    "A plain RNN has to carry everything it remembers through the same squashing step, again and again; "
    "the gradient that would teach it to remember shrinks at every step back. LSTM and GRU add **gates** "
    "that let information (and gradient) pass unchanged. Here the three cells learn the same task with the "
    "same data, seed and budget. The default task: remember the first symbol of a sequence, then recall it "
    "after a gap of distractor symbols.",
)


def settings_form() -> tuple[ComparisonSettings | None, dict, bool]:
    with st.sidebar.form(f"{KEY}_form"):
        task = st.selectbox("Task", list(TASKS), format_func=TASKS.get, key=f"{KEY}_task")
        st.markdown("**Memory task**")
        gap = st.slider("Gap (distractor steps)", 1, 100, DEFAULTS.gap, key=f"{KEY}_gap")
        symbols = st.slider("Symbols to remember", 2, 26, DEFAULTS.num_symbols, key=f"{KEY}_symbols")
        distractors = st.slider("Distractor symbols", 1, 26, DEFAULTS.num_distractors, key=f"{KEY}_distractors")
        marker = st.checkbox(
            "End with a recall marker (?)",
            DEFAULTS.recall_marker,
            key=f"{KEY}_marker",
            help="A last step that says 'recall now', the same in every sequence.",
        )
        noise = st.slider("Input noise", 0.0, 1.0, DEFAULTS.noise, step=0.1, key=f"{KEY}_noise")
        st.markdown("**The cells**")
        hidden_size = st.slider("LSTM hidden size", 4, 128, DEFAULTS.hidden_size, key=f"{KEY}_hidden_size")
        match = st.checkbox(
            "Match parameter counts",
            DEFAULTS.match_parameters,
            key=f"{KEY}_match",
            help="The RNN and GRU get the hidden size that gives them as many weights as the LSTM.",
        )
        keep_bias = st.slider(
            "Keep-gate bias at start",
            0.0,
            5.0,
            DEFAULTS.keep_gate_bias,
            step=0.5,
            key=f"{KEY}_keep_bias",
            help="The LSTM's forget gate and the GRU's update gate start this open: 0 is torch's default (half "
            "open); 5 starts them near 1, so the old state is kept.",
        )
        st.markdown("**Training (same for all three)**")
        steps = st.slider("Training steps", 50, 3000, DEFAULTS.steps, step=50, key=f"{KEY}_steps")
        learning_rate = st.select_slider(
            "Learning rate (Adam)", LEARNING_RATES, DEFAULTS.learning_rate, key=f"{KEY}_learning_rate"
        )
        seed = st.number_input("Seed", 0, 10_000, DEFAULTS.seed, key=f"{KEY}_seed")
        pressed = st.form_submit_button("Train all three", type="primary", key=f"{KEY}_train")
    raw = dict(
        task=task,
        gap=gap,
        num_symbols=symbols,
        num_distractors=distractors,
        recall_marker=marker,
        noise=noise,
        hidden_size=hidden_size,
        match_parameters=match,
        keep_gate_bias=keep_bias,
        steps=steps,
        learning_rate=learning_rate,
        seed=seed,
    )
    return raw, pressed


def train(raw: dict) -> None:
    settings = ComparisonSettings(**{**asdict(DEFAULTS), **raw})
    progress = st.progress(0.0, text="Starting…")
    cells = list(CELL_NAMES)
    steps = int(settings.steps)

    def on_item(cell: str, item) -> None:
        if isinstance(item, EpochRecord) and (item.epoch % max(1, steps // 25) == 0 or item.epoch == steps):
            done = (cells.index(cell) + item.epoch / steps) / len(cells)
            progress.progress(
                done,
                text=f"Training the {CELL_NAMES[cell]} ({cells.index(cell) + 1} of 3): "
                f"step {item.epoch} of {steps}, loss {item.loss:.3f}",
            )

    task, results = compare(settings, on_item=on_item)
    progress.empty()
    store_run(KEY, raw, None, comparison=settings, task=task, results=results)


def summary(run: dict) -> None:
    task, results, settings = run["task"], run["results"], run["comparison"]
    for cell, result in results.items():
        if result.history.stopped:
            st.warning(f"{CELL_NAMES[cell]}: {result.history.stopped.reason}")
    columns = st.columns(3)
    for column, (cell, result) in zip(columns, results.items(), strict=True):
        accuracy = "n/a" if result.test_accuracy is None else f"{100 * result.test_accuracy:.0f}%"
        column.metric(f"{CELL_NAMES[cell]} accuracy", accuracy, help=f"Chance is {100 * task.chance_accuracy:.0f}%.")
    table = pd.DataFrame(
        [
            {
                "cell": CELL_NAMES[c],
                "hidden size": r.hidden_size,
                "parameters": r.parameter_count,
                "training time (s)": round(r.history.seconds, 1),
            }
            for c, r in results.items()
        ]
    )
    st.dataframe(table, hide_index=True, key=f"{KEY}_sizes")
    st.caption(f"Example sequence: `{task.probe_texts[0]}`")
    st.info(" ".join(reading(task, results, settings)))


def curves(run: dict) -> None:
    results, settings = run["results"], run["comparison"]
    loss = {c: ([x.epoch for x in r.history.records], r.history.losses) for c, r in results.items()}
    left, right = st.columns(2)
    with left:
        chart(
            cf.per_cell_lines(loss, "Training loss per step", "training step", "cross-entropy (log scale)", log_y=True),
            "Each cell saw exactly the same batches in the same order; only the cell differs.",
            key=f"{KEY}_loss",
        )
    if settings.task == "memory":
        accuracy = {
            c: (
                [x.epoch for x in r.history.records if x.validation_accuracy is not None],
                [100 * x.validation_accuracy for x in r.history.records if x.validation_accuracy is not None],
            )
            for c, r in results.items()
        }
        title = "Held-out accuracy during training"
    else:
        accuracy = {
            c: ([x.epoch for x in r.history.records], [100 * (x.accuracy or 0) for x in r.history.records])
            for c, r in results.items()
        }
        title = "Training accuracy"
    with right:
        fig = cf.per_cell_lines(accuracy, title, "training step", "correct (%)", percent=True)
        fig.update_yaxes(range=[0, 105])
        chart(fig, "A cell that cannot carry the first symbol across the gap stays near chance.", key=f"{KEY}_accuracy")


def gradients(run: dict) -> None:
    task, results = run["task"], run["results"]
    steps = list(range(len(task.step_labels)))
    trained = {c: (steps, gradient_reach(r.after_training)) for c, r in results.items()}
    initial = {c: (steps, gradient_reach(r.at_initialisation)) for c, r in results.items()}
    fig = cf.per_cell_lines(
        trained,
        "How much gradient reaches each time step",
        "time step",
        "‖∂L/∂h_t‖ ÷ ‖∂L/∂h_last‖ (log scale)",
        log_y=True,
        dashed=initial,
        dashed_label="at initialisation",
    )
    chart(
        fig,
        "The loss is measured at the last step. Reading right to left, a falling line is the gradient "
        "vanishing as it travels back: where it reaches ~0, the first symbol cannot be learned.",
        key=f"{KEY}_gradients",
    )


def gates(run: dict) -> None:
    task, results = run["task"], run["results"]
    index = 0
    if len(task.probe_texts) > 1:
        index = st.slider("Sequence", 0, len(task.probe_texts) - 1, 0, key=f"{KEY}_sequence")
    for cell in ("lstm", "gru"):
        snapshot = results[cell].after_training
        probe = snapshot.probe
        names = list(probe.gates[0])
        saturation = gate_saturation(snapshot)
        st.markdown(
            f"**{CELL_NAMES[cell]}** after {snapshot.epoch} steps: share of values within 0.05 of 0 or 1: "
            + ", ".join(f"{g} {100 * v:.0f}%" for g, v in saturation.items())
        )
        panels = [(name, probe.gates[0][name][index], name in ("candidate", "new")) for name in names]
        if probe.cell_states is not None:
            panels.append(("cell state c_t", probe.cell_states[0][index], True))
        columns = st.columns(2)
        for number, (name, values, signed) in enumerate(panels):
            with columns[number % 2]:
                st.plotly_chart(
                    cf.gate_figure(values, task.step_labels, name, cell, signed),
                    width="stretch",
                    key=f"{KEY}_{cell}_{name}",
                )
    st.caption(
        "Gates near 1 pass information through, near 0 block it. An LSTM that remembers keeps its forget "
        "gate near 1 across the gap, so the cell state carries the first symbol to the end."
    )


def sweep(run: dict) -> None:
    settings = run["comparison"]
    if settings.task != "memory":
        st.caption("The gap sweep needs the memory task.")
        return
    gaps = st.multiselect("Gaps to sweep", SWEEP_GAPS, default=[5, 10, 20, 30, 40], key=f"{KEY}_gaps")
    if st.button("Run the sweep (trains 3 cells per gap)", key=f"{KEY}_run_sweep"):
        progress = st.progress(0.0)

        def on_progress(index: int, total: int, cell: str) -> None:
            progress.progress(
                (index + list(CELL_NAMES).index(cell) / 3) / total,
                text=f"Gap {sorted(gaps)[index]} ({index + 1} of {total}): training the {CELL_NAMES[cell]}",
            )

        accuracy = gap_sweep(settings, gaps, on_progress)
        progress.empty()
        run["sweep"] = (sorted(set(gaps)), accuracy)
    if "sweep" in run:
        swept, accuracy = run["sweep"]
        chart(
            cf.sweep_figure(swept, accuracy, run["task"].chance_accuracy),
            sweep_reading(swept, accuracy, run["task"].chance_accuracy),
            key=f"{KEY}_sweep_chart",
        )


raw, pressed = settings_form()
with learner_errors():
    if pressed or stored_run(KEY) is None:
        train(raw)
run = stored_run(KEY)
if run is not None:
    with learner_errors():
        if run["settings"] != raw:
            st.caption("Showing the last run; press **Train all three** to use the changed settings.")
        summary(run)
        st.subheader("Learning curves")
        curves(run)
        st.subheader("Vanishing gradients")
        gradients(run)
        st.subheader("Inside the gates")
        gates(run)
        st.subheader("Accuracy against the gap")
        sweep(run)
