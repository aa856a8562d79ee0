"""Sessions of one instance, read from ``pg_stat_activity``: the Performance screen's Sessions tab.

:func:`read_sessions` takes a psycopg 3 connection (the screen's own, on a worker thread) and returns
a :class:`SessionsSnapshot`: one :class:`SessionRow` per backend, with the ages computed by the
server (no clock skew between the desktop and the database), and for sessions waiting on a lock the
pids that block them (``pg_blocking_pids``, asked only for those sessions: it takes the lock
manager's partition locks, so asking it for 500 idle sessions every second would cost the database
for nothing).

The console's own backends (``application_name`` starting with "aurora-console" or
"Aurora Console", see :func:`is_console_application`) and the reading connection itself are left
out unless ``include_own=True``; the blocking tree asks for them, since the DBA's own SQL editor
holding a row lock is a common cause of a queue.

A role without ``pg_read_all_stats`` (or ``pg_monitor``) sees other roles' sessions with the query
``<insufficient privilege>`` and most columns empty: those rows have ``query_hidden=True`` and the
snapshot's ``privilege_hint`` names the grant that shows them.

All reads run in their own short transaction (:func:`short_transaction`: on a connection that is
not in autocommit, ``conn.transaction()``, committed at once, so the screen's connection never sits
"idle in transaction" holding back vacuum; a savepoint when the caller has a transaction open) and
clear the statistics snapshot first (``pg_stat_clear_snapshot()``): in a transaction, PostgreSQL
would otherwise return the same activity again and again. In autocommit (what the screen uses) each
statement is its own transaction and no BEGIN/COMMIT round trips are added: a refresh over a
bastion tunnel costs two round trips.

PostgreSQL 10 or later (``backend_type``); ``leader_pid`` from 13, lock wait starts from 14.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

#: What the Performance screen's connection shows as ``application_name`` (counts as the console's).
APPLICATION_NAME = "aurora-console performance"

#: ``application_name`` prefixes of the console's own connections (SQL editor "Aurora Console SQL",
#: content "aurora-console content", migrations "aurora-console migrate", the prompt path
#: "aurora-console", this screen), compared case-insensitively.
CONSOLE_APPLICATION_PREFIXES = ("aurora-console", "aurora console")

#: The query text PostgreSQL shows for a session the reading role may not see.
INSUFFICIENT_PRIVILEGE = "<insufficient privilege>"

#: :func:`flag` results.
FLAG_LONG_XACT = "long transaction"
FLAG_IDLE_IN_XACT = "idle in transaction"

#: Default thresholds (seconds) the screen starts with.
DEFAULT_LONG_XACT_S = 300.0
DEFAULT_IDLE_IN_XACT_S = 60.0

#: ``backend_type`` of an ordinary client session.
CLIENT_BACKEND = "client backend"

_ACTIVE_STATES = ("active", "fastpath function call")


@dataclass(frozen=True)
class SessionRow:
    """One backend as ``pg_stat_activity`` shows it (ages in seconds, computed by the server).

    ``query_age_s`` is how long the current statement has run, for a running session only
    (``state`` "active"); ``state_age_s`` how long the session has been in its ``state`` (e.g. idle in
    transaction for so long); ``xact_age_s`` the age of its open transaction. ``client`` is
    "host:port", "local socket" or "" (background processes). ``blocked_by``: the pids holding the
    lock it waits for (empty unless it waits on a lock; 0 stands for a prepared transaction).
    ``query_hidden``: the reading role may not see this session (no ``pg_read_all_stats``).
    ``console_backend``: one of this console's connections (or the reading connection itself).
    ``leader_pid``: the leader of a parallel worker (PostgreSQL 13+), else None. ``query_start``:
    when the current (or last) statement started.
    """

    pid: int
    user: str
    database: str
    application: str
    client: str
    state: str
    wait_event_type: str
    wait_event: str
    query: str
    query_age_s: float | None
    xact_age_s: float | None
    backend_start: datetime | None
    backend_type: str
    blocked_by: tuple[int, ...] = ()
    query_hidden: bool = False
    state_age_s: float | None = None
    console_backend: bool = False
    leader_pid: int | None = None
    query_start: datetime | None = None

    @property
    def waiting_on_lock(self) -> bool:
        return self.wait_event_type == "Lock"

    @property
    def wait(self) -> str:
        """"type: event" ("Lock: tuple"), or "" when the session waits for nothing."""
        if not self.wait_event_type:
            return ""
        return f"{self.wait_event_type}: {self.wait_event}" if self.wait_event else self.wait_event_type


@dataclass(frozen=True)
class SessionsSnapshot:
    """The sessions at ``taken_at`` (the server's clock). ``own_pid``: the reading connection's backend.
    ``hidden_queries``: how many rows the role may not see; ``privilege_hint`` says which grant fixes
    it (None when nothing is hidden). ``console_rows``: the console's own backends left out of
    ``rows`` (kept so that the blocking tree can be built from this snapshot without reading again)."""

    taken_at: datetime
    own_pid: int
    rows: tuple[SessionRow, ...]
    hidden_queries: int = 0
    privilege_hint: str | None = None
    role: str = ""
    console_rows: tuple[SessionRow, ...] = ()

    @property
    def all_rows(self) -> tuple[SessionRow, ...]:
        """``rows`` and ``console_rows`` together."""
        return self.rows + self.console_rows

    def by_pid(self) -> dict[int, SessionRow]:
        return {r.pid: r for r in self.rows}


def is_console_application(application_name: str | None) -> bool:
    """True when ``application_name`` names one of this console's connections."""
    name = (application_name or "").strip().lower()
    return name.startswith(CONSOLE_APPLICATION_PREFIXES)


def privilege_hint(role: str, hidden: int) -> str | None:
    """The sentence telling the user which grant shows the ``hidden`` sessions to ``role``."""
    if hidden <= 0:
        return None
    who = quote_ident(role) if role else "your_role"
    noun = "session" if hidden == 1 else "sessions"
    return (f"{hidden} {noun} of other roles show as {INSUFFICIENT_PRIVILEGE}: the role {role or '(this role)'} "
            f"lacks pg_read_all_stats. To see their queries, states and waits, run as a superuser (on Aurora, "
            f"a member of rds_superuser): GRANT pg_read_all_stats TO {who};")


def quote_ident(name: str) -> str:
    """``name`` as a PostgreSQL identifier (always double-quoted, quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def flag(row: SessionRow, *, long_xact_s: float = DEFAULT_LONG_XACT_S,
         idle_in_xact_s: float = DEFAULT_IDLE_IN_XACT_S) -> set[str]:
    """The highlights of ``row``: "long transaction" (its transaction is ``long_xact_s`` old or
    older) and "idle in transaction" (idle inside a transaction, aborted or not, for
    ``idle_in_xact_s`` or longer)."""
    out: set[str] = set()
    if row.xact_age_s is not None and row.xact_age_s >= long_xact_s:
        out.add(FLAG_LONG_XACT)
    if row.state.startswith("idle in transaction") and row.state_age_s is not None \
            and row.state_age_s >= idle_in_xact_s:
        out.add(FLAG_IDLE_IN_XACT)
    return out


def elide(query: str, limit: int = 120) -> str:
    """``query`` on one line (whitespace runs collapsed), cut to ``limit`` characters with "…"."""
    text = " ".join((query or "").split())
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def server_version(conn: Any) -> int:
    """``server_version_num`` of ``conn`` (e.g. 150004)."""
    info = getattr(conn, "info", None)
    version = getattr(info, "server_version", None)
    if isinstance(version, int) and version > 0:
        return version
    row = conn.execute("SELECT current_setting('server_version_num')::int").fetchone()
    return int(row[0])


def _sessions_sql(version: int, pids: bool) -> str:
    leader = "a.leader_pid" if version >= 130000 else "NULL::int"
    where = "WHERE a.pid = ANY(%(pids)s)" if pids else ""
    return f"""
        SELECT a.pid, a.usename, a.datname, a.application_name, a.client_addr::text AS client_addr,
               a.client_hostname, a.client_port, a.state, a.wait_event_type, a.wait_event, a.query,
               a.backend_type, a.backend_start, a.query_start, {leader} AS leader_pid,
               EXTRACT(epoch FROM statement_timestamp() - a.query_start)::float8 AS query_age_s,
               EXTRACT(epoch FROM statement_timestamp() - a.xact_start)::float8 AS xact_age_s,
               EXTRACT(epoch FROM statement_timestamp() - a.state_change)::float8 AS state_age_s,
               CASE WHEN a.wait_event_type = 'Lock' OR a.query = '{INSUFFICIENT_PRIVILEGE}'
                    THEN pg_blocking_pids(a.pid) END AS blocked_by
          FROM pg_stat_activity a
          {where}
         ORDER BY a.pid
    """


def _client(addr: str | None, host: str | None, port: int | None) -> str:
    if port == -1:
        return "local socket"
    where = host or (addr.split("/")[0] if addr else "")
    if not where:
        return ""
    if ":" in where:  # IPv6
        where = f"[{where}]"
    return f"{where}:{port}" if port else where


def _row(d: dict[str, Any], own_pid: int) -> SessionRow:
    query = d.get("query") or ""
    hidden = query == INSUFFICIENT_PRIVILEGE
    state = d.get("state") or ""
    app = d.get("application_name") or ""
    return SessionRow(
        pid=int(d["pid"]),
        user=d.get("usename") or "",
        database=d.get("datname") or "",
        application=app,
        client=_client(d.get("client_addr"), d.get("client_hostname"), d.get("client_port")),
        state=state,
        wait_event_type=d.get("wait_event_type") or "",
        wait_event=d.get("wait_event") or "",
        query=query,
        query_age_s=_age(d.get("query_age_s")) if state in _ACTIVE_STATES else None,
        xact_age_s=_age(d.get("xact_age_s")),
        backend_start=d.get("backend_start"),
        backend_type=d.get("backend_type") or "",
        blocked_by=tuple(sorted(set(d.get("blocked_by") or ()))),
        query_hidden=hidden,
        state_age_s=_age(d.get("state_age_s")),
        console_backend=int(d["pid"]) == own_pid or is_console_application(app),
        leader_pid=d.get("leader_pid"),
        query_start=d.get("query_start"),
    )


def _age(value: Any) -> float | None:
    return None if value is None else max(float(value), 0.0)


def short_transaction(conn: Any) -> AbstractContextManager:
    """A context for a few reads: nothing in autocommit, else ``conn.transaction()`` (a transaction
    committed at the end, or a savepoint inside the caller's)."""
    return nullcontext() if getattr(conn, "autocommit", False) else conn.transaction()


def _dict_cursor(conn: Any):
    from psycopg.rows import dict_row

    return conn.cursor(row_factory=dict_row)


def read_sessions(conn: Any, *, include_own: bool = False, pids: Iterable[int] | None = None) -> SessionsSnapshot:
    """The sessions of the instance ``conn`` is connected to.

    ``include_own``: keep the console's own backends and the reading connection (marked
    ``console_backend``). ``pids``: read only these backends (what :mod:`backends` does before a
    signal). Rows are ordered by pid; hidden rows are counted and the grant that shows them is named.
    """
    version = server_version(conn)
    params = {"pids": list(pids)} if pids is not None else {}
    with short_transaction(conn), _dict_cursor(conn) as cur:
        cur.execute("SELECT pg_stat_clear_snapshot(), pg_backend_pid() AS own, statement_timestamp() AS now,"
                    " current_user AS role")
        head = cur.fetchone()
        cur.execute(_sessions_sql(version, pids is not None), params)
        raw = cur.fetchall()
    own_pid = int(head["own"])
    rows = [_row(d, own_pid) for d in raw]
    console_rows: list[SessionRow] = []
    if not include_own:
        console_rows = [r for r in rows if r.console_backend]
        rows = [r for r in rows if not r.console_backend]
    hidden = sum(1 for r in rows if r.query_hidden)
    return SessionsSnapshot(taken_at=head["now"], own_pid=own_pid, rows=tuple(rows), hidden_queries=hidden,
                            privilege_hint=privilege_hint(head["role"], hidden), role=head["role"],
                            console_rows=tuple(console_rows))
