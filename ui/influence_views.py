"""Which input drove each output: the input-to-output map ‖∂y_t/∂x_s‖ of the probed sequence at the moment shown, on
every training screen (one panel per racing cell on the comparison). The map is core.engine.influence, computed
through the server's admission (``ui.training_views.computed``) once per moment and sequence (``cached_at``), so it
follows the epoch control; the figures are core.charts.influence; the sentences core.engine.influence and
core.screens.rnn_vs_lstm_gru.influence_readings."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence

import streamlit as st
import torch

from core.charts.axes import readable_number
from core.charts.influence import LOG_RANGE, influence_heatmap, influence_row_figure
from core.engine.influence import InfluenceMap, influence_map, influence_message, read_steps, steps_to_compute
from core.engine.records import Snapshot
from core.engine.session import TrainingSession
from core.reading.text import describe
from core.screens.rnn_vs_lstm_gru.influence_readings import first_input_reading
from core.screens.time_series import figures as ff
from core.words.i18n import N_, _
from ui.common import chart
from ui.live_run import LiveRun
from ui.training_views import at_epoch_end, cached_at, computed

CAPTION = N_(
    "Each row is an output step t, each column an input step s; the colour is ‖∂y_t/∂x_s‖: how much a small change of "
    "the input read at step s moves the output at step t (the scores before the softmax, or the predicted values), "
    "through every path back in time. Above the diagonal stays blank: the network reads left to right, so no output "
    "depends on a later input. The colours span {low} to {high} on a log scale at every epoch, so scrubbing compares "
    "like with like; hover for the exact value."
)
ROW_ONLY = N_(
    "This network is large: only the chosen output step's row is computed (the whole map would take one backward "
    "pass per output step and per output unit)."
)

PAUSED_ONLY = N_(
    "Pause (or let the run finish) to see which input step drove each output at the epoch shown: the map takes a "
    "backward pass per output step, so it is computed for a moment that stands still."
)


def model_at(session: TrainingSession, snapshot: Snapshot) -> torch.nn.Module:
    """The session's network at the snapshot's weights: its own model when it stands at that epoch, else a copy."""
    if snapshot.epoch == session.epoch and at_epoch_end(session):
        return session.model
    model = copy.deepcopy(session.model)
    model.load_state_dict(snapshot.weights)
    return model


def probed_sequence(session: TrainingSession, index: int) -> torch.Tensor:
    """(time, features) the probed sequence ``index`` of the session's probe batch (the one the views look inside)."""
    inputs = session.data.probe_batch[0]  # (probes, time, features)
    return inputs[min(max(0, int(index)), inputs.shape[0] - 1)]


def choose_output_step(read: Sequence[int], step_labels: Sequence[str], default: int, key: str) -> int:
    """The output step to read (0-based), from the steps the task reads; one step needs no control."""
    if len(read) == 1:
        return read[0]
    labels = {t: str(step_labels[t]) for t in read}  # worded now: Streamlit may call format_func from another thread
    return st.select_slider(
        _("Output step to read"),
        list(read),
        value=default if default in read else read[-1],
        format_func=labels.__getitem__,
        key=f"{key}_influence_step",
    )


def caption_words(row_only: bool) -> str:
    words = _(CAPTION).format(low=readable_number(10.0 ** LOG_RANGE[0]), high=readable_number(10.0 ** LOG_RANGE[1]))
    return f"{words} {_(ROW_ONLY)}" if row_only else words


def maps_at(
    run: LiveRun, snapshots: Mapping[str, Snapshot], index: int, chosen: int, name: str = "influence"
) -> dict[str, InfluenceMap]:
    """{session name: its map} at each session's snapshot for probed sequence ``index``: the whole map when it is
    cheap (core.engine.influence.steps_to_compute), else the ``chosen`` output step's row. Computed once per moment,
    sequence and rows, through the server's admission."""
    sessions = {cell: run.sessions[cell] for cell in snapshots}
    sequences = {cell: probed_sequence(session, index) for cell, session in sessions.items()}
    steps = {  # the session's model has the snapshot's shape: its cost is the same
        cell: steps_to_compute(session.model, session.data.objective, len(sequences[cell]), chosen)
        for cell, session in sessions.items()
    }
    moment = (tuple(s.epoch for s in snapshots.values()), index, tuple(steps.values()))

    def compute() -> dict[str, InfluenceMap]:
        return {
            cell: influence_map(model_at(sessions[cell], snapshot), sequences[cell], steps[cell])
            for cell, snapshot in snapshots.items()
        }

    return cached_at(run, name, moment, lambda: computed(run, compute))


