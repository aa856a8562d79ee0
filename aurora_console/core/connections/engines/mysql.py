"""MySQL (Aurora MySQL, RDS MySQL/MariaDB, any MySQL-protocol server) through PyMySQL.

The only module that imports the MySQL driver to open a connection: every screen, the CLI and
"Test connection" reach a MySQL server through ``MYSQL.connect`` (``engines.engine_for`` picks it
for a profile whose ``engine`` is "mysql"). Why PyMySQL: docs/dev/mysql-driver.md.

Connect parameters (``connect_params``) are PyMySQL's keyword arguments plus three of ours that
``connect`` consumes:

* ``tls_mode`` / ``tls_ca``: the profile's TLS mode (verify-full, verify-ca, require, prefer,
  disable) and CA bundle, turned into an ``ssl.SSLContext`` here (verify-full checks the
  certificate against ``host``, the real endpoint name, also through a tunnel);
* ``hostaddr``: where the TCP connection really goes (the tunnel's 127.0.0.1 listener) while
  ``host`` stays the endpoint name TLS verifies, as libpq's ``hostaddr`` does for PostgreSQL.

Before the MySQL handshake the socket waits for the server's greeting: a server that sends none
is asked the PostgreSQL way (an SSLRequest on a second socket), so a profile pointed at a
PostgreSQL port says so instead of hanging (:class:`WrongEngineError`).

A password is never sent in clear text over an unencrypted link: the ``mysql_clear_password``
exchange (IAM auth tokens, LDAP/PAM accounts) is refused unless the link is TLS.
"""

from __future__ import annotations

import socket
import ssl
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pymysql
import pymysql.cursors
from pymysql.constants import CR, ER

from aurora_console.core.connections.engines.base import DatabaseConnectError, Engine, ServerFacts
from aurora_console.core.connections.engines.wire import is_mysql_greeting, peek_greeting, speaks_postgres
from aurora_console.core.connections.profile import is_aws_endpoint
from aurora_console.core.errors import ValidationError
from aurora_console.core.secrets import Secret

RDS_BUNDLE_URL = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"

#: the driver's cursor classes: ``conn.cursor(STREAMING_CURSOR)`` reads rows as they arrive
#: (unbuffered, bounded memory; the connection is busy until every row is read or the cursor closed)
BUFFERED_CURSOR = pymysql.cursors.Cursor
STREAMING_CURSOR = pymysql.cursors.SSCursor
#: the driver's exception base class (``pymysql.Error``); ``DriverError.args == (errno, text)``
DriverError = pymysql.Error

#: seconds a server may take to send its greeting before the port is asked whether it speaks
#: PostgreSQL (the wait for the greeting itself goes on up to the connect timeout)
GREETING_GRACE = 3.0


class WrongEngineError(pymysql.err.OperationalError):
    """The port answered, but not as a MySQL server (a PostgreSQL server, or nothing it knows)."""


class ClearTextRefused(pymysql.err.OperationalError):
    """The server asked for the password in clear text over a link without TLS."""


class _ClearPassword:
    """PyMySQL auth handler for ``mysql_clear_password``: the password only over TLS."""

    def __init__(self, conn) -> None:
        self.conn = conn

    def authenticate(self, pkt):
        if not isinstance(getattr(self.conn, "_sock", None), ssl.SSLSocket):
            raise ClearTextRefused(
                CR.CR_AUTH_PLUGIN_CANNOT_LOAD,
                "the server asked for the password in clear text (mysql_clear_password) over a link "
                "without TLS; refused")
        self.conn.write_packet(self.conn.password + b"\0")
        return self.conn._read_packet()


def tls_context(mode: str, ca: str | None, *, check_hostname: bool | None = None) -> ssl.SSLContext | None:
    """The ``ssl.SSLContext`` for a profile TLS mode (None: ``disable``). ``prefer`` and ``require``
    encrypt without verifying; ``verify-ca`` checks the chain; ``verify-full`` also the host name.
    ``ca``: a PEM bundle, or None for the system's trust store."""
    if mode == "disable":
        return None
    if mode in ("prefer", "require"):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    elif mode in ("verify-ca", "verify-full"):
        ctx = ssl.create_default_context(cafile=ca) if ca else ssl.create_default_context()
        ctx.check_hostname = mode == "verify-full" if check_hostname is None else check_hostname
        ctx.verify_mode = ssl.CERT_REQUIRED
    else:
        raise ValidationError(f"Unknown TLS mode {mode!r}.")
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


