"""``aurora-console tunnel PROFILE`` as a real process: prints the port, psql-style clients work,
Ctrl+C closes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import psycopg
import pytest

from aurora_console.core.connections.profile import ConnectionProfile
from aurora_console.core.connections.store import ProfileStore
from aurora_console.core.ssh.config import BastionConfig
from tests.integration.tunnels.conftest import BACKENDS

pytestmark = pytest.mark.integration


def _write_profile(tmp_path, sshd_server, blog_db, backend):
    store = ProfileStore(tmp_path / "profiles.json")
    store.save(ConnectionProfile("blog", "127.0.0.1", blog_db.conninfo["port"], blog_db.name, "postgres",
                                 backend=backend,
                                 bastion=BastionConfig(sshd_server.host, sshd_server.user, sshd_server.port,
                                                       str(sshd_server.client_keys["ed25519"]))))
    return store.path


def _run(args, **kw):
    return subprocess.Popen([sys.executable, "-m", "aurora_console", "tunnel", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=os.environ.copy(), **kw)


@pytest.mark.parametrize("backend", BACKENDS)
def test_cli_tunnel_prints_port_and_closes_on_ctrl_c(backend, tmp_path, sshd_server, blog_db):
    path = _write_profile(tmp_path, sshd_server, blog_db, backend)
    fingerprint = sshd_server.fingerprints["ed25519"]
    proc = _run(["blog", "--profiles-file", str(path), "--trust-host-key", fingerprint])
    try:
        line = proc.stdout.readline().strip()
        assert line.isdigit(), proc.stderr.read() if proc.poll() is not None else line
        port = int(line)
        with psycopg.connect(**{**blog_db.conninfo, "host": "127.0.0.1", "port": port}, connect_timeout=10) as c:
            assert c.execute("select count(*) from posts").fetchone()[0] == 100
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        err = proc.stderr.read()
        assert "closed" in err and f"127.0.0.1:{port}" in err
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(**{**blog_db.conninfo, "host": "127.0.0.1", "port": port}, connect_timeout=3)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_refuses_unknown_host_key_without_a_terminal(tmp_path, sshd_server, blog_db):
    path = _write_profile(tmp_path, sshd_server, blog_db, "paramiko")
    proc = _run(["blog", "--profiles-file", str(path)])
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 3
    assert out == ""
    assert "--trust-host-key SHA256:" in err and sshd_server.fingerprints["ed25519"] in err


def test_cli_wrong_fingerprint_is_refused(tmp_path, sshd_server, blog_db):
    path = _write_profile(tmp_path, sshd_server, blog_db, "paramiko")
    proc = _run(["blog", "--profiles-file", str(path), "--trust-host-key", "SHA256:not-the-one"])
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 3 and "does not match" in err


def test_cli_unknown_profile(tmp_path):
    proc = _run(["nope", "--profiles-file", str(tmp_path / "profiles.json")])
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 2 and "No connection profile named 'nope'" in err


def test_cli_sandbox_tunnel(tmp_path):
    """``aurora-console --sandbox tunnel sandbox-blog`` starts the sandbox and tunnels through its bastion."""
    from aurora_console.core.ssh.native_probe import probe_path

    proc = subprocess.Popen([sys.executable, "-m", "aurora_console", "--sandbox", "--sandbox-dir",
                             str(tmp_path / "sandbox"), "tunnel", "sandbox-blog"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=os.environ.copy())
    try:
        line = proc.stdout.readline().strip()
        assert line.isdigit(), proc.stderr.read() if proc.poll() is not None else line
        assert probe_path(int(line), "postgres", timeout=10) == "up"  # PostgreSQL answers through the tunnel
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
        assert "Tunnel sandbox-blog closed." in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
