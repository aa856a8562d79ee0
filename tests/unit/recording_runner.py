"""A stand-in for ``ui.tasks.TaskRunner`` in the unit tests of Qt-free screen controllers: it
records each ``submit`` and runs nothing; a test ends a task the way the real runner delivers
the end on the UI thread (``finish``, ``fail``, ``cancelled``), or ``run()``s its callable here."""

from __future__ import annotations

from dataclasses import dataclass, field

from aurora_console.core.tasks import TaskContext


@dataclass
class RecordedTask:
    fn: object
    name: str
    queue: str | None
    owner: object
    on_done: object = None
    on_error: object = None
    on_progress: object = None
    on_cancelled: object = None
    state: str = "running"
    cancel_requested: bool = False

    @property
    def done(self) -> bool:
        return self.state != "running"

    def cancel(self) -> None:
        self.cancel_requested = True

    def finish(self, result=None) -> None:
        self.state = "done"
        if self.on_done is not None:
            self.on_done(result)

    def fail(self, exc: BaseException) -> None:
        self.state = "failed"
        self.on_error(exc)

    def cancelled(self) -> None:
        self.state = "cancelled"
        if self.on_cancelled is not None:
            self.on_cancelled()

    def run(self) -> None:
        """Run the submitted callable here (no worker) and deliver its result or its error."""
        try:
            result = self.fn(TaskContext(self.name))
        except Exception as exc:  # noqa: BLE001 - the runner hands every failure to on_error
            self.fail(exc)
            return
        self.finish(result)


@dataclass
class RecordingRunner:
    tasks: list[RecordedTask] = field(default_factory=list)

    def submit(self, fn, *, name, queue=None, on_done=None, on_error=None, on_progress=None, on_cancelled=None,
               owner=None) -> RecordedTask:
        task = RecordedTask(fn, name, queue, owner, on_done, on_error, on_progress, on_cancelled)
        self.tasks.append(task)
        return task

    @property
    def last(self) -> RecordedTask:
        return self.tasks[-1]
