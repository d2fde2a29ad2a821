"""`make loadtest`: a classroom in one machine. Real browser sessions against a real server on 127.0.0.1.

    python -m benchmarks.loadtest [--sessions 20] [--url http://127.0.0.1:8500]

Without ``--url`` it starts its own `streamlit run` on a free port of 127.0.0.1 (with ``--url`` it drives a
server you started, e.g. `make replicas`; only loopback addresses are accepted). Each session is a tab of its
own (so its own Streamlit session: one per WebSocket; the tabs share four browser contexts) on one of the
screens, in turn: HiHello, Long sequences, Time series with an uploaded CSV, RNN vs LSTM/GRU, Basics. A session
opens its screen, waits for its first chart, presses Run to end and waits until the run has finished (Basics has
no run: it is done when its charts are drawn). First every screen runs once alone (the single-session baseline),
then all sessions at once. It prints JSON: sessions, errors, p50/p95 times to the first chart and to a finished
run (overall and per screen), throughput against the single session, peak server RSS, and the CPU time the
server and the browsers used. Timings are reported, never asserted. The browsers share the machine's cores with
the server (and use most of them), so the figures are an upper bound of the server's own latency.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from core.screens import basics, time_series
from core.screens.registry import screens
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, CSV_INPUT, start_server

ROOT = Path(__file__).resolve().parents[1]
UPLOAD = f"{time_series.KEY}_upload"  # the Time series screen, on a CSV file the learner uploads
# Every screen by its key (Time series on an upload), Basics last: it trains nothing.
SCREENS = (
    *(UPLOAD if entry.key == time_series.KEY else entry.key for entry in screens() if entry.key != basics.KEY),
    basics.KEY,
)
SESSION_TIMEOUT_S = 240
TOTAL_LIMIT_S = 275  # the whole load test, the server's start included, stays under five minutes
CLICK_TIMEOUT_S = 30
CONTEXTS = 4  # browser contexts the sessions' tabs are spread over (see drive)
BROWSER_NICENESS = 10

CHARTS = "() => [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.querySelector('.main-svg')).length"
STATUS = (
    "() => { const e = [...document.querySelectorAll('[data-testid=\"stCaptionContainer\"]')]"
    ".find(e => e.innerText.includes(' of computing')); return e ? e.innerText : ''; }"
)
PROBLEMS = (
    '() => [...document.querySelectorAll(\'[data-testid="stException"], [data-testid="stAlertContentError"]\')]'
    ".map(e => e.innerText.slice(0, 200))"
)


@dataclass
class Outcome:
    screen: str
    first_chart_s: float | None = None
    finished_s: float | None = None
    error: str | None = None
    last_status: str = ""  # the run's status line when last read: where an unfinished session stood


def sample_csv(folder: Path) -> Path:
    lines = ["Date,Temperature,Sales"]
    for day in range(240):
        lines.append(
            f"2024-{1 + day // 28:02d}-{1 + day % 28:02d},{20 + 8 * math.sin(day / 5):.2f},"
            f"{100 + 30 * math.sin(day / 3) + 0.2 * day:.2f}"
        )
    path = folder / "classroom.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


async def poll(page, script: str, until, timeout_s: float, every_s: float = 0.25, outcome: Outcome | None = None):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = await page.evaluate(script)
        if outcome is not None:
            outcome.last_status = value[:160]
        if until(value):
            return value
        await asyncio.sleep(every_s)
    raise TimeoutError(f"gave up after {timeout_s:.0f} s waiting for {script[:60]}…")


async def press(page, name: str) -> None:
    await page.get_by_role("button", name=name, exact=True).click()


async def run_to_end(page) -> None:
    """Press Run to end, unless the run ends first (then the button is disabled and a click would wait)."""
    button = page.get_by_role("button", name="Run to end", exact=True)
    try:
        # A busy browser takes a while to answer: the click waits for the button to be drawn and steady.
        await button.click(timeout=CLICK_TIMEOUT_S * 1000)
    except Exception:
        if "· finished" not in await page.evaluate(STATUS):
            raise


async def one_session(context, base_url: str, screen: str, csv: Path, timeout_s: float) -> Outcome:
    """One learner's visit (a tab of ``context``), given up (and counted as an error) after ``timeout_s``."""
    outcome = Outcome(screen)
    try:
        await asyncio.wait_for(visit(context, base_url, screen, csv, outcome), timeout=max(timeout_s, 1))
    except TimeoutError:
        outcome.error = outcome.error or f"TimeoutError: unfinished after {timeout_s:.0f} s"
    print(f"  {screen}: {asdict(outcome)}", file=sys.stderr, flush=True)
    return outcome


