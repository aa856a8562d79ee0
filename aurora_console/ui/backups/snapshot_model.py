"""The snapshots table: one row per cluster snapshot; sorting by the raw value of each column."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt

from aurora_console.core.aws.backups.pitr import fmt_utc
from aurora_console.core.aws.backups.snapshots import Snapshot
from aurora_console.ui.icons import object_icon, status_icon

COLUMNS = ("Snapshot", "Type", "Status", "Created (UTC)", "Size", "Encrypted", "Engine version")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
SNAPSHOT_ROLE = Qt.ItemDataRole.UserRole + 2


class SnapshotTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[Snapshot] = []

    def set_snapshots(self, rows: list[Snapshot]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | None = None) -> int:  # noqa: N802 - Qt naming
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | None = None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        s = self.rows[index.row()]
        col = index.column()
        if role == SNAPSHOT_ROLE:
            return s
        if role == Qt.ItemDataRole.DisplayRole:
            return (s.id, s.kind, s.status if s.progress >= 100 else f"{s.status} ({s.progress}%)",
                    fmt_utc(s.created).removesuffix(" UTC"), f"{s.size_gib:,} GiB",
                    "yes" if s.encrypted else "no", s.engine_version)[col]
        if role == SORT_ROLE:
            return (s.id, s.kind, s.status, s.created.timestamp() if s.created else 0.0, s.size_gib,
                    int(s.encrypted), s.engine_version)[col]
        if role == Qt.ItemDataRole.DecorationRole:  # the object's kind; the status's badge (shape and colour)
            if col == 0:
                return object_icon("snapshot")
            return status_icon(s.status) if col == 2 else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{s.arn}\nKMS key: {s.kms_key_id or '-'}" if col == 0 else None
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def sorted_proxy(model: SnapshotTableModel, parent=None) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    return proxy
