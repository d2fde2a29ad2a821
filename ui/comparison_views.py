"""RNN vs LSTM/GRU views: the race's curves, results, gradients, gates and gap sweep; apart from the page flow.

One module for the screen's five views (~250 lines: each view's captions and table headers are catalogue
messages); the sentences about results are core.screens.rnn_vs_lstm_gru.readings and
core.screens.rnn_vs_lstm_gru.sweep_readings."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core.charts import figures, loss
from core.engine.cells import CELL_NAMES, cell_entry, signed_gate
from core.screens.rnn_vs_lstm_gru import figures as cf
from core.screens.rnn_vs_lstm_gru.comparison import DEFAULT_SWEEP_GAPS, SWEEP_GAPS, GapSweep, TaskData, cell_result
from core.screens.rnn_vs_lstm_gru.readings import (
    cell_state_reach,
    cell_state_reading,
    format_chance,
    gate_saturation,
    gradient_reach,
    gradient_reading,
    reading,
)
from core.screens.rnn_vs_lstm_gru.sweep_readings import sweep_reading
from core.words.i18n import _, ngettext
from ui.common import chart
from ui.influence_views import cells_influence_view
from ui.live import LiveRun, start_job
from ui.training_views import computed, learning_rate_marks, moment_history


@dataclass(frozen=True)
class ComparisonRun:
    """What the RNN vs LSTM/GRU screen draws a run with, beside its three sessions (``LiveRun.screen``)."""

    task: TaskData  # the data, labels and chance level all three cells share


def results_now(run: LiveRun[ComparisonRun]) -> dict:
    """Each cell's result at its current weights, once per state of training: the held-out accuracy is measured there,
    and the newest snapshot (``CellResult.after_training``) is those weights too, probed on demand when the run stands
    between two snapshots (``ui.training_views.current_snapshot``). So the gradients, the gates and the accuracy
    come from one moment. Measuring the three cells on the held-out data is the learner's computing (0.6 s at gap
    100, hidden size 128): it waits its turn for a slot with the runs of the class (``ui.training_views.computed``)."""
    task = run.screen.task

    def measured() -> dict:
        return {
            cell: dataclasses.replace(cell_result(cell, session, task), history=moment_history(run, session))
            for cell, session in run.sessions.items()
        }

    return run.cached("results", lambda: computed(run, measured))


def moment_step(run: LiveRun[ComparisonRun]) -> int | None:
    """The step a reading names for a run still training ("so far, at step N"); None once it has finished."""
    return None if run.finished else run.epoch


def summary(run: LiveRun[ComparisonRun], key: str) -> None:
    task, results, settings = run.screen.task, results_now(run), run.settings
    for cell, result in results.items():
        if result.history.stopped:
            st.warning(f"{CELL_NAMES[cell]}: {result.history.stopped.reason}")
    columns = st.columns(len(results))  # one per racing cell (core.engine.cells.RACING)
    for column, (cell, result) in zip(columns, results.items(), strict=True):
        accuracy = _("n/a") if result.test_accuracy is None else f"{100 * result.test_accuracy:.0f}%"
        column.metric(
            _("{cell} accuracy").format(cell=CELL_NAMES[cell]),
            accuracy,
            help=" ".join(
                [
                    at_step(result.after_training.epoch),
                    _("Chance is {chance}.").format(chance=format_chance(task.chance_accuracy)),
                ]
            ),
        )
    headers = {
        "cell": _("cell"),
        "hidden": _("hidden size"),
        "parameters": _("parameters"),
        "time": _("training time (s)"),
    }
    table = pd.DataFrame(
        [
            {
                headers["cell"]: CELL_NAMES[c],
                headers["hidden"]: r.hidden_size,
                headers["parameters"]: r.parameter_count,
                headers["time"]: round(r.history.seconds, 1),
            }
            for c, r in results.items()
        ]
    )
    st.dataframe(table, hide_index=True, key=f"{key}_sizes")
    st.caption(_("Example sequence: {sequence}").format(sequence=f"`{task.probe_texts[0]}`"))
    step = moment_step(run)
    if step is None:
        heading = ngettext(
            "After all {total} training step:", "After all {total} training steps:", run.total_epochs
        ).format(total=run.total_epochs)
    else:
        heading = ngettext(
            "So far, at step {step} of {total} training step:",
            "So far, at step {step} of {total} training steps:",
            run.total_epochs,
        ).format(step=step, total=run.total_epochs)
    st.info(" ".join([heading, *reading(task, results, settings, step)]))


def at_step(step: int) -> str:
    """How a metric's help names the weights it was measured at."""
    return _("At the weights after step {step}.").format(step=step) if step else _("At the initial weights.")


