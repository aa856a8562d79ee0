"""Late callbacks handled once: ``submit(..., owner=widget)`` drops the results of a task whose
owner was closed (``release``), deleted, or collected before the task ended; a live owner gets them."""

from __future__ import annotations

import gc
import threading

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QWidget

pytestmark = pytest.mark.gui


def _gated(gate: threading.Event, value=42, fail: bool = False):
    def work(ctx):
        ctx.progress(10, "started")
        assert gate.wait(10), "the test never opened the gate"
        if fail:
            raise ValueError("late failure")
        return value
    return work


def _callbacks(seen: list):
    return dict(on_done=lambda r: seen.append(("done", r)), on_error=lambda e: seen.append(("error", str(e))),
                on_progress=lambda p, t: seen.append(("progress", t)), on_cancelled=lambda: seen.append("cancelled"))


def test_live_owner_gets_every_callback(qtbot, runner):
    owner, seen, gate = QWidget(), [], threading.Event()
    qtbot.addWidget(owner)
    h = runner.submit(_gated(gate), name="live", owner=owner, **_callbacks(seen))
    qtbot.waitUntil(lambda: ("progress", "started") in seen, timeout=5000)
    assert runner.owned(owner) == [h]
    gate.set()
    qtbot.waitUntil(lambda: h.done, timeout=5000)
    assert seen == [("progress", "started"), ("done", 42)]
    assert runner.owned(owner) == []


@pytest.mark.parametrize("fail", [False, True])
def test_released_owner_gets_no_callback_but_the_task_ends(qtbot, runner, fail):
    owner, seen, gate = QWidget(), [], threading.Event()
    qtbot.addWidget(owner)
    h = runner.submit(_gated(gate, fail=fail), name="released", owner=owner, **_callbacks(seen))
    qtbot.waitUntil(lambda: h.state == "running", timeout=5000)
    runner.release(owner, cancel=False)  # e.g. an export the user asked for finishes on its own
    gate.set()
    ended = []
    h.signals.finished.connect(lambda r: ended.append(r))
    h.signals.failed.connect(lambda e: ended.append(e))
    qtbot.waitUntil(lambda: h.done, timeout=5000)
    assert h.state == ("failed" if fail else "done") and len(ended) == 1  # the handle still reports
    assert [s for s in seen if s != ("progress", "started")] == []


def test_deleted_widget_gets_no_callback_and_its_task_is_cancelled(qtbot, runner):
    owner, seen, gate = QWidget(), [], threading.Event()
    h = runner.submit(_gated(gate), name="deleted", owner=owner, **_callbacks(seen))
    qtbot.waitUntil(lambda: h.state == "running", timeout=5000)
    owner.close()
    owner.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert h.token.cancelled  # nobody is left to take the result: the work is asked to stop
    gate.set()
    qtbot.waitUntil(lambda: h.done, timeout=5000)
    assert [s for s in seen if s != ("progress", "started")] == []


def test_progress_after_release_is_dropped(qtbot, runner):
    owner, seen, gate, more = QWidget(), [], threading.Event(), threading.Event()
    qtbot.addWidget(owner)

    def work(ctx):
        ctx.progress(10, "first")
        gate.wait(10)
        ctx.progress(90, "second")
        more.set()
        return 1

    h = runner.submit(work, name="progress", owner=owner, **_callbacks(seen))
    qtbot.waitUntil(lambda: ("progress", "first") in seen, timeout=5000)
    runner.release(owner, cancel=False)
    gate.set()
    qtbot.waitUntil(lambda: h.done, timeout=5000)
    assert more.is_set() and h.text == "second"  # the handle saw the progress; the owner did not
    assert seen == [("progress", "first")]


def test_collected_plain_owner_gets_no_callback(qtbot, runner):
    class Screen:  # a Qt-free controller can own tasks too
        pass

    owner, seen, gate = Screen(), [], threading.Event()
    h = runner.submit(_gated(gate), name="collected", owner=owner, **_callbacks(seen))
    qtbot.waitUntil(lambda: h.state == "running", timeout=5000)
    del owner
    gc.collect()
    assert h.token.cancelled
    gate.set()
    qtbot.waitUntil(lambda: h.done, timeout=5000)
    assert [s for s in seen if s != ("progress", "started")] == []


def test_submit_for_a_released_owner_does_not_run(qtbot, runner):
    owner, ran = QWidget(), []
    qtbot.addWidget(owner)
    runner.release(owner)
    h = runner.submit(lambda ctx: ran.append(1), name="too late", owner=owner,
                      on_cancelled=lambda: ran.append("cb"))
    assert h.state == "cancelled" and h.done
    qtbot.wait(50)
    assert ran == []


def test_release_cancels_only_that_owners_tasks(qtbot, runner):
    a, b, gate = QWidget(), QWidget(), threading.Event()
    qtbot.addWidget(a)
    qtbot.addWidget(b)
    seen_b = []
    ha = runner.submit(lambda ctx: (gate.wait(10), ctx.check()), name="a", owner=a)
    hb = runner.submit(_gated(gate, value="b"), name="b", owner=b, on_done=lambda r: seen_b.append(r))
    qtbot.waitUntil(lambda: ha.state == "running" and hb.state == "running", timeout=5000)
    runner.release(a)
    assert ha.token.cancelled and not hb.token.cancelled
    gate.set()
    qtbot.waitUntil(lambda: ha.done and hb.done, timeout=5000)
    assert ha.state == "cancelled" and seen_b == ["b"]


def test_queued_task_of_a_deleted_owner_never_starts(qtbot, runner):
    owner, gate, ran = QWidget(), threading.Event(), []
    first = runner.submit(lambda ctx: gate.wait(10), name="blocker", queue="q")
    queued = runner.submit(lambda ctx: ran.append(1), name="queued", queue="q", owner=owner,
                           on_done=lambda r: ran.append("cb"))
    owner.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    gate.set()
    qtbot.waitUntil(lambda: first.done and queued.done, timeout=5000)
    assert queued.state == "cancelled" and ran == []
