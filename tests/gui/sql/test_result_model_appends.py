"""Rows handed over by a fetch-all are appended in time-boxed turns (result_model.APPEND_TURN_S):
one turn never appends everything when that would take long, the rest follows on the next turns,
in order, and rows fetched meanwhile by scrolling land after them."""

from __future__ import annotations

import queue
from types import SimpleNamespace

import pytest

from aurora_console.core.db.query import Column
from aurora_console.ui.sql import result_model
from aurora_console.ui.sql.result_model import ResultTableModel

pytestmark = pytest.mark.gui


def _model(fetched: int) -> ResultTableModel:
    stream = SimpleNamespace(closed=False, exhausted=True, fetched=fetched, closed_reason="")
    result = SimpleNamespace(columns=[Column("n", "int4", 23)], rows=[(0,)], stream=stream)
    return ResultTableModel(result)


def test_a_big_handover_is_appended_over_several_turns_in_order(qtbot, monkeypatch):
    monkeypatch.setattr(result_model, "APPEND_TURN_S", 0.0)  # one slice per turn
    model = _model(1 + 3 * 20_000)
    inserts = []
    model.rowsInserted.connect(lambda _p, first, last: inserts.append((first, last)))
    model._handover = q = queue.SimpleQueue()
    for b in range(3):
        q.put([(1 + b * 20_000 + i,) for i in range(20_000)])
    model._drain()
    assert model.rowCount() == 1 + result_model.APPEND_SLICE  # one slice this turn
    assert not model.complete and not model.canFetchMore()
    qtbot.waitUntil(lambda: model.complete, timeout=10_000)
    assert [r[0] for r in model.rows] == list(range(1 + 3 * 20_000))
    assert all(last - first + 1 <= result_model.APPEND_SLICE for first, last in inserts)
    assert len(inserts) == 3 * 20_000 // result_model.APPEND_SLICE


def test_rows_fetched_while_others_wait_land_after_them(qtbot, monkeypatch):
    monkeypatch.setattr(result_model, "APPEND_TURN_S", 0.0)
    model = _model(1 + 12_000 + 10)
    model._handover = q = queue.SimpleQueue()
    q.put([(i,) for i in range(1, 12_001)])
    model._drain()
    model._inflight = 1  # a scroll fetch that was in flight
    model._arrived([(i,) for i in range(12_001, 12_011)])
    qtbot.waitUntil(lambda: model.complete, timeout=10_000)
    assert [r[0] for r in model.rows] == list(range(12_011))


def test_a_quick_handover_is_appended_at_once():
    model = _model(1 + 100)
    model._handover = q = queue.SimpleQueue()
    q.put([(i,) for i in range(1, 101)])
    model._drain()
    assert model.rowCount() == 101 and model.complete


class _Stream:
    """batches() as a fetch-all sees them; records whether full passes were held meanwhile."""

    def __init__(self, batches: list[list[tuple]]) -> None:
        self._batches = batches
        self.closed = self.exhausted = False
        self.fetched = 1
        self.closed_reason = ""
        self.held: list[bool] = []
        self.short_switches: list[bool] = []  # whether the switch interval was held short
        self.fail_after: int | None = None  # batches handed over before a failure

    def batches(self, size, *, task=None):
        from aurora_console.ui import full_collections, switch_interval

        for n, b in enumerate(self._batches):
            if n == self.fail_after:
                raise RuntimeError("the connection broke")
            self.held.append(full_collections.holding())
            self.short_switches.append(switch_interval.holding())
            self.fetched += len(b)
            yield b
        self.exhausted = True


def test_a_fetch_all_of_tracked_values_holds_full_passes_back_then_freezes_its_rows(qtbot, sql_runner):
    import gc

    from aurora_console.ui import full_collections

    before = gc.get_threshold()
    stream = _Stream([[(n, f"row {n}") for n in range(1 + b * 1000, 1 + (b + 1) * 1000)] for b in range(3)])
    result = SimpleNamespace(columns=[Column("n", "int4", 23), Column("u", "uuid", 2950)], rows=[(0, "row 0")],
                             stream=stream)
    model = ResultTableModel(result, sql_runner, "db:test")
    frozen = gc.get_freeze_count()
    try:
        model.fetch_all()
        qtbot.waitUntil(lambda: model.complete, timeout=10_000)
        assert stream.held == [True, True, True]
        assert not full_collections.holding() and gc.get_threshold() == before
        assert gc.get_freeze_count() > frozen  # the rows left the full passes
        assert [r[0] for r in model.rows] == list(range(3001))
    finally:
        gc.unfreeze()


