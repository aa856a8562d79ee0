"""app._FirstPaint: the start's first-paint hook calls back once and then stops looking at the
window's events (no Python call for each later event of the window)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def test_first_paint_calls_back_once_then_leaves_the_window_alone(qtbot):
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QMainWindow

    from aurora_console.app import _FirstPaint

    window = QMainWindow()
    qtbot.addWidget(window)
    window.resize(300, 200)
    called = []
    hook = _FirstPaint(window, lambda: called.append(True))
    event_filter = hook._filter
    assert hook.listening and shiboken6.isValid(event_filter)
    window.show()
    qtbot.waitUntil(lambda: bool(called), timeout=5000)
    assert not hook.listening
    # the filter is removed from the window and deleted (it stayed installed for the whole
    # session before): the window's later events no longer call into Python for it
    qtbot.waitUntil(lambda: not shiboken6.isValid(event_filter), timeout=5000)

    for _ in range(3):  # later events and paints: no second callback
        QCoreApplication.sendEvent(window, QEvent(QEvent.Type.User))
        window.repaint()
    qtbot.wait(20)
    assert called == [True]


def test_first_paint_fallback_also_stops_listening(qtbot):
    """A window that never paints (some offscreen set-ups) gets its callback from the fallback
    timer, which takes the filter away too."""
    from PySide6.QtWidgets import QMainWindow

    from aurora_console.app import _FirstPaint

    window = QMainWindow()  # never shown: no paint event
    qtbot.addWidget(window)
    called = []
    hook = _FirstPaint(window, lambda: called.append(True))
    qtbot.waitUntil(lambda: bool(called), timeout=5000)
    assert called == [True] and not hook.listening
