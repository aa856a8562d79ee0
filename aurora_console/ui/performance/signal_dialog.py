"""SignalConfirmDialog: the typed confirmation before a cancel or terminate. It shows the text
naming pid, user, database and query (``core.performance.backends.confirmation_text``) and enables
its button only once the user has typed the pid exactly."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget


class SignalConfirmDialog(QDialog):
    def __init__(self, request, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.request = request
        verb = "Cancel query" if request.action == "cancel" else "Terminate session"
        self.setWindowTitle(f"{verb} · pid {request.pid}")
        self.setObjectName("performanceSignalDialog")
        text = QLabel(request.text, wordWrap=True)
        text.setTextFormat(text.textFormat().PlainText)
        self.edit = QLineEdit(objectName="performanceSignalWord", placeholderText=f"type {request.word}")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton(verb, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.ok.setEnabled(False)
        self.ok.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.edit.textChanged.connect(lambda t: self.ok.setEnabled(t.strip() == request.word))
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.edit)
        layout.addWidget(self.buttons)

    @classmethod
    def ask(cls, request, parent: QWidget | None = None) -> str | None:
        """What the user typed, or None when the dialog was cancelled."""
        dialog = cls(request, parent)
        return dialog.edit.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
