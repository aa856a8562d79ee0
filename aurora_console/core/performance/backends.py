"""Cancel or terminate a backend (``pg_cancel_backend`` / ``pg_terminate_backend``), refused where it
would hurt, confirmed by typing the pid, written to the audit log.

The steps, as for every mutating action of the console: :func:`confirmation_text` and
:func:`confirmation_word` for the dialog (the user types the pid), :func:`check_signal` (pure, no
I/O: the refusals), then :func:`signal_backend` on a worker thread, which re-reads the backend,
checks again, signals it only if it is still the same session (same ``backend_start``), waits a
moment to see it stop, and audits the attempt whatever its outcome.

Refused (:class:`BackendSignalRefused`, ``reason`` one of the ``REFUSED_*`` constants):
- anything on a read-only profile;
- the reading connection's own backend, and any backend of this console (its ``application_name``:
  the SQL editor has its own Cancel, and terminating the console's connections from inside it
  helps nobody);
- replication processes (walsender, walreceiver, logical replication workers): ending one breaks a
  replica or a subscription;
- PostgreSQL's background processes (checkpointer, autovacuum launcher, background writer...) and
  parallel workers (signal their leader instead): only client sessions and autovacuum workers may be
  signalled;
- RDS's own management sessions (user ``rdsadmin``);
- a session the role may not see (``<insufficient privilege>``: what it is cannot be told);
- a pid that is gone, or that now belongs to another session than the one the user confirmed.

Audit entries: action ``performance.cancel`` / ``performance.terminate``, params ``pid``, ``cluster``
and ``instance`` (when known), ``user``, ``database``, ``application``, ``backend_type``, ``query``
(elided), outcome "ok", "refused: ..."
or "error: ...".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from aurora_console.core.errors import ConsoleError
from aurora_console.core.performance.activity import (
    CLIENT_BACKEND,
    SessionRow,
    elide,
    is_console_application,
    quote_ident,
    read_sessions,
    short_transaction,
)
from aurora_console.core.validation import not_a_validator

Action = Literal["cancel", "terminate"]
ACTIONS: tuple[str, ...] = ("cancel", "terminate")
AUDIT_ACTIONS = {"cancel": "performance.cancel", "terminate": "performance.terminate"}

#: Backend types that may be signalled (besides them, everything is refused).
SIGNALLABLE_TYPES = frozenset({CLIENT_BACKEND, "autovacuum worker"})
#: Backend types that carry replication.
REPLICATION_TYPES = frozenset({"walsender", "walreceiver", "logical replication launcher",
                               "logical replication worker", "logical replication apply worker",
                               "logical replication parallel worker", "logical replication tablesync worker",
                               "walsummarizer"})
#: RDS's management role: its sessions are the service's, not the user's.
RDS_ADMIN = "rdsadmin"

REFUSED_READ_ONLY = "read-only profile"
REFUSED_OWN = "own backend"
REFUSED_CONSOLE = "console backend"
REFUSED_REPLICATION = "replication process"
REFUSED_BACKGROUND = "background process"
REFUSED_PARALLEL = "parallel worker"
REFUSED_RDS = "RDS management session"
REFUSED_HIDDEN = "hidden session"
REFUSED_GONE = "no such backend"
REFUSED_REPLACED = "another session now"

#: How many characters of the query go to the audit log.
AUDIT_QUERY_CHARS = 200


class BackendSignalRefused(ConsoleError):
    """The console will not signal this backend; ``reason`` is one of the ``REFUSED_*`` constants."""

    def __init__(self, message: str, *, reason: str, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.reason = reason


class BackendSignalFailed(ConsoleError):
    """The server refused or failed the signal (e.g. the role may not signal that backend)."""


@dataclass(frozen=True)
class SignalResult:
    """What happened: ``signalled`` (the server sent the signal) and ``stopped``: for a cancel, the
    statement is no longer running; for a terminate, the backend is gone (False when it had not
    stopped within the wait). ``session``: the backend as it was just before the signal."""

    pid: int
    action: str
    signalled: bool
    stopped: bool
    session: SessionRow
    message: str


def _verb(action: str) -> str:
    return {"cancel": "Cancel the query of", "terminate": "Terminate"}[action]


def _check_action(action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"action must be 'cancel' or 'terminate', not {action!r}")


def confirmation_word(row: SessionRow) -> str:
    """What the user types to confirm: the pid."""
    return str(row.pid)


def confirmation_text(row: SessionRow, action: str = "terminate") -> str:
    """The confirmation naming pid, user, database and query, and what the action does."""
    _check_action(action)
    user = row.user or "an unknown user"
    where = f" on {row.database}" if row.database else ""
    query = elide(row.query, 300) if row.query else "(no query)"
    effect = ("This cancels the statement it is running; the session stays connected."
              if action == "cancel" else
              "This ends the session: its open transaction is rolled back and its client is disconnected.")
    return (f"{_verb(action)} backend {row.pid} of {user}{where}?\n"
            f"Query: {query}\n{effect}\nType {confirmation_word(row)} to confirm.")


@not_a_validator("checks an already read session row against the refusals, not a value the user typed")
def check_common_refusals(row: SessionRow, action: str, *, own_pid: int | None, read_only: bool, noun: str) -> None:
    """The refusals every engine shares: a read-only profile, the screen's own connection, one of
    the console's connections. ``noun``: what the engine calls a session ("Backend", "Thread")."""
    _check_action(action)
    what = "Cancelling a query" if action == "cancel" else "Terminating a session"
    if read_only:
        raise BackendSignalRefused(f"{what} is disabled: the profile is marked read-only.",
                                   reason=REFUSED_READ_ONLY,
                                   hint="Clear \"read-only\" in the connection profile to allow it.")
    if own_pid is not None and row.pid == own_pid:
        raise BackendSignalRefused(f"{noun} {row.pid} is the Performance screen's own connection; "
                                   f"the console does not {action} it.", reason=REFUSED_OWN)
    if row.console_backend or is_console_application(row.application):
        raise BackendSignalRefused(
            f"{noun} {row.pid} is one of this console's connections ({row.application or 'aurora-console'}); "
            f"the console does not {action} its own sessions.", reason=REFUSED_CONSOLE,
            hint="Use the Cancel button of the screen that runs it (the SQL editor: Esc), or close its tab.")


