"""The bastion dies while a query runs: the query fails clearly, the tunnel reconnects, a new
session works on the same local port. Nothing hangs."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg
import pytest

from aurora_console.core.ssh.config import BastionConfig, TunnelSpec, TunnelTarget
from aurora_console.core.ssh.hostkeys import HostKeyStore
from aurora_console.core.ssh.manager import TunnelManager, TunnelState
from tests.integration.tunnels.conftest import BACKENDS
from tests.integration.tunnels.sshd_helper import Sshd

pytestmark = pytest.mark.integration


def wait_for(predicate, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def own_sshd(tmp_path, ssh_keys):
    server = Sshd(tmp_path / "sshd")
    server.authorize(Path(f"{ssh_keys.client_keys['ed25519']}.pub"))
    server.start()
    yield server
    server.kill()


@pytest.fixture
def manager_for(tmp_path, own_sshd):
    store = HostKeyStore(tmp_path / "known_hosts", user_files=[])
    store.trust("127.0.0.1", own_sshd.port, "ssh-ed25519", own_sshd.host_public_key(), always=True)
    manager = TunnelManager(store, backoff=(0.2, 0.5, 1.0), poll_interval=0.1)
    yield manager
    manager.shutdown()


def _spec(server, ssh_keys, backend, pg_port) -> TunnelSpec:
    return TunnelSpec(f"drop-{backend}", BastionConfig("127.0.0.1", server.user, server.port,
                                                       str(ssh_keys.client_keys["ed25519"]), connect_timeout=5),
                      TunnelTarget("127.0.0.1", pg_port), backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_sshd_killed_during_query_then_reconnects(backend, own_sshd, manager_for, ssh_keys, blog_db, pg_server):
    manager = manager_for
    states: list[TunnelState] = []
    manager.add_listener(lambda s: states.append(s.state))
    status = manager.open(_spec(own_sshd, ssh_keys, backend, blog_db.conninfo["port"]))
    assert status.state == TunnelState.UP and status.backend == backend
    port = status.local_port
    info = {**blog_db.conninfo, "host": "127.0.0.1", "port": port}
    conn = psycopg.connect(**info, connect_timeout=10)
    marker = f"tunnel-drop-{backend}"
    outcome: dict = {}

    def long_query():
        try:
            conn.execute(f"select pg_sleep(60) /* {marker} */")
        except Exception as exc:  # noqa: BLE001 - the point of the test
            outcome["exc"] = exc

    worker = threading.Thread(target=long_query, daemon=True)
    worker.start()
    with pg_server.connect(blog_db.name, autocommit=True) as admin:
        wait_for(lambda: outcome or admin.execute("select count(*) from pg_stat_activity where query like %s",
                                                  (f"%pg_sleep(60) /* {marker}%",)).fetchone()[0] >= 1,
                 what="the query to run")
    assert not outcome, outcome
    own_sshd.kill()
    worker.join(timeout=30)
    assert not worker.is_alive(), "the query hung after the bastion died"
    assert isinstance(outcome.get("exc"), psycopg.OperationalError)
    conn.close()
    wait_for(lambda: manager.status(_spec(own_sshd, ssh_keys, backend, 0).name).state == TunnelState.RECONNECTING,
             what="reconnecting state")
    own_sshd.start()  # the bastion comes back on the same port
    up = wait_for(lambda: (s := manager.status(f"drop-{backend}")).state == TunnelState.UP and s, what="tunnel up")
    assert up.local_port == port
    with psycopg.connect(**info, connect_timeout=10) as again:
        assert again.execute("select count(*) from posts").fetchone()[0] == 100
    assert TunnelState.RECONNECTING in states
    # listeners hear of a change after status() shows it (from the reconnecting thread): wait for them
    wait_for(lambda: states[-1] == TunnelState.UP, timeout=10, what="the listener to hear 'up' last")


@pytest.mark.parametrize("backend", BACKENDS)
def test_manager_close_and_manual_reconnect(backend, own_sshd, manager_for, ssh_keys, blog_db):
    manager = manager_for
    spec = _spec(own_sshd, ssh_keys, backend, blog_db.conninfo["port"])
    first = manager.open(spec)
    assert manager.open(spec).local_port == first.local_port  # already open: reused
    again = manager.reconnect(spec.name)
    assert again.state == TunnelState.UP and again.local_port == first.local_port
    assert manager.open_count() == 1
    manager.close(spec.name)
    assert manager.status(spec.name) is None
    assert manager.open_count() == 0
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(**{**blog_db.conninfo, "host": "127.0.0.1", "port": first.local_port}, connect_timeout=3)


@pytest.mark.parametrize("backend", BACKENDS)
def test_silent_bastion_is_detected_by_keepalive(backend, own_sshd, manager_for, ssh_keys, blog_db):
    """A partition (the bastion freezes: TCP stays open, nothing answers) is detected by keepalives,
    and the tunnel reconnects once the bastion answers again."""
    import os
    import signal

    from tests.integration.tunnels.sshd_helper import _descendants

    manager = manager_for
    spec = _spec(own_sshd, ssh_keys, backend, blog_db.conninfo["port"])
    spec.bastion.keepalive_seconds = 1
    status = manager.open(spec)
    frozen = _descendants(own_sshd.proc.pid)  # the per-connection sshd processes (ours, by pid)
    assert frozen
    for pid in frozen:
        os.kill(pid, signal.SIGSTOP)
    try:
        wait_for(lambda: manager.status(spec.name).state != TunnelState.UP, timeout=30, what="the drop to be noticed")
        assert "keepalive" in manager.status(spec.name).reason or "not responding" in manager.status(spec.name).reason
    finally:
        for pid in frozen:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    up = wait_for(lambda: (s := manager.status(spec.name)).state == TunnelState.UP and s, what="tunnel up again")
    assert up.local_port == status.local_port
    with psycopg.connect(**{**blog_db.conninfo, "host": "127.0.0.1", "port": up.local_port}) as conn:
        assert conn.execute("select count(*) from posts").fetchone()[0] == 100
