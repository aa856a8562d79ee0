"""The Sessions tab: a filter bar (text over every column, state), the sessions table (sortable;
long transactions and idle-in-transaction sessions beyond the thresholds tinted), a detail pane
showing the selected session's whole query and details, and Cancel query / Terminate session.

The selection follows the pid across refreshes. What the buttons do is the controller's
(``request_signal`` then ``signal`` after the typed confirmation the screen asks for).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from aurora_console.ui.clear_button import add_clear_button

from .controller import STATE_FILTERS
from .sessions_model import HIDDEN_QUERY, PID_ROLE, QUERY_COLUMN, SessionsTableModel, age_text, wait_text


class SessionsView(QWidget):
    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.filter_edit = QLineEdit(objectName="performanceFilter", accessibleName="Filter sessions", placeholderText="Filter: user, database, "
                                     "application, client, state, wait, query…")
        add_clear_button(self.filter_edit)  # the console's icon: Qt's reads the desktop's icon theme
        self.state_combo = QComboBox(objectName="performanceStateFilter")
        self.state_combo.addItems(list(STATE_FILTERS))
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.state_combo.currentTextChanged.connect(self._filter_changed)
        self.count_label = QLabel(objectName="performanceSessionCount")
        self.cancel_button = QPushButton("Cancel query…", objectName="performanceCancel")
        self.cancel_button.setToolTip("pg_cancel_backend: stop the statement the selected session runs")
        self.terminate_button = QPushButton("Terminate session…", objectName="performanceTerminate")
        self.terminate_button.setToolTip("pg_terminate_backend: end the selected session (its transaction rolls back)")
        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(QLabel("State:"))
        bar.addWidget(self.state_combo)
        bar.addWidget(self.count_label)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.terminate_button)

        self.hint_label = QLabel(objectName="performancePrivilegeHint", wordWrap=True)
        self.hint_label.setStyleSheet("color:#9a6700")
        self.hint_label.hide()

        self.model = SessionsTableModel(self)  # sorts itself: no proxy asking data() per comparison
        self.table = QTableView(objectName="performanceSessions", accessibleName="Sessions")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(self.model.sort_column, self.model.sort_order)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # no per-refresh measuring of 500 rows
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QUERY_COLUMN, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 70), (1, 110), (2, 110), (3, 140), (4, 130), (5, 140), (6, 170), (8, 90), (9, 110),
                           (10, 120)):
            header.resizeSection(col, width)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())

        self.detail = QPlainTextEdit(readOnly=True, objectName="performanceSessionDetail", accessibleName="Selected session's whole query")
        self.detail.setFont(QFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)))
        self.detail.setPlaceholderText("Select a session to see its whole query.")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.hint_label)
        layout.addWidget(split, 1)
        self._shown_reading = None
        self._shown_filter = None

    # -- render -----------------------------------------------------------------------------------
    def render(self) -> None:
        c = self.controller
        key = (c.filter_text, c.state_filter, c.long_xact_s, c.idle_in_xact_s)
        if c.reading is not self._shown_reading or key != self._shown_filter:
            self._shown_reading, self._shown_filter = c.reading, key
            rows = c.visible_sessions()
            self.model.set_rows(rows, c.flags)
            total = len(c.all_sessions())
            self.count_label.setText(f"{len(rows)} of {total}" if len(rows) != total else f"{total} sessions")
            self._reselect(c.selected_pid)
        hint = c.privilege_hint
        self.hint_label.setVisible(bool(hint))
        self.hint_label.setText(hint or "")
        can = c.link is not None and c.lost is None and c.session(c.selected_pid) is not None
        for b in (self.cancel_button, self.terminate_button):
            b.setEnabled(can and not c.read_only)
            if c.read_only:
                b.setToolTip("Disabled: the profile is marked read-only.")
        self._show_detail(c.session(c.selected_pid) if c.selected_pid is not None else None)

    def _reselect(self, pid: int | None) -> None:
        if pid is None:
            return
        r = self.model.row_of(pid)
        if r >= 0:
            sel = self.table.selectionModel()
            sel.blockSignals(True)
            self.table.selectRow(r)
            sel.blockSignals(False)

    def _filter_changed(self, *_):
        self.controller.set_filter(self.filter_edit.text(), self.state_combo.currentText())

    def _selection_changed(self) -> None:
        index = self.table.currentIndex()
        pid = index.sibling(index.row(), 0).data(PID_ROLE) if index.isValid() else None
        if pid != self.controller.selected_pid:
            self.controller.select_session(pid)

    def select_pid(self, pid: int) -> bool:
        self.controller.select_session(pid)
        self._reselect(pid)
        return self.controller.session(pid) is not None

    def _flag_text(self, flag: str) -> str:
        c = self.controller
        if flag == "long transaction":
            return f"transaction open {c.long_xact_s:g} s or longer"
        if flag == "idle in transaction":
            return f"idle in its transaction {c.idle_in_xact_s:g} s or longer"
        return flag

    def _show_detail(self, row) -> None:
        if row is None:
            if self.detail.toPlainText():
                self.detail.setPlainText("")
            return
        flags = sorted(self.controller.flags(row))
        lines = [
            f"pid {row.pid} · {row.user} on {row.database} · {row.backend_type}",
            f"application: {row.application or '-'} · client: {row.client or '-'}",
            f"state: {row.state or '-'}" + (f" · highlighted: {'; '.join(self._flag_text(f) for f in flags)}"
                                            if flags else ""),
            f"wait: {wait_text(row) or '-'}",
            f"query age: {age_text(row.query_age_s) or '-'} · transaction age: {age_text(row.xact_age_s) or '-'}",
        ]
        if row.blocked_by:
            lines.append("blocked by pid " + ", ".join(str(p) for p in row.blocked_by))
        lines += ["", HIDDEN_QUERY if row.query_hidden else (row.query or "(no query)")]
        text = "\n".join(lines)
        if text != self.detail.toPlainText():
            self.detail.setPlainText(text)
