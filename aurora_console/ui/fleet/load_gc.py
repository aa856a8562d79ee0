"""Garbage-collector policy while the fleet loads and fills (plain Python, no Qt).

A full collection scans every tracked object in the process (tens of milliseconds with a big
fleet in memory) and holds the GIL while it runs, on whichever thread triggered it: measured,
those passes were the longest UI stalls of a 1,000-cluster load. While a load is in flight the
automatic full passes are held back (young collections still run); once the tree shows the new
inventory, the young generations are collected and the survivors (the inventory and the tree
nodes, which live until the next refresh) are frozen out of later full passes, as the app does
for its start-up objects. Freed inventory is released by reference counting as usual.

Freezing also keeps whatever cyclic garbage had reached the old generation (measured: some
thousand small dicts and lists per load, from botocore's parsing and failed calls' tracebacks).
So every FULL_EVERY-th release unfreezes and runs one full collection instead, once the tree
shows the new load: one pause then, instead of unbounded growth.
"""

from __future__ import annotations

import gc
import threading

#: gen-2 threshold while a load runs: counts young collections, so this is "never" in practice
HELD_BACK = 1_000_000
#: every this many releases, a full collection instead of a freeze (bounds the frozen garbage)
FULL_EVERY = 10

_lock = threading.Lock()
_holders = 0
_saved: tuple[int, ...] | None = None
_releases = 0


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
    global _holders, _saved, _releases
    with _lock:
        if _holders == 0:
            return
        _holders -= 1
        if _holders:
            return
        _releases += 1
        if freeze and _releases % FULL_EVERY == 0:
            gc.unfreeze()
            gc.collect()  # everything left is alive: frozen again below, as at start-up
        else:
            gc.collect(1)
        if freeze:
            gc.freeze()
        if _saved is not None:
            gc.set_threshold(*_saved)
        _saved = None


def holding() -> bool:
    with _lock:
        return _holders > 0
