"""RNN vs LSTM/GRU: the same task, data, seed and budget on the three cells."""

from __future__ import annotations

import dataclasses

import streamlit as st

from core.engine.budget import Budget, check_budget
from core.engine.settings import learning_rates
from core.screens.registry import screen
from core.screens.rnn_vs_lstm_gru import KEY
from core.screens.rnn_vs_lstm_gru.comparison import TASKS, ComparisonSettings, build_task
from core.screens.rnn_vs_lstm_gru.tasks import MAX_GAP, MIN_GAP
from core.words.i18n import N_, _
from core.words.notes import note_link
from ui.common import learner_errors, page_setup, start_page
from ui.comparison_views import ComparisonRun, curves, gates, gradients, influence, summary, sweep
from ui.controls import BIND, reset_note, seed_input, steered_learning_rate
from ui.ghost import ghost_controls
from ui.links import linked_settings
from ui.live import LiveRun, drive
from ui.run_code_views import code_section
from ui.run_file_views import save_or_load
from ui.seeds_views import several_seeds
from ui.training_views import outside_drawn, outside_follows, page_runs
from ui.what_if_views import comparison_what_if

start_page()  # before any word: it sets this run's language

DEFAULTS = ComparisonSettings()
LEARNING_RATES = learning_rates(0.001, 0.1)
STEP_UNIT = 10  # optimisation steps per press of Step
LABELS = {  # the settings as the "Changed: …" note names them
    "task": _("the task"),
    "gap": _("the gap"),
    "num_symbols": _("the symbols"),
    "num_distractors": _("the distractors"),
    "recall_marker": _("the recall marker"),
    "noise": _("the noise"),
    "hidden_size": _("the hidden size"),
    "match_parameters": _("matching parameter counts"),
    "keep_gate_bias": _("the keep-gate bias"),
    "steps": _("the training steps"),
    "seed": _("the seed"),
}
# A bound choice is written into the link by its label, so the link and the control use the same words.
TASK_LABELS = {task: _(label) for task, label in TASKS.items()}
STEPS_SETTING, SIZE_SETTINGS = N_("Training steps"), N_("the hidden size or the gap")  # worded where shown
DISPLAY_KEYS = ["sequence"]

page_setup(
    _("RNN vs LSTM/GRU: long-term dependencies"),
    _(
        "A plain RNN has to carry everything it remembers through the same squashing step, again and again; "
        "the gradient that would teach it to remember shrinks at every step back. LSTM and GRU add **gates** "
        "that let information (and gradient) pass unchanged. Here the three cells learn the same task with the "
        "same data, seed and budget, side by side: watch them race. The default task: remember the first symbol of "
        "a sequence, then recall it after a gap of distractor symbols."
    ),
)
st.markdown(note_link(*screen(KEY).notes))


