"""MigrationsPanel: pending and applied migrations, dry run, apply with progress, validate, repair.

Every database call runs through the task runner on the queue ``migrations:<profile>`` (one at a
time); per-migration progress arrives as :class:`MigrationEvent` objects forwarded from the
worker thread through a Qt signal.

For a Flyway project it also shows (from :class:`~aurora_console.core.db.migrations.overview.Overview`)
which history table and format it found, how each file runs (the Transaction column, with the
reason), the files it ignores with their warning (the "Ignored files" tab) and the entries another
tool applied (JDBC, Java: state ``external``). The runner is built on the worker thread by
``project_runner`` (it reads the project's Flyway configuration and may look for an existing
history table).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.db.migrations import (
    DiscoveryError,
    MigrationEvent,
    MigrationFailed,
    MigrationRunner,
    RepairResult,
    ValidationFailed,
    repair_preview,
)
from aurora_console.core.db.migrations.overview import Overview, project_runner, read_overview

from .overview_text import apply_question, dry_run_text, history_tooltip, summary_html
from .progress_delegate import ProgressDelegate
from .repair_text import repair_log, repair_question
from .table_model import PROGRESS_COLUMN, TRANSACTION_COLUMN, MigrationsTableModel


class _EventBridge(QObject):
    """Lives on the UI thread; ``event.emit`` from the worker is delivered queued."""

    event = Signal(object)


class MigrationsPanel(QWidget):
    refreshed = Signal(object)  # Status
    finished = Signal(object)  # MigrateResult, or the exception that stopped the run
    repaired = Signal(object)  # RepairResult

    def __init__(self, runner, profile: str, connect: Callable, folder: Path | None, *, read_only: bool = False,
                 schema: str | None = None, table: str | None = None, out_of_order: bool | None = None,
                 on_folder_changed: Callable[[Path], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("migrationsPanel")
        self.runner = runner
        self.profile = profile
        self.connect_fn = connect
        self.folder = Path(folder) if folder else None
        self.read_only = read_only
        self.schema, self.table, self.out_of_order = schema, table, out_of_order
        self.on_folder_changed = on_folder_changed
        self.queue = f"migrations:{profile}"
        self.status = None  # last Status
        self.overview: Overview | None = None  # last Overview (history format, transactions, ignored files)
        self.last_result = None
        self.last_repair = None  # RepairResult of the last repair
        self._dialog_title = "Apply migrations"
        self.last_error: BaseException | None = None
        self.validation_problems: list = []
        self.handle = None
        self.confirm: Callable[[str], bool] = self._ask
        self.choose_folder: Callable[[], str | None] = self._pick_folder
        self._bridge = _EventBridge(self)
        self._bridge.event.connect(self._on_event)
        self._build()
        self.refresh()

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.folder_label = QLabel()
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # long paths and texts never widen the tab (and squeeze the navigator): clip or wrap instead
        self.folder_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.folder_button = QPushButton("Folder…")
        self.folder_button.clicked.connect(self.change_folder)
        top = QHBoxLayout()
        top.addWidget(QLabel(f"<b>{self.profile}</b>"))
        top.addWidget(self.folder_label, 1)
        self.history_label = QLabel(objectName="migrationsHistory")
        top.addWidget(self.history_label)
        top.addWidget(self.folder_button)

        self.refresh_button = self._button("Refresh", self.refresh, "F5", "Read the folder and the history table")
        self.validate_button = self._button("Validate", self.validate, None,
                                            "Check as Flyway does: checksums, missing, pending and out-of-order files")
        self.dry_run_button = self._button("Dry run", self.dry_run, None, "Show the SQL that would be applied")
        self.apply_button = self._button("Apply pending", self.apply, "Ctrl+Return",
                                         "Apply every pending migration, each in its own transaction unless it cannot run in one")
        self.stop_button = self._button("Stop after current", self.stop, "Esc",
                                        "Finish the running migration, then stop")
        self.stop_button.setEnabled(False)
        self.repair_button = self._button(
            "Repair", self.repair, None,
            "Remove failed entries, mark applied migrations whose file is gone as deleted, accept edited checksums")
        self.summary = QLabel(objectName="migrationsSummary", wordWrap=True)
        bar = QHBoxLayout()
        for b in (self.refresh_button, self.validate_button, self.dry_run_button, self.apply_button,
                  self.stop_button, self.repair_button):
            bar.addWidget(b)
        bar.addWidget(self.summary, 1)

        self.model = MigrationsTableModel(self)
        self.view = QTableView()
        self.view.setObjectName("migrationsTable")
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(PROGRESS_COLUMN, ProgressDelegate(self.view))
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, TRANSACTION_COLUMN):  # description and transaction share what is left
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(PROGRESS_COLUMN, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(PROGRESS_COLUMN, 130)

        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.log_view = QPlainTextEdit(readOnly=True)
        self.log_view.setObjectName("migrationsLog")
        self.sql_view = QPlainTextEdit(readOnly=True)
        self.sql_view.setObjectName("migrationsSql")
        for w in (self.log_view, self.sql_view):
            w.setFont(QFont(mono))
        # say what will appear here instead of showing two empty panes
        self.log_view.setPlaceholderText("Validate, Dry run, Apply pending and Repair write what they did here.")
        self.sql_view.setPlaceholderText("Dry run shows here the SQL that Apply pending would run, without running it.")
        self.bottom = QTabWidget()
        self.bottom.addTab(self.log_view, "Log")
        self.bottom.addTab(self.sql_view, "Dry run SQL")
        self.ignored_view = QListWidget(objectName="migrationsIgnored", wordWrap=True)
        self.bottom.addTab(self.ignored_view, "Ignored files")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self._show_folder()
        self._update_buttons()

    def _button(self, text: str, slot, shortcut: str | None, tip: str) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName("migrations" + text.title().replace(" ", ""))
        b.clicked.connect(lambda _=False: slot())
        if shortcut:
            b.setShortcut(shortcut)
            tip += f" ({shortcut})"
        b.setToolTip(tip)
        return b

    def _show_folder(self) -> None:
        self.folder_label.setText(f"Folder: {self.folder}" if self.folder else "No migrations folder chosen")
        self.folder_label.setToolTip(str(self.folder or ""))

    # -- state ----------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.handle is not None and not self.handle.done

    def _update_buttons(self) -> None:
        idle = not self.busy
        has_folder = self.folder is not None
        for b in (self.refresh_button, self.validate_button, self.dry_run_button, self.folder_button):
            b.setEnabled(idle and (has_folder or b is self.folder_button))
        pending = bool(self.status and self.status.pending)
        self.apply_button.setEnabled(idle and has_folder and pending and not self.read_only)
        self.repair_button.setEnabled(idle and has_folder and not self.read_only)
        if self.read_only:
            self.apply_button.setToolTip("The profile is read-only: migrations cannot be applied.")
            self.repair_button.setToolTip("The profile is read-only: the history table cannot be repaired.")
        self.stop_button.setEnabled(self.busy and self.handle.name.startswith("Apply"))

    def log(self, text: str) -> None:
        self.log_view.appendPlainText(text)

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
        self.handle = self.runner.submit(fn, name=f"{name} ({self.profile})", queue=self.queue,
                                         on_done=lambda r: self._finish(on_done, r),
                                         on_error=self._failed, on_cancelled=lambda: self._finish(None, None))
        self._update_buttons()

    def _finish(self, on_done, result) -> None:
        if on_done is not None:
            on_done(result)
        self._update_buttons()

    # -- actions --------------------------------------------------------------------------------
    def refresh(self, *, keep_error: bool = False) -> None:
        if self.folder is not None:
            make = self.engine(pin=False)  # the folder's settings and the database decide again
            self._submit("Migrations info", lambda ctx: read_overview(make()), self._show_overview,
                         keep_error=keep_error)

    def _show_overview(self, overview: Overview) -> None:
        self.overview = overview
        self.status = status = overview.status
        self.model.set_infos(status.infos, overview.transactions)
        self.history_label.setText(f"History: {overview.history_text}")
        self.history_label.setToolTip(history_tooltip(overview))
        self.ignored_view.clear()
        for w in overview.ignored:
            self.ignored_view.addItem(f"{w.script}: {w.message}")
            self.log(f"warning: {w}")
        self.bottom.setTabText(self.bottom.indexOf(self.ignored_view), f"Ignored files ({len(overview.ignored)})")
        for p in status.problems:
            self.log(f"problem: {p}")
        last = _first_line(self.last_error) if self.last_error is not None else None
        self.summary.setText(summary_html(overview, last))
        self._update_buttons()
        self.refreshed.emit(status)

    def validate(self) -> None:
        if self.folder is None:
            return
        self.log("Validating…")
        make = self.engine()

        def work(ctx) -> Overview:
            runner = make()
            runner.validate()
            return read_overview(runner)

        def done(overview: Overview) -> None:
            self.validation_problems = []
            status = overview.status
            self.log(f"Validation passed: {len(status.infos)} migration(s), {len(status.pending)} pending.")
            self._show_overview(overview)

        self._submit("Validate migrations", work, done)

    def dry_run(self) -> None:
        if self.folder is None:
            return

        def done(result) -> None:
            self.sql_view.setPlainText(dry_run_text(result.prepared))
            self.bottom.setCurrentWidget(self.sql_view)
            self.log(f"Dry run: {len(result.plan)} migration(s) would be applied.")

        make = self.engine()
        self._submit("Dry run migrations", lambda ctx: make().migrate(dry_run=True), done)

    def apply(self) -> None:
        if self.read_only or self.busy or self.folder is None:
            return
        pending = list(self.status.pending) if self.status else []
        if not pending:
            self.log("Nothing to apply.")
            return
        no_tx = self.overview.without_transaction() if self.overview is not None else {}
        if not self.confirm(apply_question(pending, self.profile, no_tx)):
            return
        emit = self._bridge.event.emit
        self.bottom.setCurrentWidget(self.log_view)

        def done(result) -> None:
            self.last_result = result
            if result is not None:
                self.log(f"Applied {len(result.applied)} migration(s)"
                         + (f"; stopped with {len(result.remaining)} left." if result.stopped else "."))
            self.finished.emit(result)
            self.refresh()

        make = self.engine()
        self._submit("Apply migrations", lambda ctx: make().migrate(task=ctx, on_event=emit), done)

    def repair(self) -> None:
        """Ask (naming the profile and what will change), then repair the history table."""
        if self.read_only or self.busy or self.folder is None:
            return
        preview = repair_preview(self.status) if self.status is not None else RepairResult()
        self._dialog_title = "Repair migrations history"
        try:
            table = f"{self.overview.schema}.{self.overview.table}" if self.overview else "the history table"
            if not self.confirm(repair_question(preview, self.profile, table)):
                return
        finally:
            self._dialog_title = "Apply migrations"
        self.bottom.setCurrentWidget(self.log_view)

        def done(result) -> None:
            self.last_repair = result
            for line in repair_log(result):
                self.log(line)
            self.repaired.emit(result)
            self.refresh()

        make = self.engine()
        self._submit("Repair migrations history", lambda ctx: make().repair(), done)

    def stop(self) -> None:
        if self.busy:
            self.log("Stopping after the current migration…")
            self.handle.cancel()
            self.stop_button.setEnabled(False)

    def change_folder(self) -> None:
        chosen = self.choose_folder()
        if not chosen:
            return
        self.folder, self.overview = Path(chosen), None
        self._show_folder()
        if self.on_folder_changed is not None:
            self.on_folder_changed(self.folder)
        self.refresh()

    # -- callbacks ------------------------------------------------------------------------------
    def _failed(self, exc: BaseException) -> None:
        self.last_error = exc
        if isinstance(exc, ValidationFailed | DiscoveryError):
            self.validation_problems = list(exc.problems)
            self.log(f"Validation failed ({len(exc.problems)} problem(s)):")
            for p in exc.problems:
                self.log(f"  {p}")
            if exc.hint:
                self.log(f"  What to do: {exc.hint}")
        else:
            self.log(f"Error: {getattr(exc, 'user_text', lambda: str(exc))()}")
        self.summary.setText(f"<span style='color:#cf222e'>{_first_line(exc)}</span>")
        self._update_buttons()
        self.finished.emit(exc)
        if isinstance(exc, MigrationFailed):
            self.refresh(keep_error=True)  # show what did get applied; the error stays readable

    @Slot(object)
    def _on_event(self, ev: MigrationEvent) -> None:
        if ev.kind == "start":
            self.model.set_live(ev.script, state="running", fraction=0.0)
            row = self.model.row_of(ev.script)
            if row >= 0:
                self.view.scrollTo(self.model.index(row, 0))
            self.log(ev.message)
        elif ev.kind == "progress":
            self.model.set_live(ev.script, fraction=ev.fraction)
        elif ev.kind == "done":
            self.model.set_live(ev.script, state="applied", fraction=1.0, ms=ev.elapsed_ms)
            self.log(ev.message)
        elif ev.kind == "failed":
            self.model.set_live(ev.script, state="failed")
            self.log(ev.message)
        else:
            self.log(ev.message)

    # -- default dialogs (tests replace ``confirm`` / ``choose_folder``) -------------------------
    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, self._dialog_title, text)
        return answer == QMessageBox.StandardButton.Yes

    def _pick_folder(self) -> str | None:
        start = str(self.folder) if self.folder else ""
        return QFileDialog.getExistingDirectory(self, "Migrations folder", start) or None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
