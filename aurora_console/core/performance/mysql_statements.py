"""Top SQL on MySQL and MariaDB: samples of ``performance_schema.events_statements_summary_by_digest``.

:func:`read_statements` returns the same
:class:`~aurora_console.core.performance.statements.StatementsSample` the PostgreSQL reader does,
so the snapshot store (:mod:`.snapshots`) keeps, diffs and bounds them unchanged. The digest table
is keyed by (schema, digest); its counters are cumulative since the server started or the table
was truncated. Mapped to the sample's counters:

* ``calls`` = ``COUNT_STAR``; ``total_ms`` = ``SUM_TIMER_WAIT`` (picoseconds) / 10^9;
* ``rows`` = ``SUM_ROWS_SENT + SUM_ROWS_AFFECTED`` (what PostgreSQL's ``rows`` counts: retrieved
  or affected);
* ``shared_blks_read`` = ``SUM_ROWS_EXAMINED`` (the Top SQL table titles that column "Rows
  examined" on MySQL: ``ui/performance/top_sql_table.MYSQL_COLUMNS``);
* ``temp_blks_written`` = ``SUM_CREATED_TMP_DISK_TABLES`` (internal temporary tables that went
  to disk, MySQL's "spilled to temp"); shared-buffer hits and block I/O time have no MySQL
  equivalent, stay 0 and are hidden on MySQL;
* ``queryid`` = the first 60 bits of ``DIGEST`` (hex), ``dbid`` a stable number of the schema name,
  ``database`` = ``SCHEMA_NAME``; the digest table has no user, so ``user`` is None;
* ``query`` = ``DIGEST_TEXT`` (constants already replaced by ``?``), password shapes masked.

A new baseline, never a negative delta: ``stats_reset`` is the oldest ``FIRST_SEEN`` of the table,
which moves forward when the table is truncated (``TRUNCATE performance_schema.
events_statements_summary_by_digest``, what ``sys.ps_truncate_all_tables`` does) and when the
server restarts (the table starts empty); ``server_identity`` names the server
(``@@aurora_server_id`` on Aurora MySQL, else ``@@hostname:@@port``), so a failover to another
instance is told apart.

``performance_schema`` off (MariaDB's default; Aurora MySQL's default unless Performance Insights
turned it on) raises :class:`PerformanceSchemaOff`, which says what to set, instead of an empty
table. Reference: https://dev.mysql.com/doc/refman/8.0/en/performance-schema-statement-summary-tables.html
(read, not copied).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aurora_console.core.db.sql_secrets import mask_sql
from aurora_console.core.errors import ConsoleError
from aurora_console.core.performance.statements import (
    StatementCounters,
    StatementKey,
    StatementsSample,
    StatementsUnavailable,
)

#: MySQL error numbers: SELECT denied on a table / to a user
ER_TABLEACCESS_DENIED = 1142
ER_DBACCESS_DENIED = 1044

DIGEST_TABLE = "performance_schema.events_statements_summary_by_digest"


class PerformanceSchemaOff(StatementsUnavailable):
    """Top SQL cannot be read on this MySQL/MariaDB server; the message says why, the hint what to
    set. ``reason``: "performance_schema off", "digests off" or "no privilege"."""

    def __init__(self, reason: str, *, mariadb: bool = False, user: str = "", detail: str = "") -> None:
        self.reason = reason
        self.database = None
        if reason == "performance_schema off":
            message = ("Top SQL on MySQL needs performance_schema, and this server runs with "
                       "performance_schema=OFF" + (" (MariaDB's default)." if mariadb else "."))
            hint = ("Set performance_schema=ON (on Aurora/RDS MySQL: performance_schema = 1 in the DB "
                    "parameter group of the instance, or turn on Performance Insights, which sets it), "
                    "then restart the instance: the setting only takes effect at start.")
        elif reason == "digests off":
            message = "Top SQL on MySQL needs statement digests, and the statements_digest consumer is disabled."
            hint = ("Run UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME = "
                    "'statements_digest'; (or performance-schema-consumer-statements-digest=ON at start).")
        else:
            who = user or "your_user"
            message = f"The user {who} may not read {DIGEST_TABLE}."
            hint = f"Run as an administrator: GRANT SELECT ON performance_schema.* TO {who};"
        ConsoleError.__init__(self, message, hint=hint, detail=detail)


@dataclass(frozen=True)
class _Row:
    schema: str | None
    digest: str


def _rows(conn: Any, sql: str, args: Any = None) -> list[tuple]:
    cur = conn.cursor()
    try:
        cur.execute(sql, args)
        return list(cur.fetchall())
    finally:
        cur.close()


def queryid_of(digest: str) -> int:
    """A positive 60-bit number of a digest's hex text (MD5 on MariaDB/5.7, SHA-256 on MySQL 8)."""
    return int(digest[:15], 16)


def dbid_of(schema: str | None) -> int:
    """A stable number for a schema name (0 for statements run without a current schema)."""
    return zlib.crc32(schema.encode("utf-8", "surrogatepass")) & 0x7FFFFFFF if schema else 0


