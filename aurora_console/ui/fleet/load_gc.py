"""Garbage-collector policy while the fleet loads and fills (plain Python, no Qt).

A full collection scans every tracked object in the process (tens of milliseconds with a big
fleet in memory) and holds the GIL while it runs, on whichever thread triggered it: measured,
those passes were the longest UI stalls of a 1,000-cluster load. While a load is in flight the
automatic full passes are held back (young collections still run); once the tree shows the new
inventory, the young generations are collected and the survivors (the inventory and the tree
nodes, which live until the next refresh) are frozen out of later full passes, as the app does
for its start-up objects. Freed inventory is released by reference counting as usual.
"""

from __future__ import annotations

import gc
import threading

#: gen-2 threshold while a load runs: counts young collections, so this is "never" in practice
HELD_BACK = 1_000_000

_lock = threading.Lock()
_holders = 0
_saved: tuple[int, ...] | None = None


def hold_full_collections() -> None:
    """Start of a load. Nested holds are counted; each needs a :func:`release_full_collections`."""
    global _holders, _saved
    with _lock:
        _holders += 1
        if _holders == 1:
            _saved = gc.get_threshold()
            if _saved[0]:  # gc disabled by threshold 0: leave it alone
                gc.set_threshold(_saved[0], _saved[1], HELD_BACK)


def release_full_collections(freeze: bool = True) -> None:
    """End of a load (the model shows it). Collects the young generations and, with
    ``freeze``, moves the survivors out of the collector's reach before the normal thresholds
    return."""
    global _holders, _saved
    with _lock:
        if _holders == 0:
            return
        _holders -= 1
        if _holders:
            return
        gc.collect(1)
        if freeze:
            gc.freeze()
        if _saved is not None:
            gc.set_threshold(*_saved)
        _saved = None


def holding() -> bool:
    with _lock:
        return _holders > 0
