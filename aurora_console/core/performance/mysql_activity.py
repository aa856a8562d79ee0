"""Sessions of a MySQL or MariaDB instance: the Performance screen's Sessions tab on MySQL.

:func:`read_sessions` takes a DB-API connection made by ``MYSQL.connect`` (PyMySQL, autocommit)
and returns the same :class:`~aurora_console.core.performance.activity.SessionsSnapshot` the
PostgreSQL reader does, one :class:`MySqlSessionRow` per thread, so the screen, the blocking tree,
the filters and the highlights work unchanged. Where the rows come from:

* MySQL 8.0.22 and later with ``performance_schema`` on: ``performance_schema.processlist`` (reads
  the threads without the global mutex ``information_schema.PROCESSLIST`` takes);
* MariaDB, older MySQL, or ``performance_schema`` off: ``information_schema.PROCESSLIST``
  (MariaDB adds ``TIME_MS``: the statement's age to the millisecond);
* both joined with ``information_schema.INNODB_TRX`` (by ``trx_mysql_thread_id``) for the open
  transaction's age and whether the thread waits for a row lock (``trx_state = 'LOCK WAIT'``).

Columns mapped to the screen's session row: ``pid`` = the processlist id (what ``KILL`` takes),
``client`` = ``HOST``, ``state`` in the screen's words ("active" while a statement runs, "idle in
transaction" for a sleeping thread with an open InnoDB transaction, "idle", else the command in
lower case), the wait column shows the thread's ``STATE`` ("State: User sleep") or
"Lock: row lock" / "Lock: metadata lock", ``query`` = ``INFO``. ``application`` is the client's
``program_name`` connection attribute (``performance_schema.session_connect_attrs``, when
``performance_schema`` is on). The console's own connections (``program_name`` starting with
"aurora-console") and the reading thread (``CONNECTION_ID()``) are left out unless ``include_own``.

InnoDB serves ``INNODB_TRX`` (and ``INNODB_LOCKS``) from a cache it refreshes only when it was not
read for 0.1 s: polled faster than that, it would keep showing the same transactions; the screen
refreshes once a second or slower.

A user without the ``PROCESS`` privilege sees only its own threads (MySQL hides the others instead
of masking them); the snapshot's ``privilege_hint`` then names the grant.

Reference: https://dev.mysql.com/doc/refman/8.0/en/performance-schema-processlist-table.html and
https://mariadb.com/kb/en/information-schema-processlist-table/ (read, not copied).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from aurora_console.core.db.mysql_dialect import flavour_of
from aurora_console.core.performance.activity import (
    CLIENT_BACKEND,
    SessionRow,
    SessionsSnapshot,
    is_console_application,
)
from aurora_console.core.performance.activity_history import ActiveSession, ActivitySample

#: ``backend_type`` of a MySQL thread that is not a client connection (event scheduler, replication
#: threads, InnoDB's purge and the like: user "system user" or "event_scheduler").
SYSTEM_THREAD = "system thread"
#: ``backend_type`` of a replica's or a binlog reader's thread (``Binlog Dump``, ``Slave_*``).
REPLICATION_THREAD = "replication thread"

_REPLICATION_COMMANDS = frozenset({"binlog dump", "binlog dump gtid", "slave_io", "slave_sql", "slave_worker",
                                   "register slave"})
_SYSTEM_USERS = frozenset({"system user", "event_scheduler"})
_ACTIVE_COMMANDS = frozenset({"query", "execute", "fetch"})


@dataclass(frozen=True)
class MySqlSessionRow(SessionRow):
    """A MySQL thread as the screen shows it, plus what MySQL itself says: ``command``
    (``COMMAND``: Query, Sleep, Daemon...), ``thread_state`` (``STATE``), ``trx_id`` (its InnoDB
    transaction, "" without one) and ``trx_state`` (RUNNING, LOCK WAIT...)."""

    command: str = ""
    thread_state: str = ""
    trx_id: str = ""
    trx_state: str = ""


def is_mariadb(conn: Any) -> bool:
    """Whether ``conn`` speaks to MariaDB (the handshake's version string; no query)."""
    return flavour_of(version_text(conn)).mariadb


def version_text(conn: Any) -> str:
    """The server's version as its handshake gave it (PyMySQL's ``server_version``)."""
    version = getattr(conn, "server_version", "")
    return version.decode() if isinstance(version, bytes) else str(version or "")


def _query(conn: Any, sql: str, args: Any = None) -> list[dict[str, Any]]:
    cur = conn.cursor()
    try:
        cur.execute(sql, args)
        names = [d[0].lower() for d in cur.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        cur.close()


def performance_schema_on(conn: Any) -> bool:
    """``@@performance_schema``: whether the server was started with it."""
    rows = _query(conn, "SELECT @@GLOBAL.performance_schema AS on_")
    return bool(rows and int(rows[0]["on_"] or 0))


def _processlist_source(conn: Any, ps_on: bool) -> str:
    flavour = flavour_of(version_text(conn))
    if ps_on and not flavour.mariadb and flavour.version >= (8, 0, 22):
        return "performance_schema.processlist"
    return "information_schema.PROCESSLIST"


#: "Access denied; you need the PROCESS privilege": INNODB_TRX is closed to users without it
ER_SPECIFIC_ACCESS_DENIED = 1227


def _sessions_sql(source: str, mariadb: bool, ids: bool, with_trx: bool = True) -> str:
    query_ms = "p.TIME_MS / 1000" if mariadb else "p.TIME"
    where = "WHERE p.ID IN %(ids)s" if ids else ""
    trx = ("t.trx_id AS trx_id, t.trx_state AS trx_state, "
           "TIMESTAMPDIFF(MICROSECOND, t.trx_started, NOW(6)) / 1000000 AS xact_s" if with_trx else
           "NULL AS trx_id, NULL AS trx_state, NULL AS xact_s")
    join = "LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID" if with_trx else ""
    return f"""
        SELECT CONNECTION_ID() AS own, UTC_TIMESTAMP(6) AS now, CURRENT_USER() AS role,
               p.ID AS id, p.USER AS user, p.HOST AS host, p.DB AS db, p.COMMAND AS command, p.TIME AS time_s,
               {query_ms} AS query_s, p.STATE AS state, p.INFO AS info, {trx}
          FROM {source} p
          {join}
          {where}
         ORDER BY p.ID
    """


def read_program_names(conn: Any) -> dict[int, str]:
    """Each thread's ``program_name`` connection attribute (empty when ``performance_schema`` is off)."""
    try:
        rows = _query(conn, "SELECT PROCESSLIST_ID AS id, ATTR_VALUE AS value FROM "
                            "performance_schema.session_connect_attrs WHERE ATTR_NAME = 'program_name'")
    except Exception:  # noqa: BLE001 - the attribute only names the application; the sessions stand without it
        return {}
    return {int(r["id"]): str(r["value"] or "") for r in rows if r["id"] is not None}


def backend_type(user: str, command: str) -> str:
    """The screen's ``backend_type`` of a MySQL thread: a client connection, a replication
    thread or another server thread."""
    cmd = (command or "").strip().lower()
    if cmd in _REPLICATION_COMMANDS:
        return REPLICATION_THREAD
    if (user or "").strip().lower() in _SYSTEM_USERS or cmd in ("daemon", "connect"):
        return SYSTEM_THREAD
    return CLIENT_BACKEND


def screen_state(command: str, in_transaction: bool) -> str:
    """The screen's state words for a thread's ``COMMAND``."""
    cmd = (command or "").strip().lower()
    if cmd in _ACTIVE_COMMANDS:
        return "active"
    if cmd == "sleep":
        return "idle in transaction" if in_transaction else "idle"
    return cmd or "unknown"


def _wait(trx_state: str, state: str, active: bool) -> tuple[str, str]:
    if (trx_state or "").upper() == "LOCK WAIT":
        return "Lock", "row lock"
    text = (state or "").strip()
    if "metadata lock" in text.lower():
        return "Lock", "metadata lock"
    if active and text:
        return "State", text
    return "", ""


def _seconds(value: Any) -> float | None:
    return None if value is None else max(float(value), 0.0)


def session_row(d: Mapping[str, Any], own_id: int, programs: Mapping[int, str]) -> MySqlSessionRow:
    """One processlist row (lower-case keys of :func:`_sessions_sql`) as a session row."""
    pid = int(d["id"])
    command = str(d.get("command") or "")
    trx_state = str(d.get("trx_state") or "")
    in_trx = d.get("trx_id") is not None
    state = screen_state(command, in_trx)
    active = state == "active"
    wtype, wevent = _wait(trx_state, str(d.get("state") or ""), active)
    app = programs.get(pid, "")
    user = str(d.get("user") or "")
    return MySqlSessionRow(
        pid=pid, user=user, database=str(d.get("db") or ""), application=app, client=str(d.get("host") or ""),
        state=state, wait_event_type=wtype, wait_event=wevent, query=str(d.get("info") or ""),
        query_age_s=_seconds(d.get("query_s")) if active else None, xact_age_s=_seconds(d.get("xact_s")),
        backend_start=None, backend_type=backend_type(user, command), state_age_s=_seconds(d.get("time_s")),
        console_backend=pid == own_id or is_console_application(app), command=command,
        thread_state=str(d.get("state") or ""), trx_id=str(d["trx_id"]) if in_trx else "", trx_state=trx_state)


def privilege_hint(role: str, rows: Iterable[SessionRow], has_process: bool) -> str | None:
    """The sentence naming the ``PROCESS`` grant when the role sees its own threads only."""
    if has_process:
        return None
    account = role or "your_user@'%'"
    user, _, host = account.partition("@")
    grantee = f"'{user}'@'{host or '%'}'" if "'" not in account else account
    return ("Only the threads of your own user are shown: it lacks the PROCESS privilege. To see every "
            f"session, run as an administrator: GRANT PROCESS ON *.* TO {grantee};")


def _has_process(conn: Any) -> bool:
    try:
        rows = _query(conn, "SELECT COUNT(*) AS n FROM information_schema.USER_PRIVILEGES "
                            "WHERE PRIVILEGE_TYPE IN ('PROCESS', 'SUPER')")
    except Exception:  # noqa: BLE001 - the hint is advice; no hint beats a failed refresh
        return True
    return bool(rows and rows[0]["n"])


def read_sessions(conn: Any, *, include_own: bool = False, pids: Iterable[int] | None = None) -> SessionsSnapshot:
    """The threads of the MySQL/MariaDB instance ``conn`` is connected to, as the screen's sessions.

    Same contract as :func:`aurora_console.core.performance.activity.read_sessions`: ordered by id,
    the console's own threads in ``console_rows`` unless ``include_own``, ``pids``: only these ids.
    Threads waiting for a row lock have ``blocked_by`` filled (their blockers' ids) from the lock
    waits (:mod:`.mysql_blocking`), read only when someone waits."""
    from aurora_console.core.performance.mysql_blocking import read_lock_waits

    ps_on = performance_schema_on(conn)
    mariadb = is_mariadb(conn)
    wanted = sorted({int(p) for p in pids}) if pids is not None else None
    if wanted is not None and not wanted:
        wanted = [0]
    source = _processlist_source(conn, ps_on)
    args = {"ids": tuple(wanted)} if wanted is not None else None
    has_process = True
    try:
        raw = _query(conn, _sessions_sql(source, mariadb, wanted is not None), args)
    except Exception as exc:
        if getattr(exc, "args", (None,))[0] != ER_SPECIFIC_ACCESS_DENIED:
            raise
        has_process = False  # no PROCESS: own threads only, and no transaction ages
        raw = _query(conn, _sessions_sql(source, mariadb, wanted is not None, with_trx=False), args)
    if raw:
        head = raw[0]
    else:
        head = _query(conn, "SELECT CONNECTION_ID() AS own, UTC_TIMESTAMP(6) AS now, CURRENT_USER() AS role")[0]
    own_id = int(head["own"])
    programs = read_program_names(conn) if ps_on else {}
    rows = [session_row(d, own_id, programs) for d in raw]
    if any(r.trx_state.upper() == "LOCK WAIT" for r in rows):
        waits = read_lock_waits(conn)
        blockers: dict[int, set[int]] = {}
        for w in waits:
            blockers.setdefault(w.waiting_pid, set()).add(w.blocking_pid)
        rows = [_with_blockers(r, blockers.get(r.pid)) for r in rows]
    console_rows: list[SessionRow] = []
    if not include_own:
        console_rows = [r for r in rows if r.console_backend]
        rows = [r for r in rows if not r.console_backend]
    role = str(head.get("role") or "")
    hint = privilege_hint(role, rows, has_process and _has_process(conn)) if pids is None else None
    return SessionsSnapshot(taken_at=_aware(head["now"]), own_pid=own_id, rows=tuple(rows), hidden_queries=0,
                            privilege_hint=hint, role=role, console_rows=tuple(console_rows))


def _with_blockers(row: MySqlSessionRow, blockers: set[int] | None) -> MySqlSessionRow:
    if not blockers:
        return row
    from dataclasses import replace

    return replace(row, blocked_by=tuple(sorted(blockers - {row.pid})))


def _aware(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)  # UTC_TIMESTAMP()
    return datetime.now(timezone.utc)


def sample_activity(conn: Any, *, now=None) -> ActivitySample:
    """One active-session sample (the Load tab's sampling) from the processlist: every thread
    running a statement except the reading one; the wait is the row lock it waits for, else its
    ``STATE`` ("State:Sending data"), else CPU."""
    snap = read_sessions(conn, include_own=True)
    taken_at = (now or (lambda: datetime.now(timezone.utc)))()
    sessions = []
    for r in snap.rows:
        if r.pid == snap.own_pid or r.state != "active" or r.backend_type != CLIENT_BACKEND:
            continue
        wait = f"{r.wait_event_type}:{r.wait_event}" if r.wait_event_type else "CPU"
        sessions.append(ActiveSession(pid=r.pid, wait=wait, wait_event_type=r.wait_event_type or None,
                                      wait_event=r.wait_event or None, query=r.query[:2000], user=r.user,
                                      database=r.database, application=r.application, backend_type=r.backend_type))
    return ActivitySample(taken_at=taken_at, sessions=tuple(sessions))
