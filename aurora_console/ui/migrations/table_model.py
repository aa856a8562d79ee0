"""MigrationsTableModel: one row per migration (pending and applied), with live progress."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from aurora_console.core.db.migrations import MigrationInfo

COLUMNS = ("Version", "Description", "Type", "State", "Checksum", "Installed on", "Duration", "Progress")
PROGRESS_COLUMN = COLUMNS.index("Progress")
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 1  # float 0..1, or None
SCRIPT_ROLE = Qt.ItemDataRole.UserRole + 2

_STATE_COLOURS = {
    "pending": "#1f6feb",
    "outdated": "#1f6feb",
    "running": "#9a6700",
    "applied": "#1a7f37",
    "baseline": "#57606a",
    "below baseline": "#57606a",
    "failed": "#cf222e",
    "missing": "#cf222e",
    "ignored": "#bc4c00",
    "deleted": "#57606a",
}


class MigrationsTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._infos: list[MigrationInfo] = []
        self._live: dict[str, dict] = {}  # script -> {"state", "fraction", "ms"} during a run

    # -- data ---------------------------------------------------------------------------------
    def set_infos(self, infos: list[MigrationInfo]) -> None:
        self.beginResetModel()
        self._infos = list(infos)
        self._live = {}
        self.endResetModel()

    def infos(self) -> list[MigrationInfo]:
        return list(self._infos)

    def row_of(self, script: str) -> int:
        for i, info in enumerate(self._infos):
            if info.script == script:
                return i
        return -1

    def set_live(self, script: str, *, state: str | None = None, fraction: float | None = None,
                 ms: int | None = None) -> None:
        live = self._live.setdefault(script, {})
        if state is not None:
            live["state"] = state
        if fraction is not None:
            live["fraction"] = fraction
        if ms is not None:
            live["ms"] = ms
        row = self.row_of(script)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def state_of(self, row: int) -> str:
        info = self._infos[row]
        return self._live.get(info.script, {}).get("state", info.state)

    # -- Qt model API -------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._infos)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        info = self._infos[index.row()]
        live = self._live.get(info.script, {})
        col = index.column()
        if role == SCRIPT_ROLE:
            return info.script
        if role == PROGRESS_ROLE:
            if "fraction" in live:
                return live["fraction"]
            return 1.0 if info.state in ("applied", "baseline") else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(info, live, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(info)
        if role == Qt.ItemDataRole.ForegroundRole and col == 3:
            colour = _STATE_COLOURS.get(live.get("state", info.state))
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ForegroundRole and col == 4 and info.checksum_status in ("changed", "no file"):
            return QBrush(QColor(_STATE_COLOURS["failed"]))
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 6):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(info: MigrationInfo, live: dict, col: int) -> str:
        if col == 0:
            return str(info.version) if info.version is not None else ""
        if col == 1:
            return info.description
        if col == 2:
            kind = info.kind
            if info.file is not None and info.file.no_transaction:
                kind += " (no transaction)"
            return kind
        if col == 3:
            return live.get("state", info.state)
        if col == 4:
            return {"ok": "matches", "changed": "CHANGED", "no file": "file missing"}.get(info.checksum_status, "")
        if col == 5:
            return f"{info.installed_on:%Y-%m-%d %H:%M:%S}" if info.installed_on else ""
        if col == 6:
            ms = live.get("ms", info.execution_ms)
            return "" if ms is None else f"{ms} ms"
        return ""

    @staticmethod
    def _tooltip(info: MigrationInfo) -> str:
        lines = [info.script]
        if info.file is not None:
            lines.append(f"sha256 {info.file.checksum}")
        if info.applied is not None:
            lines.append(f"applied by {info.applied.installed_by} (rank {info.applied.installed_rank}); "
                         f"recorded sha256 {info.applied.checksum or '-'}")
        if info.state == "deleted":
            lines.append("marked deleted by repair (its file was gone): it will not be applied again")
        return "\n".join(lines)
