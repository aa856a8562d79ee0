"""The content editor's session and table editor on a MySQL connection.

``ContentSession(connect)`` is a :class:`MySqlContentSession` when ``connect`` makes MySQL
connections: one autocommit PyMySQL connection (reconnected when dropped; explicit transactions
for saves), cancel through the engine (``KILL QUERY`` from a second connection), the tables of
every database the user can see, and :class:`MySqlTableEditor`: the PostgreSQL editor with
MySQL's introspection, pager, lookups, save and slug check.
"""

from __future__ import annotations

from aurora_console.core.connections.engines.mysql import MYSQL, DriverError
from aurora_console.core.db.mysql_dialect import qualified as quote

from ..introspect import TableInfo, TableRef
from ..session import ContentSession, TableEditor
from .introspect import introspect_table, list_tables
from .lookup import MySqlForeignKeyLookup, referencing_rows
from .pager import MySqlPager
from .queries import rows, run
from .save import save_changes

QUERY_INTERRUPTED = 1317  # ER_QUERY_INTERRUPTED: KILL QUERY stopped the statement


def slug_taken(conn, info: TableInfo, slug: str, exclude_key: tuple | None = None, column: str = "slug") -> bool:
    """True if another row of ``info`` already uses ``slug``."""
    query = f"SELECT 1 FROM {quote(info.schema, info.name)} WHERE {quote(column)} = %s"
    params: list = [slug]
    if exclude_key is not None and info.primary_key:
        query += " AND NOT (" + " AND ".join(f"{quote(c)} = %s" for c in info.primary_key) + ")"
        params += list(exclude_key)
    return bool(rows(conn, query + " LIMIT 1", params))


class MySqlTableEditor(TableEditor):
    describe = staticmethod(introspect_table)
    pager_type = MySqlPager
    lookup_type = MySqlForeignKeyLookup
    find_references = staticmethod(referencing_rows)
    apply_changes = staticmethod(save_changes)
    check_slug = staticmethod(slug_taken)


class MySqlContentSession(ContentSession):
    def connection(self):
        with self._lock:
            if self._conn is None or not self._conn.open:
                if self._conn is not None:
                    try:
                        self._conn.close()
                    except DriverError:
                        pass
                conn = self._connect()
                run(conn, "SET autocommit = 1")
                if self.read_only:  # defence in depth: the server refuses writes too
                    run(conn, "SET SESSION TRANSACTION READ ONLY")
                self._conn = conn
            return self._conn

    def cancel(self) -> None:
        conn = self._conn
        if conn is not None and conn.open:
            MYSQL.cancel(conn)

    @staticmethod
    def _stopped_by_cancel(exc: BaseException) -> bool:
        return isinstance(exc, DriverError) and bool(exc.args) and exc.args[0] == QUERY_INTERRUPTED

    def _end_open_transaction(self) -> None:
        """ROLLBACK after a failed ``fn`` (a no-op outside a transaction; the server may not
        tell the client whether one is open on every driver)."""
        conn = self._conn
        if conn is not None and conn.open:
            try:
                conn.rollback()
            except DriverError:
                pass

    def backend_pid(self) -> int | None:
        return None if self._conn is None or not self._conn.open else self._conn.thread_id()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.close()
                except DriverError:
                    pass
                self._conn = None
            if self._on_close is not None:
                closer, self._on_close = self._on_close, None
                closer()

    def tables(self) -> list[TableRef]:
        return list_tables(self.connection())

    @property
    def editor_type(self) -> type[TableEditor]:
        return MySqlTableEditor

    def table(self, name: str, schema: str | None = None, *, page_size: int = 100) -> TableEditor:
        """``name`` or ``database.name``; without a database: the blog's, else the connection's."""
        if schema is None:
            schema, _, name = name.rpartition(".")
            schema = schema or self.blog_schema() or self.current_database()
        return MySqlTableEditor(self, schema, name, page_size=page_size)

    def current_database(self) -> str:
        row = rows(self.connection(), "SELECT DATABASE()")
        if not row or not row[0][0]:
            raise LookupError("the connection has no current database: name the table as database.table")
        return row[0][0]
