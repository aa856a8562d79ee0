"""What completion offers on MySQL: MySQL's keywords and functions plus the databases, tables and
columns ``information_schema`` lists (the same :class:`~aurora_console.core.db.catalog.Catalog`
as PostgreSQL's, "schemas" being MySQL's databases).

A MySQL connection carries one result at a time and a read in manual-commit mode would open a
transaction, so the catalog is read over a second, short connection from the session's source:
the editor's open result and transaction state are left as they are.
"""

from __future__ import annotations

from aurora_console.core.db.catalog import Catalog
from aurora_console.core.db.mysql_errors import driver_errors, from_mysql
from aurora_console.core.db.mysql_session import MySqlSession

#: databases that only hold the server's own tables (listed, but their tables are not read)
SYSTEM_DATABASES = ("information_schema", "performance_schema", "mysql", "sys")

_SCHEMAS_SQL = "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY 1"
_TABLES_SQL = f"""
SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES
WHERE TABLE_SCHEMA NOT IN ({", ".join(f"'{d}'" for d in SYSTEM_DATABASES)})
ORDER BY 1, 2
LIMIT 20000
"""
_COLUMNS_SQL = f"""
SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA NOT IN ({", ".join(f"'{d}'" for d in SYSTEM_DATABASES)})
ORDER BY 1, 2, ORDINAL_POSITION
LIMIT 100000
"""
_KINDS = {"BASE TABLE": "r", "VIEW": "v", "SYSTEM VIEW": "v", "SEQUENCE": "S", "SYSTEM VERSIONED": "r"}
_EXTRA_KEYWORDS = ("EXPLAIN", "ANALYZE", "FORMAT", "TREE", "JSON", "DELIMITER", "STRAIGHT_JOIN", "LIMIT")


def keywords() -> list[str]:
    """MySQL keywords and function names as Pygments' MySQL lexer knows them (upper case)."""
    from pygments.lexers._mysql_builtins import MYSQL_DATATYPES, MYSQL_FUNCTIONS, MYSQL_KEYWORDS

    return sorted({k.upper() for k in (*MYSQL_KEYWORDS, *MYSQL_FUNCTIONS, *MYSQL_DATATYPES)} | set(_EXTRA_KEYWORDS))


class MySqlCatalog(Catalog):
    """The catalog with MySQL's keywords."""

    def words(self) -> list[str]:
        out = set(keywords()) | set(self.schemas)
        for schema, tables in self.tables.items():
            for name, _ in tables:
                out.add(name)
                out.add(f"{schema}.{name}")
        for cols in self.columns.values():
            out.update(c for c, _ in cols)
        return sorted(out, key=str.lower)


def _side_connection(session: MySqlSession):
    source = session._source
    src = source() if callable(source) else source
    if isinstance(src, dict):
        from aurora_console.core.connections.engines.mysql import MYSQL

        return MYSQL.connect(**src)
    return src


def load_catalog(session: MySqlSession, *, task=None) -> MySqlCatalog:
    """Read the catalog over a second connection (see the module docstring)."""
    cat = MySqlCatalog()
    if task is not None:
        task.check()
    try:
        conn = _side_connection(session)
    except driver_errors() as exc:
        raise from_mysql(exc) from None
    try:
        cur = conn.cursor()
        try:
            cur.execute(_SCHEMAS_SQL)
            cat.schemas = [r[0] for r in cur.fetchall()]
            if task is not None:
                task.check()
            cur.execute(_TABLES_SQL)
            for schema, name, kind in cur.fetchall():
                cat.tables.setdefault(schema, []).append((name, _KINDS.get(kind, "r")))
            if task is not None:
                task.check()
            cur.execute(_COLUMNS_SQL)
            for schema, table, col, typ in cur.fetchall():
                cat.columns.setdefault((schema, table), []).append((col, typ))
        except driver_errors() as exc:
            raise from_mysql(exc, "reading information_schema") from None
        finally:
            cur.close()
    finally:
        conn.close()
    return cat
