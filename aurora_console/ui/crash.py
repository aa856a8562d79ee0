"""Unhandled exceptions: logged, and shown in a dialog with the log path and a copy button.

The window keeps running; unsaved SQL is autosaved by the editor, so nothing is lost.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, Signal
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


class _CrashRelay(QObject):
    """Lives on the UI thread: an exception raised on any thread is shown from here."""

    report = Signal(str, str)


def install_excepthook(window: QWidget, log_file: Path) -> None:
    """Unhandled exceptions on any thread: logged (redacted) and shown in one non-modal dialog.

    ``sys.excepthook`` may run on a worker thread (a slot or ``run()`` there), and plain Python
    threads use ``threading.excepthook``: both only log and emit a signal; the dialog is built on
    the UI thread, where widgets may be created.
    """
    previous = sys.excepthook
    state: dict[str, CrashDialog | None] = {"open": None}
    relay = _CrashRelay(window)

    def show(summary: str, details: str) -> None:
        if state["open"] is not None and state["open"].isVisible():
            return  # one dialog at a time; the log has every occurrence
        dlg = CrashDialog(window, summary, details, log_file)
        state["open"] = dlg
        dlg.show()

    relay.report.connect(show)

    def handle(exc_type, exc, tb) -> None:
        details = redact("".join(traceback.format_exception(exc_type, exc, tb)))
        log.error("unhandled exception:\n%s", details)
        try:
            relay.report.emit(redact(f"{exc_type.__name__}: {exc}"), details)
        except Exception:  # noqa: BLE001 - never raise from the hook
            pass

    def hook(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        handle(exc_type, exc, tb)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        handle(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook
