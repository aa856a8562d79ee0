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
    assert finished > events.index("step end", shown)  # not within the step that showed the region
    assert window.navigator.model.cluster_count() == 300
