"""SSH over Session Manager (the ``ssm`` carrier): each SSH connection is one AWS-StartSSHSession
session carried by the stand-in session-manager-plugin to the rig's real sshd; paramiko gets a
socket, OpenSSH a ProxyCommand through the console's relay; both tunnel backends end to end."""

from __future__ import annotations

import shlex
import socket
import subprocess
import time

import paramiko
import psycopg
import pytest

from aurora_console.core.aws.bastion_route import ssm
from aurora_console.core.aws.bastion_route.instances import resolve_instance
from aurora_console.core.connections.passwords import clients_from_factory
from aurora_console.core.ssh.backend import make_backend
from aurora_console.core.ssh.config import AwsBastion, BastionConfig, TunnelSpec, TunnelTarget
from aurora_console.core.ssh.hostkeys import HostKeyStore
from aurora_console.core.ssh.native_probe import SSL_REQUEST
from tests.integration.tunnels.conftest import BACKENDS
from tests.integration.tunnels.session_manager import REGION, put_plugin_on_path, run_bastion, wire_sessions

pytestmark = pytest.mark.integration


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    return put_plugin_on_path(tmp_path / "plugin-bin", monkeypatch)


@pytest.fixture
def bastion(moto_server, aws_factory, sshd_server, plugin):
    """(sessions, instance id, clients): the sandbox's Session Manager reaching the rig's sshd."""
    sessions = wire_sessions(moto_server, ssh=(sshd_server.host, sshd_server.port))
    return sessions, run_bastion(aws_factory), clients_from_factory(aws_factory)


