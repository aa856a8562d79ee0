"""ui/after_repaint.py: the next slice of UI work starts its timer once the repaint the current
slice asked for (a low-priority posted event, as Qt posts it) has been delivered, so timers and
input that came due during that repaint go first."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer

from aurora_console.ui.after_repaint import after_repaint

pytestmark = [pytest.mark.gui, pytest.mark.timeout(60)]

_LOW = int(Qt.EventPriority.LowEventPriority.value)


class _Repaint(QObject):
    """Stands for a widget's repaint: a low-priority posted event that takes a while, during
    which a timer comes due (a heartbeat, the user's input)."""

    TYPE = QEvent.Type(QEvent.registerEventType())

    def __init__(self, events: list[str]) -> None:
        super().__init__()
        self.events = events

    def event(self, event: QEvent) -> bool:
        if event.type() != self.TYPE:
            return super().event(event)
        self.events.append("repaint")
        QTimer.singleShot(1, lambda: self.events.append("due meanwhile"))
        time.sleep(0.02)
        return True


def test_the_next_slice_waits_for_the_repaint_and_what_came_due_during_it(qtbot):
    events: list[str] = []
    repaint, owner = _Repaint(events), QObject()

    def slice_():
        events.append("slice")
        QCoreApplication.postEvent(repaint, QEvent(_Repaint.TYPE), _LOW)  # as update() posts it
        after_repaint(owner, lambda: events.append("next slice"))

    QTimer.singleShot(0, slice_)
    qtbot.waitUntil(lambda: "next slice" in events, timeout=5000)
    qtbot.wait(10)
    assert events == ["slice", "repaint", "due meanwhile", "next slice"]


def test_nothing_runs_once_the_owner_is_gone_and_without_an_owner_it_runs(qtbot):
    from shiboken6 import delete

    ran: list[str] = []
    owner = QObject()
    after_repaint(owner, lambda: ran.append("owned"))
    delete(owner)
    after_repaint(None, lambda: ran.append("unowned"), ms=0)
    qtbot.waitUntil(lambda: "unowned" in ran, timeout=5000)
    qtbot.wait(20)
    assert ran == ["unowned"]
