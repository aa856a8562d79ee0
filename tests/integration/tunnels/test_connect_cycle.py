"""A full connect cycle (profile -> keyring passphrase -> tunnel -> SSM password -> psycopg):
the report is right, and no password, passphrase or token is left in logs, settings or files."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import keyring
import psycopg
import pytest

from aurora_console.core.connections.passwords import clients_from_factory
from aurora_console.core.connections.profile import ConnectionProfile, PasswordSource, TlsSettings
from aurora_console.core.connections.store import ProfileStore
from aurora_console.core.connections.tester import DatabaseConnectError, check_connection
from aurora_console.core.connections.tunnels import open_profile_tunnel
from aurora_console.core.paths import app_paths
from aurora_console.core.ssh.config import BastionConfig
from aurora_console.core.ssh.hostkeys import HostKeyStore
from aurora_console.core.ssh.manager import TunnelManager
from tests.integration.tunnels.conftest import BACKENDS

pytestmark = pytest.mark.integration


def _files_containing(root: Path, needles: list[str]) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_size < 5_000_000:
            data = path.read_bytes()
            hits += [f"{path}: {n[:3]}..." for n in needles if n.encode() in data]
    return hits


@pytest.fixture
def cycle(sshd_server, blog_db, aws_factory, isolated_env):
    passphrase = sshd_server.passphrase
    db_password = blog_db.conninfo["password"]
    ssm = aws_factory.client("ssm", _target())
    ssm.put_parameter(Name="/web/blog/database/secret", Value=db_password, Type="SecureString")
    bastion = BastionConfig(sshd_server.host, sshd_server.user, sshd_server.port,
                            str(sshd_server.client_keys["ed25519_passphrase"]), passphrase_source="keyring")
    keyring.set_password("aurora-console", bastion.keyring_name(), passphrase)
    paths = app_paths().ensure()
    store = ProfileStore(paths.config_dir / "profiles.json")
    profile = ConnectionProfile("blog", "127.0.0.1", blog_db.conninfo["port"], blog_db.name,
                                blog_db.conninfo["user"], read_only=True, bastion=bastion,
                                password=PasswordSource("ssm", parameter="/web/blog/database/secret",
                                                        region="us-east-1"),
                                tls=TlsSettings(mode="prefer"))
    store.save(profile)
    hosts = HostKeyStore(paths.known_hosts_file, user_files=[])
    hosts.trust(sshd_server.host, sshd_server.port, *sshd_server.host_public_keys["ed25519"].split(), always=True)
    manager = TunnelManager(hosts)
    yield store, manager, passphrase, db_password, paths
    manager.shutdown()


@pytest.mark.parametrize("backend", BACKENDS)
def test_full_cycle_report_and_no_secret_anywhere(backend, cycle, aws_factory, caplog, isolated_env):
    store, manager, passphrase, db_password, paths = cycle
    caplog.set_level(logging.DEBUG)
    for name in ("paramiko", "aurora_console", "psycopg", "botocore"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    from aurora_console.core.logs import setup_logging, teardown_logging

    setup_logging(paths.log_file, level=logging.DEBUG)
    try:
        profile = store.get("blog")
        profile.backend = backend
        status = open_profile_tunnel(manager, profile)
        if backend == "native":
            tunnel = manager._entries["blog"].tunnel
            cmdline = Path(f"/proc/{tunnel.proc.pid}/cmdline").read_bytes()
            assert passphrase.encode() not in cmdline and b"127.0.0.1:%d:" % status.local_port in cmdline
            assert not _files_containing(tunnel.workdir, [passphrase, db_password])
        report = check_connection(profile, manager=manager, clients=clients_from_factory(aws_factory))
        assert "PostgreSQL" in report.server_version and report.server_version_num >= 100000
        assert report.is_aurora is False
        assert report.read_only is True
        assert report.latency_ms > 0
        assert f"{backend} tunnel 127.0.0.1:{status.local_port}" == report.route
        manager.close("blog")
    finally:
        teardown_logging()
    # nothing secret in captured log records (raw, before any redaction), files or settings
    assert "ssh-ed25519" not in passphrase
    for secret in (passphrase, db_password):
        assert secret not in caplog.text
    assert not _files_containing(Path(os.environ["AURORA_CONSOLE_HOME"]), [passphrase, db_password])
    assert not _files_containing(Path(os.environ["HOME"]), [passphrase, db_password])
    assert paths.log_file.read_text()  # the log was written (and is clean)


def test_read_only_profile_session_refuses_writes(cycle, aws_factory, blog_db):
    store, manager, *_ = cycle
    from aurora_console.core.connections.engines.postgres import POSTGRES
    from aurora_console.core.connections.passwords import resolve_password

    profile = store.get("blog")
    status = open_profile_tunnel(manager, profile)
    kwargs = POSTGRES.connect_params(profile, resolve_password(profile, clients=clients_from_factory(aws_factory)),
                                     local_port=status.local_port)
    with psycopg.connect(**kwargs) as conn:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("insert into posts values (1000, 'nope')")


def test_wrong_database_password_is_explained(cycle, aws_factory):
    store, manager, *_ = cycle
    profile = store.get("blog")
    profile.password = PasswordSource("prompt")
    with pytest.raises(DatabaseConnectError, match="wrong password"):
        check_connection(profile, manager=manager, prompt=lambda _: "wrong-password")
    assert manager.status("blog") is None  # the test opened the tunnel, and closed it again


def _target():
    from aurora_console.core.aws.session import AwsTarget

    return AwsTarget(None, "us-east-1")
