"""Cell editors: a lookup list for foreign-key columns (only existing keys), enums as a list,
a multi-line editor for text and JSON. An editor the user did not change writes nothing back, so
opening a NULL cell and leaving it never turns NULL into the empty string."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QStyledItemDelegate

from .table_model import RAW_ROLE

NULL_ITEM = "NULL"
MULTILINE_TYPES = {"text", "json", "jsonb", "citext"}


class ForeignKeyDelegate(QStyledItemDelegate):
    """Edits foreign-key and enum columns with a combo box of allowed values.

    ``choices_for(column_name)`` returns ``[(key_text, label)]`` (already loaded by the grid
    through the task runner) or None for a free-text column.
    """

    def __init__(self, model, choices_for, parent=None):
        super().__init__(parent)
        self._model = model
        self._choices_for = choices_for

    def _column(self, index):
        return self._model.info.columns[index.column()]

    def createEditor(self, parent, option, index):  # noqa: N802
        col = self._column(index)
        choices = self._choices_for(col.name)
        if choices is None:
            if col.base_type in MULTILINE_TYPES and not col.is_array:
                editor = QPlainTextEdit(parent)
                editor.setObjectName(f"textEditor_{col.name}")
                editor.setTabChangesFocus(True)
                return editor
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.setObjectName(f"lookup_{col.name}")
        if col.nullable:
            combo.addItem(NULL_ITEM, None)
        for key, label in choices:
            combo.addItem(label if label == key else f"{label} ({key})", key)
        return combo

    def setEditorData(self, editor, index):  # noqa: N802
        if isinstance(editor, QComboBox):
            current = index.data(RAW_ROLE)
            pos = editor.findData(current)
            editor.setCurrentIndex(max(pos, 0))
            editor.setProperty("initialIndex", editor.currentIndex())
            return
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(index.data(RAW_ROLE) or "")
            editor.document().setModified(False)
            return
        super().setEditorData(editor, index)
        if isinstance(editor, QLineEdit):
            editor.setModified(False)

    def setModelData(self, editor, model, index):  # noqa: N802
        if isinstance(editor, QComboBox):
            if editor.currentIndex() != editor.property("initialIndex"):
                model.setData(index, editor.currentData())
            return
        if isinstance(editor, QPlainTextEdit):
            if editor.document().isModified():
                model.setData(index, editor.toPlainText())
            return
        if isinstance(editor, QLineEdit) and not editor.isModified():
            return  # untouched: keep NULL / the default as they are
        super().setModelData(editor, model, index)

    def updateEditorGeometry(self, editor, option, index):  # noqa: N802
        if isinstance(editor, QPlainTextEdit):
            r = option.rect
            editor.setGeometry(QRect(r.left(), r.top(), max(r.width(), 320), max(r.height() * 5, 120)))
            return
        super().updateEditorGeometry(editor, option, index)