def curves(run: LiveRun[ComparisonRun], key: str, ghost: loss.Ghost | None = None) -> None:
    """The racing cells' loss and accuracy, growing together while they train (inside the live fragment); ``ghost``:
    a pinned run's loss under them (ui.ghost)."""
    settings = run.settings
    histories = {cell: session.history for cell, session in run.sessions.items()}
    columns = st.columns(len(histories))
    now = results_now(run) if not run.playing else None  # paused: every number at the step the status names
    for column, (cell, history) in zip(columns, histories.items(), strict=True):
        if settings.task == "memory":
            label = _("{cell} held-out accuracy").format(cell=CELL_NAMES[cell])
        else:
            label = _("{cell} training accuracy").format(cell=CELL_NAMES[cell])
        if now is not None and now[cell].test_accuracy is not None:
            value, measured = f"{100 * now[cell].test_accuracy:.0f}%", at_step(now[cell].after_training.epoch)
        elif settings.task == "memory":
            # While it plays: the last held-out measurement (every few steps), named by the step it was made at.
            done = [r for r in history.records if r.validation_accuracy is not None]
            value = f"{100 * done[-1].validation_accuracy:.0f}%" if done else "—"
            measured = at_step(done[-1].epoch) if done else _("Not measured yet.")
        else:
            last = history.records[-1] if history.records else None
            value = f"{100 * last.accuracy:.0f}%" if last is not None else "—"
            measured = (
                _("Measured in step {step}'s training pass, before its update.").format(step=last.epoch)
                if last is not None
                else _("Not measured yet.")
            )
        column.metric(label, value, help=measured)
    per_cell = {c: ([x.epoch for x in h.records], h.losses) for c, h in histories.items()}
    left, right = st.columns(2)
    with left:
        fig = loss.loss_chart(
            loss.cell_curves(per_cell),
            _("Training loss per step"),
            _("training step"),
            y_title=_("cross-entropy (log scale)"),
            marks=learning_rate_marks(run.session.history),
            x_max=run.total_epochs,
            ghost=ghost,
        )
        chart(
            fig,
            _("Each cell saw exactly the same batches in the same order; only the cell differs."),
            key=f"{key}_loss",
        )
    if settings.task == "memory":
        accuracy = {
            c: (
                [x.epoch for x in h.records if x.validation_accuracy is not None],
                [100 * x.validation_accuracy for x in h.records if x.validation_accuracy is not None],
            )
            for c, h in histories.items()
        }
        title = _("Held-out accuracy during training")
    else:
        accuracy = {
            c: ([x.epoch for x in h.records], [100 * (x.accuracy or 0) for x in h.records])
            for c, h in histories.items()
        }
        title = _("Training accuracy")
    with right:
        fig = cf.per_cell_lines(accuracy, title, _("training step"), _("correct (%)"), percent=True)
        fig.update_yaxes(range=[0, 105])
        chart(
            figures.mark_changes(fig, x_max=run.total_epochs),
            _("A cell that cannot carry the first symbol across the gap stays near chance ({chance}).").format(
                chance=format_chance(run.screen.task.chance_accuracy)
            ),
            key=f"{key}_accuracy",
        )


def gradients(run: LiveRun[ComparisonRun], key: str) -> None:
    task, results = run.screen.task, results_now(run)
    step = moment_step(run)
    shown = next(iter(results.values())).after_training.epoch
    steps = list(range(1, len(task.step_labels) + 1))  # t = 1 … T, as in h_t = tanh(W_hh h_{t-1} + W_xh x_t + b)
    trained = {c: (steps, gradient_reach(r.after_training)) for c, r in results.items()}
    initial = {c: (steps, gradient_reach(r.at_initialisation)) for c, r in results.items()}
    fig = cf.per_cell_lines(
        trained,
        ngettext(
            "How much gradient reaches each time step (after {step} step)",
            "How much gradient reaches each time step (after {step} steps)",
            shown,
        ).format(step=shown),
        _("time step"),
        _("‖∂L/∂h_t‖ ÷ ‖∂L/∂h_T‖ (log scale)"),
        log_y=True,
        dashed=initial,
        dashed_label=_("at initialisation"),
    )
    chart(
        fig,
        " ".join(
            [
                _(
                    "The loss is measured at the last step T; reading right to left, a falling line is the gradient "
                    "shrinking as it travels back."
                ),
                gradient_reading(results, task.chance_accuracy, step),
            ]
        ),
        key=f"{key}_gradients",
    )
    for cell in [c for c in results if "c" in cell_entry(c).states]:  # a second path back in time: the LSTM's
        result = results[cell]
        paths = {
            when: {"h": gradient_reach(snapshot), "c": cell_state_reach(snapshot)}
            for when, snapshot in (("trained", result.after_training), ("initial", result.at_initialisation))
        }
        chart(
            cf.lstm_gradient_paths_figure(
                steps,
                paths["trained"],
                paths["initial"],
                _("gradient ÷ its value at step T (log scale)"),
                result.after_training.epoch,
                cell,
            ),
            " ".join(
                [
                    _(
                        "The LSTM has a second path back in time: c_t reaches c_{t+1} through the forget gate alone, "
                        "with no squashing step."
                    ),
                    cell_state_reading(result.after_training),
                ]
            ),
            key=f"{key}_cell_state_gradients" if cell == "lstm" else f"{key}_{cell}_cell_state_gradients",
        )


