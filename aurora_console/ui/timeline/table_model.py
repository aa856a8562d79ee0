"""The timeline's rows as a Qt table model (time, source, kind, who, what, where)."""

from __future__ import annotations

from datetime import timezone

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from aurora_console.core.aws.timeline.entries import TimelineEntry

COLUMNS = ("Time (UTC)", "Source", "Kind", "Who", "What", "Where")


class TimelineTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[TimelineEntry] = []
        #: the list last given to :meth:`set_rows` (the controller makes a new list for every
        #: change of its rows, so the same list is the same rows)
        self._given: list[TimelineEntry] | None = None
        #: each row's texts once painted (a paint asks for every visible cell, again and again)
        self._cells: dict[int, tuple[str, ...]] = {}

    def set_rows(self, rows: list[TimelineEntry]) -> bool:
        """Show ``rows``; whether the model was reset (not when given the list it shows: the
        screen renders on every change of state, a progress line too, and a reset would repaint
        the whole table and drop the selection)."""
        if rows is self._given:
            return False
        self.beginResetModel()
        self._given = rows
        self._rows = list(rows)
        self._cells = {}
        self.endResetModel()
        return True

    def _texts(self, row: int) -> tuple[str, ...]:
        cells = self._cells.get(row)
        if cells is None:
            entry = self._rows[row]
            cells = self._cells[row] = (entry.time.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
                                        entry.source_label, entry.kind, entry.who, entry.summary(), entry.where)
        return cells

    def entry(self, row: int) -> TimelineEntry | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        role = int(role)  # compared as plain ints: called for every visible cell and role on each paint
        if role == _DISPLAY:
            if not index.isValid():
                return None
            return self._texts(index.row())[index.column()]
        if role == _TOOLTIP and index.isValid() and index.column() in (3, 4, 5):
            return self._texts(index.row())[index.column()] or None
        return None


_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
