"""Top SQL against the rig's real PostgreSQL (pg_stat_statements preloaded, track_io_timing on):
real statements run, snapshots taken, more statements, resets; the deltas in the store are what
ran. A second server of our own shows a restart, a failover and a server without the library."""

from __future__ import annotations

import secrets
import socket

import psycopg
import pytest
from psycopg import sql

from aurora_console.core.performance.snapshots import FAILOVER, FIRST, RESET, RESTART, VIEW, SnapshotStore
from aurora_console.core.performance.statements import (
    StatementsUnavailable,
    read_query_texts,
    read_statements,
)
from aurora_console.core.performance.top_sql import take_snapshot, top_sql
from aurora_console.sandbox.postgres import PostgresServer
from tests.rig.pg import FAST_SETTINGS

pytestmark = pytest.mark.integration

PROBE = "SELECT count(*) FROM items WHERE id > %s AND n >= 0"


@pytest.fixture
def conn(perf_db, connect) -> psycopg.Connection:
    """The screen's connection to a database with pg_stat_statements created."""
    with perf_db.connect(autocommit=True) as admin:
        admin.execute("CREATE EXTENSION pg_stat_statements")
    return connect("aurora-console performance")


@pytest.fixture
def store(tmp_path):
    with SnapshotStore(tmp_path / "top_sql.sqlite3") as s:
        yield s


def run_probe(conn: psycopg.Connection, times: int) -> None:
    for i in range(times):
        conn.execute(PROBE, (i % 5,))


def probe_row(rows):
    found = [r for r in rows if r.query and "FROM items WHERE id >" in r.query]
    assert len(found) == 1, [r.query for r in rows]
    return found[0]


def test_snapshots_count_exactly_the_statements_that_ran_between_them(conn, store, perf_db):
    run_probe(conn, 5)
    first = take_snapshot(conn, store, "blog/writer")
    assert first.baseline == FIRST and first.statements > 0
    run_probe(conn, 7)
    second = take_snapshot(conn, store, "blog/writer")
    assert second.baseline is None and second.changed >= 1
    row = probe_row(top_sql(store, "blog/writer", 0, second.taken_at))
    assert row.calls == 7 and row.rows == 7  # count(*) returns one row per call
    assert row.total_ms > 0 and row.mean_ms == pytest.approx(row.total_ms / 7)
    assert row.shared_blks_hit + row.shared_blks_read > 0
    assert 0 < row.share <= 1
    assert row.database == perf_db.name and row.user == perf_db.conninfo["user"]
    assert "$1" in row.query  # normalised by pg_stat_statements: one entry for every parameter value


def test_a_reset_starts_a_new_baseline_and_counting_resumes_after_it(conn, store):
    run_probe(conn, 4)
    take_snapshot(conn, store, "w")
    run_probe(conn, 2)
    conn.execute("SELECT pg_stat_statements_reset()")
    reset = take_snapshot(conn, store, "w")
    assert reset.baseline == RESET
    assert [r for r in top_sql(store, "w", reset.taken_at - 1, reset.taken_at)] == []  # no negative, no guess
    run_probe(conn, 3)
    after = take_snapshot(conn, store, "w")
    assert after.baseline is None
    assert probe_row(top_sql(store, "w", reset.taken_at, after.taken_at)).calls == 3
    assert [b for _, b in store.coverage("w", 0, after.taken_at).baselines] == [FIRST, RESET]


def test_a_statement_reset_alone_counts_from_zero(conn, store):
    run_probe(conn, 6)
    take_snapshot(conn, store, "w")
    run_probe(conn, 1)
    take_snapshot(conn, store, "w")
    before = probe_row(top_sql(store, "w", 0, 1e12))
    row = conn.execute("SELECT userid, dbid, queryid FROM pg_stat_statements WHERE query LIKE %s",
                       ("%FROM items WHERE id >%",)).fetchone()
    conn.execute("SELECT pg_stat_statements_reset(%s, %s, %s)", row)
    run_probe(conn, 2)
    last = take_snapshot(conn, store, "w")
    assert last.baseline is None  # stats_reset did not change: only this statement restarted
    assert probe_row(top_sql(store, "w", last.taken_at - 0.001, last.taken_at)).calls == 2
    assert probe_row(top_sql(store, "w", 0, 1e12)).calls == before.calls + 2


def test_the_sessions_time_zone_and_date_style_change_nothing(conn, store):
    take_snapshot(conn, store, "w")
    conn.execute("SET TimeZone = 'Asia/Kolkata'")
    conn.execute("SET DateStyle = 'German, DMY'")
    run_probe(conn, 2)
    result = take_snapshot(conn, store, "w")
    assert result.baseline is None  # the identity and stats_reset are epoch seconds, not local text
    assert probe_row(top_sql(store, "w", 0, result.taken_at)).calls == 2


def test_temp_blocks_and_texts_are_read(conn, store):
    conn.execute("SET work_mem = '64kB'")
    take_snapshot(conn, store, "w")
    conn.execute("SELECT g FROM generate_series(1, 200000) g ORDER BY g DESC LIMIT 1")  # spills the sort
    result = take_snapshot(conn, store, "w")
    sort = [r for r in top_sql(store, "w", 0, result.taken_at) if r.query and "generate_series" in r.query]
    assert len(sort) == 1 and sort[0].temp_blks > 0 and sort[0].calls == 1


