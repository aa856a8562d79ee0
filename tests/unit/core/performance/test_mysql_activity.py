"""MySQL threads as the screen's session rows (pure mapping), and the MySQL 8 path (which the rig's
MariaDB cannot run): performance_schema.processlist, lock waits from data_lock_waits."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from aurora_console.core.performance.activity import CLIENT_BACKEND
from aurora_console.core.performance.mysql_activity import (
    REPLICATION_THREAD,
    SYSTEM_THREAD,
    backend_type,
    read_sessions,
    screen_state,
    session_row,
)

from .mysql_fakes import FakeMysql8

pytestmark = pytest.mark.unit

SESSION_COLUMNS = ("own", "now", "role", "id", "user", "host", "db", "command", "time_s", "query_s", "state", "info",
                   "trx_id", "trx_state", "xact_s")
NOW = datetime(2026, 12, 7, 9, 0, 0)


@pytest.mark.parametrize(("command", "in_trx", "state"), [
    ("Query", False, "active"), ("Execute", True, "active"), ("Sleep", True, "idle in transaction"),
    ("Sleep", False, "idle"), ("Daemon", False, "daemon"), ("", False, "unknown")])
def test_screen_states(command, in_trx, state):
    assert screen_state(command, in_trx) == state


@pytest.mark.parametrize(("user", "command", "kind"), [
    ("app", "Query", CLIENT_BACKEND), ("system user", "", SYSTEM_THREAD), ("event_scheduler", "Daemon", SYSTEM_THREAD),
    ("repl", "Binlog Dump GTID", REPLICATION_THREAD), ("rdsrepladmin", "Binlog Dump", REPLICATION_THREAD)])
def test_backend_types(user, command, kind):
    assert backend_type(user, command) == kind


def test_a_row_waiting_for_a_row_lock():
    d = dict(zip(SESSION_COLUMNS, (9, NOW, "admin@%", 12, "app", "10.0.0.5:5123", "shop", "Query", 4, 4.25,
                                   "updating", "UPDATE items SET n = 1", "4242", "LOCK WAIT", 7.5), strict=True))
    row = session_row(d, own_id=9, programs={12: "billing"})
    assert (row.state, row.wait, row.query_age_s, row.xact_age_s, row.application) == (
        "active", "Lock: row lock", 4.25, 7.5, "billing")
    assert row.waiting_on_lock and not row.console_backend


def test_mysql8_reads_performance_schema_processlist_and_data_lock_waits():
    conn = FakeMysql8([
        (("@@GLOBAL.performance_schema",), (("on_",), [(1,)])),
        (("performance_schema.processlist",), (SESSION_COLUMNS, [
            (9, NOW, "admin@%", 9, "admin", "h:1", None, "Query", 0, 0, "executing", "SELECT ...", None, None, None),
            (12, NOW, "admin@%", 12, "app", "h:2", "shop", "Sleep", 30, 30, "", None, "100", "RUNNING", 31.0),
            (13, NOW, "admin@%", 13, "app", "h:3", "shop", "Query", 2, 2, "updating", "UPDATE items", "101",
             "LOCK WAIT", 2.0)])),
        (("session_connect_attrs",), (("id", "value"), [(9, "aurora-console performance"), (13, "billing")])),
        (("data_lock_waits",), (("waiting", "blocking", "requested", "held"), [(13, 12, "L2", "L1")])),
        (("USER_PRIVILEGES",), (("n",), [(1,)])),
    ])
    snap = read_sessions(conn)
    assert [r.pid for r in snap.rows] == [12, 13] and [r.pid for r in snap.console_rows] == [9]
    assert snap.by_pid()[13].blocked_by == (12,) and snap.by_pid()[13].application == "billing"
    assert snap.by_pid()[12].state == "idle in transaction" and snap.by_pid()[12].xact_age_s == 31.0
    assert snap.taken_at == NOW.replace(tzinfo=timezone.utc) and snap.privilege_hint is None
    sql = " ".join(s for s, _a in conn.executed)
    assert "information_schema.PROCESSLIST" not in sql and "INNODB_LOCK_WAITS" not in sql


def test_mysql8_with_performance_schema_off_falls_back_to_information_schema():
    conn = FakeMysql8([
        (("@@GLOBAL.performance_schema",), (("on_",), [(0,)])),
        (("information_schema.PROCESSLIST",), (SESSION_COLUMNS, [])),
        (("CONNECTION_ID()",), (("own", "now", "role"), [(5, NOW, "admin@%")])),
        (("USER_PRIVILEGES",), (("n",), [(0,)])),
    ])
    snap = read_sessions(conn)
    assert snap.rows == () and snap.own_pid == 5
    assert "GRANT PROCESS ON *.* TO 'admin'@'%'" in snap.privilege_hint
    assert not any("session_connect_attrs" in s for s, _a in conn.executed)
