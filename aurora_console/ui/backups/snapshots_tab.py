"""Snapshots of the cluster: sortable table and the actions on the selected snapshot."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.aws.backups.snapshots import Snapshot, list_snapshots
from aurora_console.core.errors import error_message
from aurora_console.ui.backups import snapshot_dialogs as sd
from aurora_console.ui.backups.dialog_host import DialogHost
from aurora_console.ui.backups.snapshot_model import SNAPSHOT_ROLE, SnapshotTableModel, sorted_proxy
from aurora_console.ui.endpoint_text import is_unsupported, readable
from aurora_console.ui.state_banner import StateBanner


class SnapshotsTab(DialogHost, QWidget):
    def __init__(self, panel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.dialog = None
        self.error = ""
        self.region_ids: list[str] = []
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text in (("create", "Create snapshot…"), ("copy", "Copy…"), ("share", "Share…"),
                          ("restore", "Restore to new cluster…"), ("delete", "Delete…")):
            b = QPushButton(text, objectName=f"snapshot_{key}")
            b.clicked.connect(lambda _=False, k=key: self.request(k))
            self.buttons[key] = b
            bar.addWidget(b)
        bar.addStretch(1)
        self.count = QLabel(objectName="snapshotCount")
        bar.addWidget(self.count)
        lay.addLayout(bar)
        self.model = SnapshotTableModel(self)
        self.proxy = sorted_proxy(self.model, self)
        self.table = QTableView(objectName="snapshotTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.update_enabled())
        lay.addWidget(self.table, 1)
        self.message = StateBanner(objectName="snapshotMessage")
        lay.addWidget(self.message)

    def load(self, submit) -> None:
        cid, target = self.panel.ref.cluster_id, self.panel.target
        # the whole region: snapshot ids are unique per region, so duplicates are checked against all
        submit(f"Snapshots of {cid}", lambda aws: list_snapshots(aws, target), self.show_snapshots, self._error)

    def show_snapshots(self, region_rows: list[Snapshot]) -> None:
        selected = self.selected()
        self.error = ""
        self.region_ids = [r.id for r in region_rows]
        rows = [r for r in region_rows if r.cluster_id == self.panel.ref.cluster_id]
        self.model.set_snapshots(rows)
        manual = sum(1 for r in rows if r.is_manual)
        self.count.setText(f"{len(rows)} snapshots ({manual} manual, {len(rows) - manual} automated)")
        if rows:
            self.message.clear()
        else:
            self.message.empty("No snapshots of this cluster yet: automated ones appear after the backup window; "
                               "Create… takes a manual one.")
        if selected is not None:
            self.select(selected.id)
        self.update_enabled()

    def _error(self, exc: BaseException) -> None:
        self.error = error_message(exc)
        if is_unsupported(self.error) and self.panel.services.aws_is_sandbox:
            self.message.empty(readable(self.error, sandbox=True, feature="Snapshots") + ".")
        else:
            self.message.error(f"Could not list snapshots: {self.error}", retry=self.panel.reload)

    def select(self, snapshot_id: str) -> bool:
        for row in range(self.proxy.rowCount()):
            idx = self.proxy.index(row, 0)
            if idx.data(SNAPSHOT_ROLE).id == snapshot_id:
                self.table.selectRow(row)
                return True
        return False

    def selected(self) -> Snapshot | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return rows[0].data(SNAPSHOT_ROLE) if rows else None

    def ids(self) -> list[str]:
        """Every snapshot id of the region (a new id must not clash with any)."""
        return list(self.region_ids)

    def update_enabled(self) -> None:
        can = self.panel.can_change()
        snap = self.selected()
        self.buttons["create"].setEnabled(can)
        self.buttons["copy"].setEnabled(can and snap is not None)
        self.buttons["restore"].setEnabled(can and snap is not None)
        self.buttons["share"].setEnabled(can and snap is not None and snap.is_manual)
        self.buttons["delete"].setEnabled(can and snap is not None and snap.is_manual)
        self.buttons["delete"].setToolTip("" if snap is None or snap.is_manual else
                                          "Automated snapshots are deleted by AWS at the end of the retention period.")

    def request(self, kind: str):
        snap = self.selected()
        panel = self.panel
        if kind == "create":
            dlg = sd.create_dialog(panel, self.ids(), parent=self)
        elif snap is None:
            return None
        elif kind == "copy":
            dlg = sd.copy_dialog(panel, snap, self.ids(), parent=self)
        elif kind == "share":
            dlg = sd.share_dialog(panel, snap, parent=self)
        elif kind == "delete":
            dlg = sd.delete_dialog(panel, snap, parent=self)
        elif kind == "restore":
            dlg = sd.restore_dialog(panel, snap, parent=self)
        else:
            return None
        return self._open(dlg)
