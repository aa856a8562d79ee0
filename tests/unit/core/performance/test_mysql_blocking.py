"""InnoDB locks as the Blocking tab shows them: MariaDB's quoted table names read back (a parser:
property-tested), the lock text, and the MySQL 8 path (data_lock_waits + data_locks) the rig's
MariaDB cannot run."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.performance.activity import SessionsSnapshot
from aurora_console.core.performance.mysql_activity import MySqlSessionRow
from aurora_console.core.performance.mysql_blocking import MySqlLockInfo, _table, read_blocking_tree

from .mysql_fakes import FakeMysql8

pytestmark = pytest.mark.unit

NAMES = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=20)


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


@given(NAMES, NAMES)
def test_mariadb_lock_table_names_read_back(schema, table):
    assert _table(f"{_quoted(schema)}.{_quoted(table)}") == f"{schema}.{table}"


def test_plain_names_stay():
    assert _table("shop.items") == "shop.items" and _table(None) == ""


def test_lock_text():
    lock = MySqlLockInfo(locktype="record", mode="X,REC_NOT_GAP", granted=False, relation="shop.items",
                         index="PRIMARY", lock_data="1")
    assert lock.describe() == "X,REC_NOT_GAP on record of shop.items index PRIMARY (1) (waiting)"
    assert MySqlLockInfo(locktype="table", mode="IX", granted=True, relation="shop.items").describe() == \
        "IX on table of shop.items"


def _row(pid, blocked_by=()):
    return MySqlSessionRow(pid=pid, user="app", database="shop", application="", client="", state="active",
                           wait_event_type="Lock" if blocked_by else "", wait_event="row lock" if blocked_by else "",
                           query="UPDATE items SET n = 1 WHERE id = 1", query_age_s=1.0, xact_age_s=1.0,
                           backend_start=None, backend_type="client backend", blocked_by=blocked_by)


def test_mysql8_tree_from_data_lock_waits():
    conn = FakeMysql8([
        (("data_lock_waits",), (("waiting", "blocking", "requested", "held"), [(13, 12, "L2", "L1")])),
        (("data_locks",), (("lock_id", "pid", "type", "mode", "tbl", "idx", "data", "trx", "status"), [
            ("L1", 12, "RECORD", "X,REC_NOT_GAP", "shop.items", "PRIMARY", "1", 100, "GRANTED"),
            ("L2", 13, "RECORD", "X,REC_NOT_GAP", "shop.items", "PRIMARY", "1", 101, "WAITING")])),
    ])
    snap = SessionsSnapshot(taken_at=None, own_pid=9, rows=(_row(12), _row(13, (12,))))
    forest = read_blocking_tree(conn, snap)
    assert [(n.pid, n.held_up) for n in forest] == [(12, 1)]
    assert [lk.describe() for lk in forest[0].locks] == ["X,REC_NOT_GAP on record of shop.items index PRIMARY (1)"]
    assert [n.pid for n in forest[0].blocked] == [13]
    assert forest[0].blocked[0].locks[0].granted is False
    locks_sql, args = conn.executed[-1]
    assert "performance_schema.data_locks" in locks_sql and args == {"ids": ("L1", "L2")}


def test_no_waiter_reads_no_lock_table():
    conn = FakeMysql8([])
    assert read_blocking_tree(conn, SessionsSnapshot(taken_at=None, own_pid=9, rows=(_row(12),))) == []
    assert conn.executed == []


@pytest.mark.parametrize(("version", "table"), [
    ("8.0.mysql_aurora.3.05.2", "performance_schema.data_lock_waits"), ("8.0.36", "performance_schema.data_lock_waits"),
    ("5.7.12", "information_schema.INNODB_LOCK_WAITS"),  # Aurora MySQL 2
    ("10.11.9-MariaDB-0+deb12u1", "information_schema.INNODB_LOCK_WAITS")])
def test_lock_waits_come_from_the_table_the_version_has(version, table):
    from aurora_console.core.performance.mysql_blocking import read_lock_waits

    conn = FakeMysql8([(("LOCK_WAITS",), (("waiting", "blocking", "requested", "held"), [])),
                       (("lock_waits",), (("waiting", "blocking", "requested", "held"), []))])
    conn.server_version = version
    assert read_lock_waits(conn) == []
    assert table in conn.executed[0][0]
