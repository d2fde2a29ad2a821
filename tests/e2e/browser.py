"""One home for how the browser tests and the benchmarks start Chromium and a Streamlit server.

tests/e2e/conftest.py (the browser tests), tests/e2e/test_replicas_e2e.py, benchmarks/bench_live.py and
benchmarks/loadtest.py all use it. It imports neither pytest nor playwright, so a benchmark can import it cheaply.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class ServerDidNotStart(RuntimeError):
    """The server exited while starting, or did not answer its health check in time."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app_server(port: int, log=subprocess.DEVNULL, extra_args: Sequence[str] = ()) -> subprocess.Popen:
    """`streamlit run streamlit_app.py` on ``port``, headless, without a file watcher (nothing reruns mid-test)."""
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "streamlit_app.py",
        "--server.port",
        str(port),
        *extra_args,
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
    ]
    return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def wait_until_healthy(
    url: str, process: subprocess.Popen, seconds: float, ready: Callable[[], bool] = lambda: True
) -> None:
    """Return once ``url``/_stcore/health answers 200 and ``ready()`` holds; raise ServerDidNotStart if
    ``process`` exits first or ``seconds`` pass (the process is killed then)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerDidNotStart("exited during start-up")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200 and ready():
                    return
        except OSError:
            pass
        time.sleep(0.5)
    process.kill()
    raise ServerDidNotStart(f"did not answer its health check within {seconds:g} s")


def stop(process: subprocess.Popen, seconds: float) -> None:
    """Ask ``process`` to end (SIGTERM); kill it if it has not within ``seconds``."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()


def start_server(seconds: float = 120) -> tuple[subprocess.Popen, str]:
    """A healthy app server on a free port of 127.0.0.1 (and listening there only): (process, url)."""
    port = free_port()
    process = start_app_server(port, extra_args=("--server.address", "127.0.0.1"))
    url = f"http://127.0.0.1:{port}"
    wait_until_healthy(url, process, seconds)
    return process, url


# The time-series screen's CSV uploader (Streamlit marks an element's container with its key); the page has a
# second file input, the saved-run uploader, so a bare input[type=file] could pick the wrong one.
CSV_INPUT = ".st-key-time_series_upload input[type=file]"