def _check_enabled(conn: Any) -> None:
    from aurora_console.core.performance.mysql_activity import is_mariadb

    on = _rows(conn, "SELECT @@GLOBAL.performance_schema")
    if not on or not int(on[0][0] or 0):
        raise PerformanceSchemaOff("performance_schema off", mariadb=is_mariadb(conn))
    enabled = _rows(conn, "SELECT ENABLED FROM performance_schema.setup_consumers WHERE NAME = 'statements_digest'")
    if enabled and str(enabled[0][0]).upper() != "YES":
        raise PerformanceSchemaOff("digests off")


def _identity(conn: Any) -> str:
    try:
        row = _rows(conn, "SELECT @@aurora_server_id")[0]
        instance = str(row[0])
    except Exception:  # noqa: BLE001 - not Aurora: the variable does not exist (error 1193)
        row = _rows(conn, "SELECT @@hostname, @@port")[0]
        instance = f"{row[0]}:{row[1]}"
    # the start time is left out: a restart empties the digest table, which moves stats_reset
    return f"{instance}|started -|sees all"


_COUNTERS_SQL = f"""
SELECT SCHEMA_NAME, DIGEST, {{text}}, COUNT_STAR, SUM_TIMER_WAIT, SUM_ROWS_SENT, SUM_ROWS_AFFECTED,
       SUM_CREATED_TMP_DISK_TABLES, SUM_ROWS_EXAMINED
  FROM {DIGEST_TABLE}
 WHERE DIGEST IS NOT NULL{{where}}
"""


def _counters(row: tuple) -> StatementCounters:
    schema, digest, text, calls, timer, sent, affected, tmp_disk, examined = row
    return StatementCounters(
        queryid=queryid_of(str(digest)), userid=0, dbid=dbid_of(schema),
        query=mask_sql(str(text)) if text is not None else None, calls=int(calls),
        total_ms=int(timer or 0) / 1e9, rows=int(sent or 0) + int(affected or 0), shared_blks_hit=0,
        shared_blks_read=int(examined or 0), temp_blks_read=0, temp_blks_written=int(tmp_disk or 0), blk_read_ms=0.0,
        blk_write_ms=0.0, toplevel=True, user=None, database=schema)


def _user(conn: Any) -> str:
    try:
        return str(_rows(conn, "SELECT CURRENT_USER()")[0][0])
    except Exception:  # noqa: BLE001 - only for the message
        return ""


def read_statements(conn: Any, *, with_texts: bool = True, now: float | None = None) -> StatementsSample:
    """Every digest of the server (statements with a digest; the catch-all row of a full table is
    left out), with what tells baselines apart. ``with_texts=False`` reads the counters only
    (``query`` None); :func:`read_query_texts` fetches the missing texts. Raises
    :class:`PerformanceSchemaOff` when the table cannot tell anything."""
    try:
        _check_enabled(conn)
        identity = _identity(conn)
        reset = _rows(conn, f"SELECT DATE_FORMAT(MIN(FIRST_SEEN), '%Y-%m-%d %H:%i:%s.%f') FROM {DIGEST_TABLE}")
        rows = _rows(conn, _COUNTERS_SQL.format(text="DIGEST_TEXT" if with_texts else "NULL", where=""))
        taken_at = time.time() if now is None else now
    except PerformanceSchemaOff:
        raise
    except Exception as exc:
        args = getattr(exc, "args", ())
        if args and args[0] in (ER_TABLEACCESS_DENIED, ER_DBACCESS_DENIED):
            raise PerformanceSchemaOff("no privilege", user=_user(conn), detail=str(exc)) from exc
        raise
    stats_reset = str(reset[0][0]) if reset and reset[0][0] is not None else None
    return StatementsSample(taken_at=taken_at, server_identity=identity, stats_reset=stats_reset,
                            rows=tuple(_counters(r) for r in rows))


def read_query_texts(conn: Any, keys: Iterable[StatementKey]) -> dict[StatementKey, str]:
    """The digest texts of the statements ``keys`` (those still in the table)."""
    wanted = set(keys)
    if not wanted:
        return {}
    prefixes = tuple(sorted({format(k[2], "015x") for k in wanted}))
    rows = _rows(conn, _COUNTERS_SQL.format(text="DIGEST_TEXT", where=" AND LEFT(DIGEST, 15) IN %(p)s"),
                 {"p": prefixes})
    out: dict[StatementKey, str] = {}
    for r in rows:
        counters = _counters(r)
        if counters.key in wanted and counters.query is not None:
            out[counters.key] = counters.query
    return out


def take_snapshot(conn: Any, store: Any, instance_key: str, *, now: float | None = None) -> Any:
    """Read the digest table on ``conn`` and add it to ``store`` under ``instance_key`` (texts read
    only for the statements the store has not seen); the store's ``SnapshotResult``."""
    sample = read_statements(conn, with_texts=False, now=now)
    missing = store.keys_without_text(instance_key, sample)
    if missing:
        sample = sample.with_texts(read_query_texts(conn, missing))
    return store.add(instance_key, sample)
