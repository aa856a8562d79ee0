"""The fleet tree's filter model (it filters and sorts the tree model's nodes itself, no
QSortFilterProxyModel): what it shows, the order, and that selection, the current row and
expanded rows survive filtering, sorting and refreshes; Qt's model tester watches throughout."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QTreeView

from aurora_console.core.aws.fleet.models import Cluster, GlobalCluster, Instance, Proxy, RegionInventory
from aurora_console.ui.fleet.filter_model import FleetFilterModel
from aurora_console.ui.fleet.tree_model import COL_STATUS, COL_TIER, KEY_ROLE, FleetTreeModel

pytestmark = pytest.mark.gui

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal


def _cluster(cid: str, status: str = "available", n: int = 2, tags=(), engine="aurora-postgresql", gid="",
             proxies=()) -> Cluster:
    insts = tuple(Instance(f"{cid}-{k}", cid, "WRITER" if k == 1 else "READER", k, "db.r6g.large", "us-east-1a", status)
                  for k in range(1, n + 1))
    return Cluster(cid, engine, "16.4", status, instances=insts, tags=tuple(tags), global_cluster_id=gid,
                   proxies=tuple(proxies))


def _region(*clusters: Cluster, region: str = "us-east-1", error: str = "", globals_=()) -> RegionInventory:
    return RegionInventory("p", region, clusters=tuple(clusters), error=error, global_clusters=tuple(globals_))


def _models(*regions: RegionInventory):
    model = FleetTreeModel()
    QAbstractItemModelTester(model, FATAL)
    for r in regions:
        model.set_region(r)
    shown = FleetFilterModel()
    shown.setSourceModel(model)
    QAbstractItemModelTester(shown, FATAL)
    return model, shown


def _names(model, parent=QModelIndex()) -> list[str]:  # noqa: B008
    return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]


def _tree(model, parent=QModelIndex()) -> dict:  # noqa: B008
    out = {}
    for r in range(model.rowCount(parent)):
        idx = model.index(r, 0, parent)
        out[idx.data(KEY_ROLE)] = _tree(model, idx)
    return out


def _view(qtbot, shown) -> QTreeView:
    view = QTreeView()
    qtbot.addWidget(view)
    view.setModel(shown)
    view.setSortingEnabled(True)
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    view.resize(600, 400)
    view.show()
    return view


def test_it_sorts_by_the_column_asked_stable_and_by_tier_as_a_number(qapp):
    model, shown = _models(_region(_cluster("b", "stopped"), _cluster("a"), _cluster("C", "available", 12)))
    shown.sort(0)
    region = shown.index(0, 0)
    assert _names(shown, region) == ["a", "b", "C"]  # case-insensitive
    shown.sort(0, Qt.SortOrder.DescendingOrder)
    assert _names(shown, region) == ["C", "b", "a"]
    shown.sort(COL_STATUS)
    assert _names(shown, region) == ["a", "C", "b"]  # equal statuses keep the tree's order
    c = shown.index(1, 0, region)
    assert c.data() == "C"
    shown.sort(COL_TIER)  # 1, 2, ..., 12 (not "1", "10", "11", "12", "2")
    assert [shown.index(r, COL_TIER, c).data() for r in range(shown.rowCount(c))] == [str(k) for k in range(1, 13)]
    shown.sort(-1)  # the tree's order
    assert _names(shown, shown.index(0, 0)) == ["b", "a", "C"]


def test_a_matching_instance_shows_its_cluster_and_a_matching_cluster_its_instances(qapp):
    model, shown = _models(_region(_cluster("orders", n=3), _cluster("billing", tags=[("env", "prod")])),
                           _region(error="AccessDenied", region="eu-west-1"))
    shown.sort(0)
    shown.set_filter("orders-2")
    [failed, east] = [shown.index(r, 0) for r in range(2)]
    assert "AccessDenied" in failed.data()  # a failing region always shows
    assert _names(shown, east) == ["orders"]
    assert _names(shown, shown.index(0, 0, east)) == ["orders-2"]
    shown.set_filter("tag:env=prod")
    east = shown.index(1, 0)
    assert _names(shown, east) == ["billing"]
    assert _names(shown, shown.index(0, 0, east)) == ["billing-1", "billing-2"]  # all its instances
    assert shown.shown_counts() == (1, 2)
    shown.set_filter("")
    assert shown.shown_counts() == (2, 5)


def test_global_clusters_and_proxies_filter_like_the_rest(qapp):
    proxy = Proxy("orders-proxy", "POSTGRESQL", "available")
    model, shown = _models(_region(_cluster("orders", gid="g1", proxies=[proxy]), _cluster("billing"),
                                   globals_=[GlobalCluster("g1", "aurora-postgresql", "16.4", "available")]))
    shown.sort(0)
    shown.set_filter("orders-proxy")
    region = shown.index(0, 0)
    [g] = [shown.index(r, 0, region) for r in range(shown.rowCount(region))]
    assert "g1" in g.data()
    orders = shown.index(0, 0, g)
    assert orders.data() == "orders" and "orders-proxy" in _names(shown, orders)[0]


def test_selection_current_row_and_expansion_survive_filter_sort_and_refresh(qtbot):
    model, shown = _models(_region(*(_cluster(f"c{k:02d}", n=2) for k in range(12))))
    view = _view(qtbot, shown)
    region = shown.index(0, 0)
    view.expand(region)
    c05 = shown.index(5, 0, region)
    view.expand(c05)
    target = shown.index(1, 0, c05)
    assert target.data() == "c05-2"
    view.selectionModel().setCurrentIndex(target, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                          | QItemSelectionModel.SelectionFlag.Rows)

    def still() -> None:
        cur = view.currentIndex()
        assert cur.data() == "c05-2"
        assert view.selectionModel().isSelected(cur)
        assert view.isExpanded(cur.parent()) and cur.parent().data() == "c05"
        assert view.isExpanded(cur.parent().parent())

    view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # a new order: a layout change
    assert shown.index(0, 0, shown.index(0, 0)).data() == "c11"
    still()
    shown.set_filter("c05")  # the others leave: rows removed
    assert _names(shown, shown.index(0, 0)) == ["c05"]
    still()
    shown.set_filter("")  # and come back: rows inserted
    assert len(_names(shown, shown.index(0, 0))) == 12
    still()
    # a refresh: c05 changes, a cluster leaves, one arrives, c05-1 leaves
    clusters = [_cluster(f"c{k:02d}", n=2) for k in range(1, 12)] + [_cluster("c99")]
    clusters[4] = Cluster("c05", "aurora-postgresql", "16.4", "modifying", instances=(
        Instance("c05-2", "c05", "WRITER", 1, "db.r6g.large", "us-east-1a", "available"),))
    model.set_region(_region(*clusters))
    still()
    assert view.currentIndex().parent().siblingAtColumn(COL_STATUS).data() == "modifying"
    assert _names(shown, shown.index(0, 0))[0] == "c99" and "c00" not in _names(shown, shown.index(0, 0))


def test_rows_arriving_under_a_parent_a_view_saw_empty_are_announced(qtbot):
    """A view that laid out an empty fleet (hasChildren said no) learns of the region that
    arrives, and of an instance added to a cluster that had none."""
    model, shown = _models()
    view = _view(qtbot, shown)
    view.doItemsLayout()
    inserted = []
    shown.rowsInserted.connect(lambda parent, a, b: inserted.append((parent.data(), a, b)))
    model.set_region(_region(_cluster("a", n=0), _cluster("b")))
    assert inserted == [(None, 0, 0)]
    view.doItemsLayout()
    region = shown.index(0, 0)
    view.expand(region)
    a = shown.index(0, 0, region)
    assert a.data() == "a" and not shown.hasChildren(a)
    model.set_region(_region(_cluster("a", n=1), _cluster("b")))
    assert ("a", 0, 0) in inserted and shown.hasChildren(a)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(
    st.lists(st.tuples(st.sampled_from("abcdef"), st.integers(0, 3), st.sampled_from(["available", "stopped"])),
             max_size=6),
    st.sampled_from(["", "a", "stopped", "b-1", "status:available", "zzz", "tag:env"]),
    st.sampled_from([(0, 0), (0, 1), (COL_STATUS, 0), (COL_STATUS, 1), (COL_TIER, 1)])), min_size=1, max_size=6))
def test_refreshes_filters_and_orders_in_any_sequence_match_a_fresh_model(qapp, steps):
    """Whatever the order of refreshes, filters and sorts (all rows asked for: every parent is
    worked out), the rows equal those of a model made fresh with the last of each; the model
    tester checks every signal on the way. (Unsorted, the rows are in the tree model's order,
    which depends on the order clusters arrived in: not compared here.)"""
    model, shown = _models()
    for spec, text, (col, order) in steps:
        clusters = {cid: _cluster(cid, status, n, tags=[("env", "x")] if n == 2 else ())
                    for cid, n, status in spec}
        inv = _region(*clusters.values())
        model.set_region(inv)
        _tree(shown)  # a view that has seen everything
        shown.set_filter(text)
        shown.sort(col, Qt.SortOrder(order))
        _tree(shown)
        fresh_model, fresh = _models(inv)
        fresh.set_filter(text)
        fresh.sort(col, Qt.SortOrder(order))
        assert _tree(shown) == _tree(fresh)
        assert _ordered(shown, col) == _ordered(fresh, col)


def _ordered(model, col: int, parent=QModelIndex()) -> tuple:  # noqa: B008
    """Each row's sorted column's text in the order shown, with the rows below (rows of equal
    text keep the tree model's order, which depends on the order they arrived in: a set)."""
    runs: list = []
    for r in range(model.rowCount(parent)):
        idx = model.index(r, 0, parent)
        text, row = model.index(r, col, parent).data(), (idx.data(KEY_ROLE), _ordered(model, col, idx))
        if runs and runs[-1][0] == text:
            runs[-1][1].add(row)
        else:
            runs.append((text, {row}))
    return tuple((text, frozenset(rows)) for text, rows in runs)


def test_map_from_source_works_for_rows_no_view_has_asked_for(qapp):
    model, shown = _models(_region(_cluster("a", n=3), _cluster("b")))
    src = model.index_of_key("p/us-east-1|i|a-3")
    idx = shown.mapFromSource(src)
    assert idx.isValid() and idx.data() == "a-3" and shown.mapToSource(idx) == src
    assert idx.parent().data() == "a"
    shown.set_filter("id:b")
    assert not shown.mapFromSource(src).isValid()
    persistent = QPersistentModelIndex(shown.mapFromSource(model.index_of_key("p/us-east-1|c|b")))
    model.remove_region("p/us-east-1")
    assert not persistent.isValid() and shown.rowCount() == 0


def test_under_a_filter_what_is_kept_per_node_follows_the_tree(qapp):
    """Refreshes under a filter keep no verdicts, rows or lists for nodes gone from the tree."""
    model, shown = _models(_region(*(_cluster(f"c{k}", n=2) for k in range(10))))
    shown.set_filter("c")
    _tree(shown)
    for k in range(10):  # each refresh replaces the clusters with new ones
        model.set_region(_region(*(_cluster(f"r{k}-{n}", n=2) for n in range(10))))
        _tree(shown)
    live = {model.node_for_key(key) for key in model._by_key}
    assert set(shown._matched) == {n for n in live if n.kind != "region"}  # a region's verdict: its error
    assert set(shown._row) <= live and set(shown._kids) <= live | {model.node(QModelIndex())}


def test_a_refresh_tells_the_views_of_the_changed_cells_only(qtbot):
    """Clusters a, b and e of a..g change status: the tree model and the filter model send a
    dataChanged per run of adjacent changed rows, over the status column (a view repaints those
    cells, not every row from b to e: on a fleet of 1,000 that was the whole tree on each step);
    the view then shows the new texts."""
    ids = "abcdefg"
    model, shown = _models(_region(*(_cluster(c) for c in ids)))
    view = _view(qtbot, shown)
    view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # the filter model's rows: g..a
    region = shown.index(0, 0)
    view.expand(region)
    told_tree, told_shown = [], []  # the cluster rows' (their instances changed too)

    def told(into, parent):
        return lambda a, b, *_: into.append((a.row(), b.row(), a.column(), b.column())) if a.parent() == parent else None

    model.dataChanged.connect(told(told_tree, model.index(0, 0)))
    shown.dataChanged.connect(told(told_shown, region))
    model.set_region(_region(*(_cluster(c, "modifying" if c in "abe" else "available") for c in ids)))
    assert sorted(told_tree) == [(0, 1, COL_STATUS, COL_STATUS), (4, 4, COL_STATUS, COL_STATUS)]
    assert sorted(told_shown) == [(2, 2, COL_STATUS, COL_STATUS), (5, 6, COL_STATUS, COL_STATUS)]  # e; b, a
    assert [shown.index(r, COL_STATUS, region).data() for r in range(7)] == \
        ["available", "available", "modifying", "available", "available", "modifying", "modifying"]


def test_a_status_change_moves_rows_only_when_they_are_sorted_by_status(qtbot):
    """Sorted by name, clusters whose status changed keep their places: the filter model sends
    their dataChanged and no new order (it re-sorted the whole region on each step of a refresh
    before, ~1 ms of Python for 1,000 clusters); sorted by status, they move."""
    ids = "abcd"
    model, shown = _models(_region(*(_cluster(c) for c in ids)))
    view = _view(qtbot, shown)
    region = shown.index(0, 0)
    view.expand(region)
    layouts, changed = [], []
    shown.layoutChanged.connect(lambda *_: layouts.append(1))
    shown.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), b.row())) if a.parent() == region else None)
    arranged = []
    real = shown._arranged
    shown._arranged = lambda parent: (arranged.append(parent.key), real(parent))[1]
    model.set_region(_region(*(_cluster(c, "stopped" if c in "ac" else "available") for c in ids)))
    assert layouts == [] and sorted(changed) == [(0, 0), (2, 2)]
    assert "p/us-east-1" not in arranged  # the region's clusters were not sorted again
    assert _names(shown, region) == ["a", "b", "c", "d"]
    view.sortByColumn(COL_STATUS, Qt.SortOrder.AscendingOrder)
    assert _names(shown, region) == ["b", "d", "a", "c"]
    layouts.clear()
    model.set_region(_region(*(_cluster(c, "stopped" if c in "bc" else "available") for c in ids)))
    assert layouts and _names(shown, region) == ["a", "d", "b", "c"]
