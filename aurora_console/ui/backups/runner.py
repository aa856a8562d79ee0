"""The backup panel's bridge to the task runner: loads (read-only calls) and prepared actions
(audited, with progress and cancel). Results for a closed panel are dropped by the runner (the
tasks are submitted with ``owner=self``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from aurora_console.core.aws.backups.operations import BackupAction, BackupResult, run_backup_action
from aurora_console.core.errors import error_message

log = logging.getLogger(__name__)


class BackupTasks(QObject):
    """Counts running loads; runs one action at a time and reports its progress."""

    changed = Signal()  # busy state / action progress changed
    action_finished = Signal(object)  # BackupResult
    action_failed = Signal(str)  # plain message

    def __init__(self, services, read_only: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._read_only = read_only
        self.loading = 0
        self.action_handle = None
        self.action_text = ""
        self.last_message = ""
        self.last_error = ""
        self.poll_interval: float | None = None  # None: 2 s on the sandbox, 10 s on AWS

    def close(self) -> None:
        """The panel is closing: late results are dropped; loads end on their own."""
        self.services.runner.release(self, cancel=False)
        if self.action_handle is not None and not self.action_handle.done:
            # the AWS side goes on; only our waiting stops
            self.action_handle.cancel()

    # -- loads ---------------------------------------------------------------------------------
    def load(self, name: str, fn: Callable[[Any], Any], on_done: Callable[[Any], None],
             on_error: Callable[[BaseException], None]) -> None:
        aws = self.services.aws
        if aws is None:
            on_error(RuntimeError("No AWS session (choose a profile or open the sandbox)."))
            return
        self.loading += 1
        self.changed.emit()

        def finish(cb, value) -> None:
            self.loading -= 1
            try:
                cb(value)
            finally:
                self.changed.emit()

        self.services.runner.submit(
            lambda ctx: fn(aws), name=name,
            on_done=lambda r: finish(on_done, r),
            on_error=lambda e: finish(on_error, e),
            on_cancelled=lambda: finish(on_error, RuntimeError(f"{name}: cancelled")), owner=self,
        )

    # -- actions -------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.action_handle is not None and not self.action_handle.done

    def run(self, action: BackupAction, then: Callable[[BackupResult], None] | None = None):
        aws = self.services.aws
        if aws is None or self.running:
            return None
        audit = self.services.audit
        read_only = self._read_only()
        interval = self.poll_interval or (2.0 if aws.is_sandbox else 10.0)
        self.action_text = f"{action.title}…"
        self.last_error = ""

        def done(result: BackupResult) -> None:
            self.action_handle = None
            self.last_message = result.message
            self.action_text = result.message
            self.services.notifier.info("Backups", result.message)
            self.changed.emit()
            self.action_finished.emit(result)
            if then is not None:
                then(result)

        def failed(exc: BaseException | str) -> None:
            self.action_handle = None
            if isinstance(exc, str):  # the user stopped waiting: worth a warning, not an error
                self.last_error = exc
                self.services.notifier.warning("Backups", exc)
            else:
                self.last_error = error_message(exc)
                self.services.notifier.error("Backup action failed", exc)
            self.action_text = self.last_error
            self.changed.emit()
            self.action_failed.emit(self.last_error)

        def progress(_p, text: str) -> None:
            self.action_text = text
            self.changed.emit()

        self.action_handle = self.services.runner.submit(
            lambda ctx: run_backup_action(aws, action, audit=audit, task=ctx, read_only=read_only,
                                          poll_interval=interval),
            name=action.title, on_done=done, on_error=failed, on_progress=progress,
            on_cancelled=lambda: failed(
                f"{action.title}: stopped waiting (AWS carries on with what it accepted; refresh to check)"),
            owner=self,
        )
        self.changed.emit()
        return self.action_handle

    def cancel(self) -> None:
        if self.running:
            self.action_handle.cancel()
