"""Fixtures for the tunnel tests: the rig's sshd + PostgreSQL, a host key store, spec builders."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from aurora_console.core.secrets import Secret
from aurora_console.core.ssh.config import BastionConfig, TunnelSpec, TunnelTarget
from aurora_console.core.ssh.hostkeys import HostKeyStore

BACKENDS = ["native", "paramiko"]


@pytest.fixture
def trusted_store(tmp_path: Path, sshd_server) -> HostKeyStore:
    """A store that already trusts the rig sshd's host keys (console file), no user file."""
    path = tmp_path / "known_hosts"
    path.write_text("\n".join(sshd_server.known_hosts_lines) + "\n")
    return HostKeyStore(path, user_files=[])


@pytest.fixture
def blog_db(new_database):
    """A database with a small table, and its conninfo."""
    db = new_database()
    with db.connect(autocommit=True) as conn:
        conn.execute("create table posts (id int primary key, title text)")
        conn.execute("insert into posts select g, 'post ' || g from generate_series(1, 100) g")
    return db


def spec_for(server, key: str = "ed25519", *, target_port: int, target_host: str = "127.0.0.1",
             backend: str = "native", user: str | None = None, passphrase: str | None = None,
             timeout: float = 5.0, probe: str = "postgres", key_file: str | None = None) -> TunnelSpec:
    kf = key_file or str(server.client_keys[key])
    if passphrase is None and key.endswith("_passphrase") and key_file is None:
        passphrase = server.passphrase
    bastion = BastionConfig(host=server.host, port=server.port, user=user or server.user, key_file=kf,
                            passphrase_source="prompt" if passphrase else "none", connect_timeout=timeout)
    return TunnelSpec(name=f"t-{key}-{backend}", bastion=bastion,
                      target=TunnelTarget(target_host, target_port, probe=probe),
                      passphrase=Secret(passphrase) if passphrase else None, backend=backend)


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a LISTEN socket on ``port`` (from /proc/net/tcp{,6})."""
    found = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            local, state = parts[1], parts[3]
            addr, _, hexport = local.rpartition(":")
            if state == "0A" and int(hexport, 16) == port:
                found.add(addr)
    return found


LOOPBACK_HEX = "0100007F"


def make_key(folder: Path, name: str, *args: str) -> Path:
    path = folder / name
    subprocess.run(["ssh-keygen", "-q", *args, "-f", str(path), "-C", name], check=True, capture_output=True)
    return path
