"""The native backend's ssh never holds the key passphrase in its environment or command line: the
askpass helper reads it once from a one-shot pipe, whose handle is dead afterwards."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg
import pytest

from aurora_console.core.ssh.askpass_handover import HANDLE_ENV
from aurora_console.core.ssh.backend import make_backend
from tests.integration.tunnels.conftest import spec_for

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc/<pid>/environ")]


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.decode("utf-8", "replace").partition("=")[::2] for item in raw.split(b"\0") if item)


def test_passphrase_is_not_in_the_ssh_process(tmp_path, sshd_server, blog_db, trusted_store):
    passphrase = sshd_server.passphrase
    spec = spec_for(sshd_server, "ed25519_passphrase", target_port=blog_db.conninfo["port"], backend="native")
    tunnel = make_backend("native").open(spec, trusted_store)
    try:
        pid = tunnel.proc.pid
        environ = _environ(pid)
        raw_env = Path(f"/proc/{pid}/environ").read_bytes()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        assert passphrase.encode() not in raw_env
        assert passphrase.encode() not in cmdline
        assert "SSH_ASKPASS" in environ and HANDLE_ENV in environ  # the helper was used, through a handle
        # the tunnel works (ssh logged in with the passphrase it got once) ...
        with psycopg.connect(**{**blog_db.conninfo, "host": "127.0.0.1", "port": tunnel.local_port},
                             connect_timeout=10) as conn:
            assert conn.execute("select count(*) from posts").fetchone()[0] == 100
        # ... and the handle in ssh's environment cannot be used a second time
        assert not os.path.exists(environ[HANDLE_ENV])
        again = subprocess.run([environ["SSH_ASKPASS"], "Enter passphrase for key 'k': "], env=environ,
                               capture_output=True, timeout=10, stdin=subprocess.DEVNULL)
        assert again.returncode != 0 and again.stdout == b""
        assert passphrase.encode() not in again.stderr
        # nothing in the tunnel's private folder holds it either
        for path in tunnel.workdir.rglob("*"):
            if path.is_file():
                assert passphrase.encode() not in path.read_bytes(), path
        assert tunnel.is_alive()
    finally:
        tunnel.close()
