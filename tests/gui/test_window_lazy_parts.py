"""Parts of the main window made on first use rather than at start-up: they appear when first
needed and behave as before."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFrame, QLabel, QWidget

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


@pytest.fixture
def window(offline_window, qtbot):
    offline_window.resize(1000, 700)
    qtbot.waitExposed(offline_window)
    return offline_window


def test_the_toast_area_is_made_with_the_first_notification(window, qtbot):
    assert window.findChild(QWidget, "toastArea") is None  # nothing to lay out or filter until then
    window.services.notifier.warning("Settings", "The saved regions were not understood.")
    area = window.findChild(QWidget, "toastArea")
    assert area is not None and area is window.toasts and area.isVisible()
    toast = area.findChild(QFrame, "toast")
    assert toast is not None and toast.isVisible()
    assert any("regions were not understood" in label.text() for label in toast.findChildren(QLabel))
    # in the bottom-right corner, and it follows the window's resizes
    assert area.geometry().right() == window.width() - 17
    window.resize(1200, 800)
    qtbot.waitUntil(lambda: area.geometry().right() == window.width() - 17, timeout=2000)
    window.services.notifier.warning("Load", "second")
    assert window.findChildren(QWidget, "toastArea") == [area]  # one area for every notification
    assert len(area.findChildren(QFrame, "toast")) == 2
