"""MigrationsTableModel: one row per migration (pending and applied), with live progress.

The Transaction column says how a file runs (see ``core.db.migrations.transactions``): "yes" (on
MySQL "yes, but CREATE TABLE at line 1 commits implicitly" when DDL cannot be rolled back), "no:
<reason>" (``CREATE INDEX CONCURRENTLY at line 3``, ``V3__x.sql.conf: executeInTransaction=false``,
its own ``BEGIN``/``COMMIT``...) or "cannot run: <why>"; the tooltip repeats the reason in full.
Entries another tool applied (JDBC, Java...) read as ``external`` with their history type.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from aurora_console.core.db.migrations import MigrationInfo
from aurora_console.core.db.migrations.transactions import TxDecision

COLUMNS = ("Version", "Description", "Type", "State", "Transaction", "Checksum", "Installed on", "Duration",
           "Progress")
STATE_COLUMN = COLUMNS.index("State")
TRANSACTION_COLUMN = COLUMNS.index("Transaction")
CHECKSUM_COLUMN = COLUMNS.index("Checksum")
DURATION_COLUMN = COLUMNS.index("Duration")
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
    "external": "#8250df",
    "future": "#57606a",
}


class MigrationsTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._infos: list[MigrationInfo] = []
        self._transactions: dict[str, TxDecision] = {}  # script -> how its file runs
        self._live: dict[str, dict] = {}  # script -> {"state", "fraction", "ms"} during a run

    # -- data ---------------------------------------------------------------------------------
    def set_infos(self, infos: list[MigrationInfo], transactions: dict[str, TxDecision] | None = None) -> None:
        self.beginResetModel()
        self._infos = list(infos)
        self._transactions = dict(transactions or {})
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
        tx = self._transactions.get(info.script)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(info, live, col, tx)
        if role == Qt.ItemDataRole.ToolTipRole:
            return transaction_tooltip(tx) if col == TRANSACTION_COLUMN and tx is not None else self._tooltip(info)
        if role == Qt.ItemDataRole.ForegroundRole and col == STATE_COLUMN:
            colour = _STATE_COLOURS.get(live.get("state", info.state))
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ForegroundRole and col == TRANSACTION_COLUMN and tx is not None:
            if tx.problem:
                return QBrush(QColor(_STATE_COLOURS["failed"]))
            return None if tx.in_transaction else QBrush(QColor(_STATE_COLOURS["running"]))
        if (role == Qt.ItemDataRole.ForegroundRole and col == CHECKSUM_COLUMN
                and info.checksum_status in ("changed", "no file")):
            return QBrush(QColor(_STATE_COLOURS["failed"]))
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, DURATION_COLUMN):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(info: MigrationInfo, live: dict, col: int, tx: TxDecision | None) -> str:
        name = COLUMNS[col]
        if name == "Version":
            return str(info.version) if info.version is not None else ""
        if name == "Description":
            return info.description
        if name == "Type":
            return f"{info.kind} ({info.type})" if info.state == "external" else info.kind
        if name == "State":
            return live.get("state", info.state)
        if name == "Transaction":
            return transaction_text(tx)
        if name == "Checksum":
            return {"ok": "matches", "changed": "CHANGED", "no file": "file missing"}.get(info.checksum_status, "")
        if name == "Installed on":
            return f"{info.installed_on:%Y-%m-%d %H:%M:%S}" if info.installed_on else ""
        if name == "Duration":
            ms = live.get("ms", info.execution_ms)
            return "" if ms is None else f"{ms} ms"
        return ""

    @staticmethod
    def _tooltip(info: MigrationInfo) -> str:
        lines = [info.script]
        if info.file is not None:
            lines.append(f"file: sha256 {info.file.checksum}, Flyway CRC32 {info.file.flyway_checksum}")
        if info.applied is not None:
            recorded = info.applied.checksum
            what = "CRC32" if isinstance(recorded, int) else "sha256"
            lines.append(f"applied by {info.applied.installed_by} (rank {info.applied.installed_rank}, type "
                         f"{info.applied.type}); recorded {what} {'-' if recorded is None else recorded}")
        if info.state == "deleted":
            lines.append("marked deleted by repair (its file was gone): it will not be applied again")
        if info.state == "external":
            lines.append(f"applied by another tool as a {info.type} migration (not SQL): the console shows it "
                         "and never runs it")
        return "\n".join(lines)


def transaction_text(tx: TxDecision | None) -> str:
    """The Transaction cell: "" (no file), "yes", "no: <reason>" or "cannot run: <why>"."""
    if tx is None:
        return ""
    if tx.problem:
        return f"cannot run: {tx.problem}"
    if tx.in_transaction:
        return f"yes, but {tx.implicit_commit} commits implicitly" if tx.implicit_commit else "yes"
    return f"no: {tx.reason}" if tx.reason else "no"


def transaction_tooltip(tx: TxDecision) -> str:
    if tx.problem:
        return f"This file cannot run as configured: {tx.problem}"
    if tx.in_transaction and tx.implicit_commit:
        return (f"Runs in its own transaction, but MySQL commits DDL implicitly ({tx.implicit_commit}): a "
                "failure after such a statement leaves the statements up to the last one applied; the migration "
                "is then recorded as failed with the statement it reached.")
    if tx.in_transaction:
        return "Runs in its own transaction: a failure rolls it back and records nothing."
    return ("Runs without a transaction" + (f" because of {tx.reason}" if tx.reason else "") + ".\n"
            "A failure leaves the statements before it applied; the migration is then recorded as failed.")
