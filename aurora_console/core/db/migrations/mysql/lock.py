"""The migrations lock on MySQL: a named lock (``GET_LOCK``) held by a connection of its own.

As on PostgreSQL (``..lock``), the lock lives on a separate idle autocommit connection, so the
lock never sits inside a migration's transaction, and closing that connection (or the process
dying) releases it. The name is Flyway's: ``Flyway-<n>`` where ``n`` is Java's ``String.hashCode``
of the table's quoted name (`` `db`.`flyway_schema_history` ``), as Flyway's
``MySQLNamedLockTemplate`` builds it (github.com/flyway/flyway flyway-database/flyway-mysql/
src/main/java/org/flywaydb/database/mysql/MySQLConnection.java and MySQLNamedLockTemplate.java,
flyway-13.0.0). So the console and Flyway never migrate the same database at the same time.

Flyway waits forever (``GET_LOCK(name, 10)`` in a loop); the console polls ``GET_LOCK(name, 0)``
until the runner's lock timeout, so a user can cancel the wait, and names the connection holding
the lock (``IS_USED_LOCK`` and the process list) when it gives up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aurora_console.core.db.mysql_dialect import qualified as quote

from ..errors import LockTimeout, MigrationError
from ..events import MigrationEvent
from .connection import DriverError, close_quietly, error_text, one, open_connection

POLL_SECONDS = 0.1


def java_string_hash(text: str) -> int:
    """Java's ``String.hashCode`` (over UTF-16 code units, 32-bit signed)."""
    h = 0
    data = text.encode("utf-16-be")
    for i in range(0, len(data), 2):
        h = (31 * h + ((data[i] << 8) | data[i + 1])) & 0xFFFFFFFF
    return h - 0x100000000 if h >= 0x80000000 else h


def lock_name(schema: str, table: str) -> str:
    """Flyway's named lock for the history table `schema`.`table` (at most 64 characters)."""
    return f"Flyway-{java_string_hash(quote(schema, table))}"


class MySqlMigrationLock:
    """Same surface as :class:`..lock.MigrationLock`: ``acquire``, ``holder``, ``check_alive``, ``release``."""

    def __init__(self, conn: Any, name: str) -> None:
        self.conn = conn
        self.key = name
        self.held = False

    def acquire(self, timeout: float, cancelled: Callable[[], bool] = lambda: False,
                on_wait: Callable[[str], None] | None = None) -> None:
        """Wait up to ``timeout`` seconds; raise :class:`LockTimeout` naming the holder."""
        deadline = time.monotonic() + max(0.0, timeout)
        told = False
        while True:
            row = one(self.conn, "SELECT GET_LOCK(%s, 0)", [self.key])
            if row and row[0] == 1:
                self.held = True
                return
            if not told and on_wait is not None:
                on_wait(f"waiting for the migrations lock (MySQL named lock {self.key!r}) held by "
                        f"{self.holder() or 'another session'}")
                told = True
            if cancelled():
                raise MigrationError("Cancelled while waiting for the migrations lock; nothing was applied.")
            if time.monotonic() >= deadline:
                holder = self.holder()
                raise LockTimeout(
                    f"Another migration runner (the console or Flyway) holds the migrations lock, MySQL named "
                    f"lock {self.key!r}{' (' + holder + ')' if holder else ''}; gave up after {timeout:g} s. "
                    "Nothing was applied.",
                    hint="Wait for the other run to finish and try again, or raise the lock timeout. "
                         f"SELECT IS_USED_LOCK('{self.key}') gives the holding connection's id.")
            time.sleep(POLL_SECONDS)

    def holder(self) -> str:
        """Who holds the lock: connection id, user, client and for how long (best effort: other
        users' connections are listed only with the PROCESS privilege)."""
        try:
            row = one(self.conn, "SELECT IS_USED_LOCK(%s)", [self.key])
            if not row or row[0] is None:
                return ""
            cid = int(row[0])
            info = one(self.conn, "SELECT USER, HOST, DB, TIME FROM information_schema.PROCESSLIST WHERE ID = %s",
                       [cid])
        except DriverError:
            return ""
        parts = [f"connection {cid}"]
        if info:
            user, host, db, seconds = info
            if user:
                parts.append(f"user {user}")
            if host:
                parts.append(f"from {str(host).rsplit(':', 1)[0]}")
            if db:
                parts.append(f"database {db}")
            if seconds is not None:
                parts.append(f"in its current state for {int(seconds)} s")
        return ", ".join(parts)

    def check_alive(self) -> None:
        """Raise if the lock connection was lost (the lock would then be gone too)."""
        try:
            one(self.conn, "SELECT 1")
        except DriverError as e:
            self.held = False
            raise MigrationError(f"Lost the connection holding the migrations lock: {error_text(e)}",
                                 hint="Nothing further was applied; check the network and run again.") from e

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        try:
            one(self.conn, "SELECT RELEASE_LOCK(%s)", [self.key])
        except DriverError:
            pass  # a lost session has released the lock already


class MySqlLockedSession:
    """Context manager yielding (work connection, lock), as :class:`..session.LockedSession`.

    ``resolve(conn)`` returns the history table's (schema, table) once a connection exists (the
    schema may be the connection's current database); the lock is named after it."""

    def __init__(self, connect: Callable[[], Any], resolve: Callable[[Any], tuple[str, str]], timeout: float,
                 task: Any, emit: Callable[[MigrationEvent], None]) -> None:
        self.connect, self.resolve, self.timeout = connect, resolve, timeout
        self.task, self.emit = task, emit
        self.lock: MySqlMigrationLock | None = None
        self.work: Any = None
        self.lock_conn: Any = None

    def __enter__(self) -> tuple[Any, MySqlMigrationLock]:
        self.lock_conn = open_connection(self.connect)
        try:
            lock = MySqlMigrationLock(self.lock_conn, lock_name(*self.resolve(self.lock_conn)))
            lock.acquire(self.timeout, cancelled=lambda: bool(self.task is not None and self.task.cancelled),
                         on_wait=lambda text: self.emit(MigrationEvent("log", "", 0, 0, message=text)))
            self.lock = lock
            self.work = open_connection(self.connect)
        except BaseException:
            self._close()
            raise
        return self.work, self.lock

    def __exit__(self, *exc: object) -> None:
        self._close()

    def _close(self) -> None:
        if self.lock is not None:
            self.lock.release()
        close_quietly(self.work)
        close_quietly(self.lock_conn)
