"""UI-stall helper: a heartbeat timer that records the longest gap in the Qt event loop.

    with StallMonitor() as stall:
        ... drive the UI, wait for work ...
    print(stall.max_stall_ms)

A gap is the time between two heartbeats minus the heartbeat interval; if the UI thread is
blocked for 200 ms, the longest gap is about 200 ms. Tests record it; benchmarks report it.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer


class StallMonitor(QObject):
    def __init__(self, interval_ms: int = 5, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._beat)
        self._last: float | None = None
        self.max_stall_ms = 0.0
        self.beats = 0
        self.gaps_over_50ms = 0

    def start(self) -> StallMonitor:
        self._last = time.perf_counter()
        self._timer.start()
        return self

    def stop(self) -> float:
        self._beat()
        self._timer.stop()
        return self.max_stall_ms

    def _beat(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            gap = (now - self._last) * 1000.0 - self.interval_ms
            if gap > self.max_stall_ms:
                self.max_stall_ms = gap
            if gap > 50:
                self.gaps_over_50ms += 1
        self._last = now
        self.beats += 1

    def __enter__(self) -> StallMonitor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
