"""Workers step aside while the UI thread paints (plain Python, no Qt): the GIL goes to the UI.

A view over a Python model calls back into Python for every cell it paints, several times per
cell (``data`` per role, ``rowCount``/``columnCount`` per row): the Logs table's paint of one
screen is some 1,700 calls. PySide releases the GIL around the C++ paint, so each of those
calls takes the GIL again, and while a worker runs Python code without pause (parsing a portion
of a busy log) each wait is up to the interpreter's switch interval (5 ms): a paint of 10-30 ms
of Python took 170-250 ms (measured: ``sys.setprofile`` on the UI thread during the stalls of
``benchmarks/logs_screen.py`` showed one paint, 1,700 calls from Qt, 7-37 ms inside them).

So the UI thread marks such work with :func:`ui_first` and workers with long Python loops call
:func:`step_aside` between short slices: while the UI thread is inside, they wait (blocking,
the GIL released) until it is out, so the paint's calls find the GIL free. Outside, a call to
:func:`step_aside` costs one attribute read. Marks are counted across the process (two screens
may paint in one turn); a worker waits at most :data:`MAX_WAIT` seconds at a time.

A worker that has no slices to step aside between (botocore decoding one big answer, a test
double building one) still holds the GIL for up to the switch interval each time the paint asks
for it; so while the UI thread is inside, the interpreter's switch interval is
:data:`UI_SWITCH_INTERVAL` (a worker yields ten times sooner), and what it was returns when
the UI thread leaves (measured on the metrics dashboard: a paint with ~150 Python calls waited
up to 5 ms for each).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: A worker waits at most this long in one :func:`step_aside` (a paint is some tens of ms).
MAX_WAIT = 0.25
#: The switch interval while the UI thread is inside :func:`ui_first` (seconds; Python's is 5 ms).
UI_SWITCH_INTERVAL = 0.0005

_cond = threading.Condition(threading.Lock())
_inside = 0
_ui_thread: int | None = None
_saved_interval: float | None = None


@contextmanager
def ui_first() -> Iterator[None]:
    """The UI thread's work inside (a paint, a render) runs while workers step aside."""
    global _inside, _ui_thread, _saved_interval
    with _cond:
        _inside += 1
        outer_thread, _ui_thread = _ui_thread, threading.get_ident()
        if _inside == 1:
            _saved_interval = sys.getswitchinterval()
            if _saved_interval > UI_SWITCH_INTERVAL:
                sys.setswitchinterval(UI_SWITCH_INTERVAL)
    try:
        yield
    finally:
        with _cond:
            _inside -= 1
            # the thread inside before this one (a nested mark), or none: a thread that has left
            # (and may have ended) is never taken for the UI thread by a later step_aside
            _ui_thread = outer_thread if _inside else None
            if not _inside:
                if _saved_interval is not None:
                    sys.setswitchinterval(_saved_interval)
                    _saved_interval = None
                _cond.notify_all()


def step_aside(max_wait: float | None = None) -> bool:
    """Called by a worker between slices of Python work: waits while the UI thread is inside
    :func:`ui_first` (at most ``max_wait`` seconds; :data:`MAX_WAIT` as it is at the call when
    None). Whether it waited. A no-op on the UI thread itself (a small parse run there must not
    wait for its own paint)."""
    if not _inside or threading.get_ident() == _ui_thread:
        return False
    with _cond:
        if not _inside:
            return False
        _cond.wait_for(lambda: not _inside, MAX_WAIT if max_wait is None else max_wait)
    return True


def inside() -> bool:
    """Whether the UI thread is inside :func:`ui_first` now."""
    return _inside > 0
