"""A task cancelled at the worst moment: just after the worker's last check, before its statement
reaches the server (core/db/statement_cancel.py). Shared by the PostgreSQL and MySQL tests."""

from __future__ import annotations

import threading

from aurora_console.core.tasks import TaskContext


class CancelledRightAfterItsCheck(TaskContext):
    """The first ``check()`` passes, then cancels the task and returns only once the session's
    cancel has reached the server, which is still idle: PostgreSQL drops that cancel request, and
    MySQL's KILL QUERY finds nothing to kill (the server clears it when the statement starts)."""

    def __init__(self, session) -> None:
        super().__init__("run")
        self._armed = True
        self._sent = threading.Event()
        send = session.cancel

        def cancel_and_tell() -> None:
            send()
            self._sent.set()

        session.cancel = cancel_and_tell  # before the session's statement cancel is made

    def check(self) -> None:
        super().check()
        if self._armed:
            self._armed = False
            self.token.cancel()
            assert self._sent.wait(10)  # the cancel has reached the still idle server


def error_of_a_run_cancelled_as_it_starts(session, run) -> BaseException | None:
    """Run ``run(task)`` on a thread with a :class:`CancelledRightAfterItsCheck` task of ``session``;
    the error it ended with (None: it returned). Fails the test when the cancel was lost: the
    statement still runs 30 s later (it is then cancelled for good, so the test ends)."""
    task = CancelledRightAfterItsCheck(session)
    box: dict = {}

    def work() -> None:
        try:
            run(task)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc

    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(30)
    if t.is_alive():  # the old behaviour: the cancel reached an idle server and the statement ran on
        session.cancel()
        t.join(20)
        raise AssertionError("the cancel pressed as the statement started was lost")
    return box.get("error")