async def visit(context, base_url: str, screen: str, csv: Path, outcome: Outcome) -> None:
    page = await context.new_page()
    page.set_default_timeout(SESSION_TIMEOUT_S * 1000)
    started = time.monotonic()
    try:
        path = time_series.KEY if screen == UPLOAD else screen
        await page.goto(f"{base_url}/{path}")
        await poll(page, CHARTS, lambda n: n >= 1, SESSION_TIMEOUT_S)
        outcome.first_chart_s = round(time.monotonic() - started, 2)
        if screen != basics.KEY:
            if screen == UPLOAD:
                # The sample plays first.
                await poll(page, STATUS, lambda s: "· finished" in s, SESSION_TIMEOUT_S, outcome=outcome)
                await page.get_by_text("Upload your own CSV file").click()
                await page.set_input_files(CSV_INPUT, str(csv))
                await page.get_by_text("What was read: 240 rows").wait_for()
                await press(page, "Reset")
                await poll(page, STATUS, lambda s: "· paused" in s, SESSION_TIMEOUT_S, outcome=outcome)
            await poll(page, STATUS, lambda s: s != "", SESSION_TIMEOUT_S, outcome=outcome)
            await run_to_end(page)
            await poll(page, STATUS, lambda s: "· finished" in s, SESSION_TIMEOUT_S, outcome=outcome)
        outcome.finished_s = round(time.monotonic() - started, 2)
        problems = await page.evaluate(PROBLEMS)
        if problems:
            outcome.error = "shown on the page: " + " | ".join(problems)
    except Exception as error:  # a session that failed is counted and described, never raised
        outcome.error = f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
    finally:
        await page.close()


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)], 2)


def summary(outcomes: list[Outcome], wall_s: float) -> dict:
    first = [o.first_chart_s for o in outcomes if o.first_chart_s is not None]
    done = [o.finished_s for o in outcomes if o.finished_s is not None and o.error is None]
    per_screen = {}
    for screen in SCREENS:
        times = [o.finished_s for o in outcomes if o.screen == screen and o.finished_s is not None and not o.error]
        if times:
            per_screen[screen] = {
                "runs": len(times),
                "p50_finished_s": percentile(times, 0.5),
                "p95_finished_s": percentile(times, 0.95),
            }
    return {
        "sessions": len(outcomes),
        "errors": sum(1 for o in outcomes if o.error),
        "wall_seconds": round(wall_s, 1),
        "finished_runs_per_minute": round(60 * len(done) / wall_s, 2) if wall_s else None,
        "first_chart_p50_s": percentile(first, 0.5),
        "first_chart_p95_s": percentile(first, 0.95),
        "finished_p50_s": percentile(done, 0.5),
        "finished_p95_s": percentile(done, 0.95),
        "per_screen": per_screen,
        "error_details": [asdict(o) for o in outcomes if o.error],
    }


class Watch:
    """Five times a second: the server's resident memory (its peak) and the CPU time of every Chromium process.

    A browser tab's process exits when the tab closes, and its CPU time with it, so each process's last reading is
    kept: ``browser_cpu_seconds()`` is what every Chromium process seen so far has used."""

    def __init__(self, pid: int | None) -> None:
        self.pid, self.peak_mb, self._stop = pid, 0.0, threading.Event()
        self._browser: dict[int, float] = {}
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            if self.pid:
                try:
                    for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            self.peak_mb = max(self.peak_mb, int(line.split()[1]) / 1024)
                except OSError:
                    pass
            for pid, seconds in chromium_cpu().items():
                self._browser[pid] = max(seconds, self._browser.get(pid, 0.0))
            self._stop.wait(0.2)

    def browser_cpu_seconds(self) -> float:
        return sum(self._browser.values())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join(timeout=2)


def chromium_cpu() -> dict[int, float]:
    """CPU seconds of each Chromium process now (Linux /proc); the browsers share the cores with the server."""
    from tests.e2e.conftest import cpu_seconds

    found = {}
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().startswith(("chrom", "headless")):
                found[int(entry.name)] = cpu_seconds(int(entry.name))
        except OSError:
            continue  # the process ended meanwhile
    return found


def server_cpu_seconds(pid: int | None) -> float | None:
    if not pid:
        return None
    from tests.e2e.conftest import cpu_seconds

    return cpu_seconds(pid)


