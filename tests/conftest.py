"""Shared test set-up: one torch thread, and Streamlit caches cleared between tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "streamlit_app.py")
# Importing torch and training inside a script run takes far longer than AppTest's 3 s default.
APP_TIMEOUT = 120

torch.set_num_threads(1)


def pytest_report_header(config):
    from core.engine.cpu_kernels import capability_here

    return f"torch {torch.__version__}, CPU capability {capability_here()}"


def pytest_sessionstart(session):
    """A run under a forced capability (``make test`` runs the suite again under each lower one) must really use
    it: torch ignores a value the CPU cannot do, and the rerun would then test the machine's own kernels again."""
    import os

    from core.engine.cpu_kernels import VARIABLE, capability_here

    forced = os.environ.get(VARIABLE, "").strip().lower()
    if forced and forced != capability_here():
        pytest.exit(f"{VARIABLE}={forced} asked, but torch uses {capability_here()}", returncode=3)


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    """st.cache_data / st.cache_resource are process-global and would leak between AppTests."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield


@pytest.fixture(autouse=True)
def long_ticks(monkeypatch):
    """AppTest reruns the whole page for every tick (a browser reruns only the live fragment), so page tests
    compute more per tick: the same code path, fewer redraws."""
    import ui.live_run

    monkeypatch.setattr(ui.live_run, "WORK_SECONDS", 1.5)


@pytest.fixture(autouse=True)
def fresh_admission(monkeypatch):
    """The server's queue is process-global too: every test starts with an empty one."""
    import core.engine.admission

    monkeypatch.setattr(core.engine.admission, "_SHARED", None)


WIDGET_KINDS = (
    "text_input",
    "slider",
    "select_slider",
    "selectbox",
    "multiselect",
    "radio",
    "checkbox",
    "number_input",
    "text_area",
    "toggle",
)


def widget_by_key(at, key: str | re.Pattern):
    """The first input widget whose key equals ``key`` (or fully matches it, for a compiled pattern)."""
    matches = key.fullmatch if isinstance(key, re.Pattern) else key.__eq__
    for kind in WIDGET_KINDS:
        found = [w for w in at.get(kind) if matches(getattr(w, "key", None) or "")]
        if found:
            return found[0]
    raise AssertionError(f"no widget with key {key}")


def finish(at, key: str, limit: int = 1000):
    """Let a playing run tick until it pauses. AppTest has no timer: each ``run()`` is one tick of the
    live fragment (the browser's ``run_every``)."""
    for _ in range(limit):
        try:
            run = at.session_state[f"{key}_run"]
        except KeyError:
            break
        if not run.playing:
            break
        at.run()
    else:
        raise AssertionError(f"the run still plays after {limit} ticks")
    assert not at.exception, at.exception
    return at


def visit(page: str, **state):
    """A fresh session switched to ``page`` (``state`` goes into session state first). A live screen has played
    its first tick at its own speed."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT).run()
    for name, value in state.items():
        at.session_state[name] = value
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def open_screen(page: str, key: str, **state):
    """A fresh session on ``page`` (``state`` goes into session state first), switched to full speed after its
    first tick and played to the end."""
    at = visit(page, **state)
    at.selectbox(key=f"{key}_speed").set_value("full").run()
    return finish(at, key)


def setting(at, key: str, name: str):
    """The sidebar widget for setting ``name`` on the screen ``key``. Widgets tied to a table end in its tag
    (``time_series_epochs_3f2a9c1b``), those tied to a run start with ``r<number>_`` (``time_series_r2_step_ahead``)."""
    return widget_by_key(at, re.compile(rf"{re.escape(key)}_(r\d+_)?{re.escape(name)}(_[0-9a-f]{{8}})?"))


def reset_and_finish(at, key: str, **settings):
    """Set sidebar widgets (found by ``setting``), press Reset, then Run to end."""
    for name, value in settings.items():
        setting(at, key, name).set_value(value)
    at.button(key=f"{key}_reset").click().run()
    assert not at.exception, at.exception
    if at.error:  # the settings were refused: the previous run stays
        return at
    at.button(key=f"{key}_finish").click().run()
    return finish(at, key)


def live_run(at, key: str):
    return at.session_state[f"{key}_run"]


def fast_first(values, keep: int = 2) -> list:
    """Parameters for a test with many variants of one check: the first ``keep`` run in the fast tier (make check),
    the rest are marked ``slow`` (make test runs them all). Each value may be a tuple of several arguments."""
    return [
        value if i < keep else pytest.param(*(value if isinstance(value, tuple) else (value,)), marks=pytest.mark.slow)
        for i, value in enumerate(values)
    ]
