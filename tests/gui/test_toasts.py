"""Toasts (ui/notifications.py ToastArea): a toast removed just before its window goes away (a
window closed right after a warning, as at the end of a test or on quit) does not reposition a
deleted area afterwards ("Internal C++ object (ToastArea) already deleted" in the event loop)."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtWidgets import QFrame, QWidget

from aurora_console.ui.notifications import Notification, ToastArea

pytestmark = pytest.mark.gui


def test_a_toast_removed_as_its_window_is_deleted_leaves_nothing_pending(qtbot):
    parent = QWidget()
    parent.resize(800, 600)
    area = ToastArea(parent)
    area.show_notification(Notification("warning", "Performance", "No connection profile points at orders."))
    toast = area.findChild(QFrame, "toast")
    assert toast is not None
    area._remove(toast)  # as its close button or its timer does
    shiboken6.delete(parent)  # the window is gone before the event loop runs again
    qtbot.wait(50)  # an exception raised in the event loop here fails the test (pytest-qt)
    assert not shiboken6.isValid(area)
