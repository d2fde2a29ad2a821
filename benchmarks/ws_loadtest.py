"""`make loadtest-server`: a classroom without browsers. Sessions that speak Streamlit's WebSocket protocol to a
real server on 127.0.0.1, so one machine can drive 50–100 of them and measure the server alone.

    python -m benchmarks.ws_loadtest [--sessions 50] [--seconds 150] [--baseline-seconds 40] [--ticks 0]
                                     [--url http://127.0.0.1:8501] [--readme]

Without ``--url`` it starts its own `streamlit run` on a free port of 127.0.0.1 (``tests.e2e.browser``, as `make
loadtest` does; the server's log is shown when a session met an error); with ``--url`` it drives a server you
started (loopback addresses only; the server's memory and CPU are then not measured). Each session is one WebSocket
at ``/_stcore/stream`` (one Streamlit session), on one of the training screens in turn: HiHello, Long sequences,
RNN vs LSTM/GRU. It sends what the browser sends:

1. on opening the page, a ``BackMsg.rerun_script`` whose ``ClientState`` names the page by its URL path
   (``page_name``, as the browser does for /hihello before it knows the page's hash) with an empty
   ``page_script_hash``; the server answers with ``new_session`` (which gives the page's script hash), the page's
   ``delta`` messages and ``script_finished``. The first visit of a training screen builds the default run and plays
   it (``ui.live.drive``);
2. for every tick of the live fragment, what ``ui.ticker``'s component sends once its wait is over: a
   ``rerun_script`` with the page's ``page_script_hash``, the ``fragment_id`` of the delta that drew the ticker, and
   one widget state, the component's trigger (id ``$$STREAMLIT_INTERNAL_KEY_<element id>__events``,
   ``json_trigger_value`` ``[{"event": "tick", "value": <the tick the component was drawn with>}]``), plus the
   browser's query string and context (time zone, locale, URL). The browser's other widget states are left out: the
   server keeps a widget's last value when a rerun does not name it, and none of them changes here. The tick is sent
   ``data.seconds`` after the ticker was drawn (``ui.live_run.tick_seconds``: the server's own pace under load) and
   not before the run that drew it has finished: the client draws nothing, so it is the fastest browser there is.

A session ends when its run has finished (the full-page rerun after the last tick draws no ticker), when its time is up
(``--seconds``; then it closes its WebSocket, as a closed tab does), after ``--ticks`` ticks (0: no limit), or when its
connection closes. An exception or error alert on the page counts as the session's error, and the page plays on as it
does in a browser. Measured per session: the time to the first delta and to the first chart (the first ``plotly_chart``
element), each tick's latency (the rerun request sent → its ``script_finished`` received; split at the first element the
fragment draws, after the queue and the computing), how many ticks said "waiting for a free slot" in the status line
(``core.engine.admission``), the pace the server asked for, and the epochs (or steps) the run reached per second; for
the
server (a process this script started): peak resident memory (``VmHWM``), its memory before the crowd came, its CPU time
and how long its threads waited for a core; and the whole machine's busy cores (other work on the machine shows there).
The clients are asyncio coroutines in one Python process (their own CPU time is reported beside the server's). One
session and one tick warm the server up; then each screen plays alone (the single-session baseline,
``--baseline-seconds`` each; 0: none), then every session at once. It prints JSON; timings are reported, never asserted.
It stops itself within five minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import re
import resource
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from pathlib import Path

from core.screens import time_series
from core.screens.registry import training_screens

ROOT = Path(__file__).resolve().parents[1]
# The training screens by their keys (the URL path of each page), Time series left out as before (loadtest.py
# drives it, on an upload).
SCREENS = tuple(entry.key for entry in training_screens() if entry.key != time_series.KEY)
SESSION_SECONDS = 150  # the most a session of the crowd plays (from its arrival); a run need not finish
BASELINE_SECONDS = 40  # the most one screen plays alone in the single-session baseline
TOTAL_LIMIT_S = 285  # the whole load test, the server's start included, stays under five minutes
TICKER = "rnnlab.ticker"  # ui.ticker's component
INTERNAL_KEY_PREFIX = "$$STREAMLIT_INTERNAL_KEY"  # streamlit.runtime.state.session_state.STREAMLIT_INTERNAL_KEY_PREFIX
WAITING = "waiting for a free slot"  # core.runs.status.state_words, while every computing slot is taken
STATUS = re.compile(r"\*\*(Epoch|Step) ([\d,]+) of ([\d,]+)\*\*")  # the head of core.runs.status.status_sentence
MEASURES = (
    "The server alone: one Streamlit process on 127.0.0.1 driven by sessions that speak its WebSocket protocol "
    "(no browsers: the clients are asyncio coroutines in one Python process, which draw nothing and ask for each "
    "tick as soon as the server's pace allows). Tick latency is a fragment rerun's request to its script_finished; "
    "waiting ticks are those whose status line said 'waiting for a free slot'; CPU and memory are the server "
    "process's own."
)


@dataclass
class Outcome:
    """One session: what it saw of its page and of its run's ticks."""

    screen: str
    first_delta_s: float | None = None
    first_chart_s: float | None = None
    finished_s: float | None = None
    ticks: int = 0  # fragment reruns asked for and answered
    waiting_ticks: int = 0
    unit: str = ""  # "epoch" or "step"
    units_reached: int = 0
    total_units: int = 0
    units_per_second: float | None = None  # from the first status line to the last
    longest_stall_s: float | None = None  # the longest time between two ticks that advanced the run
    error: str | None = None
    last_status: str = ""
    tick_latencies: list[float] = field(default_factory=list)
    # Each answered tick split in two: request → the first element its fragment draws (the server's queue for a
    # computing slot and the computing chunk, ui.live_run.tick, come before anything is drawn), and that element →
    # script_finished (drawing the views).
    tick_computing: list[float] = field(default_factory=list)
    tick_drawing: list[float] = field(default_factory=list)
    waiting_tick_latencies: list[float] = field(default_factory=list)
    tick_intervals: list[float] = field(default_factory=list)  # the seconds each ticker asked the client to wait

    def shown(self) -> dict:
        """The session without its lists (for the log and the error details)."""
        return {key: value for key, value in asdict(self).items() if not isinstance(value, list)}


