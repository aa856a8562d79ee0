"""One table as an editable grid: paging, sort, filters, pending changes, Save / Revert.

Every database call goes through the task runner on the session's serial queue; the widget
only shows results. Editing is disabled while a save is running.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.db.content.changes import ReadOnly
from aurora_console.core.db.content.pager import Filter, Sort
from aurora_console.core.db.content.save import ConnectionLost, SaveResult
from aurora_console.core.db.content.session import TableEditor
from aurora_console.core.db.content.values import InvalidValue

from .conflict_dialog import KEEP_MINE, TAKE_THEIRS, ConflictDialog
from .filter_bar import FilterBar
from .fk_delegate import ForeignKeyDelegate
from .table_model import ContentTableModel
from .toolbar import build_toolbar

FK_CHOICES_LIMIT = 500


class ContentGrid(QWidget):
    loaded = Signal()  # a page arrived
    saved = Signal(object)  # SaveResult
    busy_changed = Signal(bool)
    error_shown = Signal(str)  # every message the status line shows in red, as it is shown

    def __init__(self, runner, editor: TableEditor, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.editor = editor
        self.queue = editor.session.queue_key
        self.busy = False
        self._sized = False
        self._note = ""  # shown before the next "rows on this page" line (e.g. "Saved 3 changes.")
        self.last_error = ""
        self.last_result: SaveResult | None = None
        self.choices: dict[str, list[tuple[str, str]]] = {}
        # Replaced by tests/page objects to answer without a modal box: (message) -> bool
        self.confirm: Callable[[str], bool] = self._ask
        self.resolve_conflicts: Callable[[list], None] = self._show_conflicts
        self.setObjectName(f"contentGrid_{editor.info.name}")
        self.model = ContentTableModel(editor.info, editor.changes, self)
        self.model.pending_changed.connect(self._update_pending)
        self.model.edit_rejected.connect(self._show_error)
        self._build()
        self._update_pending(len(editor.changes))
        if editor.secrets_not_kept:
            self._show_error("New values for " + ", ".join(editor.secrets_not_kept) +
                             " were not kept on disk (secrets are never written); enter them again.")
        self.reload("first")
        self._submit(lambda ctx: editor.fk_choices(FK_CHOICES_LIMIT), "Load lookups", self._choices_loaded)

    # layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(build_toolbar(self))

        self.filter_bar = FilterBar(self.editor.info.column_names, self)
        self.filter_bar.add_requested.connect(self.add_filter)
        self.filter_bar.clear_requested.connect(self.clear_filters)
        layout.addWidget(self.filter_bar)

        notes = " ".join(t for t in (self.editor.read_only_reason, self.editor.pager.limit_reason) if t)
        self.banner = QLabel(notes, self)
        self.banner.setObjectName("readOnlyReason")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #eef2f7; color: #1d2733; padding: 4px;")  # readable in both themes
        self.banner.setVisible(bool(notes))
        layout.addWidget(self.banner)

        self.view = QTableView(self)
        self.view.setObjectName("contentTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked |
                                  QAbstractItemView.EditTrigger.EditKeyPressed |
                                  QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.view.setItemDelegate(ForeignKeyDelegate(self.model, self._choices_for, self.view))
        header = self.view.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.sectionClicked.connect(self._sort_clicked)
        self.view.verticalHeader().setDefaultSectionSize(22)
        layout.addWidget(self.view, 1)

        self.status = QLabel(self)
        self.status.setObjectName("gridStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        editable = not self.editor.read_only_reason
        for b in self.edit_buttons + [self.save_button, self.revert_button]:
            b.setEnabled(editable)

    # tasks ---------------------------------------------------------------------------------------
    def _submit(self, fn, name, on_done, on_error=None):
        session = self.editor.session

        def work(ctx):
            return session.run(lambda: fn(ctx), ctx)

        return self.runner.submit(work, name=f"{name} ({self.editor.info.qualified})", queue=self.queue,
                                  on_done=on_done, on_error=on_error or self._task_failed,
                                  on_cancelled=self._task_cancelled)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.model.locked = busy
        editable = not busy and not self.editor.read_only_reason
        for b in self.edit_buttons + [self.save_button, self.revert_button]:
            b.setEnabled(editable)
        for b in self.nav:
            b.setEnabled(not busy)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if busy else
                                  QAbstractItemView.EditTrigger.DoubleClicked |
                                  QAbstractItemView.EditTrigger.EditKeyPressed |
                                  QAbstractItemView.EditTrigger.AnyKeyPressed)
        if not busy:
            self._update_pending(len(self.editor.changes))
        self.busy_changed.emit(busy)

    def reload(self, kind: str = "refresh"):
        editor = self.editor
        self._set_busy(True)
        return self._submit(lambda ctx: editor.load(kind), "Load rows", self._page_loaded)

    def _page_loaded(self, result) -> None:
        page, labels = result
        self.model.set_page(page, labels)
        self._set_busy(False)
        self.nav[0].setEnabled(page.has_previous)
        self.nav[1].setEnabled(page.has_previous)
        self.nav[2].setEnabled(page.has_next)
        self.nav[3].setEnabled(page.has_next)
        if not self._sized and page.rows:  # once: columns keep their width while paging
            self._sized = True
            self.view.resizeColumnsToContents()
            for i in range(self.model.columnCount()):
                if self.view.columnWidth(i) > 320:
                    self.view.setColumnWidth(i, 320)
        estimate = self.editor.info.estimated_rows
        about = f" (about {estimate:,} in the table)" if estimate > 0 else ""
        note, self._note = self._note, ""
        self._show_info(f"{note}{len(page.rows)} rows on this page{about}; sorted by "
                        f"{self.editor.pager.sort.column or 'primary key'}")
        self.loaded.emit()

    def _choices_loaded(self, choices) -> None:
        self.choices = choices
        self.model.key_check = self._known_key

    def _known_key(self, column: str, value) -> str:
        """'' if ``value`` may go into ``column``; a message when it is surely not an existing key.

        The lookup list is complete when it holds fewer entries than its limit; otherwise the
        server's foreign-key check decides on save."""
        choices = self.choices.get(column)
        if value is None or choices is None or len(choices) >= FK_CHOICES_LIMIT:
            return ""
        if value in {k for k, _ in choices}:
            return ""
        fk = self.editor.info.foreign_key_for(column)
        return f"{column}: {value} does not exist in {fk.ref_schema}.{fk.ref_table}; pick an existing row"

    def _choices_for(self, column: str):
        col = self.editor.info.column(column)
        if column in self.choices:
            return self.choices[column]
        if col.enum_labels and not col.is_array:
            return [(v, v) for v in col.enum_labels]
        return None

    def _task_cancelled(self) -> None:
        self._set_busy(False)
        self._show_info("Cancelled; pending changes are untouched.")

    def _task_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, ConnectionLost):
            self._show_error(str(exc))
        else:
            self._show_error(f"{type(exc).__name__}: {exc}")

    def _show_error(self, message: str) -> None:
        self.last_error = message
        self.status.setText(message)
        self.status.setStyleSheet("color: #a00000;")
        self.error_shown.emit(message)

    def _show_info(self, message: str) -> None:
        self.status.setText(message)
        self.status.setStyleSheet("")

    # sort / filter ------------------------------------------------------------------------------
    def _sort_clicked(self, section: int) -> None:
        column = self.editor.info.columns[section].name
        current = self.editor.pager.sort
        if current.column == column and not current.descending:
            sort = Sort(column, True)
        elif current.column == column:
            sort = Sort(None)
        else:
            sort = Sort(column)
        self.set_view(sort=sort)

    def set_view(self, sort: Sort | None = None, filters: list[Filter] | None = None):
        """Apply a sort and/or filters and load the first page; returns the task handle.

        A sort or filter refused before any query (unknown column, a value that does not fit the
        column's type) is shown in the status line and None is returned; one the server refuses
        fails the task, and the grid goes back to the view it showed before."""
        editor = self.editor
        try:
            editor.pager.with_options(sort=sort, filters=filters)
        except (InvalidValue, KeyError) as exc:
            # KeyError's str() adds quotes around the message
            self._show_error(exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc))
            return None
        self._show_view(sort if sort is not None else editor.pager.sort,
                        filters if filters is not None else editor.pager.filters)
        self._set_busy(True)

        def work(ctx):
            before = editor.pager
            try:
                editor.set_view(sort=sort, filters=filters)
            except Exception:
                editor.pager = before  # the rows shown still belong to the previous view
                raise
            return editor.page, editor.labels_for(editor.page)

        def refused(exc: BaseException) -> None:
            self._show_view(editor.pager.sort, editor.pager.filters)
            self._task_failed(exc)

        return self._submit(work, "Load rows", self._page_loaded, refused)

    def _show_view(self, sort: Sort, filters) -> None:
        self.filter_bar.show_filters(filters)
        header = self.view.horizontalHeader()
        if sort.column is None:
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        else:
            header.setSortIndicator(self.editor.info.column_names.index(sort.column),
                                    Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder)

    def add_filter(self):
        return self.set_view(filters=list(self.editor.pager.filters) + [self.filter_bar.current()])

    def clear_filters(self):
        return self.set_view(filters=[])

    # editing ------------------------------------------------------------------------------------
    def _update_pending(self, n: int) -> None:
        counts = self.editor.changes.counts()
        if n:
            parts = [f"{counts['update']} edited", f"{counts['insert']} new", f"{counts['delete']} deleted"]
            self.pending_label.setText(f"{n} pending: " + ", ".join(parts))
            self.pending_label.setStyleSheet("font-weight: bold; color: #8a5a00;")
        else:
            self.pending_label.setText("No pending changes")
            self.pending_label.setStyleSheet("")
        self.revert_button.setEnabled(bool(n) and not self.busy and not self.editor.read_only_reason)
        self.save_button.setEnabled(bool(n) and not self.busy and not self.editor.read_only_reason)

    def _guard(self, fn, *args):
        if self.busy:
            self._show_error("Wait for the current operation to finish.")
            return None
        try:
            return fn(*args)
        except (ReadOnly, InvalidValue) as exc:
            self._show_error(str(exc))
            return None

    def insert_row(self, values: dict | None = None):
        change = self._guard(self.editor.changes.insert, values or {})
        if change is not None:
            self.view.scrollToBottom()
        return change

    def selected_rows(self) -> list[int]:
        rows = {i.row() for i in self.view.selectionModel().selectedIndexes()}
        if not rows and self.view.currentIndex().isValid():
            rows = {self.view.currentIndex().row()}
        return sorted(rows)

    def duplicate_selected(self):
        out = []
        for r in self.selected_rows():
            row = self.model.row_at(r)
            if row is not None:
                out.append(self._guard(self.editor.changes.duplicate, row))
        return out

    def set_null(self):
        index = self.view.currentIndex()
        if index.isValid() and self.model.flags(index) & Qt.ItemFlag.ItemIsEditable:
            self.model.setData(index, None)

    def delete_selected(self):
        rows = [self.model.row_at(r) for r in self.selected_rows()]
        inserts = [self.model.insert_id_at(r) for r in self.selected_rows()]
        for change_id in inserts:
            if change_id is not None:
                self.editor.changes.revert(change_id)
        rows = [r for r in rows if r is not None]
        if rows:
            self.delete_rows(rows)

    def delete_rows(self, rows):
        """Look up who references the rows, confirm (naming them), then mark them deleted."""
        if self.editor.read_only_reason:
            self._show_error(self.editor.read_only_reason)
            return None
        editor = self.editor

        def work(ctx):
            return [(row, editor.references(row)) for row in rows]

        def done(found):
            names = ", ".join("(" + ", ".join(r.key) + ")" for r, _ in found)
            refs = " ".join(text for _, text in found if text)
            message = f"Mark {len(found)} row(s) of {editor.info.qualified} for deletion: {names}?"
            if refs:
                message += "\n\n" + refs + " Those rows are deleted with it (ON DELETE CASCADE) or the save fails."
            self._set_busy(False)
            if self.confirm(message):
                for row, _ in found:
                    self._guard(editor.changes.delete, row)

        self._set_busy(True)
        return self._submit(work, "Check references", done)

    def _ask(self, message: str) -> bool:
        box = QMessageBox.question(self, "Delete rows", message)
        return box == QMessageBox.StandardButton.Yes

    def _toggle_reveal(self, on: bool) -> None:
        self.model.revealed = {c.name for c in self.editor.info.columns if c.secret} if on else set()
        self.model.set_page(self.model.page)

    def _toggle_trigger_columns(self, on: bool) -> None:
        self.editor.changes.allow_trigger_columns = bool(on)
        self.model.set_page(self.model.page)
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)

    def revert(self) -> None:
        self.editor.changes.revert()
        self._show_info("Pending changes discarded.")

    def save(self):
        if self.busy or not len(self.editor.changes):
            return None
        editor = self.editor
        self._set_busy(True)
        self._show_info("Saving…")
        return self._submit(lambda ctx: editor.save(), "Save changes", self._saved, self._task_failed)

    def _saved(self, result: SaveResult) -> None:
        self.last_result = result
        self._set_busy(False)
        self._update_pending(len(self.editor.changes))
        if result.ok:
            self._note = f"Saved {result.applied} change(s) in one transaction. "
            self._show_info(self._note)
            self.reload("refresh")
        else:
            problems = [c.error for c in result.errors]
            msg = (f"Nothing was saved: {len(result.errors)} change(s) failed and {len(result.conflicts)} "
                   "conflicted; every change is still pending.")
            if problems:
                msg += " First problem: " + problems[0]
            self._show_error(msg)
            self.model.set_page(self.model.page)
            if result.conflicts:
                self.resolve_conflicts(result.conflicts)
        self.saved.emit(result)

    def _show_conflicts(self, conflicts) -> None:
        for conflict in conflicts:
            dialog = ConflictDialog(self.editor.info, conflict, self)
            choice = dialog.exec()
            self.apply_resolution(conflict, choice)

    def apply_resolution(self, conflict, choice: int) -> None:
        try:
            if choice == KEEP_MINE:
                self.editor.changes.keep_mine(conflict.change_id)
            elif choice == TAKE_THEIRS:
                self.editor.changes.take_theirs(conflict.change_id)
                self.reload("refresh")
        except ReadOnly as exc:
            self._show_error(str(exc))

    def closeEvent(self, event):  # noqa: N802
        self.model.detach()
        super().closeEvent(event)
