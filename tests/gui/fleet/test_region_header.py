"""A region's header row says what the filter shows of it ("us-east-1 (p)  ·  1 of 3 clusters");
the tree model itself, asked directly (as the navigator does), always says the region's status."""

from __future__ import annotations

import pytest

from aurora_console.core.aws.fleet.models import Cluster, Instance, RegionInventory
from aurora_console.ui.fleet.filter_model import FleetFilterModel
from aurora_console.ui.fleet.tree_model import FleetTreeModel

pytestmark = pytest.mark.gui


def _region(region: str, *ids: str, engine: str = "aurora-postgresql", error: str = "") -> RegionInventory:
    clusters = tuple(Cluster(c, engine, "16.4", "available",
                             instances=(Instance(f"{c}-1", c, "WRITER", 1, "db.r6g.large", f"{region}a", "available"),))
                     for c in ids)
    return RegionInventory("p", region, clusters=clusters, error=error)


def _headers(proxy) -> list[str]:
    return sorted(proxy.index(r, 0).data() for r in range(proxy.rowCount()))


def test_region_headers_count_what_the_filter_shows(qapp):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QBrush

    model = FleetTreeModel()
    model.set_region(_region("us-east-1", "orders", "billing", "reports"))
    model.set_region(_region("eu-west-1", "eu-orders"))
    model.set_region(_region("ap-south-1", error="AccessDenied"))
    proxy = FleetFilterModel()
    proxy.setSourceModel(model)
    proxy.sort(0)
    assert _headers(proxy) == ["ap-south-1 (p)  ·  ⚠ AccessDenied", "eu-west-1 (p)  ·  1 cluster",
                               "us-east-1 (p)  ·  3 clusters"]
    proxy.set_filter("orders")
    assert _headers(proxy) == ["ap-south-1 (p)  ·  ⚠ AccessDenied", "eu-west-1 (p)  ·  1 of 1 clusters",
                               "us-east-1 (p)  ·  1 of 3 clusters"]
    proxy.set_filter("billing")  # eu-west-1 hidden; the model, asked directly, still names its status
    assert _headers(proxy) == ["ap-south-1 (p)  ·  ⚠ AccessDenied", "us-east-1 (p)  ·  1 of 3 clusters"]
    eu = model.index_of_key("p/eu-west-1")
    assert eu.data() == "eu-west-1 (p)  ·  1 cluster"
    failed = [proxy.index(r, 0) for r in range(proxy.rowCount()) if "ap-south-1" in proxy.index(r, 0).data()][0]
    assert isinstance(failed.data(Qt.ItemDataRole.ForegroundRole), QBrush)  # the error colour, as its status cell
    proxy.set_filter("")
    assert _headers(proxy)[2] == "us-east-1 (p)  ·  3 clusters"


def test_the_model_says_the_status_whatever_the_filter_shows(qapp):
    model = FleetTreeModel()
    model.set_region(_region("us-east-1", "orders", "billing"))
    proxy = FleetFilterModel()
    proxy.setSourceModel(model)
    proxy.set_filter("orders")
    assert _headers(proxy) == ["us-east-1 (p)  ·  1 of 2 clusters"]
    assert model.index_of_key("p/us-east-1").data() == "us-east-1 (p)  ·  2 clusters"
    proxy.setSourceModel(FleetTreeModel())  # the filter moves to another model: nothing shown
    assert proxy.rowCount() == 0 and proxy.filter_text == "orders"


def test_a_refresh_under_the_filter_updates_the_count(qapp):
    model = FleetTreeModel()
    model.set_region(_region("us-east-1", "orders", "billing"))
    proxy = FleetFilterModel()
    proxy.setSourceModel(model)
    proxy.set_filter("orders")
    assert _headers(proxy) == ["us-east-1 (p)  ·  1 of 2 clusters"]  # as a view asks for the rows
    changed = []
    proxy.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), a.column(), b.row())))
    model.set_region(_region("us-east-1", "orders", "billing", "orders-eu"))
    assert _headers(proxy) == ["us-east-1 (p)  ·  2 of 3 clusters"]
    assert (0, 0, 0) in changed  # the header row was told to repaint
