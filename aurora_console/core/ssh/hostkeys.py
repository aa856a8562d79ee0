"""Host key verification: the console's own known_hosts plus the user's ~/.ssh/known_hosts.

Unknown key -> :class:`HostKeyUnknown` (fingerprint for the trust dialog); a key that differs from
the one on record -> :class:`HostKeyChanged`. Keys trusted "once" live in memory only; "always"
appends to the console's file (the user's own file is only read).
"""

from __future__ import annotations

import base64
import logging
import threading
from pathlib import Path

from aurora_console.core.settings import atomic_write_text
from aurora_console.core.ssh.errors import HostKeyChanged, HostKeyUnknown

log = logging.getLogger(__name__)

RSA_ALGORITHMS = ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]


def host_entry(host: str, port: int) -> str:
    return host if port == 22 else f"[{host}]:{port}"


def key_family(key_type: str) -> str:
    if key_type.startswith("ecdsa-"):
        return "ecdsa"
    return {"ssh-ed25519": "ed25519", "ssh-rsa": "rsa", "rsa-sha2-256": "rsa", "rsa-sha2-512": "rsa"}.get(key_type, key_type)


def algorithms_for(key_type: str) -> list[str]:
    """Host key algorithms to negotiate so that the server presents this key type."""
    return RSA_ALGORITHMS if key_family(key_type) == "rsa" else [key_type]


def fingerprint_of(key) -> str:
    return key.fingerprint  # "SHA256:..." like OpenSSH


def key_from_base64(key_type: str, b64: str):
    import paramiko

    return paramiko.PKey.from_type_string(key_type, base64.b64decode(b64))


class HostKeyStore:
    def __init__(self, console_file: Path, user_files: list[Path] | None = None) -> None:
        self.console_file = Path(console_file)
        if user_files is None:
            user_files = [Path.home() / ".ssh" / "known_hosts"]
        self.user_files = [Path(p) for p in user_files]
        self._session: dict[str, list] = {}
        self._lock = threading.Lock()

    def _load(self, path: Path):
        import paramiko

        keys = paramiko.HostKeys()
        if path.is_file():
            try:
                keys.load(str(path))
            except (OSError, UnicodeDecodeError) as exc:
                log.warning("cannot read known_hosts %s: %s", path, exc)
        return keys

    def known_keys(self, host: str, port: int) -> list:
        """Every key on record for host:port (console file, user files, trusted-once)."""
        name = host_entry(host, port)
        found = []
        for path in [self.console_file, *self.user_files]:
            entry = self._load(path).lookup(name)
            if entry:
                found.extend(entry[t] for t in entry.keys())
        with self._lock:
            found.extend(self._session.get(name, []))
        return found

    def preferred_algorithms(self, host: str, port: int) -> list[str]:
        algos: list[str] = []
        for key in self.known_keys(host, port):
            for a in algorithms_for(key.get_name()):
                if a not in algos:
                    algos.append(a)
        return algos

    def verify(self, host: str, port: int, key) -> None:
        """Raise unless ``key`` is on record for host:port."""
        known = self.known_keys(host, port)
        b64 = key.get_base64()
        if any(k.get_name() == key.get_name() and k.get_base64() == b64 for k in known):
            return
        same_family = [k for k in known if key_family(k.get_name()) == key_family(key.get_name())]
        args = dict(host=host, port=port, key_type=key.get_name(), fingerprint=fingerprint_of(key), key_base64=b64)
        if same_family or known:
            on_record = ", ".join(sorted({fingerprint_of(k) for k in known}))
            raise HostKeyChanged(
                f"The host key of {host_entry(host, port)} has CHANGED (now {fingerprint_of(key)}, on record "
                f"{on_record}). Someone could be intercepting the connection; it was refused.",
                hint="Ask the bastion's administrator whether the key was replaced. If it was, remove the old "
                     f"entry from {self.console_file} or ~/.ssh/known_hosts and connect again.",
                **args)
        raise HostKeyUnknown(
            f"The bastion {host_entry(host, port)} is not known yet. Its {key.get_name()} key fingerprint is "
            f"{fingerprint_of(key)}.",
            hint="Compare the fingerprint with the one your administrator published, then trust it once or always.",
            **args)

    def trust(self, host: str, port: int, key_type: str, key_base64: str, *, always: bool) -> None:
        key = key_from_base64(key_type, key_base64)
        name = host_entry(host, port)
        if not always:
            with self._lock:
                self._session.setdefault(name, []).append(key)
            return
        with self._lock:
            existing = self.console_file.read_text(encoding="utf-8") if self.console_file.exists() else ""
            if existing and not existing.endswith("\n"):
                existing += "\n"
            atomic_write_text(self.console_file, existing + f"{name} {key_type} {key_base64}\n")
        log.info("host key %s for %s saved to %s", fingerprint_of(key), name, self.console_file)

    def trust_line(self, host: str, port: int, known_hosts_line: str, *, always: bool = False) -> None:
        """Trust the key of a known_hosts line (``[host]:port type base64``) for ``host:port``;
        for this session only unless ``always`` (the sandbox's own bastion uses this)."""
        parts = known_hosts_line.split()
        self.trust(host, port, parts[-2], parts[-1], always=always)

    def trust_error(self, err: HostKeyUnknown, *, always: bool) -> None:
        self.trust(err.host, err.port, err.key_type, err.key_base64, always=always)
