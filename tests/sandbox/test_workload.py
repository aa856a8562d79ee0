"""The sandbox workload on a real PostgreSQL with the blog schema: it produces the blog mix, the slow
statement and a real blocking tree, keeps to its duration, and a stop leaves no backend, lock or
changed row behind."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from aurora_console.core.db.migrations.blog import apply_bundled_blog_schema
from aurora_console.core.tasks import TaskContext
from aurora_console.sandbox.workload import APP_PREFIX, Workload, WorkloadPlan

pytestmark = pytest.mark.integration

FAST = dict(mix_pause_s=0.01, slow_every_s=0.5, slow_size=2000, lock_hold_s=1.5, lock_pause_s=0.2)


@pytest.fixture
def blog(new_database):
    db = new_database()
    apply_bundled_blog_schema(db.conninfo)
    return db


def _workload_backends(db) -> list[tuple]:
    with db.connect(autocommit=True) as conn:
        return conn.execute("SELECT pid, application_name, state FROM pg_stat_activity"
                            " WHERE application_name LIKE %s", (APP_PREFIX + "%",)).fetchall()


def _posts(db) -> list[tuple]:
    with db.connect() as conn:
        return conn.execute("SELECT id, title, updated_at FROM posts ORDER BY id").fetchall()


def _wait_for(predicate, timeout: float = 15.0, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("condition not met in time")


def test_stop_while_the_lock_is_held_leaves_nothing_behind(blog):
    before = _posts(blog)
    workload = Workload(blog.conninfo, WorkloadPlan(duration_s=120, waiters=2, **{**FAST, "lock_hold_s": 30}))
    workload.start()
    try:
        # a real blocking tree: the holder, idle in transaction, blocks the first waiter (on its
        # transaction id); the second waits behind the first (on the row's tuple lock)
        def blocked():
            with blog.connect(autocommit=True) as conn:
                rows = conn.execute(
                    "SELECT pid, pg_blocking_pids(pid), wait_event_type FROM pg_stat_activity"
                    " WHERE application_name LIKE %s", (APP_PREFIX + "lock-waiter-%",)).fetchall()
            holder = workload.backend_pids().get("lock-holder")
            if len(rows) != 2 or not all(r[2] == "Lock" for r in rows):
                return False
            first = [pid for pid, blockers, _ in rows if blockers == [holder]]
            second = [blockers for pid, blockers, _ in rows if pid not in first]
            # (the pair was once compared with the holder and whichever waiter a set gave first)
            return len(first) == 1 and second == [[first[0]]] and rows
        _wait_for(blocked)
        with blog.connect(autocommit=True) as conn:
            state = conn.execute("SELECT state FROM pg_stat_activity WHERE pid = %s",
                                 (workload.backend_pids()["lock-holder"],)).fetchone()[0]
        assert state == "idle in transaction"
        _wait_for(lambda: workload.report is None and workload._counters.slow_runs >= 1)
    finally:
        began = time.monotonic()
        report = workload.stop()
    assert report is not None and time.monotonic() - began < 10
    assert report.stopped_by == "stop" and report.leftover_backends == 0 and report.errors == ()
    assert report.mix_queries > 0 and report.slow_runs >= 1 and report.lock_rounds >= 1
    assert _workload_backends(blog) == []
    with blog.connect(autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
                            " WHERE a.application_name LIKE %s", (APP_PREFIX + "%",)).fetchone()[0] == 0
    assert _posts(blog) == before  # holder and waiters rolled back


def test_the_duration_bounds_the_run(blog):
    workload = Workload(blog.conninfo, WorkloadPlan(duration_s=2.5, waiters=1, **FAST))
    began = time.monotonic()
    report = workload.run()
    assert 2.4 <= time.monotonic() - began < 10
    assert report.stopped_by == "duration" and report.leftover_backends == 0
    assert report.mix_queries > 0 and report.lock_rounds >= 1 and report.errors == ()
    assert report.lock_waits >= 1  # the waiter queued behind the holder's 1.5 s lock
    assert "blog queries" in report.summary()
    assert _workload_backends(blog) == []
    with pytest.raises(RuntimeError):
        workload.run()  # one run per workload


def test_cancelling_the_task_stops_a_running_slow_statement(blog):
    """The slow statement is cancelled at the server, not waited for."""
    plan = WorkloadPlan(duration_s=120, mix_workers=0, waiters=0, slow_size=10_000_000, slow_every_s=0.1,
                        statement_timeout_s=600)
    workload = Workload(blog.conninfo, plan)
    task = TaskContext("workload")
    result: list = []
    runner = threading.Thread(target=lambda: result.append(workload.run(task)))
    runner.start()

    def slow_running():
        with blog.connect(autocommit=True) as conn:
            return conn.execute("SELECT 1 FROM pg_stat_activity WHERE application_name = %s AND state = 'active'"
                                " AND query LIKE 'SELECT p.slug, count(*)%%'", (APP_PREFIX + "slow",)).fetchone()
    _wait_for(slow_running)
    began = time.monotonic()
    task.token.cancel()
    runner.join(30)
    assert not runner.is_alive() and time.monotonic() - began < 10
    report = result[0]
    assert report.stopped_by == "stop" and report.slow_runs == 0 and report.errors == ()
    assert _workload_backends(blog) == []


def test_statements_show_in_pg_stat_statements(blog):
    with blog.connect(autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        conn.execute("SELECT pg_stat_statements_reset()")

    def statements() -> dict:
        with blog.connect(autocommit=True) as conn:
            rows = conn.execute("SELECT query, calls, mean_exec_time FROM pg_stat_statements s"
                                " JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database()").fetchall()
        return {q: (calls, mean) for q, calls, mean in rows}

    def slow_ones(by_query: dict) -> list[str]:
        return [q for q in by_query if q.startswith("SELECT p.slug, count(*) FROM posts p CROSS JOIN generate_series")]

    # a statement is counted when it ends: on a loaded machine a 2 s run can stop the slow one
    # mid-way (cancelled, not counted); the workload runs again until it has finished one
    for _ in range(5):
        Workload(blog.conninfo, WorkloadPlan(duration_s=2, waiters=1, **FAST)).run()
        by_query = statements()
        if slow_ones(by_query) and any(q.startswith("UPDATE posts SET title = title") for q in by_query):
            break
    slow = slow_ones(by_query)
    assert len(slow) == 1 and "$1" in slow[0]  # one normalised entry for the slow statement
    assert any(q.startswith("UPDATE posts SET title = title") for q in by_query)
    assert sum(calls for q, (calls, _) in by_query.items() if "FROM posts p JOIN users u" in q) > 0


def test_a_blog_without_posts_skips_the_lock_scenario(blog):
    with blog.connect() as conn:
        conn.execute("DELETE FROM posts")
    report = Workload(blog.conninfo, WorkloadPlan(duration_s=1, waiters=2, **FAST)).run()
    assert report.lock_rounds == 0 and report.errors == () and report.mix_queries > 0
    assert any("no post to lock" in n for n in report.notes)


def test_a_failing_session_is_reported_and_the_others_go_on(blog):
    with blog.connect() as conn:
        conn.execute("CREATE ROLE t_reader_no_comments LOGIN PASSWORD 'pw-for-test'")
        conn.execute("GRANT SELECT ON posts, users TO t_reader_no_comments")
    info = blog.conninfo | {"user": "t_reader_no_comments", "password": "pw-for-test"}
    try:
        report = Workload(info, WorkloadPlan(duration_s=2, waiters=0, mix_workers=2, **FAST)).run()
        assert any("InsufficientPrivilege" in e for e in report.errors)
        assert report.slow_runs >= 1 and report.leftover_backends == 0
    finally:
        with blog.connect(autocommit=True) as conn:
            conn.execute("DROP OWNED BY t_reader_no_comments")
            conn.execute("DROP ROLE t_reader_no_comments")


def test_a_database_that_cannot_be_reached_raises_and_reports(blog):
    workload = Workload(blog.conninfo | {"dbname": "no_such_database_here"}, WorkloadPlan(duration_s=1))
    with pytest.raises(psycopg.OperationalError):
        workload.run()
    assert workload.report is not None and workload.report.stopped_by == "error"
    assert workload.report.errors and not workload.running
