"""Qt-free task context: progress reporting and cooperative cancellation.

Every callable handed to the UI's task runner receives a :class:`TaskContext`. Core functions
accept ``task: TaskContext | None = None`` and call ``task.check()`` between steps, report with
``task.progress(...)``, and register ``task.token.on_cancel(fn)`` to interrupt blocking calls
(for example psycopg's protocol cancel request).
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Cancelled(Exception):
    """Raised inside a task when the user cancelled it."""

    def __init__(self, message: str = "Cancelled by the user") -> None:
        super().__init__(message)


def _run_callbacks(callbacks: list[Callable[[], None]]) -> None:
    for fn in callbacks:
        try:
            fn()
        except Exception:  # a failing canceller must not stop the others
            import logging

            logging.getLogger(__name__).exception("cancel callback failed")


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        """Mark cancelled and run the cancel callbacks on a helper thread.

        Callbacks may block (psycopg's protocol cancel request waits for the server, up to its
        timeout, exactly when the server or tunnel is stuck), and ``cancel`` is usually called from
        the UI thread, which must never wait on them.
        """
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            callbacks, self._callbacks = self._callbacks, []
        if callbacks:
            threading.Thread(target=_run_callbacks, args=(callbacks,), name="task-cancel", daemon=True).start()

    def on_cancel(self, fn: Callable[[], None]) -> Callable[[], None]:
        """Call ``fn`` when cancelled (at once if already). Returns an unregister function."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(fn)

                def unregister() -> None:
                    with self._lock:
                        if fn in self._callbacks:
                            self._callbacks.remove(fn)

                return unregister
        fn()
        return lambda: None

    def wait(self, timeout: float | None = None) -> bool:
        """Sleep up to ``timeout`` seconds; True if cancelled meanwhile (use instead of time.sleep)."""
        return self._event.wait(timeout)


ProgressFn = Callable[[object, str], None]


class TaskContext:
    """Handed to task callables; safe to use from the worker thread."""

    def __init__(self, name: str = "", progress: ProgressFn | None = None, token: CancelToken | None = None,
                 pause: Callable[[], object] | None = None):
        self.name = name
        self.token = token or CancelToken()
        self._progress = progress
        self._pause = pause

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled

    def check(self) -> None:
        if self.token.cancelled:
            raise Cancelled()

    def progress(self, percent: int | float | None, text: str = "") -> None:
        """Report progress: ``percent`` 0-100, or None when the total is unknown."""
        if self._progress is not None:
            self._progress(None if percent is None else max(0, min(100, int(percent))), text)

    def pause(self) -> None:
        """Called between short slices of long Python work (a big parse): gives way to the UI
        thread while it paints (the UI's runner passes ``ui/ui_first.step_aside``), then raises
        :class:`Cancelled` if the task was cancelled. Cheap when there is nothing to give way to."""
        if self._pause is not None:
            self._pause()
        self.check()

    def sleep(self, seconds: float) -> None:
        """Sleep, but wake and raise :class:`Cancelled` as soon as the task is cancelled."""
        if self.token.wait(seconds):
            raise Cancelled()


def null_context() -> TaskContext:
    return TaskContext("inline")
