"""One database session for one SQL editor tab: a psycopg connection plus its settings.

A session is used by one worker thread at a time (the UI queues work per session); only
:meth:`DbSession.cancel` may be called from another thread: it sends the protocol's cancel
request and never touches the connection's state.

Settings survive a reconnect: autocommit, statement timeout, and read-only
(``default_transaction_read_only``, set at connect time through the startup options so that no
transaction of this session can write).
"""

from __future__ import annotations

import enum
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import psycopg
from psycopg import pq

from aurora_console.core.connections.engines.postgres import POSTGRES
from aurora_console.core.db.sql_errors import READ_ONLY, SqlError, from_psycopg
from aurora_console.core.db.statement_cancel import StatementCancel

ConnectSource = str | dict | Callable[[], "str | dict | psycopg.Connection"]


class TxState(enum.Enum):
    IDLE = "idle"
    ACTIVE = "busy"
    IN_TRANSACTION = "in transaction"
    FAILED = "failed transaction"
    DISCONNECTED = "disconnected"


@dataclass(frozen=True)
class SessionSettings:
    autocommit: bool = True
    read_only: bool = False
    statement_timeout_ms: int = 0
    application_name: str = "Aurora Console SQL"
    connect_timeout_s: int = 10


@dataclass(frozen=True)
class Notice:
    severity: str
    message: str
    detail: str = ""
    hint: str = ""
    at: float = field(default_factory=time.time)

    def text(self) -> str:
        out = f"{self.severity}: {self.message}"
        if self.detail:
            out += f"\nDETAIL: {self.detail}"
        if self.hint:
            out += f"\nHINT: {self.hint}"
        return out


_TX_STATUS = {
    pq.TransactionStatus.IDLE: TxState.IDLE,
    pq.TransactionStatus.ACTIVE: TxState.ACTIVE,
    pq.TransactionStatus.INTRANS: TxState.IN_TRANSACTION,
    pq.TransactionStatus.INERROR: TxState.FAILED,
    pq.TransactionStatus.UNKNOWN: TxState.DISCONNECTED,
}

# Statements that would lift a read-only session's protection; refused before reaching the server.
_READ_WRITE = re.compile(
    r"\bread\s+write\b|\b(default_)?transaction_read_only\b|\bsession_authorization\b", re.I
)


class SessionConnection:
    """What every engine's session shares: one connection opened on demand (``connect``, each
    engine's own), the result streams reading from it, close and reconnect, the lock, the
    server's notices. A subclass sets ``_conn``, ``_lock``, ``_notices`` and ``streams`` and
    defines ``connect`` and ``connected``."""

    _conn: Any
    _lock: threading.RLock
    _notices: deque
    streams: list

    def connect(self):  # pragma: no cover - each engine's session defines it
        raise NotImplementedError

    @property
    def connected(self) -> bool:  # pragma: no cover - each engine's session defines it
        raise NotImplementedError

    def reconnect(self):
        """Drop the current connection (whatever its state) and open a new one."""
        with self._lock:
            self.close()
            return self.connect()

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
            for stream in self.streams:
                stream.forget("the connection was closed")
            self.streams = []
            if conn is not None:
                try:
                    conn.close()
                except Exception:  # noqa: BLE001 - already broken: nothing to release
                    pass

    @property
    def conn(self):
        """The live connection; raises a clear error after the connection was lost."""
        if self._conn is None:
            self.connect()
        if not self.connected:
            raise SqlError("The connection to the server was lost.", kind="connection",
                           hint="Reconnect to continue; the editor text is kept.")
        return self._conn

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    @property
    def statement_cancel(self) -> StatementCancel:
        """The task cancel of this session's statements, repeated until the statement stopped
        (``core/db/statement_cancel.py``); made on first use, under the session's lock."""
        with self._lock:
            sc = self.__dict__.get("_statement_cancel")
            if sc is None:
                sc = self._statement_cancel = StatementCancel(self.cancel)
            return sc

    def drain_notices(self) -> list[Notice]:
        out = []
        while self._notices:
            out.append(self._notices.popleft())
        return out