def _wait(predicate, timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end and not predicate():
        time.sleep(0.05)
    return predicate()


def _known_hosts(path, sshd_server, alias: str):
    path.write_text("".join(f"{alias} {key}\n" for key in sshd_server.host_public_keys.values()))
    return path


def test_paramiko_over_the_carrier_socket(bastion, sshd_server, blog_db):
    sessions, instance, clients = bastion
    aws = AwsBastion(instance=instance, region=REGION, transport="ssm")
    carrier = ssm.carrier(clients, aws, resolve_instance(clients, aws), port=22)
    assert carrier.label == "Session Manager"
    try:
        transport = paramiko.Transport(carrier.open_socket())
        transport.start_client(timeout=20)
        offered = transport.get_remote_server_key()
        assert f"{offered.get_name()} {offered.get_base64()}" in sshd_server.host_public_keys.values()
        transport.auth_publickey(sshd_server.user,
                                 paramiko.Ed25519Key.from_private_key_file(str(sshd_server.client_keys["ed25519"])))
        chan = transport.open_channel("direct-tcpip", ("127.0.0.1", blog_db.conninfo["port"]), ("127.0.0.1", 0))
        chan.sendall(SSL_REQUEST)
        assert chan.recv(1) in (b"N", b"S")  # PostgreSQL answered through SSH through Session Manager
        [session] = sessions.started
        assert (session.target, session.document, session.parameters) == (
            instance, "AWS-StartSSHSession", {"portNumber": ["22"]})
        transport.close()
        assert _wait(lambda: sessions.active() == []), "closing the SSH connection ends its session"
    finally:
        carrier.close()


def test_openssh_through_the_proxy_command(bastion, sshd_server, tmp_path):
    sessions, instance, clients = bastion
    aws = AwsBastion(instance=instance, region=REGION, transport="ssm")
    carrier = ssm.carrier(clients, aws, resolve_instance(clients, aws), port=22)
    try:
        known = _known_hosts(tmp_path / "kh", sshd_server, instance)
        done = subprocess.run(
            ["ssh", "-F", "/dev/null", "-i", str(sshd_server.client_keys["ed25519"]), "-o", "IdentitiesOnly=yes",
             "-o", f"ProxyCommand={shlex.join(carrier.proxy_command)}", "-o", f"UserKnownHostsFile={known}",
             "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
             f"{sshd_server.user}@{instance}", "echo through-session-manager"],
            capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "through-session-manager"
        assert len(sessions.started) == 1
        assert _wait(lambda: sessions.active() == [])
    finally:
        carrier.close()


def test_proxy_command_reports_a_refused_session_to_ssh(bastion, sshd_server, tmp_path):
    sessions, instance, clients = bastion
    sessions.deny(["AWS-StartSSHSession"])
    aws = AwsBastion(instance=instance, region=REGION, transport="ssm")
    carrier = ssm.carrier(clients, aws, resolve_instance(clients, aws), port=22)
    try:
        done = subprocess.run(
            ["ssh", "-F", "/dev/null", "-o", f"ProxyCommand={shlex.join(carrier.proxy_command)}",
             "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=/dev/null",
             f"{sshd_server.user}@{instance}", "true"], capture_output=True, text=True, timeout=60)
        assert done.returncode != 0
        assert "ssm:StartSession" in done.stderr
        assert "arn:aws:ssm:us-east-1::document/AWS-StartSSHSession" in done.stderr
    finally:
        carrier.close()


def test_carrier_after_the_plugin_dies_says_so(bastion, tmp_path, monkeypatch):
    sessions, instance, clients = bastion
    folder = tmp_path / "broken"
    folder.mkdir()
    fake = folder / "session-manager-plugin"
    fake.write_text("#!/bin/sh\n[ \"$1\" = --version ] && { echo 1.2.650.0; exit 0; }\n"
                    "echo 'Cannot perform start session: EOF' >&2\nexit 1\n")
    fake.chmod(0o700)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    aws = AwsBastion(instance=instance, region=REGION, transport="ssm")
    carrier = ssm.carrier(clients, aws, resolve_instance(clients, aws), port=22)
    try:
        with pytest.raises(ssm.PluginExited) as err:
            carrier.open_socket()
        assert "Cannot perform start session: EOF" in err.value.message
        assert _wait(lambda: len(sessions.started) == 1 and sessions.active() == [])
    finally:
        carrier.close()


def _ssm_spec(instance: str, clients, sshd_server, backend: str) -> TunnelSpec:
    aws = AwsBastion(instance=instance, region=REGION, transport="ssm")
    bastion = BastionConfig(host=instance, user=sshd_server.user, key_file=str(sshd_server.client_keys["ed25519"]),
                            aws=aws, connect_timeout=20)
    return TunnelSpec(name=f"ssm-{backend}", bastion=bastion, target=TunnelTarget("127.0.0.1", 5432),
                      backend=backend, aws_clients=clients)


@pytest.mark.parametrize("backend", BACKENDS)
def test_tunnel_backends_over_session_manager(backend, bastion, sshd_server, blog_db, tmp_path):
    from dataclasses import replace

    sessions, instance, clients = bastion
    store = HostKeyStore(_known_hosts(tmp_path / "known_hosts", sshd_server, instance), user_files=[])
    spec = _ssm_spec(instance, clients, sshd_server, backend)
    spec = replace(spec, target=TunnelTarget("127.0.0.1", blog_db.conninfo["port"]))
    tunnel = make_backend(backend).open(spec, store)
    try:
        info = dict(blog_db.conninfo, host="127.0.0.1", port=tunnel.local_port)
        with psycopg.connect(**info, connect_timeout=10) as conn:
            assert conn.execute("select count(*) from posts").fetchone()[0] == 100
        assert {s.document for s in sessions.started} == {"AWS-StartSSHSession"}
        # the host-key check's short session has ended; the tunnel keeps exactly one
        assert _wait(lambda: len(sessions.active()) == 1), [s.session_id for s in sessions.active()]
        assert "Session Manager" in getattr(tunnel, "route_label", "Session Manager")
    finally:
        tunnel.close()
    assert _wait(lambda: sessions.active() == [], 15), "closing the tunnel ends every session it started"


def test_the_relay_lets_in_only_the_helper_with_its_cookie(bastion):
    import os
    import stat

    sessions, instance, clients = bastion
    aws = AwsBastion(instance=instance, region=REGION, transport="ssm")
    carrier = ssm.carrier(clients, aws, resolve_instance(clients, aws), port=22)
    port, cookie_file = int(carrier.proxy_command[-2]), carrier.proxy_command[-1]
    assert stat.S_IMODE(os.stat(cookie_file).st_mode) == 0o600
    try:
        intruder = socket.create_connection(("127.0.0.1", port), timeout=15)
        intruder.sendall(b"x" * 32)
        assert intruder.recv(1) == b""  # closed, nothing started
        intruder.close()
        assert sessions.started == []
    finally:
        carrier.close()
    assert not os.path.exists(cookie_file)


def test_missing_plugin_for_ssh_over_session_manager(bastion, tmp_path, monkeypatch):
    from aurora_console.core.aws.bastion_route import plugin as plugin_module

    sessions, instance, clients = bastion
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(plugin_module, "usual_folders", lambda platform=None: [str(tmp_path / "nowhere")])
    aws = AwsBastion(instance=instance, region=REGION, transport="ssm")
    with pytest.raises(plugin_module.PluginMissing) as err:
        ssm.carrier(clients, aws, resolve_instance(clients, aws), port=22)
    assert plugin_module.INSTALL_URL in err.value.user_text()
    assert sessions.started == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_session_ended_by_aws_drops_the_tunnel_and_it_comes_back(backend, bastion, sshd_server, blog_db, tmp_path):
    from dataclasses import replace

    from aurora_console.core.ssh.manager import TunnelManager, TunnelState

    sessions, instance, clients = bastion
    store = HostKeyStore(_known_hosts(tmp_path / "known_hosts", sshd_server, instance), user_files=[])
    spec = replace(_ssm_spec(instance, clients, sshd_server, backend),
                   target=TunnelTarget("127.0.0.1", blog_db.conninfo["port"]))
    manager = TunnelManager(store, poll_interval=0.1, backoff=(0.1,))
    try:
        port = manager.open(spec).local_port
        assert _wait(lambda: len(sessions.active()) == 1)
        [carrying] = sessions.active()
        sessions.terminate_session({"SessionId": carrying.session_id})  # idle timeout, or an admin ended it
        assert _wait(lambda: len(sessions.active()) == 1 and sessions.active()[0] is not carrying
                     and manager.status(spec.name).state == TunnelState.UP, 30)
        assert manager.status(spec.name).local_port == port
        info = dict(blog_db.conninfo, host="127.0.0.1", port=port)
        with psycopg.connect(**info, connect_timeout=10) as conn:
            assert conn.execute("select count(*) from posts").fetchone()[0] == 100
    finally:
        manager.shutdown()
    assert _wait(lambda: sessions.active() == [], 15)
