"""Both backends forward to a real PostgreSQL through a real OpenSSH sshd, with every key kind."""

from __future__ import annotations

import subprocess

import psycopg
import pytest

from aurora_console.core.ssh.backend import make_backend
from tests.integration.tunnels.conftest import BACKENDS, LOOPBACK_HEX, listening_addresses, spec_for

pytestmark = pytest.mark.integration

RIG_KEYS = ["ed25519", "ecdsa", "rsa", "rsa_pem", "ed25519_passphrase"]


def _query_through(tunnel, db) -> list:
    info = dict(db.conninfo)
    info.update(host="127.0.0.1", port=tunnel.local_port)
    with psycopg.connect(**info, connect_timeout=10) as conn:
        return conn.execute("select count(*), max(title) from posts").fetchall()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("key", RIG_KEYS)
def test_forward_to_postgres_with_each_rig_key(backend, key, sshd_server, trusted_store, blog_db):
    spec = spec_for(sshd_server, key, target_port=blog_db.conninfo["port"], backend=backend)
    tunnel = make_backend(backend).open(spec, trusted_store)
    try:
        assert tunnel.backend_name == backend
        assert tunnel.is_alive()
        assert _query_through(tunnel, blog_db) == [(100, "post 99")]
        assert listening_addresses(tunnel.local_port) == {LOOPBACK_HEX}
    finally:
        tunnel.close()
    assert not tunnel.is_alive()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("kind", ["ecdsa-pem", "ecdsa-pem-passphrase", "rsa-pem-passphrase", "rsa-openssh-passphrase",
                                  "ecdsa-openssh-passphrase"])
def test_forward_with_more_key_formats(backend, kind, tmp_path, sshd_server, trusted_store, blog_db):
    key_type, fmt, *protected = kind.split("-")
    passphrase = "correct horse battery" if protected else ""
    args = ["-t", key_type, "-N", passphrase] + (["-m", "PEM"] if fmt == "pem" else [])
    if key_type == "rsa":
        args += ["-b", "2048"]
    path = tmp_path / kind
    subprocess.run(["ssh-keygen", "-q", *args, "-f", str(path)], check=True, capture_output=True)
    with sshd_server.authorized_keys_file.open("a") as fh:
        fh.write(open(f"{path}.pub").read())
    head = path.read_text().splitlines()[0]
    assert ("OPENSSH" in head) == (fmt == "openssh")
    spec = spec_for(sshd_server, target_port=blog_db.conninfo["port"], backend=backend, key_file=str(path),
                    passphrase=passphrase or None)
    tunnel = make_backend(backend).open(spec, trusted_store)
    try:
        assert _query_through(tunnel, blog_db) == [(100, "post 99")]
    finally:
        tunnel.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_pkcs8_ed25519_key(backend, tmp_path, sshd_server, trusted_store, blog_db):
    """A PEM (PKCS#8) ed25519 key, as openssl writes it: OpenSSH cannot read it, so the console
    says which format to convert to instead of failing obscurely (paramiko reads it)."""
    path = tmp_path / "ed25519_pkcs8"
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(path)], check=True, capture_output=True)
    path.chmod(0o600)
    from aurora_console.core.ssh.keys import load_private_key

    loaded = load_private_key(path)
    assert (loaded.key_type, loaded.file_format) == ("ed25519", "pkcs8")
    with sshd_server.authorized_keys_file.open("a") as fh:
        fh.write(f"{loaded.pkey.get_name()} {loaded.pkey.get_base64()} pkcs8\n")
    spec = spec_for(sshd_server, target_port=blog_db.conninfo["port"], backend=backend, key_file=str(path))
    tunnel = make_backend(backend).open(spec, trusted_store)
    try:
        assert _query_through(tunnel, blog_db) == [(100, "post 99")]
    finally:
        tunnel.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_reuses_requested_local_port(backend, sshd_server, trusted_store, blog_db):
    spec = spec_for(sshd_server, target_port=blog_db.conninfo["port"], backend=backend)
    first = make_backend(backend).open(spec, trusted_store)
    port = first.local_port
    first.close()
    second = make_backend(backend).open(spec, trusted_store, local_port=port)
    try:
        assert second.local_port == port
        assert _query_through(second, blog_db)[0][0] == 100
    finally:
        second.close()
