"""The task runner: core callables on worker threads, results back on the UI thread.

``submit(fn, name=..., queue=...)`` runs ``fn(ctx)`` on a QThreadPool worker with a
:class:`~aurora_console.core.tasks.TaskContext`. The worker only emits signals of an object
that lives on the UI thread; the runner (a QObject on the UI thread) receives them queued and
calls the ``on_done`` / ``on_error`` / ``on_progress`` callbacks there. Tasks sharing a ``queue``
key run one at a time in submission order (a database session is used by one thread at a time).
An error nobody handles becomes a non-modal notification plus a log entry.

Late callbacks are handled here, once: ``submit(..., owner=widget)`` ties the task's callbacks
to ``widget``. Once the owner is gone (its C++ object destroyed, its Python object collected, or
the screen said so with :meth:`TaskRunner.release`), the task's ``on_done`` / ``on_error`` /
``on_progress`` / ``on_cancelled`` are dropped; the handle's own state and signals still report
the end. A destroyed owner also cancels its unfinished tasks; ``release(owner, cancel=False)``
lets work the user asked for (an export, closing a session) finish on its own.

Workers keep the UI thread's scheduling priority on purpose. A lower one was measured and is
worse where it matters: a worker holding the GIL the UI thread waits for then gets a core last.
Qt's IdlePriority (SCHED_IDLE on Linux) gave a 553 ms stall; a per-thread nice of 10 (Linux)
gave 997 and 2,361 ms stalls in 3 busy-loop refreshes of the metrics dashboard at a 60 s period
(the same refreshes at the UI thread's priority: 213-455 ms, load 10-11), the UI thread using
1-5 ms of CPU in them. Likely cause: with Linux's autogroup scheduling a niced thread also lowers its
session's weight on its core (averaged over time, so the blocked UI thread still counts).
"""

from __future__ import annotations

import itertools
import logging
import time
import traceback
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from shiboken6 import isValid

from aurora_console.core.tasks import Cancelled, CancelToken, TaskContext
from aurora_console.ui.ui_first import step_aside

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


class _Owner:
    """What the runner knows of one owner: whether it is still there, and its unfinished tasks."""

    __slots__ = ("ref", "alive", "gone", "handles")

    def __init__(self, ref) -> None:
        self.ref = ref  # a weak reference (or, for an object that takes none, a strong one)
        self.alive = True  # False once released or gone: callbacks are dropped
        self.gone = False  # the owner object itself no longer exists (destroyed or collected)
        self.handles: set[TaskHandle] = set()

    def present(self) -> bool:
        if self.alive and not self.gone:
            owner = self.ref()
            if owner is None or (isinstance(owner, QObject) and not isValid(owner)):
                self.gone = True
        if self.gone:
            self.alive = False
        return self.alive


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[TaskContext], Any], handle: TaskHandle, signals: _WorkerSignals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._handle = handle
        self._signals = signals

    def run(self) -> None:  # worker thread
        handle = self._handle
        ctx = TaskContext(handle.name, lambda p, t: self._signals.progress.emit(handle, p, t), handle.token,
                          pause=step_aside)  # long core work gives way while the UI paints (ui_first.py)
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
        self._owners: dict[int, _Owner] = {}  # id(owner) -> what the runner knows of it
        self._owner_of: dict[int, _Owner] = {}  # handle id -> its owner's record
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
        owner: object | None = None,
    ) -> TaskHandle:
        """Run ``fn(ctx)`` on a worker; the callbacks run on the UI thread. With ``owner`` (the
        widget or screen the callbacks update), they are dropped once that owner is gone; a task
        submitted for an owner already gone does not run (its handle ends "cancelled")."""
        handle = TaskHandle(name, queue)
        record = self._record(owner) if owner is not None else None
        if self.closed or (record is not None and not record.present()):
            handle.state = "cancelled"
            return handle
        if record is not None:
            record.handles.add(handle)
            self._owner_of[handle.id] = record
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

    def release(self, owner: object, *, cancel: bool = True) -> None:
        """``owner`` is gone (its screen closed): the callbacks of its tasks are dropped from now
        on; with ``cancel`` its unfinished tasks are cancelled too. Idempotent."""
        record = self._owners.get(id(owner))
        if record is None or record.ref() is not owner:
            record = self._record(owner)
        record.alive = False
        if cancel:
            for h in list(record.handles):
                h.cancel()
        self._forget_if_idle(record)

    def cancel_owned(self, owner: object) -> None:
        """Cancel the unfinished tasks of ``owner`` (it stays alive: their callbacks still come)."""
        record = self._owners.get(id(owner))
        if record is not None and record.ref() is owner:
            for h in list(record.handles):
                h.cancel()

    def owned(self, owner: object) -> list[TaskHandle]:
        """The unfinished tasks submitted for ``owner``."""
        record = self._owners.get(id(owner))
        if record is None or record.ref() is not owner:
            return []
        return [h for h in record.handles if not h.done]

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
    def _record(self, owner: object) -> _Owner:
        key = id(owner)
        record = self._owners.get(key)
        if record is not None and record.ref() is owner:
            return record
        try:
            ref = weakref.ref(owner, lambda _r, k=key: self._collected(k))
        except TypeError:  # an object without weak references: held until released
            ref = (lambda o: (lambda: o))(owner)
        record = self._owners[key] = _Owner(ref)
        if isinstance(owner, QObject):
            # called from the owner's destructor: the record, not the half-gone owner, is used
            owner.destroyed.connect(lambda *_a, r=record: self._owner_destroyed(r))
        return record

    def _owner_destroyed(self, record: _Owner) -> None:
        was_alive, record.alive, record.gone = record.alive, False, True
        if was_alive:  # destroyed without release(): nobody is left to take its results
            for h in list(record.handles):
                h.cancel()
        self._forget_if_idle(record)

    def _collected(self, key: int) -> None:
        record = self._owners.get(key)
        if record is not None and record.ref() is None:
            record.alive, record.gone = False, True
            for h in list(record.handles):
                h.cancel()
            self._forget_if_idle(record)

    def _forget_if_idle(self, record: _Owner) -> None:
        """A record is kept while its owner exists (a released owner stays released)."""
        if not record.gone or record.handles:
            return
        for key, r in list(self._owners.items()):
            if r is record:
                del self._owners[key]

    def _owner_present(self, handle: TaskHandle) -> bool:
        record = self._owner_of.get(handle.id)
        return record is None or record.present()

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
        if cb is not None and self._owner_present(handle):
            self._call(cb, percent, text)

    def _finish(self, handle: TaskHandle, state: str) -> None:
        handle.state = state
        handle.ended_at = time.monotonic()
        self._fns.pop(handle.id, None)
        on_done, on_error, _, on_cancelled = self._callbacks.pop(handle.id, (None, None, None, None))
        self._active.pop(handle.id, None)
        record = self._owner_of.pop(handle.id, None)
        if record is not None:
            record.handles.discard(handle)
            if not record.present():  # a late result for an owner that is gone: dropped here, once
                log.debug("task %r ended after its owner was gone: callbacks dropped", handle.name)
                on_done = on_cancelled = None
                on_error = on_error if on_error is None else (lambda _exc: None)
            self._forget_if_idle(record)
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
