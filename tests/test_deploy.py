"""The deployment files agree with each other and with the app: HAProxy's config is valid, every replica gets
the production settings, the security headers are the same in both proxies, and the upload limits match. A replica
that dies is started again with a back-off and never takes the others down (``Restarts``, ``Replica``, without
processes), and a learner moved from a dead replica is told why the run restarted (ui/replica_notice.py)."""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from core.reading.csv_reading import MAX_BYTES
from core.words.i18n import _, speaking
from deploy.replicas import Replica, Restarts, find_haproxy, haproxy_config, replica_environment
from tests.conftest import APP, APP_TIMEOUT
from ui import replica_notice
from ui.replica_notice import CLOSE_KEY, MOVED, moved_here

ROOT = Path(__file__).resolve().parents[1]
KUBERNETES = (ROOT / "deploy" / "kubernetes" / "rnnlab.yaml").read_text()
HAPROXY = (ROOT / "deploy" / "haproxy.cfg").read_text()


def test_haproxy_config_pins_each_browser_to_one_of_the_replicas_and_is_valid(tmp_path):
    config = haproxy_config("127.0.0.1", 8500, [8601, 8602, 8603])
    servers = re.findall(r"server (app\d) 127\.0\.0\.1:(\d+) check cookie (app\d)", config)
    assert servers == [("app1", "8601", "app1"), ("app2", "8602", "app2"), ("app3", "8603", "app3")]
    assert "bind 127.0.0.1:8500" in config
    assert "cookie RNNLAB_REPLICA insert" in config and "option httpchk GET /_stcore/health" in config
    assert "timeout tunnel" in config  # WebSockets outlive the http timeouts
    haproxy = find_haproxy()
    if haproxy is None:
        if os.environ.get("CI"):
            pytest.fail("haproxy is not installed: .ci/run installs it")
        pytest.skip("haproxy is not installed")
    path = tmp_path / "haproxy.cfg"
    path.write_text(config)
    checked = subprocess.run([haproxy, "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_every_replica_runs_with_production_settings_and_one_shared_cookie_secret(monkeypatch):
    monkeypatch.delenv("RNNLAB_MAX_TRAININGS", raising=False)
    first, second = (replica_environment(2, "secret", index) for index in (1, 2))
    for env in (first, second):
        assert env["STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"] == "none"  # a learner never sees a traceback
        assert env["STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION"] == "true"
        assert env["STREAMLIT_SERVER_COOKIE_SECRET"] == "secret"
        assert int(env["RNNLAB_MAX_TRAININGS"]) == max(1, (os.cpu_count() or 1) // 2)  # the cores, shared out
    assert 'STREAMLIT_CLIENT_SHOW_ERROR_DETAILS, value: "none"' in KUBERNETES


def header_values(text: str, pattern: str) -> list[str]:
    return [" ".join(value.split()) for value in re.findall(pattern, text)]


def test_both_proxies_send_the_same_security_headers():
    haproxy = dict(re.findall(r'http-response set-header ([\w-]+) "?([^"\n]+)"?', HAPROXY))
    kubernetes = dict(re.findall(r'more_set_headers "([\w-]+): ([^"]+)"', KUBERNETES))
    assert set(haproxy) == {"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"}
    assert haproxy == kubernetes
    policy = dict(part.strip().split(" ", 1) for part in haproxy["Content-Security-Policy"].split(";"))
    assert policy["frame-ancestors"] == "'none'"
    assert policy["connect-src"] == "'self'"  # the WebSocket to this origin only ('self' matches ws: in CSP 3)
    assert "'unsafe-eval'" not in policy["script-src"].split()  # WebAssembly only: 'wasm-unsafe-eval'
    # No server banner from either: HAProxy deletes the app's (uvicorn), the Ingress clears nginx's.
    removed = re.findall(r"http-response del-header ([\w-]+)", HAPROXY)
    assert removed == ["Server"] == re.findall(r'more_clear_headers "([\w-]+)"', KUBERNETES)


def test_the_upload_limits_of_the_server_the_app_and_the_ingress_agree():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 2**20 == MAX_BYTES
    assert config["server"].get("enableXsrfProtection", True) is True
    ingress_mb = int(re.search(r"proxy-body-size: (\d+)m", KUBERNETES).group(1))
    assert ingress_mb == config["server"]["maxUploadSize"]
    # HAProxy refuses a longer body by its Content-Length before reading it, at the limit Streamlit's upload
    # handler applies to the Content-Length (maxUploadSize MiB), and a body of unknown length outright.
    haproxy_bytes = int(re.search(r"deny deny_status 413 if \{ req.hdr_val\(content-length\) gt (\d+) \}", HAPROXY)[1])
    assert haproxy_bytes == config["server"]["maxUploadSize"] * 2**20 == MAX_BYTES
    assert re.search(r"return status 411 .* if \{ req.hdr\(transfer-encoding\) -m found \}", HAPROXY)


def test_a_browser_pinned_to_a_dead_replica_is_sent_to_a_live_one_and_the_app_hears_where_it_was():
    assert "option redispatch" in HAPROXY and re.search(r"^\s+retries \d", HAPROXY, re.M)
    # A GET a replica died while answering is sent to another (replaying it is harmless); an upload never is.
    assert "retry-on conn-failure empty-response" in HAPROXY
    assert "http-request disable-l7-retry unless METH_GET" in HAPROXY
    # The replica that held the browser's last WebSocket: set by the handshake (101) only, passed on only as a
    # replica name, and a header of that name sent by the browser itself never reaches the app.
    assert re.search(r'http-response add-header Set-Cookie "RNNLAB_LAST=%\[srv_name\];.*if \{ status 101 \}', HAPROXY)
    header = replica_notice.HEADER
    dropped = HAPROXY.index(f"http-request del-header {header}")
    copied = HAPROXY.index(
        f"http-request set-header {header} %[req.cook(RNNLAB_LAST)] if {{ req.cook(RNNLAB_LAST) -m reg"
    )
    assert dropped < copied


# -- the supervisor: restarts with a back-off, never stopping the others -------------------------------------------
def test_a_replica_that_keeps_dying_waits_twice_as_long_each_time_up_to_30_s_and_starts_over_once_steady():
    restarts = Restarts()
    # The first wait outlasts the proxy's 6 s to mark it down, so its learners are moved (and told) before it is back.
    assert [restarts.delay(ran_for=5) for _ in range(6)] == [8, 16, 30, 30, 30, 30]
    assert restarts.delay(ran_for=60) == 8  # it ran a minute: healthy, so its next death is a first one again
    assert restarts.delay(ran_for=2) == 16
    forever = Restarts()
    assert max(forever.delay(ran_for=0) for _ in range(2000)) == 30  # no overflow after many deaths


class FakeProcess:
    """A stand-in for subprocess.Popen: alive until ``die`` is called."""

    pids = iter(range(1000, 2000))

    def __init__(self) -> None:
        self.pid, self.returncode, self.terminated = next(self.pids), None, False

    def poll(self) -> int | None:
        return self.returncode

    def die(self, code: int = -9) -> None:
        self.returncode = code

    def terminate(self) -> None:  # the supervisor must never call it on a replica that is alive and well
        self.terminated = True


def test_a_dead_replica_is_started_again_after_its_back_off_and_the_others_are_left_alone():
    spawned: dict[str, list[FakeProcess]] = {"app1": [], "app2": []}

    def spawn(name: str):
        def start() -> FakeProcess:
            spawned[name].append(FakeProcess())
            return spawned[name][-1]

        return start

    replicas = [Replica(name, port, spawn(name)) for name, port in (("app1", 8601), ("app2", 8602))]
    for replica in replicas:
        assert replica.start(now=0.0).startswith(f"{replica.name} (pid ")
    first, second = replicas

    def look(now: float) -> list[str | None]:
        return [replica.watch(now) for replica in replicas]

    assert look(5.0) == [None, None]
    spawned["app1"][-1].die()
    said, unsaid = look(10.0)
    assert said == "app1 exited (code -9) after 10 s; starting it again in 8 s" and unsaid is None
    assert look(17.9) == [None, None] and first.process is None  # still waiting out its back-off
    said, _unsaid = look(18.0)
    assert said.startswith("started again: app1 (pid ") and len(spawned["app1"]) == 2
    spawned["app1"][-1].die()  # dies again at once: the wait doubles
    assert look(18.2)[0] == "app1 exited (code -9) after 0 s; starting it again in 16 s"
    assert look(34.1) == [None, None] and look(34.2)[0].startswith("started again")
    # app2 ran all along, the same process, never stopped or started again.
    assert spawned["app2"] == [second.process] and not second.process.terminated
    assert all(not process.terminated for process in spawned["app1"])


# -- the learner who was moved -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("last", "this", "moved"),
    [
        ("app1", "app2", True),
        ("app2", "app2", False),  # the same replica: a reload, a second tab
        (None, "app2", False),  # no proxy, or a first visit
        ("", "app2", False),
        ("app1", None, False),  # a single server that is no replica
        ("<b>app1</b>", "app2", False),  # forged: only a replica name counts
        ("app1\napp3", "app2", False),
        ("app1 ", "app2", False),
        (["app1"], "app2", False),
    ],
)
def test_a_learner_counts_as_moved_only_from_one_named_replica_to_another(last, this, moved):
    assert moved_here(last, this) is moved


def app_with_header(monkeypatch, last: str | None, this: str | None):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(replica_notice, "last_replica", lambda: last)
    if this is None:
        monkeypatch.delenv("RNNLAB_REPLICA", raising=False)
    else:
        monkeypatch.setenv("RNNLAB_REPLICA", this)
    return AppTest.from_file(APP, default_timeout=APP_TIMEOUT)


def notices(at) -> list[str]:
    return [warning.value for warning in at.warning if warning.value in (MOVED, _translated(MOVED))]


def _translated(message: str) -> str:
    with speaking("ko"):
        return _(message)


def test_a_moved_learner_is_told_at_the_top_of_the_page_in_its_language_until_they_close_the_note(monkeypatch):
    at = app_with_header(monkeypatch, "app1", "app2")
    at.query_params["lang"] = "ko"
    at.run()
    assert not at.exception
    assert notices(at) == [_translated(MOVED)]
    assert at.warning[0].value == _translated(MOVED)  # above everything the page draws
    at.run()  # every later run of the session keeps it, whatever the header says now
    assert notices(at) == [_translated(MOVED)]
    at.button(key=CLOSE_KEY).click().run()
    assert not at.exception and notices(at) == []
    at.run()
    assert notices(at) == []


@pytest.mark.parametrize(("last", "this"), [("app2", "app2"), (None, "app2"), ("app1", None), ("<i>x</i>", "app2")])
def test_a_learner_who_was_not_moved_sees_no_note(monkeypatch, last, this):
    at = app_with_header(monkeypatch, last, this)
    at.run()
    assert not at.exception and notices(at) == []
