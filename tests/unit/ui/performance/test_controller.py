"""PerformanceController without Qt: the instance picker (writer first, per-instance opening),
refresh on the timer's ticks (interval, pause, one at a time), filters and thresholds, a lost
connection that pauses the views and resumes, cancel/terminate with the typed confirmation and
the read-only refusal. A recording runner stands in for the task runner; stand-ins for the core
readers return hand-built rows."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from aurora_console.core.errors import ConsoleError, ReadOnlyError
from aurora_console.core.performance.instances import InstanceEndpoint
from aurora_console.ui.performance.controller import LiveReaders, PerformanceController
from aurora_console.ui.performance.instance_link import ConnectionLost
from tests.unit.recording_runner import RecordingRunner

pytestmark = pytest.mark.unit

WRITER = InstanceEndpoint("orders-1", "writer", "orders-1.example.com", 5432)
READER = InstanceEndpoint("orders-2", "reader", "orders-2.example.com", 5432)


@dataclass(frozen=True)
class Row:
    pid: int
    user: str = "app"
    database: str = "orders"
    application: str = "web"
    client: str = "10.0.0.5"
    state: str = "active"
    wait_event_type: str = ""
    wait_event: str = ""
    query: str = "select 1"
    query_age_s: float | None = 1.0
    xact_age_s: float | None = 1.0
    backend_start: object = None

    def __post_init__(self):
        object.__setattr__(self, "backend_start", f"started-{self.pid}")
    backend_type: str = "client backend"
    blocked_by: tuple = ()
    query_hidden: bool = False


@dataclass(frozen=True)
class Snapshot:
    rows: tuple
    privilege_hint: str | None = None
    own_pid: int = 100


class FakeConn:
    def __init__(self):
        self.closed = False
        self.broken = False

    def close(self):
        self.closed = True


@dataclass
class FakeSource:
    read_only: bool = False
    conns: list = field(default_factory=list)
    fail_connect: bool = False
    closed: bool = False

    def connect(self):
        if self.fail_connect:
            raise ConsoleError("could not connect to server: Connection refused")
        c = FakeConn()
        self.conns.append(c)
        return c

    def close(self):
        self.closed = True


class Server:
    """What the stand-in readers return; ``break_next`` makes the next read break the connection."""

    def __init__(self):
        self.rows = (Row(101), Row(102, state="idle in transaction", xact_age_s=120.0, query="update t set x=1"),
                     Row(103, state="idle", user="report", query="select * from big"))
        self.signals = []
        self.break_next = False
        self.error = None

    def read_sessions(self, conn):
        if self.error is not None:
            raise self.error
        if self.break_next:
            self.break_next = False
            conn.broken = True
            raise OSError("server closed the connection unexpectedly")
        return Snapshot(self.rows)

    def readers(self):
        def flag(row, *, long_xact_s, idle_in_xact_s):
            out = set()
            if row.xact_age_s is not None and row.xact_age_s > long_xact_s:
                out.add("long transaction")
            if row.state.startswith("idle in transaction") and row.xact_age_s > idle_in_xact_s:
                out.add("idle in transaction")
            return out

        def signal(conn, pid, action, *, read_only, audit, target, instance, expect_backend_start):
            self.signals.append((pid, action, read_only, audit, target, instance, expect_backend_start))
            return type("SignalResult", (), {"signalled": True, "message": ""})()

        def check(row, action, *, own_pid=None, read_only=False):
            if row.pid == own_pid:
                raise ConsoleError(f"pid {row.pid} is the connection's own backend")

        return LiveReaders(self.read_sessions, lambda conn, sessions: [("root", r.pid) for r in sessions.rows[:1]],
                           lambda conn: [("orders-2", 12.0)], signal,
                           lambda row, action: f"{action} pid {row.pid}, user {row.user}: {row.query}",
                           lambda row: str(row.pid), flag, check)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def make(read_only=False, instances=(WRITER, READER)):
    runner, owner, server, clock = RecordingRunner(), object(), Server(), Clock()
    sources, opened = {}, []

    def open_instance(instance, on_done, on_error):
        opened.append(instance)
        sources[instance.instance_id] = src = FakeSource(read_only=read_only)
        on_done(src)

    c = PerformanceController(runner, "orders", list_instances=lambda: list(instances), open_instance=open_instance,
                              readers=server.readers(), owner=owner, clock=clock, audit="AUDIT", audit_target="TARGET")
    c.t = runner
    c.server, c.sources, c.opened, c.clock_, c.the_owner = server, sources, opened, clock, owner
    c.changes = []
    c.changed.connect(lambda: c.changes.append(1))
    return c


def started(**kw):
    c = make(**kw)
    c.start()
    c.t.last.run()  # the instances
    c.t.last.run()  # the first refresh on the writer
    return c


def test_start_lists_instances_then_opens_the_writer_and_refreshes_on_its_queue():
    c = make()
    c.start()
    assert c.t.last.name == "Instances of orders" and c.t.last.owner is c.the_owner
    c.t.last.run()
    assert c.instances == [WRITER, READER] and c.opened == [WRITER] and c.instance == WRITER
    task = c.t.last
    assert task.name == "Refresh orders sessions" and task.queue == "performance:orders:orders-1"
    assert task.owner is c.the_owner and c.refreshing
    task.run()
    assert [r.pid for r in c.all_sessions()] == [101, 102, 103]
    assert c.reading.blocking == (("root", 101),) and c.reading.replicas == (("orders-2", 12.0),)
    assert c.live and "refreshing every 2 s" in c.status_text


def test_start_with_a_preferred_instance_and_an_empty_cluster():
    c = make()
    c.start(prefer="orders-2")
    c.t.last.run()
    assert c.instance == READER and c.opened == [READER]
    empty = make(instances=())
    empty.start()
    empty.t.last.run()
    assert empty.instance is None and "no instance" in str(empty.last_error)


def test_picking_a_reader_closes_the_writers_connection_and_opens_the_readers_endpoint():
    c = started()
    writer_source = c.sources["orders-1"]
    c.select(READER)
    close = c.t.tasks[-2]
    assert close.name == "Close orders (orders-1)" and close.queue == "performance:orders:orders-1"
    close.run()
    assert writer_source.closed and writer_source.conns[0].closed
    assert c.instance == READER and c.opened == [WRITER, READER]
    assert c.t.last.queue == "performance:orders:orders-2" and c.reading is None
    c.select(READER)  # the same instance again: nothing new opens
    assert c.opened == [WRITER, READER]


def test_ticks_refresh_once_the_interval_passed_one_at_a_time_and_never_when_paused():
    c = started()
    n = len(c.t.tasks)
    c.tick()
    assert len(c.t.tasks) == n  # the interval (2 s) has not passed
    c.clock_.now += 2
    c.tick()
    assert len(c.t.tasks) == n + 1
    c.clock_.now += 5
    c.tick()  # the previous refresh has not ended: no second one piles up
    assert len(c.t.tasks) == n + 1
    c.t.last.run()
    c.set_paused(True)
    c.clock_.now += 5
    c.tick()
    assert len(c.t.tasks) == n + 1 and not c.live and "Paused" in c.status_text
    c.set_paused(False)  # resuming refreshes at once
    assert len(c.t.tasks) == n + 2


def test_interval_is_a_whole_number_of_seconds_from_1_to_10():
    c = started()
    c.set_interval(1)
    c.set_interval(10)
    assert c.interval_s == 10
    for bad in (0, 11, -1, 2.5, "3", None, True):
        with pytest.raises(ValueError):
            c.set_interval(bad)
    assert c.interval_s == 10


def test_filters_by_text_and_state():
    c = started()
    c.set_filter("report")
    assert [r.pid for r in c.visible_sessions()] == [103]
    c.set_filter("", "idle in transaction")
    assert [r.pid for r in c.visible_sessions()] == [102]
    c.set_filter("UPDATE", "all")  # case-insensitive, over the query too
    assert [r.pid for r in c.visible_sessions()] == [102]
    c.set_filter("", "active")
    assert [r.pid for r in c.visible_sessions()] == [101]
    with pytest.raises(ValueError):
        c.set_filter("", "sleeping")


def test_thresholds_decide_the_highlights():
    c = started()
    row = c.session(102)
    assert c.flags(row) == {"idle in transaction"}  # 120 s idle in transaction > 60 s; < 300 s long
    c.set_thresholds(long_xact_s=100)
    assert c.flags(row) == {"long transaction", "idle in transaction"}
    c.set_thresholds(idle_in_xact_s=600)
    assert c.flags(row) == {"long transaction"}
    for bad in (0, -5, float("nan"), float("inf"), "10", True):
        with pytest.raises(ValueError):
            c.set_thresholds(long_xact_s=bad)
    assert c.long_xact_s == 100


def test_a_lost_connection_pauses_the_views_says_so_and_resumes_after_reconnect():
    c = started()
    source = c.sources["orders-1"]
    before = c.reading
    c.server.break_next = True
    c.clock_.now += 2
    c.tick()
    c.t.last.run()
    assert c.lost is not None and "lost" in c.status_text and "paused" in c.status_text
    assert c.reading is before  # the last data stays on screen
    assert source.conns[0].closed  # the broken connection was dropped
    assert not c.live
    source.fail_connect = True  # the server is still down: each tick tries again, still lost
    c.clock_.now += 2
    c.tick()
    c.t.last.run()
    assert c.lost.startswith("Cannot connect") and c.notice == ""
    source.fail_connect = False
    c.clock_.now += 2
    c.tick()
    c.t.last.run()
    assert c.lost is None and c.live and "resumed" in c.notice
    assert len(source.conns) == 2  # a new connection


def test_an_error_that_is_not_a_lost_connection_is_shown_and_refreshing_continues():
    c = started()
    c.server.error = ConsoleError("permission denied for pg_locks")
    c.refresh()
    c.t.last.run()
    assert c.lost is None and "permission denied" in str(c.last_error)
    assert len(c.sources["orders-1"].conns) == 1 and not c.sources["orders-1"].conns[0].closed  # kept
    c.server.error = None
    c.clock_.now += 2
    c.tick()
    c.t.last.run()
    assert c.last_error is None and c.refreshes == 2


def test_cancel_asks_for_the_pid_and_runs_on_the_instance_queue_with_audit():
    c = started()
    req = c.request_signal(102, "cancel")
    assert req.word == "102" and "cancel pid 102, user app: update t set x=1" in req.text
    assert not c.signal(req, "101")  # wrong word: nothing sent
    assert "did not match" in c.notice and c.t.last.name.startswith("Refresh")
    assert c.signal(req, " 102 ")
    task = c.t.last
    assert task.name == "Cancel backend 102" and task.queue == "performance:orders:orders-1"
    task.run()
    assert c.server.signals == [(102, "cancel", False, "AUDIT", "TARGET", "orders-1", "started-102")]
    assert c.notice == "Cancelled the query of pid 102." and c.t.last.name.startswith("Refresh")


def test_terminate_text_says_the_session_ends_and_a_refusal_is_shown():
    c = started()
    req = c.request_signal(101, "terminate")
    assert req.text.startswith("terminate pid 101") and req.action == "terminate"
    assert c.signal(req, "101")
    c.t.last.fail(ConsoleError("pid 101 is this console's own backend; not terminated."))
    assert "refused or failed" in c.notice and "own backend" in c.notice
    assert isinstance(c.last_signal, ConsoleError) and c.lost is None


def test_cancel_and_terminate_are_refused_on_read_only_profiles_and_unknown_pids():
    c = started(read_only=True)
    with pytest.raises(ReadOnlyError):
        c.request_signal(101, "terminate")
    req = type("R", (), {"word": "101", "pid": 101, "action": "cancel"})()
    assert not c.signal(req, "101")
    rw = started()
    with pytest.raises(ConsoleError, match="No session with pid 999"):
        rw.request_signal(999, "cancel")
    with pytest.raises(ValueError):
        rw.request_signal(101, "kill")
    rw.server.rows += (Row(100, application="aurora-console-performance"),)
    rw.refresh()
    rw.t.last.run()
    with pytest.raises(ConsoleError, match="own backend"):  # core's check runs before any dialog
        rw.request_signal(100, "terminate")


def test_a_read_only_source_makes_the_screen_read_only():
    c = make()
    c.open_instance = lambda inst, ok, err: ok(FakeSource(read_only=True))
    c.start()
    c.t.last.run()
    assert c.read_only


def test_a_lost_connection_refuses_signals_and_close_closes_the_link():
    c = started()
    c.t.last.fail(ConnectionLost("The connection was lost: EOF"))
    with pytest.raises(ConsoleError, match="Not connected"):
        c.request_signal(101, "cancel")
    source = c.sources["orders-1"]
    c.close()
    c.t.last.run()
    assert source.closed and c.closed
    n = len(c.t.tasks)
    c.tick()
    c.refresh()
    assert len(c.t.tasks) == n


def test_an_instance_opened_after_another_was_picked_is_closed_unused():
    c = make()
    pending = []
    c.open_instance = lambda inst, ok, err: pending.append((inst, ok))
    c.start()
    c.t.last.run()
    c.select(READER)
    late = FakeSource()
    pending[0][1](late)  # the writer's connection arrives after the reader was picked
    c.t.last.run()
    assert late.closed and c.link is None


def test_the_recorder_is_attached_with_every_instance_of_the_cluster():
    """The recorder records the picked instance but explains windows with the whole cluster's
    events, so it is told every instance id (writer and readers)."""

    class Recorder:
        def __init__(self):
            self.attached = []

        def attach(self, instance, key, link, queue, on_lost=None, *, members=()):
            self.attached.append((instance.instance_id, key, tuple(members)))

        def detach(self):
            pass

        def tick(self):
            pass

    c = make()
    c.recorder = Recorder()
    c.start()
    c.t.last.run()
    c.select(READER)
    assert c.recorder.attached == [("orders-1", "orders/orders-1", ("orders-1", "orders-2")),
                                   ("orders-2", "orders/orders-2", ("orders-1", "orders-2"))]
