"""Running the migrations engine's SQL over a MySQL DB-API connection (the engine's PyMySQL one).

PostgreSQL code in this package calls psycopg's ``conn.execute``; a MySQL connection has only
cursors, its own error class (``args == (errno, text)``) and no transaction context manager, so
the MySQL pieces go through these few functions. Transactions are written as SQL
(``START TRANSACTION``/``COMMIT``/``ROLLBACK``, ``SET autocommit``), which any MySQL driver passes
through unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from aurora_console.core.connections.engines.mysql import DriverError

from ..errors import MigrationError

#: errors that mean the connection itself is gone (CR_SERVER_GONE_ERROR, CR_SERVER_LOST,
#: CR_SERVER_LOST_EXTENDED, ER_CONNECTION_KILLED, ER_CLIENT_INTERACTION_TIMEOUT)
CONNECTION_LOST = frozenset({2006, 2013, 2055, 1927, 4031})


def is_error(exc: BaseException) -> bool:
    return isinstance(exc, DriverError)


def error_code(exc: BaseException) -> int | None:
    args = getattr(exc, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def error_text(exc: BaseException) -> str:
    args = getattr(exc, "args", ())
    if len(args) >= 2 and isinstance(args[1], str):
        return args[1].strip()
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def connection_lost(conn: Any, exc: BaseException | None = None) -> bool:
    """The connection is closed, or ``exc`` says the server went away."""
    if exc is not None and error_code(exc) in CONNECTION_LOST:
        return True
    return not bool(getattr(conn, "open", True))


def execute(conn: Any, statement: str, params: Sequence[Any] | None = None) -> list[tuple]:
    """Run one statement; return its rows (every result set read, so the connection is free again).

    Without ``params`` the text is sent as written (a ``%`` in a migration stays a ``%``)."""
    cur = conn.cursor()
    try:
        cur.execute(statement, params) if params is not None else cur.execute(statement)
        rows: list[tuple] = []
        while True:
            if cur.description is not None:
                rows.extend(cur.fetchall())
            if not cur.nextset():
                break
        return rows
    finally:
        cur.close()


def one(conn: Any, statement: str, params: Sequence[Any] | None = None) -> tuple | None:
    rows = execute(conn, statement, params)
    return rows[0] if rows else None


@contextmanager
def transaction(conn: Any) -> Iterator[None]:
    """``START TRANSACTION`` ... ``COMMIT`` (``ROLLBACK`` when the block raises). Only DML is
    transactional on MySQL: a DDL statement inside commits implicitly."""
    execute(conn, "START TRANSACTION")
    try:
        yield
    except BaseException:
        if not connection_lost(conn):
            try:
                execute(conn, "ROLLBACK")
            except DriverError:
                pass
        raise
    execute(conn, "COMMIT")


def close_quietly(conn: Any) -> None:
    if conn is None:
        return
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - PyMySQL raises on a connection that is closed already
        pass


def open_connection(connect: Callable[[], Any]) -> Any:
    """A new connection from the factory (autocommit, as the engine makes them); a refusal in words."""
    try:
        conn = connect()
    except DriverError as e:
        raise MigrationError(f"Could not connect to the database: {error_text(e)}",
                             hint="Check the connection profile (host, port, tunnel, credentials).") from e
    execute(conn, "SET autocommit = 1")
    return conn
