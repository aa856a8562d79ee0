"""The history of executed statements (per profile, searchable) and the saved snippets."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.db.history import QueryHistory, Snippets
from aurora_console.ui.clear_button import add_clear_button


class HistoryPanel(QWidget):
    """``insert_requested(sql)``: the user picked an entry or snippet to put into the editor."""

    insert_requested = Signal(str)

    def __init__(self, history: QueryHistory, snippets: Snippets, runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sqlHistoryPanel")
        self.history = history
        self.snippets = snippets
        self.runner = runner
        self.search = QLineEdit(placeholderText="Search history…", objectName="sqlHistorySearch")
        add_clear_button(self.search)  # the console's icon: Qt's reads the desktop's icon theme
        self.list = QListWidget(objectName="sqlHistoryList")
        self.list.itemDoubleClicked.connect(lambda it: self.insert_requested.emit(it.data(Qt.ItemDataRole.UserRole)))
        self.snippet_list = QListWidget(objectName="sqlSnippetList")
        self.snippet_list.itemDoubleClicked.connect(lambda it: self.insert_requested.emit(it.data(Qt.ItemDataRole.UserRole)))
        self.delete_snippet = QPushButton("Delete", objectName="sqlSnippetDelete")
        self.delete_snippet.clicked.connect(self._delete_snippet)
        tabs = QTabWidget()
        hist = QWidget()
        hl = QVBoxLayout(hist)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.addWidget(self.search)
        hl.addWidget(self.list, 1)
        snip = QWidget()
        sl = QVBoxLayout(snip)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(self.snippet_list, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.delete_snippet)
        sl.addLayout(row)
        tabs.addTab(hist, "History")
        tabs.addTab(snip, "Snippets")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(tabs)
        self._debounce = QTimer(self, singleShot=True, interval=200)
        self._debounce.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.loads = 0

    def reload(self) -> None:
        needle = self.search.text()
        history, snippets = self.history, self.snippets
        self.runner.submit(lambda ctx: (history.entries(needle), snippets.all()), name="Load SQL history",
                           on_done=self._show, owner=self)

    def _show(self, data) -> None:
        entries, snippets = data
        self.list.clear()
        for e in entries:
            when = dt.datetime.fromtimestamp(e.at).strftime("%Y-%m-%d %H:%M:%S")
            first = " ".join(e.sql.split())[:120]
            mark = {"ok": "✓", "error": "✗", "cancelled": "■"}.get(e.outcome, "?")
            item = QListWidgetItem(f"{mark} {first}\n    {when} · {e.duration_ms:.0f} ms"
                                   + (f" · {e.rows} rows" if e.rows is not None else "")
                                   + (f" · {e.message}" if e.message else ""))
            item.setData(Qt.ItemDataRole.UserRole, e.sql)
            item.setToolTip(e.sql[:2000])
            self.list.addItem(item)
        self.snippet_list.clear()
        for name, sql in sorted(snippets.items()):
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, sql)
            item.setToolTip(sql[:2000])
            self.snippet_list.addItem(item)
        self.loads += 1

    def save_snippet(self, sql: str, name: str | None = None) -> None:
        if name is None:
            name, ok = QInputDialog.getText(self, "Save snippet", "Snippet name:")
            if not ok or not name.strip():
                return
        snippets = self.snippets
        self.runner.submit(lambda ctx: snippets.save(name, sql), name="Save snippet", on_done=lambda _r: self.reload(),
                           owner=self)

    def _delete_snippet(self) -> None:
        item = self.snippet_list.currentItem()
        if item is None:
            return
        name, snippets = item.text(), self.snippets
        self.runner.submit(lambda ctx: snippets.delete(name), name="Delete snippet", on_done=lambda _r: self.reload(),
                           owner=self)
