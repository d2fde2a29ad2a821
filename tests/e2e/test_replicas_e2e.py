"""Two replicas behind HAProxy (deploy/replicas.py, what `make replicas` starts), in a real browser.

Two learners arrive through the proxy: each lands on its own replica (HAProxy's cookie says which), one trains
HiHello, the other uploads a CSV and trains on it (the upload is a plain HTTP request that must reach the
replica holding the learner's session), and the app works under the proxy's security headers: the browser
reports no Content-Security-Policy violation for anything of the app's own.

Then a replica dies mid-run (killed by its port, as a crash would end it): the site stays up, the learner on the
other replica trains on undisturbed, the moved learner's page reconnects to the live replica and says, in the
page's language, why the run started again from epoch 0, with the link's settings kept, and the supervisor starts
the dead replica again after its back-off. The proxy refuses an oversized upload by its length alone.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from core.reading.csv_reading import MAX_BYTES
from core.runs.status import HEADS
from core.words.i18n import _, speaking
from deploy.replicas import find_haproxy
from tests.e2e.browser import CSV_INPUT, ServerDidNotStart, stop, wait_until_healthy
from tests.e2e.conftest import (
    ROOT,
    SCREENSHOTS,
    assert_no_exception,
    free_port,
    press,
    run_status,
    shown_epoch,
    wait_for_charts,
    wait_for_epoch,
    wait_for_run_state,
    wait_until_idle,
)
from tests.e2e.test_time_series_e2e import write_csv
from ui.replica_notice import CLOSE, MOVED

pytestmark = pytest.mark.e2e
LOG = ROOT / "artifacts" / "replicas-e2e.log"


@pytest.fixture(scope="module")
def replicas():
    """deploy.replicas with 2 replicas on free ports: {"url": the proxy's, "app_ports": {"app1": port, ...}}."""
    if find_haproxy() is None:
        message = "Debian's haproxy is not installed (apt-get install -y haproxy)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: in CI the proxy test must run.")
        pytest.skip(message)
    port, first_app_port = free_port(), free_port()
    while abs(first_app_port - port) < 3:
        first_app_port = free_port()
    (ROOT / "artifacts").mkdir(exist_ok=True)
    log = open(LOG, "w")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "deploy.replicas",
            "--replicas",
            "2",
            "--port",
            str(port),
            "--first-app-port",
            str(first_app_port),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(
            url,
            process,
            seconds=150,
            ready=lambda: "replicas behind HAProxy" in LOG.read_text(),
        )
    except ServerDidNotStart as error:
        pytest.fail(f"deploy.replicas {error}; see artifacts/replicas-e2e.log")
    yield {"url": url, "app_ports": {"app1": first_app_port, "app2": first_app_port + 1}}
    stop(process, seconds=20)
    log.close()


@pytest.fixture(scope="module")
def proxy_url(replicas):
    return replicas["url"]


