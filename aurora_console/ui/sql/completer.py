"""Completion for the SQL editor: keywords at once, catalog names once loaded (Ctrl+Space)."""

from __future__ import annotations

import re

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QCompleter

from aurora_console.core.db.catalog import keywords

_WORD_BEFORE = re.compile(r"[\w.$]+$")


class SqlCompleter(QCompleter):
    def __init__(self, editor) -> None:
        self._model = QStringListModel(keywords())
        super().__init__(self._model, editor)
        self.editor = editor
        self.setObjectName("sqlCompleter")
        self.setWidget(editor)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setModelSorting(QCompleter.ModelSorting.CaseInsensitivelySortedModel)
        self.activated.connect(self.insert)

    def set_words(self, words: list[str]) -> None:
        self._model.setStringList(sorted(set(words), key=str.lower))

    def words(self) -> list[str]:
        return self._model.stringList()

    def prefix_at_cursor(self) -> str:
        cur = self.editor.textCursor()
        text = cur.block().text()[: cur.positionInBlock()]
        m = _WORD_BEFORE.search(text)
        return m.group() if m else ""

    def show_for_cursor(self) -> None:
        # A read-only editor (a folded file, or one still loading) is never completed into:
        # QTextCursor.insertText ignores read-only, so the screen would stop matching the exact
        # text that Run and Save use.
        if self.editor.isReadOnly():
            self.popup().hide()
            return
        prefix = self.prefix_at_cursor()
        self.setCompletionPrefix(prefix)
        rect = self.editor.cursorRect()
        rect.setWidth(self.popup().sizeHintForColumn(0) + self.popup().verticalScrollBar().sizeHint().width() + 20)
        self.complete(rect)

    def insert(self, word: str) -> None:
        if self.editor.isReadOnly():
            return
        cur = self.editor.textCursor()
        prefix = self.prefix_at_cursor()
        cur.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(prefix))
        cur.insertText(word)
        self.editor.setTextCursor(cur)
