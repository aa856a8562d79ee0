"""PostgreSQL (Aurora PostgreSQL, RDS, any libpq server) through psycopg 3.

The only module that imports psycopg to open a connection: every screen, the CLI and "Test
connection" reach the server through ``POSTGRES.connect`` (``engines.engine_for`` picks it for a
profile whose ``engine`` is "postgres").
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from aurora_console.core.connections.engines.base import DatabaseConnectError, Engine, ServerFacts
from aurora_console.core.connections.engines.wire import speaks_mysql
from aurora_console.core.connections.profile import is_aws_endpoint
from aurora_console.core.errors import ValidationError
from aurora_console.core.secrets import Secret

RDS_BUNDLE_URL = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"


class PostgresEngine(Engine):
    name = "postgres"
    default_port = 5432
    tunnel_probe = "postgres"  # the tunnel checks the far end answers an SSLRequest

    def connect_params(self, profile, password, *, local_port: int | None = None, connect_timeout: int = 10,
                       application_name: str = "aurora-console") -> dict[str, Any]:
        """Keyword arguments for ``psycopg.connect``.

        Through a tunnel, ``host`` stays the real endpoint (so ``verify-full`` checks the
        certificate against it) while ``hostaddr``/``port`` point at 127.0.0.1:local_port.
        """
        mode = profile.tls.effective_mode(profile.host)
        kw: dict[str, Any] = {
            "host": profile.host, "port": int(profile.port), "dbname": profile.database, "user": profile.user,
            "connect_timeout": connect_timeout, "application_name": application_name, "sslmode": mode,
        }
        if local_port:
            kw["hostaddr"] = "127.0.0.1"
            kw["port"] = int(local_port)
        if password is not None:
            kw["password"] = password.reveal() if isinstance(password, Secret) else password
        if mode in ("verify-full", "verify-ca"):
            bundle = profile.tls.ca_bundle
            if not bundle:
                if is_aws_endpoint(profile.host):
                    raise ValidationError(
                        f"TLS mode {mode} needs the RDS CA bundle for {profile.host}.",
                        hint=f"Download {RDS_BUNDLE_URL} and choose it as the CA bundle in the profile "
                             "(or pick 'require' knowingly: encrypted, but the server is not verified).")
                kw["sslrootcert"] = "system"
            else:
                if not Path(bundle).expanduser().is_file():
                    raise ValidationError(f"The CA bundle {bundle} does not exist.")
                kw["sslrootcert"] = str(Path(bundle).expanduser())
        if profile.read_only:
            kw["options"] = "-c default_transaction_read_only=on"
        return kw

    def connect(self, conninfo: str = "", **params: Any) -> psycopg.Connection:
        params.setdefault("autocommit", True)
        try:
            return psycopg.connect(conninfo, **params)
        except psycopg.OperationalError as exc:
            wrong = _wrong_engine(exc, params)
            if wrong is None:
                raise
            raise wrong from None

    def is_driver_error(self, exc: BaseException) -> bool:
        return isinstance(exc, psycopg.Error)

    def explain_error(self, exc: BaseException, profile) -> DatabaseConnectError:
        text = str(exc).strip()
        low = text.lower()
        where = f"{profile.user}@{profile.host}:{profile.port}/{profile.database}"
        if isinstance(exc, WrongEngineError):
            return DatabaseConnectError(f"{profile.host}:{profile.port} does not speak PostgreSQL: {text}.",
                                        hint="Check the port (PostgreSQL listens on 5432, MySQL on 3306) and "
                                             "the engine of the profile.", detail=text)
        if self.is_password_refused(exc):
            return DatabaseConnectError(f"The database refused {where}: wrong password or user.",
                                        hint="Check the password source of the profile.", detail=text)
        if "does not exist" in low and "database" in low:
            return DatabaseConnectError(f"The database {profile.database!r} does not exist on {profile.host}.",
                                        detail=text)
        if "certificate" in low or "ssl" in low:
            return DatabaseConnectError(f"TLS to {profile.host} failed: {text.splitlines()[-1] if text else exc}",
                                        hint="Check the CA bundle, or pick TLS 'require' knowingly.", detail=text)
        if "timeout" in low:
            return DatabaseConnectError(f"The database {profile.host} did not answer in time.", detail=text)
        if "server closed the connection" in low or "connection refused" in low:
            return DatabaseConnectError(
                f"The connection to {where} was closed: {text.splitlines()[0] if text else exc}", detail=text)
        return DatabaseConnectError(f"Cannot connect to {where}: {text.splitlines()[0] if text else exc}",
                                    detail=text)

    def is_password_refused(self, exc: BaseException) -> bool:
        text = f"{exc} {getattr(exc, 'detail', '')}".lower()
        return "password authentication failed" in text or "pam authentication failed" in text

    def iam_token(self, profile, clients: Callable[[str, str | None, str], Any]) -> str:
        src = profile.password
        rds = clients("rds", src.aws_profile, src.region)
        return rds.generate_db_auth_token(DBHostname=profile.host, Port=int(profile.port),
                                          DBUsername=profile.user, Region=src.region)

    def cancel(self, conn: psycopg.Connection) -> None:
        if conn is None or conn.closed:
            return
        try:
            conn.cancel_safe(timeout=10)
        except Exception:  # noqa: BLE001 - the statement may have finished or the link dropped meanwhile
            pass

    def server_facts(self, conn: psycopg.Connection, samples: int = 5) -> ServerFacts:
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
        tls = bool(conn.pgconn.ssl_in_use)
        tls_version = ""
        if tls:  # psycopg's binary PGconn has no ssl_attribute(); the server reports it too
            row = cur.execute("select version from pg_stat_ssl where pid = pg_backend_pid()").fetchone()
            tls_version = row[0] if row and row[0] else ""
        return ServerFacts(version, conn.info.server_version, bool(has_aurora), str(aurora), tls, tls_version,
                           statistics.median(times), ro)


class WrongEngineError(psycopg.OperationalError):
    """The port answered, but as a MySQL server."""


def _wrong_engine(exc: psycopg.OperationalError, params: dict[str, Any]) -> WrongEngineError | None:
    """A MySQL server greets first, which libpq reads as an invalid answer to its SSLRequest or
    startup message: when the port then greets like MySQL, say so (None otherwise)."""
    text = str(exc)
    if "invalid response to SSL negotiation" not in text and "expected authentication request" not in text:
        return None
    address = params.get("hostaddr") or params.get("host") or ""
    port = int(params.get("port") or 5432)
    if not address or "," in str(address) or not speaks_mysql(str(address), port):
        return None
    return WrongEngineError(f"this port ({params.get('host') or address}:{port}) speaks MySQL, "
                            "the profile says PostgreSQL")


POSTGRES = PostgresEngine()
