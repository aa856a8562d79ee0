"""A stand-in for ``ui_first._cond`` that reports which threads went into a wait in
``step_aside`` (and for how long at most), so a test can order "the worker is in its pause",
"the paint ended", "the worker went on" by events rather than by how long things took."""

from __future__ import annotations

import threading
import time


class PauseProbe(threading.Condition):
    """Install with ``monkeypatch.setattr(ui_first, "_cond", PauseProbe())`` before any thread
    enters ui_first or step_aside in the test."""

    def __init__(self) -> None:
        super().__init__(threading.Lock())
        self.waits: list[tuple[int, float | None]] = []  # (thread ident, max wait) per wait

    def wait_for(self, predicate, timeout=None):
        self.waits.append((threading.get_ident(), timeout))
        return super().wait_for(predicate, timeout)

    def waits_of(self, ident: int) -> int:
        return sum(1 for who, _ in self.waits if who == ident)

    def wait_until_waiting(self, ident: int, n: int = 1, timeout: float = 30.0) -> bool:
        """Whether thread ``ident`` went into its ``n``-th wait before ``timeout`` (an upper bound
        only: it returns as soon as it has)."""
        deadline = time.monotonic() + timeout
        while self.waits_of(ident) < n:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.001)
        return True