@not_a_validator("checks an already read session row against the refusals, not a value the user typed")
def check_signal(row: SessionRow, action: str, *, own_pid: int | None = None, read_only: bool = False) -> None:
    """Raise :class:`BackendSignalRefused` when ``row`` may not be signalled (no I/O)."""
    check_common_refusals(row, action, own_pid=own_pid, read_only=read_only, noun="Backend")
    kind = row.backend_type
    if row.query_hidden and not kind:
        raise BackendSignalRefused(
            f"Backend {row.pid} belongs to another role and its details are hidden from yours, so the console "
            f"cannot tell what it is running (or whether it is a replication process) and does not {action} it.",
            reason=REFUSED_HIDDEN,
            hint="A superuser (on Aurora, rds_superuser) can show them: GRANT pg_read_all_stats TO your_role;")
    if kind in REPLICATION_TYPES:
        raise BackendSignalRefused(f"Backend {row.pid} is a replication process ({kind}); stopping it would "
                                   f"break replication, so the console refuses.", reason=REFUSED_REPLICATION)
    if kind == "parallel worker":
        leader = f" (its leader is backend {row.leader_pid})" if row.leader_pid else ""
        raise BackendSignalRefused(f"Backend {row.pid} is a parallel worker{leader}; signal the session that "
                                   f"leads it instead.", reason=REFUSED_PARALLEL)
    if kind not in SIGNALLABLE_TYPES:
        shown = kind or "a process of unknown type"
        raise BackendSignalRefused(f"Backend {row.pid} is a PostgreSQL background process ({shown}); the console "
                                   f"only signals client sessions and autovacuum workers.", reason=REFUSED_BACKGROUND)
    if row.user == RDS_ADMIN:
        raise BackendSignalRefused(f"Backend {row.pid} is an RDS management session (user {RDS_ADMIN}); "
                                   f"Amazon RDS runs it and does not let it be signalled.", reason=REFUSED_RDS)


