"""A short interpreter switch interval while a screen's workers run Python in bulk (plain Python,
no Qt): the UI thread waits at most :data:`HELD` for the GIL each time it needs it.

A worker running Python without pause (parsing a busy log's portions, searching tens of
thousands of entries) keeps the GIL until the thread that waits for it has waited the switch
interval (5 ms by default). The UI thread needs the GIL many times in one event-loop turn (each
timer, each queued callback, each call into a model from a paint): outside the paints that
:mod:`ui.ui_first` shortens, each of those waited up to 5 ms. Measured with
``benchmarks/logs_screen.py`` (50 MB followed): the longest UI stall was 10-16 ms of the UI
thread's own CPU and 35-80 ms *blocked* on the GIL; with a 1 ms interval the blocked part fell
to 0-4 ms. The interval only matters while a thread waits for the GIL, so an idle UI thread costs
nothing more; a busy one is asked to give the GIL to a worker as often (which the workers' own
short slices bound anyway).

Holds are counted across the process (two screens may follow at once); the interval saved by
the first hold returns when the last one ends. Call :func:`hold` and :func:`release` on the UI
thread outside :func:`ui.ui_first.ui_first` (which saves and restores the interval around a paint).
"""

from __future__ import annotations

import sys
import threading

#: The switch interval while a hold is on (seconds; Python's default is 5 ms).
HELD = 0.001

_lock = threading.Lock()
_holders = 0
_saved: float | None = None


def hold() -> None:
    """Start of bulk Python work on a worker. Each hold needs one :func:`release`."""
    global _holders, _saved
    with _lock:
        _holders += 1
        if _holders == 1:
            _saved = sys.getswitchinterval()
            if _saved > HELD:
                sys.setswitchinterval(HELD)


def release() -> bool:
    """End of one hold; the saved interval returns with the last (True then). An unbalanced
    release is harmless (False)."""
    global _holders, _saved
    with _lock:
        if _holders == 0:
            return False
        _holders -= 1
        if _holders:
            return False
        if _saved is not None and sys.getswitchinterval() == HELD:
            sys.setswitchinterval(_saved)
        _saved = None
        return True


def holding() -> bool:
    with _lock:
        return _holders > 0


def release_when_ended(handle) -> None:
    """One :func:`release` when the task behind ``handle`` (``ui.tasks.TaskRunner.submit``'s)
    ends, however it ends (done, failed, cancelled); at once when it never ran (submitted for an
    owner already gone: no signal will come). Pair it with a :func:`hold` taken before submitting."""
    released: list[bool] = []

    def end(*_args) -> None:
        if not released:
            released.append(True)
            release()

    if handle.done:
        end()
        return
    for signal in (handle.signals.finished, handle.signals.failed, handle.signals.cancelled):
        signal.connect(end)
