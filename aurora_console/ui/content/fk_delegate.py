"""Cell editors: a lookup list for foreign-key columns (only existing keys), enums as a list."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QStyledItemDelegate

from .table_model import RAW_ROLE

NULL_ITEM = "NULL"


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
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData())
            return
        super().setModelData(editor, model, index)
