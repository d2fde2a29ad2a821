"""Long sequences training views: the read-back, its curves and details, inside one window; apart from the page flow."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from core.charts import figures, loss
from core.charts.loss import Ghost
from core.engine.models import ModelConfig
from core.engine.objectives import probabilities
from core.engine.records import Snapshot
from core.reading.text import describe
from core.screens.long_sequences import figures as sequence_figures
from core.screens.long_sequences.read_back_ceiling import WindowLimits
from core.screens.long_sequences.readings import (
    advice,
    ceiling_help,
    first_against_last_position,
    gradient_shape,
    model_phrase,
    read_back_vs_positions,
)
from core.screens.long_sequences.settings import ReadBack, read_back_at
from core.screens.long_sequences.windows import ReadBackLog, WindowTask, marked_lines
from core.words.i18n import _, ngettext
from ui.common import chart
from ui.live import LiveRun
from ui.training_views import (
    cached_at,
    computed,
    gradient_views,
    inside_the_network,
    learning_rate_marks,
    moment_model,
)


@dataclass(frozen=True)
class LongSequenceRun:
    """What the Long sequences screen draws a run with, beside its training session (``LiveRun.screen``)."""

    task: WindowTask
    model_config: ModelConfig
    log: ReadBackLog  # the read-back per epoch: training appends to it, the views only read it
    probe_windows: tuple[int, ...]  # the windows the snapshots look inside (core.engine.probes.probe_indices)
    limits: WindowLimits  # the best read-back any model can reach with this window, and with longer ones


def read_back_now(run: LiveRun[LongSequenceRun], snapshot: Snapshot) -> ReadBack:
    """The read-back at the epoch shown, from the same weights as every view of that epoch (one forward pass over the
    windows, about a millisecond on the lab's sentence; once per state of training and epoch)."""
    task = run.screen.task
    return cached_at(
        run,
        "moment_read_back",
        snapshot.epoch,
        lambda: computed(run, lambda: read_back_at(moment_model(run, snapshot), task, snapshot.epoch)),
    )


def after_epoch(epoch: int) -> str:
    """How the views name the epoch shown."""
    return _("before training") if epoch == 0 else _("after epoch {epoch}").format(epoch=epoch)


def summary(run: LiveRun[LongSequenceRun], rates: Sequence[float], now: ReadBack) -> None:
    """The run in five numbers at the epoch shown (``now``: the read-back beside the best any model can reach with
    its window), the model it trains, and what its outcome says (advice chosen from all of them)."""
    history, screen = run.history, run.screen
    task, model_config, ceiling = screen.task, screen.model_config, screen.limits.current
    at_end = now.epoch == run.epoch
    columns = st.columns(5)
    columns[0].metric(_("Sentence read back right"), f"{100 * now.accuracy:.1f}%", help=after_epoch(now.epoch))
    columns[1].metric(_("Best possible read-back"), f"{100 * ceiling.share:.1f}%", help=ceiling_help(ceiling))
    columns[2].metric(
        _("Windows"),
        task.windows,
        help=_("{characters} characters − {length}").format(characters=len(task.text), length=task.sequence_length),
    )
    columns[3].metric(_("Vocabulary"), task.vocabulary.size, help=_("distinct characters = inputs and outputs"))
    trained = ngettext("{epochs} epoch in {seconds} s", "{epochs} epochs in {seconds} s", run.epoch).format(
        epochs=run.epoch, seconds=f"{history.seconds:.2f}"
    )
    curve = (
        _("The loss curve's point at epoch {epoch} was measured during that epoch, before its update.").format(
            epoch=now.epoch
        )
        if now.epoch
        else ""
    )
    when = after_epoch(now.epoch)
    columns[4].metric(
        _("Loss"),
        f"{now.loss:.4f}",
        help=" ".join(part for part in (_("Over all windows, {when}.").format(when=when), curve, trained) if part),
    )
    model = (
        _("Model: {model} (= vocabulary size), then a linear layer to {scores} character scores.")
        if run.settings.hidden_is_vocabulary
        else _("Model: {model}, then a linear layer to {scores} character scores.")
    )
    st.caption(model.format(model=model_phrase(model_config), scores=task.vocabulary.size))
    said = advice(
        run.settings,
        model_config.hidden_size,
        [record.loss for record in history.records if record.epoch <= now.epoch],
        now.accuracy if now.epoch else None,
        run.session.learning_rate,
        rates,
        run.finished and at_end,
        history.stopped.reason if history.stopped and at_end else None,
        screen.limits,
        rate_changes=history.learning_rate_changes,
    )
    if said is not None:
        {"success": st.success, "info": st.info, "warning": st.warning}[said.tone](said.text)


def live_read_back(run: LiveRun[LongSequenceRun], now: ReadBack) -> None:
    """The sentence as the network reads it back at the epoch shown, in a box of fixed height so the page does not
    jump."""
    task = run.screen.task
    box = st.container(height=170, border=True)
    # The heading is worded here, at draw time, in the language of this redraw.
    heading = _("Read back {when}: {share} right (^ marks a wrong character)").format(
        when=after_epoch(now.epoch), share=f"{100 * now.accuracy:.1f}%"
    )
    box.code(heading + "\n" + marked_lines(task.vocabulary.decode(now.ids), task.target_text), language=None)


def windows_table(task, key: str) -> None:
    first = [task.window(i) for i in range(min(3, task.windows))]
    st.dataframe(
        pd.DataFrame(
            {
                _("window"): range(1, len(first) + 1),
                _("input (what it reads)"): [reads for reads, _target in first],
                _("target (shifted by one)"): [target for _input, target in first],
            }
        ),
        hide_index=True,
        key=f"{key}_windows",
    )


def readback_curves(run: LiveRun[LongSequenceRun], key: str, now: ReadBack, ghost: Ghost | None = None) -> None:
    """Loss and read-back accuracy per epoch, each epoch's point measured in its training pass (before its update):
    line charts, cheap enough to redraw at every tick. The accuracy's caption speaks of the epoch shown (``now``);
    ``ghost``: a pinned run's loss (ui.ghost), drawn under this one's."""
    history, log = run.history, run.screen.log
    shown = (now.epoch, now.accuracy, now.position_accuracy)
    left, right = st.columns(2)
    epochs = [r.epoch for r in history.records]
    with left:
        chart(
            loss.loss_chart(
                loss.split_curves(epochs, history.losses),
                marks=learning_rate_marks(history),
                x_max=run.total_epochs,
                ghost=ghost,
            ),
            _("The loss falls as the windows are learned; on a log scale a flat stretch means it is stuck."),
            key=f"{key}_loss",
        )
    with right:
        chart(
            figures.mark_changes(
                sequence_figures.readback_accuracy_figure(log.epochs, log.accuracy, history.accuracies),
                x_max=run.total_epochs,
            ),
            " ".join(
                [
                    _("Each epoch's point is measured in its training pass, before its update."),
                    read_back_vs_positions(log.epochs, log.accuracy, log.position_accuracy, now=shown),
                ]
            ),
            key=f"{key}_accuracy",
        )


def readback_details(run: LiveRun[LongSequenceRun], snapshot: Snapshot, now: ReadBack, key: str) -> None:
    """The read-back character by character at the epoch shown, over all epochs, and per window position (drawn while
    paused: they hold a cell per character and epoch, too heavy to redraw several times a second)."""
    task, log = run.screen.task, run.screen.log
    st.subheader(_("The sentence read back, epoch by epoch"))
    if run.playing:
        st.caption(_("The read-back per character, over all epochs and per window position: pause to see them."))
        return
    chart(
        sequence_figures.readback_figure(task.vocabulary.decode(now.ids), task.target_text, now.epoch),
        _(
            "Move the epoch: early on the network repeats the commonest characters; the sentence appears piece "
            "by piece. Hover a cell to see what it should have been."
        ),
        key=f"{key}_readback",
    )
    if not log.epochs:
        return
    chart(
        sequence_figures.readback_overview_figure(
            log.epochs, np.stack(log.ids), task.vocabulary.encode(task.target_text), task.vocabulary.characters
        ),
        _(
            "Each row is the whole sentence at one epoch, as read in that epoch's training pass (before its update): "
            "the vermillion fades from top to bottom as training goes. Characters that stay wrong longest are the "
            "ones whose context repeats elsewhere in the text."
        ),
        key=f"{key}_overview",
    )
    with st.expander(_("Every epoch's read-back as a table (each read in that epoch's training pass)")):
        target_ids = np.asarray(task.vocabulary.encode(task.target_text))
        table = {
            _("epoch"): log.epochs,
            _("right (%)"): np.round(100 * np.asarray(log.accuracy), 1),
            _("wrong characters"): [int(np.sum(ids != target_ids)) for ids in log.ids],
            _("read back"): [task.vocabulary.decode(ids) for ids in log.ids],
        }
        st.dataframe(pd.DataFrame(table), hide_index=True, height=300, key=f"{key}_readback_table")

    st.subheader(_("Accuracy per position inside the window"))
    chart(
        sequence_figures.position_accuracy_figure(log.epochs, np.stack(log.position_accuracy)),
        " ".join(
            [
                _("Each line is measured in that epoch's training pass, before its update."),
                *([first_against_last_position(now.epoch, now.position_accuracy)] if now.epoch else []),
            ]
        ),
        key=f"{key}_positions",
    )


def inside_section(run: LiveRun[LongSequenceRun], snapshot: Snapshot, key: str) -> None:
    history, task = run.history, run.screen.task
    probe_windows = list(run.screen.probe_windows)
    st.subheader(_("Inside one window"))
    window = probe_windows[0]
    if len(probe_windows) > 1:
        window = st.select_slider(
            _("Window to look inside (window number: its input; window 1 starts at the first character)"),
            probe_windows,
            value=probe_windows[0],
            format_func=lambda i: f"{i + 1}: {task.window(i)[0]}",
            key=f"{key}_window",
        )
    if len(probe_windows) < task.windows:
        st.caption(
            _(
                "With this model size the snapshots keep {kept} of the {windows} windows, evenly spaced, to stay "
                "within memory."
            ).format(kept=len(probe_windows), windows=task.windows)
        )
    index = probe_windows.index(window)
    step_labels = [f"{t}: {describe(c)}" for t, c in enumerate(task.window(window)[0], start=1)]
    inside_the_network(snapshot, step_labels, key, sequence_index=index)
    chart(
        figures.probabilities_figure(
            probabilities(snapshot.probe.outputs[index]),
            step_labels,
            [describe(c) for c in task.vocabulary.characters],
            snapshot.epoch,
        ),
        _(
            "Each column is what the network expects next after reading that character; a bright single cell "
            "means it is sure. Early columns are often unsure: little of the window has been read."
        ),
        key=f"{key}_probabilities",
    )

    st.subheader(_("Gradients"))
    st.caption(
        ngettext(
            "The gradient per time step is measured at the epoch chosen above, over {count} window; the x axis is "
            "the position inside the window.",
            "The gradient per time step is measured at the epoch chosen above, over {count} windows together; the "
            "x axis is the position inside the window.",
            len(probe_windows),
        ).format(count=len(probe_windows))
    )
    gradient_views(
        history,
        snapshot,
        [f"t={t}" for t in range(1, task.sequence_length + 1)],
        key,
        step_caption=gradient_shape(snapshot.probe.hidden_gradient_norms, snapshot.epoch),
    )
