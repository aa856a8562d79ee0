"""The Top SQL snapshot store (core/performance/snapshots.py): deltas, new baselines across resets,
restarts, failovers and gaps, texts stored once, retention and size bounds, owner-only file."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.performance import snapshots
from aurora_console.core.performance.snapshots import (
    FAILOVER,
    FIRST,
    GAP,
    RESET,
    RESTART,
    STALE,
    VIEW,
    WENT_DOWN,
    Baseline,
    SnapshotStore,
    SnapshotStoreError,
    compare,
)
from tests.unit.core.performance.fixtures import ModelServer, counters, sample

pytestmark = pytest.mark.unit

DAY = 86400.0


@pytest.fixture
def store(tmp_path):
    with SnapshotStore(tmp_path / "perf" / "top_sql.sqlite3", clock=lambda: 1000.0) as s:
        yield s


def by_id(rows):
    return {r.queryid: r for r in rows}


# -- deltas ---------------------------------------------------------------------------------------------
def test_the_first_sample_is_a_baseline_and_the_next_stores_what_ran_in_between(store):
    first = store.add("k", sample(1000, [counters(1, 5, 10.0, hit=50, read=5), counters(2, 1, 1.0)]))
    assert first.baseline == FIRST and first.changed == 0 and first.statements == 2
    second = store.add("k", sample(1060, [
        counters(1, 8, 16.5, hit=80, read=6, temp_read=2, temp_written=3, blk_read_ms=1.5, blk_write_ms=0.5),
        counters(2, 1, 1.0), counters(3, 4, 2.0)]))
    assert second.baseline is None and second.changed == 2  # statement 2 did not run: no delta row
    rows = by_id(store.window("k", 0, 2000))
    assert set(rows) == {1, 3}
    one = rows[1]
    assert (one.calls, one.total_ms, one.rows, one.shared_blks_hit, one.shared_blks_read, one.temp_blks) == \
        (3, 6.5, 3, 30, 1, 5)
    assert one.mean_ms == pytest.approx(6.5 / 3) and one.blk_io_ms == 2.0
    assert one.query == "SELECT 1" and one.user == "app" and one.database == "blog"
    assert rows[3].calls == 4 and rows[3].total_ms == 2.0  # new since the last sample: all of it ran meanwhile
    assert rows[1].share == pytest.approx(6.5 / 8.5) and rows[3].share == pytest.approx(2 / 8.5)


def test_window_counts_snapshots_taken_after_start_up_to_end(store):
    store.add("k", sample(1000, [counters(1, 0, 0.0)]))
    store.add("k", sample(1060, [counters(1, 1, 1.0)]))
    store.add("k", sample(1120, [counters(1, 3, 3.0)]))
    store.add("k", sample(1180, [counters(1, 6, 6.0)]))
    assert by_id(store.window("k", 1060, 1120))[1].calls == 2
    assert by_id(store.window("k", 1059, 1180))[1].calls == 6
    assert store.window("k", 1180, 5000) == []
    assert store.window("other", 0, 5000) == []
    assert store.snapshot_times("k") == [1000, 1060, 1120, 1180]
    cover = store.coverage("k", 1000, 1180)
    assert (cover.first, cover.last, cover.snapshots, cover.baselines) == (1000, 1180, 3, ())


def test_window_bounds_may_be_datetimes(store):
    from datetime import datetime, timedelta, timezone

    store.add("k", sample(1000, [counters(1, 0, 0.0)]))
    store.add("k", sample(1060, [counters(1, 2, 2.0)]))
    start = datetime.fromtimestamp(1000, timezone.utc)
    assert by_id(store.window("k", start, start + timedelta(minutes=1)))[1].calls == 2
    assert store.window("k", start + timedelta(minutes=1), start + timedelta(minutes=2)) == []
    assert by_id(store.window("k", start.replace(tzinfo=None), 1060))[1].calls == 2  # naive: UTC
    assert store.coverage("k", start, start + timedelta(minutes=1)).snapshots == 1


def test_instances_are_kept_apart(store):
    store.add("writer", sample(1000, [counters(1, 1, 1.0)]))
    store.add("reader", sample(1000, [counters(1, 100, 1.0)], identity="db-2|started 1"))
    store.add("writer", sample(1060, [counters(1, 2, 2.0)]))
    store.add("reader", sample(1060, [counters(1, 150, 9.0)], identity="db-2|started 1"))
    assert by_id(store.window("writer", 0, 2000))[1].calls == 1
    assert by_id(store.window("reader", 0, 2000))[1].calls == 50
    assert store.instance_keys() == ["reader", "writer"]


@pytest.mark.parametrize("change, reason", [
    ({"stats_reset": "r1"}, RESET),
    ({"identity": "db-1|started 200"}, RESTART),
    ({"identity": "db-2|started 100"}, FAILOVER),
    ({"identity": "db-1|started 100|sees all"}, VIEW),  # granted pg_read_all_stats: others' appear
])
def test_a_reset_restart_or_failover_starts_a_new_baseline_never_a_negative_delta(store, change, reason):
    store.add("k", sample(1000, [counters(1, 100, 500.0)]))
    result = store.add("k", sample(1060, [counters(1, 3, 1.0)], **change))
    assert result.baseline == reason and result.changed == 0
    assert store.window("k", 0, 2000) == []
    store.add("k", sample(1120, [counters(1, 7, 3.0)], **change))
    row = by_id(store.window("k", 0, 2000))[1]
    assert (row.calls, row.total_ms) == (4, 2.0)
    assert store.coverage("k", 0, 2000).baselines == ((1000, FIRST), (1060, reason))


def test_a_long_gap_starts_a_new_baseline(store):
    store.add("k", sample(1000, [counters(1, 1, 1.0)]))
    result = store.add("k", sample(1000 + 3 * 3600, [counters(1, 900, 900.0)]))
    assert result.baseline == GAP.format(minutes=180)
    assert store.window("k", 0, 1e9) == []


def test_one_statement_going_down_counts_from_zero_when_stats_reset_is_known(store):
    store.add("k", sample(1000, [counters(1, 50, 50.0), counters(2, 10, 10.0)]))
    result = store.add("k", sample(1060, [counters(1, 2, 2.0), counters(2, 12, 12.0)]))  # 1 evicted and back
    assert result.baseline is None and result.changed == 2
    rows = by_id(store.window("k", 0, 2000))
    assert (rows[1].calls, rows[1].total_ms, rows[2].calls) == (2, 2.0, 2)  # all it counts ran since 1000
    store.add("k", sample(1120, [counters(1, 5, 5.0), counters(2, 12, 12.0)]))
    assert by_id(store.window("k", 1060, 2000))[1].calls == 3


def test_without_stats_reset_any_counter_going_down_starts_a_new_baseline(store):
    store.add("k", sample(1000, [counters(1, 50, 50.0), counters(2, 10, 10.0)], stats_reset=None))
    result = store.add("k", sample(1060, [counters(1, 2, 2.0), counters(2, 90, 90.0)], stats_reset=None))
    assert result.baseline == WENT_DOWN
    assert store.window("k", 0, 2000) == []


def test_a_statement_that_vanished_counts_from_zero_when_it_returns(store):
    store.add("k", sample(1000, [counters(1, 50, 50.0), counters(2, 1, 1.0)]))
    store.add("k", sample(1060, [counters(2, 2, 2.0)]))  # 1 evicted
    store.add("k", sample(1120, [counters(1, 70, 70.0), counters(2, 2, 2.0)]))  # back, busier than before
    assert by_id(store.window("k", 1060, 2000))[1].calls == 70


def test_a_sample_older_than_the_latest_stored_is_left_out(store):
    store.add("k", sample(1000, [counters(1, 1, 1.0)]))
    result = store.add("k", sample(1000, [counters(1, 2, 1.0)]))
    assert result.skipped == STALE and result.changed == 0
    assert store.snapshot_times("k") == [1000]
    assert store.add("k", sample(1060, [counters(1, 4, 4.0)])).skipped is None
    assert by_id(store.window("k", 0, 2000))[1].calls == 3


def test_the_baseline_survives_reopening_the_store(tmp_path):
    path = tmp_path / "s.sqlite3"
    with SnapshotStore(path, clock=lambda: 1000.0) as s:
        s.add("k", sample(1000, [counters(1, 5, 5.0), counters(2, 1, 1.0)]))
        s.add("k", sample(1060, [counters(1, 6, 6.0), counters(2, 1, 1.0)]))
    with SnapshotStore(path, clock=lambda: 1100.0) as s:
        result = s.add("k", sample(1120, [counters(1, 9, 9.0), counters(2, 4, 4.0)]))
        assert result.baseline is None
        rows = by_id(s.window("k", 1060, 2000))
        assert rows[1].calls == 3 and rows[2].calls == 3


def test_two_stores_on_one_file_never_count_twice(tmp_path):
    path = tmp_path / "s.sqlite3"
    with SnapshotStore(path, clock=lambda: 0.0) as screen, SnapshotStore(path, clock=lambda: 0.0) as background:
        screen.add("k", sample(1000, [counters(1, 10, 10.0), counters(2, 1, 1.0)]))
        background.add("k", sample(1060, [counters(1, 15, 15.0), counters(2, 1, 1.0)]))
        screen.add("k", sample(1120, [counters(1, 16, 16.0), counters(2, 4, 4.0)]))
        assert background.add("k", sample(1100, [counters(1, 16, 16.0)])).skipped == STALE  # read before 1120
        background.add("k", sample(1180, [counters(1, 20, 20.0), counters(2, 4, 4.0)]))
        for store in (screen, background):
            rows = by_id(store.window("k", 0, 2000))
            assert (rows[1].calls, rows[2].calls) == (10, 3)
            assert store.snapshot_times("k") == [1000, 1060, 1120, 1180]
            assert store.last_snapshot_at("k") == 1180 and store.last_snapshot_at("other") is None


# -- texts ---------------------------------------------------------------------------------------------
def test_query_texts_are_stored_once(store):
    text = "SELECT * FROM posts WHERE id = $1 -- " + "x" * 5000
    for i, t in enumerate(range(1000, 1600, 60)):
        store.add("k", sample(t, [counters(1, i + 1, i + 1.0, query=text)]))
        store.add("reader", sample(t, [counters(1, i + 1, i + 1.0, query=text)], identity="db-2|s"))
    assert store._db.execute("SELECT count(*) FROM texts").fetchone()[0] == 1
    assert store._db.execute("SELECT count(*) FROM statements").fetchone()[0] == 2
    assert by_id(store.window("k", 0, 2000))[1].query == text


def test_a_sample_read_without_texts_gets_them_later(store):
    bare = counters(1, 1, 1.0)
    bare = type(bare)(**{**bare.__dict__, "query": None})
    first = sample(1000, [bare])
    assert store.keys_without_text("k", first) == [bare.key]
    store.add("k", first)
    assert by_id(store.window("k", 0, 2000)) == {}
    assert store.keys_without_text("k", sample(1060, [bare])) == [bare.key]
    store.add("k", sample(1060, [counters(1, 2, 2.0, query="SELECT late")]))
    assert store.keys_without_text("k", sample(1120, [bare])) == []
    assert by_id(store.window("k", 0, 2000))[1].query == "SELECT late"


# -- bounds --------------------------------------------------------------------------------------------
def test_snapshots_older_than_the_retention_are_pruned_with_what_only_they_used(tmp_path):
    with SnapshotStore(tmp_path / "s.sqlite3", retention_days=1, clock=lambda: 0.0) as s:
        t = 0.0
        s.add("k", sample(t, [counters(1, 0, 0.0), counters(2, 0, 0.0)]))
        for i in range(1, 30):
            t = i * 3600.0 / 6  # every 10 minutes
            s.add("k", sample(t, [counters(1, i, float(i), query="old"), counters(2, i, float(i))]))
        s.add("k", sample(t + 60, [counters(2, 100, 100.0)]))  # statement 1 is gone now
        deleted = s.prune(t + DAY + 30)
        assert deleted == 30  # all 31 but the last one
        assert s.snapshot_times("k") == [t + 60]
        assert s._db.execute("SELECT count(*) FROM texts WHERE text = 'old'").fetchone()[0] == 0
        assert s._db.execute("SELECT count(*) FROM statements").fetchone()[0] == 1


def test_the_store_stays_under_its_size_bound_dropping_the_oldest_snapshots(tmp_path):
    bound = 400_000
    with SnapshotStore(tmp_path / "s.sqlite3", max_bytes=bound, clock=lambda: 0.0) as s:
        for i in range(120):
            s.add("k", sample(60.0 * i, [counters(q, i * (q % 7 + 1), i * 1.5, query=f"SELECT {q} /* {'p' * 200} */")
                                         for q in range(300)]))
            assert s._used_bytes() <= bound
        times = s.snapshot_times("k")
        assert times[-1] == 60.0 * 119 and times[0] > 0  # the newest kept, the oldest gone
        s.prune(times[-1])
        assert s.size_bytes() <= bound  # the file shrinks too (incremental vacuum, checkpoint)
        assert by_id(s.window("k", times[-2], times[-1]))[5].calls == 6


def test_pruning_gives_the_space_back_to_the_file_system(tmp_path):
    with SnapshotStore(tmp_path / "s.sqlite3", retention_days=1, clock=lambda: 0.0) as s:
        for i in range(60):
            s.add("k", sample(60.0 * i, [counters(q, i * (q + 1), float(i)) for q in range(300)]))
        assert s.prune(3540.0) == 0  # nothing old yet; checkpointed: the file holds everything
        full = s.size_bytes()
        assert s.prune(86400.0 + 3600) == 60  # a day later every snapshot is past the retention
        assert s.size_bytes() < full / 4, (s.size_bytes(), full)


def test_bounds_must_be_positive(tmp_path):
    with pytest.raises(ValueError):
        SnapshotStore(tmp_path / "a", retention_days=0)
    with pytest.raises(ValueError):
        SnapshotStore(tmp_path / "b", max_bytes=0)


# -- the file ------------------------------------------------------------------------------------------
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_the_store_file_its_log_and_its_folder_are_owner_only(tmp_path):
    old = os.umask(0)
    try:
        path = tmp_path / "data" / "performance" / "top_sql.sqlite3"
        with SnapshotStore(path) as s:
            s.add("k", sample(1000, [counters(1, 1, 1.0)]))
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
            assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
            for suffix in ("-wal", "-shm"):  # the write-ahead log and its index
                companion = Path(f"{path}{suffix}")
                assert companion.exists() and stat.S_IMODE(companion.stat().st_mode) == 0o600, suffix
    finally:
        os.umask(old)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_an_existing_wider_file_is_narrowed(tmp_path):
    path = tmp_path / "s.sqlite3"
    SnapshotStore(path).close()
    os.chmod(path, 0o644)
    SnapshotStore(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_corrupt_file_is_set_aside_and_a_new_store_started(tmp_path):
    path = tmp_path / "s.sqlite3"
    path.write_bytes(b"this is not a database, " * 100)
    with SnapshotStore(path) as s:
        assert len(s.warnings) == 1 and "could not be read" in s.warnings[0]
        s.add("k", sample(1000, [counters(1, 1, 1.0)]))
        assert s.snapshot_times("k") == [1000]
    kept = list(tmp_path.glob("s.sqlite3.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not")


def test_a_store_from_a_newer_console_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "s.sqlite3"
    SnapshotStore(path).close()
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {snapshots.SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(SnapshotStoreError, match="newer Aurora Console"):
        SnapshotStore(path)
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_threads_can_add_and_read_at_once(store):
    errors = []

    def writer(key):
        try:
            for i in range(30):
                store.add(key, sample(1000 + 60 * i, [counters(q, i, float(i)) for q in range(20)]))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    def reader():
        try:
            for _ in range(30):
                store.window("a", 0, 1e9)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in "ab"] + [threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r.calls for r in store.window("a", 0, 1e9)) == 20 * 29


# -- properties ----------------------------------------------------------------------------------------
COUNTER = st.integers(0, 10**6)


@st.composite
def counter_rows(draw):
    ids = draw(st.sets(st.integers(1, 6), max_size=5))
    return [counters(q, draw(COUNTER), draw(st.integers(0, 10**6)) / 4, hit=draw(COUNTER), read=draw(COUNTER),
                     temp_read=draw(COUNTER), blk_read_ms=draw(COUNTER) / 8) for q in sorted(ids)]


@settings(deadline=None)
@given(before=counter_rows(), after=counter_rows(), info=st.booleans())
def test_compare_never_gives_a_negative_or_empty_delta(before, after, info):
    reset = "r" if info else None
    baseline = Baseline(0.0, "db|1", reset, {r.key: r.counters() for r in before})
    step = compare(baseline, sample(60.0, after, identity="db|1", stats_reset=reset))
    for delta in step.deltas.values():
        assert all(v >= 0 for v in delta) and any(delta)
    went_down = {r.key for r in after if r.key in baseline.counters
                 and any(c < p for c, p in zip(r.counters(), baseline.counters[r.key], strict=True))}
    if step.reason is not None:
        assert step.reason == WENT_DOWN and not info and went_down and not step.deltas
    else:
        assert step.rebased == went_down
        now = {r.key: r for r in after}
        for key in went_down:  # counted from zero: the delta is what it counts now
            assert step.deltas.get(key, (0,) * 8)[0] == now[key].calls


RUN = st.tuples(st.just("run"), st.integers(1, 3), st.integers(1, 50), st.integers(0, 40).map(lambda x: x / 4))
FORGET = st.tuples(st.just("forget"), st.integers(1, 3))  # evicted, or reset alone: stats_reset stays
GLOBAL = st.one_of(st.tuples(st.just("reset")), st.tuples(st.just("restart")), st.tuples(st.just("failover")),
                   st.tuples(st.just("gap")))
#: what happens between two snapshots: statements run, one may be forgotten, rarely the whole server
#: is reset, restarts, fails over or is not sampled for an hour
INTERVAL = st.tuples(st.lists(st.one_of(RUN, RUN, FORGET), max_size=5),
                     st.one_of(st.none(), st.none(), st.none(), GLOBAL),
                     st.lists(st.one_of(RUN, RUN, FORGET), max_size=5)).map(
    lambda i: [*i[0], *([i[1]] if i[1] else []), *i[2], ("snap",)])
EVENTS = st.lists(INTERVAL, min_size=1, max_size=10).map(lambda intervals: [e for i in intervals for e in i])


@settings(max_examples=100, deadline=None)
@given(events=EVENTS, has_info=st.booleans())
def test_deltas_never_overcount_and_are_exact_between_undisturbed_snapshots(events, has_info):
    """A model server runs statements, is reset, restarts, evicts entries and fails over; the
    store's per-interval deltas are never negative, never more than what truly ran in the interval,
    exactly that when nothing but statements ran since the previous snapshot, and nothing (a new
    baseline) after a reset, restart, failover or gap."""
    servers = [ModelServer("db-1", has_info=has_info), ModelServer("db-2", has_info=has_info)]
    active = 0
    with tempfile.TemporaryDirectory() as folder, SnapshotStore(Path(folder) / "s.sqlite3",
                                                                clock=lambda: 0.0) as store:
        now, previous = 0.0, None
        ran: dict[int, list[float]] = {}  # since the previous snapshot: queryid -> [calls, ms]
        undisturbed, disturbed_by = True, set()
        summed: dict[int, int] = {}  # calls per statement over the one-snapshot windows
        for event in [*events, ("snap",)]:
            kind = event[0]
            if kind == "run":
                _, q, calls, ms = event
                servers[active].run(q, calls, ms)
                entry = ran.setdefault(q, [0, 0.0])
                entry[0] += calls
                entry[1] += calls * ms
                continue
            if kind == "snap":
                now += 60.0
                result = store.add("writer", servers[active].sample(now))
                got = by_id(store.window("writer", now - 1, now))
                for q, row in got.items():
                    summed[q] = summed.get(q, 0) + row.calls
                for q, row in got.items():
                    assert row.calls >= 0 and row.total_ms >= 0 and row.rows >= 0 and row.temp_blks >= 0
                    assert row.calls <= ran.get(q, [0])[0]
                    assert row.total_ms <= ran.get(q, [0, 0.0])[1] + 1e-6
                if disturbed_by and (has_info or disturbed_by != {"reset"}):  # a reset without
                    # pg_stat_statements_info shows only if a counter went down
                    assert result.baseline is not None and got == {}, (disturbed_by, result)
                if previous is not None and undisturbed:
                    assert result.baseline is None
                    assert {q: (r.calls, r.total_ms, r.rows, r.shared_blks_hit, r.shared_blks_read, r.temp_blks)
                            for q, r in got.items()} == \
                        {q: (c, pytest.approx(ms), 2 * c, 3 * c, c, c) for q, (c, ms) in ran.items() if c}
                previous, ran, undisturbed, disturbed_by = now, {}, True, set()
                continue
            undisturbed = False
            if kind != "forget":
                disturbed_by.add(kind)
            if kind == "reset":
                servers[active].reset_all()
            elif kind == "forget":
                servers[active].forget(event[1])
            elif kind == "restart":
                servers[active].restart()
            elif kind == "failover":
                active = 1 - active
            elif kind == "gap":
                now += 3600.0
        whole = {q: r.calls for q, r in by_id(store.window("writer", 0, now)).items()}
        assert whole == summed  # windows add up
        rows = store.window("writer", 0, now)
        if any(r.total_ms for r in rows):
            assert sum(r.share for r in rows) == pytest.approx(1.0)
        else:
            assert all(r.share == 0 for r in rows)
