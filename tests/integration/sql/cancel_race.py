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
