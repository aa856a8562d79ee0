"""The task runner: core callables on worker threads, results back on the UI thread.

``submit(fn, name=..., queue=...)`` runs ``fn(ctx)`` on a QThreadPool worker with a
:class:`~aurora_console.core.tasks.TaskContext`. The worker only emits signals of an object
that lives on the UI thread; the runner (a QObject on the UI thread) receives them queued and
calls the ``on_done`` / ``on_error`` / ``on_progress`` callbacks there. Tasks sharing a ``queue``
key run one at a time in submission order (a database session is used by one thread at a time).
An error nobody handles becomes a non-modal notification plus a log entry.
"""

from __future__ import annotations

import itertools
import logging
import time
import traceback
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from aurora_console.core.tasks import Cancelled, CancelToken, TaskContext

log = logging.getLogger(__name__)


class _WorkerSignals(QObject):
    """Emitted from the worker thread; lives on the UI thread, so delivery is queued."""

    finished = Signal(object, object)  # handle, result
    failed = Signal(object, object)  # handle, exception
    progress = Signal(object, object, str)  # handle, percent|None, text


class TaskSignals(QObject):
    """Public per-task signals, always emitted on the UI thread."""

    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    progress = Signal(object, str)


class TaskHandle:
    _ids = itertools.count(1)

    def __init__(self, name: str, queue: str | None) -> None:
        self.id = next(self._ids)
        self.name = name
        self.queue = queue
        self.token = CancelToken()
        self.signals = TaskSignals()
        self.state = "pending"  # pending | running | done | failed | cancelled
        self.result: Any = None
        self.error: BaseException | None = None
        self.percent: int | None = None
        self.text = ""
        self.started_at: float | None = None
        self.ended_at: float | None = None

    @property
    def done(self) -> bool:
        return self.state in ("done", "failed", "cancelled")

    def cancel(self) -> None:
        self.token.cancel()

    def __repr__(self) -> str:
        return f"<Task {self.id} {self.name!r} {self.state}>"


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[TaskContext], Any], handle: TaskHandle, signals: _WorkerSignals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._handle = handle
        self._signals = signals

    def run(self) -> None:  # worker thread
        handle = self._handle
        ctx = TaskContext(handle.name, lambda p, t: self._signals.progress.emit(handle, p, t), handle.token)
        try:
            ctx.check()
            result = self._fn(ctx)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the UI thread
            if not isinstance(exc, Cancelled | Exception):
                exc = RuntimeError(f"{type(exc).__name__}: {exc}")
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._signals.failed.emit(handle, exc)
        else:
            self._signals.finished.emit(handle, result)


class TaskRunner(QObject):
    task_started = Signal(object)
    task_ended = Signal(object)
    task_progress = Signal(object)

    def __init__(self, notify_error: Callable[[str, BaseException], None] | None = None,
                 max_threads: int = 8, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._signals = _WorkerSignals(self)
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self._signals.progress.connect(self._on_progress)
        self._notify_error = notify_error
        self._callbacks: dict[int, tuple] = {}
        self._fns: dict[int, Callable] = {}
        self._queues: dict[str, deque[TaskHandle]] = {}
        self._busy_queues: set[str] = set()
        self._active: dict[int, TaskHandle] = {}
        self.closed = False

    # -- public API -------------------------------------------------------------------------
    def submit(
        self,
        fn: Callable[[TaskContext], Any],
        *,
        name: str,
        queue: str | None = None,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int | None, str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
    ) -> TaskHandle:
        handle = TaskHandle(name, queue)
        if self.closed:
            handle.state = "cancelled"
            return handle
        self._callbacks[handle.id] = (on_done, on_error, on_progress, on_cancelled)
        self._fns[handle.id] = fn
        self._active[handle.id] = handle
        if queue is not None and queue in self._busy_queues:
            self._queues.setdefault(queue, deque()).append(handle)
        else:
            self._start(handle)
        return handle

    def active(self) -> list[TaskHandle]:
        return [h for h in self._active.values() if not h.done]

    def cancel_all(self) -> None:
        for h in list(self._active.values()):
            h.cancel()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel everything and wait for the workers (called on exit)."""
        self.closed = True
        for q in self._queues.values():
            for h in q:
                h.state = "cancelled"
            q.clear()
        self.cancel_all()
        return self._pool.waitForDone(timeout_ms)

    # -- internals --------------------------------------------------------------------------
    def _start(self, handle: TaskHandle) -> None:
        if handle.queue is not None:
            self._busy_queues.add(handle.queue)
        if handle.token.cancelled:
            self._finish(handle, "cancelled")
            return
        handle.state = "running"
        handle.started_at = time.monotonic()
        self.task_started.emit(handle)
        self._pool.start(_Runnable(self._fns.pop(handle.id), handle, self._signals))

    @Slot(object, object)
    def _on_finished(self, handle: TaskHandle, result: Any) -> None:
        handle.result = result
        self._finish(handle, "done")

    @Slot(object, object)
    def _on_failed(self, handle: TaskHandle, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self._finish(handle, "cancelled")
            return
        handle.error = exc
        self._finish(handle, "failed")

    @Slot(object, object, str)
    def _on_progress(self, handle: TaskHandle, percent: int | None, text: str) -> None:
        if handle.done:
            return
        handle.percent, handle.text = percent, text
        cb = self._callbacks.get(handle.id, (None, None, None, None))[2]
        handle.signals.progress.emit(percent, text)
        self.task_progress.emit(handle)
        if cb is not None:
            self._call(cb, percent, text)

    def _finish(self, handle: TaskHandle, state: str) -> None:
        handle.state = state
        handle.ended_at = time.monotonic()
        self._fns.pop(handle.id, None)
        on_done, on_error, _, on_cancelled = self._callbacks.pop(handle.id, (None, None, None, None))
        self._active.pop(handle.id, None)
        if state == "done":
            handle.signals.finished.emit(handle.result)
            if on_done is not None:
                self._call(on_done, handle.result)
        elif state == "failed":
            exc = handle.error
            assert exc is not None
            detail = getattr(exc, "__traceback_text__", "")
            if on_error is not None:
                log.info("task %r failed: %s", handle.name, exc)
                handle.signals.failed.emit(exc)
                self._call(on_error, exc)
            else:
                log.error("task %r failed: %s\n%s", handle.name, exc, detail)
                handle.signals.failed.emit(exc)
                if self._notify_error is not None:
                    self._notify_error(handle.name, exc)
        else:
            handle.signals.cancelled.emit()
            if on_cancelled is not None:
                self._call(on_cancelled)
        self.task_ended.emit(handle)
        if handle.queue is not None:
            self._busy_queues.discard(handle.queue)
            pending = self._queues.get(handle.queue)
            if pending:
                self._start(pending.popleft())
            elif pending is not None:
                del self._queues[handle.queue]

    def _call(self, fn: Callable, *args: Any) -> None:
        """A callback that raises must not kill the event loop: log and notify instead."""
        try:
            fn(*args)
        except Exception as exc:  # noqa: BLE001
            log.exception("callback of a task failed")
            if self._notify_error is not None:
                self._notify_error("Updating the window", exc)