def test_a_fetch_all_of_plain_values_holds_full_passes_back_and_freezes_nothing(qtbot, sql_runner):
    import gc

    stream = _Stream([[(n, f"row {n}") for n in range(1, 1001)]])
    result = SimpleNamespace(columns=[Column("n", "int4", 23), Column("t", "text", 25)], rows=[(0, "row 0")],
                             stream=stream)
    model = ResultTableModel(result, sql_runner, "db:test")
    frozen = gc.get_freeze_count()
    model.fetch_all()
    qtbot.waitUntil(lambda: model.complete, timeout=10_000)
    assert stream.held == [True] and gc.get_freeze_count() <= frozen  # nothing frozen (frees may lower it)


class _ColumnStream(_Stream):
    """A PostgreSQL-like stream (column_batches); pauses as the real one does between slices of
    decoding, and records in ``events`` the order of: the worker in its pause, the paint's end,
    the worker going on (``probe`` reports the pause, see tests/unit/ui/ui_first_probe.py)."""

    def __init__(self, batches: list[list[tuple]], probe) -> None:
        super().__init__(batches)
        self.probe = probe
        self.events: list[list[str]] = []

    def column_batches(self, size, *, task=None, between=None):
        import threading

        from aurora_console.core.db.column_store import ColumnChunk

        for rows in self.batches(size, task=task):
            # a paint is under way right now: the worker waits for it to finish
            events: list[str] = []
            self.events.append(events)
            painting = threading.Event()
            self.painter = threading.Thread(target=self._paint,
                                            args=(painting, threading.get_ident(), events))
            self.painter.start()
            assert painting.wait(30)
            (between or task.pause)()  # as ResultStream.column_batches: the task's pause by default
            events.append("worker went on")
            self.painter.join(30)
            yield ColumnChunk.from_rows(rows, ["int", "text"])

    def _paint(self, painting, worker: int, events: list[str]) -> None:
        from aurora_console.ui import ui_first

        # stands in for the UI thread (step_aside waits while any thread but the caller's own is
        # inside); it ends its paint only once the worker is in its pause
        with ui_first.ui_first():
            before = self.probe.waits_of(worker)  # the worker is held on `painting` meanwhile
            painting.set()
            if self.probe.wait_until_waiting(worker, n=before + 1):
                events.append("worker in pause")
            events.append("paint ended")


def test_a_fetch_all_decoding_rows_steps_aside_while_the_ui_paints(qtbot, sql_runner, monkeypatch):
    from aurora_console.ui import ui_first
    from tests.unit.ui.ui_first_probe import PauseProbe

    probe = PauseProbe()
    monkeypatch.setattr(ui_first, "_cond", probe)
    monkeypatch.setattr(ui_first, "MAX_WAIT", 60.0)  # an upper bound only: the paint ends first
    stream = _ColumnStream([[(n, f"row {n}") for n in range(1 + b * 100, 1 + (b + 1) * 100)] for b in range(2)],
                           probe)
    result = SimpleNamespace(columns=[Column("n", "int4", 23), Column("t", "text", 25)], rows=[(0, "row 0")],
                             stream=stream)
    model = ResultTableModel(result, sql_runner, "db:test")
    model.fetch_all()
    qtbot.waitUntil(lambda: model.complete, timeout=30_000)
    assert stream.events == [["worker in pause", "paint ended", "worker went on"]] * 2
    assert [r[0] for r in model.rows] == list(range(201))


@pytest.mark.parametrize("fails", [False, True])
def test_a_fetch_all_keeps_the_switch_interval_short_until_it_ends(qtbot, sql_runner, fails):
    """The worker decodes rows without pause: the UI thread gets the GIL within 1 ms each time it
    asks (ui/switch_interval.py), and the interval before returns however the fetch ends."""
    import sys

    from aurora_console.ui import switch_interval

    before = sys.getswitchinterval()
    stream = _Stream([[(n, f"row {n}") for n in range(1 + b * 100, 1 + (b + 1) * 100)] for b in range(3)])
    stream.fail_after = 2 if fails else None
    result = SimpleNamespace(columns=[Column("n", "int4", 23), Column("t", "text", 25)], rows=[(0, "row 0")],
                             stream=stream)
    model = ResultTableModel(result, sql_runner, "db:test")
    model.fetch_all()
    qtbot.waitUntil(lambda: model.complete or model.error is not None, timeout=10_000)
    qtbot.waitUntil(lambda: not switch_interval.holding(), timeout=10_000)
    assert stream.short_switches == [True] * (2 if fails else 3)
    assert sys.getswitchinterval() == before
    assert (model.error is not None) == fails
    assert [r[0] for r in model.rows] == list(range(201 if fails else 301))


