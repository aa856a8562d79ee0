"""'Test connection': open the tunnel (if any), connect with psycopg, report what we found."""

from __future__ import annotations

import logging
import statistics
import time
from dataclasses import dataclass

from aurora_console.core.connections.dsn import connect_kwargs
from aurora_console.core.connections.passwords import resolve_password
from aurora_console.core.connections.profile import ConnectionProfile
from aurora_console.core.connections.tunnels import open_profile_tunnel
from aurora_console.core.errors import ConsoleError
from aurora_console.core.validation import not_a_validator

log = logging.getLogger(__name__)


class DatabaseConnectError(ConsoleError):
    pass


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


def explain_connect_error(exc: Exception, profile: ConnectionProfile) -> DatabaseConnectError:
    text = str(exc).strip()
    low = text.lower()
    where = f"{profile.user}@{profile.host}:{profile.port}/{profile.database}"
    if "password authentication failed" in low or "pam authentication failed" in low:
        return DatabaseConnectError(f"The database refused {where}: wrong password or user.",
                                    hint="Check the password source of the profile.", detail=text)
    if "does not exist" in low and "database" in low:
        return DatabaseConnectError(f"The database {profile.database!r} does not exist on {profile.host}.", detail=text)
    if "certificate" in low or "ssl" in low:
        return DatabaseConnectError(f"TLS to {profile.host} failed: {text.splitlines()[-1] if text else exc}",
                                    hint="Check the CA bundle, or pick TLS 'require' knowingly.", detail=text)
    if "timeout" in low:
        return DatabaseConnectError(f"The database {profile.host} did not answer in time.", detail=text)
    if "server closed the connection" in low or "connection refused" in low:
        return DatabaseConnectError(f"The connection to {where} was closed: {text.splitlines()[0] if text else exc}",
                                    detail=text)
    return DatabaseConnectError(f"Cannot connect to {where}: {text.splitlines()[0] if text else exc}", detail=text)


@not_a_validator("connects to a database (through its tunnel), not a check of one value")
def check_connection(profile: ConnectionProfile, *, manager=None, clients=None, prompt=None, keyring_get=None,
                    samples: int = 5, task=None) -> ConnectionReport:
    import psycopg

    profile.validate()
    local_port = None
    route = "direct"
    opened_here = False
    if profile.bastion is not None:
        if manager is None:
            raise ConsoleError(f"Profile {profile.name!r} uses a bastion, but no tunnel manager was given.")
        was_up = manager.status(profile.name) is not None and manager.status(profile.name).state.value == "up"
        if task:
            task.progress(None, f"Opening the tunnel through {profile.bastion.label}")
        status = open_profile_tunnel(manager, profile, prompt=prompt, keyring_get=keyring_get)
        opened_here = not was_up
        local_port = status.local_port
        route = f"{status.backend} tunnel 127.0.0.1:{local_port}"
    try:
        if task:
            task.check()
            task.progress(None, "Fetching the password")
        password = resolve_password(profile, clients=clients, prompt=prompt, keyring_get=keyring_get)
        kwargs = connect_kwargs(profile, password, local_port=local_port)
        if task:
            task.progress(None, f"Connecting to {profile.target_label}")
        try:
            conn = psycopg.connect(**kwargs, autocommit=True)
        except psycopg.Error as exc:
            raise explain_connect_error(exc, profile) from None
        with conn:
            cur = conn.cursor()
            version = cur.execute("select version()").fetchone()[0]
            has_aurora = cur.execute("select to_regproc('aurora_version') is not null").fetchone()[0]
            aurora = cur.execute("select aurora_version()").fetchone()[0] if has_aurora else ""
            ro = cur.execute("show default_transaction_read_only").fetchone()[0] == "on"
            times = []
            for _ in range(max(1, samples)):
                t0 = time.perf_counter()
                cur.execute("select 1").fetchone()
                times.append((time.perf_counter() - t0) * 1000)
            pg = conn.pgconn
            tls = bool(pg.ssl_in_use)
            tls_version = ""
            if tls:  # psycopg's binary PGconn has no ssl_attribute(); the server reports it too
                row = cur.execute("select version from pg_stat_ssl where pid = pg_backend_pid()").fetchone()
                tls_version = row[0] if row and row[0] else ""
            return ConnectionReport(profile.name, version, conn.info.server_version, bool(has_aurora), str(aurora),
                                    tls, tls_version, statistics.median(times), route, ro)
    finally:
        if opened_here and manager is not None:
            manager.close(profile.name)


#: the name other modules know ("Test connection"); marked so pytest does not collect it
test_connection = check_connection
test_connection.__test__ = False  # type: ignore[attr-defined]
