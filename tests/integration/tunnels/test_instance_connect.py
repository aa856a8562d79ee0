"""EC2 Instance Connect key push end to end: the rig's moto server (DescribeInstances, the sandbox's
SendSSHPublicKey layer), the sandbox's loopback bastion standing for the instance, both tunnel
backends (the real OpenSSH client and paramiko) and the rig's PostgreSQL behind them."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import psycopg
import pytest

from aurora_console.core.aws.bastion_route.errors import (
    InstanceAmbiguous,
    InstanceNotFound,
    InstanceNotRunning,
)
from aurora_console.core.ssh.errors import AuthenticationRejected
from aurora_console.core.ssh.manager import TunnelManager, TunnelState
from aurora_console.sandbox.aws_seed import BASTION_NAME, create_bastion_instance
from tests.integration.tunnels.conftest import BACKENDS
from tests.integration.tunnels.instance_connect_rig import start_ec2_bastion

pytestmark = pytest.mark.integration


@pytest.fixture
def ec2_bastion(moto_server, aws_factory, pg_server, tmp_path: Path):
    rig = start_ec2_bastion(moto_server, aws_factory, pg_server.port, tmp_path)
    try:
        yield rig
    finally:
        rig.bastion.stop()
        moto_server.pushed_keys.clock = __import__("time").monotonic


@pytest.fixture
def manager(ec2_bastion):
    m = TunnelManager(ec2_bastion.store, backoff=(0.2,), max_attempts=2)
    try:
        yield m
    finally:
        m.shutdown()


def _select_one(pg_server, port: int):
    with psycopg.connect(**(pg_server.conninfo() | {"host": "127.0.0.1", "port": port}), connect_timeout=10) as conn:
        return conn.execute("select 1").fetchone()[0]


def _pushed_key_files() -> list[str]:
    """Pushed keys' private files anywhere under the temp folder (there must be none once up)."""
    found = []
    for root, _dirs, files in os.walk(tempfile.gettempdir()):
        if "aurora-tunnel-" in root or "aurora-key-" in root:
            found += [os.path.join(root, f) for f in files if f.startswith("pushed-")]
    return found


@pytest.mark.parametrize("backend", BACKENDS)
def test_connects_with_a_pushed_key_and_leaves_no_key_file(backend, ec2_bastion, manager, pg_server) -> None:
    status = manager.open(ec2_bastion.spec(backend))
    assert status.state == TunnelState.UP and status.backend == backend
    assert _select_one(pg_server, status.local_port) == 1
    # one key pushed, for ec2-user on the instance the Name tag names
    assert ec2_bastion.keys.pushes() == [(ec2_bastion.instance_id, "ec2-user")]
    assert status.route == (f"{ec2_bastion.instance_id} at 127.0.0.1:{ec2_bastion.bastion.port} "
                            f"(ec2-user, pushed key) \u2192 blog.cluster-c9akciq32.us-east-1.rds.amazonaws.com:5432")
    assert _pushed_key_files() == []


def _record_pushes(keys, monkeypatch) -> list[str]:
    pushed, original = [], keys.push

    def push(instance_id, user, key):
        original(instance_id, user, key)
        pushed.append(key)

    monkeypatch.setattr(keys, "push", push)
    return pushed


