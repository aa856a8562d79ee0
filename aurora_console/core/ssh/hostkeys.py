"""Host key verification: the console's own known_hosts plus the user's ~/.ssh/known_hosts.

Every file is read with OpenSSH's semantics by :mod:`~aurora_console.core.ssh.known_hosts`
(hashed names, ``[host]:port``, wildcards, negation, ``@revoked``, ``@cert-authority``; a line
that cannot be read is skipped with a warning naming the file and line).

Unknown key -> :class:`HostKeyUnknown` (fingerprint for the trust dialog); a key that differs from
the one on record -> :class:`HostKeyChanged` (naming the new fingerprint and the lines on record);
a key named by a ``@revoked`` line -> :class:`HostKeyRevoked`; a host trusted only through a
``@cert-authority`` line, on a backend that cannot check certificates ->
:class:`HostCertificateUnsupported`. Keys trusted "once" live in memory only; "always" appends to
the console's file (the user's own file is only read).
"""

from __future__ import annotations

import base64
import logging
import threading
from pathlib import Path

from aurora_console.core.settings import atomic_write_text
from aurora_console.core.ssh.errors import (
    HostCertificateUnsupported,
    HostKeyChanged,
    HostKeyRevoked,
    HostKeyUnknown,
)
from aurora_console.core.ssh.known_hosts import (
    KnownHost,
    KnownHostsFile,
    MalformedLine,
    fingerprint_blob,
    host_entry,
    parse_line,
)

log = logging.getLogger(__name__)

RSA_ALGORITHMS = ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]
TRUSTED_ONCE = "<trusted once>"

__all__ = ["HostKeyStore", "algorithms_for", "fingerprint_of", "host_entry", "key_family"]


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


def _label(key_type: str) -> str:
    """OpenSSH's short name in "Offending ED25519 key in ..." (sshkey_type)."""
    return {"ed25519": "ED25519", "ecdsa": "ECDSA", "rsa": "RSA", "ssh-dss": "DSA"}.get(key_family(key_type),
                                                                                     key_type.upper())


