"""Table model: one row per connection profile with its tunnel state."""

from __future__ import annotations

import time

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from aurora_console.core.ssh.manager import TunnelState

_ROOT = QModelIndex()
COLUMNS = ("Profile", "Tunnel", "Local port", "Bastion", "Target", "Uptime", "Backend", "Detail")


def format_uptime(seconds: float) -> str:
    if seconds <= 0:
        return ""
    s = int(seconds)
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class TunnelTableModel(QAbstractTableModel):
    def __init__(self, controller, parent=None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._profiles: list = []
        controller.tunnel_changed.connect(self._status_changed)
        controller.profiles_changed.connect(self.reload)

    def reload(self) -> None:
        self.beginResetModel()
        self._profiles = self.controller.profiles()
        self.endResetModel()

    def profile_at(self, row: int):
        return self._profiles[row] if 0 <= row < len(self._profiles) else None

    def row_of(self, name: str) -> int:
        for i, p in enumerate(self._profiles):
            if p.name == name:
                return i
        return -1

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._profiles)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        p = self._profiles[index.row()]
        status = self.controller.status(p.name)
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return p.name + (" (built-in)" if p.builtin else "") + (" · read-only" if p.read_only else "")
            if col == 1:
                if p.bastion is None:
                    return "direct"
                from aurora_console.ui.connections.controller import state_text

                return state_text(status)
            if col == 2:
                return str(status.local_port) if status and status.local_port and status.state == TunnelState.UP \
                    else ""
            if col == 3:
                return p.bastion.label if p.bastion else "—"
            if col == 4:
                return f"{p.host}:{p.port}/{p.database}"
            if col == 5:
                return format_uptime(status.uptime(time.time())) if status else ""
            if col == 6:
                return (status.backend if status and status.backend else p.backend) if p.bastion else ""
            if col == 7:
                return status.reason if status else ""
        if role == Qt.ItemDataRole.ToolTipRole and col == 7 and status and status.reason:
            return status.reason
        if role == Qt.ItemDataRole.ForegroundRole and col == 1 and status is not None:
            from PySide6.QtGui import QColor

            return {TunnelState.UP: QColor("#2e7d32"), TunnelState.FAILED: QColor("#c62828"),
                    TunnelState.RECONNECTING: QColor("#ef6c00"), TunnelState.CONNECTING: QColor("#1565c0")}.get(
                status.state)
        return None

    def _status_changed(self, status) -> None:
        row = self.row_of(status.name)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def tick(self) -> None:
        """Refresh the uptime column (called every second by the panel)."""
        if self._profiles:
            self.dataChanged.emit(self.index(0, 5), self.index(len(self._profiles) - 1, 5),
                                  [Qt.ItemDataRole.DisplayRole])
