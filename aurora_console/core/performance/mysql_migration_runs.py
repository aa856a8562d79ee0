"""Migration runs of a time window on MySQL: the "migrations applied" section of Explain a window.

Every table the user can read that has the ten columns of a migration history table (the console's
MySQL history and Flyway's ``flyway_schema_history``: ``installed_rank``, ``version``, ...,
``installed_on``, ``execution_time``, ``success``), in any schema but the server's own, found in
``information_schema.COLUMNS``. ``installed_on`` is read as ``UNIX_TIMESTAMP(installed_on)``: a
``TIMESTAMP`` column (the console's and Flyway's on MySQL) is stored in UTC, so the instant is
exact whatever the session's time zone; a ``DATETIME`` one is read in the session's time zone.
A run overlaps the window when it was recorded before the window's end and its end
(``installed_on + execution_time``) is not before the window's start, as on PostgreSQL
(:func:`aurora_console.core.performance.explain_window.read_migrations`).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from aurora_console.core.db.mysql_dialect import qualified
from aurora_console.core.performance.explain_window import MigrationRun, window_bounds

HISTORY_COLUMNS = ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by",
                   "installed_on", "execution_time", "success")
_SYSTEM_SCHEMAS = ("mysql", "information_schema", "performance_schema", "sys")


def _rows(conn: Any, sql: str, args: Any = None) -> list[tuple]:
    cur = conn.cursor()
    try:
        cur.execute(sql, args)
        return list(cur.fetchall())
    finally:
        cur.close()


def find_history_tables(conn: Any) -> list[tuple[str, str, str]]:
    """``(schema, table, format)`` of every readable table with the history columns; format
    ``"flyway"`` (integer checksum) or ``"console"`` (text checksum)."""
    rows = _rows(conn, """
        SELECT c.TABLE_SCHEMA, c.TABLE_NAME,
               MAX(CASE WHEN c.COLUMN_NAME = 'checksum' THEN c.DATA_TYPE END) AS checksum_type
          FROM information_schema.COLUMNS c
         WHERE c.COLUMN_NAME IN %(names)s AND c.TABLE_SCHEMA NOT IN %(system)s
         GROUP BY c.TABLE_SCHEMA, c.TABLE_NAME
        HAVING COUNT(DISTINCT c.COLUMN_NAME) = %(count)s
         ORDER BY 1, 2""", {"names": HISTORY_COLUMNS, "system": _SYSTEM_SCHEMAS, "count": len(HISTORY_COLUMNS)})
    found = []
    for schema, table, checksum_type in rows:
        kind = str(checksum_type or "").lower()
        if kind in ("int", "integer", "bigint", "smallint", "mediumint", "tinyint"):
            found.append((str(schema), str(table), "flyway"))
        elif kind in ("char", "varchar", "text"):
            found.append((str(schema), str(table), "console"))
    return found


def read_migrations(conn: Any, start: datetime | float, end: datetime | float) -> list[MigrationRun]:
    """Runs recorded in every migration history table of the server that overlap the window."""
    s, e = window_bounds(start, end)
    out: list[MigrationRun] = []
    for schema, table, fmt in find_history_tables(conn):
        rows = _rows(conn, f"""
            SELECT UNIX_TIMESTAMP(installed_on), version, description, type, script, success, execution_time,
                   installed_by
              FROM {qualified(schema, table).replace('%', '%%')}
             WHERE UNIX_TIMESTAMP(installed_on) < %(end)s
               AND UNIX_TIMESTAMP(installed_on) + GREATEST(COALESCE(execution_time, 0), 0) / 1000 >= %(start)s
             ORDER BY installed_rank""", {"start": s.timestamp(), "end": e.timestamp()})
        for when, version, description, type_, script, success, ms, by in rows:
            out.append(MigrationRun(datetime.fromtimestamp(float(when), timezone.utc),
                                    str(version) if version else None, str(description or ""), str(type_ or ""),
                                    str(script or ""), bool(success), int(ms or 0), str(by or ""),
                                    f"{schema}.{table}", fmt))
    out.sort(key=lambda m: (m.installed_on, m.table))
    return out
