"""Sessions on MySQL (real MariaDB): the processlist mapped to the screen's session rows."""

from __future__ import annotations

import pytest

from aurora_console.core.performance.activity import FLAG_IDLE_IN_XACT, flag
from aurora_console.core.performance.engines import read_sessions
from aurora_console.core.performance.mysql_activity import MySqlSessionRow, sample_activity

from .conftest import wait_until


def _row(conn, pid, **kw):
    return next((r for r in read_sessions(conn, **kw).rows if r.pid == pid), None)


@pytest.mark.parametrize("server", ["threads", "ps_threads"])
def test_a_sleeping_query_is_shown_with_its_text_and_age(server, request):
    threads = request.getfixturevalue(server)
    observer = threads.observer()
    victim = threads.open()
    threads.run_in_background(victim, "SELECT SLEEP(20) AS slow_one", "sleep")
    pid = victim.thread_id()
    row = wait_until(lambda: (r := _row(observer, pid)) and r.state == "active" and r.query_age_s and r,
                     what="the sleeping query")
    assert isinstance(row, MySqlSessionRow)
    assert row.query == "SELECT SLEEP(20) AS slow_one"
    assert row.user == "admin" and row.database == threads.db.name
    assert row.client.startswith("127.0.0.1:")
    assert row.command == "Query" and row.backend_type == "client backend"
    assert row.wait == "State: User sleep"
    assert 0 < row.query_age_s < 20
    snap = read_sessions(observer)
    assert snap.own_pid == observer.thread_id()
    assert observer.thread_id() not in {r.pid for r in snap.rows}  # not the console's own connection
    sample = sample_activity(observer)
    assert [s.pid for s in sample.sessions] == [pid] and sample.sessions[0].wait == "State:User sleep"


def test_idle_in_transaction_has_its_transaction_age(threads):
    observer = threads.observer()
    holder = threads.open(autocommit=False)
    threads.execute(holder, "SELECT * FROM items WHERE id = 2 FOR UPDATE")
    row = wait_until(lambda: (r := _row(observer, holder.thread_id())) and r.xact_age_s is not None and r,
                     what="the open transaction")
    assert row.state == "idle in transaction" and row.trx_state == "RUNNING"
    assert row.query == ""
    assert FLAG_IDLE_IN_XACT in flag(row, idle_in_xact_s=0)
    holder.rollback()
    row = wait_until(lambda: (r := _row(observer, holder.thread_id())) and r.state == "idle" and r, what="idle")
    assert row.xact_age_s is None


def test_console_connections_are_set_apart_when_program_names_are_known(ps_threads):
    observer = ps_threads.observer()
    editor = ps_threads.open("aurora-console SQL")
    other = ps_threads.open("billing-app")
    snap = read_sessions(observer)
    assert {r.pid for r in snap.console_rows} >= {editor.thread_id(), observer.thread_id()}
    shown = {r.pid: r for r in snap.rows}
    assert editor.thread_id() not in shown
    assert shown[other.thread_id()].application == "billing-app"
    assert editor.thread_id() in {r.pid for r in read_sessions(observer, include_own=True).rows}


def test_only_some_ids(threads):
    observer = threads.observer()
    a, b = threads.open(), threads.open()
    snap = read_sessions(observer, include_own=True, pids=[a.thread_id()])
    assert [r.pid for r in snap.rows] == [a.thread_id()]
    assert b.thread_id() not in {r.pid for r in snap.rows}
    assert read_sessions(observer, include_own=True, pids=[]).rows == ()


def test_a_user_without_process_sees_its_own_threads_and_the_grant_to_ask_for(threads):
    admin = threads.open()
    name, password = "perf_plain", "plain-pass-1"
    threads.execute(admin, f"CREATE USER IF NOT EXISTS {name}@'%' IDENTIFIED BY '{password}'",
                    f"GRANT SELECT ON {threads.db.name}.* TO {name}@'%'")
    try:
        plain = threads.open(user=name, password=password)
        mine = threads.open(user=name, password=password)
        snap = read_sessions(plain)
        assert {r.pid for r in snap.rows} == {mine.thread_id()}
        assert snap.privilege_hint is not None and "GRANT PROCESS ON *.* TO 'perf_plain'@'%'" in snap.privilege_hint
    finally:
        threads.execute(admin, f"DROP USER IF EXISTS {name}@'%'")
