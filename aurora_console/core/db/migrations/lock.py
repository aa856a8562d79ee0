"""The migrations lock: a session-level PostgreSQL advisory lock on a connection of its own.

The lock lives on a separate, idle, autocommit connection rather than inside the migration's
transaction. That is what keeps ``CREATE INDEX CONCURRENTLY`` (run outside any transaction) from
waiting forever: it waits for transactions that could see the table, and an idle session holding
an advisory lock has none. Closing the lock connection (or the process dying) releases the lock.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

import psycopg

from .errors import LockTimeout, MigrationError

POLL_SECONDS = 0.1


def lock_key(qualified_table: str) -> int:
    """A stable signed 64-bit key per history table (two tables, two independent locks)."""
    digest = hashlib.sha256(f"aurora-console-migrations:{qualified_table}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class MigrationLock:
    def __init__(self, conn: psycopg.Connection, key: int) -> None:
        self.conn = conn
        self.key = key
        self.held = False

    def acquire(
        self,
        timeout: float,
        cancelled: Callable[[], bool] = lambda: False,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        """Wait up to ``timeout`` seconds; raise :class:`LockTimeout` naming the holder."""
        deadline = time.monotonic() + max(0.0, timeout)
        told = False
        while True:
            row = self.conn.execute("SELECT pg_try_advisory_lock(%s)", [self.key]).fetchone()
            if row and row[0]:
                self.held = True
                return
            if not told and on_wait is not None:
                on_wait(f"waiting for the migrations lock held by {self.holder() or 'another session'}")
                told = True
            if cancelled():
                raise MigrationError("Cancelled while waiting for the migrations lock; nothing was applied.")
            if time.monotonic() >= deadline:
                holder = self.holder()
                raise LockTimeout(
                    f"Another migration runner holds the migrations lock"
                    f"{' (' + holder + ')' if holder else ''}; gave up after {timeout:g} s. Nothing was applied.",
                    hint="Wait for the other run to finish and try again, or raise the lock timeout.",
                )
            time.sleep(POLL_SECONDS)

    def holder(self) -> str:
        """Who holds the lock: pid, application, client and since when (best effort)."""
        classid = (self.key >> 32) & 0xFFFFFFFF
        objid = self.key & 0xFFFFFFFF
        try:
            row = self.conn.execute(
                "SELECT a.pid, a.application_name, a.client_addr::text, a.usename,"
                " to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ')"
                " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s::bigint::oid"
                " AND l.objid = %s::bigint::oid AND l.objsubid = 1 LIMIT 1",
                [classid, objid],
            ).fetchone()
        except psycopg.Error:
            return ""
        if not row:
            return ""
        pid, app, addr, user, since = row
        parts = [f"pid {pid}"]
        if app:
            parts.append(f"application {app!r}")
        if user:
            parts.append(f"user {user}")
        if addr:
            parts.append(f"from {addr}")
        if since:
            parts.append(f"connected since {since}")
        return ", ".join(parts)

    def check_alive(self) -> None:
        """Raise if the lock connection was lost (the lock would then be gone too)."""
        try:
            self.conn.execute("SELECT 1")
        except psycopg.Error as e:
            self.held = False
            raise MigrationError(
                f"Lost the connection holding the migrations lock: {e}".strip(),
                hint="Nothing further was applied; check the network and run again.",
            ) from e

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        try:
            self.conn.execute("SELECT pg_advisory_unlock(%s)", [self.key])
        except psycopg.Error:
            pass  # a lost session has released the lock already
