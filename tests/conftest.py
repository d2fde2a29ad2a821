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


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    """st.cache_data / st.cache_resource are process-global and would leak between AppTests."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield


WIDGET_KINDS = (
    "text_input",
    "slider",
    "select_slider",
    "selectbox",
    "multiselect",
    "radio",
    "checkbox",
    "number_input",
)


def widget_by_key(at, key: str | re.Pattern):
    """The first input widget whose key equals ``key`` (or fully matches it, for a compiled pattern)."""
    matches = key.fullmatch if isinstance(key, re.Pattern) else key.__eq__
    for kind in WIDGET_KINDS:
        found = [w for w in at.get(kind) if matches(getattr(w, "key", None) or "")]
        if found:
            return found[0]
    raise AssertionError(f"no widget with key {key}")
