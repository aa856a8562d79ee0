"""Sessions read from a real PostgreSQL's pg_stat_activity: what each row says, the console's own
backends hidden, highlights, and a role without pg_read_all_stats told which grant it lacks."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from aurora_console.core.performance.activity import (
    FLAG_IDLE_IN_XACT,
    FLAG_LONG_XACT,
    INSUFFICIENT_PRIVILEGE,
    flag,
    read_sessions,
)
from tests.integration.performance.conftest import wait_until

pytestmark = pytest.mark.integration


def _row(snapshot, pid):
    rows = [r for r in snapshot.rows if r.pid == pid]
    assert len(rows) == 1, f"backend {pid} not listed exactly once"
    return rows[0]


def test_a_running_statement_is_listed_with_its_user_database_client_and_age(perf_db, observer, run_in_background):
    job = run_in_background("SELECT pg_sleep(30) /* slow report */", "blog-report")
    wait_until(lambda: any(r.pid == job.pid and r.state == "active" for r in read_sessions(observer).rows),
               what="the sleep to run")
    snap = read_sessions(observer)
    row = _row(snap, job.pid)
    assert row.user == "postgres"
    assert row.database == perf_db.name
    assert row.application == "blog-report"
    assert row.client.startswith("127.0.0.1:")
    assert row.backend_type == "client backend"
    assert row.state == "active"
    assert row.wait == "Timeout: PgSleep"
    assert "slow report" in row.query
    assert row.query_age_s is not None and 0 <= row.query_age_s < 30
    assert row.xact_age_s is not None and row.xact_age_s >= row.query_age_s
    assert row.backend_start is not None and row.backend_start <= snap.taken_at
    assert not row.query_hidden and not row.console_backend
    assert snap.hidden_queries == 0 and snap.privilege_hint is None
    job.conn.cancel()


def test_the_console_own_backends_are_left_out_unless_asked(observer, connect):
    editor = connect("Aurora Console SQL")
    content = connect("aurora-console content")
    app = connect("blog-app")
    default = read_sessions(observer)
    pids = {r.pid for r in default.rows}
    assert app.info.backend_pid in pids
    assert default.own_pid == observer.info.backend_pid
    assert not pids & {observer.info.backend_pid, editor.info.backend_pid, content.info.backend_pid}
    # kept aside for the blocking tree
    assert {r.pid for r in default.console_rows} == {observer.info.backend_pid, editor.info.backend_pid,
                                                     content.info.backend_pid}
    assert {r.pid for r in default.all_rows} == pids | {r.pid for r in default.console_rows}

    everything = read_sessions(observer, include_own=True)
    own = {r.pid for r in everything.rows if r.console_backend}
    assert {observer.info.backend_pid, editor.info.backend_pid, content.info.backend_pid} <= own
    assert app.info.backend_pid not in own


def test_background_processes_are_listed_with_their_backend_type(observer):
    types = {r.backend_type for r in read_sessions(observer).rows}
    assert {"checkpointer", "background writer", "walwriter"} <= types


def test_idle_in_transaction_is_flagged_beyond_its_threshold(observer, connect):
    idle = connect("blog-batch", autocommit=False)
    idle.execute("SELECT 1")  # opens a transaction and leaves it idle
    pid = idle.info.backend_pid
    row = wait_until(lambda: next((r for r in read_sessions(observer).rows
                                   if r.pid == pid and (r.state_age_s or 0) > 0.2), None), what="idle time")
    assert row.state == "idle in transaction"
    assert row.query_age_s is None  # not running anything
    assert row.xact_age_s is not None and row.xact_age_s >= row.state_age_s
    assert flag(row, long_xact_s=3600, idle_in_xact_s=0.1) == {FLAG_IDLE_IN_XACT}
    assert flag(row, long_xact_s=0.1, idle_in_xact_s=3600) == {FLAG_LONG_XACT}
    assert flag(row, long_xact_s=3600, idle_in_xact_s=3600) == set()
    idle.rollback()


def test_reads_never_leave_the_screen_connection_idle_in_transaction(perf_db, connect):
    conn = connect("aurora-console performance", autocommit=False)
    read_sessions(conn)
    assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


def test_repeated_reads_in_one_transaction_see_fresh_activity(perf_db, connect):
    """pg_stat_activity is snapshotted per transaction: the read clears the snapshot first."""
    conn = connect("aurora-console performance", autocommit=False)
    conn.execute("SELECT 1")  # a transaction the caller keeps open
    before = {r.pid for r in read_sessions(conn).rows}
    late = connect("blog-late")
    after = {r.pid for r in read_sessions(conn).rows}
    assert late.info.backend_pid not in before
    assert late.info.backend_pid in after
    conn.rollback()


def test_a_role_without_pg_read_all_stats_is_told_which_grant_shows_other_sessions(
        pg_server, observer, connect, run_in_background, plain_role):
    name, password = plain_role
    job = run_in_background("SELECT pg_sleep(30) /* secret report */", "blog-report")
    mine = connect("blog-mine", user=name, password=password)
    snap = wait_until(lambda: (s := read_sessions(mine)) and any(r.pid == job.pid for r in s.rows) and s,
                      what="the superuser's session to be listed")
    other = _row(snap, job.pid)
    assert other.query_hidden
    assert other.query == INSUFFICIENT_PRIVILEGE
    assert "secret report" not in other.query
    assert other.state == "" and other.wait_event_type == ""
    self_row = _row(snap, mine.info.backend_pid) if any(r.pid == mine.info.backend_pid for r in snap.rows) else None
    assert self_row is None  # the reading connection is its own and left out
    assert snap.hidden_queries >= 1
    assert snap.role == name
    assert snap.privilege_hint is not None
    assert f'GRANT pg_read_all_stats TO "{name}";' in snap.privilege_hint

    with pg_server.connect(autocommit=True) as admin:
        admin.execute(sql.SQL("GRANT pg_read_all_stats TO {}").format(sql.Identifier(name)))
    mine2 = connect("blog-mine", user=name, password=password)  # role membership is read at connect
    granted = read_sessions(mine2)
    assert not _row(granted, job.pid).query_hidden
    assert "secret report" in _row(granted, job.pid).query
    assert granted.privilege_hint is None
    with pg_server.connect(autocommit=True) as admin:
        admin.execute(sql.SQL("REVOKE pg_read_all_stats FROM {}").format(sql.Identifier(name)))
    job.conn.cancel()


class StatementCounter:
    """``conn`` counting the statements sent and the transaction blocks opened through it."""

    def __init__(self, conn):
        self.conn, self.statements, self.transactions = conn, [], 0
        self.info = conn.info
        self.autocommit = conn.autocommit

    def transaction(self):
        self.transactions += 1
        return self.conn.transaction()

    def cursor(self, *a, **k):
        return CountedCursor(self.conn.cursor(*a, **k), self.statements)


class CountedCursor:
    def __init__(self, cur, statements):
        self.cur, self.statements = cur, statements

    def __enter__(self):
        self.cur.__enter__()
        return self

    def __exit__(self, *exc):
        return self.cur.__exit__(*exc)

    def execute(self, query, *args, **kw):
        self.statements.append(query)
        return self.cur.execute(query, *args, **kw)

    def __getattr__(self, name):
        return getattr(self.cur, name)


def test_a_refresh_in_autocommit_is_two_statements_and_no_transaction_block(observer):
    """Over a bastion tunnel every round trip counts: no BEGIN/COMMIT around the reads."""
    counting = StatementCounter(observer)
    snapshot = read_sessions(counting)
    assert len(snapshot.rows) > 0
    assert (len(counting.statements), counting.transactions) == (2, 0)
