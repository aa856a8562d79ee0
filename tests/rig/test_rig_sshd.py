"""The sshd rig fixture against the real OpenSSH client, paramiko and PostgreSQL."""

from __future__ import annotations

import os
import stat
import subprocess
import time
from pathlib import Path

import paramiko
import psycopg
import pytest

from aurora_console.sandbox.postgres import PostgresServer
from tests.rig.ssh_client import free_port, openssh_forward, stop_and_read_stderr
from tests.rig.sshd import STARTUP_SECONDS
from tests.rig.sshd_server import SshdServer, generate_keys, openssh_version

pytestmark = pytest.mark.integration

OPENSSH_FORMAT_KEYS = ["ed25519", "ecdsa", "rsa"]


@pytest.mark.parametrize("key", [*OPENSSH_FORMAT_KEYS, "rsa_pem"])
def test_openssh_client_logs_in_with_each_key_type(sshd_server: SshdServer, key: str) -> None:
    header = sshd_server.client_keys[key].read_text().splitlines()[0]
    expected = "RSA PRIVATE KEY" if key == "rsa_pem" else "OPENSSH PRIVATE KEY"
    assert expected in header
    result = subprocess.run(
        sshd_server.ssh_args(key, command=["echo", f"hello-{key}"]),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"hello-{key}"
    print(
        f"ssh_keys: {STARTUP_SECONDS['ssh_keys']:.2f} s, sshd_server: {STARTUP_SECONDS['sshd_server']:.2f} s"
    )


@pytest.mark.skipif(openssh_version() < (8, 4), reason="SSH_ASKPASS_REQUIRE needs OpenSSH 8.4")
def test_passphrase_key_with_openssh_askpass(sshd_server: SshdServer, tmp_path: Path) -> None:
    askpass = tmp_path / "askpass.sh"
    askpass.write_text(f"#!/bin/sh\necho '{sshd_server.passphrase}'\n")
    askpass.chmod(stat.S_IRWXU)
    env = dict(os.environ, SSH_ASKPASS=str(askpass), SSH_ASKPASS_REQUIRE="force", DISPLAY=":0")
    args = sshd_server.ssh_args("ed25519_passphrase", command=["echo", "unlocked"], batch=False)
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "unlocked"


def test_paramiko_with_passphrase_key_and_pinned_host_key(sshd_server: SshdServer) -> None:
    with pytest.raises(paramiko.PasswordRequiredException):
        paramiko.Ed25519Key.from_private_key_file(str(sshd_server.client_keys["ed25519_passphrase"]))
    key = paramiko.Ed25519Key.from_private_key_file(
        str(sshd_server.client_keys["ed25519_passphrase"]), password=sshd_server.passphrase
    )
    client = paramiko.SSHClient()
    client.load_host_keys(str(sshd_server.known_hosts_file))
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(
        sshd_server.host,
        sshd_server.port,
        username=sshd_server.user,
        pkey=key,
        allow_agent=False,
        look_for_keys=False,
        timeout=30,
    )
    try:
        seen = client.get_transport().get_remote_server_key()
        assert f"{seen.get_name()} {seen.get_base64()}" in sshd_server.host_public_keys.values()
        _, out, _ = client.exec_command("echo via-paramiko")
        assert out.read().decode().strip() == "via-paramiko"
    finally:
        client.close()


def test_fingerprints_match_ssh_keygen(sshd_server: SshdServer) -> None:
    for key_type, path in sshd_server.keys.host_keys.items():
        listed = subprocess.run(
            ["ssh-keygen", "-l", "-E", "sha256", "-f", f"{path}.pub"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert listed.split()[1] == sshd_server.fingerprints[key_type]
    assert all(line.startswith(f"[127.0.0.1]:{sshd_server.port} ") for line in sshd_server.known_hosts_lines)


def test_wrong_host_key_and_unknown_client_key_are_rejected(sshd_server: SshdServer, tmp_path: Path) -> None:
    stranger = tmp_path / "stranger"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(stranger)], check=True)
    args = sshd_server.ssh_args("ed25519", command=["true"])
    args[args.index(str(sshd_server.client_keys["ed25519"]))] = str(stranger)
    result = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert result.returncode == 255 and "Permission denied" in result.stderr

    other_host = tmp_path / "known_hosts"
    other_host.write_text(f"[127.0.0.1]:{sshd_server.port} {Path(f'{stranger}.pub').read_text()}")
    args = sshd_server.ssh_args("ed25519", command=["true"], options={"UserKnownHostsFile": str(other_host)})
    result = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert result.returncode == 255 and "Host key verification failed" in result.stderr


def test_openssh_forward_to_postgres(sshd_server: SshdServer, pg_server: PostgresServer) -> None:
    port = free_port()
    args = sshd_server.ssh_args(
        "ecdsa",
        "-N",
        "-L",
        f"127.0.0.1:{port}:127.0.0.1:{pg_server.port}",
        options={"ExitOnForwardFailure": "yes"},
    )
    with openssh_forward(args, port):
        with psycopg.connect(**(pg_server.conninfo() | {"port": port})) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.expected_errors  # paramiko logs the refused channel at ERROR
def test_forwarding_refused_when_disabled(sshd_factory, pg_server: PostgresServer) -> None:
    server = sshd_factory(AllowTcpForwarding="no")
    assert "AllowTcpForwarding no" in server.config_file.read_text()
    port = free_port()
    args = server.ssh_args(
        "ed25519", "-N", "-L", f"127.0.0.1:{port}:127.0.0.1:{pg_server.port}", options={"LogLevel": "INFO"}
    )
    with openssh_forward(args, port) as proc:
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(**(pg_server.conninfo() | {"port": port}), connect_timeout=10)
        assert "administratively prohibited" in stop_and_read_stderr(proc)

    key = paramiko.Ed25519Key.from_private_key_file(str(server.client_keys["ed25519"]))
    with paramiko.Transport((server.host, server.port)) as transport:
        transport.connect(username=server.user, pkey=key)
        with pytest.raises(paramiko.ChannelException) as refused:
            transport.open_channel("direct-tcpip", ("127.0.0.1", pg_server.port), ("127.0.0.1", 0))
        assert refused.value.code == paramiko.common.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED


def test_stop_leaves_no_process(sshd_factory) -> None:
    server = sshd_factory()
    # a duration no other process on the machine uses, so the check below finds only ours
    marker = f"sleep 300.{os.getpid()}{time.monotonic_ns() % 100000}"
    session = subprocess.Popen(
        server.ssh_args("ed25519", command=[f"echo started; exec {marker}"]),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert session.stdout.readline().strip() == "started"  # the remote command runs
        pid = server.proc.pid
        server.stop()
        assert not server.running
        out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
        assert str(server.config_file) not in out and str(pid) not in out.split()
        assert marker not in out
        assert session.wait(30) != 0  # its connection was closed by the stop
    finally:
        if session.poll() is None:
            session.kill()
        session.communicate()


def test_generate_keys_makes_every_kind(tmp_path: Path) -> None:
    keys = generate_keys(tmp_path / "keys", passphrase="pass phrase")
    expected = {
        "ed25519": "ED25519",
        "ecdsa": "ECDSA",
        "rsa": "RSA",
        "rsa_pem": "RSA",
        "ed25519_passphrase": "ED25519",
    }
    for name, key_type in expected.items():
        listed = subprocess.run(
            ["ssh-keygen", "-l", "-f", f"{keys.client_keys[name]}.pub"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert listed.rstrip().endswith(f"({key_type})")
    assert "BEGIN RSA PRIVATE KEY" in keys.client_keys["rsa_pem"].read_text()
    locked = subprocess.run(
        ["ssh-keygen", "-y", "-P", "", "-f", str(keys.client_keys["ed25519_passphrase"])],
        capture_output=True,
        text=True,
    )
    assert locked.returncode != 0
    unlocked = subprocess.run(
        ["ssh-keygen", "-y", "-P", "pass phrase", "-f", str(keys.client_keys["ed25519_passphrase"])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert (
        unlocked.split()[:2] == Path(f"{keys.client_keys['ed25519_passphrase']}.pub").read_text().split()[:2]
    )
    assert set(keys.host_keys) == {"ed25519", "ecdsa", "rsa"} and all(
        p.is_file() for p in keys.host_keys.values()
    )
