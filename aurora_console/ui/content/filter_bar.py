"""The grid's filter row: column, operator, value; the active filters shown beside it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from aurora_console.core.db.content.pager import OPERATORS, Filter

NO_VALUE = ("is null", "is not null")


class FilterBar(QWidget):
    add_requested = Signal()
    clear_requested = Signal()

    def __init__(self, columns, parent=None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.column = QComboBox(self)
        self.column.setObjectName("filterColumn")
        self.column.addItems(list(columns))
        self.op = QComboBox(self)
        self.op.setObjectName("filterOperator")
        self.op.addItems(list(OPERATORS))
        self.op.currentTextChanged.connect(lambda op: self.value.setEnabled(op not in NO_VALUE))
        self.value = QLineEdit(self)
        self.value.setObjectName("filterValue")
        self.value.setPlaceholderText("value")
        self.value.returnPressed.connect(self.add_requested)
        add = QPushButton("Filter", self)
        add.setObjectName("addFilter")
        add.clicked.connect(self.add_requested)
        clear = QPushButton("Clear filters", self)
        clear.setObjectName("clearFilters")
        clear.clicked.connect(self.clear_requested)
        self.label = QLabel(self)
        self.label.setObjectName("activeFilters")
        for w in (QLabel("Where"), self.column, self.op, self.value, add, clear):
            row.addWidget(w)
        row.addWidget(self.label, 1)

    def current(self) -> Filter:
        op = self.op.currentText()
        return Filter(self.column.currentText(), op, None if op in NO_VALUE else self.value.text())

    def show_filters(self, filters) -> None:
        self.label.setText(" AND ".join(f"{f.column} {f.op} {f.value or ''}".strip() for f in filters))
