"""PerformanceRecorder without Qt: one recording task per tick on the instance's queue (a sample
each second, a pg_stat_statements snapshot each minute, none while one runs), what to do when
pg_stat_statements is missing, Top SQL of a window from a real SQLite snapshot store, the load
from the sampled history when Performance Insights cannot be asked (the reason said), and a
window explained from the same parts. A recording runner stands in for the task runner."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from aurora_console.core.performance.activity_history import ActiveSession, ActivitySample
from aurora_console.core.performance.instances import InstanceEndpoint
from aurora_console.core.performance.load import SOURCE_SAMPLED
from aurora_console.core.performance.snapshots import SnapshotStore
from aurora_console.core.performance.statements import (
    StatementCounters,
    StatementsSample,
    StatementsUnavailable,
)
from aurora_console.ui.performance.recorder import PerformanceRecorder, WindowSources
from tests.unit.recording_runner import RecordingRunner

pytestmark = pytest.mark.unit

INSTANCE = InstanceEndpoint("orders-1", "writer", "orders-1.example.com", 5432)


class Clock:
    def __init__(self, now=1_700_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


class FakeLink:
    """Runs what the recorder asks on a stand-in connection; ``answer`` replaces the result."""

    def __init__(self):
        self.calls = []
        self.answer = None

    def run(self, fn):
        self.calls.append(fn)
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer


def _sample(at: float, calls: int, total_ms: float, *, identity="srv-1") -> StatementsSample:
    row = StatementCounters(queryid=42, userid=10, dbid=5, query="SELECT * FROM orders WHERE id = $1", calls=calls,
                            total_ms=total_ms, rows=calls, shared_blks_hit=calls * 3, shared_blks_read=1,
                            temp_blks_read=0, temp_blks_written=0, blk_read_ms=0.0, blk_write_ms=0.0,
                            user="app", database="orders")
    return StatementsSample(taken_at=at, server_identity=identity, stats_reset=None, rows=(row,))


def make(tmp_path, sources=None):
    runner, clock = RecordingRunner(), Clock()
    store = SnapshotStore(tmp_path / "top_sql.sqlite3", clock=clock)
    rec = PerformanceRecorder(runner, open_store=lambda: store, sources=sources, owner=object(), clock=clock)
    link = FakeLink()
    rec.attach(INSTANCE, "orders/orders-1", link, "performance:orders:orders-1")
    rec.t, rec.c, rec.l, rec.s = runner, clock, link, store
    return rec


def test_each_tick_samples_and_each_minute_also_snapshots_one_task_at_a_time(tmp_path):
    rec = make(tmp_path)
    rec.tick()
    first = rec.t.last
    assert first.name == "Record orders/orders-1" and first.queue == "performance:orders:orders-1"
    rec.tick()  # still running: nothing new
    assert len(rec.t.tasks) == 1
    first.run()
    assert len(rec.l.calls) == 3  # the server's version, a sample and a snapshot (the first is the baseline)
    assert rec.samples == 1 and rec.snapshots == 1
    rec.c.now += 1
    rec.tick()
    rec.l.answer = 160004
    rec.t.last.run()
    assert len(rec.l.calls) == 5 and rec.server_version == 160004  # asked again until known; a sample
    rec.c.now += 59
    rec.tick()
    rec.t.last.run()
    assert len(rec.l.calls) == 7 and rec.snapshots == 2
    rec.detach()
    rec.c.now += 5
    rec.tick()
    assert len(rec.t.tasks) == 3  # no link, no recording


def test_missing_pg_stat_statements_says_what_to_do_and_sampling_goes_on(tmp_path):
    rec = make(tmp_path)
    rec.l.answer = None
    rec.tick()
    problem = StatementsUnavailable("not created", "orders")
    calls = []

    def run(fn):
        calls.append(fn)
        if len(calls) == 3:  # version, sample, snapshot
            raise problem
        return None

    rec.l.run = run
    rec.t.last.run()
    assert rec.statements_problem == problem.user_text()
    assert "CREATE EXTENSION pg_stat_statements" in rec.statements_problem
    assert rec.samples == 1 and rec.record_error is None


def test_top_sql_of_a_window_reads_deltas_from_the_store(tmp_path):
    rec = make(tmp_path)
    t0 = rec.c.now
    rec.s.add("orders/orders-1", _sample(t0, 100, 500.0))  # the baseline
    rec.s.add("orders/orders-1", _sample(t0 + 60, 160, 800.0))
    rec.c.now = t0 + 90
    rec.set_window(t0 - 10, t0 + 70)
    rec.read_top_sql()
    rec.t.last.run()
    (top,) = rec.top
    assert top.queryid == 42 and top.calls == 60 and top.total_ms == pytest.approx(300.0)
    assert top.mean_ms == pytest.approx(5.0) and top.share == pytest.approx(1.0)
    rec.set_window(t0 + 61, t0 + 80)  # no snapshot in this window
    rec.read_top_sql()
    rec.t.last.run()
    assert rec.top == []
    with pytest.raises(ValueError):
        rec.set_window(t0 + 80, t0 + 80)


def test_load_without_performance_insights_is_sampled_and_says_why(tmp_path):
    rec = make(tmp_path)
    t0 = datetime(2026, 12, 7, 5, 0, 0, tzinfo=timezone.utc).timestamp()
    history = rec.history()
    for n in range(10):
        sessions = (ActiveSession(1, "CPU"), ActiveSession(2, "Lock:tuple", "Lock", "tuple"))
        history.add(ActivitySample(datetime.fromtimestamp(t0 + n, timezone.utc), sessions[: 1 + n % 2]))
    rec.set_window(t0, t0 + 10)
    rec.read_load()
    rec.t.last.run()
    series = rec.load_series
    assert rec.load_source == SOURCE_SAMPLED and "No AWS account" in series.reason
    from aurora_console.core.performance.load import load_by_wait

    by_wait = load_by_wait(series)
    assert by_wait["CPU"] == pytest.approx(1.0) and by_wait["Lock:tuple"] == pytest.approx(0.5)


def test_explain_gathers_top_sql_load_events_and_audit_of_the_window(tmp_path):
    seen = {}

    def events(start, end, ids):
        seen["events"] = (start, end, ids)
        return []

    def audit(start, end, ids):
        raise RuntimeError("audit log unreadable")

    rec = make(tmp_path, WindowSources(cluster_id="orders", rds_events=events, audit=audit))
    t0 = rec.c.now
    rec.s.add("orders/orders-1", _sample(t0, 10, 50.0))
    rec.s.add("orders/orders-1", _sample(t0 + 60, 30, 250.0))
    rec.explain(t0 - 5, t0 + 65)
    task = rec.t.last
    assert task.queue == "performance:orders:orders-1" and task.name == "Explain a window of orders"
    rec.l.run = lambda fn: []  # the migrations reader runs on the instance's connection: none applied
    task.run()
    ex = rec.explained
    assert ex.cluster_id == "orders" and ex.instance_id == "orders-1"
    assert [(r.queryid, r.calls) for r in ex.top_sql] == [(42, 20)]
    assert ex.load_source == SOURCE_SAMPLED
    assert seen["events"] == (t0 - 5, t0 + 65, ["orders-1"])
    assert "audit log unreadable" in ex.problems["audit"]  # one section's failure; the others still show
    from aurora_console.core.errors import ConsoleError

    with pytest.raises(ConsoleError):
        rec.explain(t0, t0 - 1)


def test_close_closes_the_store_off_the_ui_thread(tmp_path):
    rec = make(tmp_path)
    rec.tick()
    rec.t.last.run()  # opens the store
    rec.close()
    rec.t.last.run()
    assert rec.closed and rec.store is None
    n = len(rec.t.tasks)
    rec.tick()
    rec.snapshot_now()
    assert len(rec.t.tasks) == n


def test_a_recording_that_finds_the_connection_lost_tells_the_live_controller(tmp_path):
    from aurora_console.ui.performance.instance_link import ConnectionLost

    rec = make(tmp_path)
    lost = []
    rec.attach(INSTANCE, "orders/orders-1", rec.l, "performance:orders:orders-1", on_lost=lost.append)
    rec.l.answer = ConnectionLost("The connection was lost: EOF")
    rec.tick()
    rec.t.last.run()
    assert [str(e) for e in lost] == ["The connection was lost: EOF"] and "lost" in rec.record_error
    rec.l.answer = RuntimeError("permission denied for function pg_stat_statements_reset")
    rec.c.now += 60
    rec.tick()
    rec.t.last.run()
    assert len(lost) == 1 and "permission denied" in rec.record_error  # not a lost connection


def test_an_explained_window_reads_the_events_and_audit_of_every_instance_of_the_cluster(tmp_path):
    """A failover or reboot of another instance is often what the picked one felt: the window's
    RDS events and audit entries cover the writer and every reader, not the picked instance only."""
    seen = {}

    def events(start, end, ids):
        seen["events"] = list(ids)
        return []

    def audit(start, end, ids):
        seen["audit"] = list(ids)
        return []

    rec = make(tmp_path, WindowSources(cluster_id="orders", rds_events=events, audit=audit))
    rec.attach(INSTANCE, "orders/orders-1", rec.l, "performance:orders:orders-1",
               members=["orders-1", "orders-2", "orders-3"])
    t0 = rec.c.now
    rec.explain(t0 - 60, t0)
    rec.l.run = lambda fn: []
    rec.t.last.run()
    assert seen == {"events": ["orders-1", "orders-2", "orders-3"], "audit": ["orders-1", "orders-2", "orders-3"]}
    assert rec.explained is not None and rec.explained.instance_id == "orders-1"


def test_snapshot_now_during_a_background_recording_is_taken_when_it_ends(tmp_path):
    rec = make(tmp_path)
    rec.tick()
    rec.t.last.run()  # version, sample, the first snapshot
    assert rec.snapshots == 1
    rec.c.now += 1
    rec.tick()  # a background sample is running ...
    background = rec.t.last
    rec.snapshot_now()  # ... when the DBA presses "Snapshot now"
    assert len(rec.t.tasks) == 2  # not two recordings at once
    background.run()
    assert len(rec.t.tasks) == 3  # the asked snapshot follows at once
    rec.t.last.run()
    assert rec.snapshots == 2
    rec.c.now += 1
    rec.tick()
    rec.t.last.run()
    assert rec.snapshots == 2  # asked once, taken once: the next tick only samples


def test_snapshot_now_asked_before_a_failed_recording_is_still_taken(tmp_path):
    rec = make(tmp_path)
    rec.tick()
    rec.t.last.run()
    rec.c.now += 1
    rec.tick()
    background = rec.t.last
    rec.snapshot_now()
    background.fail(RuntimeError("canceling statement due to statement timeout"))
    assert len(rec.t.tasks) == 3
    rec.t.last.run()
    assert rec.snapshots == 2