def settings_sidebar() -> ComparisonSettings | None:
    """The sidebar controls, keyed by the settings' field names; None (with a message) when they are wrong."""
    with st.sidebar:
        task = st.selectbox(_("Task"), list(TASKS), format_func=TASK_LABELS.get, key=f"{KEY}_task", **BIND)
        st.markdown(_("**Memory task**"))
        gap = st.slider(_("Gap (distractor steps)"), MIN_GAP, MAX_GAP, DEFAULTS.gap, key=f"{KEY}_gap", **BIND)
        symbols = st.slider(_("Symbols to remember"), 2, 26, DEFAULTS.num_symbols, key=f"{KEY}_num_symbols", **BIND)
        distractors = st.slider(
            _("Distractor symbols"), 1, 26, DEFAULTS.num_distractors, key=f"{KEY}_num_distractors", **BIND
        )
        marker = st.checkbox(
            _("End with a recall marker (?)"),
            DEFAULTS.recall_marker,
            key=f"{KEY}_recall_marker",
            **BIND,
            help=_("A last step that says 'recall now', the same in every sequence."),
        )
        noise = st.slider(_("Input noise"), 0.0, 1.0, DEFAULTS.noise, step=0.1, key=f"{KEY}_noise", **BIND)
        st.markdown(_("**The cells**"))
        hidden_size = st.slider(_("LSTM hidden size"), 4, 128, DEFAULTS.hidden_size, key=f"{KEY}_hidden_size", **BIND)
        match = st.checkbox(
            _("Match parameter counts"),
            DEFAULTS.match_parameters,
            key=f"{KEY}_match_parameters",
            **BIND,
            help=_("The RNN and GRU get the hidden size that gives them as many weights as the LSTM."),
        )
        keep_gate_bias = st.slider(
            _("Keep-gate bias at start"),
            0.0,
            5.0,
            DEFAULTS.keep_gate_bias,
            step=0.5,
            key=f"{KEY}_keep_gate_bias",
            **BIND,
            help=_(
                "The LSTM's forget gate and the GRU's update gate start this open: 0 is torch's default (half "
                "open); 5 starts them near 1, so the old state is kept."
            ),
        )
        st.markdown(_("**Training (same for all three)**"))
        steps = st.slider(_("Training steps"), 50, 3000, DEFAULTS.steps, step=50, key=f"{KEY}_steps", **BIND)
        seed = seed_input(KEY, DEFAULTS.seed, _("Draws the initial weights and the task's sequences."))
        reset_note()
    settings = None
    with learner_errors():
        settings = ComparisonSettings(
            task=task,
            gap=gap,
            num_symbols=symbols,
            num_distractors=distractors,
            recall_marker=marker,
            noise=noise,
            hidden_size=hidden_size,
            match_parameters=match,
            keep_gate_bias=keep_gate_bias,
            steps=steps,
            learning_rate=steered_learning_rate(KEY, DEFAULTS.learning_rate),
            seed=seed,
        )
    return settings


def build(settings: ComparisonSettings) -> LiveRun[ComparisonRun]:
    sessions, _logs = screen(KEY).build(settings)  # as a saved run is rebuilt
    estimates = [
        session.check_budget(epochs_setting=STEPS_SETTING, size_settings=SIZE_SETTINGS) for session in sessions.values()
    ]
    total = dataclasses.replace(
        estimates[0],
        seconds=sum(e.seconds for e in estimates),
        seconds_per_epoch=sum(e.seconds_per_epoch for e in estimates),
        peak_bytes=sum(e.peak_bytes for e in estimates),
    )
    check_budget(total, Budget.from_environment(), settings.steps, STEPS_SETTING, SIZE_SETTINGS)
    return LiveRun(
        settings, sessions, total, ComparisonRun(build_task(settings)), unit_epochs=STEP_UNIT, unit_name="step"
    )


def draw_live(run: LiveRun[ComparisonRun]) -> None:
    st.subheader(_("Learning curves"))
    curves(run, KEY, ghost_controls(KEY, run, LABELS))
    outside_follows(KEY, run.epoch, run.playing)  # the sections below show the step the status line names


with linked_settings(KEY, DEFAULTS, LEARNING_RATES, labels={"task": TASK_LABELS}, setting_labels=LABELS):
    settings = settings_sidebar()
page_runs(KEY)
run = drive(KEY, settings, build, draw_live, LEARNING_RATES, LABELS, DISPLAY_KEYS)
if run is not None:
    outside_drawn(KEY, run.epoch)
if run is not None and run.history.records:
    with learner_errors():
        if run.playing and run.mode != "job":  # while the sweep trains, the race stands still
            st.caption(
                _("The sections below show the cells after step {step}; they follow when training pauses.").format(
                    step=run.epoch
                )
            )
        st.subheader(_("What this run shows"))
        summary(run, KEY)
        st.subheader(_("Vanishing gradients"))
        gradients(run, KEY)
        influence(run, KEY)  # which input drove each output, per cell
        st.subheader(_("Inside the gates"))
        gates(run, KEY)
        st.subheader(_("Accuracy against the gap"))
        sweep(run, KEY)
        comparison_what_if(run, KEY)  # one weight changed by hand on a copy, before and after
        several_seeds(KEY, run, LABELS)
save_or_load(KEY, build, LEARNING_RATES, DISPLAY_KEYS)
code_section(run, settings)
