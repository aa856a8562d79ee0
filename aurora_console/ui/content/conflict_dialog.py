"""Theirs beside yours: what changed since the row was loaded, and the choice to make."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from aurora_console.core.db.content.changes import Conflict
from aurora_console.core.db.content.introspect import TableInfo
from aurora_console.core.db.content.values import display_text

KEEP_MINE, TAKE_THEIRS = 1, 2


class ConflictDialog(QDialog):
    """``result()`` is KEEP_MINE, TAKE_THEIRS or 0 (decide later; the change stays pending)."""

    def __init__(self, info: TableInfo, conflict: Conflict, parent=None):
        super().__init__(parent)
        self.setObjectName("contentConflictDialog")
        self.conflict = conflict
        key = ", ".join(f"{c}={v}" for c, v in zip(info.primary_key, conflict.key, strict=False))
        self.setWindowTitle(f"Conflict in {info.qualified} ({key})")
        layout = QVBoxLayout(self)
        if conflict.deleted:
            what = "Someone else deleted this row after you loaded it. Your change cannot be applied."
        elif conflict.kind == "delete":
            what = "Someone else changed this row after you loaded it. Delete it anyway, or keep their row?"
        else:
            what = "Someone else changed this row after you loaded it. Nothing was saved. Compare and choose."
        layout.addWidget(QLabel(what))
        table = QTableWidget(0, 4, self)
        table.setObjectName("conflictTable")
        table.setHorizontalHeaderLabels(["Column", "As you loaded it", "Theirs (now)", "Yours"])
        theirs = conflict.theirs or {}
        for col in info.columns:
            name = col.name
            loaded = conflict.original.get(name)
            now = theirs.get(name) if conflict.theirs is not None else None
            mine = conflict.yours.get(name, loaded)
            if conflict.kind == "delete":
                mine = "(deleted)"
            r = table.rowCount()
            table.insertRow(r)
            cells = [name, display_text(col, loaded), "(deleted)" if conflict.deleted else display_text(col, now),
                     mine if conflict.kind == "delete" else display_text(col, mine)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 2 and conflict.theirs is not None and now != loaded:
                    item.setBackground(QBrush(QColor("#ffe0b2")))
                    item.setForeground(QBrush(QColor("#000000")))  # readable on the tint in the dark theme too
                if c == 3 and name in conflict.yours:
                    item.setBackground(QBrush(QColor("#fff3c4")))
                    item.setForeground(QBrush(QColor("#000000")))
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        layout.addWidget(table)
        buttons = QDialogButtonBox(self)
        if conflict.deleted:
            keep_text = "Keep mine"
        elif conflict.kind == "delete":
            keep_text = "Delete anyway"  # the question above asks "Delete it anyway, or keep their row?"
        else:
            keep_text = "Keep mine (overwrite theirs)"
        self.keep_button = QPushButton(keep_text)
        self.keep_button.setObjectName("keepMine")
        self.keep_button.setEnabled(not conflict.deleted)
        self.theirs_button = QPushButton("Take theirs (drop my change)")
        self.theirs_button.setObjectName("takeTheirs")
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.theirs_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        later = buttons.addButton("Decide later", QDialogButtonBox.ButtonRole.RejectRole)
        self.keep_button.clicked.connect(lambda: self.done(KEEP_MINE))
        self.theirs_button.clicked.connect(lambda: self.done(TAKE_THEIRS))
        later.clicked.connect(lambda: self.done(0))
        layout.addWidget(buttons)
        self.resize(720, 360)
