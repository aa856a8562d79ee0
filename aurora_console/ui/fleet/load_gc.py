"""Garbage-collector policy while the fleet loads and fills (plain Python, no Qt).

A full collection scans every tracked object that is not frozen and holds the GIL while it
runs, on whichever thread triggered it: measured, those passes were the longest UI stalls of a
1,000-cluster load. So:

* while a load is in flight the automatic full passes are held back (young collections still
  run);
* when the first load is shown, one full collection, then everything alive is frozen out of
  later passes: what the first load created lives as long as the window (botocore's service
  models, endpoint rules and clients, some 30,000 objects, and the tree's nodes, which later
  refreshes keep for every unchanged cluster), as the app does at its first paint for its
  start-up objects;
* when a later load is shown, one full collection of what is not frozen: the objects made since
  (the newest inventory's changed clusters, new tree nodes) and the load's cyclic garbage (some
  thousand small dicts and lists per load, from botocore's parsing and failed calls'
  tracebacks). Nothing is frozen again, so no garbage is ever kept frozen and no pass over the
  whole heap (start-up objects included) is needed: the one pause per refresh is bounded by
  what changed, not by the size of the application.

What the first freeze keeps that later becomes cyclic garbage (a tree node of a cluster deleted
since, a first failure's traceback) stays allocated: at most once per process, bounded by the
first load. Frozen objects without cycles are still freed by reference counting as usual.
"""

from __future__ import annotations

import gc
import threading

#: gen-2 threshold while a load runs: counts young collections, so this is "never" in practice
HELD_BACK = 1_000_000

_lock = threading.Lock()
_holders = 0
_saved: tuple[int, ...] | None = None
_first_load_frozen = False


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
    """End of a load (the model shows it). One full collection of what is not frozen; after the
    first load (with ``freeze``), the survivors are frozen, once per process. Then the normal
    thresholds return."""
    global _holders, _saved, _first_load_frozen
    with _lock:
        if _holders == 0:
            return
        _holders -= 1
        if _holders:
            return
        gc.collect()
        if freeze and not _first_load_frozen:
            _first_load_frozen = True
            gc.freeze()
        if _saved is not None:
            gc.set_threshold(*_saved)
        _saved = None


def holding() -> bool:
    with _lock:
        return _holders > 0
