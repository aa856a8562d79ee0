"""One table as an editable grid: paging, sort, filters, pending changes, Save / Revert.

The grid's state (busy, status line, paging, pending changes, lookups) and its operations live
in :class:`~aurora_console.ui.content.grid_controller.TableGridController`, a Qt-free class this
widget renders; every database call goes through the task runner on the session's serial queue.
Editing is disabled while a save is running.
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

from aurora_console.core.db.content.pager import Filter, Sort
from aurora_console.core.db.content.session import TableEditor

from .conflict_dialog import KEEP_MINE, TAKE_THEIRS, ConflictDialog
from .filter_bar import FilterBar
from .fk_delegate import ForeignKeyDelegate
from .grid_controller import FK_CHOICES_LIMIT, TableGridController
from .table_model import ContentTableModel
from .toolbar import GridToolbar

__all__ = ["ContentGrid", "FK_CHOICES_LIMIT"]
_EDIT_TRIGGERS = (QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                  | QAbstractItemView.EditTrigger.AnyKeyPressed)


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
        self.state = TableGridController(runner, editor, owner=self)
        self._sized = False
        self._shown_busy = False
        # Replaced by tests/page objects to answer without a modal box: (message) -> bool
        self.confirm: Callable[[str], bool] = self._ask
        self.resolve_conflicts: Callable[[list], None] = self._show_conflicts
        self.setObjectName(f"contentGrid_{editor.info.name}")
        self.model = ContentTableModel(editor.info, editor.changes, self)
        self.model.pending_changed.connect(lambda _n: self._render())
        self.model.edit_rejected.connect(self.state.show_error)
        self._build()
        state = self.state
        state.changed.connect(self._render)
        state.page_loaded.connect(self._show_page)
        state.loaded.connect(self.loaded.emit)
        state.view_shown.connect(self._show_view)
        state.error.connect(self.error_shown.emit)
        state.rows_refused.connect(lambda: self.model.set_page(self.model.page))
        state.conflicts.connect(lambda conflicts: self.resolve_conflicts(conflicts))
        state.saved.connect(self.saved.emit)
        self._render()
        if editor.secrets_not_kept:
            state.show_error("New values for " + ", ".join(editor.secrets_not_kept) +
                             " were not kept on disk (secrets are never written); enter them again.")
        self.reload("first")
        state.load_choices()
        self.model.key_check = state.known_key  # '' until the lookups are loaded

    # the state the tests and page objects read
    busy = property(lambda self: self.state.busy)
    last_error = property(lambda self: self.state.last_error)
    last_result = property(lambda self: self.state.last_result)
    choices = property(lambda self: self.state.choices)
    # the toolbar's buttons, as the tests and page objects reach them
    nav = property(lambda self: self.toolbar.nav)
    edit_buttons = property(lambda self: self.toolbar.edit_buttons)
    reveal = property(lambda self: self.toolbar.reveal)
    unlock_triggers = property(lambda self: self.toolbar.unlock_triggers)
    pending_label = property(lambda self: self.toolbar.pending_label)
    save_button = property(lambda self: self.toolbar.save_button)
    revert_button = property(lambda self: self.toolbar.revert_button)

    # layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.toolbar = GridToolbar(self)
        layout.addLayout(self.toolbar)

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
        self.view.setItemDelegate(ForeignKeyDelegate(self.model, self.state.choices_for, self.view))
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

    # rendering the state ---------------------------------------------------------------------------
    def _render(self) -> None:
        state = self.state
        busy = state.busy
        self.model.locked = busy
        self.toolbar.render(state)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if busy else _EDIT_TRIGGERS)
        self.status.setText(state.status_text)
        self.status.setStyleSheet("color: #a00000;" if state.status_is_error else "")
        if busy != self._shown_busy:
            self._shown_busy = busy
            self.busy_changed.emit(busy)

    def _show_page(self, page, labels) -> None:
        self.model.set_page(page, labels)
        if not self._sized and page.rows:  # once: columns keep their width while paging
            self._sized = True
            self.view.resizeColumnsToContents()
            for i in range(self.model.columnCount()):
                if self.view.columnWidth(i) > 320:
                    self.view.setColumnWidth(i, 320)

    def reload(self, kind: str = "refresh"):
        return self.state.reload(kind)

    # sort / filter ------------------------------------------------------------------------------
    def _sort_clicked(self, section: int) -> None:
        self.state.sort_on(self.editor.info.columns[section].name)

    def set_view(self, sort: Sort | None = None, filters: list[Filter] | None = None):
        """Apply a sort and/or filters and load the first page; returns the task handle (None when
        refused before any query: the status line says why)."""
        return self.state.set_view(sort, filters)

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
    def _guard(self, fn, *args):
        return self.state.guard(fn, *args)

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
        return self.state.delete_rows(rows, lambda message: self.confirm(message))

    def _ask(self, message: str) -> bool:
        box = QMessageBox.question(self, "Delete rows", message)
        return box == QMessageBox.StandardButton.Yes

    def reveal_secrets(self, on: bool) -> None:
        self.model.revealed = {c.name for c in self.editor.info.columns if c.secret} if on else set()
        self.model.set_page(self.model.page)

    _toggle_reveal = reveal_secrets  # the name tests used before

    def allow_trigger_columns(self, on: bool) -> None:
        self.editor.changes.allow_trigger_columns = bool(on)
        self.model.set_page(self.model.page)
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)

    def revert(self) -> None:
        self.state.revert()

    def save(self):
        return self.state.save()

    def _show_conflicts(self, conflicts) -> None:
        for conflict in conflicts:
            dialog = ConflictDialog(self.editor.info, conflict, self)
            choice = dialog.exec()
            self.apply_resolution(conflict, choice)

    def apply_resolution(self, conflict, choice: int) -> None:
        if choice == KEEP_MINE:
            self.state.keep_mine(conflict)
        elif choice == TAKE_THEIRS:
            self.state.take_theirs(conflict)

    def closeEvent(self, event):  # noqa: N802
        self.model.detach()
        self.runner.release(self, cancel=False)  # a late page or save result is dropped; nothing is stopped
        super().closeEvent(event)
