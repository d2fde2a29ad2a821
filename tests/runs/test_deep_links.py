"""The deep-link guard leans on a private Streamlit flag; this test fails loudly the day Streamlit changes it.

Streamlit's documentation says a folder named pages/ is ignored "as soon as any session of your app executes
st.navigation", and offers no supported way to say so before the first run; the project's top level must
stay pages/. ``ui.common.run_inside_navigation`` therefore flips ``PagesManager.uses_pages_directory`` so that
a deep link as a fresh server's first request runs through streamlit_app.py (the browser test
tests/e2e/test_basics_e2e.py checks the result end to end).
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHANGED = (
    "Streamlit changed how it decides that a pages/ folder means its legacy multipage mode: revisit "
    "ui.common.run_inside_navigation (and look for a supported way to open deep links through st.navigation)."
)


@pytest.fixture
def fresh_flag():
    from streamlit.runtime.pages_manager import PagesManager

    saved = PagesManager.__dict__.get("uses_pages_directory", "missing")
    yield PagesManager
    if saved != "missing":
        PagesManager.uses_pages_directory = saved


def test_streamlit_still_decides_the_pages_folder_mode_with_the_flag_the_guard_flips(fresh_flag):
    PagesManager = fresh_flag
    assert "uses_pages_directory" in PagesManager.__dict__, CHANGED
    PagesManager.uses_pages_directory = None  # as on a fresh server, before any session ran
    PagesManager(str(ROOT / "streamlit_app.py"))
    # With our pages/ folder beside the entry point, a fresh server starts in the legacy mode: the guard is needed.
    assert PagesManager.uses_pages_directory is True, CHANGED
