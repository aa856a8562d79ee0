"""StatementCancel: a task's cancel is repeated until the guarded statement stopped, and never
reaches the clean-up after it nor a later run (core/db/statement_cancel.py)."""

from __future__ import annotations

import threading

from aurora_console.core.db.statement_cancel import StatementCancel
from aurora_console.core.tasks import TaskContext


class Sends:
    def __init__(self) -> None:
        self.count = 0
        self.event = threading.Event()
        self.lock = threading.Lock()
        self.enough = 3

    def __call__(self) -> None:
        with self.lock:
            self.count += 1
            if self.count >= self.enough:
                self.event.set()


def test_a_cancel_is_repeated_while_the_statement_runs():
    sends = Sends()
    sc = StatementCancel(sends)
    task = TaskContext("t")
    with sc.guard(task):
        task.token.cancel()
        assert sends.event.wait(10), "the cancel was not repeated"
        sc.quiet()
        after_quiet = sends.count
    assert sc.sent == after_quiet >= 3
    # nothing more once quiet, even a while later
    threading.Event().wait(0.35)
    assert sends.count == after_quiet


def test_leaving_the_guard_stops_the_repeats_and_a_later_run_is_not_cancelled():
    sends = Sends()
    sc = StatementCancel(sends)
    first = TaskContext("first")
    with sc.guard(first):
        first.token.cancel()
        sends.enough = 1
        assert sends.event.wait(10)
    n = sends.count
    second = TaskContext("second")
    with sc.guard(second):
        threading.Event().wait(0.35)  # the first run's repeat thread would have fired by now
        assert sends.count == n
    assert not second.cancelled


def test_a_late_callback_of_an_earlier_run_is_dropped():
    sends = Sends()
    sc = StatementCancel(sends)
    callbacks = []

    class Token:
        cancelled = False

        def on_cancel(self, fn):
            callbacks.append(fn)
            return lambda: None  # the callback was already handed to the token's thread

    class Task:
        token = Token()

    with sc.guard(Task()):
        pass
    with sc.guard(Task()):
        callbacks[0]()  # the first run's cancel arrives while the second run's statement runs
        assert sends.count == 0
        callbacks[1]()
        assert sends.count == 1
        sc.quiet()


def test_nested_guards_share_one_run_and_quiet_silences_both():
    sends = Sends()
    sc = StatementCancel(sends)
    task = TaskContext("t")
    with sc.guard(task):
        with sc.guard(task):
            task.token.cancel()
            sends.enough = 1
            assert sends.event.wait(10)
            sc.quiet()  # the inner fetch failed: its ROLLBACK follows
        n = sends.count
        threading.Event().wait(0.35)
        assert sends.count == n  # the outer guard does not start cancelling again


def test_no_task_means_no_cancel():
    sends = Sends()
    sc = StatementCancel(sends)
    with sc.guard(None):
        pass
    assert sends.count == 0


def test_a_failing_send_is_retried():
    calls = []
    done = threading.Event()

    def send():
        calls.append(1)
        if len(calls) == 1:
            raise OSError("the server did not answer the cancel")
        done.set()

    sc = StatementCancel(send)
    task = TaskContext("t")
    with sc.guard(task):
        task.token.cancel()
        assert done.wait(10)
        sc.quiet()
    assert len(calls) >= 2


def test_a_stuck_send_holds_up_quiet_only_for_a_bounded_wait(monkeypatch):
    from aurora_console.core.db import statement_cancel

    monkeypatch.setattr(statement_cancel, "QUIET_WAIT_S", 0.05)
    started, release = threading.Event(), threading.Event()
    ended = []

    def stuck_send():  # the server does not answer the cancel (a dropped tunnel)
        started.set()
        release.wait(30)
        ended.append(1)

    sc = StatementCancel(stuck_send)
    task = TaskContext("t")
    try:
        with sc.guard(task):
            task.token.cancel()
            assert started.wait(10)
            sc.quiet()  # returns although the send is still under way
            assert ended == []
    finally:
        release.set()


def test_quiet_waits_for_a_send_under_way_so_it_cannot_reach_the_clean_up(monkeypatch):
    from aurora_console.core.db import statement_cancel

    monkeypatch.setattr(statement_cancel, "QUIET_WAIT_S", 30.0)  # a loaded machine: the wait is not the subject
    order = []
    started, go_on = threading.Event(), threading.Event()

    def slow_send():
        started.set()
        go_on.wait(10)
        order.append("cancel reached the server")

    sc = StatementCancel(slow_send)
    task = TaskContext("t")
    with sc.guard(task):
        task.token.cancel()
        assert started.wait(10)
        threading.Timer(0.2, go_on.set).start()
        sc.quiet()
        order.append("clean-up")
    assert order == ["cancel reached the server", "clean-up"]


def test_repeats_end_after_a_bounded_number(monkeypatch):
    from aurora_console.core.db import statement_cancel

    monkeypatch.setattr(statement_cancel, "FIRST_REPEAT_S", 0.001)
    monkeypatch.setattr(statement_cancel, "LONGEST_REPEAT_S", 0.001)
    sends = Sends()
    sends.enough = 1 + statement_cancel.REPEATS
    sc = StatementCancel(sends)
    task = TaskContext("t")
    with sc.guard(task):
        task.token.cancel()
        assert sends.event.wait(10)
        threading.Event().wait(0.2)
        assert sends.count == 1 + statement_cancel.REPEATS  # the first and its repeats, no more