class _Connection(pymysql.connections.Connection):
    """PyMySQL's connection whose TCP socket the engine opens (tunnel address, greeting check);
    it keeps its connect parameters for ``cancel``'s second connection (held in memory only, as
    the driver holds the password anyway)."""

    connect_params: dict[str, Any] | None = None


class MysqlEngine(Engine):
    name = "mysql"
    default_port = 3306
    tunnel_probe = "tcp"  # a MySQL server greets first: the tunnel's TCP probe sees its greeting

    # ----------------------------------------------------------------- parameters
    def connect_params(self, profile, password, *, local_port: int | None = None, connect_timeout: int = 10,
                       application_name: str = "aurora-console") -> dict[str, Any]:
        """Keyword arguments for :meth:`connect` (see the module docstring)."""
        mode = profile.tls.effective_mode(profile.host)
        if getattr(profile.password, "kind", "") == "iam" and mode in ("disable", "prefer"):
            raise ValidationError("IAM database authentication sends the token in clear text: it needs TLS "
                                  "(choose verify-full or require).")
        kw: dict[str, Any] = {
            "host": profile.host, "port": int(profile.port), "user": profile.user,
            "database": profile.database or None, "connect_timeout": connect_timeout,
            "program_name": application_name, "tls_mode": mode, "tls_ca": None,
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
            else:
                if not Path(bundle).expanduser().is_file():
                    raise ValidationError(f"The CA bundle {bundle} does not exist.")
                kw["tls_ca"] = str(Path(bundle).expanduser())
        if profile.read_only:
            kw["init_command"] = "SET SESSION TRANSACTION READ ONLY"
        return kw

    # ----------------------------------------------------------------- connecting
    def connect(self, conninfo: str = "", **params: Any) -> pymysql.connections.Connection:
        """A PyMySQL connection (autocommit unless ``autocommit=False``; utf8mb4).

        Takes :meth:`connect_params`' keywords (``host``, ``port``, ``user``, ``password``,
        ``database``, ``tls_mode``, ``tls_ca``, ``hostaddr``...) and any other PyMySQL keyword.
        Driver errors (``pymysql.Error``) are raised as they come; :class:`WrongEngineError` when
        the port does not speak MySQL.
        """
        if conninfo:
            raise ValidationError("MySQL connections take keyword parameters, not a connection string.")
        original = dict(params)
        mode = params.pop("tls_mode", "prefer")
        ca = params.pop("tls_ca", None)
        hostaddr = params.pop("hostaddr", None)
        params.setdefault("autocommit", True)
        params.setdefault("charset", "utf8mb4")
        params.setdefault("connect_timeout", 10)
        params.setdefault("local_infile", False)
        if "ssl" not in params and "ssl_disabled" not in params:
            ctx = tls_context(mode, ca)
            if ctx is None:
                params["ssl_disabled"] = True
            elif mode == "prefer":
                pass  # PyMySQL's "preferred": TLS when the server offers it, unverified (as libpq's prefer)
            else:
                params["ssl"] = ctx
        params["auth_plugin_map"] = {**params.get("auth_plugin_map", {}), "mysql_clear_password": _ClearPassword}
        params["defer_connect"] = True
        # the handshake (TLS, authentication) waits at most the connect timeout for each answer; the
        # statements after it wait as long as they run (unless the caller gave a read_timeout)
        read_timeout = params.get("read_timeout")
        params["read_timeout"] = read_timeout or params["connect_timeout"]
        conn = _Connection(**params)
        sock = self._open_socket(hostaddr or conn.host, conn.port, conn.connect_timeout, conn.host)
        try:
            conn.connect(sock)
        except BaseException:
            sock.close()
            raise
        conn._read_timeout = read_timeout  # PyMySQL applies it at the next read (connections.py _read_bytes)
        conn.host_info = f"socket {hostaddr or conn.host}:{conn.port}"
        conn.connect_params = original
        return conn

    def _open_socket(self, address: str, port: int, timeout: float, host: str) -> socket.socket:
        try:
            sock = socket.create_connection((address, port), timeout)
        except OSError as exc:
            raise pymysql.err.OperationalError(
                CR.CR_CONN_HOST_ERROR, f"Can't connect to MySQL server on {host!r} ({exc})") from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        head = peek_greeting(sock, min(GREETING_GRACE, timeout))
        if not head and timeout > GREETING_GRACE:
            if speaks_postgres(address, port, timeout=min(GREETING_GRACE, timeout)):
                sock.close()
                raise WrongEngineError(CR.CR_SERVER_HANDSHAKE_ERR, _postgres_port_text(host, port))
            head = peek_greeting(sock, timeout - GREETING_GRACE)
        if not head:
            sock.close()
            if speaks_postgres(address, port, timeout=min(GREETING_GRACE, timeout)):
                raise WrongEngineError(CR.CR_SERVER_HANDSHAKE_ERR, _postgres_port_text(host, port))
            raise pymysql.err.OperationalError(
                CR.CR_SERVER_LOST, f"Lost connection to MySQL server at {host!r}: no greeting within "
                                   f"{timeout:.0f} s (timed out)")
        if not is_mysql_greeting(head):
            sock.close()
            raise WrongEngineError(CR.CR_SERVER_HANDSHAKE_ERR,
                                   f"this port ({host}:{port}) does not speak the MySQL protocol "
                                   f"(it sent {head[:5]!r}); the profile says MySQL")
        return sock

    # ----------------------------------------------------------------- errors
    def is_driver_error(self, exc: BaseException) -> bool:
        return isinstance(exc, pymysql.Error)

    def explain_error(self, exc: BaseException, profile) -> DatabaseConnectError:
        code, text = _code_text(exc)
        low = text.lower()
        where = f"{profile.user}@{profile.host}:{profile.port}/{profile.database}"
        if isinstance(exc, WrongEngineError):
            return DatabaseConnectError(
                f"{profile.host}:{profile.port} does not speak MySQL: {text}.",
                hint="Check the port (PostgreSQL listens on 5432, MySQL on 3306) and the engine of the profile.",
                detail=text)
        if isinstance(exc, ClearTextRefused):
            return DatabaseConnectError(
                f"{profile.host} asked for the password in clear text over a link without TLS; the console "
                "refused to send it.", hint="Choose TLS verify-full or require in the profile.", detail=text)
        if self.is_password_refused(exc):
            return DatabaseConnectError(f"The database refused {where}: wrong password or user.",
                                        hint="Check the password source of the profile (an IAM token needs a "
                                             "user created WITH AWSAuthenticationPlugin).", detail=text)
        if code == ER.BAD_DB_ERROR:
            return DatabaseConnectError(f"The database {profile.database!r} does not exist on {profile.host}.",
                                        hint="SHOW DATABASES lists the ones there are.", detail=text)
        if code == ER.DBACCESS_DENIED_ERROR:
            return DatabaseConnectError(f"{profile.user} may not use the database {profile.database!r} on "
                                        f"{profile.host}.", hint="Ask for a GRANT on it, or pick another "
                                                                 "database.", detail=text)
        if isinstance(exc, ssl.SSLError) or "ssl" in low or "certificate" in low or "tls" in low \
                or code in (CR.CR_SSL_CONNECTION_ERROR, 3159):
            return DatabaseConnectError(f"TLS to {profile.host} failed: {text.splitlines()[-1] if text else exc}",
                                        hint="Check the CA bundle (and that it names this endpoint), or pick TLS "
                                             "'require' knowingly.", detail=text)
        if "timed out" in low or "timeout" in low:
            return DatabaseConnectError(f"The database {profile.host} did not answer in time.",
                                        hint="Check the security group, the route (bastion) and the port.",
                                        detail=text)
        if code == CR.CR_CONN_HOST_ERROR or "refused" in low:
            return DatabaseConnectError(f"Nothing accepts connections at {profile.host}:{profile.port}.",
                                        hint="Check the host, the port and that the instance is available.",
                                        detail=text)
        if code == 1129:  # ER_HOST_IS_BLOCKED
            return DatabaseConnectError(f"{profile.host} blocks this client after too many failed connects.",
                                        hint="A DBA runs FLUSH HOSTS (or raises max_connect_errors).", detail=text)
        if code == ER.CON_COUNT_ERROR:
            return DatabaseConnectError(f"{profile.host} has no free connection slots (max_connections).",
                                        detail=text)
        if code in (CR.CR_SERVER_LOST, CR.CR_SERVER_GONE_ERROR):
            return DatabaseConnectError(f"The connection to {where} was closed: {text.splitlines()[0]}",
                                        detail=text)
        return DatabaseConnectError(f"Cannot connect to {where}: {text.splitlines()[0] if text else exc}",
                                    detail=text)

    def is_password_refused(self, exc: BaseException) -> bool:
        code, text = _code_text(exc)
        if code == ER.ACCESS_DENIED_ERROR:
            return True
        detail = f"{text} {getattr(exc, 'detail', '')}".lower()
        return "access denied for user" in detail and "to database" not in detail

    # ----------------------------------------------------------------- AWS
    def iam_token(self, profile, clients: Callable[[str, str | None, str], Any]) -> str:
        """A token for the real endpoint (never the tunnel's 127.0.0.1), sent with the cleartext
        plugin over TLS (``connect_params`` refuses IAM without TLS)."""
        src = profile.password
        rds = clients("rds", src.aws_profile, src.region)
        return rds.generate_db_auth_token(DBHostname=profile.host, Port=int(profile.port),
                                          DBUsername=profile.user, Region=src.region)

    # ----------------------------------------------------------------- running
    def cancel(self, conn) -> None:
        """``KILL QUERY <thread id>`` from a second, short connection with ``conn``'s parameters.

        Nothing happens when ``conn`` is closed; an error (the statement ended meanwhile, the link
        dropped) is swallowed, as the PostgreSQL cancel request's is."""
        if conn is None or not getattr(conn, "open", False):
            return
        params = getattr(conn, "connect_params", None) if isinstance(conn, _Connection) else None
        if params is None:
            return
        thread_id = conn.thread_id()
        try:
            killer = self.connect(**{**params, "connect_timeout": 10, "database": None, "init_command": None})
        except Exception:  # noqa: BLE001 - best effort, as a cancel request is
            return
        try:
            with killer.cursor() as cur:
                cur.execute(f"KILL QUERY {int(thread_id)}")
        except Exception:  # noqa: BLE001 - the thread may have ended meanwhile
            pass
        finally:
            killer.close()

    def server_facts(self, conn, samples: int = 5) -> ServerFacts:
        with conn.cursor() as cur:
            cur.execute("SELECT VERSION(), @@version_comment, @@read_only, @@transaction_read_only"
                        if not _is_mariadb(conn) else
                        "SELECT VERSION(), @@version_comment, @@read_only, @@tx_read_only")
            version, comment, ro_server, ro_session = cur.fetchone()
            aurora = ""
            try:
                cur.execute("SELECT @@aurora_version")
                aurora = str(cur.fetchone()[0] or "")
            except pymysql.err.MySQLError:  # not Aurora (unknown system variable)
                aurora = ""
            cur.execute("SHOW SESSION STATUS WHERE Variable_name IN ('Ssl_version', 'Ssl_cipher')")
            status = dict(cur.fetchall())
            times = []
            for _ in range(max(1, samples)):
                t0 = time.perf_counter()
                cur.execute("SELECT 1")
                cur.fetchone()
                times.append((time.perf_counter() - t0) * 1000)
        tls_version = status.get("Ssl_version") or ""
        cipher = status.get("Ssl_cipher") or ""
        flavour = "MariaDB" if "mariadb" in str(version).lower() else "MySQL"
        line = f"{flavour} {str(version).split('-', 1)[0]}" + (f" ({comment})" if comment else "")
        tls_text = f"{tls_version} {cipher}".strip()
        return ServerFacts(line, _version_num(str(version)), bool(aurora), aurora, bool(tls_version), tls_text,
                           statistics.median(times), bool(int(ro_server or 0)) or bool(int(ro_session or 0)))


def _is_mariadb(conn) -> bool:
    return "mariadb" in str(getattr(conn, "server_version", "")).lower()


def _version_num(version: str) -> int:
    """"8.0.39" -> 80039, "10.11.9-MariaDB-0+deb12u1" -> 101109 (as ``mysql_get_server_version``)."""
    parts = []
    for piece in version.split("-", 1)[0].split(".")[:3]:
        digits = "".join(ch for ch in piece if ch in "0123456789")
        parts.append(int(digits) if digits else 0)
    while len(parts) < 3:
        parts.append(0)
    return parts[0] * 10000 + parts[1] * 100 + parts[2]


def _code_text(exc: BaseException) -> tuple[int | None, str]:
    args = getattr(exc, "args", ())
    if len(args) >= 2 and isinstance(args[0], int):
        return args[0], str(args[1])
    return None, str(exc)


def _postgres_port_text(host: str, port: int) -> str:
    return f"this port ({host}:{port}) speaks PostgreSQL, the profile says MySQL"


MYSQL = MysqlEngine()
