"""Holding back the garbage collector's full passes while a big load streams in (plain Python,
no Qt), shared by every screen that loads in bulk (the fleet's inventory, a SQL fetch-all).

A full pass scans every tracked object that is not frozen and holds the GIL while it runs: with a
big load in flight (a fleet of 1,000 clusters, a million result rows with uuid values, each a
tracked object) those passes were the longest UI stalls, tens to hundreds of milliseconds each.
While any hold is on, the automatic full passes wait (young collections still run). Holds are
counted across the process, so two loads may overlap; the thresholds saved by the first hold
return when the last one ends, and that last end runs its screen's own policy (``on_last``:
collect, freeze...) before they do.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable

#: gen-2 threshold while a load runs: counts young collections, so this is "never" in practice
HELD_BACK = 1_000_000

_lock = threading.Lock()
_holders = 0
_saved: tuple[int, ...] | None = None


def hold() -> None:
    """Start of a load. Nested and overlapping holds are counted; each needs a :func:`release`."""
    global _holders, _saved
    with _lock:
        _holders += 1
        if _holders == 1:
            _saved = gc.get_threshold()
            if _saved[0]:  # gc disabled by threshold 0: leave it alone
                gc.set_threshold(_saved[0], _saved[1], HELD_BACK)


def release(on_last: Callable[[], None] | None = None) -> bool:
    """End of one load. When it was the last hold, ``on_last`` runs, then the saved thresholds
    return; True then. An unbalanced release is harmless (False)."""
    global _holders, _saved
    with _lock:
        if _holders == 0:
            return False
        _holders -= 1
        if _holders:
            return False
        try:
            if on_last is not None:
                on_last()
        finally:
            if _saved is not None:
                gc.set_threshold(*_saved)
            _saved = None
        return True


def holding() -> bool:
    with _lock:
        return _holders > 0


_frozen_screens: set[str] = set()


def freeze_first_opening(screen: str) -> bool:
    """The first time ``screen`` opens in this process: freeze what exists (no pass, no pause).

    The console freezes everything made by its start-up after the first paint (``app.py``). A
    screen that imports its own modules when first opened (pyqtgraph and numpy for charts,
    psycopg) adds as many long-lived objects again; the next automatic full pass then scanned
    them all once, a 60-80 ms stall in the middle of the screen's first refreshes. Frozen here,
    they stay out of every pass, as the start-up's do. Returns True when it froze."""
    with _lock:
        if screen in _frozen_screens:
            return False
        _frozen_screens.add(screen)
    gc.freeze()
    return True
