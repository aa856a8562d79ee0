"""The dialog an unhandled exception shows (``ui/crash.py`` installs the hook that opens it)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget


class CrashDialog(QMessageBox):
    def __init__(self, parent: QWidget | None, summary: str, details: str, log_file: Path) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle("Unexpected error")
        self.setText(f"Something went wrong: {summary}\n\nThe console keeps running. Details are in the log file:\n{log_file}")
        self.setDetailedText(details)
        self.details = details
        copy = self.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()
        copy.clicked.connect(lambda: QApplication.clipboard().setText(self.details))
        self.addButton(QMessageBox.StandardButton.Close)
        self.setModal(False)