@pytest.mark.parametrize("backend", BACKENDS)
def test_reconnect_pushes_a_new_key(backend, ec2_bastion, manager, pg_server, monkeypatch) -> None:
    pushed = _record_pushes(ec2_bastion.keys, monkeypatch)
    spec = ec2_bastion.spec(backend)
    manager.open(spec)
    ec2_bastion.clock.now += 61  # the first key's window is over
    status = manager.reconnect(spec.name)
    assert status.state == TunnelState.UP
    assert _select_one(pg_server, status.local_port) == 1
    assert len(pushed) == 2 and pushed[0] != pushed[1]  # a fresh key, pushed once, for the reconnect
    assert _pushed_key_files() == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_missed_window_is_pushed_again_once(backend, ec2_bastion, manager, pg_server, monkeypatch) -> None:
    keys, calls = ec2_bastion.keys, []
    original = keys.push

    def slow_login_after_first_push(instance_id, user, key):
        original(instance_id, user, key)
        calls.append(key)
        if len(calls) == 1:  # the login comes 61 s after the first push
            ec2_bastion.clock.now += 61

    monkeypatch.setattr(keys, "push", slow_login_after_first_push)
    # (the console's own clock sees a fresh push, so only the refused login makes it push again)
    status = manager.open(ec2_bastion.spec(backend))
    assert status.state == TunnelState.UP
    assert len(calls) == 2 and calls[0] == calls[1]  # the same key, pushed again once
    assert _select_one(pg_server, status.local_port) == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_user_the_instance_lacks_is_refused_with_what_to_check(backend, ec2_bastion, manager) -> None:
    with pytest.raises(AuthenticationRejected) as err:
        manager.open(ec2_bastion.spec(backend, user="ubuntu"))
    assert "refused the key pushed with EC2 Instance Connect for 'ubuntu', twice" in err.value.message
    assert "ec2-instance-connect" in err.value.hint
    assert len(ec2_bastion.keys.pushes()) == 2
    assert _pushed_key_files() == []


def test_by_instance_id_too(ec2_bastion, manager, pg_server) -> None:
    status = manager.open(ec2_bastion.spec("paramiko", instance=ec2_bastion.instance_id))
    assert _select_one(pg_server, status.local_port) == 1


def test_stopped_instance_says_so_and_pushes_nothing(ec2_bastion, manager) -> None:
    ec2_bastion.ec2().stop_instances(InstanceIds=[ec2_bastion.instance_id])
    with pytest.raises(InstanceNotRunning) as err:
        manager.open(ec2_bastion.spec("paramiko"))
    assert f"{ec2_bastion.instance_id} ({BASTION_NAME})" in err.value.message and "stopped" in err.value.message
    assert f"aws ec2 start-instances --instance-ids {ec2_bastion.instance_id}" in err.value.hint
    assert ec2_bastion.keys.pushes() == []
    assert manager.status("eic-paramiko").state == TunnelState.FAILED


def test_unknown_name_and_terminated_instance(ec2_bastion, manager) -> None:
    with pytest.raises(InstanceNotFound, match="No EC2 instance named 'no-such-bastion' in us-east-1"):
        manager.open(ec2_bastion.spec("paramiko", instance="no-such-bastion"))
    ec2_bastion.ec2().terminate_instances(InstanceIds=[ec2_bastion.instance_id])
    with pytest.raises(InstanceNotFound, match="is terminated"):
        manager.open(ec2_bastion.spec("paramiko", instance=ec2_bastion.instance_id))


def test_two_instances_with_the_name_are_ambiguous(ec2_bastion, manager) -> None:
    other, _ = create_bastion_instance(ec2_bastion.ec2())
    with pytest.raises(InstanceAmbiguous) as err:
        manager.open(ec2_bastion.spec("native"))
    assert ec2_bastion.instance_id in err.value.message and other in err.value.message
    assert "instance id" in err.value.hint


@pytest.fixture
def agent(tmp_path, monkeypatch):
    import subprocess
    import time

    sock = tmp_path / "agent.sock"
    proc = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not sock.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    monkeypatch.setenv("SSH_AUTH_SOCK", str(sock))
    try:
        yield sock
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def _agent_keys(sock) -> str:
    import subprocess

    return subprocess.run(["ssh-add", "-L"], env={**os.environ, "SSH_AUTH_SOCK": str(sock)}, capture_output=True,
                          text=True, timeout=10).stdout