def learner(browser):
    """A browser context and its page, with every Content-Security-Policy violation it reports: the console's
    messages ("... violates the following Content Security policy directive ...", whatever their case) and the
    page's securitypolicyviolation events (directive and blocked address), on every page it loads."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    violations: list[str] = []
    context.expose_function("reportViolation", lambda text: violations.append(text))
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', "
        "e => window.reportViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`))"
    )
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.on(
        "console",
        lambda message: violations.append(message.text) if "content security" in message.text.lower() else None,
    )
    return context, page, violations


def blocked(violations: list[str]) -> list[str]:
    """What the CSP blocked beyond the one thing it should: Streamlit's frontend asks Google's font server for a
    status icon, a third-party request a classroom server has no reason to make (and cannot, offline)."""
    return [text for text in violations if "fonts.gstatic.com" not in text]


def replica_of(context) -> str:
    return next(cookie["value"] for cookie in context.cookies() if cookie["name"] == "RNNLAB_REPLICA")


def test_two_learners_through_the_proxy_land_on_two_replicas_and_both_work(browser, proxy_url, tmp_path):
    with urllib.request.urlopen(proxy_url, timeout=10) as response:
        headers = response.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"

    first, first_page, first_violations = learner(browser)
    first_page.goto(f"{proxy_url}/hihello")
    wait_for_run_state(first_page, ("finished",))  # a fresh visit plays the defaults
    # Round robin counts every request without a cookie (a health check, another page's first assets), so the
    # next learner may land on the same replica; new learners keep arriving until one lands on the other.
    for _attempt in range(6):
        second, second_page, second_violations = learner(browser)
        second_page.goto(f"{proxy_url}/time_series")
        if replica_of(second) != replica_of(first):
            break
        second.close()
    try:
        assert replica_of(first) != replica_of(second)
        assert wait_for_charts(first_page, at_least=3) >= 3
        assert_no_exception(first_page)

        wait_for_run_state(second_page, ("finished",))
        second_page.get_by_text("Upload your own CSV file").click()
        wait_until_idle(second_page)
        second_page.set_input_files(CSV_INPUT, str(write_csv(tmp_path / "through_the_proxy.csv")))
        wait_until_idle(second_page)
        second_page.get_by_text("What was read: 240 rows").wait_for()
        press(second_page, "Reset")
        wait_for_epoch(second_page, 0)
        press(second_page, "Run to end")
        wait_for_run_state(second_page, ("finished",))
        second_page.get_by_text("Training on the uploaded file through_the_proxy.csv").wait_for()
        assert_no_exception(second_page)

        assert replica_of(first) != replica_of(second)  # nobody was moved to the other replica on the way
        assert blocked(first_violations + second_violations) == []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        second_page.screenshot(path=str(SCREENSHOTS / "through_the_proxy.png"), full_page=True)
    finally:
        first.close()
        second.close()


# -- a replica dies mid-run ----------------------------------------------------------------------------------------
def listening_pid(port: int) -> int | None:
    """The process listening on ``port`` of this machine (Linux /proc), found as an operator would find it."""
    sockets = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                sockets.add(f"socket:[{fields[9]}]")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") in sockets for fd in os.listdir(f"/proc/{pid}/fd")):
                return int(pid)
        except OSError:  # another user's process, or one that just ended
            continue
    return None


def first_line(port: int, request: str) -> str:
    """The status line the proxy answers ``request`` (headers only: no body is ever sent) with."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request.encode())
        return connection.recv(200).decode(errors="replace").split("\r\n", 1)[0]


def status_pattern(language: str) -> str:
    """A regular expression for the status line's head in ``language`` ("Epoch 12 of 1,000"): (epoch, total)."""
    with speaking(language):
        head = re.escape(_(HEADS["epoch"]).replace("**", ""))
    return head.replace(re.escape("{number}"), "([0-9,]+)").replace(re.escape("{total}"), "([0-9,]+)")


# The epoch and the number of epochs the status line names, [-1, -1] while there is none.
EPOCH_AND_TOTAL = (
    "(pattern) => { const re = new RegExp(pattern); for (const e of document.querySelectorAll("
    "'[data-testid=\"stCaptionContainer\"]')) { const m = e.innerText.match(re); "
    "if (m) return [+m[1].replace(/,/g, ''), +m[2].replace(/,/g, '')]; } return [-1, -1]; }"
)


def pinned_to(url: str, replica: str) -> str | None:
    """Where the proxy sends a browser holding ``replica``'s cookie now: None when to that replica (HAProxy
    sets no new cookie), else the replica the new cookie names."""
    request = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": f"RNNLAB_REPLICA={replica}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        cookie = re.search(r"RNNLAB_REPLICA=(app\d+)", response.headers.get("Set-Cookie") or "")
    return cookie[1] if cookie else None


