"""MigrationsPanel: pending and applied migrations, dry run, apply with progress, validate, repair.

The screen's state (folder, overview, what runs, how it ended, which actions apply) and its
operations live in :class:`~aurora_console.ui.migrations.migrations_controller.MigrationsController`,
a Qt-free class this panel renders. Every database call runs through the task runner on the queue
``migrations:<profile>`` (one at a time); per-migration progress arrives as
:class:`MigrationEvent` objects forwarded from the worker thread through a Qt signal.

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

from aurora_console.core.db.migrations import MigrationEvent, MigrationRunner
from aurora_console.core.db.migrations.overview import Overview
from aurora_console.ui.state_banner import StateBanner

from .migrations_controller import MigrationsController
from .overview_text import dry_run_text, history_tooltip
from .progress_delegate import ProgressDelegate
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
        self.read_only = read_only
        self.on_folder_changed = on_folder_changed
        self.state = state = MigrationsController(runner, profile, connect, folder, read_only=read_only, schema=schema,
                                                  table=table, out_of_order=out_of_order, owner=self)
        self.queue = state.queue
        self._dialog_title = "Apply migrations"
        self.confirm: Callable[[str], bool] = self._ask
        self.choose_folder: Callable[[], str | None] = self._pick_folder
        self._bridge = _EventBridge(self)
        self._bridge.event.connect(self._on_event)
        self._build()
        state.changed.connect(self._render)
        state.log.connect(self.log)
        state.overview_shown.connect(self._show_overview)
        state.dry_run_done.connect(self._show_dry_run)
        state.refreshed.connect(self.refreshed.emit)
        state.finished.connect(self.finished.emit)
        state.repaired.connect(self.repaired.emit)
        self.refresh()

    # the state, as the tests and page objects read it
    folder = property(lambda self: self.state.folder)
    status = property(lambda self: self.state.status)
    overview = property(lambda self: self.state.overview)
    last_result = property(lambda self: self.state.last_result)
    last_error = property(lambda self: self.state.last_error)
    validation_problems = property(lambda self: self.state.validation_problems)
    handle = property(lambda self: self.state.handle)
    busy = property(lambda self: self.state.busy)

    @property
    def last_repair(self):
        return self.state.last_repair

    @last_repair.setter
    def last_repair(self, value) -> None:
        self.state.last_repair = value

    def can_close(self) -> bool:
        """Closing the tab lets a running apply or repair finish (its late results are dropped)."""
        self.runner.release(self, cancel=False)
        return True

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
        self.summary = StateBanner(objectName="migrationsSummary")
        bar = QHBoxLayout()
        for b in (self.refresh_button, self.validate_button, self.dry_run_button, self.apply_button,
                  self.stop_button, self.repair_button):
            bar.addWidget(b)
        bar.addWidget(self.summary, 1)

        self.model = MigrationsTableModel(self)
        self.view = QTableView()
        self.view.setObjectName("migrationsTable")
        self.view.setAccessibleName("Migrations")
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
        self.log_view.setAccessibleName("Migration log")
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
        self._render()

    def _button(self, text: str, slot, shortcut: str | None, tip: str) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName("migrations" + text.title().replace(" ", ""))
        b.clicked.connect(lambda _=False: slot())
        if shortcut:
            b.setShortcut(shortcut)
            tip += f" ({shortcut})"
        b.setToolTip(tip)
        return b

    def _render(self) -> None:
        state = self.state
        folder = state.folder
        self.folder_label.setText(f"Folder: {folder}" if folder else "No migrations folder chosen")
        self.folder_label.setToolTip(str(folder or ""))
        for b in (self.refresh_button, self.validate_button, self.dry_run_button):
            b.setEnabled(state.can_read)
        self.folder_button.setEnabled(state.can_change_folder)
        self.apply_button.setEnabled(state.can_apply)
        self.repair_button.setEnabled(state.can_repair)
        if self.read_only:
            self.apply_button.setToolTip("The profile is read-only: migrations cannot be applied.")
            self.repair_button.setToolTip("The profile is read-only: the history table cannot be repaired.")
        self.stop_button.setEnabled(state.can_stop)
        if state.busy:
            self.summary.show_state("loading", state.summary or f"{state.handle.name}…")
        elif state.last_error is not None:
            self.summary.show_state("error", state.summary)
        elif state.folder is None:
            self.summary.show_state("empty", state.summary or "Choose a migrations folder (Folder…) to see what is "
                                    "pending and what the history table says.")
        else:
            self.summary.show_state("info", state.summary)

    def log(self, text: str) -> None:
        self.log_view.appendPlainText(text)

    def engine(self, *, pin: bool = True) -> Callable[[], MigrationRunner]:
        """Makes the folder's runner; call it on the worker (see the controller)."""
        return self.state.engine(pin=pin)

    # -- actions --------------------------------------------------------------------------------
    def refresh(self, *, keep_error: bool = False) -> None:
        self.state.refresh(keep_error=keep_error)

    def _show_overview(self, overview: Overview) -> None:
        self.model.set_infos(overview.status.infos, overview.transactions)
        self.history_label.setText(f"History: {overview.history_text}")
        self.history_label.setToolTip(history_tooltip(overview))
        self.ignored_view.clear()
        for w in overview.ignored:
            self.ignored_view.addItem(f"{w.script}: {w.message}")
        self.bottom.setTabText(self.bottom.indexOf(self.ignored_view), f"Ignored files ({len(overview.ignored)})")

    def _show_dry_run(self, result) -> None:
        self.sql_view.setPlainText(dry_run_text(result.prepared))
        self.bottom.setCurrentWidget(self.sql_view)

    def validate(self) -> None:
        self.state.validate()

    def dry_run(self) -> None:
        self.state.dry_run()

    def apply(self) -> None:
        if self.state.apply(lambda question: self.confirm(question), self._bridge.event.emit):
            self.bottom.setCurrentWidget(self.log_view)

    def repair(self) -> None:
        """Ask (naming the profile and what will change), then repair the history table."""
        self._dialog_title = "Repair migrations history"
        try:
            started = self.state.repair(lambda question: self.confirm(question))
        finally:
            self._dialog_title = "Apply migrations"
        if started:
            self.bottom.setCurrentWidget(self.log_view)

    def stop(self) -> None:
        self.state.stop()

    def change_folder(self) -> None:
        chosen = self.choose_folder()
        if not chosen:
            return
        if self.on_folder_changed is not None:
            self.on_folder_changed(Path(chosen))
        self.state.set_folder(Path(chosen))

    # -- migration events (from the worker, queued to the UI thread) ---------------------------------
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

