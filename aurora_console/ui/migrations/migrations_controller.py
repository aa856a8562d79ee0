"""The migrations screen's state, Qt-free: the folder, the last overview and status, what runs
(one operation at a time on ``migrations:<profile>``), how the last one ended, and which actions
apply. ``MigrationsPanel`` renders it; this class imports no PySide6, so it is tested without a
QApplication (``tests/unit/ui/migrations/test_migrations_controller.py``).

Observers (:class:`~aurora_console.ui.observers.Observers`): ``changed()`` re-render (buttons,
summary); ``log(text)`` a line for the log pane; ``overview_shown(overview)`` a new overview (the
table, history label, ignored files); ``dry_run_done(result)``; ``refreshed(status)``;
``finished(result_or_exception)`` an apply (or any operation's failure) ended; ``repaired(result)``.

Tasks are submitted with ``owner`` (the panel): results for a closed panel are dropped by the runner.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aurora_console.core.db.migrations import (
    DiscoveryError,
    MigrationFailed,
    MigrationRunner,
    RepairResult,
    ValidationFailed,
    repair_preview,
)
from aurora_console.core.db.migrations.overview import Overview, project_runner, read_overview
from aurora_console.core.errors import user_text
from aurora_console.ui.observers import Observers

from .overview_text import apply_question, summary_html
from .repair_text import repair_log, repair_question


class MigrationsController:
    def __init__(self, runner, profile: str, connect: Callable, folder: Path | None, *, read_only: bool = False,
                 schema: str | None = None, table: str | None = None, out_of_order: bool | None = None,
                 owner: object | None = None) -> None:
        self.runner = runner
        self.profile = profile
        self.connect_fn = connect
        self.folder = Path(folder) if folder else None
        self.read_only = read_only
        self.schema, self.table, self.out_of_order = schema, table, out_of_order
        self.owner = owner
        self.queue = f"migrations:{profile}"
        self.status = None  # last Status
        self.overview: Overview | None = None  # last Overview (history format, transactions, ignored files)
        self.last_result = None  # MigrateResult of the last apply
        self.last_repair: RepairResult | None = None
        self.last_error: BaseException | None = None
        self.validation_problems: list = []
        self.summary = ""  # HTML: the overview's summary, or the last error in red
        self.handle = None
        self.stopping = False  # Stop was pressed: the running migration finishes, then the apply ends
        self.changed = Observers()
        self.log = Observers()
        self.overview_shown = Observers()
        self.dry_run_done = Observers()
        self.refreshed = Observers()
        self.finished = Observers()
        self.repaired = Observers()

    # -- derived state -----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.handle is not None and not self.handle.done

    @property
    def can_read(self) -> bool:
        """Refresh, Validate, Dry run."""
        return not self.busy and self.folder is not None

    @property
    def can_change_folder(self) -> bool:
        return not self.busy

    @property
    def can_apply(self) -> bool:
        return self.can_read and bool(self.status and self.status.pending) and not self.read_only

    @property
    def can_repair(self) -> bool:
        return self.can_read and not self.read_only

    @property
    def can_stop(self) -> bool:
        return self.busy and self.handle.name.startswith("Apply") and not self.stopping

    # -- tasks ---------------------------------------------------------------------------------------
    def engine(self, *, pin: bool = True) -> Callable[[], MigrationRunner]:
        """Makes the folder's runner (its Flyway settings, the history table found; with ``pin``, the table
        the last refresh showed, so what the user saw is what changes); call it on the worker."""
        seen = self.overview if pin and self.table is None else None
        schema, table = (seen.schema, seen.table) if seen is not None else (self.schema, self.table)
        connect, folder, out_of_order = self.connect_fn, self.folder, self.out_of_order
        return lambda: project_runner(connect, folder, schema=schema, table=table, out_of_order=out_of_order)

    def _submit(self, name: str, fn, on_done, *, keep_error: bool = False) -> None:
        if self.busy or self.folder is None:
            return
        if not keep_error:
            self.last_error = None
        self.stopping = False
        self.handle = self.runner.submit(fn, name=f"{name} ({self.profile})", queue=self.queue,
                                         on_done=lambda r: self._finish(on_done, r),
                                         on_error=self._failed, on_cancelled=lambda: self._finish(None, None),
                                         owner=self.owner)
        self.changed.emit()

    def _finish(self, on_done, result) -> None:
        if on_done is not None:
            on_done(result)
        self.changed.emit()

    # -- operations ------------------------------------------------------------------------------------
    def refresh(self, *, keep_error: bool = False) -> None:
        if self.folder is not None:
            make = self.engine(pin=False)  # the folder's settings and the database decide again
            self._submit("Migrations info", lambda ctx: read_overview(make()), self._show_overview,
                         keep_error=keep_error)

    def _show_overview(self, overview: Overview) -> None:
        self.overview = overview
        self.status = status = overview.status
        self.overview_shown.emit(overview)
        for w in overview.ignored:
            self.log.emit(f"warning: {w}")
        for p in status.problems:
            self.log.emit(f"problem: {p}")
        last = first_line(self.last_error) if self.last_error is not None else None
        self.summary = summary_html(overview, last)
        self.changed.emit()
        self.refreshed.emit(status)

    def validate(self) -> None:
        if self.folder is None:
            return
        self.log.emit("Validating…")
        make = self.engine()

        def work(ctx) -> Overview:
            runner = make()
            runner.validate()
            return read_overview(runner)

        def done(overview: Overview) -> None:
            self.validation_problems = []
            status = overview.status
            self.log.emit(f"Validation passed: {len(status.infos)} migration(s), {len(status.pending)} pending.")
            self._show_overview(overview)

        self._submit("Validate migrations", work, done)

    def dry_run(self) -> None:
        if self.folder is None:
            return

        def done(result) -> None:
            self.dry_run_done.emit(result)
            self.log.emit(f"Dry run: {len(result.plan)} migration(s) would be applied.")

        make = self.engine()
        self._submit("Dry run migrations", lambda ctx: make().migrate(dry_run=True), done)

    def apply(self, confirm: Callable[[str], bool], on_event: Callable) -> bool:
        """Ask ``confirm(question)`` (naming the profile and the files without a transaction), then
        apply every pending migration; ``on_event(MigrationEvent)`` is called on the worker thread.
        False when nothing started."""
        if self.read_only or self.busy or self.folder is None:
            return False
        pending = list(self.status.pending) if self.status else []
        if not pending:
            self.log.emit("Nothing to apply.")
            return False
        no_tx = self.overview.without_transaction() if self.overview is not None else {}
        if not confirm(apply_question(pending, self.profile, no_tx)):
            return False

        def done(result) -> None:
            self.last_result = result
            if result is not None:
                self.log.emit(f"Applied {len(result.applied)} migration(s)"
                              + (f"; stopped with {len(result.remaining)} left." if result.stopped else "."))
            self.finished.emit(result)
            self.refresh()

        make = self.engine()
        self._submit("Apply migrations", lambda ctx: make().migrate(task=ctx, on_event=on_event), done)
        return True

    def repair(self, confirm: Callable[[str], bool]) -> bool:
        """Ask (naming the profile and what will change), then repair the history table."""
        if self.read_only or self.busy or self.folder is None:
            return False
        preview = repair_preview(self.status) if self.status is not None else RepairResult()
        table = f"{self.overview.schema}.{self.overview.table}" if self.overview else "the history table"
        if not confirm(repair_question(preview, self.profile, table)):
            return False

        def done(result) -> None:
            self.last_repair = result
            for line in repair_log(result):
                self.log.emit(line)
            self.repaired.emit(result)
            self.refresh()

        make = self.engine()
        self._submit("Repair migrations history", lambda ctx: make().repair(), done)
        return True

    def stop(self) -> bool:
        """Stop after the running migration (the runner's cancel)."""
        if not self.busy:
            return False
        self.log.emit("Stopping after the current migration…")
        self.stopping = True
        self.handle.cancel()
        self.changed.emit()
        return True

    def set_folder(self, folder: Path) -> None:
        self.folder, self.overview = Path(folder), None
        self.changed.emit()
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.last_error = exc
        if isinstance(exc, ValidationFailed | DiscoveryError):
            self.validation_problems = list(exc.problems)
            self.log.emit(f"Validation failed ({len(exc.problems)} problem(s)):")
            for p in exc.problems:
                self.log.emit(f"  {p}")
            if exc.hint:
                self.log.emit(f"  What to do: {exc.hint}")
        else:
            self.log.emit(f"Error: {user_text(exc)}")
        self.summary = f"<span style='color:#cf222e'>{first_line(exc)}</span>"
        self.changed.emit()
        self.finished.emit(exc)
        if isinstance(exc, MigrationFailed):
            self.refresh(keep_error=True)  # show what did get applied; the error stays readable


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
