"""The base of the console's confirmation dialogs for AWS actions (fleet and backups): a message
naming the resource, a form, an error line, Cancel / <verb>. The subclass's ``prepare()`` validates
through core when the user confirms; a refusal is shown inside the dialog, which stays open."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from aurora_console.core.aws.fleet import actions as fa
from aurora_console.core.aws.fleet.models import Cluster, RegionInventory
from aurora_console.core.errors import ConsoleError

COMMON_CLASSES = ("db.r6g.large", "db.r6g.xlarge", "db.r6g.2xlarge", "db.r7g.large", "db.r7g.xlarge",
                  "db.t4g.medium", "db.serverless")


class ActionDialog(QDialog):
    """Base: a message naming the resource, a form, an error line, Cancel / <verb>."""

    verb = "Run"

    def __init__(self, cluster: Cluster, target: Any, inventory: RegionInventory | None, read_only: bool,
                 parent=None) -> None:
        super().__init__(parent)
        self.cluster, self.target, self.inventory, self.read_only = cluster, target, inventory, read_only
        self.prepared: fa.PreparedAction | None = None
        self.setModal(True)
        self._lay = QVBoxLayout(self)
        self.message = QLabel(wordWrap=True, objectName="fleetDialogMessage")
        self._lay.addWidget(self.message)
        self.form = QFormLayout()
        self._lay.addLayout(self.form)
        self.error = QLabel(wordWrap=True, objectName="fleetDialogError")
        self.error.setStyleSheet("color: #c0392b;")
        self._lay.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton(self.verb, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("fleetDialogOk")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._lay.addWidget(self.buttons)
        if read_only:
            self.ok.setEnabled(False)
            self.error.setText("This profile is marked read-only: the action is disabled.")

    def prepare(self) -> fa.PreparedAction:  # pragma: no cover - overridden
        raise NotImplementedError

    def accept(self) -> None:
        try:
            self.prepared = self.prepare()
        except ConsoleError as exc:
            self.error.setText(exc.message)
            return
        super().accept()
