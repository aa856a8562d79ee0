"""While the fleet loads, the UI thread gets the GIL back within 1 ms (ui/switch_interval.py) and
no full collection runs (ui/fleet/load_gc.py); both end with the load, or with the loader."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QApplication

from aurora_console.ui import switch_interval
from aurora_console.ui.fleet import load_gc

pytestmark = pytest.mark.gui


def _loader():
    from aurora_console.app import build_services
    from aurora_console.testing.console import console_options
    from aurora_console.ui.cluster_loader import InventoryLoader

    return InventoryLoader(build_services(console_options(sandbox=False), QApplication.instance()))


def test_a_load_holds_the_short_switch_interval_and_gives_it_back(qtbot):
    before = sys.getswitchinterval()
    loader = _loader()
    loader._hold_gc(True)
    try:
        assert sys.getswitchinterval() == switch_interval.HELD and load_gc.holding()
        loader._hold_gc(True)  # held once per load, however often asked
    finally:
        loader._hold_gc(False)
    assert sys.getswitchinterval() == before and not switch_interval.holding() and not load_gc.holding()


def test_a_loader_gone_mid_load_gives_both_back(qtbot):
    before = sys.getswitchinterval()
    loader = _loader()
    loader._hold_gc(True)
    assert switch_interval.holding()
    loader.deleteLater()
    qtbot.waitUntil(lambda: not switch_interval.holding(), timeout=5000)
    assert sys.getswitchinterval() == before and not load_gc.holding()


def test_a_load_ending_after_its_loader_is_gone_leaves_other_holds_alone(qtbot):
    """A loader destroyed mid-load gives its holds back; the end of its load may still come
    afterwards (its next-turn call has no owner, so the holds are given back even then): it must
    not give back a second time, taking away another screen's hold (the metrics dashboard's)."""
    from shiboken6 import delete

    switch_interval.hold()  # another screen's load
    load_gc.hold_full_collections()
    try:
        loader = _loader()
        loader._hold_gc(True)
        delete(loader)  # its window closed mid-load
        loader._hold_gc(False)  # the load's end, arriving late
        assert switch_interval.holding() and load_gc.holding()
        assert sys.getswitchinterval() == switch_interval.HELD
    finally:
        switch_interval.release()
        load_gc.release_full_collections(freeze=False)
    assert not switch_interval.holding() and not load_gc.holding()


def test_a_window_closed_mid_load_gives_both_back_at_once(offline_window, qtbot):
    """Closing the window stops its cluster load and gives back the holds then, not when the
    cancelled task's news is next delivered (that came in whatever ran next: a test after it
    saw the switch interval still held)."""
    import threading

    from aurora_console.core.aws.session import AwsSessionFactory

    window = offline_window
    window.services.aws_session.set(AwsSessionFactory(endpoint_url="http://127.0.0.1:9"))  # never called
    window.navigator.set_profiles(["dev"], "dev")
    window.navigator.set_regions(["us-east-1"], ["us-east-1"])
    loader = window.clusters.loader
    started, go = threading.Event(), threading.Event()

    def read(_factory, _targets, *, on_region=None, task=None, profile_label=None):  # a slow AWS read
        started.set()
        go.wait(10)
        return []

    loader.inventory.load = read
    window.refresh_clusters()
    assert started.wait(10) and switch_interval.holding() and load_gc.holding()
    window.close()
    try:
        assert not switch_interval.holding() and not load_gc.holding()
    finally:
        go.set()