def test_texts_are_fetched_once_for_new_statements(conn, store):
    run_probe(conn, 1)
    take_snapshot(conn, store, "w")
    bare = read_statements(conn, with_texts=False)
    assert all(r.query is None for r in bare.rows)
    probe_key = next(r.key for r in read_statements(conn).rows if r.query and "FROM items WHERE id >" in r.query)
    assert probe_key not in store.keys_without_text("w", bare)  # known: not read again
    assert "FROM items WHERE id >" in read_query_texts(conn, [probe_key])[probe_key]
    assert read_query_texts(conn, []) == {}


def test_a_database_without_the_extension_says_what_to_do_and_the_connection_still_works(perf_db, connect, store):
    conn = connect("aurora-console performance", autocommit=False)
    conn.execute("SELECT 1")  # a transaction is open: the failed read must not break it
    with pytest.raises(StatementsUnavailable) as caught:
        read_statements(conn)
    assert caught.value.reason == "not created"
    assert f'CREATE EXTENSION pg_stat_statements; in database "{perf_db.name}"' in caught.value.user_text()
    assert conn.execute("SELECT 2").fetchone() == (2,)
    with pytest.raises(StatementsUnavailable):
        take_snapshot(conn, store, "w")
    assert store.snapshot_times("w") == []


def test_other_users_statements_are_hidden_without_pg_read_all_stats(conn, connect, plain_role, pg_server):
    name, password = plain_role
    run_probe(conn, 1)
    viewer = connect("aurora-console performance", user=name, password=password)
    viewer.execute("SELECT 1")  # one statement of its own, which it may see
    sample = read_statements(viewer)
    assert sample.hidden > 0 and name in sample.privilege_hint
    assert f"GRANT pg_read_all_stats TO {name}" in sample.privilege_hint
    assert all(r.user == name for r in sample.rows)
    with pg_server.connect(autocommit=True) as admin:
        admin.execute(sql.SQL("GRANT pg_read_all_stats TO {}").format(sql.Identifier(name)))
    granted = read_statements(viewer)
    assert granted.hidden == 0 and granted.privilege_hint is None
    assert any(r.user != name for r in granted.rows)


def test_statements_that_become_visible_are_a_new_baseline_not_a_spike(conn, connect, plain_role, pg_server,
                                                                       store):
    name, password = plain_role
    run_probe(conn, 50)  # the superuser's statement, hidden from the plain role
    viewer = connect("aurora-console performance", user=name, password=password)
    take_snapshot(viewer, store, "w")
    with pg_server.connect(autocommit=True) as admin:
        admin.execute(sql.SQL("GRANT pg_read_all_stats TO {}").format(sql.Identifier(name)))
    granted = take_snapshot(viewer, store, "w")
    assert granted.baseline == VIEW  # the probe's 50 calls are history, not this minute's
    run_probe(conn, 3)
    after = take_snapshot(viewer, store, "w")
    assert after.baseline is None
    assert probe_row(top_sql(store, "w", 0, after.taken_at)).calls == 3


# -- a server of our own: restart, failover, no preload -------------------------------------------------
@pytest.fixture(scope="module")
def own_server(pg_server, tmp_path_factory):
    bin_dir = pg_server.bin_dir  # the rig's binaries (missing ones fail in CI, as the rig says)
    settings = {k: v for k, v in FAST_SETTINGS.items() if k != "shared_preload_libraries"}
    with socket.socket() as probe:  # one port for every start: a restart keeps its address
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = PostgresServer(tmp_path_factory.mktemp("pg-own") / "data", bin_dir=bin_dir, port=port,
                            password=secrets.token_urlsafe(16), settings=settings)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        server.remove_data()


def test_without_the_preloaded_library_it_says_to_preload_it(own_server):
    own_server.create_database("blog")
    try:
        with own_server.connect("blog", autocommit=True) as conn:
            conn.execute("CREATE EXTENSION pg_stat_statements")  # created, but the library is not loaded
            with pytest.raises(StatementsUnavailable) as caught:
                read_statements(conn)
            assert caught.value.reason == "not loaded"
            text = caught.value.user_text()
            assert "Add pg_stat_statements to shared_preload_libraries and restart the server" in text
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        own_server.drop_database("blog")


def test_a_restart_and_a_failover_start_new_baselines(own_server, pg_server, new_database, tmp_path):
    own_server.stop()
    own_server.settings["shared_preload_libraries"] = "pg_stat_statements"
    own_server.start()
    own_server.create_database("blog")
    rig_db = new_database()
    with rig_db.connect(autocommit=True) as admin:
        admin.execute("CREATE EXTENSION pg_stat_statements")
    with SnapshotStore(tmp_path / "s.sqlite3") as store:
        with own_server.connect("blog", autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            run_probe_on = "SELECT count(*) FROM pg_class WHERE oid > %s"
            for i in range(3):
                conn.execute(run_probe_on, (i,))
            assert take_snapshot(conn, store, "blog/writer").baseline == FIRST
        own_server.stop()
        own_server.start()
        with own_server.connect("blog", autocommit=True) as conn:
            conn.execute(run_probe_on, (1,))
            assert take_snapshot(conn, store, "blog/writer").baseline == RESTART
            conn.execute(run_probe_on, (1,))
            assert take_snapshot(conn, store, "blog/writer").baseline is None
        with rig_db.connect(autocommit=True) as other:  # the writer endpoint now reaches another server
            result = take_snapshot(other, store, "blog/writer")
            assert result.baseline == FAILOVER
        times = store.snapshot_times("blog/writer")
        assert len(times) == 4
        assert all(r.calls >= 0 and r.total_ms >= 0 for r in store.window("blog/writer", 0, 1e12))
    own_server.drop_database("blog")
