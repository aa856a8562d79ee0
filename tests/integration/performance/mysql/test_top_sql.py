"""Top SQL on MariaDB (digest texts as MariaDB 10.11 normalises them): events_statements_summary_by_digest snapshots in the console's SQLite store,
deltas between two snapshots, a TRUNCATE of the summary table starting a new baseline, and the
plain message when performance_schema is off."""

from __future__ import annotations

import time

import pytest

from aurora_console.core.performance.engines import take_snapshot
from aurora_console.core.performance.mysql_statements import PerformanceSchemaOff, read_statements
from aurora_console.core.performance.snapshots import FIRST, RESET, SnapshotStore
from aurora_console.core.performance.statements import StatementsUnavailable
from aurora_console.core.performance.top_sql import top_sql


@pytest.fixture
def store(tmp_path):
    with SnapshotStore(tmp_path / "top.sqlite3") as s:
        yield s


def _run(threads, conn, statement, times):
    for _ in range(times):
        threads.execute(conn, statement)


def test_deltas_between_two_snapshots(ps_threads, store):
    observer = ps_threads.observer()
    app = ps_threads.open()
    key = "rig/mariadb"
    first = take_snapshot(observer, store, key, now=1000.0)
    assert first.baseline == FIRST
    _run(ps_threads, app, "SELECT n FROM items WHERE id = 1", 5)
    _run(ps_threads, app, "SELECT n FROM items WHERE id > 0", 3)
    second = take_snapshot(observer, store, key, now=1060.0)
    assert second.baseline is None and second.changed >= 2
    rows = {r.query: r for r in top_sql(store, key, 999.0, 1061.0) if r.database == ps_threads.db.name}
    point = rows["SELECT `n` FROM `items` WHERE ID = ? "]
    assert point.calls == 5 and point.rows == 5 and point.total_ms > 0
    assert point.mean_ms == pytest.approx(point.total_ms / 5)
    scan = rows["SELECT `n` FROM `items` WHERE ID > ? "]
    assert scan.calls == 3 and scan.rows == 9
    assert scan.shared_blks_read >= 9  # rows examined (the table shows it as "Rows examined" on MySQL)
    assert 0 < point.share < 1

    _run(ps_threads, app, "SELECT n FROM items WHERE id = 1", 2)
    third = take_snapshot(observer, store, key, now=1120.0)
    assert third.baseline is None
    window = {r.query: r for r in top_sql(store, key, 1060.5, 1121.0) if r.database == ps_threads.db.name}
    assert window["SELECT `n` FROM `items` WHERE ID = ? "].calls == 2


def test_a_truncated_summary_table_starts_a_new_baseline(ps_threads, store):
    observer = ps_threads.observer()
    app = ps_threads.open()
    key = "rig/mariadb-reset"
    _run(ps_threads, app, "SELECT n FROM items WHERE id = 2", 4)
    take_snapshot(observer, store, key, now=2000.0)
    time.sleep(1.1)  # FIRST_SEEN has one-second steps on MariaDB
    ps_threads.execute(observer, "TRUNCATE performance_schema.events_statements_summary_by_digest")
    _run(ps_threads, app, "SELECT n FROM items WHERE id = 2", 6)  # more calls than before the reset
    after = take_snapshot(observer, store, key, now=2060.0)
    assert after.baseline == RESET
    assert top_sql(store, key, 2000.5, 2061.0) == []  # nothing counted across the reset
    _run(ps_threads, app, "SELECT n FROM items WHERE id = 2", 1)
    take_snapshot(observer, store, key, now=2120.0)
    got = [r for r in top_sql(store, key, 2060.5, 2121.0) if "`items`" in (r.query or "")]
    assert [(r.query, r.calls) for r in got] == [("SELECT `n` FROM `items` WHERE ID = ? ", 1)]


def test_performance_schema_off_says_what_to_set(threads, store):
    observer = threads.observer()
    with pytest.raises(PerformanceSchemaOff) as off:
        read_statements(observer)
    assert isinstance(off.value, StatementsUnavailable)  # what the screen catches and shows
    assert "performance_schema=OFF (MariaDB's default)" in off.value.message
    assert "performance_schema = 1 in the DB parameter group" in off.value.hint and "restart" in off.value.hint
    with pytest.raises(PerformanceSchemaOff):
        take_snapshot(observer, store, "rig/off")
    assert store.instance_keys() == []