def test_the_event_loop_serves_its_timers_between_two_append_turns(qtbot, monkeypatch):
    """A turn's appends and their repaint are followed by the event loop's timers and input before
    the next turn (a chain of zero-delay calls ran two turns back to back)."""
    from PySide6.QtCore import Qt, QTimer

    monkeypatch.setattr(result_model, "APPEND_TURN_S", 0.0)  # one slice per turn
    model = _model(1 + 8 * result_model.APPEND_SLICE)
    ticks = [0]
    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(0)
    heartbeat.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    at_insert = []
    model.rowsInserted.connect(lambda *_a: at_insert.append(ticks[0]))
    model._handover = q = queue.SimpleQueue()
    q.put([(i,) for i in range(1, 1 + 8 * result_model.APPEND_SLICE)])
    heartbeat.start()
    try:
        model._drain()
        qtbot.waitUntil(lambda: model.complete, timeout=10_000)
    finally:
        heartbeat.stop()
    assert len(at_insert) == 8
    assert all(b > a for a, b in zip(at_insert, at_insert[1:], strict=False))  # a tick between turns


class _PacedStream(_Stream):
    """Hands its batches over ``pace_s`` apart, as a fetch-all of many quick batches does."""

    def __init__(self, batches: list[list[tuple]], pace_s: float) -> None:
        super().__init__(batches)
        self.pace_s = pace_s

    def batches(self, size, *, task=None):
        import time

        for b in super().batches(size, task=task):
            time.sleep(self.pace_s)
            yield b


def _paced_fetch_all(sql_runner, pace_s: float) -> tuple[ResultTableModel, _PacedStream, list[bool]]:
    """A fetch-all of 30 batches of 100 rows handed over ``pace_s`` apart; the list records, for
    each event-loop turn that appended rows, whether the stream still had batches to hand over."""
    stream = _PacedStream([[(n, f"row {n}") for n in range(1 + b * 100, 1 + (b + 1) * 100)] for b in range(30)],
                          pace_s=pace_s)
    result = SimpleNamespace(columns=[Column("n", "int4", 23), Column("t", "text", 25)], rows=[(0, "row 0")],
                             stream=stream)
    model = ResultTableModel(result, sql_runner, "db:test")
    turns: list[bool] = []
    model.rowsInserted.connect(lambda *_a: turns.append(not stream.exhausted))
    model.fetch_all()
    return model, stream, turns


def test_batches_arriving_within_a_period_are_appended_together(qtbot, sql_runner, monkeypatch):
    """Each append makes the grid lay out and repaint its viewport: while a fetch-all streams in,
    the batches that arrive within APPEND_EVERY_MS of the last append wait and are appended
    together (here the period outlasts the fetch: the first batch at once, the rest at its end)."""
    monkeypatch.setattr(result_model, "APPEND_EVERY_MS", 600_000)
    model, _stream, turns = _paced_fetch_all(sql_runner, pace_s=0.01)
    qtbot.waitUntil(lambda: model.complete, timeout=10_000)
    assert [r[0] for r in model.rows] == list(range(3001))
    assert turns.count(True) == 1, turns  # appended while batches still came: only the first


def test_a_long_fetch_all_still_appends_once_a_period(qtbot, sql_runner, monkeypatch):
    """Rows keep appearing during a fetch-all longer than the period, not only at its end."""
    monkeypatch.setattr(result_model, "APPEND_EVERY_MS", 100)
    model, _stream, turns = _paced_fetch_all(sql_runner, pace_s=0.03)  # about 0.9 s
    qtbot.waitUntil(lambda: model.complete, timeout=20_000)
    assert [r[0] for r in model.rows] == list(range(3001))
    assert turns.count(True) >= 2, turns  # the first batch, and at least one period's batches later