def _audit_params(pid: int, row: SessionRow | None, target: Any, instance: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"pid": pid}
    cluster = getattr(target, "cluster_id", None)
    if cluster:
        params["cluster"] = cluster
    if instance:
        params["instance"] = instance
    if row is not None:
        params.update(user=row.user, database=row.database, application=row.application,
                      backend_type=row.backend_type, query=_audited_query(row.query))
    return params


def _audited_query(query: str | None) -> str:
    """The session's query as the audit log keeps it: password literals and other secret shapes
    masked (as the SQL history does) before it is shortened."""
    from aurora_console.core.db.sql_secrets import mask_sql

    return elide(mask_sql(query) if query else query, AUDIT_QUERY_CHARS)


def _read_one(conn: Any, pid: int) -> tuple[SessionRow | None, int]:
    snap = read_sessions(conn, include_own=True, pids=[pid])
    return (snap.rows[0] if snap.rows else None), snap.own_pid


def signal_backend(conn: Any, pid: int, action: str, *, read_only: bool, audit: Any = None, target: Any = None,
                   instance: str | None = None, expect_backend_start: datetime | None = None, wait_s: float = 3.0,
                   sleep: Callable[[float], None] = time.sleep) -> SignalResult:
    """Cancel the statement of backend ``pid``, or terminate it, on the instance ``conn`` is connected to.

    ``expect_backend_start``: the ``backend_start`` of the session the user confirmed; a different
    session now under that pid is refused. ``audit``: an ``AuditLog`` (``record(target, action, params,
    outcome)``) written once per call, refusals included; ``target``: what the entry names (the
    ``ClusterRef``: its profile and region, and its ``cluster_id`` goes to the params as "cluster");
    ``instance``: the instance ``conn`` is connected to (params "instance"). Waits up to ``wait_s``
    seconds to see the statement / backend stop. Raises :class:`BackendSignalRefused` or
    :class:`BackendSignalFailed` (both ``ConsoleError``); a lost connection while reading the
    session raises psycopg's ``OperationalError`` before anything is sent.
    """
    _check_action(action)
    if isinstance(pid, bool) or not isinstance(pid, int) or pid <= 0:
        raise ValueError(f"pid must be a positive int, not {pid!r:.40}")
    audit_action = AUDIT_ACTIONS[action]
    row: SessionRow | None = None

    def record(outcome: str) -> None:
        if audit is not None:
            audit.record(target, audit_action, _audit_params(pid, row, target, instance), outcome)

    try:
        if read_only:  # refused before anything else, but the entry still names the session
            try:
                row, _own = _read_one(conn, pid)
            except Exception:  # noqa: BLE001 - the refusal does not depend on the read
                row = None
        else:
            row, own_pid = _read_one(conn, pid)
        if read_only:
            check_signal(row or _unknown(pid), action, read_only=True)
        if row is None:
            raise BackendSignalRefused(f"Backend {pid} is gone: no session has that pid any more.",
                                       reason=REFUSED_GONE, hint="Refresh the sessions.")
        if expect_backend_start is not None and row.backend_start != expect_backend_start:
            raise BackendSignalRefused(
                f"Backend {pid} is now another session (started {row.backend_start}) than the one you confirmed; "
                f"nothing was sent.", reason=REFUSED_REPLACED, hint="Refresh the sessions and confirm again.")
        check_signal(row, action, own_pid=own_pid)
    except BackendSignalRefused as exc:
        record(f"refused: {exc.message}")
        raise

    try:
        signalled = _send(conn, row, action)
    except Exception as exc:  # noqa: BLE001 - audited, then said in plain words
        failure = _failure(exc, row, action)
        record(f"error: {failure.message}")
        raise failure from exc
    if not signalled:
        record(f"error: backend {pid} was gone before the signal")
        raise BackendSignalRefused(f"Backend {pid} ended before the signal was sent.", reason=REFUSED_GONE)
    record("ok")
    stopped = wait_until_stopped(lambda: _still_running(conn, row, action), wait_s, sleep)
    return SignalResult(pid=pid, action=action, signalled=True, stopped=stopped, session=row,
                        message=_result_message(row, action, stopped, wait_s))