class DbSession(SessionConnection):
    """A psycopg connection with editor-level state; see the module docstring for threading."""

    #: the profile engine this session speaks (``core.db.sql_dialects.dialect_of`` reads it)
    engine = "postgres"

    def __init__(
        self, source: ConnectSource, settings: SessionSettings | None = None, *, name: str = ""
    ) -> None:
        self._source = source
        self.settings = settings or SessionSettings()
        self.name = name
        self._conn: psycopg.Connection | None = None
        self._lock = threading.RLock()
        self._notices: deque[Notice] = deque(maxlen=1000)
        self.streams: list = []  # open ResultStreams (see query.py)
        self.backend_pid: int | None = None

    # -- connection ----------------------------------------------------------------------------
    def _open(self) -> psycopg.Connection:
        """A new connection from the source: conninfo text, ``psycopg.connect`` kwargs, or a
        callable returning either of those or a ready connection (a profile's connect factory)."""
        src = self._source() if callable(self._source) else self._source
        if isinstance(src, psycopg.Connection):
            conn = src
            conn.autocommit = True
            conn.execute(f"SET statement_timeout = {int(self.settings.statement_timeout_ms)}")
            if self.settings.read_only:
                conn.execute("SET default_transaction_read_only = on")
            conn.autocommit = self.settings.autocommit
            return conn
        conninfo, kwargs = (src, {}) if isinstance(src, str) else ("", dict(src))
        opts = [f"-c statement_timeout={int(self.settings.statement_timeout_ms)}"]
        if self.settings.read_only:
            opts.append("-c default_transaction_read_only=on")
        kwargs["options"] = " ".join(filter(None, [kwargs.get("options", ""), *opts]))
        kwargs.setdefault("application_name", self.settings.application_name)
        kwargs.setdefault("connect_timeout", self.settings.connect_timeout_s)
        return POSTGRES.connect(conninfo, autocommit=self.settings.autocommit, **kwargs)

    def connect(self) -> DbSession:
        with self._lock:
            if self._conn is not None and not self._conn.closed:
                return self
            try:
                conn = self._open()
            except psycopg.Error as exc:
                raise from_psycopg(exc) from None
            conn.add_notice_handler(self._on_notice)
            self._conn = conn
            self.backend_pid = conn.info.backend_pid
            self.streams = []
            return self

    @property
    def connected(self) -> bool:
        return self._conn is not None and not self._conn.closed and not self._conn.broken

    # -- state ----------------------------------------------------------------------------------
    @property
    def tx_state(self) -> TxState:
        if not self.connected:
            return TxState.DISCONNECTED
        state = _TX_STATUS.get(self._conn.info.transaction_status, TxState.DISCONNECTED)
        if state == TxState.IN_TRANSACTION and any(s.owns_transaction for s in self.streams):
            return TxState.IDLE  # the implicit transaction psql-style streaming opens in autocommit
        return state

    def server_version(self) -> int:
        return self.conn.info.server_version

    @property
    def standard_conforming_strings(self) -> bool:
        """The server's ``standard_conforming_strings`` for this session (reported by the server
        at connect and after every change), True (PostgreSQL's default) while not connected. The
        splitter starts from it, as psql does, to tell where ``'a\\'b'`` ends."""
        if not self.connected:
            return True
        return self._conn.info.parameter_status("standard_conforming_strings") != "off"

    def _on_notice(self, diag) -> None:
        self._notices.append(
            Notice(
                severity=diag.severity or "NOTICE",
                message=diag.message_primary or "",
                detail=diag.message_detail or "",
                hint=diag.message_hint or "",
            )
        )

    # -- settings --------------------------------------------------------------------------------
    def _apply(self, statement: str) -> None:
        conn = self.conn
        if conn.info.transaction_status == pq.TransactionStatus.IDLE and not conn.autocommit:
            conn.autocommit = True
            try:
                conn.execute(statement)
            finally:
                conn.autocommit = False
        else:
            conn.execute(statement)

    def set_autocommit(self, on: bool) -> None:
        with self._lock:
            if self.connected:
                for stream in [st for st in self.streams if st.owns_transaction]:
                    stream.close("autocommit was switched")
                if self._conn.info.transaction_status != pq.TransactionStatus.IDLE:
                    raise SqlError("Commit or roll back the open transaction before changing autocommit.")
                self._conn.autocommit = on
            self.settings = replace(self.settings, autocommit=on)

    def set_statement_timeout(self, ms: int) -> None:
        if ms < 0:
            raise ValueError("statement timeout must be >= 0 ms (0 means none)")
        with self._lock:
            self.settings = replace(self.settings, statement_timeout_ms=int(ms))
            if self.connected:  # inside an open result's transaction the SET is committed with it
                try:
                    self._apply(f"SET statement_timeout = {int(ms)}")
                except psycopg.Error as exc:
                    raise from_psycopg(exc) from None

    def check_allowed(self, sql: str) -> None:
        """Refuse, in a read-only session, statements that would switch read-only off."""
        if not self.settings.read_only or sql.lstrip()[:4].lower() == "show":
            return
        if _READ_WRITE.search(sql):
            raise SqlError(
                "This session is read-only: statements that change read-only mode are refused.",
                kind=READ_ONLY,
                statement=sql,
            )

    # -- transactions ------------------------------------------------------------------------------
    def close_streams(self, reason: str = "") -> None:
        """Close every open result cursor (before a commit, a rollback or, in autocommit, the next statement)."""
        for stream in list(self.streams):
            stream.close(reason)

    def commit(self) -> None:
        with self._lock:
            self.close_streams("the transaction was committed")
            try:
                self.conn.commit()
            except psycopg.Error as exc:
                raise from_psycopg(exc) from None

    def rollback(self) -> None:
        with self._lock:
            self.close_streams("the transaction was rolled back")
            try:
                self.conn.rollback()
            except psycopg.Error as exc:
                raise from_psycopg(exc) from None

    # -- cancel (any thread) ---------------------------------------------------------------------
    def cancel(self) -> None:
        """Ask the server to cancel the running statement; safe from any thread; no-op if idle."""
        POSTGRES.cancel(self._conn)  # the statement may have finished meanwhile: no error then
