"""Jump host (ProxyJump) and ssh-agent authentication, both backends, real sshd + PostgreSQL."""

from __future__ import annotations

import os
import subprocess

import psycopg
import pytest

from aurora_console.core.ssh.backend import make_backend
from aurora_console.core.ssh.config import JumpHost
from aurora_console.core.ssh.errors import HostKeyUnknown
from aurora_console.core.ssh.hostkeys import HostKeyStore
from tests.integration.tunnels.conftest import BACKENDS, spec_for

pytestmark = pytest.mark.integration


def _count(db, port) -> int:
    with psycopg.connect(**{**db.conninfo, "host": "127.0.0.1", "port": port}, connect_timeout=10) as conn:
        return conn.execute("select count(*) from posts").fetchone()[0]


@pytest.mark.parametrize("backend", BACKENDS)
def test_through_a_jump_host(backend, tmp_path, sshd_server, sshd_factory, blog_db):
    inner = sshd_factory()  # the bastion, reached through the jump host (the session sshd)
    spec = spec_for(inner, target_port=blog_db.conninfo["port"], backend=backend)
    spec.bastion.jump = JumpHost(sshd_server.host, sshd_server.port)
    store = HostKeyStore(tmp_path / "kh", user_files=[])
    asked = []
    for _ in range(3):  # the jump host and the bastion are both unknown: asked one after the other
        try:
            tunnel = make_backend(backend).open(spec, store)
            break
        except HostKeyUnknown as exc:
            asked.append(exc.port)
            store.trust_error(exc, always=False)
    assert asked == [sshd_server.port, inner.port]
    try:
        assert _count(blog_db, tunnel.local_port) == 100
    finally:
        tunnel.close()


@pytest.fixture
def agent(tmp_path, sshd_server, monkeypatch):
    sock = tmp_path / "agent.sock"
    proc = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if sock.exists():
                break
            subprocess.run(["sleep", "0.05"])
        env = {**os.environ, "SSH_AUTH_SOCK": str(sock)}
        subprocess.run(["ssh-add", str(sshd_server.client_keys["ecdsa"])], env=env, check=True, capture_output=True)
        monkeypatch.setenv("SSH_AUTH_SOCK", str(sock))
        yield sock
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize("backend", BACKENDS)
def test_ssh_agent_only(backend, agent, sshd_server, trusted_store, blog_db):
    spec = spec_for(sshd_server, target_port=blog_db.conninfo["port"], backend=backend)
    spec.bastion.key_file = ""
    spec.bastion.use_agent = True
    tunnel = make_backend(backend).open(spec, trusted_store)
    try:
        assert _count(blog_db, tunnel.local_port) == 100
    finally:
        tunnel.close()
