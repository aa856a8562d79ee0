"""The first fill of a big fleet is spread over event-loop turns: the turn that shows a region's
last clusters (the navigator's list takes them all in) does not also end the load (where the
fleet view expands its regions, which sorts 1,000 clusters through its proxy), and the column fit
that follows the expansion starts on a turn of its own."""

from __future__ import annotations

import pytest

from tests.gui.fleet.test_fleet_widths import _tree

pytestmark = [pytest.mark.gui, pytest.mark.timeout(120),
              pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise")]


def test_a_fit_started_for_the_next_turn_fits_nothing_now_and_the_same_widths_later(qtbot):
    later_tree, later = _tree(qtbot, 300, clock=lambda: 0.0)
    now_tree, now = _tree(qtbot, 300, clock=lambda: 0.0)
    before = [later_tree.header().sectionSize(c) for c in range(7)]
    later.fit_columns(next_turn=True)
    assert later.fitting  # under way from the start: a test or a caller can wait for it
    assert [later_tree.header().sectionSize(c) for c in range(7)] == before
    now.fit_columns()
    qtbot.waitUntil(lambda: not later.fitting, timeout=5000)
    assert [later_tree.header().sectionSize(c) for c in range(7)] == \
        [now_tree.header().sectionSize(c) for c in range(7)]


def test_a_newer_fit_replaces_one_waiting_for_its_turn(qtbot):
    tree, widths = _tree(qtbot, 50, clock=lambda: 0.0)
    steps = []
    real = tree.sizeHintForColumn
    tree.sizeHintForColumn = lambda col: (steps.append(col), real(col))[1]
    widths.fit_columns(next_turn=True)
    widths.fit_columns()  # e.g. a second load shown meanwhile
    qtbot.waitUntil(lambda: not widths.fitting, timeout=5000)
    qtbot.wait(50)
    assert steps == [0, 1, 2, 3, 4, 5, 6]  # once, not twice


def _inventory(target, n: int):
    from aurora_console.core.aws.fleet.models import Cluster, Instance, RegionInventory

    return RegionInventory("dev", target.region, tuple(
        Cluster(f"c{k:04d}", "aurora-postgresql", "16.4", "available",
                instances=(Instance(f"c{k:04d}-1", f"c{k:04d}", "WRITER", 1, "db.r6g.large", "us-east-1a", "available"),))
        for k in range(n)), target=target)


def test_the_load_ends_on_a_turn_after_its_last_region_is_shown(offline_window, qtbot):
    """A region of 300 clusters is shown over several turns (40 a turn) and the worker's end
    arrives meanwhile: the load still ends on a turn after the one that showed the last ones."""
    from aurora_console.core.aws.session import AwsSessionFactory
    from aurora_console.ui.cluster_loader import InventoryLoader
    from aurora_console.ui.fleet.staging import STAGE_CLUSTERS

    window = offline_window
    window.services.aws_session.set(AwsSessionFactory(endpoint_url="http://127.0.0.1:9"))  # never called
    window.navigator.set_profiles(["dev"], "dev")
    window.navigator.set_regions(["us-east-1"], ["us-east-1"])
    loader = window.clusters.loader

    def read(_factory, targets, *, on_region=None, task=None, profile_label=None):  # the worker's AWS read
        invs = [_inventory(t, 300) for t in targets]
        for inv in invs:
            on_region(inv)
        return invs

    loader.inventory.load = read
    events: list[str] = []
    loader.region_shown.connect(lambda inv: events.append("shown"))
    loader.finished.connect(lambda *_a: events.append("finished"))
    real = InventoryLoader._stage_step

    def step(self, key, gen):
        events.append("step")
        real(self, key, gen)
        events.append("step end")

    loader._stage_step = step.__get__(loader)
    window.refresh_clusters()
    qtbot.waitUntil(lambda: window.load_count == 1, timeout=30000)
    assert events.count("step") > 300 // STAGE_CLUSTERS  # over several turns
    assert events.count("finished") == 1 and events.count("shown") == 1
    shown, finished = events.index("shown"), events.index("finished")
    last_step_end = len(events) - 1 - events[::-1].index("step end")
    # announced on a turn after the step that showed the last clusters (and painted the tree),
    # and the load ends on yet another
    assert last_step_end < shown < finished
    assert window.navigator.model.cluster_count() == 300


def test_a_region_is_announced_after_the_turn_that_showed_its_last_clusters(offline_window, qtbot):
    """The step that applies a region's last clusters repaints the tree; the navigator's list
    takes the region in (region_shown) on a later turn."""
    from aurora_console.core.aws.session import AwsSessionFactory

    window = offline_window
    window.services.aws_session.set(AwsSessionFactory(endpoint_url="http://127.0.0.1:9"))  # never called
    window.navigator.set_profiles(["dev"], "dev")
    window.navigator.set_regions(["us-east-1"], ["us-east-1"])
    loader = window.clusters.loader
    loader.inventory.load = lambda _f, targets, *, on_region=None, task=None, profile_label=None: [
        on_region(inv) or inv for inv in (_inventory(t, 10) for t in targets)]
    seen, at_last_step = [], []
    loader.region_shown.connect(lambda inv: seen.append(len(loader.model.clusters())))

    def settled() -> None:  # the tree model took in a step
        if len(loader.model.clusters()) == 10 and not at_last_step:
            at_last_step.append(bool(seen))

    loader.model.settled.connect(settled)
    window.refresh_clusters()
    qtbot.waitUntil(lambda: window.load_count == 1, timeout=10000)
    assert at_last_step == [False] and seen == [10]


def test_a_turn_spent_comparing_leaves_the_first_step_to_the_next_turn(qtbot, monkeypatch):
    """A refresh of a big region compares it with what is shown first (a few ms for 1,000
    clusters): that turn does not also apply a step (a diff of the tree and its repaint)."""
    from dataclasses import replace

    from PySide6.QtWidgets import QApplication

    from aurora_console.app import build_services
    from aurora_console.core.aws.session import AwsTarget
    from aurora_console.testing.console import console_options
    from aurora_console.ui.cluster_loader import InventoryLoader
    from aurora_console.ui.fleet import staging

    loader = InventoryLoader(build_services(console_options(sandbox=False), QApplication.instance()))
    target = AwsTarget("dev", "us-east-1")
    loader._region_arrived(_inventory(target, 100), loader._generation)
    qtbot.waitUntil(lambda: not loader._staging and not loader._announcing, timeout=10000)
    shown = _inventory(target, 100)
    changed = replace(shown, clusters=tuple(replace(c, status="modifying") for c in shown.clusters))

    def statuses() -> set[str]:
        return {c.status for _, c in loader.model.clusters()}

    monkeypatch.setattr(staging, "COMPARE_THEN_APPLY_S", -1.0)  # any comparing counts as a long turn
    loader._region_arrived(changed, loader._generation)
    assert statuses() == {"available"}  # compared, nothing applied in this turn
    qtbot.waitUntil(lambda: not loader._staging and not loader._announcing, timeout=10000)
    assert statuses() == {"modifying"}
    loader.shutdown()


def _bare_loader():
    from PySide6.QtWidgets import QApplication

    from aurora_console.app import build_services
    from aurora_console.testing.console import console_options
    from aurora_console.ui.cluster_loader import InventoryLoader

    return InventoryLoader(build_services(console_options(sandbox=False), QApplication.instance()))


def test_what_a_step_posts_is_delivered_before_the_next_step(qtbot):
    """A step's repaint is a posted event: the next step waits on a timer, so it never runs in
    the same delivery of posted events right after that repaint (step, repaint, step)."""
    from PySide6.QtCore import QTimer

    from aurora_console.core.aws.session import AwsTarget
    from aurora_console.ui.cluster_loader import InventoryLoader

    loader = _bare_loader()
    events: list[str] = []
    real = InventoryLoader._stage_step

    def step(self, key, gen):
        events.append("step")
        real(self, key, gen)
        QTimer.singleShot(0, lambda: events.append("posted"))  # as the repaint this step caused

    loader._stage_step = step.__get__(loader)
    loader._region_arrived(_inventory(AwsTarget("dev", "us-east-1"), 200), loader._generation)
    qtbot.waitUntil(lambda: not loader._staging and not loader._announcing, timeout=10000)
    assert events.count("step") >= 200 // 40
    assert "step" not in [b for a, b in zip(events, events[1:], strict=False) if a == "step"]  # posted first
    loader.shutdown()


def _marked(events: list[str], name: str, fn):
    """``fn`` recording ``name``, then posting a marker as a repaint it caused would be posted."""
    from PySide6.QtCore import QTimer

    def run(*args):
        events.append(name)
        fn(*args)
        QTimer.singleShot(0, lambda: events.append("posted"))
    return run


def _none_back_to_back(events: list[str]) -> bool:
    """No piece of work follows another before what the first posted was delivered."""
    return all(b == "posted" or a == "posted" for a, b in zip(events, events[1:], strict=False))


def test_the_end_of_a_load_waits_for_what_the_announcement_posted(qtbot):
    """Announcing the region, ending the load (the fleet expands its regions) and giving the
    collector back its full passes each come after what the one before posted (its repaint)."""
    from aurora_console.core.aws.session import AwsSessionFactory, AwsTarget

    loader = _bare_loader()
    loader.services.aws_session.set(AwsSessionFactory(endpoint_url="http://127.0.0.1:9"))  # never called
    loader.inventory.load = lambda _f, targets, *, on_region=None, task=None, profile_label=None: [
        on_region(inv) or inv for inv in (_inventory(t, 10) for t in targets)]
    events: list[str] = []
    loader._announce = _marked(events, "announce", loader._announce)
    loader._done = _marked(events, "done", loader._done)
    loader._hold_gc = _marked(events, "hold", loader._hold_gc)
    loader.refresh([AwsTarget("dev", "us-east-1")], "dev")
    qtbot.waitUntil(lambda: events.count("hold") == 2, timeout=10000)  # held at the start, given back
    qtbot.wait(20)
    work = [e for e in events if e != "posted"]
    assert work == ["hold", "announce", "done", "hold"]
    assert _none_back_to_back(events[events.index("announce"):])
    loader.shutdown()


def test_column_fit_turns_wait_for_what_the_turn_before_posted(qtbot):
    """A column fit spread over turns (one column a turn here) never runs a turn right after the
    repaint the one before posted, in the same delivery (the first fill's repaint, then a fit)."""
    from tests.gui.fleet.test_fleet_widths import _tree

    ticks = iter(range(10_000))
    tree, widths = _tree(qtbot, 100, clock=lambda: float(next(ticks)))  # every column over the budget
    events: list[str] = []
    widths._fit_step = _marked(events, "fit", widths._fit_step)
    widths.fit_columns(next_turn=True)
    qtbot.waitUntil(lambda: not widths.fitting, timeout=5000)
    qtbot.wait(20)
    assert events.count("fit") == 7 and _none_back_to_back(events)


def test_a_loader_gone_before_its_next_turn_emits_nothing(qtbot):
    """The load's steps run on later turns (1 ms timers): a loader destroyed meanwhile (its window
    closed) runs none of them ('Signal source has been deleted' in the event loop before)."""
    from shiboken6 import delete

    from aurora_console.ui import cluster_loader

    loader = _bare_loader()
    ran: list[str] = []
    cluster_loader._next_turn(loader, lambda: (ran.append("step"), loader.finished.emit(True, [])))
    delete(loader)
    qtbot.wait(20)
    assert ran == []


def test_a_big_region_is_collected_young_on_the_ui_thread_on_a_turn_before_its_first_step(qtbot, monkeypatch):
    """A region the worker made (its objects still in the collector's young generations) gets a
    young collection on the UI thread on its arrival's turn, which applies nothing: the young
    pass that next met those objects fell inside a step (5-7 ms of a 12-17 ms turn for 1,000
    clusters). Never a collection on a worker (it could free Qt wrappers made on the UI thread).
    A small region is applied at once, with no collection."""
    import gc
    import threading
    from types import SimpleNamespace

    from aurora_console.core.aws.session import AwsTarget
    from aurora_console.ui import cluster_loader
    from aurora_console.ui.fleet.staging import STAGE_CLUSTERS

    collected: list[tuple[int, bool, int]] = []  # generation, on this thread, clusters shown then
    loader = _bare_loader()

    def collect(generation: int = 2) -> int:
        collected.append((generation, threading.get_ident() == ui, len(loader.model.clusters())))
        return gc.collect(generation)

    ui = threading.get_ident()
    monkeypatch.setattr(cluster_loader, "gc", SimpleNamespace(collect=collect))
    target = AwsTarget("dev", "us-east-1")
    loader._region_arrived(_inventory(target, 5 * STAGE_CLUSTERS), loader._generation)
    assert collected == [(1, True, 0)]
    assert loader.model.clusters() == []  # the steps begin on a later turn
    qtbot.waitUntil(lambda: not loader._staging and not loader._announcing, timeout=10000)
    assert len(loader.model.clusters()) == 5 * STAGE_CLUSTERS and len(collected) == 1

    small = AwsTarget("dev", "eu-west-1")
    loader._region_arrived(_inventory(small, STAGE_CLUSTERS), loader._generation)
    assert len(collected) == 1
    assert len([c for inv, c in loader.model.clusters() if inv.region == "eu-west-1"]) == STAGE_CLUSTERS
    loader.shutdown()


def test_the_first_fill_expands_on_one_turn_fits_on_the_next_ones_and_paints_once_fitted(qtbot):
    """Expanding a big region and painting the rows it shows are not one turn (together they
    were the longest stretch of the first fill): the tree takes no updates while its columns
    are fitted, a column a turn, and paints once with the fitted widths (not once before the
    fit and again after it)."""
    from PySide6.QtCore import QEvent, QObject

    from aurora_console.ui.fleet.filter_model import FleetFilterModel
    from tests.gui.fleet.test_fleet_widths import _shown_tree

    tree, widths = _shown_tree(qtbot, 300, FleetFilterModel(), clock=iter(range(10_000)).__next__)
    events: list[str] = []

    class Paints(QObject):
        def eventFilter(self, _obj, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint:
                events.append("paint")
            return False

    paints = Paints(tree)
    tree.viewport().installEventFilter(paints)
    widths._fit_step = _marked(events, "fit", widths._fit_step)
    qtbot.wait(20)
    events.clear()
    region = tree.model().index(0, 0)
    widths.show_first_fill()
    assert tree.isExpanded(region) and widths.fitting and widths.revealing
    assert not tree.updatesEnabled()  # nothing painted on this turn
    qtbot.waitUntil(lambda: not widths.fitting and not widths.revealing, timeout=5000)
    qtbot.waitUntil(lambda: "paint" in events, timeout=5000)
    assert tree.updatesEnabled()
    assert events.count("fit") == 7  # a column a turn (every column over the budget here)
    last_fit = len(events) - 1 - events[::-1].index("fit")
    assert "paint" not in events[:last_fit]  # painted once fitted, not before
    qtbot.wait(50)
    assert events.count("paint") == 1  # not again for the resized columns
    assert _none_back_to_back([e for e in events if e != "paint"])


def test_a_fit_replacing_the_first_fills_still_lets_the_tree_paint(qtbot):
    """A newer fit (a second load shown meanwhile) replaces the first fill's: the tree's updates
    still come back on, and the newer fit ends."""
    from aurora_console.ui.fleet.filter_model import FleetFilterModel
    from tests.gui.fleet.test_fleet_widths import _shown_tree

    tree, widths = _shown_tree(qtbot, 100, FleetFilterModel(), clock=lambda: 0.0)
    widths.show_first_fill()
    widths.fit_columns()
    qtbot.waitUntil(lambda: tree.updatesEnabled() and not widths.fitting, timeout=5000)
    assert tree.isExpanded(tree.model().index(0, 0))


def test_a_refresh_keeps_nothing_of_the_read_the_tree_already_shows(qtbot):
    """A refresh's read equal to what is shown (new objects, same values): once the load is
    over, none of its objects is kept (the task's handle kept the whole read until the next
    load, and every garbage collection walked it)."""
    import gc
    import weakref

    from aurora_console.core.aws.session import AwsSessionFactory, AwsTarget

    loader = _bare_loader()
    loader.services.aws_session.set(AwsSessionFactory(endpoint_url="http://127.0.0.1:9"))  # never called
    reads: list[list] = []

    def read(_factory, targets, *, on_region=None, task=None, profile_label=None):
        invs = [_inventory(t, 100) for t in targets]
        reads.append([weakref.ref(c) for inv in invs for c in inv.clusters])
        for inv in invs:
            on_region(inv)
        return invs

    loader.inventory.load = read
    for n in (1, 2):
        loader.refresh([AwsTarget("dev", "us-east-1")], "dev")
        qtbot.waitUntil(lambda n=n: loader.load_count == n and not loader.loading, timeout=10000)
    qtbot.wait(20)
    gc.collect()
    assert len(loader.model.clusters()) == 100
    assert all(r() is not None for r in reads[0])  # the first read is what the tree shows
    assert [r for r in reads[1] if r() is not None] == []
    loader.shutdown()
