"""Samples of ``pg_stat_statements``: the cumulative counters of every statement the server tracks.

:func:`read_statements` reads the view once and returns a :class:`StatementsSample`: its rows
(:class:`StatementCounters`, cumulative since the last reset), the time it was taken, and what a
snapshot store needs to tell one run of the counters from the next (a new baseline):

* ``server_identity``: the instance (``aurora_db_instance_identifier()`` on Aurora, else the
  server's address and port), its postmaster start time, and what this role may see (every
  statement with ``pg_read_all_stats`` or as a superuser, else its own); it changes on a restart,
  on a failover to another instance (the cluster's writer endpoint then reaches another server),
  and when the role's view changes (statements that become visible are not new: their counters
  are not what ran since the previous snapshot);
* ``stats_reset``: ``pg_stat_statements_info.stats_reset`` (PostgreSQL 14+), which changes when
  ``pg_stat_statements_reset()`` resets every entry.

The column names differ between PostgreSQL versions (``total_time`` up to 12, ``total_exec_time``
from 13; ``blk_read_time`` up to 16, ``shared_blk_read_time`` from 17; ``toplevel`` from 14): the
view's columns are looked up once per read, so one query fits every version.

``pg_stat_statements`` missing raises :class:`StatementsUnavailable`, which says exactly what to
do: the library is in the default ``shared_preload_libraries`` of Aurora PostgreSQL, and the
extension must be created (``CREATE EXTENSION pg_stat_statements``) in the database the console
connects to. A user without ``pg_read_all_stats`` sees other users' statements without a query id
or text: they are counted in ``hidden`` and ``privilege_hint`` names the grant that shows them.

Reading without texts (``with_texts=False``, ``pg_stat_statements(false)``) is what the
PostgreSQL documentation recommends for tools that poll repeatedly (the texts live in a file the
server reads on each call); :func:`read_query_texts` then fetches the texts of the few statements
a store has not seen yet. Reference: https://www.postgresql.org/docs/current/pgstatstatements.html
"""

from __future__ import annotations

import operator
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

import psycopg
from psycopg import sql

from aurora_console.core.db.sql_secrets import mask_sql
from aurora_console.core.errors import ConsoleError

#: ``StatementCounters.key``: what identifies one entry of ``pg_stat_statements``.
StatementKey = tuple[int, int, int, bool]  # (userid, dbid, queryid, toplevel)

_COUNTERS = ("calls", "total_ms", "rows", "shared_blks_hit", "shared_blks_read", "temp_blks_read",
             "temp_blks_written", "blk_read_ms", "blk_write_ms")


@dataclass(frozen=True)
class StatementCounters:
    """One entry of ``pg_stat_statements``: cumulative counters since its last reset.

    ``query`` is None when the sample was read without texts; ``user``/``database`` are the role
    and database names (None when they no longer exist)."""

    queryid: int
    userid: int
    dbid: int
    query: str | None
    calls: int
    total_ms: float
    rows: int
    shared_blks_hit: int
    shared_blks_read: int
    temp_blks_read: int
    temp_blks_written: int
    blk_read_ms: float
    blk_write_ms: float
    toplevel: bool = True
    user: str | None = None
    database: str | None = None

    @property
    def key(self) -> StatementKey:
        return KEY_OF(self)

    def counters(self) -> tuple[float, ...]:
        """The cumulative counters, in the order of :data:`COUNTER_NAMES`."""
        return COUNTERS_OF(self)


#: The names of :meth:`StatementCounters.counters`, in order.
COUNTER_NAMES = _COUNTERS
#: ``COUNTERS_OF(row) == row.counters()``, ``KEY_OF(row) == row.key``: one C call per row, for
#: code that goes through every row of a sample (thousands a minute)
COUNTERS_OF = operator.attrgetter(*_COUNTERS)
KEY_OF = operator.attrgetter("userid", "dbid", "queryid", "toplevel")


@dataclass(frozen=True)
class StatementsSample:
    """Every visible entry of ``pg_stat_statements`` at ``taken_at`` (epoch seconds, this
    machine's clock). ``hidden``: entries of other users this role may not see (no query id);
    ``privilege_hint`` says which grant shows them (None when nothing is hidden)."""

    taken_at: float
    server_identity: str
    stats_reset: str | None
    rows: tuple[StatementCounters, ...]
    hidden: int = 0
    privilege_hint: str | None = None

    def with_texts(self, texts: dict[StatementKey, str]) -> StatementsSample:
        """This sample with the query texts in ``texts`` filled in (others unchanged)."""
        rows = tuple(replace(r, query=texts[r.key]) if r.query is None and r.key in texts else r
                     for r in self.rows)
        return replace(self, rows=rows)