async def drive(url: str, sessions: int, csv: Path, watch: Watch, pid: int | None = None) -> dict:
    from playwright.async_api import async_playwright

    deadline = time.monotonic() + TOTAL_LIMIT_S

    def left(most: float = SESSION_TIMEOUT_S) -> float:
        return min(most, deadline - time.monotonic())

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        # Each session is its own tab, so its own Streamlit session (one per WebSocket); the tabs share a few browser
        # contexts, as the learners' machines each keep the app's scripts in their own cache. One context per tab
        # made every tab parse and compile the app's 10 MB of JavaScript again, on the server's two cores.
        contexts = [
            await browser.new_context(viewport={"width": 1000, "height": 700}) for _ in range(min(CONTEXTS, sessions))
        ]
        # Warm-up (torch's import, the first page; each context's cache) and the single-session baseline: one
        # screen at a time.
        print("warm-up", file=sys.stderr, flush=True)
        await asyncio.gather(*(one_session(context, url, basics.KEY, csv, left()) for context in contexts))
        print("single sessions, one after another", file=sys.stderr, flush=True)
        started = time.monotonic()
        alone = [await one_session(contexts[0], url, screen, csv, left(90)) for screen in SCREENS]
        alone_summary = summary(alone, time.monotonic() - started)
        print(f"{sessions} sessions at once", file=sys.stderr, flush=True)
        started = time.monotonic()
        server_before, browser_before = server_cpu_seconds(pid), watch.browser_cpu_seconds()
        budget = left()
        together = await asyncio.gather(
            *(
                one_session(contexts[i % len(contexts)], url, SCREENS[i % len(SCREENS)], csv, budget)
                for i in range(sessions)
            )
        )
        together_summary = summary(list(together), time.monotonic() - started)
        server_after, browser_after = server_cpu_seconds(pid), watch.browser_cpu_seconds()
        together_summary["browser_cpu_seconds"] = round(browser_after - browser_before, 1)
        if server_before is not None:
            together_summary["server_cpu_seconds"] = round(server_after - server_before, 1)
        await browser.close()
    alone_rate, together_rate = alone_summary["finished_runs_per_minute"], together_summary["finished_runs_per_minute"]
    starved = together_summary["finished_p95_s"], together_summary["finished_p50_s"]
    return {
        "single_session": alone_summary,
        "concurrent": together_summary,
        "throughput_against_single_session": round(together_rate / alone_rate, 2) if alone_rate else None,
        "p95_over_p50_finished": round(starved[0] / starved[1], 2) if all(starved) else None,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="RNN Lab load test (real browsers, loopback only)")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--url", default=None, help="a running server on 127.0.0.1; default: start one")
    parser.add_argument("--readme", action="store_true", help="also write the result into README.md's figures block")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        raise SystemExit("Debian's chromium is needed: apt-get install -y chromium")
    server, url, pid = None, args.url, None
    if url is None:
        server, url = start_server()
        pid = server.pid
    elif urllib.parse.urlparse(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("the load test only drives servers on this machine's loopback address")
    started = time.monotonic()
    # The browsers stand in for the learners' own machines, yet here they share the server's cores: at the same
    # priority, twenty tabs' processes took the CPU from the server (measured: 0.37 of 2 cores for the server, 1.3
    # for the browsers, while the runs waited). Lower priority for this process and the browsers it starts lets
    # the server compute as it would with its machine to itself; the browsers draw with what it leaves.
    os.nice(BROWSER_NICENESS)
    try:
        with tempfile.TemporaryDirectory() as folder, Watch(pid) as watch:
            result = asyncio.run(drive(url, args.sessions, sample_csv(Path(folder)), watch, pid))
        result["peak_server_rss_mb"] = round(watch.peak_mb, 1) if pid else "not measured (external server)"
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
    result.update(
        name="loadtest",
        machine=f"{platform.machine()}, {os.cpu_count()} cores",
        admission_slots=os.environ.get("RNNLAB_MAX_TRAININGS", f"default ({os.cpu_count()})"),
        browser_niceness=BROWSER_NICENESS,
        total_seconds=round(time.monotonic() - started, 1),
    )
    print(json.dumps(result, indent=2))
    if args.readme:
        write_readme(result)


def write_readme(result: dict, target: str = "loadtest", clients: str = "the browsers ran on the same cores") -> None:
    """The measured figures go into the README (between its ``target`` markers) as the load test printed them, never
    typed by hand; ``clients`` says where the clients ran (this one and benchmarks.ws_loadtest share it)."""
    from scripts.readme_figures import replace_block

    readme = ROOT / "README.md"
    shown = {key: value for key, value in result.items() if key != "name"}
    block = (
        f"Measured by `make {target}` on {time.strftime('%Y-%m-%d')} ({result['machine']}, one server process; "
        f"{clients}):\n\n```json\n" + json.dumps(shown, indent=2) + "\n```"
    )
    readme.write_text(replace_block(readme.read_text(), target, block))


if __name__ == "__main__":
    main()
