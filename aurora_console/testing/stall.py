"""UI-stall helper: a heartbeat timer that records the longest gap in the Qt event loop.

    with StallMonitor() as stall:
        ... drive the UI, wait for work ...
    print(stall.max_stall_ms)

A gap is the time between two heartbeats minus the heartbeat interval; if the UI thread is
blocked for 200 ms, the longest gap is about 200 ms. Tests record it; benchmarks report it.

For the longest gap it also keeps where the time went (``longest_gap_cpu``): the UI thread's
own CPU time in it and the whole process's. Little UI-thread CPU and much process CPU: the UI
thread waited for the GIL while other threads ran Python (or a long C call); little of both:
the process was not scheduled (a busy machine), not the console's doing.
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
        #: (UI-thread CPU ms, process CPU ms) within the longest gap
        self.longest_gap_cpu = (0.0, 0.0)
        #: the most process CPU ms within one gap: the console's own work that held the UI up,
        #: whatever else the machine runs (on a loaded machine the longest gap may be idle time)
        self.max_gap_process_cpu_ms = 0.0
        self._cpu_at = (0.0, 0.0)

    def start(self) -> StallMonitor:
        self._last = time.perf_counter()
        self._cpu_at = (time.thread_time(), time.process_time())
        self._timer.start()
        return self

    def stop(self) -> float:
        self._beat()
        self._timer.stop()
        return self.max_stall_ms

    def _beat(self) -> None:
        now = time.perf_counter()
        cpu = (time.thread_time(), time.process_time())
        if self._last is not None:
            gap = (now - self._last) * 1000.0 - self.interval_ms
            used = ((cpu[0] - self._cpu_at[0]) * 1000.0, (cpu[1] - self._cpu_at[1]) * 1000.0)
            if gap > self.max_stall_ms:
                self.max_stall_ms = gap
                self.longest_gap_cpu = used
            if gap > 0 and used[1] > self.max_gap_process_cpu_ms:
                self.max_gap_process_cpu_ms = used[1]
            if gap > 50:
                self.gaps_over_50ms += 1
        self._last = now
        self._cpu_at = cpu
        self.beats += 1

    def describe_longest(self) -> str:
        """'300 ms (UI thread 4 ms CPU, process 250 ms CPU; ...)': the longest gap, where it went,
        and the most CPU the process used within any one gap."""
        ui, process = self.longest_gap_cpu
        return (f"{self.max_stall_ms:.0f} ms (UI thread {ui:.0f} ms CPU, process {process:.0f} ms CPU; most process "
                f"CPU in one gap {self.max_gap_process_cpu_ms:.0f} ms)")

    def __enter__(self) -> StallMonitor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
