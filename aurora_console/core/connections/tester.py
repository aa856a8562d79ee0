"""'Test connection': open the profile as every screen does, report what the server is."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aurora_console.core.connections.engines import DatabaseConnectError
from aurora_console.core.connections.opener import open_connection
from aurora_console.core.connections.profile import ConnectionProfile
from aurora_console.core.validation import not_a_validator

log = logging.getLogger(__name__)
__all__ = ["ConnectionReport", "DatabaseConnectError", "check_connection", "test_connection"]


@dataclass
class ConnectionReport:
    profile: str
    server_version: str
    server_version_num: int
    is_aurora: bool
    aurora_version: str
    tls: bool
    tls_version: str
    latency_ms: float
    route: str  # "direct" or "<backend> tunnel 127.0.0.1:<port>"
    read_only: bool

    def summary(self) -> str:
        short = " ".join(self.server_version.split()[:2])  # "PostgreSQL 16.4"
        kind = f"Aurora {self.aurora_version} ({short})" if self.is_aurora else f"{short} (not Aurora)"
        tls = f"TLS {self.tls_version}" if self.tls else "no TLS"
        ro = "; read-only session" if self.read_only else ""
        return f"{kind}; {tls}; round trip {self.latency_ms:.1f} ms via {self.route}{ro}"


@not_a_validator("connects to a database (through its tunnel), not a check of one value")
def check_connection(profile: ConnectionProfile, *, manager=None, clients=None, prompt=None, keyring_get=None,
                     password=None, passphrase=None, samples: int = 5, task=None) -> ConnectionReport:
    """Open ``profile`` the way every screen does (``opener.open_connection``), read what the
    server is, and close what was opened here (a tunnel already up stays)."""
    opened = open_connection(profile, manager=manager, clients=clients, prompt=prompt, keyring_get=keyring_get,
                             password=password, passphrase=passphrase, task=task, check_password=False)
    try:
        if task:
            task.progress(None, f"Connecting to {profile.target_label}")
        with opened.connect() as conn:
            facts = opened.engine.server_facts(conn, samples)
    finally:
        opened.close()
    return ConnectionReport(profile.name, facts.version, facts.version_num, facts.is_aurora, facts.aurora_version,
                            facts.tls, facts.tls_version, facts.latency_ms, str(opened.route), facts.read_only)


#: the name other modules know ("Test connection"); marked so pytest does not collect it
test_connection = check_connection
test_connection.__test__ = False  # type: ignore[attr-defined]
