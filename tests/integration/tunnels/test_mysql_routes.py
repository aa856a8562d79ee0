"""Every bastion route on a MySQL profile, end to end through the opener: the profile's tunnel
(readiness probe "tcp": a MySQL server greets first), then the MySQL engine with TLS verified
against the endpoint name through 127.0.0.1, then a query on the rig's MariaDB. Routes: a plain SSH
bastion (the rig's sshd), an EC2 bastion with a key pushed by Instance Connect (the sandbox's
loopback bastion and the moto server's SendSSHPublicKey), SSH through an EC2 Instance Connect
Endpoint and SSH over Session Manager (the sandbox's endpoint and Session Manager stand-ins to the
rig's sshd); each with both tunnel backends. The PostgreSQL versions of these routes are in the
other files of this folder."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

import pytest

from aurora_console.core.aws.session import AwsTarget
from aurora_console.core.connections.opener import open_connection
from aurora_console.core.connections.passwords import clients_from_factory
from aurora_console.core.ssh.config import AwsBastion, BastionConfig
from aurora_console.core.ssh.hostkeys import HostKeyStore
from aurora_console.core.ssh.manager import TunnelManager
from aurora_console.sandbox.aws_seed import BASTION_NAME, create_bastion_instance
from aurora_console.sandbox.bastion import Bastion
from aurora_console.sandbox.profiles import trust_bastion_instance
from tests.integration.tunnels.conftest import BACKENDS
from tests.integration.tunnels.session_manager import REGION, put_plugin_on_path, run_bastion, wire_sessions

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]


def _query_through(profile, store: HostKeyStore, clients, password: str) -> tuple:
    manager = TunnelManager(store, backoff=(0.2,), max_attempts=2)
    try:
        opened = open_connection(profile, manager=manager, clients=clients, password=password, check_password=False)
        try:
            assert opened.route.kind == "tunnel" and opened.route.local_port != profile.port
            conn = opened.connect()
            try:
                with conn.cursor() as cur:
                    cur.execute("SELECT DATABASE(), VERSION()")
                    db, version = cur.fetchone()
                    cur.execute("SHOW SESSION STATUS LIKE 'Ssl_version'")
                    tls = cur.fetchone()[1]
                return db, version, tls
            finally:
                conn.close()
        finally:
            opened.close()
    finally:
        manager.shutdown()


def _check(result, profile) -> None:
    db, version, tls = result
    assert db == profile.database and "mariadb" in version.lower() and tls.startswith("TLSv1.")


def _sshd_store(tmp_path: Path, sshd_server, alias: str) -> HostKeyStore:
    path = tmp_path / "known_hosts"
    path.write_text("".join(f"{alias} {key}\n" for key in sshd_server.host_public_keys.values()))
    return HostKeyStore(path, user_files=[])


@pytest.mark.parametrize("backend", BACKENDS)
def test_plain_ssh_bastion(backend, mysql_server, mysql_profile, sshd_server, trusted_store):
    bastion = BastionConfig(host=sshd_server.host, port=sshd_server.port, user=sshd_server.user,
                            key_file=str(sshd_server.client_keys["ed25519"]), connect_timeout=10)
    profile = dataclasses.replace(mysql_profile, name=f"my-ssh-{backend}", bastion=bastion, backend=backend)
    _check(_query_through(profile, trusted_store, None, mysql_server.password), profile)


@pytest.mark.parametrize("backend", BACKENDS)
def test_ec2_bastion_with_a_pushed_key(backend, mysql_server, mysql_profile, moto_server, aws_factory, tmp_path):
    ec2 = aws_factory.client("ec2", AwsTarget(None, REGION))
    instance_id, _ = create_bastion_instance(ec2)
    routes = {(mysql_profile.host, mysql_profile.port): ("127.0.0.1", mysql_server.port)}
    loopback = Bastion(tmp_path / "bastion", routes, pushed_keys=moto_server.pushed_keys, instance_id=instance_id)
    loopback.start()
    try:
        store = HostKeyStore(tmp_path / "known_hosts", user_files=[])
        trust_bastion_instance(store, SimpleNamespace(instance_id=instance_id, port=loopback.port,
                                                      known_hosts_line=loopback.known_hosts_line))
        bastion = BastionConfig(host=loopback.host, port=loopback.port, user="ec2-user", connect_timeout=10,
                                aws=AwsBastion(instance=BASTION_NAME, region=REGION, push_key=True))
        profile = dataclasses.replace(mysql_profile, name=f"my-eic-{backend}", bastion=bastion, backend=backend)
        pushes_before = len(moto_server.pushed_keys.pushes())
        _check(_query_through(profile, store, clients_from_factory(aws_factory), mysql_server.password), profile)
        assert moto_server.pushed_keys.pushes()[pushes_before:] == [(instance_id, "ec2-user")]
    finally:
        loopback.stop()


@pytest.mark.parametrize("backend", BACKENDS)
def test_instance_connect_endpoint(backend, mysql_server, mysql_profile, moto_server, aws_factory, sshd_server,
                                   tmp_path):
    instance = run_bastion(aws_factory, name="eice-bastion")
    service = moto_server.eice
    service.serve_instance(moto_server.endpoint_url, REGION, instance, (sshd_server.host, sshd_server.port))
    opened_before = service.opened
    bastion = BastionConfig(host=instance, user=sshd_server.user, key_file=str(sshd_server.client_keys["ed25519"]),
                            aws=AwsBastion(instance=instance, region=REGION, transport="eice"), connect_timeout=15)
    profile = dataclasses.replace(mysql_profile, name=f"my-eice-{backend}", bastion=bastion, backend=backend)
    result = _query_through(profile, _sshd_store(tmp_path, sshd_server, instance),
                            clients_from_factory(aws_factory), mysql_server.password)
    _check(result, profile)
    assert service.opened > opened_before and service.refused == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_ssh_over_session_manager(backend, mysql_server, mysql_profile, moto_server, aws_factory, sshd_server,
                                  tmp_path, monkeypatch):
    put_plugin_on_path(tmp_path / "plugin-bin", monkeypatch)
    sessions = wire_sessions(moto_server, ssh=(sshd_server.host, sshd_server.port))
    instance = run_bastion(aws_factory)
    bastion = BastionConfig(host=instance, user=sshd_server.user, key_file=str(sshd_server.client_keys["ed25519"]),
                            aws=AwsBastion(instance=instance, region=REGION, transport="ssm"), connect_timeout=20)
    profile = dataclasses.replace(mysql_profile, name=f"my-ssm-{backend}", bastion=bastion, backend=backend)
    result = _query_through(profile, _sshd_store(tmp_path, sshd_server, instance),
                            clients_from_factory(aws_factory), mysql_server.password)
    _check(result, profile)
    assert {s.document for s in sessions.started} == {"AWS-StartSSHSession"}
