"""Holds on the collector's full passes are counted across screens: overlapping loads (the
fleet's and a SQL fetch-all) restore the thresholds saved by the first hold, once the last ends,
and only that last end runs its policy."""

from __future__ import annotations

import gc

import pytest

from aurora_console.ui import full_collections
from aurora_console.ui.fleet import load_gc

pytestmark = pytest.mark.unit


def test_overlapping_holds_restore_the_first_saved_thresholds_once_the_last_ends():
    before = gc.get_threshold()
    ran = []
    full_collections.hold()  # the fleet's load
    full_collections.hold()  # a SQL fetch-all meanwhile
    try:
        assert gc.get_threshold()[2] == full_collections.HELD_BACK
        assert full_collections.release(lambda: ran.append("first")) is False
        assert ran == [] and gc.get_threshold()[2] == full_collections.HELD_BACK
    finally:
        assert full_collections.release(lambda: ran.append("last")) is True
    assert ran == ["last"] and gc.get_threshold() == before and not full_collections.holding()
    assert full_collections.release() is False  # unbalanced: harmless
    assert gc.get_threshold() == before


def test_the_fleet_and_the_sql_screen_share_the_one_count():
    before = gc.get_threshold()
    full_collections.hold()  # a fetch-all
    load_gc.hold_full_collections()
    full_collections.release()  # the fetch-all ends first: the fleet's load still holds
    assert load_gc.holding() and gc.get_threshold()[2] == full_collections.HELD_BACK
    load_gc.release_full_collections(freeze=False)
    assert not load_gc.holding() and gc.get_threshold() == before


def test_a_failing_policy_still_restores_the_thresholds():
    before = gc.get_threshold()
    full_collections.hold()

    def boom() -> None:
        raise RuntimeError("policy failed")

    with pytest.raises(RuntimeError):
        full_collections.release(boom)
    assert gc.get_threshold() == before and not full_collections.holding()


def test_a_screens_first_opening_freezes_what_exists_once(monkeypatch):
    monkeypatch.setattr(full_collections, "_frozen_screens", set())
    gc.unfreeze()
    try:
        made_by_the_screen = [object() for _ in range(10)]  # e.g. the modules its opening imported
        assert full_collections.freeze_first_opening("performance")
        frozen = gc.get_freeze_count()
        assert frozen > 0 and not any(o is made_by_the_screen for o in gc.get_objects())
        later = [object()]
        assert not full_collections.freeze_first_opening("performance")  # once per screen
        # nothing more frozen (the count can only fall: frozen objects freed by reference counting,
        # e.g. by another thread between the reads, leave it)
        assert gc.get_freeze_count() <= frozen and any(o is later for o in gc.get_objects())
        assert full_collections.freeze_first_opening("logs")  # another screen: its own first time
    finally:
        gc.unfreeze()
