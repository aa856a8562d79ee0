"""Tunnel errors, each with a plain message and what to do next.

The UI and the CLI show ``user_text()``; ``HostKeyUnknown`` carries what a trust dialog needs.
"""

from __future__ import annotations

from aurora_console.core.errors import ConsoleError


class TunnelError(ConsoleError):
    """Base of every tunnel failure. ``kind`` is a short stable tag for tests and the UI."""

    kind = "tunnel"


class KeyFileError(TunnelError):
    kind = "key-file"


class PassphraseRequired(KeyFileError):
    kind = "passphrase-required"


class WrongPassphrase(KeyFileError):
    kind = "wrong-passphrase"


class UnsupportedKeyFormat(KeyFileError):
    kind = "unsupported-key"


class BastionUnreachable(TunnelError):
    kind = "bastion-unreachable"


class AuthenticationRejected(TunnelError):
    kind = "auth-rejected"


class ForwardingRefused(TunnelError):
    kind = "forwarding-refused"


class TargetUnreachable(TunnelError):
    kind = "target-unreachable"


class HostKeyError(TunnelError):
    kind = "host-key"

    def __init__(self, message: str, *, host: str, port: int, key_type: str, fingerprint: str,
                 key_base64: str, hint: str = "", offending: tuple[str, ...] = ()) -> None:
        super().__init__(message, hint=hint)
        self.host = host
        self.port = port
        self.key_type = key_type
        self.fingerprint = fingerprint
        self.key_base64 = key_base64
        #: known_hosts lines ("path:line") behind the refusal: the old key to remove, the @revoked line
        self.offending = tuple(offending)


class HostKeyUnknown(HostKeyError):
    """The bastion (or jump host) offered a key we have never seen: ask the user."""

    kind = "host-key-unknown"


class HostKeyChanged(HostKeyError):
    """The key differs from the one on record: refused (possible interception)."""

    kind = "host-key-changed"


class HostKeyRevoked(HostKeyError):
    """The server offered a key that a ``@revoked`` known_hosts line names: never accepted."""

    kind = "host-key-revoked"


class HostCertificateUnsupported(HostKeyError):
    """The host is trusted only through a ``@cert-authority`` line and this backend cannot
    verify host certificates (paramiko)."""

    kind = "host-key-certificate"


class TunnelClosed(TunnelError):
    kind = "closed"
