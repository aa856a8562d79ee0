"""Confirmation dialogs for backup actions, on top of the shared :class:`ActionDialog` (message
naming the resource, form, inline refusal, read-only disables the button). ``prepare`` calls core,
which validates; a refusal stays in the open dialog. Destructive steps need the id typed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit

from aurora_console.core.aws.backups.operations import BackupAction
from aurora_console.ui.action_dialog import COMMON_CLASSES, ActionDialog


class BackupDialog(ActionDialog):
    """A titled confirmation whose ``prepare`` is a callable returning a :class:`BackupAction`."""

    def __init__(self, title: str, message: str, verb: str, prepare: Callable[[BackupDialog], BackupAction],
                 *, read_only: bool, target=None, confirm_id: str = "", warning: str = "", parent=None) -> None:
        self.verb = verb
        super().__init__(None, target, None, read_only, parent)  # type: ignore[arg-type]
        self.setObjectName("backupDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.message.setText(message)
        self._prepare = prepare
        self.confirm_id = confirm_id
        self.warning = QLabel(warning, wordWrap=True, objectName="backupDialogWarning")
        self.warning.setStyleSheet("color: #b35c00; font-weight: bold;")
        self.warning.setVisible(bool(warning))
        self._lay.insertWidget(1, self.warning)
        self.confirm: QLineEdit | None = None
        if confirm_id:
            self.confirm = QLineEdit(objectName="backupConfirm", placeholderText=confirm_id)
            self.confirm.textChanged.connect(self._update_ok)
        self._rows_done = False

    def add_confirm_row(self) -> None:
        """Call after the form rows: the typed confirmation goes last."""
        if self.confirm is not None:
            self.form.addRow(f"Type {self.confirm_id} to confirm", self.confirm)
            self._update_ok()

    def typed(self) -> str:
        return self.confirm.text() if self.confirm is not None else ""

    def _update_ok(self) -> None:
        if self.confirm is not None:
            self.ok.setEnabled(not self.read_only and self.confirm.text().strip() == self.confirm_id)

    def set_warning(self, text: str) -> None:
        self.warning.setText(text)
        self.warning.setVisible(bool(text))

    def prepare(self) -> BackupAction:  # type: ignore[override]
        return self._prepare(self)


def instance_class_box(default: str, object_name: str) -> QComboBox:
    box = QComboBox(objectName=object_name, editable=True)
    box.addItems(list(dict.fromkeys([c for c in (default,) if c] + list(COMMON_CLASSES))))
    return box