@dataclass
class Ticker:
    """The live fragment's ticker as last drawn: the trigger to send back, and when."""

    widget_id: str
    fragment_id: str
    tick: object
    ask_at: float
    seconds: float


class Page:
    """One browser tab's view of a page: the page's hash, its query string, the run's state from the deltas."""

    def __init__(self, screen: str, base_url: str) -> None:
        self.screen, self.base_url = screen, base_url
        self.page_hash = ""
        self.query_string = ""
        self.ticker: Ticker | None = None  # drawn by the run now being read
        self.status = ""  # the run's status line, as last drawn
        # A fragment's rerun first resends the fragment's own container, before its body runs; the first delta
        # inside it is the first thing the body drew, after the tick's computing.
        self.container_path: list[int] | None = None
        self.drawing_from: float | None = None

    def rerun(self, fragment: Ticker | None = None) -> bytes:
        """The BackMsg the browser sends: opening the page (no ticker), or the ticker's trigger."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        if self.page_hash:
            state.page_script_hash = self.page_hash
        else:
            state.page_name = self.screen  # the URL path: the browser does not know the page's hash yet
        context = state.context_info
        context.timezone, context.timezone_offset, context.locale = "UTC", 0, "en-US"
        context.url = f"{self.base_url}/{self.screen}" + (f"?{self.query_string}" if self.query_string else "")
        context.color_scheme = "light"
        if fragment is not None:
            state.fragment_id = fragment.fragment_id
            widget = state.widget_states.widgets.add()
            widget.id = fragment.widget_id
            widget.json_trigger_value = json.dumps([{"event": "tick", "value": fragment.tick}])
        return message.SerializeToString()

    def read(self, message, now: float, outcome: Outcome, started: float) -> None:
        """Take in one ForwardMsg's news for the page."""
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.page_hash = message.new_session.page_script_hash or self.page_hash
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "ref_hash":
            # A reference to a message the browser is supposed to have cached; the app sends none
            # (.streamlit/config.toml: global.minCachedMessageSize), and this client caches nothing.
            outcome.error = outcome.error or "the server sent a cached-message reference (minCachedMessageSize)"
        elif kind == "delta":
            if outcome.first_delta_s is None:
                outcome.first_delta_s = round(now - started, 2)
            path = list(message.metadata.delta_path)
            if self.container_path is None:
                self.container_path = path
            elif self.drawing_from is None and len(path) > len(self.container_path):
                self.drawing_from = now
            delta = message.delta
            if delta.WhichOneof("type") != "new_element":
                return
            element = delta.new_element
            what = element.WhichOneof("type")
            if what == "plotly_chart" and outcome.first_chart_s is None:
                outcome.first_chart_s = round(now - started, 2)
            elif what == "markdown" and STATUS.search(element.markdown.body):
                self.status = element.markdown.body
            elif what == "exception":
                outcome.error = outcome.error or f"exception on the page: {element.exception.message[:200]}"
            elif what == "alert" and element.alert.format == element.alert.ERROR:
                outcome.error = outcome.error or f"error on the page: {element.alert.body[:200]}"
            elif what == "bidi_component" and element.bidi_component.component_name == TICKER:
                component = element.bidi_component
                data = json.loads(component.json or component.mixed.json or "{}")
                seconds = float(data.get("seconds", 0))
                self.ticker = Ticker(
                    widget_id=f"{INTERNAL_KEY_PREFIX}_{component.id}__events",
                    fragment_id=delta.fragment_id,
                    tick=data.get("tick"),
                    ask_at=now + seconds,
                    seconds=seconds,
                )


