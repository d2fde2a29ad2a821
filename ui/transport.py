"""A run's transport row (buttons, speed, learning rate) and status line: drawing apart from ui.live's run logic."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from core.run_status import status_sentence

# Units per second of wall time (a unit is one epoch, or a page's own "step" such as 10 optimisation steps):
# the pace is the same whether the browser redraws four times a second or once.
SPEEDS = {"slow": 3, "normal": 15, "fast": 60, "full": None}
SPEED_LABELS = {"slow": "slow", "normal": "normal", "fast": "fast", "full": "full speed"}
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
    if run.playing and run.mode != "replaying":
        columns[0].button("Pause", icon=":material/pause:", key=f"{key}_pause", on_click=set_mode, args=(key, "paused"))
    else:
        columns[0].button(
            "Play",
            icon=":material/play_arrow:",
            key=f"{key}_play",
            on_click=set_mode,
            args=(key, "playing"),
            type="primary",
            disabled=run.finished,
            help="Train on, at the chosen speed.",
        )
    unit = f"{run.unit_epochs} {run.unit_name}s" if run.unit_epochs > 1 else f"one {run.unit_name}"
    columns[1].button(
        "Step",
        icon=":material/skip_next:",
        key=f"{key}_step",
        on_click=set_mode,
        args=(key, "stepping"),
        disabled=run.finished or run.playing,
        help=f"Train {unit}, then pause.",
    )
    columns[2].button(
        "Run to end",
        icon=":material/fast_forward:",
        key=f"{key}_finish",
        on_click=set_mode,
        args=(key, "finishing"),
        disabled=run.finished,
        help="Full speed to the last epoch; Pause still works.",
    )
    reset = columns[3].button(
        "Reset",
        icon=":material/restart_alt:",
        key=f"{key}_reset",
        disabled=not can_reset,
        help="Start over from new initial weights, with the settings as they are now.",
    )
    columns[4].button(
        "Replay",
        icon=":material/replay:",
        key=f"{key}_replay",
        on_click=set_mode,
        args=(key, "replaying"),
        disabled=run.playing or len(run.history.snapshots) < 2,
        help="Animate the snapshots from epoch 0 to the last one.",
    )
    left, right = st.columns([1, 2])
    left.selectbox(
        "Speed",
        list(SPEEDS),
        index=list(SPEEDS).index(DEFAULT_SPEED),
        format_func=SPEED_LABELS.get,
        key=f"{key}_speed",
        help=", ".join(
            f"{name} ≈ {rate * run.unit_epochs} {run.unit_name}s a second" for name, rate in SPEEDS.items() if rate
        )
        + "; full speed computes as much as it can between two redraws.",
    )
    # Defaults go in the widgets' own arguments, never through st.session_state: a browser that builds a
    # widget from its arguments alone would otherwise start at the first option and send that back.
    right.select_slider(
        "Learning rate (Adam): changes apply at the next step",
        learning_rates,
        value=run.session.learning_rate,
        key=f"{key}_learning_rate",
        on_change=steer,
        args=(key,),
    )
    return reset


def status_line(run: Any) -> None:
    """Where the run is, and its time: the estimate until it ends, then what it took (core.run_status)."""
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
        )
    )
