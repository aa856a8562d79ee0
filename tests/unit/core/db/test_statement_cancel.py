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
