"""MySQL driver errors as the SQL editor shows them (:class:`SqlError`, with the MySQL error code).

The driver (PyMySQL, see ``core/connections/engines/mysql.py``) raises errors whose ``args`` are
``(code, text)``; it drops the SQLSTATE, so the number is what the user sees: ``ERROR: You have an
error in your SQL syntax; ... (MySQL error 1064)``. The server names no character position; its
``near '...' at line N`` is turned into one so the editor can point at the place.
"""

from __future__ import annotations

import re

from aurora_console.core.db.sql_errors import (
    CANCELLED,
    CONNECTION,
    READ_ONLY,
    SERVER,
    SYNTAX,
    TIMEOUT,
    SqlError,
)

# server error codes (include/mysqld_error.h in MySQL and MariaDB) and client codes (errmsg.h)
ER_PARSE_ERROR = 1064
ER_SYNTAX_ERROR = 1149
ER_NET_PACKET_TOO_LARGE = 1153
ER_LOCK_WAIT_TIMEOUT = 1205
ER_LOCK_DEADLOCK = 1213
ER_OPTION_PREVENTS_STATEMENT = 1290
ER_WARN_ALLOWED_PACKET_OVERFLOWED = 1301
ER_QUERY_INTERRUPTED = 1317
ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION = 1792
ER_READ_ONLY_MODE = 1836
ER_CONNECTION_KILLED = 1927  # MariaDB
ER_STATEMENT_TIMEOUT = 1969  # MariaDB: max_statement_time exceeded
ER_QUERY_TIMEOUT = 3024  # MySQL: max_execution_time exceeded
ER_SERVER_SHUTDOWN = 1053
CR_SERVER_GONE_ERROR = 2006
CR_SERVER_LOST = 2013
CR_NET_PACKET_TOO_LARGE = 2020
CR_SERVER_LOST_EXTENDED = 2055
ER_CLIENT_INTERACTION_TIMEOUT = 4031  # MySQL 8: the server closed an idle connection

_CONNECTION_CODES = {ER_CONNECTION_KILLED, ER_SERVER_SHUTDOWN, CR_SERVER_GONE_ERROR, CR_SERVER_LOST,
                     CR_SERVER_LOST_EXTENDED, ER_CLIENT_INTERACTION_TIMEOUT}
_READ_ONLY_CODES = {ER_OPTION_PREVENTS_STATEMENT, ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION, ER_READ_ONLY_MODE}
_PACKET_CODES = {ER_NET_PACKET_TOO_LARGE, CR_NET_PACKET_TOO_LARGE}
_NEAR = re.compile(r".*near '(.*)' at line ([0-9]+)", re.DOTALL)

PACKET_HINT = ("A value (or the statement) is larger than the server's max_allowed_packet. Select a part of "
               "the value (LEFT(col, 1000000), SUBSTRING), or ask a DBA to raise max_allowed_packet "
               "(Aurora: in the cluster's parameter group).")
RECONNECT_HINT = "The connection was lost. Reconnect to continue; the editor text is kept."


def driver_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a statement can end with besides :class:`SqlError`: the driver's errors and
    the socket's (a task's ``Cancelled`` is not one of them: it goes on up as it is)."""
    from aurora_console.core.connections.engines.mysql import DriverError

    return (DriverError, OSError)


def code_and_text(exc: BaseException) -> tuple[int | None, str]:
    """The driver's ``(code, text)`` for ``exc`` (``None`` and ``str(exc)`` when it has none)."""
    args = getattr(exc, "args", ())
    if len(args) >= 2 and isinstance(args[0], int):
        return args[0], str(args[1]).strip()
    if len(args) == 1 and isinstance(args[0], int):
        return args[0], ""
    return None, (str(exc).strip() or type(exc).__name__)


def error_position(statement: str, message: str) -> int | None:
    """The 1-based character position in ``statement`` the server's ``near '...' at line N`` names.

    The server quotes up to 80 characters of the text that follows the error (``near ''`` at the
    end of the statement); ``N`` is the statement's line. None when the message names no place."""
    m = _NEAR.fullmatch(message)
    if not m or not statement:
        return None
    fragment, line = m.group(1), int(m.group(2))
    line_start = 0
    for _ in range(max(line, 1) - 1):
        nl = statement.find("\n", line_start)
        if nl < 0:
            break
        line_start = nl + 1
    if not fragment:
        return len(statement.rstrip())
    at = statement.find(fragment, line_start)
    if at < 0:
        at = statement.find(fragment)
    return at + 1 if at >= 0 else None


def from_mysql(exc: BaseException, statement: str = "") -> SqlError:
    """A driver error (or a lost link) as a :class:`SqlError`; a SqlError is returned as it is."""
    if isinstance(exc, SqlError):
        return exc
    code, text = code_and_text(exc)
    kind, hint = SERVER, ""
    name = type(exc).__name__
    if code in (ER_PARSE_ERROR, ER_SYNTAX_ERROR):
        kind = SYNTAX
    elif code == ER_QUERY_INTERRUPTED:
        kind = CANCELLED
    elif code in (ER_STATEMENT_TIMEOUT, ER_QUERY_TIMEOUT):
        kind = TIMEOUT
        hint = "The statement ran longer than the session's statement timeout."
    elif code in _READ_ONLY_CODES:
        kind = READ_ONLY
        hint = "This session or server is read-only."
    elif code in _PACKET_CODES:
        text = f"max_allowed_packet exceeded: {text}" if text else "max_allowed_packet exceeded"
        hint = PACKET_HINT
        kind = CONNECTION  # the server (1153) or the client (2020) closes the connection after it
    elif code in _CONNECTION_CODES or name == "InterfaceError" or isinstance(exc, (ConnectionError, OSError)):
        kind = CONNECTION
        hint = RECONNECT_HINT
        if not text or text == name:
            text = "The connection to the server was lost."
    elif code == ER_LOCK_DEADLOCK:
        hint = "The server rolled back this transaction to break a deadlock; run it again."
    elif code == ER_LOCK_WAIT_TIMEOUT:
        hint = "Another transaction holds the rows (innodb_lock_wait_timeout); the statement was rolled back."
    if kind == CONNECTION and code in _PACKET_CODES:
        hint = PACKET_HINT + " The server closed the connection: reconnect to continue."
    return SqlError(text or name, kind=kind, code=code or None, statement=statement,
                    position=error_position(statement, text) if kind == SYNTAX else None, hint=hint)