class StatementsUnavailable(ConsoleError):
    """``pg_stat_statements`` cannot be read; the message says why and the hint what to do.

    ``reason``: ``"not loaded"`` (the server was started without the library in
    ``shared_preload_libraries``) or ``"not created"`` (the extension does not exist in the
    database the console is connected to)."""

    def __init__(self, reason: str, database: str | None, *, detail: str = "") -> None:
        self.reason = reason
        self.database = database
        where = f'database "{database}"' if database else "this database"
        create = f"CREATE EXTENSION pg_stat_statements; in {where}"
        if reason == "not loaded":
            message = ("Top SQL needs pg_stat_statements, and this server was started without it "
                       "in shared_preload_libraries.")
            hint = ("Add pg_stat_statements to shared_preload_libraries and restart the server "
                    "(on Aurora PostgreSQL it is there by default: check the DB cluster parameter "
                    f"group), then run {create} (on Aurora/RDS as a member of rds_superuser).")
        else:
            message = f"Top SQL needs the pg_stat_statements extension, which is not created in {where}."
            hint = (f"Run {create} (on Aurora/RDS as a member of rds_superuser). Aurora "
                    "PostgreSQL already loads the library (shared_preload_libraries) by default; "
                    "elsewhere add pg_stat_statements to shared_preload_libraries and restart first.")
        super().__init__(message, hint=hint, detail=detail)


PRIVILEGE_HINT = ("{hidden} statement(s) of other users are hidden from {user}: GRANT pg_read_all_stats "
                  "TO {user}; shows them (on Aurora/RDS, run it as a member of rds_superuser).")

#: a role name that needs no quotes in SQL
_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_$]*")

#: where the extension lives, its view's columns, whether pg_stat_statements_info exists (14+) and
#: whether this is Aurora (aurora_db_instance_identifier): one round trip
_PROBE_SQL = """
SELECT n.nspname,
       ARRAY(SELECT a.attname::text FROM pg_attribute a
             WHERE a.attrelid = to_regclass(format('%I.pg_stat_statements', n.nspname))
               AND a.attnum > 0 AND NOT a.attisdropped),
       to_regclass(format('%I.pg_stat_statements_info', n.nspname)) IS NOT NULL,
       to_regproc('aurora_db_instance_identifier') IS NOT NULL
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'pg_stat_statements'
"""

#: the server's identity (instance, start time) and the statistics' reset time, in epoch seconds
#: (text that does not depend on the session's TimeZone or DateStyle)
_IDENTITY_SQL = """
SELECT coalesce({instance}, host(inet_server_addr()) || ':' || inet_server_port(), 'local'),
       extract(epoch FROM pg_postmaster_start_time())::text, current_user, {stats_reset},
       coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false)
         OR pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')
"""


@dataclass(frozen=True)
class _Extension:
    schema: str
    columns: frozenset[str]
    has_info: bool
    aurora: bool


def _extension(conn: psycopg.Connection) -> _Extension:
    row = conn.execute(_PROBE_SQL).fetchone()
    if row is None:
        raise _unavailable(conn, "not created")
    schema, columns, has_info, aurora = row
    return _Extension(schema, frozenset(columns), bool(has_info), bool(aurora))


def _pick(columns: frozenset[str], *names: str) -> sql.Composable:
    for name in names:
        if name in columns:
            return sql.SQL("s.") + sql.Identifier(name)
    return sql.Literal(0)


def _select(schema: str, columns: frozenset[str], *, with_texts: bool, only_queryids: bool = False) -> sql.Composed:
    total = _pick(columns, "total_exec_time", "total_time")
    blk_read = _pick(columns, "shared_blk_read_time", "blk_read_time")
    blk_write = _pick(columns, "shared_blk_write_time", "blk_write_time")
    toplevel = sql.SQL("s.toplevel") if "toplevel" in columns else sql.SQL("true")
    query = sql.SQL("s.query") if with_texts else sql.SQL("NULL::text")
    where = sql.SQL(" WHERE s.queryid = ANY(%s)") if only_queryids else sql.SQL("")
    return sql.SQL(
        "SELECT s.queryid, s.userid::oid::bigint, s.dbid::oid::bigint, {toplevel}, {query}, s.calls, "
        "{total}, s.rows, s.shared_blks_hit, s.shared_blks_read, s.temp_blks_read, "
        "s.temp_blks_written, {blk_read}, {blk_write}, r.rolname, d.datname "
        "FROM {func}({texts}) s LEFT JOIN pg_roles r ON r.oid = s.userid "
        "LEFT JOIN pg_database d ON d.oid = s.dbid{where}"
    ).format(toplevel=toplevel, query=query, total=total, blk_read=blk_read, blk_write=blk_write,
             func=sql.Identifier(schema, "pg_stat_statements"), texts=sql.Literal(with_texts), where=where)