def test_native_holds_the_pushed_key_in_ssh_agent_only_while_logging_in(ec2_bastion, manager, pg_server, agent,
                                                                       monkeypatch) -> None:
    from aurora_console.core.aws.bastion_route import key_push

    seen_files, original = [], key_push.EphemeralKey.private_file
    monkeypatch.setattr(key_push.EphemeralKey, "private_file",
                        lambda self, folder=None: seen_files.append(folder) or original(self, folder))
    pushes = []
    push = ec2_bastion.keys.push

    def recording_push(instance_id, user, key):
        push(instance_id, user, key)
        pushes.append(key)

    monkeypatch.setattr(ec2_bastion.keys, "push", recording_push)
    spec = ec2_bastion.spec("native")
    spec.bastion.use_agent = True
    status = manager.open(spec)
    assert _select_one(pg_server, status.local_port) == 1
    assert seen_files == []  # never a private key file: ssh signed with the agent's copy
    assert "aurora-console" not in _agent_keys(agent)  # and gone from the agent once ssh is logged in
    assert _pushed_key_files() == [] and len(pushes) == 1


def test_paramiko_renews_before_the_carrier_ends_keeping_open_sessions_until_then(ec2_bastion, pg_server,
                                                                                   monkeypatch) -> None:
    """A carrier with a maximum duration (as an Instance Connect Endpoint's): shortly before it
    ends, a new route is made (a new key pushed, a new carrier) and new connections take it at
    once, on the same local port; a session opened before keeps working until its carrier ends.

    The renewal starts a tenth of the carrier's life (0.4 s) before its end; on a loaded machine
    the new route's login can take longer than that, and the old route is then ended as soon as
    the new one is up (its carrier is over). So the old route's end waits here until the test has
    used the early session, and the test checks that it was not ended before its carrier's end."""
    import socket
    import sys
    import threading
    import time
    import types

    from aurora_console.core.aws.bastion_route.carrier import CARRIERS, Carrier
    from aurora_console.core.ssh.paramiko_backend import ParamikoTunnel

    made, closed, carriers = [], [], []

    def carrier(clients, aws, facts, *, port):
        n = len(made) + 1
        made.append(n)
        carriers.append(Carrier(label=f"test carrier #{n}", expires_at=time.monotonic() + 4.0,
                                open_socket=lambda: socket.create_connection(("127.0.0.1", port), timeout=10),
                                close=lambda: closed.append(n)))
        return carriers[-1]

    retired_at, checked = [], threading.Event()
    retire = ParamikoTunnel._retire

    def retire_after_the_checks(self, old):
        retired_at.append(time.monotonic())
        checked.wait(20)
        retire(self, old)

    monkeypatch.setattr(ParamikoTunnel, "_retire", retire_after_the_checks)

    module = types.ModuleType("test_short_carrier")
    module.carrier = carrier
    monkeypatch.setitem(sys.modules, "test_short_carrier", module)
    monkeypatch.setitem(CARRIERS, "ssm", "test_short_carrier:carrier")
    pushed = _record_pushes(ec2_bastion.keys, monkeypatch)
    spec = ec2_bastion.spec("paramiko")
    spec.bastion.aws.transport = "ssm"
    manager = TunnelManager(ec2_bastion.store, poll_interval=0.1, renew_margin=1.5)
    try:
        status = manager.open(spec)
        assert status.route.startswith("test carrier #1 \u2192 ")
        early = psycopg.connect(**(pg_server.conninfo() | {"host": "127.0.0.1", "port": status.local_port}))
        deadline = time.monotonic() + 15
        while not manager.status(spec.name).route.startswith("test carrier #2") and time.monotonic() < deadline:
            time.sleep(0.05)
        renewed = manager.status(spec.name)
        assert renewed.state == TunnelState.UP and renewed.local_port == status.local_port
        assert "renewed before" in renewed.reason and len(pushed) == 2 and closed == []
        assert early.execute("select 1").fetchone()[0] == 1  # still on the first route
        assert _select_one(pg_server, status.local_port) == 1  # a new session takes the new route
        checked.set()
        while closed != [1] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert closed == [1]  # the first route was ended with its carrier
        assert retired_at[0] >= carriers[0].expires_at - 0.01  # not before its end (timer rounding aside)
        with pytest.raises(psycopg.OperationalError):
            early.execute("select 1")
        assert _select_one(pg_server, status.local_port) == 1
    finally:
        checked.set()
        manager.shutdown()
    assert sorted(closed) == [1, 2, 3][:len(made)]
