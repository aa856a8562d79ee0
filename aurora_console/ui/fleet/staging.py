"""A region's new inventory on its way into the fleet tree, a slice per event-loop turn
(plain Python; the view schedules the turns, the model applies each step)."""

from __future__ import annotations

import time
from dataclasses import replace

from aurora_console.core.aws.fleet.models import Cluster, RegionInventory

#: New clusters added, and changed clusters updated, per event-loop turn (a few ms each).
STAGE_CLUSTERS = 40
#: Time a turn may spend comparing the new inventory with the one shown before it yields (on a
#: busy machine a turn's wall time is a few times its CPU time: 3 ms, not 5).
TURN_BUDGET_S = 0.003
#: A turn whose comparing took longer than this (CPU seconds) leaves the first step to the next
#: turn (a step of a 1,000-cluster region is a few ms of diffing, then a repaint of the tree in
#: the same stretch of the event loop); a small region is compared and applied in one turn.
COMPARE_THEN_APPLY_S = 0.002


class StagedRegion:
    """Compares ``inv`` with what is shown (``shown``), in time-boxed stretches, then hands out
    intermediate inventories that each add or update at most STAGE_CLUSTERS more clusters.

    A cluster equal to the one shown is replaced by the shown object, so the model's diff
    sees it unchanged by identity instead of comparing thousands of dataclasses again."""

    def __init__(self, inv: RegionInventory, shown: RegionInventory | None) -> None:
        self.inv = inv
        self._old = {c.id: c for c in shown.clusters} if shown is not None else {}
        self._pos = 0
        self._merged: list[Cluster] = []
        self._new: list[str] = []
        self._changed: list[str] = []
        self._taken_new = self._taken_changed = 0
        self._applied: set[str] = set()

    @property
    def compared(self) -> bool:
        """Whether every new cluster has been compared with the one shown."""
        return self._pos >= len(self.inv.clusters)

    def compare(self, deadline: float) -> bool:
        """Compare on until ``deadline`` (perf_counter seconds); True once everything is compared."""
        clusters, old = self.inv.clusters, self._old
        while self._pos < len(clusters):
            c = clusters[self._pos]
            o = old.get(c.id)
            if o is None:
                self._new.append(c.id)
                self._merged.append(c)
            elif o is c or o == c:
                self._merged.append(o)
            else:
                self._changed.append(c.id)
                self._merged.append(c)
            self._pos += 1
            if self._pos % 25 == 0 and time.perf_counter() > deadline:
                break
        return self._pos >= len(clusters)

    def next_step(self) -> RegionInventory | None:
        """The next intermediate inventory, or None when the rest fits in one step (:meth:`final`)."""
        new, changed = self._new[self._taken_new:], self._changed[self._taken_changed:]
        if len(new) <= STAGE_CLUSTERS and len(changed) <= STAGE_CLUSTERS:
            return None
        self._applied.update(new[:STAGE_CLUSTERS], changed[:STAGE_CLUSTERS])
        self._taken_new += min(len(new), STAGE_CLUSTERS)
        self._taken_changed += min(len(changed), STAGE_CLUSTERS)
        old, applied = self._old, self._applied
        step = []
        for c in self._merged:
            if c.id in applied:
                step.append(c)
            elif c.id in old:
                step.append(old[c.id])  # unchanged (already the shown object) or not yet updated
            # else: a new cluster whose turn has not come
        return replace(self.inv, clusters=tuple(step))

    def final(self) -> RegionInventory:
        merged = tuple(self._merged)
        if len(merged) == len(self.inv.clusters) and all(a is b for a, b in zip(merged, self.inv.clusters, strict=True)):
            return self.inv
        return replace(self.inv, clusters=merged)
