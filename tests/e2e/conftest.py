"""Browser tests: the real app in a real headless Chromium, driven by Playwright.

A session-scoped fixture starts ``streamlit run`` on a free port; each test opens a page, trains,
checks that the charts are drawn and that no exception is shown, and saves a full-page screenshot
under artifacts/screenshots/ (ignored by git) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# CHROMIUM, CHROMIUM_ARGS, ROOT and free_port stay importable from here too (the browser tests use them).
from tests.e2e.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    ServerDidNotStart,
    free_port,
    start_app_server,
    stop,
    wait_until_healthy,
)

SCREENSHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if path is None:
        message = "Debian's chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: in CI the browser tests must run.")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def app_url(app_server):
    return app_server["url"]


@pytest.fixture(scope="session")
def app_server():
    port = free_port()
    (ROOT / "artifacts").mkdir(exist_ok=True)
    log = open(ROOT / "artifacts" / "streamlit-e2e.log", "w")  # noqa: SIM115 - closed at teardown
    process = start_app_server(port, log, ("--browser.gatherUsageStats", "false"))
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, seconds=90)
    except ServerDidNotStart as error:
        pytest.fail(f"streamlit {error}; see artifacts/streamlit-e2e.log")
    yield {"url": url, "pid": process.pid}
    stop(process, seconds=10)
    log.close()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)
    yield page
    context.close()


def wait_until_idle(page, timeout_ms: int = 180_000) -> None:
    """Wait until Streamlit has finished the current script run (its status widget disappears)."""
    page.wait_for_timeout(500)
    try:
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms, polling=100
        )
    except Exception:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "idle_timeout.png"), full_page=True)
        raise


def assert_no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]'
    ).first.inner_text()


def expand_viewport(page) -> None:
    """Streamlit scrolls inside its main block and draws charts lazily: show the whole page at once."""
    height = page.evaluate(
        '() => Math.max(...[...document.querySelectorAll(\'[data-testid="stMain"], '
        '[data-testid="stAppViewContainer"], section.main\')].map(e => e.scrollHeight), 900)'
    )
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 80, 16000)})
    page.wait_for_timeout(800)  # plotly re-lays out on resize


def wait_for_charts(page, at_least: int) -> int:
    """Count plotly charts that have rendered (a div.js-plotly-plot holding its svg.main-svg)."""
    expand_viewport(page)
    script = "() => [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.querySelector('.main-svg')).length"
    try:
        page.wait_for_function(f"() => ({script})() >= {at_least}", timeout=120_000, polling=200)
    except Exception:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "charts_timeout.png"), full_page=True)
        raise AssertionError(f"{page.evaluate(script)} charts drawn, {at_least} expected") from None
    return page.evaluate(script)


def full_page_screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    expand_viewport(page)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), to see whether the server is computing."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


STATUS_SCRIPT = (
    "() => { const e = [...document.querySelectorAll('[data-testid=\"stCaptionContainer\"]')]"
    ".find(e => e.innerText.includes(' of computing')); return e ? e.innerText : ''; }"
)


def run_status(page) -> str:
    """The live run's status line: "Epoch 12 of 100 · playing · …"."""
    return page.evaluate(STATUS_SCRIPT)


def shown_epoch(page) -> int:
    import re

    match = re.search(r"(\d[\d,]*) of [\d,]+", run_status(page))
    return int(match.group(1).replace(",", "")) if match else -1


def wait_for_run_state(page, states=("finished",), timeout_ms: int = 180_000) -> None:
    """Wait until the status line says the run is in one of ``states`` (finished, paused, playing, ...)."""
    pattern = "|".join(states)
    page.wait_for_function(
        f"() => new RegExp('· ({pattern})').test(({STATUS_SCRIPT})())", timeout=timeout_ms, polling=200
    )
    page.wait_for_timeout(300)  # the page rerun that follows a run's end
    wait_until_idle(page)


def curve_length(page, title: str) -> int:
    """How many points the first trace of the plotly chart titled ``title`` holds right now."""
    return page.evaluate(
        "(title) => { const p = [...document.querySelectorAll('.js-plotly-plot')].find("
        "p => p.layout && p.layout.title && (p.layout.title.text || '').includes(title));"
        " return p && p.data[0] && p.data[0].x ? p.data[0].x.length : -1; }",
        title,
    )


def press(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


EPOCH_SCRIPT = (
    f"() => {{ const m = ({STATUS_SCRIPT})().match(/([0-9,]+) of/); return m ? +m[1].replace(',', '') : -1; }}"
)


def wait_for_epoch(page, epoch: int, timeout_ms: int = 30_000) -> None:
    page.wait_for_function(f"() => ({EPOCH_SCRIPT})() === {int(epoch)}", timeout=timeout_ms, polling=100)


def screenshot_while_playing(page, name: str) -> Path:
    """What the learner sees mid-run (the visible part; a full-page capture would resize the page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
