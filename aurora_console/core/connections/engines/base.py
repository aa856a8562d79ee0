"""What the connection path needs from a database engine (PostgreSQL today, MySQL next).

The opener (``core/connections/opener.py``) does what every engine shares: the route (direct
or through the bastion tunnel), the password source, the error when something is missing. An
``Engine`` does the rest, which differs per server: the driver and its connect call, the default
port, how TLS and the tunnel's local port become connect parameters, the IAM auth token, the
protocol's cancel request, the wording of a refused connection, and what "Test connection"
reports about the server. Each engine is one module beside this one; ``engines/__init__.py``
picks one for a profile by ``ConnectionProfile.engine``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aurora_console.core.errors import ConsoleError


class DatabaseConnectError(ConsoleError):
    """The database (or the way to it) refused a connection; ``detail`` holds the driver's text."""


@dataclass(frozen=True)
class ServerFacts:
    """What "Test connection" learns from the server over one connection."""

    version: str  # the server's own version line ("PostgreSQL 16.4 on ...")
    version_num: int
    is_aurora: bool
    aurora_version: str
    tls: bool
    tls_version: str
    latency_ms: float  # median round trip of a trivial query
    read_only: bool  # the session starts read-only


class Engine(ABC):
    """One database engine; stateless, one shared instance per engine (see ``engines.engine_for``)."""

    #: ``ConnectionProfile.engine`` values this engine serves ("postgres")
    name: str
    #: the port a new profile gets
    default_port: int
    #: the tunnel's readiness probe for this protocol (``ssh.config.TunnelTarget.probe``)
    tunnel_probe: str = "tcp"

    @abstractmethod
    def connect_params(self, profile, password, *, local_port: int | None = None, connect_timeout: int = 10,
                       application_name: str = "aurora-console") -> dict[str, Any]:
        """The driver's connect parameters for ``profile``: TLS as the profile says, through
        127.0.0.1:``local_port`` when a tunnel carries the connection (TLS still checks the
        real host name), ``password`` a ``Secret``, text or None. Validates; no I/O."""

    @abstractmethod
    def connect(self, conninfo: str = "", **params: Any) -> Any:
        """A new DB-API connection (autocommit unless ``autocommit=False`` is given); the driver's
        own errors are raised as they come (``explain_error`` words them for a profile)."""

    @abstractmethod
    def is_driver_error(self, exc: BaseException) -> bool:
        """True for the driver's connect/query errors (what ``explain_error`` can word)."""

    @abstractmethod
    def explain_error(self, exc: BaseException, profile) -> DatabaseConnectError:
        """A refused connection in the user's words: what failed, why, what to check."""

    @abstractmethod
    def is_password_refused(self, exc: BaseException) -> bool:
        """True when ``exc`` (a driver error or its ``DatabaseConnectError``) says the password was wrong."""

    @abstractmethod
    def iam_token(self, profile, clients: Callable[[str, str | None, str], Any]) -> str:
        """A fresh IAM database auth token for ``profile`` (``clients(service, aws_profile, region)``)."""

    @abstractmethod
    def cancel(self, conn: Any) -> None:
        """Ask the server to stop what ``conn`` runs; safe from any thread; no error when idle."""

    @abstractmethod
    def server_facts(self, conn: Any, samples: int = 5) -> ServerFacts:
        """Version, Aurora or not, TLS, round trip and read-only state, read over ``conn``."""
