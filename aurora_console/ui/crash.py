"""Unhandled exceptions: logged, and shown in a dialog with the log path and a copy button
(``ui/crash_dialog.py``, loaded when one is first shown).

The window keeps running; unsaved SQL is autosaved by the editor, so nothing is lost.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from aurora_console.core.redaction import redact

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from aurora_console.ui.crash_dialog import CrashDialog

log = logging.getLogger(__name__)


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
        from aurora_console.ui.crash_dialog import CrashDialog

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
