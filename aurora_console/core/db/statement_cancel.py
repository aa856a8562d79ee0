"""Cancel a session's statement even when the cancel arrives just before the statement does.

PostgreSQL's cancel request (and MySQL's ``KILL QUERY``) acts on the statement running *when the
server receives it*. A worker checks its task for a cancel and then sends its statement; a cancel
pressed between the two reaches a server that is still idle, which drops it (PostgreSQL discards
a cancel that arrives while the backend waits for a command; MySQL clears the kill flag when the
next statement starts), and the statement then runs to its end although the user pressed Cancel.

:class:`StatementCancel` closes that gap: while a worker is inside :meth:`guard`, a cancel of its
task is sent at once and then again after 0.1 s, 0.2 s, 0.4 s ... (at most every 2 s, at most
:data:`REPEATS` times) until the worker leaves the guard or says the statement has stopped
(:meth:`quiet`). A repeat can only reach the guarded work: no send starts after :meth:`quiet`, and
it waits (up to :data:`QUIET_WAIT_S`) for a send already under way, so no cancel lands on the
clean-up that follows (a ``ROLLBACK``, closing a cursor) nor on a later task's statement. The
sends themselves run without any lock held: a send stuck on an unreachable server (PostgreSQL's
cancel waits up to 10 s) holds up the failed statement's worker for one second at most.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: the first repeat, and the longest pause between two repeats (seconds)
FIRST_REPEAT_S = 0.1
LONGEST_REPEAT_S = 2.0
#: repeats after the first send (0.1 + 0.2 + ... : about 15 s in all); a statement that reached the
#: server has had its cancel by then, and one that ignores it gets no new connection every 2 s
REPEATS = 10
#: how long :meth:`StatementCancel.quiet` waits for a send under way (a stuck one: the server or
#: its tunnel is not answering, and the clean-up would not reach it either)
QUIET_WAIT_S = 1.0


class StatementCancel:
    """The cancel of one session's statements; ``send`` is the session's own cancel (safe from any
    thread, a no-op when nothing runs). One worker at a time uses a session, so guards nest only
    within that worker (a fetch inside a statement's run)."""

    def __init__(self, send: Callable[[], None]) -> None:
        self._send = send
        self._lock = threading.Condition()  # guards the state below; never held while sending
        self._sending = 0  # sends under way
        self._depth = 0
        self._run = 0  # which outermost guard is running; a late cancel of an earlier one is dropped
        self._quiet = True
        self._wake = threading.Event()
        #: cancels sent (the first and its repeats), for tests and logs
        self.sent = 0

    @contextmanager
    def guard(self, task) -> Iterator[None]:
        """Cancel the statements run inside when ``task`` is cancelled (``task`` None: no cancel)."""
        if task is None:
            yield
            return
        with self._lock:
            self._depth += 1
            if self._depth == 1:
                self._run += 1
                self._quiet = False
                self._wake.clear()
            run = self._run
        unregister = task.token.on_cancel(lambda: self._cancelled(run))
        try:
            yield
        finally:
            unregister()
            with self._lock:
                self._depth -= 1
                if self._depth == 0:  # as quiet(): the session's next statement is no longer this run's
                    self._quiet = True
                    self._wake.set()
                    self._lock.wait_for(lambda: self._sending == 0, timeout=QUIET_WAIT_S)

    def quiet(self) -> None:
        """The guarded statement has stopped (it failed, or was cancelled): send no more cancels
        for this run, and return only once no send is in progress. Call before any clean-up."""
        with self._lock:
            self._quiet = True
            self._wake.set()
            self._lock.wait_for(lambda: self._sending == 0, timeout=QUIET_WAIT_S)

    def _send_if_wanted(self, run: int) -> bool:
        with self._lock:
            if self._quiet or run != self._run:
                return False
            self.sent += 1
            self._sending += 1
        try:
            self._send()
        except Exception:  # noqa: BLE001 - a failed cancel is retried; the statement's error tells
            pass
        finally:
            with self._lock:
                self._sending -= 1
                self._lock.notify_all()
        return True

    def _cancelled(self, run: int) -> None:
        """On the cancel token's helper thread (or on the worker, when the task was already
        cancelled as the guard began): send now, then keep repeating on a thread of its own."""
        if not self._send_if_wanted(run):
            return
        threading.Thread(target=self._repeat, args=(run,), name="statement-cancel", daemon=True).start()

    def _repeat(self, run: int) -> None:
        pause = FIRST_REPEAT_S
        for _ in range(REPEATS):
            if self._wake.wait(pause) or not self._send_if_wanted(run):
                return
            pause = min(pause * 2, LONGEST_REPEAT_S)
