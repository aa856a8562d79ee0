"""Cancel or terminate a MySQL/MariaDB thread: ``KILL QUERY id`` / ``KILL CONNECTION id``, with the
same refusals, typed confirmation and audit entry as the PostgreSQL screen
(:mod:`aurora_console.core.performance.backends`, whose result, errors and audit actions are shared).

* cancel = ``KILL QUERY id``: the statement stops, the connection stays;
* terminate = ``KILL CONNECTION id``: the connection ends, its open transaction is rolled back.

On Amazon RDS and Aurora MySQL the master user has no ``CONNECTION_ADMIN``/``SUPER``, so a plain
``KILL`` of another user's thread is refused (error 1095, "You are not owner of thread"); the
console then calls the procedures RDS provides for it, ``CALL mysql.rds_kill_query(id)`` /
``CALL mysql.rds_kill(id)``, when they exist (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-stored-proc-ending.html).

Refused (:class:`~aurora_console.core.performance.backends.BackendSignalRefused`): on a read-only
profile; the reading connection itself; the console's own connections (``program_name``); server
threads (event scheduler, InnoDB/system threads) and replication threads (Binlog Dump, replica
I/O and SQL threads); the ``rdsadmin`` user's sessions (RDS's own). Processlist ids only grow
while the server runs, so the id the user confirmed names the same connection unless the server
restarted; the thread is re-read (user and command) just before the ``KILL``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aurora_console.core.db.sql_secrets import mask_sql
from aurora_console.core.performance.activity import CLIENT_BACKEND, SessionRow, elide
from aurora_console.core.performance.backends import (
    AUDIT_ACTIONS,
    AUDIT_QUERY_CHARS,
    RDS_ADMIN,
    REFUSED_BACKGROUND,
    REFUSED_GONE,
    REFUSED_RDS,
    REFUSED_REPLACED,
    REFUSED_REPLICATION,
    BackendSignalFailed,
    BackendSignalRefused,
    SignalResult,
    check_common_refusals,
    confirmation_word,
    wait_until_stopped,
)
from aurora_console.core.performance.mysql_activity import REPLICATION_THREAD, MySqlSessionRow, read_sessions
from aurora_console.core.validation import not_a_validator

#: MySQL error numbers
ER_KILL_DENIED = 1095  # "You are not owner of thread N"
ER_NO_SUCH_THREAD = 1094  # "Unknown thread id: N"
ER_SPECIFIC_ACCESS_DENIED = 1227

#: the statement each action sends, and RDS's procedure for the same
KILL_SQL = {"cancel": "KILL QUERY {id}", "terminate": "KILL CONNECTION {id}"}
RDS_PROCEDURE = {"cancel": "rds_kill_query", "terminate": "rds_kill"}


def _check_action(action: str) -> None:
    if action not in KILL_SQL:
        raise ValueError(f"action must be 'cancel' or 'terminate', not {action!r}")


def confirmation_text(row: SessionRow, action: str = "terminate") -> str:
    """The confirmation naming the thread id, user, database and query, the statement it sends and
    what it does."""
    _check_action(action)
    user = row.user or "an unknown user"
    where = f" on {row.database}" if row.database else ""
    query = elide(row.query, 300) if row.query else "(no query)"
    statement = KILL_SQL[action].format(id=row.pid)
    effect = ("This stops the statement it is running; the connection stays."
              if action == "cancel" else
              "This ends the connection: its open transaction is rolled back and its client is disconnected.")
    verb = "Cancel the query of" if action == "cancel" else "Terminate"
    return (f"{verb} thread {row.pid} of {user}{where} ({statement})?\n"
            f"Query: {query}\n{effect}\nType {confirmation_word(row)} to confirm.")


@not_a_validator("checks an already read session row against the refusals, not a value the user typed")
def check_signal(row: SessionRow, action: str, *, own_pid: int | None = None, read_only: bool = False) -> None:
    """Raise ``BackendSignalRefused`` when the MySQL thread ``row`` may not be killed (no I/O)."""
    check_common_refusals(row, action, own_pid=own_pid, read_only=read_only, noun="Thread")
    command = getattr(row, "command", "") or row.backend_type
    if row.backend_type == REPLICATION_THREAD:
        raise BackendSignalRefused(f"Thread {row.pid} is a replication thread ({command}); stopping it would "
                                   f"break replication, so the console refuses.", reason=REFUSED_REPLICATION)
    if row.backend_type != CLIENT_BACKEND:
        raise BackendSignalRefused(f"Thread {row.pid} is a server thread ({row.user or command}); the console "
                                   f"only kills client connections.", reason=REFUSED_BACKGROUND)
    if row.user == RDS_ADMIN:
        raise BackendSignalRefused(f"Thread {row.pid} is an RDS management session (user {RDS_ADMIN}); "
                                   f"Amazon RDS runs it and does not let it be killed.", reason=REFUSED_RDS)


def _audit_params(pid: int, row: SessionRow | None, target: Any, instance: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"pid": pid, "engine": "mysql"}
    cluster = getattr(target, "cluster_id", None)
    if cluster:
        params["cluster"] = cluster
    if instance:
        params["instance"] = instance
    if row is not None:
        query = elide(mask_sql(row.query) if row.query else row.query, AUDIT_QUERY_CHARS)
        params.update(user=row.user, database=row.database, application=row.application,
                      backend_type=row.backend_type, query=query)
    return params


def _read_one(conn: Any, pid: int) -> tuple[MySqlSessionRow | None, int]:
    snap = read_sessions(conn, include_own=True, pids=[pid])
    return (snap.rows[0] if snap.rows else None), snap.own_pid  # type: ignore[return-value]


def _errno(exc: BaseException) -> int | None:
    args = getattr(exc, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def _execute(conn: Any, sql: str, args: Any = None) -> None:
    cur = conn.cursor()
    try:
        cur.execute(sql, args)
    finally:
        cur.close()


def _has_rds_procedure(conn: Any, action: str) -> bool:
    cur = conn.cursor()
    try:
        cur.execute("SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'mysql' "
                    "AND ROUTINE_NAME = %s AND ROUTINE_TYPE = 'PROCEDURE'", (RDS_PROCEDURE[action],))
        row = cur.fetchone()
    finally:
        cur.close()
    return bool(row and row[0])


def send_kill(conn: Any, pid: int, action: str) -> str:
    """Send the ``KILL`` (or RDS's procedure when the plain one is refused for another user's
    thread); returns the statement that did it. ``ER_NO_SUCH_THREAD`` raises ``BackendSignalRefused``."""
    _check_action(action)
    statement = KILL_SQL[action].format(id=int(pid))
    try:
        _execute(conn, statement)
        return statement
    except Exception as exc:
        errno = _errno(exc)
        if errno == ER_NO_SUCH_THREAD:
            raise BackendSignalRefused(f"Thread {pid} is gone: no session has that id any more.",
                                       reason=REFUSED_GONE, hint="Refresh the sessions.") from exc
        if errno not in (ER_KILL_DENIED, ER_SPECIFIC_ACCESS_DENIED) or not _has_rds_procedure(conn, action):
            raise
    call = f"CALL mysql.{RDS_PROCEDURE[action]}({int(pid)})"
    _execute(conn, call)
    return call


def _failure(exc: Exception, row: SessionRow, action: str) -> BackendSignalFailed:
    text = str(exc.args[1]) if len(getattr(exc, "args", ())) > 1 else (str(exc).strip() or type(exc).__name__)
    if _errno(exc) in (ER_KILL_DENIED, ER_SPECIFIC_ACCESS_DENIED):
        return BackendSignalFailed(
            f"MySQL refused to {action} thread {row.pid}: {text}",
            hint=("Killing another user's thread needs the CONNECTION_ADMIN privilege (SUPER before MySQL 8; "
                  "on MariaDB, CONNECTION ADMIN). On RDS and Aurora MySQL the master user kills it with "
                  f"CALL mysql.{RDS_PROCEDURE[action]}({row.pid}), which the console uses when it exists."))
    return BackendSignalFailed(f"Could not {action} thread {row.pid}: {text}")


def signal_backend(conn: Any, pid: int, action: str, *, read_only: bool, audit: Any = None, target: Any = None,
                   instance: str | None = None, expect_backend_start: Any = None, wait_s: float = 3.0,
                   sleep: Callable[[float], None] = time.sleep) -> SignalResult:
    """Cancel the statement of thread ``pid`` (``KILL QUERY``) or end its connection (``KILL
    CONNECTION``) on the instance ``conn`` is connected to; the contract of
    :func:`aurora_console.core.performance.backends.signal_backend` (one audit entry per call,
    refusals included; waits up to ``wait_s`` to see the statement or the connection stop).
    ``expect_backend_start`` is accepted for the same signature (MySQL has no start time per thread:
    ids are not reused while the server runs)."""
    _check_action(action)
    if isinstance(pid, bool) or not isinstance(pid, int) or pid <= 0:
        raise ValueError(f"pid must be a positive int, not {pid!r:.40}")
    audit_action = AUDIT_ACTIONS[action]
    row: MySqlSessionRow | None = None

    def record(outcome: str, **extra: str) -> None:
        if audit is not None:
            audit.record(target, audit_action, {**_audit_params(pid, row, target, instance), **extra}, outcome)

    try:
        if read_only:
            try:
                row, _own = _read_one(conn, pid)
            except Exception:  # noqa: BLE001 - the refusal does not depend on the read
                row = None
            check_signal(row or _unknown(pid), action, read_only=True)
        row, own_pid = _read_one(conn, pid)
        if row is None:
            raise BackendSignalRefused(f"Thread {pid} is gone: no session has that id any more.",
                                       reason=REFUSED_GONE, hint="Refresh the sessions.")
        if expect_backend_start is not None and row.backend_start is not None \
                and row.backend_start != expect_backend_start:
            raise BackendSignalRefused(f"Thread {pid} is now another session; nothing was sent.",
                                       reason=REFUSED_REPLACED, hint="Refresh the sessions and confirm again.")
        check_signal(row, action, own_pid=own_pid)
    except BackendSignalRefused as exc:
        record(f"refused: {exc.message}")
        raise

    try:
        sent = send_kill(conn, pid, action)
    except BackendSignalRefused as exc:
        record(f"refused: {exc.message}")
        raise
    except Exception as exc:  # noqa: BLE001 - audited, then said in plain words
        failure = _failure(exc, row, action)
        record(f"error: {failure.message}")
        raise failure from exc
    record("ok", statement=sent)
    stopped = wait_until_stopped(lambda: _still_running(conn, row, action), wait_s, sleep)
    return SignalResult(pid=pid, action=action, signalled=True, stopped=stopped, session=row,
                        message=_result_message(row, action, stopped, wait_s))


def _unknown(pid: int) -> MySqlSessionRow:
    return MySqlSessionRow(pid=pid, user="", database="", application="", client="", state="", wait_event_type="",
                           wait_event="", query="", query_age_s=None, xact_age_s=None, backend_start=None,
                           backend_type="")


def _still_running(conn: Any, row: MySqlSessionRow, action: str) -> bool:
    now, _own = _read_one(conn, row.pid)
    if now is None or now.command.lower() == "killed":
        return False
    if action == "terminate":
        return True
    return now.state == "active" and now.query == row.query


def _result_message(row: SessionRow, action: str, stopped: bool, wait_s: float) -> str:
    if action == "cancel" and row.state != "active":
        return (f"Sent KILL QUERY to thread {row.pid} ({row.user}), which was not running a statement "
                f"(state {row.state or 'unknown'}): nothing was cancelled.")
    if action == "cancel":
        return (f"Cancelled the query of thread {row.pid} ({row.user})." if stopped else
                f"Sent KILL QUERY to thread {row.pid} ({row.user}); its statement was still running after "
                f"{wait_s:g} s (some steps only notice a kill later).")
    return (f"Terminated thread {row.pid} ({row.user})." if stopped else
            f"Sent KILL CONNECTION to thread {row.pid} ({row.user}); it had not ended after {wait_s:g} s.")
