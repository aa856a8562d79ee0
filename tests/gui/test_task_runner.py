"""The task runner: results on the UI thread, errors as notifications, cancel, serial queues."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from aurora_console.core.errors import ConsoleError
from aurora_console.testing.stall import StallMonitor
from aurora_console.ui.notifications import Notifier
from aurora_console.ui.tasks import TaskRunner

pytestmark = pytest.mark.gui


@pytest.fixture
def runner(qtbot):
    notifier = Notifier()
    r = TaskRunner(notify_error=lambda name, exc: notifier.error(f"{name} failed", exc))
    r.notifier = notifier
    yield r
    r.shutdown(5000)


def test_result_arrives_on_ui_thread_off_the_worker(qtbot, runner):
    seen = {}

    def work(ctx):
        seen["worker"] = QThread.currentThread()
        ctx.progress(50, "halfway")
        return 42

    def done(result):
        seen["done_thread"] = QThread.currentThread()
        seen["result"] = result

    progress = []
    h = runner.submit(work, name="answer", on_done=done, on_progress=lambda p, t: progress.append((p, t)))
    qtbot.waitUntil(lambda: h.done, timeout=5000)
    ui = QApplication.instance().thread()
    assert seen["result"] == 42 and seen["done_thread"] is ui and seen["worker"] is not ui
    assert progress == [(50, "halfway")]
    assert h.state == "done" and h.result == 42


@pytest.mark.expected_errors
def test_unhandled_error_becomes_notification_and_log(qtbot, runner, caplog):
    h = runner.submit(lambda ctx: (_ for _ in ()).throw(ConsoleError("Bad thing", hint="Do this")), name="job")
    qtbot.waitUntil(lambda: h.done, timeout=5000)
    assert h.state == "failed"
    [n] = runner.notifier.history
    assert n.level == "error" and n.title == "job failed" and n.text == "Bad thing" and n.hint == "Do this"
    assert any("job" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")


def test_handled_error_goes_to_callback_only(qtbot, runner):
    errors = []
    h = runner.submit(lambda ctx: 1 / 0, name="div", on_error=errors.append)
    qtbot.waitUntil(lambda: h.done, timeout=5000)
    assert isinstance(errors[0], ZeroDivisionError) and runner.notifier.history == []


def test_cancel_interrupts_a_waiting_task(qtbot, runner):
    started = threading.Event()
    cancelled = []

    def slow(ctx):
        started.set()
        ctx.sleep(30)

    h = runner.submit(slow, name="slow", on_cancelled=lambda: cancelled.append(True))
    assert started.wait(5)
    t0 = time.monotonic()
    h.cancel()
    qtbot.waitUntil(lambda: h.done, timeout=5000)
    assert h.state == "cancelled" and cancelled == [True] and time.monotonic() - t0 < 5
    assert runner.notifier.history == []


def test_serial_queue_runs_one_at_a_time_in_order(qtbot, runner):
    lock = threading.Lock()
    active, order, overlap = [0], [], []

    def job(i):
        def run(ctx):
            with lock:
                active[0] += 1
                overlap.append(active[0])
            time.sleep(0.02)
            with lock:
                active[0] -= 1
                order.append(i)
        return run

    handles = [runner.submit(job(i), name=f"q{i}", queue="db:blog") for i in range(6)]
    qtbot.waitUntil(lambda: all(h.done for h in handles), timeout=10000)
    assert order == list(range(6)) and max(overlap) == 1


@pytest.mark.expected_errors
def test_callback_exception_does_not_kill_the_loop(qtbot, runner):
    h = runner.submit(lambda ctx: 1, name="cb", on_done=lambda r: 1 / 0)
    qtbot.waitUntil(lambda: h.done, timeout=5000)
    qtbot.waitUntil(lambda: bool(runner.notifier.history), timeout=5000)
    assert "ZeroDivisionError" in runner.notifier.history[0].text


def test_stall_monitor_sees_a_blocked_loop(qtbot):
    with StallMonitor() as stall:
        qtbot.wait(30)
        spin_until = time.thread_time() + 0.12
        while time.thread_time() < spin_until:  # block the UI thread on purpose: 120 ms of its own CPU
            pass
        qtbot.wait(30)
    assert stall.max_stall_ms >= 100
    assert stall.max_gap_process_cpu_ms >= 100  # the console's own work held the loop up
    with StallMonitor() as calm:
        qtbot.wait(100)
    # a calm loop's gaps may be long on a loaded machine (waiting for a CPU), never the UI thread's work
    assert calm.longest_gap_cpu[0] < 50


def test_cancel_never_waits_for_a_slow_canceller(qtbot, runner):
    """A cancel callback that blocks (a protocol cancel to a stuck server) runs off the UI thread.

    Checked by order, not by a time limit (a loaded machine can take long to start a thread): cancel()
    returns while the canceller is still blocked, which it would not if it had waited for it."""
    started, release, cancellers = threading.Event(), threading.Event(), []

    def hanging_canceller() -> None:  # until released (at most 30 s)
        cancellers.append(threading.current_thread())
        release.wait(30)
        cancellers.append("released")

    def work(ctx):
        ctx.token.on_cancel(hanging_canceller)
        started.set()
        ctx.sleep(30)

    h = runner.submit(work, name="stuck query")
    assert started.wait(5)
    h.cancel()
    assert "released" not in cancellers  # cancel() came back without waiting for the canceller
    qtbot.waitUntil(lambda: h.done and bool(cancellers), timeout=5000)
    assert cancellers[0] is not threading.main_thread()  # the canceller runs, on a helper thread
    release.set()
    assert h.state == "cancelled"
