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

    def set_rows(self, rows: list[TimelineEntry]) -> None:
        if rows is self._rows:
            return
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

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
        if not index.isValid():
            return None
        entry = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return entry.time.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
            if column == 1:
                return entry.source_label
            if column == 2:
                return entry.kind
            if column == 3:
                return entry.who
            if column == 4:
                return entry.summary()
            return entry.where
        if role == Qt.ItemDataRole.ToolTipRole and column in (3, 4, 5):
            return {3: entry.who, 4: entry.summary(), 5: entry.where}[column] or None
        return None
