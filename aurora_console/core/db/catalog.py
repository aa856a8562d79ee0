"""What completion offers: SQL keywords plus schemas, tables and columns read from the catalog.

Read once per connection (keyed by the session) and kept until :meth:`CatalogCache.refresh`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import psycopg
from psycopg import pq

from aurora_console.core.db.session import DbSession
from aurora_console.core.db.sql_errors import from_psycopg

_EXTRA_KEYWORDS = ("EXPLAIN", "ANALYZE", "VACUUM", "RETURNING", "ILIKE", "LATERAL", "MATERIALIZED")

_TABLES_SQL = """
SELECT n.nspname, c.relname, c.relkind::text
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
  AND n.nspname NOT LIKE 'pg_temp%'
ORDER BY 1, 2
LIMIT 20000
"""
_COLUMNS_SQL = """
SELECT n.nspname, c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
  AND n.nspname NOT LIKE 'pg_temp%'
ORDER BY 1, 2, a.attnum
LIMIT 100000
"""
_SCHEMAS_SQL = """
SELECT nspname FROM pg_catalog.pg_namespace
WHERE nspname NOT LIKE 'pg_toast%' AND nspname NOT LIKE 'pg_temp%' ORDER BY 1
"""


def keywords() -> list[str]:
    """PostgreSQL keywords as Pygments' PostgreSQL lexer knows them (upper case)."""
    from pygments.lexers._postgres_builtins import KEYWORDS

    return sorted({k.upper() for k in KEYWORDS} | set(_EXTRA_KEYWORDS))


@dataclass
class Catalog:
    schemas: list[str] = field(default_factory=list)
    tables: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # schema -> [(name, kind)]
    columns: dict[tuple[str, str], list[tuple[str, str]]] = field(
        default_factory=dict
    )  # (schema, table) -> [(col, type)]

    def words(self) -> list[str]:
        """Every completion word: keywords, schemas, tables (plain and qualified), columns."""
        out = set(keywords()) | set(self.schemas)
        for schema, tables in self.tables.items():
            for name, _ in tables:
                out.add(name)
                out.add(f"{schema}.{name}")
        for cols in self.columns.values():
            out.update(c for c, _ in cols)
        return sorted(out, key=str.lower)

    def columns_of(self, table: str, schema: str | None = None) -> list[str]:
        for (s, t), cols in self.columns.items():
            if t == table and (schema is None or s == schema):
                return [c for c, _ in cols]
        return []


def _read(session: DbSession, sql: str) -> list[tuple]:
    """Catalog reads leave the user's session as it was: no transaction opened in manual-commit
    mode, no open result cursor closed in autocommit mode (unlike running a statement)."""
    with session.lock:
        conn = session.conn
        try:
            if not conn.autocommit and conn.info.transaction_status == pq.TransactionStatus.IDLE:
                conn.autocommit = True
                try:
                    return conn.execute(sql).fetchall()
                finally:
                    conn.autocommit = False
            return conn.execute(sql).fetchall()
        except psycopg.Error as exc:
            raise from_psycopg(exc, sql) from None


def load_catalog(session: DbSession, *, task=None) -> Catalog:
    cat = Catalog()
    if task is not None:
        task.check()
    cat.schemas = [r[0] for r in _read(session, _SCHEMAS_SQL)]
    for schema, name, kind in _read(session, _TABLES_SQL):
        cat.tables.setdefault(schema, []).append((name, kind))
    for schema, table, col, typ in _read(session, _COLUMNS_SQL):
        cat.columns.setdefault((schema, table), []).append((col, typ))
    return cat


class CatalogCache:
    """One catalog per connection (session backend), loaded on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[tuple[int, int | None], Catalog] = {}

    def get(self, session: DbSession, *, refresh: bool = False, task=None) -> Catalog:
        key = (id(session), session.backend_pid)
        with self._lock:
            cat = None if refresh else self._cache.get(key)
        if cat is None:  # the session's engine reads its own catalog (mysql_catalog for MySQL)
            from aurora_console.core.db.sql_dialects import dialect_of

            cat = dialect_of(session).load_catalog(session, task=task)
            with self._lock:
                self._cache[key] = cat
        return cat

    def forget(self, session: DbSession) -> None:
        with self._lock:
            for key in [k for k in self._cache if k[0] == id(session)]:
                del self._cache[key]
