"""Keys of the sandbox's loopback SSH bastion, kept in its state folder (Qt-free).

Files (made on first use, reused afterwards, each mode 0600 in a 0700 folder):

* ``bastion_host_key``: the bastion's ed25519 host key (OpenSSH format).
* ``client_key`` / ``client_key.pub``: the one client key it accepts (OpenSSH ed25519, no
  passphrase: it only opens tunnels to the sandbox's own PostgreSQL on this machine).
* ``known_hosts``: a line pinning the host key for the bastion's current address
  (written by :class:`~aurora_console.sandbox.bastion.Bastion` when it starts).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from aurora_console.core.private_files import atomic_write_bytes, atomic_write_text, private_dir

HOST_KEY_FILE = "bastion_host_key"
CLIENT_KEY_FILE = "client_key"
KNOWN_HOSTS_FILE = "known_hosts"
KEY_ALGORITHM = "ssh-ed25519"

if TYPE_CHECKING:  # asyncssh is imported where a key is read or made: the AWS endpoint starts without it
    import asyncssh


class BastionKeyError(RuntimeError):
    """A key file exists but cannot be read; the message names it."""


def _load_or_create(path: Path, comment: str) -> asyncssh.SSHKey:
    import asyncssh

    if path.exists():
        try:
            return asyncssh.read_private_key(path)
        except (asyncssh.KeyImportError, OSError, ValueError) as exc:
            raise BastionKeyError(
                f"cannot read the bastion key {path}: {exc}; delete it to make a new one"
            ) from None
    key = asyncssh.generate_private_key(KEY_ALGORITHM, comment=comment)
    atomic_write_bytes(path, key.export_private_key("openssh"))
    return key


class BastionKeys:
    """The bastion's host key and its accepted client key, in ``state_dir``."""

    def __init__(self, state_dir: Path | str) -> None:
        self.state_dir = Path(state_dir)
        self._host_key: asyncssh.SSHKey | None = None
        self._client_key: asyncssh.SSHKey | None = None

    @property
    def host_key_path(self) -> Path:
        return self.state_dir / HOST_KEY_FILE

    @property
    def client_key_path(self) -> Path:
        return self.state_dir / CLIENT_KEY_FILE

    @property
    def client_public_key_path(self) -> Path:
        return self.state_dir / f"{CLIENT_KEY_FILE}.pub"

    @property
    def known_hosts_path(self) -> Path:
        return self.state_dir / KNOWN_HOSTS_FILE

    def ensure(self) -> None:
        """Load the keys, generating any that is missing."""
        private_dir(self.state_dir)
        self._host_key = _load_or_create(self.host_key_path, "aurora-console sandbox bastion")
        self._client_key = _load_or_create(self.client_key_path, "aurora-console sandbox client")
        public = self._client_key.export_public_key("openssh")
        if not self.client_public_key_path.exists() or self.client_public_key_path.read_bytes() != public:
            atomic_write_bytes(self.client_public_key_path, public)

    @property
    def host_key(self) -> asyncssh.SSHKey:
        if self._host_key is None:
            self.ensure()
        return self._host_key

    @property
    def client_public_data(self) -> bytes:
        """The accepted client key's public blob (compare with ``SSHKey.public_data``)."""
        if self._client_key is None:
            self.ensure()
        return self._client_key.public_data

    @property
    def host_public_key(self) -> str:
        """``"ssh-ed25519 AAAA..."`` (no comment)."""
        return " ".join(self.host_key.export_public_key("openssh").decode().split()[:2])

    @property
    def host_fingerprint(self) -> str:
        """``SHA256:...`` as OpenSSH prints it."""
        return self.host_key.get_fingerprint("sha256")

    def known_hosts_line(self, host: str, port: int) -> str:
        """A known_hosts line for the bastion at ``host:port`` (plus ``localhost`` for 127.0.0.1)."""
        patterns = [host if port == 22 else f"[{host}]:{port}"]
        if host == "127.0.0.1":
            patterns.append("localhost" if port == 22 else f"[localhost]:{port}")
        return f"{','.join(patterns)} {self.host_public_key}"

    def write_known_hosts(self, host: str, port: int) -> Path:
        atomic_write_text(self.known_hosts_path, self.known_hosts_line(host, port) + "\n")
        return self.known_hosts_path


class PushedKeys:
    """Public keys pushed with EC2 Instance Connect's SendSSHPublicKey, as the instance's agent
    keeps them: each accepted for its OS user on its instance for ``window`` seconds (60) from
    the push. ``clock`` (default ``time.monotonic``) may be replaced, so tests move time on
    instead of waiting a minute. Thread-safe (pushed from the AWS endpoint's threads, checked on
    the bastion's event loop)."""

    WINDOW = 60.0

    def __init__(self, clock=None, window: float = WINDOW) -> None:
        import threading
        import time

        self.clock = clock or time.monotonic
        self.window = window
        self._lock = threading.Lock()
        self._keys: list[tuple[str, str, bytes, float]] = []  # instance id, OS user, key blob, pushed at

    def push(self, instance_id: str, os_user: str, public_key: str) -> None:
        """Record ``public_key`` (``ssh-ed25519 AAAA... [comment]``); ValueError if it is no key."""
        import asyncssh

        try:
            blob = asyncssh.import_public_key(public_key.strip()).public_data
        except (asyncssh.KeyImportError, ValueError) as exc:
            raise ValueError(f"not an OpenSSH public key: {exc}") from None
        now = self.clock()
        with self._lock:
            self._keys = [k for k in self._keys if now - k[3] < self.window]
            self._keys.append((instance_id, os_user, blob, now))

    def accepts(self, instance_id: str | None, os_user: str, key_blob: bytes) -> bool:
        """Whether ``key_blob`` (``SSHKey.public_data``) was pushed for ``os_user`` on
        ``instance_id`` less than ``window`` seconds ago."""
        now = self.clock()
        with self._lock:
            return any(i == instance_id and u == os_user and b == key_blob and 0 <= now - t < self.window
                       for i, u, b, t in self._keys)

    def pushes(self, instance_id: str | None = None) -> list[tuple[str, str]]:
        """``(instance id, OS user)`` of each push still remembered (oldest first)."""
        with self._lock:
            return [(i, u) for i, u, _, _ in self._keys if instance_id is None or i == instance_id]

    def clear(self) -> None:
        with self._lock:
            self._keys.clear()
