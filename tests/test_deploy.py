"""The deployment files agree with each other and with the app: HAProxy's config is valid, every replica gets
the production settings, the security headers are the same in both proxies, and the upload limits match."""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from core.csv_reading import MAX_BYTES
from deploy.replicas import find_haproxy, haproxy_config, replica_environment

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
    assert "frame-ancestors 'none'" in haproxy["Content-Security-Policy"]


def test_the_upload_limits_of_the_server_the_app_and_the_ingress_agree():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 2**20 == MAX_BYTES
    assert config["server"].get("enableXsrfProtection", True) is True
    ingress_mb = int(re.search(r"proxy-body-size: (\d+)m", KUBERNETES).group(1))
    assert ingress_mb == config["server"]["maxUploadSize"]
