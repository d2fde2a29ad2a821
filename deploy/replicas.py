"""Several RNN Lab processes behind HAProxy on one machine: `make replicas` (2 processes), or the Docker image.

    python -m deploy.replicas --replicas 2 --port 8500

Each replica is an ordinary `streamlit run` on its own port of 127.0.0.1, with the production settings
(no error details in the browser, XSRF on, one cookie secret shared by all replicas). HAProxy listens on
``--bind``:``--port`` and pins every browser to one replica with a cookie (deploy/haproxy.cfg says why).
The computing slots are shared out: with 2 cores and 2 replicas, each admits one training at a time
(``RNNLAB_MAX_TRAININGS``), unless the environment sets it. Ctrl-C or SIGTERM stops everything.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "haproxy.cfg"
READY_SECONDS = 120


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
        RNNLAB_REPLICA=f"app{index}",
    )
    env.setdefault("RNNLAB_MAX_TRAININGS", str(max(1, (os.cpu_count() or 1) // replicas)))
    return env


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
    processes: list[subprocess.Popen] = []

    def stop(*_: object) -> None:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with tempfile.TemporaryDirectory(prefix="rnnlab-proxy-") as folder:
        config = Path(folder) / "haproxy.cfg"
        config.write_text(haproxy_config(args.bind, args.port, app_ports))
        subprocess.run([haproxy, "-c", "-f", str(config)], stdout=subprocess.DEVNULL, check=True)
        for index, app_port in enumerate(app_ports, 1):
            command = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(app_port)]
            command += ["--server.address", "127.0.0.1"]
            processes.append(
                subprocess.Popen(command, cwd=ROOT, env=replica_environment(args.replicas, cookie_secret, index))
            )
        processes.append(subprocess.Popen([haproxy, "-W", "-db", "-f", str(config)]))
        for app_port in app_ports:
            wait_until_healthy(f"http://127.0.0.1:{app_port}/_stcore/health", processes)
        wait_until_healthy(f"http://127.0.0.1:{args.port}/_stcore/health", processes)
        print(f"RNN Lab on http://{args.bind}:{args.port} ({args.replicas} replicas behind HAProxy)", flush=True)
        while all(process.poll() is None for process in processes):
            time.sleep(1)
        print("a replica or the proxy stopped; stopping the rest", file=sys.stderr)
        stop()


if __name__ == "__main__":
    main()
