"""What runs while the UI thread stalls: a watchdog thread that samples every thread's stack
whenever the Qt event loop has not ticked for ``threshold_ms``.

    with StallSampler(threshold_ms=30) as sampler:
        ... drive the UI ...
    print(sampler.report())

A heartbeat timer on the UI thread stamps the time of each tick; the watchdog (a plain Python
thread) wakes every few milliseconds and, when the last stamp is older than the threshold,
records ``sys._current_frames()``: the UI thread's own stack (what it is busy with) and the
other threads' (which of them held the GIL the UI thread waits for). The watchdog needs the GIL
to take a sample, so a C call holding it for long shows as the frame that made the call, sampled
just after it returns. Used by the benchmarks, never in the app.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections import Counter

from PySide6.QtCore import QObject, Qt, QTimer

#: frames whose file path contains one of these are skipped when naming "where" a sample is
_PLUMBING = ("/threading.py", "/concurrent/futures/", "stall_sampler.py")


def _where(frame, depth: int) -> tuple[str, ...]:
    """The innermost ``depth`` frames of a stack, as 'file:line function' (innermost first)."""
    out: list[str] = []
    for fs in reversed(traceback.extract_stack(frame)):
        if any(p in fs.filename for p in _PLUMBING):
            continue
        name = fs.filename.rsplit("site-packages/", 1)[-1].rsplit("/work/main/", 1)[-1]
        out.append(f"{name}:{fs.lineno} {fs.name}")
        if len(out) >= depth:
            break
    return tuple(out)


#: innermost functions of a thread that waits (a lock, a socket, a future): it holds no GIL
_WAITS = ("wait", "readinto", "recv_into", "select", "as_completed", "result", "acquire", "_worker", "sleep",
          "_read_status", "readline")


def _blocked(frame_text: str) -> bool:
    return frame_text.rsplit(" ", 1)[-1] in _WAITS


class StallSampler(QObject):
    def __init__(self, threshold_ms: float = 30.0, period_ms: float = 3.0, depth: int = 6, parent=None) -> None:
        super().__init__(parent)
        self.threshold_s = threshold_ms / 1000.0
        self.period_s = period_ms / 1000.0
        self.depth = depth
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(2)
        self._timer.timeout.connect(self._tick)
        self._last = time.perf_counter()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._main_id = threading.main_thread().ident
        #: one entry per sample: (ms since the last tick, the UI thread's stack, other threads' stacks)
        self.samples: list[tuple[float, tuple[str, ...], list[tuple[str, tuple[str, ...]]]]] = []

    def _tick(self) -> None:
        self._last = time.perf_counter()

    def _watch(self) -> None:
        names = {}
        while not self._stop.wait(self.period_s):
            late = time.perf_counter() - self._last
            if late < self.threshold_s:
                continue
            frames = sys._current_frames()
            main = frames.get(self._main_id)
            if main is None:
                continue
            if len(names) != threading.active_count():
                names = {t.ident: t.name for t in threading.enumerate()}
            me = threading.get_ident()
            others = [(names.get(tid, str(tid)), _where(f, self.depth)) for tid, f in frames.items()
                      if tid not in (self._main_id, me)]
            self.samples.append((late * 1000.0, _where(main, self.depth), others))

    def __enter__(self) -> StallSampler:
        self._last = time.perf_counter()
        self._timer.start()
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, name="stall-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._timer.stop()

    def report(self, top: int = 8) -> str:
        """The UI thread's most sampled stacks while stalled (innermost frame first), and the
        busiest frames of the other threads at the same moments."""
        if not self.samples:
            return "stall sampler: no stall over the threshold"
        ui = Counter(s[1][:3] for s in self.samples)
        other = Counter((name, where[:2]) for s in self.samples for name, where in s[2]
                        if where and not _blocked(where[0]))
        lines = [f"stall sampler: {len(self.samples)} samples while the event loop was late "
                 f"(longest {max(s[0] for s in self.samples):.0f} ms); UI thread:"]
        for where, n in ui.most_common(top):
            lines.append(f"  {n:4d}  " + "  <  ".join(where))
        lines.append("other threads at those moments (not waiting):")
        for (name, where), n in other.most_common(top):
            lines.append(f"  {n:4d}  [{name}] " + "  <  ".join(where))
        return "\n".join(lines)
