from __future__ import annotations

import paramiko
import pytest

from aurora_console.core.ssh.errors import HostKeyChanged, HostKeyUnknown
from aurora_console.core.ssh.hostkeys import HostKeyStore, algorithms_for, host_entry

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def keys():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    def make():
        raw = ed25519.Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()).decode()
        import io

        return paramiko.Ed25519Key.from_private_key(io.StringIO(raw))

    return make(), make()


def test_entry_names():
    assert host_entry("h", 22) == "h" and host_entry("h", 2222) == "[h]:2222"
    assert algorithms_for("ssh-rsa")[0] == "rsa-sha2-512"
    assert algorithms_for("ssh-ed25519") == ["ssh-ed25519"]


def test_unknown_then_once_then_always(tmp_path, keys):
    key, _ = keys
    store = HostKeyStore(tmp_path / "kh", user_files=[])
    with pytest.raises(HostKeyUnknown) as info:
        store.verify("bastion", 2222, key)
    assert info.value.fingerprint == key.fingerprint
    store.trust_error(info.value, always=False)
    store.verify("bastion", 2222, key)
    assert not (tmp_path / "kh").exists()
    store.trust_error(info.value, always=True)
    assert (tmp_path / "kh").read_text() == f"[bastion]:2222 ssh-ed25519 {key.get_base64()}\n"
    HostKeyStore(tmp_path / "kh", user_files=[]).verify("bastion", 2222, key)
    with pytest.raises(HostKeyUnknown):  # another port is another host
        store.verify("bastion", 22, key)


def test_changed_key(tmp_path, keys):
    key, other = keys
    user = tmp_path / "user_kh"
    user.write_text(f"[bastion]:2222 ssh-ed25519 {other.get_base64()}\n")
    store = HostKeyStore(tmp_path / "kh", user_files=[user])
    with pytest.raises(HostKeyChanged, match="CHANGED") as info:
        store.verify("bastion", 2222, key)
    assert other.fingerprint in info.value.message and key.fingerprint in info.value.message
    assert store.preferred_algorithms("bastion", 2222) == ["ssh-ed25519"]
