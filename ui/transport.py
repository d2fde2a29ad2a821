"""A run's transport row (buttons, speed, learning rate) and status line: drawing apart from ui.live's run logic."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from core.runs.status import status_sentence, unit_count
from core.words.i18n import N_, _, pgettext
from ui.i18n import option_labels

# Units per second of wall time (a unit is one epoch, or a page's own "step" such as 10 optimisation steps):
# the pace is the same whether the browser redraws four times a second or once.
SPEEDS = {"slow": 3, "normal": 15, "fast": 60, "full": None}
SPEED_LABELS = {"slow": N_("slow"), "normal": N_("normal"), "fast": N_("fast"), "full": N_("full speed")}


def speed_label(speed: str) -> str:
    return _(SPEED_LABELS.get(speed, speed))


DEFAULT_SPEED = "normal"


def transport(
    key: str,
    run: Any,
    learning_rates: Sequence[float],
    can_reset: bool,
    set_mode: Callable[[str, str], None],
    steer: Callable[[str], None],
) -> bool:
    """The run's controls in one row, above the views they drive; True when Reset was pressed.

    ``run`` is a ``ui.live.LiveRun``; ``set_mode`` and ``steer`` are its callbacks, handed over by ``ui.live``
    (which imports this module, so this one never imports it back)."""
    columns = st.columns([1, 1, 1.3, 1, 1.1, 0.5])
    if run.playing:  # a replay too can be paused, on the snapshot it shows
        columns[0].button(
            pgettext("button", "Pause"),
            icon=":material/pause:",
            key=f"{key}_pause",
            on_click=set_mode,
            args=(key, "paused"),
        )
    else:
        columns[0].button(
            pgettext("button", "Play"),
            icon=":material/play_arrow:",
            key=f"{key}_play",
            on_click=set_mode,
            args=(key, "playing"),
            type="primary",
            disabled=run.finished,
            help=_("Train on, at the chosen speed."),
        )
    columns[1].button(
        pgettext("button", "Step"),
        icon=":material/skip_next:",
        key=f"{key}_step",
        on_click=set_mode,
        args=(key, "stepping"),
        disabled=run.finished or run.playing,
        help=_("Train {amount}, then pause.").format(amount=unit_count(run.unit_name, run.unit_epochs)),
    )
    columns[2].button(
        pgettext("button", "Run to end"),
        icon=":material/fast_forward:",
        key=f"{key}_finish",
        on_click=set_mode,
        args=(key, "finishing"),
        disabled=run.finished,
        help=_("Full speed to the last epoch; Pause still works."),
    )
    reset = columns[3].button(
        pgettext("button", "Reset"),
        icon=":material/restart_alt:",
        key=f"{key}_reset",
        disabled=not can_reset,
        help=_("Start over from new initial weights, with the settings as they are now."),
    )
    columns[4].button(
        pgettext("button", "Replay"),
        icon=":material/replay:",
        key=f"{key}_replay",
        on_click=set_mode,
        args=(key, "replaying"),
        disabled=run.playing or len(run.history.snapshots) < 2,
        help=_("Animate the snapshots up to the last one: from the one on screen, or from epoch 0 at the last."),
    )
    left, right = st.columns([1, 2])
    paces = ", ".join(
        _("{speed} ≈ {amount} a second").format(
            speed=speed_label(name), amount=unit_count(run.unit_name, rate * run.unit_epochs)
        )
        for name, rate in SPEEDS.items()
        if rate
    )
    left.selectbox(
        _("Speed"),
        list(SPEEDS),
        index=list(SPEEDS).index(DEFAULT_SPEED),
        format_func=option_labels(speed_label),
        key=f"{key}_speed",
        help=_("{paces}; full speed computes as much as it can between two redraws.").format(paces=paces),
    )
    # Defaults go in the widgets' own arguments, never through st.session_state: a browser that builds a
    # widget from its arguments alone would otherwise start at the first option and send that back.
    right.select_slider(
        _("Learning rate (Adam): changes apply at the next step"),
        learning_rates,
        value=run.session.learning_rate,
        key=f"{key}_learning_rate",
        on_change=steer,
        args=(key,),
    )
    return reset


def status_line(run: Any) -> None:
    """Where the run is, and its time: the estimate until it ends, then what it took (core.runs.status)."""
    stopped = next((s.history.stopped for s in run.sessions.values() if s.history.stopped), None)
    st.caption(
        status_sentence(
            run.unit_name,
            run.epoch,
            run.total_epochs,
            run.mode,
            run.finished,
            run.seconds,
            run.estimate,
            stopped_at=stopped.epoch if stopped is not None else None,
            waiting_ahead=run.waiting_ahead,
            shown=run.shown_epoch,
            job=run.job.progress_words() if run.mode == "job" and run.job is not None else None,
        )
    )
