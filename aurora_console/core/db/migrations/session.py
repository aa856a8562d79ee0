"""Connections of a run: the lock's own session-level connection, then the work connection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg

from .apply import first_line
from .errors import MigrationError
from .events import MigrationEvent
from .lock import MigrationLock, lock_key


def open_connection(connect: Callable[[], psycopg.Connection]) -> psycopg.Connection:
    """A new autocommit connection from the factory, with a plain error when it fails."""
    try:
        conn = connect()
    except psycopg.Error as e:
        raise MigrationError(f"Could not connect to the database: {first_line(e)}",
                             hint="Check the connection profile (host, port, tunnel, credentials).") from e
    if not isinstance(conn, psycopg.Connection):
        conn.close()
        raise MigrationError(
            "The connection factory made a connection that is not a PostgreSQL one (a MySQL connection?).",
            hint="For MySQL, give MigrationRunner engine=\"mysql\" (or a factory with engine_name = \"mysql\", "
                 "or a MySQL profile's connect).")
    conn.autocommit = True
    return conn


class LockedSession:
    """Context manager yielding (work connection, lock); always releases the lock and closes both.

    The lock is taken first, on its own idle autocommit connection (see ``lock``), waiting up to
    ``timeout`` seconds; the work connection is opened only once the lock is held.
    """

    def __init__(self, connect: Callable[[], psycopg.Connection], qualified_table: str, timeout: float,
                 task: Any, emit: Callable[[MigrationEvent], None]) -> None:
        self.connect, self.table, self.timeout = connect, qualified_table, timeout
        self.task, self.emit = task, emit
        self.lock: MigrationLock | None = None
        self.work: psycopg.Connection | None = None

    def __enter__(self) -> tuple[psycopg.Connection, MigrationLock]:
        lock_conn = open_connection(self.connect)
        try:
            self.lock = MigrationLock(lock_conn, lock_key(self.table))
            self.lock.acquire(self.timeout,
                              cancelled=lambda: bool(self.task is not None and self.task.cancelled),
                              on_wait=lambda text: self.emit(MigrationEvent("log", "", 0, 0, message=text)))
            self.work = open_connection(self.connect)
        except BaseException:
            if self.lock is None:
                lock_conn.close()
            self._close()
            raise
        return self.work, self.lock

    def __exit__(self, *exc: object) -> None:
        self._close()

    def _close(self) -> None:
        if self.lock is not None:
            self.lock.release()
        for conn in (self.work, self.lock.conn if self.lock else None):
            if conn is not None:
                try:
                    conn.close()
                except psycopg.Error:
                    pass