class Progress:
    """The run's epochs (or steps) over time, from the status lines: its pace and its longest stall."""

    def __init__(self) -> None:
        self.first: tuple[float, int] | None = None
        self.last: tuple[float, int] | None = None
        self.longest_stall = 0.0

    def saw(self, status: str, now: float, outcome: Outcome) -> None:
        found = STATUS.search(status)
        if not found:
            return
        unit = "step" if found.group(1) == "Step" else "epoch"
        reached, total = int(found.group(2).replace(",", "")), int(found.group(3).replace(",", ""))
        outcome.unit, outcome.units_reached, outcome.total_units = unit, reached, total
        if self.first is None:
            self.first = self.last = (now, reached)
            return
        if reached > self.last[1]:
            self.longest_stall = max(self.longest_stall, now - self.last[0])
            self.last = (now, reached)
        elapsed = self.last[0] - self.first[0]
        if elapsed > 0:
            outcome.units_per_second = round((self.last[1] - self.first[1]) / elapsed, 2)
        outcome.longest_stall_s = round(self.longest_stall, 2)


async def visit(url: str, screen: str, outcome: Outcome, deadline: float, most_ticks: int = 0) -> None:
    """One learner's visit: open the screen, then tick its live fragment until the run has finished, time is up, or
    ``most_ticks`` ticks were answered (0: no limit)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    finished_code = ForwardMsg.ScriptFinishedStatus
    page, progress = Page(screen, url), Progress()
    stream = urllib.parse.urlparse(url)._replace(scheme="ws", path="/_stcore/stream").geturl()
    started = time.monotonic()
    # No client pings: a browser sends none, and a busy server may answer late.
    async with connect(stream, subprotocols=["streamlit"], max_size=None, ping_interval=None) as socket:
        await socket.send(page.rerun())
        asked_at: float | None = None  # when the tick now being answered was asked for
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            try:
                raw = await asyncio.wait_for(socket.recv(), timeout=left)
            except TimeoutError:
                return
            now = time.monotonic()
            message = ForwardMsg()
            message.ParseFromString(raw)
            page.read(message, now, outcome, started)  # an error on the page is counted; the page plays on
            if message.WhichOneof("type") != "script_finished":
                continue
            if message.script_finished == finished_code.FINISHED_WITH_COMPILE_ERROR:
                outcome.error = "the page's script did not compile"
                return
            if asked_at is not None:  # the first run to end after the request answers it (a rerun may follow)
                outcome.ticks += 1
                outcome.tick_latencies.append(now - asked_at)
                drawn_from = page.drawing_from or now
                outcome.tick_computing.append(drawn_from - asked_at)
                outcome.tick_drawing.append(now - drawn_from)
                if WAITING in page.status:
                    outcome.waiting_ticks += 1
                    outcome.waiting_tick_latencies.append(now - asked_at)
                asked_at = None
            outcome.last_status = page.status[:160]
            progress.saw(page.status, now, outcome)
            if message.script_finished == finished_code.FINISHED_EARLY_FOR_RERUN:
                page.ticker = None  # the server reruns at once (st.rerun): the rerun draws the page's ticker again
                continue
            ticker, page.ticker = page.ticker, None
            if ticker is None:
                # Nothing asks for another tick: the run stopped playing (finished, or this page is not a live one).
                if "· finished" in page.status:
                    outcome.finished_s = round(now - started, 2)
                return
            if most_ticks and outcome.ticks >= most_ticks:
                return
            outcome.tick_intervals.append(ticker.seconds)
            wait = ticker.ask_at - time.monotonic()
            if wait > deadline - time.monotonic():
                return
            if wait > 0:
                await asyncio.sleep(wait)
            asked_at, page.container_path, page.drawing_from = time.monotonic(), None, None
            await socket.send(page.rerun(ticker))


async def one_session(url: str, screen: str, seconds: float, most_ticks: int = 0) -> Outcome:
    """One session, given up after ``seconds`` (time up is not an error: a run need not finish)."""
    outcome = Outcome(screen)
    try:
        await visit(url, screen, outcome, time.monotonic() + max(seconds, 1), most_ticks)
    except Exception as error:  # a session that failed is counted and described, never raised
        outcome.error = f"{type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"
    print(f"  {screen}: {outcome.shown()}", file=sys.stderr, flush=True)
    return outcome


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)], 2)


def tick_figures(outcomes: list[Outcome]) -> dict:
    latencies = [s for o in outcomes for s in o.tick_latencies]
    ticks = sum(o.ticks for o in outcomes)
    waiting = sum(o.waiting_ticks for o in outcomes)
    return {
        "ticks": ticks,
        "tick_latency_p50_s": percentile(latencies, 0.5),
        "tick_latency_p95_s": percentile(latencies, 0.95),
        "tick_latency_max_s": round(max(latencies), 2) if latencies else None,
        "tick_queue_and_computing_p50_s": percentile([s for o in outcomes for s in o.tick_computing], 0.5),
        "tick_drawing_p50_s": percentile([s for o in outcomes for s in o.tick_drawing], 0.5),
        "tick_drawing_p95_s": percentile([s for o in outcomes for s in o.tick_drawing], 0.95),
        "ticks_waiting_for_a_slot": waiting,
        "waiting_share": round(waiting / ticks, 2) if ticks else None,
        "waiting_tick_latency_p50_s": percentile([s for o in outcomes for s in o.waiting_tick_latencies], 0.5),
    }


def summary(outcomes: list[Outcome], wall_s: float) -> dict:
    first_delta = [o.first_delta_s for o in outcomes if o.first_delta_s is not None]
    first_chart = [o.first_chart_s for o in outcomes if o.first_chart_s is not None]
    finished = [o.finished_s for o in outcomes if o.finished_s is not None and o.error is None]
    intervals = [s for o in outcomes for s in o.tick_intervals]
    stalls = [o.longest_stall_s for o in outcomes if o.longest_stall_s is not None]
    per_screen = {}
    for screen in SCREENS:
        mine = [o for o in outcomes if o.screen == screen]
        if not mine:
            continue
        paces = [o.units_per_second for o in mine if o.units_per_second is not None]
        progress = [o.units_reached / o.total_units for o in mine if o.total_units]
        done = [o.finished_s for o in mine if o.finished_s is not None and not o.error]
        per_screen[screen] = {
            "sessions": len(mine),
            "first_chart_p50_s": percentile([o.first_chart_s for o in mine if o.first_chart_s is not None], 0.5),
            "ticks": sum(o.ticks for o in mine),
            "tick_latency_p50_s": percentile([s for o in mine for s in o.tick_latencies], 0.5),
            "tick_latency_p95_s": percentile([s for o in mine for s in o.tick_latencies], 0.95),
            "waiting_share": tick_figures(mine)["waiting_share"],
            "unit": next((o.unit for o in mine if o.unit), ""),
            "units_per_second_p50": percentile(paces, 0.5),
            "units_per_second_min": round(min(paces), 2) if paces else None,
            "share_of_the_run_reached_p50": percentile(progress, 0.5),
            "finished_runs": len(done),
            "p50_finished_s": percentile(done, 0.5),
        }
    return {
        "sessions": len(outcomes),
        "errors": sum(1 for o in outcomes if o.error),
        "wall_seconds": round(wall_s, 1),
        "first_delta_p50_s": percentile(first_delta, 0.5),
        "first_delta_p95_s": percentile(first_delta, 0.95),
        "first_chart_p50_s": percentile(first_chart, 0.5),
        "first_chart_p95_s": percentile(first_chart, 0.95),
        **tick_figures(outcomes),
        "tick_interval_asked_p50_s": percentile(intervals, 0.5),
        "longest_stall_p50_s": percentile(stalls, 0.5),
        "longest_stall_max_s": round(max(stalls), 2) if stalls else None,
        "sessions_without_a_chart": sum(1 for o in outcomes if o.first_chart_s is None),
        "sessions_without_a_tick": sum(1 for o in outcomes if o.ticks == 0),
        "finished_runs": len(finished),
        "finished_p50_s": percentile(finished, 0.5),
        "per_screen": per_screen,
        "error_details": [o.shown() for o in outcomes if o.error],
    }


# -- the server process, from /proc (Linux) ------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int, field_name: str) -> float:
    """``VmRSS`` (resident now) or ``VmHWM`` (the peak so far) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field_name}:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine so far (/proc/stat), in clock ticks: every process counts."""
    counts = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = counts[3] + counts[4]  # idle, iowait
    return sum(counts) - idle, sum(counts)


class Meter:
    """What a crowd costs, from its start to its end: this client's CPU time, the whole machine's, and, for a server
    this script started, its CPU time, its memory before, and how long its threads waited, ready to run, for a core.

    The wait is the second field of /proc/<pid>/task/<tid>/schedstat, read twice a second: a server that waits for a
    core shares the machine with other work; one that waits for none yet leaves cores idle is held back by itself
    (its one Python interpreter, its queue). A thread's figure goes with it when it ends, so its last reading is kept.
    """

    def __init__(self, pid: int | None) -> None:
        self.pid, self.waited_ns, self.figures = pid, {}, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def waited_seconds(self) -> float:
        try:
            tasks = list(Path(f"/proc/{self.pid}/task").iterdir())
        except OSError:
            tasks = []
        for task in tasks:
            try:
                waited = int((task / "schedstat").read_text().split()[1])
            except (OSError, IndexError, ValueError):
                continue  # the thread ended meanwhile
            self.waited_ns[task.name] = max(waited, self.waited_ns.get(task.name, 0))
        return sum(self.waited_ns.values()) / 1e9

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            self.waited_seconds()

    def __enter__(self):
        self.started, self.client, self.machine = time.monotonic(), own_cpu_seconds(), machine_jiffies()
        if self.pid:
            self.rss_before, self.server, self.waited = memory_mb(self.pid, "VmRSS"), cpu_seconds(self.pid), 0.0
            self.waited = self.waited_seconds()
            self._thread.start()
        return self

    def __exit__(self, *_):
        wall = time.monotonic() - self.started
        busy, total = (after - before for after, before in zip(machine_jiffies(), self.machine, strict=True))
        self.figures = {
            "client_cpu_seconds": round(own_cpu_seconds() - self.client, 1),
            # Every process's CPU time over the crowd's minutes: the server, this client and anything else running.
            "machine_cores_busy": round((os.cpu_count() or 1) * busy / total, 2) if total else None,
        }
        if self.pid:
            self._stop.set()
            self._thread.join(timeout=2)
            server = cpu_seconds(self.pid) - self.server
            self.figures.update(
                server_cpu_seconds=round(server, 1),
                server_cores_busy=round(server / wall, 2),
                server_waited_for_a_core_seconds=round(self.waited_seconds() - self.waited, 1),
                server_rss_before_mb=self.rss_before,
            )


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def drive(
    url: str, sessions: int, seconds: float, baseline_seconds: float, pid: int | None, most_ticks: int = 0
) -> dict:
    deadline = time.monotonic() + TOTAL_LIMIT_S

    def left(most: float) -> float:
        return max(1.0, min(most, deadline - time.monotonic() - 5))

    result: dict = {}
    # The first page imports torch and plotly on the server: one session and one tick warm it up (and the server's
    # memory before the crowd is then that of a server in use).
    print("warm-up", file=sys.stderr, flush=True)
    await one_session(url, SCREENS[0], left(60), most_ticks=1)
    if baseline_seconds > 0:
        print("single sessions, one after another", file=sys.stderr, flush=True)
        started = time.monotonic()
        alone = [await one_session(url, screen, left(baseline_seconds)) for screen in SCREENS]
        result["single_session"] = summary(alone, time.monotonic() - started)
    print(f"{sessions} sessions at once", file=sys.stderr, flush=True)
    budget = left(seconds)
    started = time.monotonic()
    with Meter(pid) as meter:
        together = await asyncio.gather(
            *(one_session(url, SCREENS[i % len(SCREENS)], budget, most_ticks) for i in range(sessions))
        )
    crowd = {**summary(list(together), time.monotonic() - started), **meter.figures}
    result["concurrent"] = crowd
    alone_p50 = result.get("single_session", {}).get("tick_latency_p50_s")
    if alone_p50 and crowd["tick_latency_p50_s"]:
        result["tick_latency_p50_against_single_session"] = round(crowd["tick_latency_p50_s"] / alone_p50, 1)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="RNN Lab server-side load test (Streamlit's WebSocket protocol)")
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=SESSION_SECONDS, help="the most a session of the crowd plays")
    parser.add_argument(
        "--baseline-seconds",
        type=float,
        default=BASELINE_SECONDS,
        help="the most each screen plays alone first (0: no single-session baseline)",
    )
    parser.add_argument("--ticks", type=int, default=0, help="a session of the crowd stops after this many ticks")
    parser.add_argument("--url", default=None, help="a running server on 127.0.0.1; default: start one")
    parser.add_argument("--readme", action="store_true", help="also write the result into README.md's figures block")
    args = parser.parse_args(argv)
    if args.url is not None and urllib.parse.urlparse(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("the load test only drives servers on this machine's loopback address")
    from tests.e2e.browser import free_port, start_app_server, stop, wait_until_healthy

    started = time.monotonic()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    server, url, pid = None, args.url, None
    with tempfile.TemporaryFile("w+") as log:
        if url is None:
            port = free_port()
            server = start_app_server(port, log=log, extra_args=("--server.address", "127.0.0.1"))
            url, pid = f"http://127.0.0.1:{port}", server.pid
            wait_until_healthy(url, server, 120)
        try:
            result = asyncio.run(
                drive(url.rstrip("/"), args.sessions, args.seconds, args.baseline_seconds, pid, args.ticks)
            )
            result["peak_server_rss_mb"] = memory_mb(pid, "VmHWM") if pid else "not measured (external server)"
        finally:
            if server is not None:
                stop(server, 20)
        if server is not None and any(phase.get("errors") for phase in result.values() if isinstance(phase, dict)):
            log.seek(0)
            print("the server's log, last lines:\n" + "".join(log.readlines()[-40:]), file=sys.stderr)
    crowd = result["concurrent"]
    if pid and crowd["sessions"]:
        result["server_rss_per_session_mb"] = round(
            (result["peak_server_rss_mb"] - crowd["server_rss_before_mb"]) / crowd["sessions"], 1
        )
    result = {
        "name": "ws_loadtest",
        "measures": MEASURES,
        **result,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "admission_slots": os.environ.get("RNNLAB_MAX_TRAININGS", f"default ({os.cpu_count()})"),
        "session_seconds": args.seconds,
        "load_average_at_start": load_at_start,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "total_seconds": round(time.monotonic() - started, 1),
    }
    print(json.dumps(result, indent=2))
    if args.readme:
        write_readme(result)


def write_readme(result: dict) -> None:
    """The measured figures into the README, as the browser load test writes its own (one writer for both)."""
    from benchmarks.loadtest import write_readme as write_block

    clients = "no browsers, the clients are coroutines of one Python process on the same cores"
    write_block(result, "loadtest-server", clients)


if __name__ == "__main__":
    main()
