"""An unhandled exception: logged (redacted), shown in a non-modal dialog with the log path and a
copy-details button; the window keeps running."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from aurora_console.core.redaction import forget_all_secrets, register_secret
from aurora_console.ui.crash import install_excepthook

pytestmark = pytest.mark.gui


@pytest.mark.expected_errors
def test_unhandled_exception_shows_dialog_with_log_path(qtbot, tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    window = QMainWindow()
    qtbot.addWidget(window)
    log_file = tmp_path / "aurora-console.log"
    install_excepthook(window, log_file)
    register_secret("Crash-Secret-42")
    try:
        try:
            raise RuntimeError("exploded while using Crash-Secret-42")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
    finally:
        forget_all_secrets()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "crashDialog") is not None, timeout=5000)
    dialog = window.findChild(QMessageBox, "crashDialog")
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    assert str(log_file) in dialog.text()
    assert "Crash-Secret-42" not in dialog.details and "RuntimeError" in dialog.details
    copy = next(b for b in dialog.buttons() if b.text() == "Copy details")
    copy.click()
    assert QApplication.clipboard().text() == dialog.details
    assert dialog.isVisible()  # copying does not close it
    assert any("unhandled exception" in r.getMessage() for r in caplog.records)
    assert all("Crash-Secret-42" not in r.getMessage() for r in caplog.records)
    dialog.close()


@pytest.mark.expected_errors
def test_exception_in_a_plain_thread_shows_the_dialog_on_the_ui_thread(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    window = QMainWindow()
    qtbot.addWidget(window)
    install_excepthook(window, tmp_path / "console.log")

    def boom():
        raise ValueError("worker failed")

    t = threading.Thread(target=boom)
    t.start()
    t.join()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "crashDialog") is not None, timeout=5000)
    dialog = window.findChild(QMessageBox, "crashDialog")
    assert dialog.thread() is QApplication.instance().thread()
    assert "ValueError: worker failed" in dialog.text()
    dialog.close()