def _unknown(pid: int) -> SessionRow:
    return SessionRow(pid=pid, user="", database="", application="", client="", state="", wait_event_type="",
                      wait_event="", query="", query_age_s=None, xact_age_s=None, backend_start=None,
                      backend_type="")


def _send(conn: Any, row: SessionRow, action: str) -> bool:
    fn = "pg_cancel_backend" if action == "cancel" else "pg_terminate_backend"
    # signalled only if the pid still belongs to the session that was checked
    sql = (f"SELECT {fn}(a.pid) FROM pg_stat_activity a"
           f" WHERE a.pid = %(pid)s AND a.backend_start IS NOT DISTINCT FROM %(start)s")
    with short_transaction(conn), conn.cursor() as cur:
        cur.execute("SELECT pg_stat_clear_snapshot()")
        cur.execute(sql, {"pid": row.pid, "start": row.backend_start})
        got = cur.fetchone()
    return bool(got and got[0])


def _failure(exc: Exception, row: SessionRow, action: str) -> BackendSignalFailed:
    sqlstate = getattr(exc, "sqlstate", None)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if sqlstate == "42501":  # insufficient_privilege
        who = quote_ident(row.user) if row.user else "the session's role"
        return BackendSignalFailed(
            f"PostgreSQL refused to {action} backend {row.pid}: {text}",
            hint=("Your role needs to be a member of the session's role or of pg_signal_backend "
                  f"(GRANT pg_signal_backend TO your_role; on Aurora, rds_superuser has it), and only a "
                  f"superuser may signal a superuser's session ({who})."))
    return BackendSignalFailed(f"Could not {action} backend {row.pid}: {text}")


def _still_running(conn: Any, row: SessionRow, action: str) -> bool:
    now, _own = _read_one(conn, row.pid)
    if now is None or now.backend_start != row.backend_start:
        return False
    if action == "terminate":
        return True
    return now.state == row.state and now.query_start == row.query_start and now.state in ("active", "fastpath function call")


def wait_until_stopped(still_running: Callable[[], bool], wait_s: float, sleep: Callable[[float], None]) -> bool:
    """Poll ``still_running`` (backing off 20 ms to 250 ms) for up to ``wait_s``: True once the
    session stopped, False if it still runs or the check itself failed (the signal went out)."""
    deadline = time.monotonic() + max(wait_s, 0.0)
    delay = 0.02
    while True:
        try:
            if not still_running():
                return True
        except Exception:  # noqa: BLE001 - the signal went out; only the check failed
            return False
        if time.monotonic() >= deadline:
            return False
        sleep(delay)
        delay = min(delay * 2, 0.25)


def _result_message(row: SessionRow, action: str, stopped: bool, wait_s: float) -> str:
    if action == "cancel" and row.state not in ("active", "fastpath function call"):
        return (f"Sent a cancel to backend {row.pid} ({row.user}), which was not running a statement "
                f"(state {row.state or 'unknown'}): nothing was cancelled.")
    if action == "cancel":
        return (f"Cancelled the query of backend {row.pid} ({row.user})." if stopped else
                f"Sent a cancel to backend {row.pid} ({row.user}); its statement was still running after "
                f"{wait_s:g} s (some steps only notice a cancel later).")
    return (f"Terminated backend {row.pid} ({row.user})." if stopped else
            f"Sent terminate to backend {row.pid} ({row.user}); it had not ended after {wait_s:g} s.")
