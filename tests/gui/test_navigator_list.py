"""The navigator's cluster list sorts and filters itself (ui/navigator.py ClusterListModel), with
no QSortFilterProxyModel between it and its view: that proxy's sort asked the model for ~27,000
indexes and texts on the first fill of 1,000 clusters, in one event-loop turn.

What a user sees must be what the proxy gave: the header's order (stable, case-sensitive), the
filter box over every column (any case), and the selection and current row following their
cluster across sorts, filters and refreshes. Qt's QAbstractItemModelTester checks every signal
the list sends on the way (rows removed and inserted, a layout change for a new order)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.timeout(120),
              pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise")]


def _cluster(cid: str, status: str = "available", engine: str = "aurora-postgresql"):
    from aurora_console.core.aws.fleet.models import Cluster, Instance

    version = "16.4" if engine == "aurora-postgresql" else "8.0.mysql_aurora.3.05.2"
    return Cluster(id=cid, engine=engine, engine_version=version, status=status,
                   instances=(Instance(f"{cid}-1", cid, "WRITER", 1, "db.r6g.large", "us-east-1a", status),))


def _region(clusters, region: str = "us-east-1"):
    from aurora_console.core.aws.fleet.models import RegionInventory

    return RegionInventory("default", region, tuple(clusters))


@pytest.fixture
def nav(qtbot):
    """A navigator over its own cluster model, shown, with Qt's model tester watching the list."""
    from PySide6.QtTest import QAbstractItemModelTester

    from aurora_console.ui.fleet.tree_model import FleetTreeModel
    from aurora_console.ui.navigator import NavigatorWidget

    tree = FleetTreeModel()
    widget = NavigatorWidget(tree)
    qtbot.addWidget(widget)
    widget.resize(385, 600)
    widget.show()
    widget.tester_ = QAbstractItemModelTester(widget.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    widget.tree_ = tree
    return widget


def _shown(nav, col: int = 0) -> list[str]:
    model = nav.view.model()
    return [model.index(r, col).data() for r in range(model.rowCount())]


def _current(nav) -> str | None:
    ref = nav.selected_cluster()
    return ref.cluster_id if ref is not None else None


def _selected(nav) -> list[str]:
    return sorted(i.data() for i in nav.view.selectionModel().selectedRows(0))


def _select(nav, cid: str) -> None:
    row = _shown(nav).index(cid)
    nav.view.setCurrentIndex(nav.view.model().index(row, 0))


def test_the_view_shows_the_list_model_itself(nav):
    from PySide6.QtCore import QSortFilterProxyModel

    assert nav.view.model() is nav.model
    assert not isinstance(nav.view.model(), QSortFilterProxyModel)
    assert nav.proxy is nav.model  # what callers reading the shown rows used


def test_a_first_fill_of_1000_clusters_asks_few_texts(nav, monkeypatch):
    """The sort reads each row's texts once, not per comparison (Qt's proxy: ~27,000 calls)."""
    from aurora_console.ui.cluster_list_model import ClusterListModel

    calls = []
    real = ClusterListModel.data
    monkeypatch.setattr(ClusterListModel, "data", lambda self, *a: calls.append(1) or real(self, *a))
    ids = [f"c{(i * 7919) % 1000:04d}" for i in range(1000)]
    nav.tree_.set_region(_region(_cluster(c) for c in ids))
    nav.model.sync()
    assert _shown(nav) == sorted(ids)
    calls.clear()
    nav.view.sortByColumn(0, __import__("PySide6.QtCore").QtCore.Qt.SortOrder.DescendingOrder)
    nav.model.sync()
    assert len(calls) < 100  # a re-sort and a sync of an unchanged tree read no texts through data()


def test_selection_and_current_row_follow_their_cluster_through_a_refresh_that_adds_and_removes(nav, qtbot):
    nav.tree_.set_region(_region(_cluster(c) for c in ("b", "d", "f", "h")))
    nav.model.sync()
    _select(nav, "f")
    nav.view.selectionModel().select(nav.model.index(_shown(nav).index("d"), 0),
                                     nav.view.selectionModel().SelectionFlag.Select |
                                     nav.view.selectionModel().SelectionFlag.Rows)
    resets = []
    nav.model.modelReset.connect(lambda: resets.append(1))
    nav.tree_.set_region(_region(_cluster(c) for c in ("a", "c", "d", "f", "g")))  # b and h go, a c g come
    nav.model.sync()
    assert _shown(nav) == ["a", "c", "d", "f", "g"]
    assert _current(nav) == "f"
    assert _selected(nav) == ["d", "f"]
    assert resets == []  # rows removed and inserted: the view keeps its state


def test_header_order_survives_refreshes_and_new_clusters_take_their_place(nav):
    from PySide6.QtCore import Qt

    nav.tree_.set_region(_region(_cluster(c) for c in ("b", "d")))
    nav.model.sync()
    nav.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # a header click
    _select(nav, "b")
    nav.tree_.set_region(_region(_cluster(c) for c in ("a", "b", "c", "d", "e")))
    nav.model.sync()
    assert _shown(nav) == ["e", "d", "c", "b", "a"]
    assert _current(nav) == "b"
    assert nav.view.header().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_a_status_change_moves_the_row_when_sorted_by_status_and_the_selection_follows(nav):
    from PySide6.QtCore import Qt

    nav.tree_.set_region(_region([_cluster("a", "modifying"), _cluster("b", "available"), _cluster("c", "stopped")]))
    nav.model.sync()
    nav.view.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    assert _shown(nav) == ["b", "a", "c"]  # available, modifying, stopped
    _select(nav, "a")
    nav.tree_.set_region(_region([_cluster("a", "available"), _cluster("b", "available"), _cluster("c", "stopped")]))
    nav.model.sync()
    # equal statuses keep the region-then-id order, as a fresh sort by status gives them (Qt's
    # proxy put a changed row after its equals, so the order of equal rows depended on history)
    assert _shown(nav) == ["a", "b", "c"]
    assert _shown(nav, 2) == ["available", "available", "stopped"]
    assert _current(nav) == "a"


def test_the_status_text_changes_on_a_refresh_whatever_the_order(nav, qtbot):
    nav.tree_.set_region(_region([_cluster("a"), _cluster("b")]))
    nav.model.sync()
    with qtbot.waitSignal(nav.model.dataChanged, timeout=2000):
        nav.tree_.set_region(_region([_cluster("a", "rebooting"), _cluster("b")]))
    assert _shown(nav, 2) == ["rebooting", "available"]


def test_sorting_is_by_text_case_sensitive_and_stable_like_the_proxy(nav):
    """As QSortFilterProxyModel's defaults sorted: the display text, case-sensitive, equal
    texts in the list's own order (region, then id) both ways."""
    from PySide6.QtCore import Qt

    nav.tree_.set_region(_region([_cluster("b"), _cluster("a")], "us-west-2"))
    nav.tree_.set_region(_region([_cluster("a"), _cluster("B")], "eu-west-1"))
    nav.model.sync()
    # by id, upper case first (code points); equal ids keep region order (eu-west-1 first)
    assert [(r, c) for r, c in zip(_shown(nav, 3), _shown(nav, 0), strict=True)] == \
        [("eu-west-1", "B"), ("eu-west-1", "a"), ("us-west-2", "a"), ("us-west-2", "b")]
    nav.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert [(r, c) for r, c in zip(_shown(nav, 3), _shown(nav, 0), strict=True)] == \
        [("us-west-2", "b"), ("eu-west-1", "a"), ("us-west-2", "a"), ("eu-west-1", "B")]
    nav.view.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    assert _shown(nav, 3) == ["eu-west-1", "eu-west-1", "us-west-2", "us-west-2"]


def test_the_filter_matches_any_column_in_any_case_and_holds_across_refreshes(nav):
    nav.tree_.set_region(_region([_cluster("orders"), _cluster("billing", engine="aurora-mysql"),
                                  _cluster("reports", "stopped")]))
    nav.tree_.set_region(_region([_cluster("eu-orders")], "eu-west-1"))
    nav.model.sync()
    nav.filter_edit.setText("MYSQL")  # the engine column's label: "MySQL 8.0 (Aurora 3.05.2)"
    assert _shown(nav) == ["billing"]
    nav.filter_edit.setText("Stopped")
    assert _shown(nav) == ["reports"]
    nav.filter_edit.setText("EU-WEST")  # the region column
    assert _shown(nav) == ["eu-orders"]
    nav.filter_edit.setText("orders")
    assert _shown(nav) == ["eu-orders", "orders"]
    nav.tree_.set_region(_region([_cluster("orders"), _cluster("billing", engine="aurora-mysql"),
                                  _cluster("old-orders"), _cluster("misc")]))
    nav.model.sync()
    assert _shown(nav) == ["eu-orders", "old-orders", "orders"]
    assert sorted(s.ref.cluster_id for s in nav.model.summaries()) == ["billing", "eu-orders", "misc", "old-orders",
                                                                        "orders"]  # every cluster, whatever shows
    assert nav.model.cluster_count() == 5
    nav.filter_edit.clear()
    assert _shown(nav) == ["billing", "eu-orders", "misc", "old-orders", "orders"]


def test_filtering_out_the_current_row_and_back(nav):
    nav.tree_.set_region(_region(_cluster(f"c{i:03d}") for i in range(300)))
    nav.model.sync()
    _select(nav, "c150")
    nav.filter_edit.setText("c2")
    assert "c150" not in _shown(nav)
    assert _current(nav) != "c150"
    nav.filter_edit.clear()
    assert len(_shown(nav)) == 300
    _select(nav, "c150")
    nav.filter_edit.setText("c15")
    assert _current(nav) == "c150"  # still shown: still current
    assert _shown(nav) == [f"c15{i}" for i in range(10)]


def test_a_sync_of_an_unchanged_tree_works_nothing_out(nav, monkeypatch):
    from aurora_console.ui.cluster_list_model import ClusterListModel

    nav.tree_.set_region(_region([_cluster("a")]))
    nav.model.sync()
    arranged = []
    real = ClusterListModel._arranged
    monkeypatch.setattr(ClusterListModel, "_arranged", lambda self: arranged.append(1) or real(self))
    nav.model.sync()
    assert arranged == []
    nav.tree_.set_region(_region([_cluster("a"), _cluster("b")]))
    nav.model.sync()
    assert arranged and _shown(nav) == ["a", "b"]


def test_columns_fit_the_widest_cluster_and_a_dragged_width_stays(nav):
    header = nav.view.header()
    nav.tree_.set_region(_region([_cluster("a"), _cluster("a-much-longer-cluster-name-than-the-others")]))
    nav.model.sync()
    row = _shown(nav).index("a-much-longer-cluster-name-than-the-others")
    wide = nav.view.sizeHintForIndex(nav.model.index(row, 0)).width()
    assert header.sectionSize(0) >= wide
    assert header.sectionSize(2) >= nav.view.sizeHintForIndex(nav.model.index(0, 2)).width()
    header.resizeSection(0, 90)  # the user drags it narrower
    nav.tree_.set_region(_region([_cluster("a", "modifying"), _cluster("a-much-longer-cluster-name-than-the-others"),
                                  _cluster("b")]))
    nav.model.sync()
    assert header.sectionSize(0) == 90  # the widest name did not change
    nav.tree_.set_region(_region([_cluster("a"), _cluster("an-even-longer-cluster-name-than-the-longest-one-before")]))
    nav.model.sync()
    assert header.sectionSize(0) > wide


def test_while_a_load_fills_the_tree_a_status_change_waits_for_the_region_to_be_complete(nav, qtbot):
    """Not following (a load in flight), the list takes a changed status in with the loader's
    sync of the complete region, not a re-sort of the whole list per step."""
    nav.tree_.set_region(_region([_cluster("a"), _cluster("b")]))
    nav.model.sync()
    nav.model.follow(False)
    changes = []
    nav.model.dataChanged.connect(lambda *a: changes.append(1))
    nav.tree_.set_region(_region([_cluster("a", "rebooting"), _cluster("b")]))
    qtbot.wait(20)
    assert changes == [] and _shown(nav, 2) == ["available", "available"]
    nav.model.sync()  # the region is complete
    assert changes and _shown(nav, 2) == ["rebooting", "available"]
    nav.model.follow(True)


def test_a_refresh_changing_clusters_apart_from_each_other_arranges_the_list_once(nav, monkeypatch):
    """The tree model tells of each run of changed rows apart; the list takes the whole
    refresh in at once (one sort of its rows), when the tree model's update is complete."""
    from aurora_console.ui.cluster_list_model import ClusterListModel

    ids = "abcdefg"
    nav.tree_.set_region(_region([_cluster(c) for c in ids]))
    nav.model.sync()
    arranged = []
    real = ClusterListModel._arranged
    monkeypatch.setattr(ClusterListModel, "_arranged", lambda self: arranged.append(1) or real(self))
    nav.tree_.set_region(_region([_cluster(c, "rebooting" if c in "aceg" else "available") for c in ids]))
    assert len(arranged) == 1
    assert _shown(nav, 2) == ["rebooting", "available"] * 3 + ["rebooting"]


def test_while_a_load_fills_the_tree_the_rows_are_worked_out_step_by_step(nav):
    """While a load fills the tree (the list syncs once a region is complete), the rows of the
    clusters each step adds or changes are worked out on that step: the sync that takes the
    region in works none out (1,000 rows were ~3 ms of the turn that announces the region)."""
    ids = [f"c{k:02d}" for k in range(30)]
    clusters = [_cluster(c) for c in ids]  # a step passes the clusters shown as they are (staging.py)
    nav.model.follow(False)
    for upto in (10, 20, 30):  # a region arriving in three steps
        nav.tree_.set_region(_region(clusters[:upto]))
    worked = []
    real = nav.tree_.row_texts
    nav.tree_.row_texts = lambda node: worked.append(node.key) or real(node)
    nav.model.sync()
    assert worked == [] and _shown(nav) == ids
    nav.tree_.row_texts = real
    modifying = [_cluster(c, "modifying") for c in ids]
    for upto in (15, 30):  # a refresh changing the status of every cluster, in two steps
        nav.tree_.set_region(_region(modifying[:upto] + clusters[upto:]))
    nav.tree_.row_texts = lambda node: worked.append(node.key) or real(node)
    nav.model.follow(True)
    assert worked == [] and set(_shown(nav, 2)) == {"modifying"}
