"""Garbage-collector policy while the fleet loads and fills (plain Python, no Qt).

A full collection scans every tracked object that is not frozen and holds the GIL while it
runs, on whichever thread triggered it: measured, those passes were the longest UI stalls of a
1,000-cluster load. So:

* while a load is in flight the automatic full passes are held back (young collections still
  run);
* when the first load is shown, a collection of the young generations only, then everything
  alive is frozen out of later passes: what the first load created lives as long as the window
  (botocore's service models, endpoint rules and clients, some 30,000 objects, and the tree's
  nodes, which later refreshes keep for every unchanged cluster), as the app does at its first
  paint for its start-up objects. A full collection first scanned those 70,000 objects to find
  about a hundred unreachable ones (measured: 115 on a 1,000-cluster fleet, 36-68 ms of CPU,
  the longest pause of the fleet's life); those few stay allocated instead, once per process;
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

from aurora_console.ui import full_collections
from aurora_console.ui.full_collections import HELD_BACK, holding  # noqa: F401 - this module's API

_first_load_frozen = False


def hold_full_collections() -> None:
    """Start of a load. Nested holds are counted; each needs a :func:`release_full_collections`."""
    full_collections.hold()


def release_full_collections(freeze: bool = True) -> None:
    """End of a load (the model shows it). When no other load holds: one full collection of what
    is not frozen; after the first load (with ``freeze``), the survivors are frozen, once per
    process. Then the normal thresholds return."""

    def collect() -> None:
        global _first_load_frozen
        if freeze and not _first_load_frozen:
            _first_load_frozen = True
            gc.collect(1)  # the young generations: what the load's last moments left
            gc.freeze()
            return
        gc.collect()

    full_collections.release(collect)
