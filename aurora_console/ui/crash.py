"""Unhandled exceptions: logged, and shown in a dialog with the log path and a copy button.

The window keeps running; unsaved SQL is autosaved by the editor, so nothing is lost.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from aurora_console.core.redaction import redact

log = logging.getLogger(__name__)


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


def install_excepthook(window: QWidget, log_file: Path) -> None:
    previous = sys.excepthook
    state = {"open": None}

    def hook(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        details = redact("".join(traceback.format_exception(exc_type, exc, tb)))
        log.error("unhandled exception:\n%s", details)
        try:
            if state["open"] is not None and state["open"].isVisible():
                return  # one dialog at a time; the log has every occurrence
            dlg = CrashDialog(window, redact(f"{exc_type.__name__}: {exc}"), details, log_file)
            state["open"] = dlg
            dlg.show()
        except Exception:  # noqa: BLE001 - never raise from the hook
            previous(exc_type, exc, tb)

    sys.excepthook = hook
