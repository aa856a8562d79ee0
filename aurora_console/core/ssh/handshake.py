"""Fetch and verify a server's host key with a bare SSH handshake (no authentication)."""

from __future__ import annotations

import logging
import socket

from aurora_console.core.ssh.errors import BastionUnreachable
from aurora_console.core.ssh.hostkeys import HostKeyStore, host_entry

PARAMIKO_LOG = "aurora_console.core.ssh.paramiko"


class _Demote(logging.Filter):
    """paramiko logs refused channels and dropped handshakes at ERROR; the console raises its own
    specific error for each, so these lines are kept at INFO (they are not unhandled errors)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


logging.getLogger(PARAMIKO_LOG).addFilter(_Demote())


def open_socket(host: str, port: int, timeout: float) -> socket.socket:
    try:
        return socket.create_connection((host, port), timeout=timeout)
    except socket.gaierror as exc:
        raise BastionUnreachable(f"Cannot resolve the bastion host name {host!r} ({exc.strerror}).",
                                 hint="Check the host name and your DNS/VPN.") from None
    except TimeoutError:
        raise BastionUnreachable(f"The bastion {host_entry(host, port)} did not answer within {timeout:.0f} s.",
                                 hint="Check the host, port, security group and VPN.") from None
    except OSError as exc:
        raise BastionUnreachable(f"Cannot reach the bastion {host_entry(host, port)}: {exc.strerror or exc}.",
                                 hint="Check the host, port, security group and VPN.") from None


def _prefer_fast_ciphers(transport) -> None:
    """AES-GCM first: one AEAD call per packet instead of AES-CTR plus a separate HMAC."""
    opts = transport.get_security_options()
    fast = [c for c in ("aes128-gcm@openssh.com", "aes256-gcm@openssh.com") if c in opts.ciphers]
    if fast:
        opts.ciphers = tuple(fast + [c for c in opts.ciphers if c not in fast])


def start_transport(sock, host: str, port: int, store: HostKeyStore, timeout: float, *, certificates: bool = False):
    """SSH handshake over ``sock`` (a socket or a paramiko channel); returns the verified transport.

    ``certificates``: the caller's real SSH client (OpenSSH) checks host certificates itself, so a
    host trusted through a ``@cert-authority`` line passes here (see ``HostKeyStore.verify``)."""
    import paramiko

    transport = paramiko.Transport(sock)
    transport.set_log_channel(PARAMIKO_LOG)
    transport.banner_timeout = timeout
    transport.handshake_timeout = timeout
    _prefer_fast_ciphers(transport)
    preferred = store.preferred_algorithms(host, port)
    if preferred:
        opts = transport.get_security_options()
        supported = [k for k in preferred if k in opts.key_types]
        if supported:
            opts.key_types = supported
    try:
        transport.start_client(timeout=timeout)
    except (paramiko.SSHException, EOFError, OSError) as exc:
        transport.close()
        raise BastionUnreachable(
            f"SSH handshake with {host_entry(host, port)} failed: {exc or type(exc).__name__}.",
            hint="Is it an SSH server? Check the port.") from None
    if not (transport.is_active() and transport.initial_kex_done):
        transport.close()
        raise BastionUnreachable(
            f"{host_entry(host, port)} accepted the connection but did not complete an SSH handshake within "
            f"{timeout:.0f} s.", hint="Is it an SSH server? Check the port, or whether a firewall drops the traffic.")
    key = transport.get_remote_server_key()
    try:
        store.verify(host, port, key, certificates=certificates)
    except Exception:
        transport.close()
        raise
    return transport


def fetch_host_key(host: str, port: int, store: HostKeyStore, timeout: float = 10.0, *, certificates: bool = False):
    """Handshake directly with host:port; return its key after verification (raises on unknown/changed)."""
    sock = open_socket(host, port, timeout)
    transport = start_transport(sock, host, port, store, timeout, certificates=certificates)
    key = transport.get_remote_server_key()
    transport.close()
    return key