def influence_view(
    run: LiveRun, snapshot: Snapshot, step_labels: Sequence[str], key: str, sequence_index: int = 0
) -> None:
    """The section "Which input drove each output" for a screen of one session: an output-step selector (default: the
    last step), the map of the probed sequence ``sequence_index`` at the snapshot shown, the chosen step's row and the
    sentence read from it. While the run plays (inside the live fragment, every tick) it says to pause instead: a
    queued run computes nothing, and a playing one spends its ticks on training."""
    session = run.session
    st.subheader(_("Which input drove each output"))
    if run.playing:  # one backward pass per output step: computed for a moment that stands still, not every tick
        st.caption(_(PAUSED_ONLY))
        return
    time = int(session.data.probe_batch[0].shape[1])
    read = read_steps(session.data.objective, time)
    chosen = choose_output_step(read, step_labels, read[-1], key)
    name = next(iter(run.sessions))
    maps = maps_at(run, {name: snapshot}, sequence_index, chosen)
    result = maps[name]
    chart(
        influence_heatmap({"": (result.values, result.output_steps)}, step_labels, snapshot.epoch, chosen=chosen),
        caption_words(result.output_steps != read),
        key=f"{key}_influence_map",
    )
    row = result.row(chosen)
    chart(
        influence_row_figure({"": row}, step_labels, chosen, snapshot.epoch),
        influence_message(row, chosen).worded(),
        key=f"{key}_influence_row",
    )


def cells_influence_view(
    run: LiveRun,
    snapshots: Mapping[str, Snapshot],
    step_labels: Sequence[str],
    key: str,
    recall: bool,
    sequence_index: int = 0,
) -> None:
    """The comparison's section: one panel per racing cell at its snapshot (the moment shown), the chosen output
    step's rows of every cell on one chart, and the reading of how strongly each depends on input step 1 (``recall``:
    the output is the memory task's recall step)."""
    st.subheader(_("Which input drove each output"))
    session = run.session
    time = int(session.data.probe_batch[0].shape[1])
    read = read_steps(session.data.objective, time)
    chosen = choose_output_step(read, step_labels, read[-1], key)
    maps = maps_at(run, snapshots, sequence_index, chosen)
    moment = next(iter(snapshots.values())).epoch
    panels = {cell: (result.values, result.output_steps) for cell, result in maps.items()}
    row_only = any(result.output_steps != read for result in maps.values())
    chart(
        influence_heatmap(panels, step_labels, moment, unit="step", chosen=chosen),
        caption_words(row_only),
        key=f"{key}_influence_map",
    )
    rows = {cell: result.row(chosen) for cell, result in maps.items()}
    reading = first_input_reading({cell: row[0] for cell, row in rows.items()}, chosen, recall)
    chart(
        influence_row_figure(rows, step_labels, chosen, moment, unit="step"),
        reading.worded(),
        key=f"{key}_influence_row",
    )


# -- what each screen passes ---------------------------------------------------------------------------------------
def long_sequence_influence(run: LiveRun, snapshot: Snapshot, key: str) -> None:
    """Long sequences: the window the inside view looks at (its control ``{key}_window``), with its characters."""
    task, windows = run.screen.task, list(run.screen.probe_windows)
    window = st.session_state.get(f"{key}_window", windows[0])
    index = windows.index(window) if window in windows else 0
    labels = [f"{t}: {describe(c)}" for t, c in enumerate(task.window(windows[index])[0], start=1)]
    influence_view(run, snapshot, labels, key, sequence_index=index)


def time_series_influence(run: LiveRun, snapshot: Snapshot, key: str) -> None:
    """Time series: the window the inside view looks at (its picker, the last window unless chosen)."""
    prepared = run.screen.prepared
    probes = len(prepared.probe_windows)
    index = st.session_state.get(f"{key}_r{run.number}_window_pick", probes - 1)
    influence_view(run, snapshot, ff.step_labels(prepared.settings.window), key, sequence_index=int(index))
