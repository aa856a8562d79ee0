"""One MySQL session for one SQL editor tab: the engine's DB-API connection plus its settings.

The MySQL counterpart of :class:`aurora_console.core.db.session.DbSession`, with the same
surface (``connect``/``close``/``reconnect``, ``conn``, ``lock``, ``tx_state``, ``commit``,
``rollback``, ``set_autocommit``, ``set_statement_timeout``, ``cancel``, ``drain_notices``,
``streams``), so the editor's controller, the runner and the page objects drive either.

* A session is used by one worker thread at a time; only :meth:`cancel` may be called from
  another thread: ``KILL QUERY`` from a second, short connection (``MYSQL.cancel``).
* A MySQL connection carries one unbuffered result at a time: the next statement, a commit or a
  rollback first closes the open one (:mod:`aurora_console.core.db.mysql_query`).
* Settings survive a reconnect: autocommit, the statement timeout (``max_execution_time`` on
  MySQL, SELECTs only; ``max_statement_time`` on MariaDB, every statement) and read-only
  (``SET SESSION TRANSACTION READ ONLY``: every transaction of the session, autocommit ones
  included, refuses writes).
* MySQL has no "failed transaction" state: a failed statement leaves the transaction open (and
  what ran before it in place), so the state is idle or in transaction.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import replace

from aurora_console.core.db.mysql_dialect import Flavour, flavour_of
from aurora_console.core.db.mysql_errors import from_mysql
from aurora_console.core.db.session import Notice, SessionConnection, SessionSettings, TxState
from aurora_console.core.db.sql_errors import READ_ONLY, SqlError

#: MySQL protocol server status bits (include/mysql_com.h)
SERVER_STATUS_IN_TRANS = 0x0001
SERVER_STATUS_NO_BACKSLASH_ESCAPES = 0x0200

# Statements that would lift a read-only session's protection; refused before reaching the server.
_READ_WRITE = re.compile(r"\bread\s+write\b|\b(?:tx|transaction)_read_only\b", re.I)


def _engine():
    from aurora_console.core.connections.engines.mysql import MYSQL

    return MYSQL


def _driver_error():
    from aurora_console.core.connections.engines.mysql import DriverError

    return DriverError


class MySqlSession(SessionConnection):
    """A MySQL connection with editor-level state; see the module docstring."""

    engine = "mysql"

    def __init__(self, source: dict | Callable[[], object], settings: SessionSettings | None = None, *,
                 name: str = "") -> None:
        self._source = source
        self.settings = settings or SessionSettings()
        self.name = name
        self._conn = None
        self._lock = threading.RLock()
        self._notices: deque[Notice] = deque(maxlen=1000)
        self.streams: list = []  # the open result (see mysql_query.MySqlResultStream); one at most
        self.backend_pid: int | None = None  # the server's connection (thread) id
        self.flavour: Flavour | None = None
        #: a statement with a result set ran in manual-commit mode: the server opened a transaction,
        #: but the driver only learns the server's status from OK packets (not from a result's end)
        self.result_opened_transaction = False

    # -- connection ----------------------------------------------------------------------------
    def _open(self):
        """A new connection from the source: ``MYSQL.connect`` keyword arguments, or a callable
        returning those or a ready connection (a profile's connect factory)."""
        src = self._source() if callable(self._source) else self._source
        conn = _engine().connect(**src) if isinstance(src, dict) else src
        try:
            cur = conn.cursor()
            try:
                cur.execute("SELECT VERSION()")
                self.flavour = flavour_of(cur.fetchone()[0])
                if self.settings.statement_timeout_ms:
                    cur.execute(self.flavour.statement_timeout_sql(self.settings.statement_timeout_ms))
                if self.settings.read_only:
                    cur.execute("SET SESSION TRANSACTION READ ONLY")
            finally:
                cur.close()
            conn.autocommit(self.settings.autocommit)
        except BaseException:
            conn.close()
            raise
        return conn

    def connect(self) -> MySqlSession:
        with self._lock:
            if self.connected:
                return self
            try:
                conn = self._open()
            except _driver_error() as exc:
                raise from_mysql(exc) from None
            self._conn = conn
            self.result_opened_transaction = False
            self.backend_pid = conn.thread_id()
            self.streams = []
            return self

    @property
    def connected(self) -> bool:
        return self._conn is not None and bool(getattr(self._conn, "open", False))

    # -- state ----------------------------------------------------------------------------------
    @property
    def tx_state(self) -> TxState:
        if not self.connected:
            return TxState.DISCONNECTED
        status = self._conn.server_status or 0
        if status & SERVER_STATUS_IN_TRANS or self.result_opened_transaction:
            return TxState.IN_TRANSACTION
        return TxState.IDLE

    def note_statement(self, had_result_set: bool) -> None:
        """After a statement: whether it left a transaction the driver does not know of (a SELECT
        in manual-commit mode); a statement without a result set brings the server's own status."""
        if not had_result_set:
            self.result_opened_transaction = False
        elif not self.settings.autocommit:
            self.result_opened_transaction = True

    @property
    def autocommit(self) -> bool:
        return self.settings.autocommit

    def server_version(self) -> int:
        """``mysql_get_server_version()``'s number: 80039, 101109."""
        _ = self.conn  # connects when needed: the flavour is read then
        v = self.flavour.version if self.flavour else (0, 0, 0)
        return v[0] * 10000 + v[1] * 100 + v[2]

    @property
    def backslash_escapes(self) -> bool:
        """False when the session's ``sql_mode`` holds NO_BACKSLASH_ESCAPES (the server reports it
        in every reply); the splitter then reads ``'a\\'`` as a whole string, as the server does."""
        if not self.connected:
            return True
        return not ((self._conn.server_status or 0) & SERVER_STATUS_NO_BACKSLASH_ESCAPES)

    #: the PostgreSQL splitter's setting, for code that asks every session (always on here)
    standard_conforming_strings = True

    def add_notice(self, notice: Notice) -> None:
        self._notices.append(notice)

    # -- settings --------------------------------------------------------------------------------
    def _execute(self, sql: str) -> None:
        self.close_streams("a session setting changed")
        cur = self.conn.cursor()
        try:
            cur.execute(sql)
        except _driver_error() as exc:
            raise from_mysql(exc, sql) from None
        finally:
            cur.close()

    def set_autocommit(self, on: bool) -> None:
        with self._lock:
            if self.connected:
                self.close_streams("autocommit was switched")
                if self.tx_state == TxState.IN_TRANSACTION:
                    raise SqlError("Commit or roll back the open transaction before changing autocommit.")
                try:
                    self._conn.autocommit(on)
                    self.result_opened_transaction = False
                except _driver_error() as exc:
                    raise from_mysql(exc) from None
            self.settings = replace(self.settings, autocommit=on)

    def set_statement_timeout(self, ms: int) -> None:
        if ms < 0:
            raise ValueError("statement timeout must be >= 0 ms (0 means none)")
        with self._lock:
            self.settings = replace(self.settings, statement_timeout_ms=int(ms))
            if self.connected and self.flavour is not None:
                self._execute(self.flavour.statement_timeout_sql(ms))

    def check_allowed(self, sql: str) -> None:
        """Refuse, in a read-only session, statements that would switch read-only off."""
        if not self.settings.read_only or sql.lstrip()[:4].lower() == "show":
            return
        if _READ_WRITE.search(sql):
            raise SqlError("This session is read-only: statements that change read-only mode are refused.",
                           kind=READ_ONLY, statement=sql)

    # -- transactions ------------------------------------------------------------------------------
    def close_streams(self, reason: str = "") -> None:
        """Close the open result (a MySQL connection runs nothing else while one is open)."""
        for stream in list(self.streams):
            stream.close(reason)

    def commit(self) -> None:
        with self._lock:
            self.close_streams("the transaction was committed")
            try:
                self.conn.commit()
                self.result_opened_transaction = False
            except _driver_error() as exc:
                raise from_mysql(exc, "COMMIT") from None

    def rollback(self) -> None:
        with self._lock:
            self.close_streams("the transaction was rolled back")
            try:
                self.conn.rollback()
                self.result_opened_transaction = False
            except _driver_error() as exc:
                raise from_mysql(exc, "ROLLBACK") from None

    # -- cancel (any thread) ---------------------------------------------------------------------
    def cancel(self) -> None:
        """``KILL QUERY`` the running statement; safe from any thread; no-op when idle or closed."""
        conn = self._conn
        if conn is not None:
            _engine().cancel(conn)
