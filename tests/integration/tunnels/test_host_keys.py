"""Unknown and changed host keys are never accepted silently (both backends)."""

from __future__ import annotations

import pytest

from aurora_console.core.ssh.backend import make_backend
from aurora_console.core.ssh.errors import HostKeyChanged, HostKeyUnknown
from aurora_console.core.ssh.hostkeys import HostKeyStore
from tests.integration.tunnels.conftest import BACKENDS, spec_for

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("backend", BACKENDS)
def test_unknown_key_asks_then_trust_once(backend, tmp_path, sshd_server, blog_db):
    store = HostKeyStore(tmp_path / "console_known_hosts", user_files=[tmp_path / "user_known_hosts"])
    spec = spec_for(sshd_server, target_port=blog_db.conninfo["port"], backend=backend)
    with pytest.raises(HostKeyUnknown) as info:
        make_backend(backend).open(spec, store)
    err = info.value
    assert err.fingerprint in sshd_server.fingerprints.values()
    assert err.fingerprint in err.message
    assert (err.host, err.port) == (sshd_server.host, sshd_server.port)
    store.trust_error(err, always=False)
    tunnel = make_backend(backend).open(spec, store)
    tunnel.close()
    assert not (tmp_path / "console_known_hosts").exists()  # "once" is not written anywhere
    assert not (tmp_path / "user_known_hosts").exists()
    # a new store (a restart) asks again
    with pytest.raises(HostKeyUnknown):
        make_backend(backend).open(spec, HostKeyStore(tmp_path / "console_known_hosts", user_files=[]))


@pytest.mark.parametrize("backend", BACKENDS)
def test_trust_always_is_kept_in_console_file(backend, tmp_path, sshd_server, blog_db):
    console_file = tmp_path / "console_known_hosts"
    user_file = tmp_path / "user_known_hosts"
    user_file.write_text("# the user's own file\n")
    spec = spec_for(sshd_server, target_port=blog_db.conninfo["port"], backend=backend)
    store = HostKeyStore(console_file, user_files=[user_file])
    with pytest.raises(HostKeyUnknown) as info:
        make_backend(backend).open(spec, store)
    store.trust_error(info.value, always=True)
    assert info.value.key_base64 in console_file.read_text()
    assert user_file.read_text() == "# the user's own file\n"  # only read, never written
    fresh = HostKeyStore(console_file, user_files=[user_file])
    make_backend(backend).open(spec, fresh).close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_users_known_hosts_is_honoured(backend, tmp_path, sshd_server, blog_db):
    user_file = tmp_path / "user_known_hosts"
    user_file.write_text("\n".join(sshd_server.known_hosts_lines) + "\n")
    store = HostKeyStore(tmp_path / "console_known_hosts", user_files=[user_file])
    spec = spec_for(sshd_server, target_port=blog_db.conninfo["port"], backend=backend)
    make_backend(backend).open(spec, store).close()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("recorded", ["same-type", "other-type-only"])
def test_changed_key_is_refused(backend, recorded, tmp_path, sshd_server, blog_db):
    """A different key on record for [host]:port -> refused with an interception warning."""
    import paramiko

    if recorded == "same-type":
        other = paramiko.Ed25519Key.from_private_key_file(str(sshd_server.client_keys["ed25519"]))
    else:  # only an ecdsa key on record, and it is not the server's: must not fall back to ed25519
        other = paramiko.ECDSAKey.from_private_key_file(str(sshd_server.client_keys["ecdsa"]))
    line = f"{sshd_server.host_pattern} {other.get_name()} {other.get_base64()}\n"
    (tmp_path / "user_known_hosts").write_text(line)
    store = HostKeyStore(tmp_path / "console_known_hosts", user_files=[tmp_path / "user_known_hosts"])
    spec = spec_for(sshd_server, target_port=blog_db.conninfo["port"], backend=backend)
    with pytest.raises(HostKeyChanged) as info:
        make_backend(backend).open(spec, store)
    assert "intercept" in info.value.message
    assert info.value.fingerprint in sshd_server.fingerprints.values()


@pytest.mark.parametrize("backend", BACKENDS)
def test_hashed_known_hosts_entries_are_read(backend, tmp_path, sshd_server, blog_db):
    import subprocess

    user_file = tmp_path / "user_known_hosts"
    user_file.write_text("\n".join(sshd_server.known_hosts_lines) + "\n")
    subprocess.run(["ssh-keygen", "-H", "-f", str(user_file)], check=True, capture_output=True)
    assert sshd_server.host_pattern not in user_file.read_text()
    store = HostKeyStore(tmp_path / "console_known_hosts", user_files=[user_file])
    spec = spec_for(sshd_server, target_port=blog_db.conninfo["port"], backend=backend)
    make_backend(backend).open(spec, store).close()