def test_a_replica_that_dies_fails_alone_and_the_moved_learner_is_told_why_the_run_restarted(browser, replicas):
    url, app_ports = replicas["url"], replicas["app_ports"]
    proxy_port = urlsplit(url).port
    with urllib.request.urlopen(url, timeout=10) as response:
        headers = response.headers
    assert headers["Server"] is None  # no banner (the app's server says "uvicorn")
    policy = headers["Content-Security-Policy"]
    assert "connect-src 'self';" in policy and "'unsafe-eval'" not in policy.split()
    # An upload longer than the app takes is refused by its length before a byte of it is sent; so is a body of
    # unknown length.
    started = time.monotonic()
    upload = f"PUT /_stcore/upload_file/session/file HTTP/1.1\r\nHost: {urlsplit(url).netloc}\r\n"
    assert first_line(proxy_port, f"{upload}Content-Length: {MAX_BYTES + 1}\r\n\r\n").split()[1] == "413"
    assert time.monotonic() - started < 5
    assert first_line(proxy_port, f"{upload}Transfer-Encoding: chunked\r\n\r\n").split()[1] == "411"

    link = {"hihello_seed": "5", "hihello_cell": "GRU", "hihello_epochs": "1000", "lang": "ko"}
    korean = status_pattern("ko")
    moved, moved_page, moved_violations = learner(browser)
    moved_page.goto(f"{url}/hihello?" + "&".join(f"{name}={value}" for name, value in link.items()))
    moved_page.wait_for_function(f"(p) => ({EPOCH_AND_TOTAL})(p)[0] >= 30", arg=korean, polling=200)
    # Another learner lands on the other replica and trains there.
    for _attempt in range(6):
        stayer, stayer_page, stayer_violations = learner(browser)
        stayer_page.goto(f"{url}/hihello")
        if replica_of(stayer) != replica_of(moved):
            break
        stayer.close()
    try:
        dead, alive = replica_of(moved), replica_of(stayer)
        assert dead != alive
        wait_for_run_state(stayer_page, ("finished",))
        epoch_before, total = moved_page.evaluate(EPOCH_AND_TOTAL, korean)
        assert 30 <= epoch_before < total == 1000, "the moved learner's run should be under way"

        pid = listening_pid(app_ports[dead])
        assert pid is not None and f"{dead} (pid {pid})" in LOG.read_text()
        os.kill(pid, signal.SIGKILL)  # as a crash would end it: no goodbye to anyone
        killed_at = time.monotonic()

        # The site stays up: a new visitor, and a browser still pinned to the dead replica, are served at once (the
        # proxy retries on the live replica; the checks mark the dead one down within 6 s).
        for cookie in ("", f"RNNLAB_REPLICA={dead}"):
            request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200

        # The moved learner's page reconnects to the live replica by itself and says why, in its language, at the
        # top of the page; the run starts again from epoch 0 with the link's settings.
        with speaking("ko"):
            notice, close = _(MOVED), _(CLOSE)
        moved_page.locator(".st-key-replica_notice").get_by_text(notice).wait_for(timeout=60_000)
        reconnected_in = time.monotonic() - killed_at
        assert replica_of(moved) == alive
        moved_page.wait_for_function(
            f"(p) => {{ const [e, t] = ({EPOCH_AND_TOTAL})(p); return e >= 0 && e < {epoch_before} && t === 1000; }}",
            arg=korean,
            timeout=30_000,
            polling=100,
        )
        assert dict(parse_qsl(urlsplit(moved_page.url).query)) == link
        assert moved_page.locator(".st-key-hihello_cell input").input_value() == "GRU"  # the controls say so too
        assert moved_page.locator(".st-key-hihello_seed input").input_value() == "5"
        assert_no_exception(moved_page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        moved_page.screenshot(path=str(SCREENSHOTS / "moved_to_another_replica.png"))

        # The other learner's session went on untouched: still its finished run, no note, and it answers.
        assert stayer_page.locator(".st-key-replica_notice").count() == 0
        assert "· finished" in run_status(stayer_page) and shown_epoch(stayer_page) == 100
        press(stayer_page, "Reset")
        wait_for_epoch(stayer_page, 0)

        # The note is the frame's: it stays above every page of the session (here Basics, whose diagram Graphviz
        # draws with WebAssembly, which the CSP allows) until the learner closes it.
        moved_page.locator('[data-testid="stSidebarNav"] a[href$="/basics"]').click()
        diagram = moved_page.locator('[data-testid="stGraphVizChart"]').first
        diagram.scroll_into_view_if_needed()
        diagram.locator("svg").first.wait_for(timeout=60_000)
        moved_page.locator(".st-key-replica_notice").get_by_text(notice).wait_for()
        moved_page.get_by_role("button", name=close).click()
        moved_page.locator(".st-key-replica_notice").wait_for(state="detached")
        assert_no_exception(moved_page)
        assert blocked(moved_violations + stayer_violations) == []

        # After its back-off the supervisor starts the dead replica again on its port, and the proxy takes it
        # back (a browser pinned to it is served by it again: no new cookie).
        deadline = killed_at + 90
        while listening_pid(app_ports[dead]) in (None, pid) or pinned_to(url, dead) is not None:
            assert time.monotonic() < deadline, f"{dead} was not back within 90 s; see artifacts/replicas-e2e.log"
            time.sleep(0.5)
        log = LOG.read_text()
        assert f"{dead} exited (code -9)" in log and f"started again: {dead} (pid " in log
        assert "stopping" not in log  # nothing else was stopped
        print(f"told in {reconnected_in:.1f} s after the kill; {dead} back after {time.monotonic() - killed_at:.1f} s")
    finally:
        moved.close()
        stayer.close()
