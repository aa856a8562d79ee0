"""The sandbox bastion with real clients (OpenSSH, sshtunnel/paramiko) and a real PostgreSQL."""

from __future__ import annotations

import base64
import socket
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import paramiko
import psycopg
import pytest
import sshtunnel
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.sandbox.bastion import Bastion, BastionError, normalize_routes
from aurora_console.sandbox.postgres import PostgresServer
from tests.rig.ssh_client import free_port, openssh_forward, stop_and_read_stderr

pytestmark = pytest.mark.integration

WRITER = "blog.cluster-c9akciq32.us-east-1.rds.amazonaws.com"
READER = "blog.cluster-ro-c9akciq32.us-east-1.rds.amazonaws.com"
CUSTOM = "blog-analytics.cluster-custom-c9akciq32.us-east-1.rds.amazonaws.com"


@pytest.fixture
def bastion(tmp_path: Path, pg_server: PostgresServer) -> Iterator[Bastion]:
    local = ("127.0.0.1", pg_server.port)
    server = Bastion(
        tmp_path / "bastion", {(WRITER, 5432): local, (READER, 5432): local, (CUSTOM, 5432): local}
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _ssh(
    bastion: Bastion, *extra: str, key: Path | None = None, user: str = "bastion", log_level: str = "ERROR"
):
    return [
        "ssh", "-F", "/dev/null", "-p", str(bastion.port), "-i", str(key or bastion.client_key_path),
        "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes",
        "-o", f"UserKnownHostsFile={bastion.known_hosts_path}", "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=15", "-o", f"LogLevel={log_level}",
        *extra, f"{user}@127.0.0.1",
    ]  # fmt: skip


def _select_one(pg_server: PostgresServer, port: int) -> tuple:
    with psycopg.connect(**(pg_server.conninfo() | {"port": port}), connect_timeout=15) as conn:
        return conn.execute("SELECT 1").fetchone()


def _paramiko_transport(bastion: Bastion, username: str = "bastion") -> paramiko.Transport:
    transport = paramiko.Transport(("127.0.0.1", bastion.port))
    algorithm, blob = bastion.known_hosts_line.split()[1:3]
    assert algorithm == "ssh-ed25519"
    pinned = paramiko.Ed25519Key(data=base64.b64decode(blob))
    key = paramiko.Ed25519Key.from_private_key_file(str(bastion.client_key_path))
    transport.connect(hostkey=pinned, username=username, pkey=key)
    return transport


def test_keys_are_made_once_and_pinned(tmp_path: Path) -> None:
    first = Bastion(tmp_path / "state")
    host, port = first.start()
    try:
        assert host == "127.0.0.1" and port > 0
        for path in (first.host_key_path, first.client_key_path):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert "BEGIN OPENSSH PRIVATE KEY" in first.client_key_path.read_text()
        # No passphrase (-P ""), and the .pub file is the key's public half.
        derived = subprocess.run(
            ["ssh-keygen", "-y", "-P", "", "-f", str(first.client_key_path)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[:2]
        assert derived == first.client_public_key_path.read_text().split()[:2]
        assert derived[0] == "ssh-ed25519"
        assert first.known_hosts_path.read_text().strip() == first.known_hosts_line
        assert first.known_hosts_line.startswith(f"[127.0.0.1]:{port},[localhost]:{port} ssh-ed25519 ")
        listed = subprocess.run(
            ["ssh-keygen", "-l", "-f", str(first.known_hosts_path)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert first.host_fingerprint in listed
        host_key, client_key = first.host_key_path.read_bytes(), first.client_key_path.read_bytes()
    finally:
        first.stop()
    with Bastion(tmp_path / "state") as again:
        assert again.host_key_path.read_bytes() == host_key
        assert again.client_key_path.read_bytes() == client_key
        assert again.known_hosts_path.read_text().strip() == again.known_hosts_line


def test_openssh_client_reaches_postgres_through_each_endpoint(
    bastion: Bastion, pg_server: PostgresServer
) -> None:
    ports = {endpoint: free_port() for endpoint in (WRITER, READER, CUSTOM.upper())}
    forwards = [
        arg for endpoint, port in ports.items() for arg in ("-L", f"127.0.0.1:{port}:{endpoint}:5432")
    ]
    with openssh_forward(_ssh(bastion, "-N", "-o", "ExitOnForwardFailure=yes", *forwards), ports[WRITER]):
        for port in ports.values():
            assert _select_one(pg_server, port) == (1,)


def test_sshtunnel_reaches_postgres(bastion: Bastion, pg_server: PostgresServer) -> None:
    blob = bastion.known_hosts_line.split()[2]
    tunnel = sshtunnel.SSHTunnelForwarder(
        ("127.0.0.1", bastion.port),
        ssh_username="bastion",
        ssh_pkey=str(bastion.client_key_path),
        ssh_host_key=paramiko.Ed25519Key(data=base64.b64decode(blob)),
        remote_bind_address=(READER, 5432),
        local_bind_address=("127.0.0.1", 0),
        allow_agent=False,
        host_pkey_directories=[],
    )
    with tunnel:
        assert _select_one(pg_server, tunnel.local_bind_port) == (1,)


@pytest.mark.expected_errors  # paramiko logs the refused channels at ERROR
def test_targets_outside_the_allow_list_are_prohibited(bastion: Bastion, pg_server: PostgresServer) -> None:
    with _paramiko_transport(bastion) as transport:
        for target in (("127.0.0.1", pg_server.port), ("example.com", 5432), (WRITER, 5433)):
            with pytest.raises(paramiko.ChannelException) as refused:
                transport.open_channel("direct-tcpip", target, ("127.0.0.1", 0))
            assert refused.value.code == paramiko.common.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED
        channel = transport.open_channel("direct-tcpip", (WRITER.upper() + ".", 5432), ("127.0.0.1", 0))
        channel.close()

    port = free_port()
    args = _ssh(bastion, "-N", "-L", f"127.0.0.1:{port}:127.0.0.1:{pg_server.port}", log_level="INFO")
    with openssh_forward(args, port) as proc:
        with pytest.raises(psycopg.OperationalError):
            _select_one(pg_server, port)
        assert "administratively prohibited" in stop_and_read_stderr(proc)


def test_update_routes_takes_effect_for_new_tunnels(bastion: Bastion, pg_server: PostgresServer) -> None:
    renamed = "blog-2.cluster-c9akciq32.us-east-1.rds.amazonaws.com"
    bastion.update_routes({(renamed, 5432): ("127.0.0.1", pg_server.port)})
    assert bastion.route(renamed, 5432) == ("127.0.0.1", pg_server.port)
    assert bastion.route(WRITER, 5432) is None
    port = free_port()
    with openssh_forward(_ssh(bastion, "-N", "-L", f"127.0.0.1:{port}:{renamed}:5432"), port):
        assert _select_one(pg_server, port) == (1,)


def test_unknown_key_wrong_user_and_sessions_are_rejected(bastion: Bastion, tmp_path: Path) -> None:
    stranger = tmp_path / "stranger"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(stranger)], check=True)
    result = subprocess.run(_ssh(bastion, "-N", key=stranger), capture_output=True, text=True, timeout=60)
    assert result.returncode == 255 and "Permission denied (publickey)" in result.stderr

    result = subprocess.run(_ssh(bastion, "-N", user="root"), capture_output=True, text=True, timeout=60)
    assert result.returncode == 255 and "Permission denied (publickey)" in result.stderr

    result = subprocess.run([*_ssh(bastion), "echo", "shell-ran"], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "shell-ran" not in result.stdout


def test_stop_closes_tunnels_loop_and_thread(tmp_path: Path, pg_server: PostgresServer) -> None:
    bastion = Bastion(tmp_path / "b", {(WRITER, 5432): ("127.0.0.1", pg_server.port)})
    _, port = bastion.start()
    loop, thread = bastion._loop, bastion._thread
    local = free_port()
    with openssh_forward(_ssh(bastion, "-N", "-L", f"127.0.0.1:{local}:{WRITER}:5432"), local) as proc:
        bastion.stop()
        assert proc.wait(30) == 255  # ssh -N ends when the bastion closes its connection
    assert not thread.is_alive() and loop.is_closed() and not bastion.running
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    with pytest.raises(BastionError):
        _ = bastion.known_hosts_line
    bastion.stop()  # a second stop is harmless


@pytest.mark.unit
@pytest.mark.parametrize(
    "routes",
    [
        {("", 5432): ("127.0.0.1", 1)},
        {("a b", 5432): ("127.0.0.1", 1)},
        {("db", 0): ("127.0.0.1", 1)},
        {("db", 5432): ("127.0.0.1", 70000)},
        {("db", True): ("127.0.0.1", 1)},
        {("db", "5432"): ("127.0.0.1", 1)},
    ],
)
def test_invalid_routes_are_refused(routes) -> None:
    with pytest.raises(ValueError):
        normalize_routes(routes)


@pytest.mark.unit
def test_routes_match_host_names_case_insensitively() -> None:
    assert normalize_routes({("Blog.Cluster-X.rds.amazonaws.com.", 5432): ("127.0.0.1", 6543)}) == {
        ("blog.cluster-x.rds.amazonaws.com", 5432): ("127.0.0.1", 6543)
    }


_labels = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9-]{0,20}[A-Za-z0-9])?", fullmatch=True)
_hosts = st.lists(_labels, min_size=1, max_size=5).map(".".join)
_ports = st.integers(min_value=1, max_value=65535)


@pytest.mark.unit
@given(host=_hosts, port=_ports, local_port=_ports, trailing_dot=st.booleans())
def test_route_lookup_ignores_case_and_trailing_dot(
    host: str, port: int, local_port: int, trailing_dot: bool
) -> None:
    bastion = Bastion(
        "/nonexistent-state-dir-not-touched",
        {(host + ("." if trailing_dot else ""), port): ("127.0.0.1", local_port)},
    )
    assert bastion.route(host.upper(), port) == ("127.0.0.1", local_port)
    assert bastion.route(host.lower() + ".", port) == ("127.0.0.1", local_port)
    assert bastion.route(host, port % 65535 + 1) is None


@pytest.mark.unit
@given(port=st.one_of(st.integers(max_value=0), st.integers(min_value=65536)))
def test_ports_outside_the_tcp_range_are_refused(port: int) -> None:
    with pytest.raises(ValueError, match="not a TCP port"):
        normalize_routes({("db.example", port): ("127.0.0.1", 5432)})
    with pytest.raises(ValueError, match="not a TCP port"):
        normalize_routes({("db.example", 5432): ("127.0.0.1", port)})