def gates(run: LiveRun[ComparisonRun], key: str) -> None:
    task, results = run.screen.task, results_now(run)
    index = 0
    if len(task.probe_texts) > 1:
        index = st.slider(_("Sequence"), 1, len(task.probe_texts), 1, key=f"{key}_sequence") - 1
    for cell in [c for c in results if cell_entry(c).gates]:  # the gated cells, in the race's order
        snapshot = results[cell].after_training
        probe = snapshot.probe
        saturation = gate_saturation(snapshot)
        shares = ", ".join(f"{cf.gate_name(g)} {100 * v:.0f}%" for g, v in saturation.items())
        st.markdown(
            ngettext(
                "**{cell}** after {step} step: share of values within 0.05 of 0 or 1: {shares}",
                "**{cell}** after {step} steps: share of values within 0.05 of 0 or 1: {shares}",
                snapshot.epoch,
            ).format(cell=CELL_NAMES[cell], step=snapshot.epoch, shares=shares)
        )
        panels = [
            (name, cf.gate_figure(values[index], task.step_labels, name, cell, signed_gate(name)))
            for name, values in probe.gates[0].items()
        ]
        if probe.cell_states is not None:
            panels.append(("cell_state", cf.cell_state_figure(probe.cell_states[0][index], task.step_labels, cell)))
        columns = st.columns(2)
        for number, (name, fig) in enumerate(panels):
            with columns[number % 2]:
                st.plotly_chart(fig, width="stretch", key=f"{key}_{cell}_{name}")
    st.caption(
        _(
            "Gates near 1 pass information through, near 0 block it. An LSTM that remembers keeps its forget "
            "gate near 1 across the gap, so the cell state carries the first symbol to the end."
        )
    )


def sweep(run: LiveRun[ComparisonRun], key: str) -> None:
    """The gap sweep: trained as the run's job (ui.live.start_job), in chunks that take turns in the server's queue
    like every run, with its progress in the status line; Pause stops it and Continue goes on where it stopped."""
    settings = run.settings
    if settings.task != "memory":
        st.caption(_("The gap sweep needs the memory task."))
        return
    job = run.job if isinstance(run.job, GapSweep) else None
    if job is not None and job.finished:
        # Kept for the run's life (not run.cached: the next training step must not drop it).
        run.requested["sweep"], run.job, job = (job.gaps, job.accuracy), None, None
    gaps = st.multiselect(_("Gaps to sweep"), list(SWEEP_GAPS), default=list(DEFAULT_SWEEP_GAPS), key=f"{key}_gaps")
    racers = len(run.sessions)
    button = ngettext(
        "Run the sweep (trains {count} cell per gap)", "Run the sweep (trains {count} cells per gap)", racers
    )
    if st.button(button.format(count=racers), key=f"{key}_run_sweep", disabled=run.mode == "job"):
        start_job(key, GapSweep(settings, gaps))  # an InputError (too costly, no gaps) starts nothing
        st.rerun()  # the live part starts ticking
    if run.mode == "job" and isinstance(run.job, GapSweep):  # not while the section "Several seeds" trains
        st.caption(
            _("The sweep is training: the status line above follows it. Pause stops it; it keeps what it has done.")
        )
    elif job is not None:
        st.caption(_("The sweep is paused ({where}).").format(where=job.where_words()))
        if st.button(_("Continue the sweep"), key=f"{key}_continue_sweep"):
            start_job(key, job)
            st.rerun()
    if "sweep" in run.requested:
        swept, accuracy = run.requested["sweep"]
        chart(
            cf.sweep_figure(swept, accuracy, run.screen.task.chance_accuracy),
            sweep_reading(swept, accuracy, run.screen.task.chance_accuracy),
            key=f"{key}_sweep_chart",
        )


def influence(run: LiveRun[ComparisonRun], key: str) -> None:
    """Which input drove each output, one panel per racing cell at the moment shown (ui.influence_views), for the
    sequence the gates show."""
    task, results = run.screen.task, results_now(run)
    index = st.session_state.get(f"{key}_sequence", 1) - 1 if len(task.probe_texts) > 1 else 0
    snapshots = {cell: result.after_training for cell, result in results.items()}
    cells_influence_view(run, snapshots, task.step_labels, key, run.settings.task == "memory", index)
