"""``aurora-console tunnel PROFILE`` refuses an untrusted host key with exit code 3 (docs/tunnels.md)
and says what to do: the new fingerprint and the known_hosts line to remove, on both backends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import paramiko
import pytest

from aurora_console.core.connections.profile import ConnectionProfile
from aurora_console.core.connections.store import ProfileStore
from aurora_console.core.ssh.config import BastionConfig
from tests.integration.tunnels.conftest import BACKENDS

pytestmark = pytest.mark.integration
EXIT_HOST_KEY = 3


def _run_cli(tmp_path: Path, sshd_server, blog_db, backend: str, known_hosts: str) -> subprocess.CompletedProcess:
    store = ProfileStore(tmp_path / "profiles.json")
    store.save(ConnectionProfile("blog", "127.0.0.1", blog_db.conninfo["port"], blog_db.name, "postgres",
                                 backend=backend,
                                 bastion=BastionConfig(sshd_server.host, sshd_server.user, sshd_server.port,
                                                       str(sshd_server.client_keys["ed25519"]))))
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "known_hosts").write_text(known_hosts)
    env = {**os.environ, "HOME": str(home), "AURORA_CONSOLE_HOME": str(tmp_path / "console-home")}
    return subprocess.run([sys.executable, "-m", "aurora_console", "tunnel", "blog", "--profiles-file",
                           str(store.path)], capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env,
                          timeout=60)


@pytest.mark.parametrize("backend", BACKENDS)
def test_changed_host_key_exits_3_naming_fingerprint_and_line(backend, tmp_path, sshd_server, blog_db):
    old = paramiko.Ed25519Key.from_private_key_file(str(sshd_server.client_keys["ed25519"]))
    known = tmp_path / "home" / ".ssh" / "known_hosts"
    done = _run_cli(tmp_path, sshd_server, blog_db, backend,
                    "# mine\nother.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==\n"
                    f"{sshd_server.host_pattern} ssh-ed25519 {old.get_base64()}\n")
    assert done.returncode == EXIT_HOST_KEY, done.stderr
    assert done.stdout == ""
    assert sshd_server.fingerprints["ed25519"] in done.stderr  # the new key
    assert f"Offending ED25519 key in {known}:3" in done.stderr  # the line to remove
    assert "CHANGED" in done.stderr


@pytest.mark.parametrize("backend", BACKENDS)
def test_revoked_host_key_exits_3(backend, tmp_path, sshd_server, blog_db):
    key = sshd_server.host_public_keys["ed25519"]
    done = _run_cli(tmp_path, sshd_server, blog_db, backend,
                    f"{sshd_server.host_pattern} {key}\n@revoked * {key}\n")
    assert done.returncode == EXIT_HOST_KEY, done.stderr
    assert "REVOKED" in done.stderr and sshd_server.fingerprints["ed25519"] in done.stderr
    assert f"{tmp_path / 'home' / '.ssh' / 'known_hosts'}:2" in done.stderr
