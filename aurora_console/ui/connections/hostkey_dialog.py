"""Ask whether to trust an unknown bastion host key: once, always, or not at all."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout


class HostKeyTrustDialog(QDialog):
    def __init__(self, error, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("hostKeyTrustDialog")
        self.setWindowTitle("Unknown SSH host key")
        self.choice: str | None = None
        where = error.host if error.port == 22 else f"{error.host}:{error.port}"
        intro = QLabel(f"The SSH server <b>{where}</b> is not known yet. Before trusting it, compare its "
                       "fingerprint with the one your administrator published (for example "
                       "<code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> on the bastion).")
        intro.setWordWrap(True)
        self.fingerprint_label = QLabel(f"{error.key_type}\n{error.fingerprint}", objectName="hostKeyFingerprint")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.fingerprint_label.setFont(mono)
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox()
        self.once_button = QPushButton("Trust once", objectName="trustOnceButton")
        self.always_button = QPushButton("Trust always", objectName="trustAlwaysButton")
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.once_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.always_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button.setDefault(True)  # nothing is trusted by pressing Enter
        self.once_button.clicked.connect(lambda: self._pick("once"))
        self.always_button.clicked.connect(lambda: self._pick("always"))
        self.cancel_button.clicked.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.fingerprint_label)
        note = QLabel("“Always” keeps the key in the console's own known_hosts file; your ~/.ssh/known_hosts "
                      "is never changed.")
        note.setWordWrap(True)
        lay.addWidget(note)
        lay.addWidget(buttons)

    def _pick(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    @classmethod
    def ask(cls, error, parent=None) -> str | None:
        dialog = cls(error, parent)
        dialog.exec()
        return dialog.choice
