"""KILL QUERY / KILL CONNECTION on MariaDB behind the same refusals and audit as PostgreSQL's
cancel / terminate; the victim's own connection sees the kill."""

from __future__ import annotations

import time

import pymysql
import pytest

from aurora_console.core.audit import AuditLog
from aurora_console.core.performance.backends import (
    REFUSED_CONSOLE,
    REFUSED_GONE,
    REFUSED_OWN,
    REFUSED_READ_ONLY,
    BackendSignalFailed,
    BackendSignalRefused,
)
from aurora_console.core.performance.engines import (
    check_signal,
    confirmation_text,
    read_sessions,
    signal_backend,
)
from aurora_console.core.performance.mysql_activity import MySqlSessionRow

from .conftest import wait_until


@pytest.fixture
def audit(tmp_path):
    return AuditLog(tmp_path / "audit.jsonl")


def _sleeping(threads, conn, key="sleep", seconds=30):
    threads.run_in_background(conn, f"SELECT SLEEP({seconds}) AS victim_{key}", key)
    observer = threads.conns[0]
    return wait_until(lambda: next((r for r in read_sessions(observer).rows
                                    if r.pid == conn.thread_id() and r.state == "active"), None),
                      what="the victim's statement")


def test_kill_query_stops_the_statement_and_keeps_the_connection(threads, audit):
    observer = threads.observer()
    victim = threads.open()
    row = _sleeping(threads, victim)
    text = confirmation_text(row, "cancel")
    assert f"thread {row.pid} of admin on {threads.db.name} (KILL QUERY {row.pid})" in text
    assert "SELECT SLEEP(30) AS victim_sleep" in text and text.endswith(f"Type {row.pid} to confirm.")
    started = time.monotonic()
    result = signal_backend(observer, row.pid, "cancel", read_only=False, audit=audit, instance="writer-1")
    assert result.signalled and result.stopped and "Cancelled the query of thread" in result.message
    threads.background[-1].join(10)
    assert time.monotonic() - started < 10
    # the victim sees it: an interrupted SLEEP returns 1, or the statement fails with 1317
    interrupted = threads.errors.get("sleep")
    assert threads.results.get("sleep") == ((1,),) or (interrupted is not None and interrupted.args[0] == 1317)
    assert threads.execute(victim, "SELECT 42") == ((42,),)  # the connection stays
    entry = audit.read()[-1]
    assert entry.action == "performance.cancel" and entry.outcome == "ok"
    assert entry.params["pid"] == row.pid and entry.params["statement"] == f"KILL QUERY {row.pid}"
    assert entry.params["instance"] == "writer-1" and "SLEEP(30)" in entry.params["query"]


def test_kill_connection_ends_the_victims_connection(threads, audit):
    observer = threads.observer()
    victim = threads.open(autocommit=False)
    threads.execute(victim, "UPDATE items SET n = 0 WHERE id = 3")
    pid = victim.thread_id()
    result = signal_backend(observer, pid, "terminate", read_only=False, audit=audit)
    assert result.stopped and result.message == f"Terminated thread {pid} (admin)."
    with pytest.raises(pymysql.err.OperationalError):
        threads.execute(victim, "SELECT 1")
    assert pid not in {r.pid for r in read_sessions(observer, include_own=True).rows}
    assert threads.execute(observer, "SELECT n FROM items WHERE id = 3") == ((30,),)  # rolled back
    assert audit.read()[-1].params["statement"] == f"KILL CONNECTION {pid}"


def test_read_only_profile_refuses_and_audits(threads, audit):
    observer = threads.observer()
    victim = threads.open()
    row = _sleeping(threads, victim, seconds=3)
    with pytest.raises(BackendSignalRefused) as refused:
        check_signal(row, "terminate", read_only=True)
    assert refused.value.reason == REFUSED_READ_ONLY
    with pytest.raises(BackendSignalRefused) as refused:
        signal_backend(observer, row.pid, "terminate", read_only=True, audit=audit)
    assert refused.value.reason == REFUSED_READ_ONLY
    entry = audit.read()[-1]
    assert entry.outcome.startswith("refused: Terminating a session is disabled")
    assert entry.params["user"] == "admin"
    assert victim.thread_id() in {r.pid for r in read_sessions(observer).rows}  # untouched


def test_own_and_console_connections_and_gone_threads_are_refused(ps_threads, audit):
    observer = ps_threads.observer()
    editor = ps_threads.open("aurora-console SQL")
    with pytest.raises(BackendSignalRefused) as refused:
        signal_backend(observer, observer.thread_id(), "cancel", read_only=False, audit=audit)
    assert refused.value.reason == REFUSED_OWN
    with pytest.raises(BackendSignalRefused) as refused:
        signal_backend(observer, editor.thread_id(), "terminate", read_only=False, audit=audit)
    assert refused.value.reason == REFUSED_CONSOLE
    with pytest.raises(BackendSignalRefused) as refused:
        signal_backend(observer, 999_999, "terminate", read_only=False, audit=audit)
    assert refused.value.reason == REFUSED_GONE
    assert [e.outcome.split(":")[0] for e in audit.read()] == ["refused"] * 3


def test_server_threads_are_refused_before_any_kill():
    row = MySqlSessionRow(pid=3, user="system user", database="", application="", client="", state="daemon",
                          wait_event_type="", wait_event="", query="", query_age_s=None, xact_age_s=None,
                          backend_start=None, backend_type="system thread", command="Daemon")
    with pytest.raises(BackendSignalRefused, match="server thread"):
        check_signal(row, "terminate")


def test_another_users_thread_uses_rds_kill_when_kill_is_refused(ps_server, ps_threads, audit):
    """As on RDS/Aurora MySQL: the user may not KILL another user's thread (error 1095), and the
    procedures mysql.rds_kill_query / mysql.rds_kill (definer rights) do it for them."""
    name, password = "perf_app", "app-pass-1"
    admin = ps_threads.open()
    ps_threads.execute(
        admin, f"CREATE USER IF NOT EXISTS {name}@'%' IDENTIFIED BY '{password}'",
        f"GRANT SELECT, PROCESS ON *.* TO {name}@'%'",  # as the RDS master user
        "CREATE OR REPLACE PROCEDURE mysql.rds_kill_query(IN thread BIGINT) SQL SECURITY DEFINER KILL QUERY thread",
        f"GRANT EXECUTE ON PROCEDURE mysql.rds_kill_query TO {name}@'%'")
    try:
        app = ps_threads.open(user=name, password=password)
        victim = ps_threads.open()
        ps_threads.run_in_background(victim, "SELECT SLEEP(30)", "sleep")
        pid = victim.thread_id()
        row = wait_until(lambda: next((r for r in read_sessions(app).rows if r.pid == pid and r.state == "active"),
                                      None), what="the admin's statement seen by the app user")
        result = signal_backend(app, row.pid, "cancel", read_only=False, audit=audit)
        assert result.stopped
        assert audit.read()[-1].params["statement"] == f"CALL mysql.rds_kill_query({pid})"
        with pytest.raises(BackendSignalFailed) as failed:  # no rds_kill procedure: the plain refusal, explained
            signal_backend(app, pid, "terminate", read_only=False, audit=audit)
        assert "CONNECTION_ADMIN" in failed.value.hint and "mysql.rds_kill(" in failed.value.hint
        assert audit.read()[-1].outcome.startswith("error: MySQL refused to terminate thread")
    finally:
        ps_threads.execute(admin, "DROP PROCEDURE IF EXISTS mysql.rds_kill_query", f"DROP USER IF EXISTS {name}@'%'")
