"""Several RNN Lab processes behind HAProxy on one machine: `make replicas` (2 processes), or the Docker image.

    python -m deploy.replicas --replicas 2 --port 8500

Each replica is an ordinary `streamlit run` on its own port of 127.0.0.1, named app1, app2 … (``RNNLAB_REPLICA``),
with the production settings (no error details in the browser, XSRF on, one cookie secret shared by all replicas).
HAProxy listens on ``--bind``:``--port`` and pins every browser to one replica with a cookie (deploy/haproxy.cfg
says why). The computing slots are shared out: with 2 cores and 2 replicas, each admits one training at a time
(``RNNLAB_MAX_TRAININGS``), unless the environment sets it.

Replicas fail alone. A replica that exits is started again on its own port after 1 s, then 2, 4, 8 … s if it keeps
dying, at most 30 s (``Restarts``); one that ran a minute before it died starts over at 1 s. The others are never
touched: HAProxy's health check marks the dead one down and sends its learners to a live one, where the app tells
them why their run started again (ui/replica_notice.py). Only the proxy's own exit, SIGTERM or Ctrl-C stops
everything. A replica or the proxy that exits while everything starts is a broken set-up, and stops it all.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "haproxy.cfg"
READY_SECONDS = 120
WATCH_SECONDS = 0.5  # how often the supervisor looks at its processes


def haproxy_config(bind: str, port: int, app_ports: list[int]) -> str:
    servers = "\n".join(
        f"    server app{i} 127.0.0.1:{app_port} check cookie app{i}" for i, app_port in enumerate(app_ports, 1)
    )
    return TEMPLATE.read_text().replace("{bind}", f"{bind}:{port}").replace("{servers}", servers)


def replica_environment(replicas: int, cookie_secret: str, index: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        STREAMLIT_CLIENT_SHOW_ERROR_DETAILS="none",  # a learner never sees a traceback; the log keeps it
        STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION="true",
        STREAMLIT_SERVER_COOKIE_SECRET=cookie_secret,  # the same on every replica
        STREAMLIT_SERVER_HEADLESS="true",
        STREAMLIT_SERVER_FILE_WATCHER_TYPE="none",
        RNNLAB_REPLICA=f"app{index}",  # the name HAProxy's cookie gives it (ui/replica_notice.py compares them)
    )
    env.setdefault("RNNLAB_MAX_TRAININGS", str(max(1, (os.cpu_count() or 1) // replicas)))
    return env


def replica_command(app_port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "streamlit_app.py",
        "--server.port",
        str(app_port),
        "--server.address",
        "127.0.0.1",
    ]


# haproxy.cfg checks each replica every 2 s and marks it down after 3 failures: within 6 s of a death the proxy sends
# its learners elsewhere. A replica started again sooner took them back under its old name: the reconnecting page
# found a fresh process, its run gone, and no note saying why (a clean-clone CI run, restart after 1 s). So the first
# restart waits until the proxy has moved them, with room to spare.
PROXY_MARKS_DOWN_SECONDS = 3 * 2


@dataclass
class Restarts:
    """How long a replica that died waits before it is started again: ``first`` seconds after a death (once the proxy
    has moved its learners to another replica), doubled after every death that follows (8, 16, 30, 30 … s), at most
    ``most``. A replica that ran ``steady`` seconds or more before it died was healthy: its back-off starts over. Pure:
    the caller passes the times."""

    first: float = PROXY_MARKS_DOWN_SECONDS + 2.0
    most: float = 30.0
    steady: float = 60.0
    deaths: int = 0  # deaths in a row, each after less than `steady` seconds of running

    def delay(self, ran_for: float) -> float:
        """Seconds to wait before starting again a replica that died after running ``ran_for`` seconds."""
        if ran_for >= self.steady:
            self.deaths = 0
        wait = min(self.most, self.first * 2.0 ** min(self.deaths, 32))
        self.deaths += 1
        return wait


class Process(Protocol):
    pid: int
    returncode: int | None

    def poll(self) -> int | None: ...


@dataclass
class Replica:
    """One app process the supervisor keeps alive: ``watch(now)`` notices its death and starts it again when its
    back-off has passed. ``spawn`` starts the process (a fake one in the tests)."""

    name: str
    port: int
    spawn: Callable[[], Process]
    restarts: Restarts = field(default_factory=Restarts)
    process: Process | None = None
    started_at: float = 0.0
    restart_at: float | None = None  # set while it is dead

    def start(self, now: float) -> str:
        self.process, self.started_at, self.restart_at = self.spawn(), now, None
        return f"{self.name} (pid {self.process.pid}) on 127.0.0.1:{self.port}"

    def watch(self, now: float) -> str | None:
        """What happened since the last look (a line for the log), or None."""
        if self.process is not None and self.process.poll() is not None:
            code, ran_for = self.process.returncode, now - self.started_at
            wait = self.restarts.delay(ran_for)
            self.process, self.restart_at = None, now + wait
            return f"{self.name} exited (code {code}) after {ran_for:.0f} s; starting it again in {wait:g} s"
        if self.process is None and self.restart_at is not None and now >= self.restart_at:
            return f"started again: {self.start(now)}"
        return None


def wait_until_healthy(url: str, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise SystemExit("a replica or the proxy exited while starting; see the messages above")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {READY_SECONDS} s")


def find_haproxy() -> str | None:
    """Debian installs it in /usr/sbin, which a non-root PATH often leaves out."""
    return shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy",) if os.access(p, os.X_OK)), None)


def say(message: str) -> None:
    print(f"deploy.replicas: {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8500, help="the proxy's port")
    parser.add_argument("--first-app-port", type=int, default=8601)
    parser.add_argument("--bind", default="127.0.0.1", help="the proxy's address (0.0.0.0 in a container)")
    args = parser.parse_args(argv)
    haproxy = find_haproxy()
    if haproxy is None:
        raise SystemExit("HAProxy is not installed: apt-get install -y haproxy")
    if args.replicas < 1:
        raise SystemExit("--replicas must be at least 1")

    cookie_secret = secrets.token_hex(32)
    app_ports = [args.first_app_port + i for i in range(args.replicas)]

    def spawner(index: int, app_port: int) -> Callable[[], subprocess.Popen]:
        env = replica_environment(args.replicas, cookie_secret, index)
        return lambda: subprocess.Popen(replica_command(app_port), cwd=ROOT, env=env)

    replicas = [Replica(f"app{i}", port, spawner(i, port)) for i, port in enumerate(app_ports, 1)]
    proxy: list[subprocess.Popen] = []

    def stop(*_: object, code: int = 0) -> None:
        running = [process for process in [*proxy, *(r.process for r in replicas)] if process is not None]
        for process in running:
            if process.poll() is None:
                process.terminate()
        for process in running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        sys.exit(code)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with tempfile.TemporaryDirectory(prefix="rnnlab-proxy-") as folder:
        config = Path(folder) / "haproxy.cfg"
        config.write_text(haproxy_config(args.bind, args.port, app_ports))
        subprocess.run([haproxy, "-c", "-f", str(config)], stdout=subprocess.DEVNULL, check=True)
        for replica in replicas:
            say(replica.start(time.monotonic()))
        proxy.append(subprocess.Popen([haproxy, "-W", "-db", "-f", str(config)]))
        everything = [*proxy, *(r.process for r in replicas)]
        try:
            for app_port in app_ports:
                wait_until_healthy(f"http://127.0.0.1:{app_port}/_stcore/health", everything)
            wait_until_healthy(f"http://127.0.0.1:{args.port}/_stcore/health", everything)
        except SystemExit as failure:  # a set-up that cannot start: nothing is left running
            say(str(failure))
            stop(code=1)
        print(f"RNN Lab on http://{args.bind}:{args.port} ({args.replicas} replicas behind HAProxy)", flush=True)
        while proxy[0].poll() is None:
            now = time.monotonic()
            for replica in replicas:
                if message := replica.watch(now):
                    say(message)
            time.sleep(WATCH_SECONDS)
        say(f"the proxy exited (code {proxy[0].returncode}); stopping the replicas")
        stop()


if __name__ == "__main__":
    main()