def _counters(row: tuple) -> StatementCounters:
    (queryid, userid, dbid, toplevel, query, calls, total, rows, hit, read, temp_read, temp_written,
     blk_read, blk_write, user, database) = row
    # pg_stat_statements keeps some statements verbatim (ALTER ROLE ... PASSWORD '...'): the text
    # goes to the console's snapshot store, so password literals are masked as the SQL history does
    return StatementCounters(
        queryid=int(queryid), userid=int(userid), dbid=int(dbid), query=mask_sql(query) if query else query,
        calls=int(calls),
        total_ms=float(total), rows=int(rows), shared_blks_hit=int(hit), shared_blks_read=int(read),
        temp_blks_read=int(temp_read), temp_blks_written=int(temp_written), blk_read_ms=float(blk_read),
        blk_write_ms=float(blk_write), toplevel=bool(toplevel), user=user, database=database)


def _unavailable(conn: psycopg.Connection, reason: str, detail: str = "") -> StatementsUnavailable:
    try:
        database = conn.info.dbname
    except Exception:  # noqa: BLE001 - the name is only for the message
        database = None
    return StatementsUnavailable(reason, database, detail=detail)


def read_statements(conn: psycopg.Connection, *, with_texts: bool = True,
                    now: float | None = None) -> StatementsSample:
    """Every entry of ``pg_stat_statements`` visible to this role, with what tells baselines apart.

    ``with_texts=False`` reads the counters only (``query`` is None in every row); see
    :func:`read_query_texts`. Runs in its own transaction (a savepoint inside an open one) and
    changes nothing. Raises :class:`StatementsUnavailable` when the extension is not created in
    this database or the server did not preload its library."""
    try:
        with conn.transaction():
            ext = _extension(conn)
            info = sql.SQL("(SELECT extract(epoch FROM stats_reset)::text FROM {})").format(
                sql.Identifier(ext.schema, "pg_stat_statements_info")) if ext.has_info else sql.SQL("NULL::text")
            identity_row = conn.execute(sql.SQL(_IDENTITY_SQL).format(
                instance=sql.SQL("aurora_db_instance_identifier()" if ext.aurora else "NULL::text"),
                stats_reset=info)).fetchone()
            rows = conn.execute(_select(ext.schema, ext.columns, with_texts=with_texts)).fetchall()
            taken_at = time.time() if now is None else now
    except psycopg.errors.ObjectNotInPrerequisiteState as exc:  # "must be loaded via shared_preload_libraries"
        raise _unavailable(conn, "not loaded", str(exc)) from exc
    instance_name, started, user, stats_reset, sees_all = identity_row
    visible = tuple(_counters(r) for r in rows if r[0] is not None)
    hidden = len(rows) - len(visible)
    shown_user = user if _PLAIN_NAME.fullmatch(user) else sql.Identifier(user).as_string(conn)
    hint = PRIVILEGE_HINT.format(hidden=hidden, user=shown_user) if hidden else None
    view = "sees all" if sees_all else f"sees its own as {user}"
    return StatementsSample(taken_at=taken_at, server_identity=f"{instance_name}|started {started}|{view}",
                            stats_reset=stats_reset, rows=visible, hidden=hidden, privilege_hint=hint)


def read_query_texts(conn: psycopg.Connection, keys: Iterable[StatementKey]) -> dict[StatementKey, str]:
    """The query texts of the entries ``keys`` (those still tracked and visible to this role)."""
    wanted = set(keys)
    if not wanted:
        return {}
    try:
        with conn.transaction():
            ext = _extension(conn)
            rows = conn.execute(_select(ext.schema, ext.columns, with_texts=True, only_queryids=True),
                                (sorted({k[2] for k in wanted}),)).fetchall()
    except psycopg.errors.ObjectNotInPrerequisiteState as exc:
        raise _unavailable(conn, "not loaded", str(exc)) from exc
    texts: dict[StatementKey, str] = {}
    for row in rows:
        if row[0] is None or row[4] is None:
            continue
        counters = _counters(row)
        if counters.key in wanted:
            texts[counters.key] = counters.query  # type: ignore[assignment]
    return texts
