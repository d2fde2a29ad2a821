"""Pin a run and see it as a ghost: its loss curve, grey and dashed, under the curves of the next run on the screen.

A learner changes one setting and wants to see what it did; before, the old curve was gone. "Pin this run" keeps the
run's loss curves as they stand (copies of the numbers, a few kB) in ``st.session_state``, one pin per screen; every
loss chart of that screen drawn by ``core.charts.loss.loss_chart`` (and the band chart of several seeds) draws them
as a ``Ghost``, labelled with its seed and what differs from the run on screen. "Unpin" drops it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.charts.loss import Curve, Ghost
from core.engine.cells import CELL_NAMES
from core.words.i18n import N_, _
from ui.live import LiveRun, current_run

LEARNING_RATE = N_("the learning rate")  # not among the screens' "Changed: …" labels: it can be steered


@dataclass(frozen=True)
class Pinned:
    """A run's loss curves when it was pinned, with the settings it was trained with (its seed among them)."""

    settings: Any
    number: int  # the run's number on its screen (LiveRun.number): the run on screen, or a later one
    epoch: int  # where it stood when it was pinned
    curves: tuple[tuple[str, tuple[int, ...], tuple[float, ...]], ...]  # (session name, epochs, losses)


def pinned_key(key: str) -> str:
    return f"{key}_pinned"


def pinned(key: str) -> Pinned | None:
    return st.session_state.get(pinned_key(key))


def pin(key: str) -> None:
    """Pin the run on screen ``key`` (the Pin button's callback)."""
    run = current_run(key)
    if run is None:
        return
    curves = tuple(
        (name, tuple(r.epoch for r in s.history.records), tuple(r.loss for r in s.history.records))
        for name, s in run.sessions.items()
    )
    st.session_state[pinned_key(key)] = Pinned(run.settings, run.number, run.epoch, curves)


def unpin(key: str) -> None:
    st.session_state.pop(pinned_key(key), None)


def setting_value(value: Any) -> str:
    if isinstance(value, bool):
        return _("on") if value else _("off")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def differences(before: Any, now: Any, labels: Mapping[str, str]) -> list[str]:
    """The settings (but the seed) in which ``before`` differs from ``now``, each as 'the hidden size: 4' (translated):
    the pinned run's value."""
    if type(before) is not type(now) or not dataclasses.is_dataclass(before):
        return []
    said = []
    for item in dataclasses.fields(before):
        if item.name == "seed" or getattr(before, item.name) == getattr(now, item.name):
            continue
        label = labels.get(item.name) or (_(LEARNING_RATE) if item.name == "learning_rate" else item.name)
        said.append(_("{setting}: {value}").format(setting=label, value=setting_value(getattr(before, item.name))))
    return said


def ghost_label(shown: Pinned, run: LiveRun, labels: Mapping[str, str]) -> str:
    """'pinned run (seed 3; the hidden size: 4)': which run the ghost is and what it had that the run on screen has
    not (nothing more than the seed for this run itself)."""
    seed = getattr(shown.settings, "seed", None)
    said = [_("seed {seed}").format(seed=seed)] if seed is not None else []
    said.extend(differences(shown.settings, run.settings, labels))
    return _("pinned run ({what})").format(what="; ".join(said)) if said else _("pinned run")


def ghost(key: str, run: LiveRun, labels: Mapping[str, str]) -> Ghost | None:
    """The pinned run of screen ``key`` as the loss charts draw it, or None when none is pinned."""
    shown = pinned(key)
    if shown is None:
        return None
    curves = [
        Curve(CELL_NAMES[name] if len(shown.curves) > 1 and name in CELL_NAMES else _("training"), x, y, "")
        for name, x, y in shown.curves
    ]
    return Ghost(curves, ghost_label(shown, run, labels))


def ghost_controls(key: str, run: LiveRun, labels: Mapping[str, str]) -> Ghost | None:
    """ "Pin this run" (and "Unpin" while one is pinned) above the loss chart; returns the ghost for the chart.
    ``labels``: the settings as the page's "Changed: …" note names them."""
    shown = pinned(key)
    left, right, _rest = st.columns([1, 1, 3])
    left.button(
        _("Pin this run"),
        key=f"{key}_pin",
        on_click=pin,
        args=(key,),
        help=_(
            "Keep this run's loss curve on the chart, grey and dashed, while you change a setting and train "
            "again: the next run is drawn over it."
        ),
    )
    if shown is not None:
        right.button(_("Unpin"), key=f"{key}_unpin", on_click=unpin, args=(key,))
    return ghost(key, run, labels)
