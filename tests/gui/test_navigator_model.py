"""The navigator's cluster list before and after the window's one cluster model exists.

The model (and the inventory's modules) is made with the first cluster load, after the first
paint (ui/cluster_loader.py ``ClusterLoader.loader``); until then the list is empty and says so
through the same API. Whether a start imports them is checked in a fresh process by
tests/unit/test_startup_imports.py."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.timeout(120),
              pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise")]


def _region(*cluster_ids: str):
    from aurora_console.core.aws.fleet.models import Cluster, Instance, RegionInventory

    clusters = tuple(Cluster(id=c, engine="aurora-postgresql", engine_version="16.4", status="available",
                             instances=(Instance(f"{c}-1", c, "WRITER", 1, "db.r6g.large", "us-east-1a",
                                                 "available"),))
                     for c in cluster_ids)
    return RegionInventory("default", "us-east-1", clusters)


def test_list_is_empty_until_the_cluster_model_exists(offline_window):
    window = offline_window
    model = window.navigator.model
    assert model.sourceModel() is None  # not made by building and showing the window
    assert model.rowCount() == 0 and model.summaries() == [] and model.errors == {}
    assert window.loading is False and window.load_count == 0
    model.sync()  # a sync before there is a model is harmless
    assert window.navigator.proxy.rowCount() == 0


def test_list_follows_the_model_made_on_first_use(offline_window, qtbot):
    window = offline_window
    cluster_model = window.clusters.loader.model  # first use: made now, and the list follows it
    assert window.navigator.model.sourceModel() is cluster_model
    assert window.clusters.loader is window.clusters.loader  # one loader for the window
    cluster_model.set_region(_region("orders", "blog"))
    qtbot.waitUntil(lambda: sorted(s.ref.cluster_id for s in window.navigator.model.summaries()) == ["blog", "orders"],
                    timeout=5000)
    assert window.navigator.proxy.rowCount() == 2
    window.navigator.view.setCurrentIndex(window.navigator.proxy.index(0, 0))
    assert window.navigator.selected_cluster().cluster_id == "blog"  # sorted by id within the region


def test_a_refresh_makes_the_model_and_fills_the_list(offline_window, qtbot, monkeypatch):
    """What the first load after the first paint does: ClusterLoader.refresh asks for the loader."""
    window = offline_window
    refreshed = []

    def fake_refresh(loader, targets, label):  # no AWS here: the region arrives as from a load
        refreshed.append(label)
        loader.model.set_region(_region("reports"))

    from aurora_console.ui.cluster_loader import InventoryLoader

    monkeypatch.setattr(InventoryLoader, "refresh", fake_refresh)
    from aurora_console.core.aws.session import AwsSessionFactory

    window.services.aws_session.set(AwsSessionFactory(endpoint_url="http://127.0.0.1:9"))
    window.navigator.set_profiles(["dev"], "dev")
    window.navigator.set_regions(["us-east-1"], ["us-east-1"])
    window.refresh_clusters()
    assert refreshed == ["dev"]
    qtbot.waitUntil(lambda: [s.ref.cluster_id for s in window.navigator.model.summaries()] == ["reports"],
                    timeout=5000)


def test_header_sorts_filters_and_selection_follows_on_a_big_list(offline_window, qtbot):
    """1,000 clusters: the list shows them by name; a header click reverses the order and the
    selected row keeps its cluster; the filter box filters in the chosen order (with the current
    row filtered out: a path where a proxy that left the sorting to the list model crashed Qt)."""
    from PySide6.QtCore import Qt

    window = offline_window
    nav = window.navigator
    cluster_model = window.clusters.loader.model
    ids = [f"c{(i * 7919) % 1000:04d}" for i in range(1000)]
    cluster_model.set_region(_region(*ids))
    qtbot.waitUntil(lambda: nav.proxy.rowCount() == 1000, timeout=10000)
    shown = [nav.proxy.index(r, 0).data() for r in range(1000)]
    assert shown == sorted(ids)
    nav.view.setCurrentIndex(nav.proxy.index(3, 0))
    assert nav.selected_cluster().cluster_id == "c0003"
    nav.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # what a header click does
    assert [nav.proxy.index(r, 0).data() for r in range(1000)] == sorted(ids, reverse=True)
    assert nav.view.header().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert nav.selected_cluster().cluster_id == "c0003"  # the selection followed its row
    nav.filter_edit.setText("c09")  # the filter box still filters, in the chosen order
    assert [nav.proxy.index(r, 0).data() for r in range(nav.proxy.rowCount())] == \
        sorted((i for i in ids if i.startswith("c09")), reverse=True)
