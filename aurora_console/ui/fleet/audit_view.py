"""Audit log viewer: the local JSON-lines log of every mutating AWS call, newest first."""

from __future__ import annotations

import json

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.audit import AuditEntry, read_audit
from aurora_console.ui.state_banner import StateBanner

COLUMNS = ("Time (UTC)", "Profile", "Region", "Identity", "Action", "Parameters", "Outcome")
_TOP = QModelIndex()


class AuditLogModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.entries: list[AuditEntry] = []

    def set_entries(self, entries: list[AuditEntry]) -> None:
        self.beginResetModel()  # a log reload is a new list; nothing to keep here
        self.entries = list(reversed(entries))
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _TOP) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _TOP) -> int:  # noqa: N802
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        e = self.entries[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (e.time.replace("T", " ")[:23], e.profile, e.region, e.identity, e.action,
                    json.dumps(e.params, sort_keys=True), e.outcome)[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 6:
            return QBrush(QColor("#2e8b57" if e.ok else "#c0392b"))
        return None


class AuditLogView(QWidget):
    """Reads the file through the task runner (never on the UI thread)."""

    def __init__(self, services, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("auditLogView")
        self.services = services
        self.model = AuditLogModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.filter = QLineEdit(placeholderText="Filter (action, cluster, outcome…)", objectName="auditFilter", accessibleName="Filter the audit log")
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.reload_button = QPushButton("Reload", objectName="auditReload")
        self.reload_button.clicked.connect(self.reload)
        self.status = StateBanner(objectName="auditStatus")
        bar.addWidget(self.filter, 1)
        bar.addWidget(self.reload_button)
        bar.addWidget(self.status)
        lay.addLayout(bar)
        self.table = QTableView(objectName="auditTable", accessibleName="Audit log entries")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        lay.addWidget(self.table)
        self.load_count = 0
        self.reload()

    def reload(self) -> None:
        path = self.services.paths.audit_file
        self.status.loading(f"Reading {path.name}…")
        self.services.runner.submit(lambda ctx: read_audit(path, limit=5000), name="Read audit log",
                                    on_done=self._loaded,
                                    on_error=lambda exc: self.status.error_from(exc, retry=self.reload,
                                                                                prefix="The audit log could not be read: "))

    def _loaded(self, entries: list[AuditEntry]) -> None:
        self.model.set_entries(entries)
        self.table.resizeColumnsToContents()
        where = self.services.paths.audit_file
        if entries:
            self.status.info(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} · {where}")
        else:
            self.status.empty(f"No console action recorded yet: failovers, reboots, snapshots and restores "
                              f"made here are written to {where}")
        self.load_count += 1
