"""Staged application of a region (slices, identity of unchanged clusters) and the garbage
collector policy held while a fleet load is in flight."""

from __future__ import annotations

import gc
import threading
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


@pytest.fixture
def gc_policy_fresh(monkeypatch):
    """load_gc as in a new process (its first load not yet frozen); frozen objects released after."""
    monkeypatch.setattr(load_gc, "_first_load_frozen", False)
    yield
    gc.unfreeze()


class _Box:
    pass


def _old_cyclic_garbage():
    """A cycle that survived the young collections (now in the old generation), then dropped:
    garbage only a full pass finds. Returns a weak reference to it."""
    box = _Box()
    box.me = box
    gone = weakref.ref(box)
    gc.collect(1)
    gc.collect(1)
    del box
    return gone


def _one_load():
    load_gc.hold_full_collections()
    load_gc.release_full_collections()


def test_the_first_load_freezes_its_survivors_once(gc_policy_fresh):
    gc.unfreeze()
    survivor = _Box()
    _one_load()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    assert not any(o is survivor for o in gc.get_objects())  # frozen: out of the collector's passes
    later = _Box()
    _one_load()
    # later loads freeze nothing more (the count may fall: frozen objects without cycles are
    # still freed by reference counting, e.g. by another thread between the two reads)
    assert gc.get_freeze_count() <= frozen
    assert any(o is later for o in gc.get_objects())  # not frozen: still in the collector's passes


def test_cyclic_garbage_is_freed_when_the_next_load_is_shown_never_kept_frozen(gc_policy_fresh):
    _one_load()  # the first load: frozen
    for _ in range(3):
        gone = _old_cyclic_garbage()
        assert gone() is not None
        _one_load()
        assert gone() is None  # freed at this release, not some releases later


def test_a_later_load_does_not_scan_the_frozen_objects(gc_policy_fresh):
    """The pause of a later release covers only what is not frozen (not the whole heap)."""
    _one_load()
    scanned = []

    def watch(phase, info):
        if phase == "stop" and info["generation"] == 2:
            scanned.append(len(gc.get_objects()))

    gc.callbacks.append(watch)
    try:
        _one_load()
    finally:
        gc.callbacks.remove(watch)
    assert scanned and scanned[-1] < gc.get_freeze_count()


def test_the_first_load_is_frozen_without_a_full_pass(gc_policy_fresh):
    """A full pass at the first load scanned everything the load made (botocore's models, the
    tree) to find a hundred unreachable objects: 36-68 ms. The first release collects the young
    generations only, then freezes."""
    passes = []
    me = threading.get_ident()

    def watch(phase, info):
        if phase == "start" and threading.get_ident() == me:  # not another test's leftover thread
            passes.append(info["generation"])

    gc.callbacks.append(watch)
    try:
        _one_load()
    finally:
        gc.callbacks.remove(watch)
    assert passes and max(passes) < 2
    assert gc.get_freeze_count() > 0
    passes.clear()
    gc.callbacks.append(watch)
    try:
        _one_load()  # later loads: one full pass over what is not frozen
    finally:
        gc.callbacks.remove(watch)
    assert 2 in passes
