"""The tunnel manager panel: profiles, tunnel state, open / close / reconnect / test / edit."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.errors import user_text
from aurora_console.core.ssh.manager import TunnelState
from aurora_console.ui.connections.tunnel_model import TunnelTableModel


class TunnelsPanel(QWidget):
    def __init__(self, controller, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("tunnelsPanel")
        self.controller = controller
        self.model = TunnelTableModel(controller, self)
        self.table = QTableView(objectName="tunnelsTable", accessibleName="Tunnels")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for key, text, slot in (("new", "New profile…", self.new_profile), ("edit", "Edit profile…", self.edit_selected),
                                ("delete", "Delete profile", self.delete_selected), ("test", "Test connection", self.test_selected),
                                ("open", "Open tunnel", self.open_selected), ("close", "Close tunnel", self.close_selected),
                                ("reconnect", "Reconnect", self.reconnect_selected)):
            b = QPushButton(text, objectName=f"tunnels_{key}")
            b.clicked.connect(slot)
            self.buttons[key] = b
            bar.addWidget(b)
        bar.addStretch(1)
        self.result_label = QLabel(objectName="tunnelsResult")
        self.result_label.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.result_label)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        controller.tunnel_changed.connect(lambda _s: self._update_buttons())
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self.model.tick)
        self._timer.start()
        self.model.reload()
        if self.model.rowCount():
            self.table.selectRow(0)
        self._update_buttons()

    # -- selection -----------------------------------------------------------------------------
    def selected_profile(self):
        rows = self.table.selectionModel().selectedRows()
        return self.model.profile_at(rows[0].row()) if rows else None

    def select(self, name: str) -> None:
        row = self.model.row_of(name)
        if row >= 0:
            self.table.selectRow(row)

    def _update_buttons(self) -> None:
        p = self.selected_profile()
        status = self.controller.status(p.name) if p else None
        up = status is not None and status.state in (TunnelState.UP, TunnelState.RECONNECTING, TunnelState.CONNECTING)
        has_bastion = p is not None and p.bastion is not None
        self.buttons["edit"].setEnabled(p is not None)
        self.buttons["delete"].setEnabled(p is not None and not p.builtin)
        self.buttons["test"].setEnabled(p is not None)
        self.buttons["open"].setEnabled(has_bastion and not up)
        self.buttons["close"].setEnabled(has_bastion and status is not None)
        self.buttons["reconnect"].setEnabled(has_bastion and status is not None)

    # -- actions ---------------------------------------------------------------------------------
    def new_profile(self) -> None:
        from aurora_console.ui.connections.profile_dialog import ProfileEditorDialog

        ProfileEditorDialog.edit(self.controller, None, self)

    def edit_selected(self) -> None:
        from aurora_console.ui.connections.profile_dialog import ProfileEditorDialog

        p = self.selected_profile()
        if p is not None:
            ProfileEditorDialog.edit(self.controller, p, self)

    def delete_selected(self) -> None:
        p = self.selected_profile()
        if p is None or p.builtin:
            return
        answer = QMessageBox.question(self, "Delete profile", f"Delete the connection profile “{p.name}”?\n"
                                      "Its tunnel is closed; passwords in the keyring are kept.")
        if answer == QMessageBox.StandardButton.Yes:
            self.controller.delete_profile(p.name)

    def test_selected(self):
        p = self.selected_profile()
        if p is None:
            return None
        self.result_label.setText(f"Testing {p.name}…")
        return self.controller.test(p.name, on_done=self._tested, on_error=self._failed)

    def _tested(self, report) -> None:
        self.result_label.setText(f"✔ {report.profile}: {report.summary()}")

    def _failed(self, exc: BaseException) -> None:
        text = user_text(exc)
        self.result_label.setText(f"✘ {text}")
        self.controller.services.notifier.error("Connection", exc)

    def open_selected(self):
        p = self.selected_profile()
        if p is None or p.bastion is None:
            return None
        return self.controller.open_tunnel(
            p.name, on_done=lambda s: self.result_label.setText(f"Tunnel {s.name}: 127.0.0.1:{s.local_port} "
                                                                f"({s.backend})"),
            on_error=self._failed)

    def close_selected(self) -> None:
        p = self.selected_profile()
        if p is not None:
            self.controller.close_tunnel(p.name)

    def reconnect_selected(self):
        p = self.selected_profile()
        return self.controller.reconnect(p.name, on_error=self._failed) if p is not None else None
