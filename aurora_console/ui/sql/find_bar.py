"""Find and replace bar under the editor (Ctrl+F / Ctrl+H, Esc hides it)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget


class FindBar(QWidget):
    def __init__(self, editor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sqlFindBar")
        self.editor = editor
        self.find_edit = QLineEdit(placeholderText="Find", objectName="sqlFindText")
        self.replace_edit = QLineEdit(placeholderText="Replace with", objectName="sqlReplaceText")
        self.case = QCheckBox("Match case")
        self.info = QLabel()
        prev_b = QPushButton("Previous")
        next_b = QPushButton("Next")
        rep_b = QPushButton("Replace")
        all_b = QPushButton("Replace all", objectName="sqlReplaceAll")
        close_b = QPushButton("✕")
        close_b.setFlat(True)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        for w in (self.find_edit, prev_b, next_b, self.replace_edit, rep_b, all_b, self.case, self.info):
            lay.addWidget(w)
        lay.addStretch(1)
        lay.addWidget(close_b)
        self.find_edit.returnPressed.connect(self.find_next)
        next_b.clicked.connect(self.find_next)
        prev_b.clicked.connect(lambda: self._find(backward=True))
        rep_b.clicked.connect(self.replace)
        all_b.clicked.connect(self.replace_all)
        close_b.clicked.connect(self.close_bar)
        self.hide()

    def open(self, replace: bool = False) -> None:
        sel = self.editor.textCursor().selectedText()
        if sel and "\u2029" not in sel:
            self.find_edit.setText(sel)
        self.replace_edit.setVisible(True)
        self.show()
        (self.replace_edit if replace and self.find_edit.text() else self.find_edit).setFocus()
        self.find_edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.editor.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)

    def _find(self, backward: bool = False) -> bool:
        found = self.editor.find_text(self.find_edit.text(), backward=backward, case=self.case.isChecked())
        if found:
            self.info.setText("")
        else:  # while a file still loads, the search covers what has arrived so far
            self.info.setText("Not found in the part loaded so far" if self.editor.loading else "Not found")
        return found

    def find_next(self) -> bool:
        return self._find()

    def _folded(self) -> bool:
        """A text shown folded is read-only: replacing says so instead."""
        if getattr(self.editor, "folded", None) is None:
            return False
        self.info.setText("Read-only: the file's long lines are shown folded")
        return True

    def replace(self) -> None:
        if self._folded():
            return
        self.editor.replace_current(self.find_edit.text(), self.replace_edit.text(), case=self.case.isChecked())

    def replace_all(self) -> int:
        if self._folded():
            return 0
        n = self.editor.replace_all(self.find_edit.text(), self.replace_edit.text(), case=self.case.isChecked())
        self.info.setText(f"{n} replaced")
        return n
