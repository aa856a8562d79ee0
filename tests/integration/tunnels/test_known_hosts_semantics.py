"""known_hosts read as OpenSSH reads it, on both backends, against the rig's real sshd.

Markers and patterns follow sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT" (openssh-portable sshd.8,
hostfile.c): lines about other hosts (whatever they hold) never break a tunnel, ``@revoked`` keys
are refused, ``@cert-authority`` is honoured by the native backend (OpenSSH checks the host
certificate) and refused plainly by the paramiko backend, which cannot check it.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest

from aurora_console.core.ssh.backend import make_backend
from aurora_console.core.ssh.errors import (
    HostCertificateUnsupported,
    HostKeyError,
    HostKeyRevoked,
    HostKeyUnknown,
)
from aurora_console.core.ssh.hostkeys import HostKeyStore
from tests.integration.tunnels.conftest import BACKENDS, make_key, spec_for

pytestmark = pytest.mark.integration


def _store(tmp_path: Path, lines: list[str]) -> tuple[HostKeyStore, Path]:
    user_file = tmp_path / "user_known_hosts"
    user_file.write_text("\n".join(lines) + "\n")
    return HostKeyStore(tmp_path / "console_known_hosts", user_files=[user_file]), user_file


def _pub(path: Path) -> str:
    """``type base64`` of a public key file."""
    return " ".join(Path(f"{path}.pub" if not str(path).endswith(".pub") else path).read_text().split()[:2])


@pytest.fixture
def other_ca(tmp_path) -> Path:
    return make_key(tmp_path, "other_ca", "-t", "ed25519", "-N", "")


@pytest.mark.parametrize("backend", BACKENDS)
def test_marker_and_bad_lines_for_other_hosts_do_not_break_tunnels(backend, tmp_path, sshd_server, blog_db,
                                                                   other_ca, caplog):
    server_key = sshd_server.host_public_keys["ed25519"]
    store, user_file = _store(tmp_path, [
        "# the user's file, as it grows over the years",
        f"@cert-authority *.corp.example.com {_pub(other_ca)}",
        f"@revoked old-bastion.example.com {_pub(other_ca)}",
        "broken.example.com ssh-ed25519 AAAA%%%not-base64",
        "odd.example.com ssh-foo AAAAB3NzaC1yc2E=",
        "truncated.example.com",
        f"{sshd_server.host_pattern} {server_key}",
    ])
    spec = spec_for(sshd_server, target_port=blog_db.conninfo["port"], backend=backend)
    with caplog.at_level(logging.WARNING):
        make_backend(backend).open(spec, store).close()
    warned = "\n".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    for lineno in (4, 5, 6):
        assert f"{user_file}:{lineno}: skipped" in warned, warned
    assert f"{user_file}:2" not in warned and f"{user_file}:3" not in warned  # valid lines, other hosts


@pytest.mark.parametrize("backend", BACKENDS)
def test_revoked_key_of_our_host_is_refused(backend, tmp_path, sshd_server, blog_db):
    server_key = sshd_server.host_public_keys["ed25519"]
    store, user_file = _store(tmp_path, [
        f"{sshd_server.host_pattern} {server_key}",
        f"@revoked * {server_key}",
    ])
    spec = spec_for(sshd_server, target_port=blog_db.conninfo["port"], backend=backend)
    with pytest.raises(HostKeyRevoked) as info:
        make_backend(backend).open(spec, store)
    text = info.value.user_text()
    assert "REVOKED" in text and f"{user_file}:2" in text
    assert f"ssh-ed25519 key {sshd_server.fingerprints['ed25519']}" in text


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("form", ["hashed", "bracketed", "wildcard", "comma-list"])
def test_host_field_forms(backend, form, tmp_path, sshd_server, blog_db):
    server_key = sshd_server.host_public_keys["ed25519"]
    field = {"hashed": sshd_server.host_pattern,
             "bracketed": f"[127.0.0.1]:{sshd_server.port}",
             "wildcard": "[127.0.0.?]:*",
             "comma-list": f"bastion.example.com,[127.0.0.1]:{sshd_server.port},10.0.0.1"}[form]
    store, user_file = _store(tmp_path, [f"{field} {server_key}"])
    if form == "hashed":
        subprocess.run(["ssh-keygen", "-H", "-f", str(user_file)], check=True, capture_output=True)
        assert user_file.read_text().startswith("|1|")
    spec = spec_for(sshd_server, target_port=blog_db.conninfo["port"], backend=backend)
    make_backend(backend).open(spec, store).close()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("form", ["wildcard", "exact"])
def test_negated_pattern_makes_the_line_not_apply(backend, form, tmp_path, sshd_server, blog_db):
    """A negated match makes the whole line not apply, even when another pattern names the host."""
    server_key = sshd_server.host_public_keys["ed25519"]
    positive = "[127.0.0.1]:*" if form == "wildcard" else sshd_server.host_pattern
    store, _ = _store(tmp_path, [f"{positive},!{sshd_server.host_pattern} {server_key}"])
    spec = spec_for(sshd_server, target_port=blog_db.conninfo["port"], backend=backend)
    with pytest.raises(HostKeyUnknown):
        make_backend(backend).open(spec, store)


# --- host certificates ------------------------------------------------------------------------

def _certified_sshd(tmp_path: Path, sshd_server, sshd_factory, *, principal: str = "127.0.0.1"):
    """A second sshd whose ed25519 host key carries a certificate signed by a fresh CA."""
    folder = tmp_path / "hostcert"
    folder.mkdir()
    ca = make_key(folder, "host_ca", "-t", "ed25519", "-N", "")
    host_pub = folder / "host_ed25519.pub"
    host_pub.write_text(Path(f"{sshd_server.keys.host_keys['ed25519']}.pub").read_text())
    subprocess.run(["ssh-keygen", "-q", "-s", str(ca), "-h", "-I", "rig-host", "-n", principal, str(host_pub)],
                   check=True, capture_output=True)
    cert = folder / "host_ed25519-cert.pub"
    assert cert.is_file()
    return sshd_factory(HostCertificate=str(cert)), ca


@pytest.mark.parametrize("principal", ["127.0.0.1"])
def test_cert_authority_native_connects(principal, tmp_path, sshd_server, sshd_factory, blog_db):
    server, ca = _certified_sshd(tmp_path, sshd_server, sshd_factory, principal=principal)
    store, _ = _store(tmp_path, [f"@cert-authority {server.host_pattern} {_pub(ca)}"])
    spec = spec_for(server, target_port=blog_db.conninfo["port"], backend="native")
    tunnel = make_backend("native").open(spec, store)
    try:
        assert tunnel.is_alive()
        known = (tunnel.workdir / "known_hosts").read_text()
        assert known.startswith(f"@cert-authority {server.host_pattern} ") and "HostKeyAlias" not in (
            tunnel.workdir / "ssh_config").read_text().split("Host aurora-bastion", 1)[1]
    finally:
        tunnel.close()


def test_cert_authority_native_refuses_a_certificate_of_another_ca(tmp_path, sshd_server, sshd_factory, blog_db,
                                                                   other_ca):
    """The pre-check lets a CA-trusted host through to ssh; ssh must still refuse a wrong certificate."""
    server, _ = _certified_sshd(tmp_path, sshd_server, sshd_factory)
    store, _ = _store(tmp_path, [f"@cert-authority {server.host_pattern} {_pub(other_ca)}"])
    spec = spec_for(server, target_port=blog_db.conninfo["port"], backend="native")
    with pytest.raises(HostKeyError):
        make_backend("native").open(spec, store)


def test_cert_authority_native_refuses_a_certificate_for_another_name(tmp_path, sshd_server, sshd_factory,
                                                                      blog_db):
    server, ca = _certified_sshd(tmp_path, sshd_server, sshd_factory, principal="bastion.example.com")
    store, _ = _store(tmp_path, [f"@cert-authority {server.host_pattern} {_pub(ca)}"])
    spec = spec_for(server, target_port=blog_db.conninfo["port"], backend="native")
    with pytest.raises(HostKeyError) as info:
        make_backend("native").open(spec, store)
    assert "certificate" in info.value.message


def test_cert_authority_paramiko_says_it_cannot(tmp_path, sshd_server, sshd_factory, blog_db):
    server, ca = _certified_sshd(tmp_path, sshd_server, sshd_factory)
    store, user_file = _store(tmp_path, [f"@cert-authority [127.0.0.1]:* {_pub(ca)}"])
    spec = spec_for(server, target_port=blog_db.conninfo["port"], backend="paramiko")
    with pytest.raises(HostCertificateUnsupported) as info:
        make_backend("paramiko").open(spec, store)
    text = info.value.user_text()
    assert "cannot verify host certificates" in text and f"{user_file}:1" in text
    assert "--backend native" in text


def test_cert_authority_native_refuses_a_server_without_certificate(tmp_path, sshd_server, blog_db, other_ca):
    """A CA line for our host, a server with no host certificate: ssh (not our pre-check) refuses."""
    store, _ = _store(tmp_path, [f"@cert-authority {sshd_server.host_pattern} {_pub(other_ca)}"])
    spec = spec_for(sshd_server, target_port=blog_db.conninfo["port"], backend="native")
    with pytest.raises(HostKeyError) as info:
        make_backend("native").open(spec, store)
    assert "no host certificate" in info.value.message


@pytest.mark.parametrize("certified", ["bastion", "jump"])
def test_cert_authority_through_a_jump_host_native(certified, tmp_path, sshd_server, sshd_factory, blog_db):
    """Either hop may be trusted through @cert-authority; the other one stays pinned to its key."""
    from aurora_console.core.ssh.config import JumpHost

    server, ca = _certified_sshd(tmp_path, sshd_server, sshd_factory)
    bastion, jump = (server, sshd_server) if certified == "bastion" else (sshd_server, server)
    store, _ = _store(tmp_path, [f"@cert-authority {server.host_pattern} {_pub(ca)}",
                                 f"{sshd_server.host_pattern} {sshd_server.host_public_keys['ed25519']}"])
    spec = spec_for(bastion, target_port=blog_db.conninfo["port"], backend="native")
    spec.bastion.jump = JumpHost(jump.host, jump.port)
    tunnel = make_backend("native").open(spec, store)
    try:
        assert tunnel.is_alive()
        config = (tunnel.workdir / "ssh_config").read_text()
        certified_alias = "aurora-bastion" if certified == "bastion" else "aurora-jump"
        pinned_alias = "aurora-jump" if certified == "bastion" else "aurora-bastion"
        assert f"HostKeyAlias {certified_alias}" not in config and f"HostKeyAlias {pinned_alias}" in config
    finally:
        tunnel.close()
