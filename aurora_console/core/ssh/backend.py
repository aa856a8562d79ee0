"""The tunnel backend interface and backend selection."""

from __future__ import annotations

import shutil
from abc import ABC, abstractmethod

from aurora_console.core.errors import ValidationError
from aurora_console.core.ssh.config import TunnelSpec
from aurora_console.core.ssh.hostkeys import HostKeyStore

BACKENDS = ("native", "paramiko")


class OpenTunnel(ABC):
    """A running forward 127.0.0.1:local_port -> bastion -> target."""

    backend_name = ""
    local_port: int = 0

    @abstractmethod
    def is_alive(self) -> bool: ...

    @abstractmethod
    def failure(self) -> str | None:
        """Why the tunnel stopped, once it has (None while alive or after a clean close)."""

    @abstractmethod
    def close(self) -> None: ...

    def renew(self, store: HostKeyStore) -> bool:
        """Before its carrier's end (``expires_at``): open a new route and take new connections
        through it on the same local port, leaving the open ones on the old route until it ends.
        False: this tunnel cannot (the manager then reopens it instead)."""
        return False


class TunnelBackend(ABC):
    name = ""

    @abstractmethod
    def open(self, spec: TunnelSpec, store: HostKeyStore, *, local_port: int = 0) -> OpenTunnel:
        """Connect, verify the host key, authenticate, listen on 127.0.0.1 and check the target path.

        ``local_port``: 0 for an OS-assigned port, or a port to reuse (falls back to a new one if taken).
        Raises a :class:`~aurora_console.core.ssh.errors.TunnelError` subclass.
        """


def ssh_binary() -> str | None:
    return shutil.which("ssh")


def default_backend_name() -> str:
    return "native" if ssh_binary() else "paramiko"


def backend_for(spec: TunnelSpec, factory=None) -> TunnelBackend:
    """The backend that opens ``spec``: Session Manager port forwarding (``ssm-forward``) is no SSH
    and has its own; every other tunnel the chosen SSH backend (``factory(spec.backend)``)."""
    aws = spec.bastion.aws
    if aws is not None and aws.transport == "ssm-forward":
        from aurora_console.core.aws.bastion_route.ssm_forward import SsmForwardBackend

        return SsmForwardBackend()
    return (factory or make_backend)(spec.backend)


def make_backend(name: str = "auto") -> TunnelBackend:
    if name in ("auto", "", None):
        name = default_backend_name()
    if name == "native":
        from aurora_console.core.ssh.native_backend import NativeBackend

        if not ssh_binary():
            raise ValidationError("No 'ssh' program was found on PATH; choose the paramiko backend.")
        return NativeBackend()
    if name in ("paramiko", "sshtunnel"):
        from aurora_console.core.ssh.paramiko_backend import ParamikoBackend

        return ParamikoBackend()
    raise ValidationError(f"Unknown tunnel backend {name!r}; choose one of: auto, {', '.join(BACKENDS)}.")
