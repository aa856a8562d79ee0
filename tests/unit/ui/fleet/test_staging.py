"""Staged application of a region (slices, identity of unchanged clusters) and the garbage
collector policy held while a fleet load is in flight."""

from __future__ import annotations

import gc
import time
import weakref

import pytest

from aurora_console.core.aws.fleet.models import Cluster, Instance, RegionInventory
from aurora_console.ui.fleet import load_gc
from aurora_console.ui.fleet.staging import STAGE_CLUSTERS, StagedRegion

pytestmark = pytest.mark.unit


def _inv(ids, status="available"):
    return RegionInventory("p", "us-east-1", clusters=tuple(
        Cluster(cid, "aurora-mysql", "8.0", status,
                instances=(Instance(f"{cid}-1", cid, "writer", 1, "db.r6g.large", "us-east-1a", status),))
        for cid in ids))


def _run(st: StagedRegion) -> list[RegionInventory]:
    assert st.compare(time.perf_counter() + 60)
    steps = []
    while (step := st.next_step()) is not None:
        steps.append(step)
    return [*steps, st.final()]


def test_first_fill_adds_at_most_a_slice_per_step_and_ends_equal():
    ids = [f"c{n:03d}" for n in range(STAGE_CLUSTERS * 2 + 7)]
    inv = _inv(ids)
    steps = _run(StagedRegion(inv, None))
    sizes = [len(s.clusters) for s in steps]
    assert sizes == [STAGE_CLUSTERS, 2 * STAGE_CLUSTERS, len(ids)]
    assert steps[-1] is inv  # nothing was shown: the new inventory itself


def test_refresh_keeps_shown_objects_for_equal_clusters_and_updates_changed_in_slices():
    ids = [f"c{n:03d}" for n in range(STAGE_CLUSTERS * 2 + 3)]
    shown = _inv(ids)
    changed = set(ids[2:])
    new = RegionInventory("p", "us-east-1", clusters=tuple(
        Cluster(c.id, c.engine, c.engine_version, "modifying" if c.id in changed else c.status, instances=c.instances)
        for c in _inv(ids).clusters) + _inv(["z-new"]).clusters)
    steps = _run(StagedRegion(new, shown))
    first = steps[0]
    # the unchanged clusters are the very objects shown (the model's diff then skips them by identity)
    assert first.clusters[0] is shown.clusters[0] and first.clusters[1] is shown.clusters[1]
    assert sum(c.status == "modifying" for c in first.clusters) == STAGE_CLUSTERS
    final = steps[-1]
    assert final == new  # same values ...
    assert final.clusters[0] is shown.clusters[0]  # ... with the shown objects where equal
    assert [sum(c.status == "modifying" for c in s.clusters) for s in steps] == sorted(
        sum(c.status == "modifying" for c in s.clusters) for s in steps)


def test_compare_stops_at_its_deadline_and_resumes():
    ids = [f"c{n:03d}" for n in range(500)]
    st = StagedRegion(_inv(ids, "modifying"), _inv(ids))
    assert st.compare(time.perf_counter() - 1) is False  # past deadline: one stretch, then yield
    assert st.compare(time.perf_counter() + 60) is True
    assert len(_run(st)[-1].clusters) == 500


def test_full_collections_are_held_back_during_a_load_then_thresholds_return():
    before = gc.get_threshold()
    load_gc.hold_full_collections()
    load_gc.hold_full_collections()  # a second load in flight
    try:
        assert gc.get_threshold()[:2] == before[:2] and gc.get_threshold()[2] == load_gc.HELD_BACK
        load_gc.release_full_collections(freeze=False)
        assert load_gc.holding() and gc.get_threshold()[2] == load_gc.HELD_BACK
    finally:
        load_gc.release_full_collections(freeze=False)
    assert not load_gc.holding() and gc.get_threshold() == before
    load_gc.release_full_collections(freeze=False)  # unbalanced release: harmless
    assert gc.get_threshold() == before


def test_frozen_garbage_is_bounded_by_a_periodic_full_collection():
    """A release freezes what survived the load, cyclic garbage included (young collections
    never reach it); within FULL_EVERY releases a full collection frees it."""

    class Box:
        pass

    box = Box()
    box.me = box  # a cycle
    gone = weakref.ref(box)
    gc.collect(1)
    gc.collect(1)  # survived the young collections: now in the old generation
    del box  # garbage only a full pass finds
    try:
        for _ in range(load_gc.FULL_EVERY):
            if gone() is None:
                break
            load_gc.hold_full_collections()
            load_gc.release_full_collections()
        assert gone() is None
    finally:
        gc.unfreeze()