class HostKeyStore:
    def __init__(self, console_file: Path, user_files: list[Path] | None = None) -> None:
        self.console_file = Path(console_file)
        if user_files is None:
            user_files = [Path.home() / ".ssh" / "known_hosts"]
        self.user_files = [Path(p) for p in user_files]
        self._files = [KnownHostsFile(p) for p in [self.console_file, *self.user_files]]
        self._session: list[KnownHost] = []
        self._lock = threading.Lock()

    def warnings(self) -> list[str]:
        """"path:line: why" for every line of the files that was skipped."""
        return [w for f in self._files for w in f.parsed().warnings]

    def entries_for(self, host: str, port: int) -> list[KnownHost]:
        """Every readable line about host:port (console file, user files, trusted once), in order."""
        name = host_entry(host, port)
        found = [e for f in self._files for e in f.entries_for(name)]
        with self._lock:
            found.extend(e for e in self._session if e.applies_to(name))
        return found

    def _plain(self, host: str, port: int) -> list[KnownHost]:
        return [e for e in self.entries_for(host, port) if e.marker is None]

    def known_keys(self, host: str, port: int) -> list:
        """The host keys on record for host:port (paramiko keys; markers excluded)."""
        keys = []
        for e in self._plain(host, port):
            try:
                keys.append(key_from_base64(e.key_type, e.key_base64))
            except Exception as exc:  # noqa: BLE001 - paramiko cannot use this key type (DSA, sk-...)
                log.debug("known_hosts %s: key not usable here: %s", e.where, exc)
        return keys

    def certificate_authorities(self, host: str, port: int) -> list[KnownHost]:
        return [e for e in self.entries_for(host, port) if e.marker == "cert-authority"]

    def revoked(self, host: str, port: int) -> list[KnownHost]:
        return [e for e in self.entries_for(host, port) if e.marker == "revoked"]

    def preferred_algorithms(self, host: str, port: int) -> list[str]:
        algos: list[str] = []
        for e in self._plain(host, port):
            for a in algorithms_for(e.key_type):
                if a not in algos:
                    algos.append(a)
        return algos

    def verify(self, host: str, port: int, key, *, certificates: bool = False) -> str:
        """Raise unless ``key`` (a paramiko key) may be used for host:port.

        Returns ``"key"`` when the key itself is on record, ``"certificate"`` when the host is
        trusted through a ``@cert-authority`` line and ``certificates`` says the caller's SSH
        client verifies the host certificate itself (the native backend: OpenSSH).
        """
        key_type, blob = key.get_name(), key.asbytes()
        fingerprint = fingerprint_blob(blob)
        name = host_entry(host, port)
        entries = self.entries_for(host, port)
        args = dict(host=host, port=port, key_type=key_type, fingerprint=fingerprint, key_base64=key.get_base64())
        revoked = [e for e in entries if e.marker == "revoked" and e.same_key(key_type, blob)]
        if revoked:
            where = ", ".join(e.where for e in revoked)
            raise HostKeyRevoked(
                f"The host key of {name} is REVOKED: its {key_type} key {fingerprint} is marked @revoked in "
                f"{where}. The connection was refused.",
                hint="The bastion's administrator revoked this key; ask which key the bastion uses now.",
                offending=tuple(e.where for e in revoked), **args)
        plain = [e for e in entries if e.marker is None]
        if any(e.same_key(key_type, blob) for e in plain):
            return "key"
        authorities = [e for e in entries if e.marker == "cert-authority"]
        if authorities:
            if certificates:
                return "certificate"
            where = ", ".join(e.where for e in authorities)
            raise HostCertificateUnsupported(
                f"The bastion {name} is trusted through a host certificate authority (@cert-authority in "
                f"{where}). The paramiko backend cannot verify host certificates, so the connection was refused.",
                hint="Use the native backend (OpenSSH), which checks host certificates: choose Backend: native in "
                     "the profile, or run: aurora-console tunnel PROFILE --backend native",
                **args)
        if plain:
            same = [e for e in plain if key_family(e.key_type) == key_family(key_type)] or plain
            on_record = "; ".join(f"{e.key_type} {e.fingerprint} in {e.where}" for e in same)
            offending = "\n".join(f"Offending {_label(e.key_type)} key in {e.where}" for e in same
                                  if e.path != TRUSTED_ONCE)
            files = [e for e in same if e.path != TRUSTED_ONCE]
            paths = sorted({e.path for e in files})
            keygen = "; ".join(f"ssh-keygen -R '{name}' -f '{p}'" for p in paths)
            removal = (" If it was, remove " + ", ".join(f"line {e.lineno} of {e.path}" for e in files)
                       + f" (or run: {keygen}) and connect again.") if files else (
                " If it was, restart the console to forget the key trusted for this session.")
            raise HostKeyChanged(
                f"The host key of {name} has CHANGED: the server now offers {key_type} {fingerprint}; on record: "
                f"{on_record}. Someone could be intercepting the connection; it was refused."
                + (f"\n{offending}" if offending else ""),
                hint="Ask the bastion's administrator whether the key was replaced." + removal,
                offending=tuple(e.where for e in files), **args)
        raise HostKeyUnknown(
            f"The bastion {name} is not known yet. Its {key_type} key fingerprint is {fingerprint}.",
            hint="Compare the fingerprint with the one your administrator published, then trust it once or always.",
            **args)

    def trust(self, host: str, port: int, key_type: str, key_base64: str, *, always: bool) -> None:
        name = host_entry(host, port)
        try:
            entry = parse_line(f"{name} {key_type} {key_base64}", TRUSTED_ONCE, 0)
        except MalformedLine as exc:
            raise ValueError(f"not a host key: {exc}") from None
        assert entry is not None
        if not always:
            with self._lock:
                self._session.append(entry)
            return
        with self._lock:
            existing = self.console_file.read_text(encoding="utf-8") if self.console_file.exists() else ""
            if existing and not existing.endswith("\n"):
                existing += "\n"
            atomic_write_text(self.console_file, existing + f"{name} {key_type} {key_base64}\n")
        log.info("host key %s for %s saved to %s", entry.fingerprint, name, self.console_file)

    def trust_line(self, host: str, port: int, known_hosts_line: str, *, always: bool = False) -> None:
        """Trust the key of a known_hosts line (``[host]:port type base64``) for ``host:port``;
        for this session only unless ``always`` (the sandbox's own bastion uses this)."""
        entry = parse_line(known_hosts_line)
        if entry is None or entry.marker is not None:
            raise ValueError("not a host key line")
        self.trust(host, port, entry.key_type, entry.key_base64, always=always)

    def trust_error(self, err: HostKeyUnknown, *, always: bool) -> None:
        self.trust(err.host, err.port, err.key_type, err.key_base64, always=always)
