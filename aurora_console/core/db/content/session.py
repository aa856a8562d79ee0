"""The content editor's connection and per-table editors (what the UI and page objects call).

``ContentSession`` owns one psycopg connection (autocommit; explicit transactions for saves)
made by a ``connect`` callable, reconnecting when it was dropped. ``TableEditor`` binds one
table: its description, pager, pending change set (kept on disk) and save. Every method does
blocking I/O: call them from the task runner, one session at a time (serial queue).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import psycopg

from aurora_console.core.connections.engines.postgres import POSTGRES

from ..connection_engine import connect_engine
from ..statement_cancel import StatementCancel
from .changes import ChangeSet, ReadOnly
from .introspect import TableInfo, TableRef, introspect_table, list_tables
from .lookup import ForeignKeyLookup, describe_references, referencing_rows
from .pager import Filter, Page, Pager, Row, Sort
from .save import ConnectionLost, SaveResult, save_changes
from .slug import slug_taken
from .store import PendingStore

BLOG_TABLES = ("posts", "comments", "users", "social_accounts")
CONNECT_TIMEOUT_S = 10
APPLICATION_NAME = "aurora-console content"
READ_ONLY_PROFILE = "This connection profile is read-only; nothing can be changed through it."


class ContentSession:
    def __new__(cls, connect=None, *args, **kwargs):
        """On MySQL connections (a MySQL profile's ``connect``) this is a ``MySqlContentSession``
        (``content/mysql/session.py``): callers never choose the class."""
        if cls is ContentSession and callable(connect) and connect_engine(connect) == "mysql":
            from .mysql.session import MySqlContentSession

            cls = MySqlContentSession
        return super().__new__(cls)

    def __init__(
        self,
        connect: Callable[[], psycopg.Connection] | str | dict,
        *,
        profile: str = "default",
        read_only: bool = False,
        store_root: Path | None = None,
        on_close: Callable[[], None] | None = None,
    ):
        if isinstance(connect, str):
            self._connect = lambda: POSTGRES.connect(connect, connect_timeout=CONNECT_TIMEOUT_S,
                                                     application_name=APPLICATION_NAME, autocommit=False)
        elif isinstance(connect, dict):
            self._connect = lambda: POSTGRES.connect(**{"connect_timeout": CONNECT_TIMEOUT_S, "autocommit": False,
                                                        **connect})
        else:
            self._connect = connect
        self.profile = profile
        self.read_only = read_only
        self.store_root = store_root
        self._conn: psycopg.Connection | None = None
        self._on_close = on_close
        self._lock = threading.RLock()
        #: a task's cancel, repeated until its statement stopped (``core/db/statement_cancel.py``)
        self.statement_cancel = StatementCancel(lambda: self.cancel())

    @property
    def queue_key(self) -> str:
        return f"content:{self.profile}"

    def connection(self) -> psycopg.Connection:
        with self._lock:
            if self._conn is None or self._conn.closed or self._conn.broken:
                if self._conn is not None:
                    self._conn.close()
                conn = self._connect()
                conn.autocommit = True
                if self.read_only:  # defence in depth: the server refuses writes too
                    conn.execute("SET default_transaction_read_only = on")
                self._conn = conn
            return self._conn

    def cancel(self) -> None:
        """Interrupt the running statement (safe from another thread; never touches the lock)."""
        conn = self._conn
        if conn is not None and not conn.closed:
            try:
                conn.cancel_safe(timeout=5)
            except psycopg.Error:
                pass

    def run(self, fn, task=None):
        """``fn()`` with the task's cancel button wired to :meth:`cancel`; a cancelled statement
        raises ``Cancelled`` (from ``core.tasks``) instead of a database error.

        A cancel pressed just before a statement reached the server is repeated until it stops
        the statement (:class:`StatementCancel`). A repeat may then land on ``fn``'s own clean-up
        (the ROLLBACK of a failed save): so when ``fn`` fails, the repeats stop first and a
        transaction left open is rolled back here, and the session is left idle."""
        if task is None:
            return fn()
        from aurora_console.core.tasks import Cancelled

        with self.statement_cancel.guard(task):
            try:
                task.check()
                return fn()
            except BaseException as exc:
                self.statement_cancel.quiet()
                self._end_open_transaction()
                if task.cancelled and self._stopped_by_cancel(exc):
                    raise Cancelled() from None
                raise

    @staticmethod
    def _stopped_by_cancel(exc: BaseException) -> bool:
        return isinstance(exc, psycopg.errors.QueryCanceled)

    def _end_open_transaction(self) -> None:
        """Roll back a transaction a failed ``fn`` left open or failed (no cancel can reach it)."""
        conn = self._conn
        if conn is None or conn.closed or conn.broken:
            return
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            try:
                conn.rollback()
            except psycopg.Error:
                pass

    def backend_pid(self) -> int | None:
        return None if self._conn is None or self._conn.closed else self._conn.info.backend_pid

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            if self._on_close is not None:
                closer, self._on_close = self._on_close, None
                closer()

    def tables(self) -> list[TableRef]:
        return list_tables(self.connection())

    def blog_schema(self) -> str | None:
        """The schema holding the four blog tables (``public`` or ``blog``), or None."""
        found: dict[str, set[str]] = {}
        for t in self.tables():
            if t.name in BLOG_TABLES:
                found.setdefault(t.schema, set()).add(t.name)
        for schema, names in sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            if len(names) == len(BLOG_TABLES):
                return schema
        return None

    @property
    def editor_type(self) -> type[TableEditor]:
        """The editor class for this session's engine."""
        return TableEditor

    def table(self, name: str, schema: str | None = None, *, page_size: int = 100) -> TableEditor:
        if schema is None:
            schema, _, rest = name.rpartition(".")
            name = rest
            schema = schema or self.blog_schema() or "public"
        return self.editor_type(self, schema, name, page_size=page_size)


class TableEditor:
    # the engine's SQL (PostgreSQL here; ``mysql.session.MySqlTableEditor`` sets MySQL's)
    describe = staticmethod(introspect_table)
    pager_type = Pager
    lookup_type = ForeignKeyLookup
    find_references = staticmethod(referencing_rows)
    apply_changes = staticmethod(save_changes)
    check_slug = staticmethod(slug_taken)

    def __new__(cls, session: ContentSession | None = None, *args, **kwargs):
        """``TableEditor(session, ...)`` is the editor of the session's engine (``session.editor_type``)."""
        if cls is TableEditor and session is not None:
            cls = session.editor_type
        return super().__new__(cls)

    def __init__(self, session: ContentSession, schema: str, table: str, *, page_size: int = 100):
        self.session = session
        self.info: TableInfo = self.describe(session.connection(), schema, table)
        reason = READ_ONLY_PROFILE if session.read_only else ""
        self.changes = ChangeSet(self.info, read_only_reason=reason)
        self.pager = self.pager_type(self.info, page_size)
        self.page = Page()
        self.store = PendingStore(session.profile, schema, table, session.store_root)
        self.secrets_not_kept = self.store.load(self.changes) if not reason else []
        self.changes.listeners.append(self.store.write)
        self._lookups: dict[str, ForeignKeyLookup | None] = {}

    @property
    def read_only_reason(self) -> str:
        return self.changes.read_only_reason

    def _conn(self) -> psycopg.Connection:
        return self.session.connection()

    # paging ----------------------------------------------------------------------------------
    def first(self) -> Page:
        self.page = self.pager.first(self._conn())
        return self.page

    def last(self) -> Page:
        self.page = self.pager.last(self._conn())
        return self.page

    def next(self) -> Page:
        self.page = self.pager.next(self._conn(), self.page)
        return self.page

    def previous(self) -> Page:
        self.page = self.pager.previous(self._conn(), self.page)
        return self.page

    def refresh(self) -> Page:
        self.page = self.pager.refresh(self._conn(), self.page)
        return self.page

    def set_view(self, sort: Sort | None = None, filters: list[Filter] | None = None) -> Page:
        self.pager = self.pager.with_options(sort=sort, filters=filters)
        return self.first()

    def row(self, key) -> Row:
        """The loaded row with primary key ``key`` (a value or a tuple; compared as text)."""
        key = tuple(str(k) for k in (key if isinstance(key, tuple | list) else (key,)))
        for r in self.page.rows:
            if r.key == key:
                return r
        raise KeyError(f"row {key} is not on the current page of {self.info.qualified}")

    def fetch_row(self, key) -> Row:
        """Load one row by key (whatever page it is on)."""

        key = tuple(str(k) for k in (key if isinstance(key, tuple | list) else (key,)))
        pager = self.pager_type(
            self.info, 1, filters=[Filter(c, "=", v) for c, v in zip(self.info.primary_key, key, strict=False)]
        )
        page = pager.first(self._conn())
        if not page.rows:
            raise KeyError(f"no row {key} in {self.info.qualified}")
        return page.rows[0]

    # editing ---------------------------------------------------------------------------------
    def references(self, row: Row) -> str:
        return describe_references(self.find_references(self._conn(), self.info, row.values))

    def lookup(self, column: str) -> ForeignKeyLookup | None:
        if column not in self._lookups:
            self._lookups[column] = self.lookup_type.for_column(self._conn(), self.info, column)
        return self._lookups[column]

    def fk_columns(self) -> list[str]:
        return [c.name for c in self.info.columns if self.info.foreign_key_for(c.name) is not None]

    def load(self, kind: str = "first") -> tuple[Page, dict[str, dict[str, str]]]:
        """Move (first/next/previous/last/refresh) and fetch the labels of the page's foreign keys."""
        if kind not in ("first", "next", "previous", "last", "refresh"):
            raise ValueError(f"unknown page move {kind!r}")
        page = getattr(self, kind)()
        return page, self.labels_for(page)

    def labels_for(self, page: Page) -> dict[str, dict[str, str]]:
        out = {}
        for col in self.fk_columns():
            keys = [r.values[col] for r in page.rows] + [c.values.get(col) for c in self.changes.inserts()]
            keys += [c.values.get(col) for c in self.changes if c.kind == "update"]
            lookup = self.lookup(col)
            out[col] = lookup.labels(self._conn(), [k for k in keys if k is not None]) if lookup else {}
        return out

    def fk_choices(self, limit: int = 500) -> dict[str, list[tuple[str, str]]]:
        """For each foreign-key column: existing keys and their labels (what the lookup offers)."""
        out = {}
        for col in self.fk_columns():
            lookup = self.lookup(col)
            if lookup is not None:
                out[col] = [(c.key, c.label) for c in lookup.search(self._conn(), limit=limit)]
        return out

    def new_changeset(self) -> ChangeSet:
        """A separate change set on this table (a form's own edits, saved on their own)."""
        return ChangeSet(self.info, read_only_reason=self.read_only_reason)

    def save(self, changes: ChangeSet | None = None) -> SaveResult:
        """Save every pending change (reconnecting first if the connection was dropped)."""
        if self.read_only_reason:
            raise ReadOnly(self.read_only_reason)
        changes = self.changes if changes is None else changes
        conn = self._conn()
        try:
            return self.apply_changes(conn, changes)
        except ConnectionLost:
            if changes is self.changes:
                self.store.write(self.changes)
            raise

    def slug_taken(self, slug: str, exclude_key: tuple | None = None) -> bool:
        return self.check_slug(self._conn(), self.info, slug, exclude_key)

    def rows_where(self, column: str, value: str, limit: int = 200) -> list[Row]:
        """Rows with ``column = value`` (e.g. a post's comments), in key order."""
        return self.pager_type(self.info, limit, filters=[Filter(column, "=", value)]).first(self._conn()).rows


__all__ = ["ContentSession", "TableEditor", "ConnectionLost", "ReadOnly", "BLOG_TABLES"]
