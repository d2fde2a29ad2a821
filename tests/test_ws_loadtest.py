"""The server-side load test (benchmarks/ws_loadtest.py) against a real server: two sessions that speak Streamlit's
WebSocket protocol open their screens, draw their first charts and tick their live fragments. Its timings are
reported, never asserted; what is checked is that the client still speaks the protocol the app and Streamlit
expect (a page found by its URL path, the ticker's trigger answered with a fragment rerun) and the JSON's shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_has_the_block_the_server_load_test_writes():
    readme = (ROOT / "README.md").read_text()
    assert "<!-- figures:loadtest-server:start -->" in readme
    assert "<!-- figures:loadtest-server:end -->" in readme


@pytest.mark.slow  # seconds of waiting on a timer: make test runs it, make check leaves it out
def test_two_protocol_sessions_see_their_pages_and_tick_their_runs():
    # Each session stops after its second tick (within 60 s on a busy machine): about 10 s in all.
    arguments = ["--sessions", "2", "--ticks", "2", "--seconds", "60", "--baseline-seconds", "0"]
    finished = subprocess.run(
        [sys.executable, "-m", "benchmarks.ws_loadtest", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=150,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    result = json.loads(finished.stdout)
    assert result["name"] == "ws_loadtest"
    assert "server alone" in result["measures"]
    assert "single_session" not in result  # --baseline-seconds 0
    crowd = result["concurrent"]
    assert crowd["sessions"] == 2
    assert crowd["errors"] == 0, crowd["error_details"]
    # Each session saw its page (a chart drawn) and at least one tick of its live fragment answered.
    assert crowd["sessions_without_a_chart"] == 0
    assert crowd["sessions_without_a_tick"] == 0
    assert set(crowd["per_screen"]) == {"hihello", "long_sequences"}
    for screen in crowd["per_screen"].values():
        assert screen["sessions"] == 1
        assert 1 <= screen["ticks"] <= 2
        assert screen["unit"] == "epoch"
        assert screen["tick_latency_p50_s"] > 0
    assert 0 <= crowd["waiting_share"] <= 1
    assert crowd["server_cpu_seconds"] > 0
    assert result["peak_server_rss_mb"] > 0
    assert result["total_seconds"] < 150
