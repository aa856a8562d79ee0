"""Running the next slice of UI work on a turn after the repaint the current one asked for.

Work spread over event-loop turns (a fleet region's steps, a column fit) starts each next slice
on a short timer. Started at the end of a slice, that timer falls due while the repaint the
slice asked for runs (Qt posts it as a low-priority event, delivered before timers are looked
at), so the next slice ran right after the repaint, ahead of the timers and input that came
due meanwhile: two slices and a repaint in one stretch of the event loop. Started from a
low-priority posted event of our own instead, delivered after that repaint (posted events of
equal priority keep their order; a plain ``QTimer.singleShot(0)`` call is delivered *before*
the repaint, measured), the timer counts from the end of the repaint.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer

_LOW = int(Qt.EventPriority.LowEventPriority.value)
_START = QEvent.Type(QEvent.registerEventType())


class _Relay(QObject):
    def __init__(self, owner: QObject | None, ms: int, fn: Callable[[], object]) -> None:
        # parented (to the owner, else the application): alive until its event is delivered;
        # with an owner, gone with it, and its posted event with it
        super().__init__(owner if owner is not None else QCoreApplication.instance())
        self._owner, self._ms, self._fn = owner, ms, fn

    def event(self, event: QEvent) -> bool:  # noqa: D102 - Qt's
        if event.type() != _START:
            return super().event(event)
        if self._owner is None:
            QTimer.singleShot(self._ms, self._fn)
        else:
            QTimer.singleShot(self._ms, self._owner, self._fn)
        self.deleteLater()
        return True


def after_repaint(owner: QObject | None, fn: Callable[[], object], ms: int = 1) -> None:
    """Run ``fn`` on a timer of ``ms`` started once what this turn posted (its repaint among it)
    has been delivered. With an ``owner``, nothing runs once it is destroyed."""
    QCoreApplication.postEvent(_Relay(owner, ms, fn), QEvent(_START), _LOW)
