"""Cancel and terminate against a real PostgreSQL: they really stop the statement / end the backend,
every refusal holds (and sends nothing), and every attempt is in the audit log."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest
from psycopg import sql

from aurora_console.core.audit import AuditLog
from aurora_console.core.aws.fleet.models import ClusterRef
from aurora_console.core.performance.activity import read_sessions
from aurora_console.core.performance.backends import (
    REFUSED_BACKGROUND,
    REFUSED_CONSOLE,
    REFUSED_GONE,
    REFUSED_HIDDEN,
    REFUSED_OWN,
    REFUSED_READ_ONLY,
    REFUSED_REPLACED,
    REFUSED_REPLICATION,
    BackendSignalFailed,
    BackendSignalRefused,
    signal_backend,
)
from tests.integration.performance.conftest import backend_state, wait_until

pytestmark = pytest.mark.integration

REF = ClusterRef(profile="blog-prod", region="eu-west-1", cluster_id="blog-cluster")


@pytest.fixture
def audit(tmp_path):
    return AuditLog(tmp_path / "audit.jsonl")


def _running(observer, job):
    wait_until(lambda: backend_state(observer, job.pid) == ("active", "Timeout"), what="pg_sleep to run")


def test_cancel_stops_a_running_statement_and_keeps_the_session(observer, run_in_background, audit):
    job = run_in_background("SELECT pg_sleep(60) /* nightly report */", "blog-report")
    _running(observer, job)
    result = signal_backend(observer, job.pid, "cancel", read_only=False, audit=audit, target=REF,
                            instance="blog-1")
    job.join(10)
    assert isinstance(job.error, psycopg.errors.QueryCanceled)
    assert result.signalled and result.stopped
    assert result.session.pid == job.pid and "nightly report" in result.session.query
    assert result.message == f"Cancelled the query of backend {job.pid} (postgres)."
    assert job.conn.execute("SELECT 42").fetchone() == (42,)  # the session lives on

    [entry] = audit.read()
    assert entry.action == "performance.cancel"
    assert entry.outcome == "ok"
    assert (entry.profile, entry.region) == ("blog-prod", "eu-west-1")
    assert entry.params["pid"] == job.pid
    assert entry.params["cluster"] == "blog-cluster" and entry.params["instance"] == "blog-1"
    assert entry.params["user"] == "postgres"
    assert entry.params["application"] == "blog-report"
    assert "nightly report" in entry.params["query"]


def test_terminate_ends_the_backend(observer, connect, audit):
    victim = connect("blog-batch", autocommit=False)
    victim.execute("UPDATE items SET n = 9 WHERE id = 3")  # idle in transaction, holding a row lock
    pid = victim.info.backend_pid
    result = signal_backend(observer, pid, "terminate", read_only=False, audit=audit, target=REF)
    assert result.signalled and result.stopped
    assert result.message == f"Terminated backend {pid} (postgres)."
    assert backend_state(observer, pid) == (None, None)
    assert pid not in {r.pid for r in read_sessions(observer).rows}
    with pytest.raises(psycopg.OperationalError):
        victim.execute("SELECT 1")
    # its transaction was rolled back: the row is free and unchanged
    assert observer.execute("SELECT n FROM items WHERE id = 3 FOR UPDATE NOWAIT").fetchone() == (0,)
    [entry] = audit.read()
    assert (entry.action, entry.outcome, entry.params["pid"]) == ("performance.terminate", "ok", pid)


def test_terminating_the_root_blocker_lets_the_queue_go(observer, lock_contention, audit):
    c = lock_contention
    signal_backend(observer, c.holder_pid, "terminate", read_only=False, audit=audit, target=REF)
    c.waiter1.join()
    c.waiter2.join()
    assert c.waiter1.error is None and c.waiter2.error is None


def test_cancel_of_an_idle_session_says_nothing_was_running(observer, connect):
    idle = connect("blog-app")
    result = signal_backend(observer, idle.info.backend_pid, "cancel", read_only=False)
    assert result.signalled
    assert "was not running a statement (state idle): nothing was cancelled" in result.message
    assert idle.execute("SELECT 1").fetchone() == (1,)


def _refused(observer, pid, action, reason, audit, **kw):
    with pytest.raises(BackendSignalRefused) as info:
        signal_backend(observer, pid, action, read_only=kw.pop("read_only", False), audit=audit, target=REF, **kw)
    assert info.value.reason == reason
    entry = audit.read()[-1]
    assert entry.action == f"performance.{action}"
    assert entry.outcome == f"refused: {info.value.message}"
    assert entry.params["pid"] == pid
    return info.value


def _alive(observer, pid):
    return backend_state(observer, pid) != (None, None)


def test_the_screen_own_backend_is_refused(observer, audit):
    for action in ("cancel", "terminate"):
        exc = _refused(observer, observer.info.backend_pid, action, REFUSED_OWN, audit)
        assert "Performance screen's own connection" in exc.message
    assert observer.execute("SELECT 1").fetchone() == (1,)


def test_the_console_own_backends_are_refused(observer, connect, run_in_background, audit):
    editor_job = run_in_background("SELECT pg_sleep(60)", "Aurora Console SQL")
    _running(observer, editor_job)
    migrate = connect("aurora-console migrate")
    exc = _refused(observer, editor_job.pid, "cancel", REFUSED_CONSOLE, audit)
    assert "Aurora Console SQL" in exc.message and "Esc" in exc.hint
    _refused(observer, migrate.info.backend_pid, "terminate", REFUSED_CONSOLE, audit)
    assert backend_state(observer, editor_job.pid) == ("active", "Timeout")  # still sleeping: nothing sent
    assert migrate.execute("SELECT 1").fetchone() == (1,)
    editor_job.conn.cancel()


def test_a_walsender_is_refused(perf_db, observer, audit):
    """A real walsender (a logical replication connection) is a replication process."""
    with psycopg.connect(**perf_db.conninfo, replication="database", autocommit=True,
                         application_name="standby-1") as walsender:
        pid = walsender.info.backend_pid
        assert {r.pid: r.backend_type for r in read_sessions(observer).rows}[pid] == "walsender"
        for action in ("cancel", "terminate"):
            exc = _refused(observer, pid, action, REFUSED_REPLICATION, audit)
            assert "replication process (walsender)" in exc.message
        assert _alive(observer, pid)


@pytest.mark.parametrize("backend_type", ["checkpointer", "autovacuum launcher", "background writer",
                                          "logical replication launcher"])
def test_background_processes_are_refused(observer, audit, backend_type):
    pid = next(r.pid for r in read_sessions(observer).rows if r.backend_type == backend_type)
    expected = REFUSED_REPLICATION if backend_type.startswith("logical replication") else REFUSED_BACKGROUND
    exc = _refused(observer, pid, "terminate", expected, audit)
    assert backend_type in exc.message
    assert _alive(observer, pid)


def test_a_read_only_profile_refuses_before_anything_is_sent(observer, run_in_background, audit):
    job = run_in_background("SELECT pg_sleep(60) /* report */", "blog-report")
    _running(observer, job)
    for action in ("cancel", "terminate"):
        exc = _refused(observer, job.pid, action, REFUSED_READ_ONLY, audit, read_only=True)
        assert "read-only" in exc.message
    entry = audit.read()[-1]
    assert entry.params["application"] == "blog-report"  # the entry still names the session
    assert backend_state(observer, job.pid) == ("active", "Timeout")
    job.conn.cancel()


def test_a_gone_pid_and_a_reused_pid_are_refused(observer, connect, audit):
    short = connect("blog-app")
    row = next(r for r in read_sessions(observer).rows if r.pid == short.info.backend_pid)
    # the pid now belongs to a session started at another time than the one the user confirmed
    exc = _refused(observer, row.pid, "terminate", REFUSED_REPLACED, audit,
                   expect_backend_start=row.backend_start - timedelta(seconds=5))
    assert "another session" in exc.message
    assert _alive(observer, row.pid)
    short.close()
    wait_until(lambda: not _alive(observer, row.pid), what="the backend to end")
    _refused(observer, row.pid, "cancel", REFUSED_GONE, audit)


def test_a_role_that_may_not_signal_gets_the_grant_named_and_an_error_entry(
        pg_server, observer, connect, run_in_background, audit, plain_role):
    name, password = plain_role
    with pg_server.connect(autocommit=True) as admin:
        admin.execute(sql.SQL("GRANT pg_read_all_stats TO {}").format(sql.Identifier(name)))
    job = run_in_background("SELECT pg_sleep(60)", "blog-report")
    _running(observer, job)
    weak = connect("blog-ops", user=name, password=password)
    with pytest.raises(BackendSignalFailed) as info:
        signal_backend(weak, job.pid, "cancel", read_only=False, audit=audit, target=REF)
    assert "pg_signal_backend" in info.value.hint
    assert backend_state(observer, job.pid) == ("active", "Timeout")
    entry = audit.read()[-1]
    assert entry.outcome.startswith("error: PostgreSQL refused to cancel backend")
    job.conn.cancel()


def test_a_session_hidden_from_the_role_is_refused_naming_the_grant(observer, connect, run_in_background, audit,
                                                                  plain_role):
    name, password = plain_role
    job = run_in_background("SELECT pg_sleep(60)", "blog-report")
    _running(observer, job)
    weak = connect("blog-ops", user=name, password=password)
    exc = _refused(weak, job.pid, "terminate", REFUSED_HIDDEN, audit)
    assert "GRANT pg_read_all_stats" in exc.hint
    assert backend_state(observer, job.pid) == ("active", "Timeout")
    job.conn.cancel()


def test_the_audit_entry_never_holds_a_password_the_session_set(observer, connect, audit):
    """An idle session's last statement set a password: the confirmation shows the session as the
    server does, but the audit log (a file the console writes) gets the statement with the
    password literal masked."""
    victim = connect("blog-admin")
    with pytest.raises(psycopg.errors.UndefinedObject):
        victim.execute("ALTER ROLE no_such_role_h12 PASSWORD 'hunter2-s3cret'")
    pid = victim.info.backend_pid
    assert "hunter2-s3cret" in read_sessions(observer, pids=[pid]).rows[0].query  # what the server shows
    signal_backend(observer, pid, "terminate", read_only=False, audit=audit, target=REF)
    [entry] = audit.read()
    assert entry.outcome == "ok" and entry.params["query"].startswith("ALTER ROLE no_such_role_h12 PASSWORD")
    assert "hunter2" not in entry.params["query"] and "hunter2" not in audit.path.read_text()
