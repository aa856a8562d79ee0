"""The Top SQL table: the statements of a window (``TopStatement`` rows), sortable by any column
(click a header), filtered by words (statement text, user, database, query id), the selected
statement's whole text below, and **Open in SQL editor with EXPLAIN** (button, row menu).

Plain data in (``set_statements``, ``set_message``), no I/O; the state is the Qt-free
``TopSqlTable``. Opening the editor is the screen's: ``explain_requested(text)`` carries the
EXPLAIN statement, which the screen passes to ``window.open_sql(profile, text)``.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from aurora_console.ui.clear_button import add_clear_button

from .top_sql_table import COLUMNS, KEYS, TopSqlTable, statement_key

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
COMPACT_KEYS = ("query", "calls", "total_ms", "mean_ms", "share")
EXPLAIN_TEXT = "Open in SQL editor with EXPLAIN"


class TopSqlModel(QAbstractTableModel):
    """The visible rows of a ``TopSqlTable``; sorting asks the table."""

    def __init__(self, state: TopSqlTable, parent=None) -> None:
        super().__init__(parent)
        self.state = state

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.state.visible)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        columns = self.state.columns  # this engine's titles (same keys and places)
        if role == Qt.ItemDataRole.DisplayRole:
            return columns[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            return columns[section].tip
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.state.visible):
            return None
        st, col = self.state.visible[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.state.cell(st, col.key)
        if role == Qt.ItemDataRole.ToolTipRole and col.key == "query":
            return st.query if st.query is not None else "The statement's text is not known"
        if role == Qt.ItemDataRole.TextAlignmentRole and col.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == KEY_ROLE:
            return statement_key(st)
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """A header click: the sort column again turns the order over; another column starts in
        its own order (numbers largest first, text A-Z), whatever the header proposes."""
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column].key
        if key == self.state.sort_key:
            self.state.sort_by(key, order == Qt.SortOrder.DescendingOrder)
        else:
            self.state.sort_by(key)

    def reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()


class TopSqlView(QWidget):
    #: the EXPLAIN statement for the chosen statement, for the SQL editor
    explain_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False) -> None:
        """``compact``: no filter bar (a section of an explained window)."""
        super().__init__(parent)
        self.state = TopSqlTable()
        self._rendering = False
        self.compact = compact
        self._shown_engine = self.state.engine
        self.filter_edit = QLineEdit(objectName="topSqlFilter",
                                     placeholderText="Filter: words of the statement, user, database, query id…")
        add_clear_button(self.filter_edit)  # the console's icon: Qt's reads the desktop's icon theme
        self.filter_edit.textChanged.connect(self.state.set_filter)
        self.count_label = QLabel(objectName="topSqlCount")
        self.explain_button = QPushButton(EXPLAIN_TEXT, objectName="topSqlExplain")
        self.explain_button.clicked.connect(self.explain_selected)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.count_label)
        bar.addWidget(self.explain_button)
        self.filter_edit.setVisible(not compact)

        self.message_label = QLabel(objectName="topSqlMessage", wordWrap=True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()

        self.model = TopSqlModel(self.state, self)
        self.table = QTableView(objectName="topSqlTable")
        self.table.setModel(self.model)
        # the indicator first: enabling sorting sorts by it at once
        self.table.horizontalHeader().setSortIndicator(KEYS.index(self.state.sort_key), Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(50)
        header.resizeSection(0, 420)  # the statement: the rest scroll sideways when the tab is narrow
        for n in range(1, len(COLUMNS)):
            header.resizeSection(n, 88)
        if compact:  # a section beside others: the statement and its time
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            for n, column in enumerate(COLUMNS):
                self.table.setColumnHidden(n, column.key not in COMPACT_KEYS)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.detail = QPlainTextEdit(readOnly=True, objectName="topSqlDetail")
        self.detail.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.detail.setPlaceholderText("Select a statement to read all of it")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        if compact:
            self.detail.hide()

        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(bar)
        box.addWidget(self.message_label)
        box.addWidget(split, 1)
        self.state.changed.connect(self.render)
        self.render()

    # -- plain data in ---------------------------------------------------------------------------
    def set_statements(self, rows, *, note: str | None = None) -> None:
        """The statements of a window (``TopStatement``); ``note`` is shown above them."""
        self.state.set_rows(rows, note=note)

    def set_message(self, text: str) -> None:
        """No statements, and why: pg_stat_statements missing (what to do), no snapshot yet..."""
        self.state.set_message(text)

    def set_server_version(self, version: int | None) -> None:
        """``server_version_num`` of the instance: from 160000 EXPLAIN (GENERIC_PLAN) plans $n as written."""
        self.state.set_server_version(version)

    def set_engine(self, engine: str) -> None:
        """The instance's engine ("postgres" / "mysql"): MySQL's column titles, its columns without a
        counter hidden."""
        self.state.set_engine(engine)

    # -- acting ----------------------------------------------------------------------------------
    def select_statement(self, queryid: int) -> bool:
        """Select the first shown statement with ``queryid`` (page objects, tests)."""
        for row, st in enumerate(self.state.visible):
            if st.queryid == queryid:
                self.table.selectRow(row)
                return True
        return False

    def explain_selected(self) -> str | None:
        """Ask for the selected statement in the SQL editor with EXPLAIN; the text, or None when
        it cannot be (the button is disabled then, saying why)."""
        st = self.state.selected
        if self.state.explain_refusal(st) is not None:
            return None
        text = self.state.explain_text(st)
        self.explain_requested.emit(text)
        return text

    # -- rendering -------------------------------------------------------------------------------
    def render(self) -> None:
        keep = self.state.selected_key
        self._rendering = True  # the reset clears the table's selection: the state keeps its own
        try:
            self.model.reset()
            if keep is not None:
                row = next((n for n, st in enumerate(self.state.visible) if statement_key(st) == keep), None)
                if row is not None:
                    self.table.selectRow(row)
        finally:
            self._rendering = False
        header = self.table.horizontalHeader()
        order = Qt.SortOrder.DescendingOrder if self.state.descending else Qt.SortOrder.AscendingOrder
        if (header.sortIndicatorSection(), header.sortIndicatorOrder()) != (KEYS.index(self.state.sort_key), order):
            header.blockSignals(True)  # the indicator follows the state; it must not sort again
            header.setSortIndicator(KEYS.index(self.state.sort_key), order)
            header.blockSignals(False)
        if self.state.engine != self._shown_engine:
            self._shown_engine = self.state.engine
            for n, column in enumerate(COLUMNS):
                self.table.setColumnHidden(n, (self.compact and column.key not in COMPACT_KEYS)
                                           or column.key in self.state.hidden_keys)
        self.count_label.setText(self.state.count_text())
        note = self.state.note
        self.message_label.setText(note or "")
        self.message_label.setVisible(bool(note))
        selected = self.state.selected
        if selected is None:
            self.detail.setPlainText("")
        elif self.detail.toPlainText() != (selected.query or ""):
            self.detail.setPlainText(selected.query or "The statement's text is not known "
                                                       "(not read yet, or hidden from this role).")
        refusal = self.state.explain_refusal(selected)
        self.explain_button.setEnabled(refusal is None)
        self.explain_button.setToolTip(refusal or "A new SQL editor tab on this instance's profile holding "
                                                  "EXPLAIN and the statement (nothing runs until you run it)")

    def _current_changed(self, current, _previous) -> None:
        if self._rendering:
            return
        key = current.data(KEY_ROLE) if current.isValid() else None
        self.state.select(key)

    def _row_menu(self, pos) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        self.table.selectRow(index.row())
        self.row_menu().popup(self.table.viewport().mapToGlobal(pos))

    def row_menu(self) -> QMenu:
        """The menu of the selected row: EXPLAIN in the SQL editor, copy the statement."""
        menu = QMenu(self)
        st = self.state.selected
        explain = menu.addAction(EXPLAIN_TEXT, self.explain_selected)
        refusal = self.state.explain_refusal(st)
        explain.setEnabled(refusal is None)
        explain.setToolTip(refusal or "")
        copy = menu.addAction("Copy statement",
                              lambda: QGuiApplication.clipboard().setText(st.query if st and st.query else ""))
        copy.setEnabled(st is not None and st.query is not None)
        return menu
