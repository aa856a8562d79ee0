"""Each fault gives its own specific error, with both backends, against a real sshd."""

from __future__ import annotations

import socket
import time

import pytest

from aurora_console.core.ssh.backend import make_backend
from aurora_console.core.ssh.errors import (
    AuthenticationRejected,
    BastionUnreachable,
    ForwardingRefused,
    PassphraseRequired,
    TargetUnreachable,
    UnsupportedKeyFormat,
    WrongPassphrase,
)
from aurora_console.core.ssh.hostkeys import HostKeyStore
from tests.integration.tunnels.conftest import BACKENDS, spec_for

pytestmark = pytest.mark.integration


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.mark.parametrize("backend", BACKENDS)
def test_wrong_passphrase(backend, sshd_server, trusted_store):
    spec = spec_for(sshd_server, "ed25519_passphrase", target_port=sshd_server.port, backend=backend,
                    passphrase="not the passphrase", probe="tcp")
    with pytest.raises(WrongPassphrase, match="Wrong passphrase"):
        make_backend(backend).open(spec, trusted_store)


@pytest.mark.parametrize("backend", BACKENDS)
def test_missing_passphrase(backend, sshd_server, trusted_store):
    spec = spec_for(sshd_server, "ed25519_passphrase", target_port=sshd_server.port, backend=backend, probe="tcp")
    spec.passphrase = None
    with pytest.raises(PassphraseRequired):
        make_backend(backend).open(spec, trusted_store)


@pytest.mark.parametrize("backend", BACKENDS)
def test_wrong_user(backend, sshd_server, trusted_store):
    spec = spec_for(sshd_server, target_port=sshd_server.port, backend=backend, user="nosuchuser", probe="tcp")
    with pytest.raises(AuthenticationRejected, match="refused user 'nosuchuser'"):
        make_backend(backend).open(spec, trusted_store)


@pytest.mark.parametrize("backend", BACKENDS)
def test_key_not_authorised(backend, tmp_path, sshd_server, trusted_store):
    from tests.integration.tunnels.conftest import make_key

    key = make_key(tmp_path, "stranger", "-t", "ed25519", "-N", "")
    spec = spec_for(sshd_server, target_port=sshd_server.port, backend=backend, key_file=str(key), probe="tcp")
    with pytest.raises(AuthenticationRejected, match="authorized_keys"):
        make_backend(backend).open(spec, trusted_store)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("content,match", [
    (b"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n", "PuTTY"),
    (b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG public\n", "public key"),
    (b"hello\n", "not a known private key format"),
])
def test_unsupported_key_format(backend, content, match, tmp_path, sshd_server, trusted_store):
    key = tmp_path / "weird_key"
    key.write_bytes(content)
    spec = spec_for(sshd_server, target_port=sshd_server.port, backend=backend, key_file=str(key), probe="tcp")
    with pytest.raises(UnsupportedKeyFormat, match=match):
        make_backend(backend).open(spec, trusted_store)


@pytest.mark.parametrize("backend", BACKENDS)
def test_dsa_key_refused_with_advice(backend, tmp_path, sshd_server, trusted_store):
    from tests.integration.tunnels.conftest import make_key

    key = make_key(tmp_path, "old_dsa", "-t", "dsa", "-N", "")
    spec = spec_for(sshd_server, target_port=sshd_server.port, backend=backend, key_file=str(key), probe="tcp")
    with pytest.raises(UnsupportedKeyFormat, match="DSA") as info:
        make_backend(backend).open(spec, trusted_store)
    assert "ssh-keygen -t ed25519" in info.value.hint


@pytest.mark.parametrize("backend", BACKENDS)
def test_bastion_port_closed(backend, sshd_server, trusted_store):
    spec = spec_for(sshd_server, target_port=5432, backend=backend)
    spec.bastion.port = _closed_port()
    with pytest.raises(BastionUnreachable, match="Cannot reach the bastion"):
        make_backend(backend).open(spec, trusted_store)


@pytest.mark.parametrize("backend", BACKENDS)
def test_bastion_silent_fails_within_timeout(backend, sshd_server, trusted_store):
    """A bastion that accepts TCP but never speaks SSH (a black hole) fails with a reason."""
    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(5)
    try:
        spec = spec_for(sshd_server, target_port=5432, backend=backend, timeout=2)
        spec.bastion.port = hole.getsockname()[1]
        with pytest.raises(BastionUnreachable) as info:
            make_backend(backend).open(spec, trusted_store)
        assert str(spec.bastion.port) in info.value.message
    finally:
        hole.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_forwarding_refused(backend, sshd_factory, tmp_path, blog_db):
    server = sshd_factory(AllowTcpForwarding="no")
    (tmp_path / "kh").write_text("\n".join(server.known_hosts_lines) + "\n")
    store = HostKeyStore(tmp_path / "kh", user_files=[])
    spec = spec_for(server, target_port=blog_db.conninfo["port"], backend=backend)
    with pytest.raises(ForwardingRefused, match="AllowTcpForwarding"):
        make_backend(backend).open(spec, store)


@pytest.mark.parametrize("backend", BACKENDS)
def test_target_unreachable_from_bastion(backend, sshd_server, trusted_store):
    spec = spec_for(sshd_server, target_port=_closed_port(), backend=backend)
    with pytest.raises(TargetUnreachable, match="cannot reach 127.0.0.1"):
        make_backend(backend).open(spec, trusted_store)


@pytest.mark.parametrize("backend", BACKENDS)
def test_unresolvable_bastion(backend, sshd_server, trusted_store):
    spec = spec_for(sshd_server, target_port=5432, backend=backend)
    spec.bastion.host = "no-such-host.invalid"
    started = time.monotonic()
    with pytest.raises(BastionUnreachable, match="resolve"):
        make_backend(backend).open(spec, trusted_store)
    assert time.monotonic() - started < 60  # generous bound: it must not hang
