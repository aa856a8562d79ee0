"""Fitting the fleet tree's columns reads the rows shown and a few more, not the whole fleet
(reading 1,000 clusters' texts, each a call into Python per role, stalled the window on its first
fill)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QSplitter, QTreeView, QWidget

from aurora_console.core.aws.fleet.models import Cluster, Instance, RegionInventory
from aurora_console.ui.fleet.filter_model import FleetFilterModel
from aurora_console.ui.fleet.tree_model import KEY_ROLE, FleetTreeModel
from aurora_console.ui.fleet.tree_widths import COLUMN_BOUNDS, FIT_ROWS, TreeWidths

pytestmark = pytest.mark.gui


class CountingModel(FleetFilterModel):
    """The fleet's filter model, noting the rows whose data a view asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[int] = set()
        self.counting = False

    def data(self, index, role=0):
        if self.counting and index.isValid():
            self.asked.add(id(index.internalPointer()))
        return super().data(index, role)


def _fleet(n: int) -> RegionInventory:
    clusters = tuple(Cluster(f"cluster-{k:04d}" + ("-with-a-long-name" if k == n - 1 else ""), "aurora-postgresql",
                             "15.4", "available",
                             instances=(Instance(f"cluster-{k:04d}-1", f"cluster-{k:04d}", "writer", 1, "db.r6g.large",
                                                 "us-east-1a", "available"),))
                     for k in range(n))
    return RegionInventory("p", "us-east-1", clusters=clusters)


def test_fitting_columns_reads_the_shown_rows_not_the_whole_fleet(qtbot):
    source = FleetTreeModel()
    source.set_region(_fleet(1000))
    model = proxy = CountingModel()
    proxy.setSourceModel(source)
    host = QWidget()
    qtbot.addWidget(host)
    split = QSplitter(host)
    tree = QTreeView()
    tree.setModel(proxy)
    tree.setUniformRowHeights(True)
    split.addWidget(tree)
    split.addWidget(QWidget())
    host.resize(1000, 400)
    widths = TreeWidths(tree, proxy, split)
    host.show()
    qtbot.waitExposed(host)
    tree.expand(proxy.index(0, 0))
    qtbot.wait(10)
    model.counting = True
    widths.fit_columns()
    qtbot.waitUntil(lambda: not widths.fitting, timeout=5000)
    model.counting = False
    assert 0 < len(model.asked) <= FIT_ROWS + 60  # the rows shown (about 20 here) and the nearest
    for col, (lo, hi) in COLUMN_BOUNDS.items():  # the fit still sizes every column within bounds
        assert lo <= tree.header().sectionSize(col) <= hi
    # the first rows' texts are read: the name column fits what is on screen
    first = proxy.index(0, 0, proxy.index(0, 0))
    assert id(first.internalPointer()) in model.asked
    assert first.data(KEY_ROLE).endswith("cluster-0000")


def _shown_tree(qtbot, n: int, proxy, clock=None, *, uniform_rows: bool = False):
    """A fleet of ``n`` clusters in a tree on ``proxy``, in a splitter of a shown window, with
    its TreeWidths; the window and the tree model are kept alive with the tree."""
    model = FleetTreeModel()
    model.set_region(_fleet(n))
    proxy.setSourceModel(model)
    host = QWidget()
    qtbot.addWidget(host)
    split = QSplitter(host)
    tree = QTreeView()
    tree.setUniformRowHeights(uniform_rows)
    tree.setModel(proxy)
    split.addWidget(tree)
    split.addWidget(QWidget())
    host.resize(1000, 400)
    widths = TreeWidths(tree, proxy, split, **({"clock": clock} if clock else {}))
    host.show()
    qtbot.waitExposed(host)
    tree.kept_ = (host, model, proxy)  # alive as long as the test holds the tree
    return tree, widths


def _tree(qtbot, n: int, clock=None):
    tree, widths = _shown_tree(qtbot, n, FleetFilterModel(), clock)
    proxy = tree.model()
    tree.expand(proxy.index(0, 0))
    qtbot.wait(10)
    return tree, widths


def test_columns_are_fitted_a_turn_at_a_time_when_over_the_budget_with_the_same_widths(qtbot):
    """A fake clock that runs 1 s per reading: every column is over the budget, so each turn of
    the event loop measures one; no column is resized (and the tree repainted) until all are
    measured, and the widths end as a fit in one turn makes them, as QTreeView's
    resizeColumnToContents sizes them."""
    ticks = iter(range(10_000))
    slow_tree, slow = _tree(qtbot, 300, clock=lambda: float(next(ticks)))
    fast_tree, fast = _tree(qtbot, 300, clock=lambda: 0.0)  # never over the budget
    qt_tree, _ = _tree(qtbot, 300)
    before = [slow_tree.header().sectionSize(c) for c in range(7)]
    measured = []
    real = slow_tree.sizeHintForColumn
    slow_tree.sizeHintForColumn = lambda col: (measured.append(col), real(col))[1]
    fast.fit_columns()
    assert not fast.fitting  # all in one go
    slow.fit_columns()
    assert slow.fitting and measured == [0]  # the first column so far
    assert [slow_tree.header().sectionSize(c) for c in range(7)] == before  # nothing resized yet
    qtbot.waitUntil(lambda: not slow.fitting, timeout=5000)
    assert measured == list(range(7))
    assert [slow_tree.header().sectionSize(c) for c in range(7)] == \
        [fast_tree.header().sectionSize(c) for c in range(7)]
    for col, (lo, hi) in COLUMN_BOUNDS.items():
        qt_tree.resizeColumnToContents(col)
        assert fast_tree.header().sectionSize(col) == max(lo, min(hi, qt_tree.header().sectionSize(col)))


def test_a_new_fit_replaces_one_under_way(qtbot):
    ticks = iter(range(10_000))
    tree, widths = _tree(qtbot, 50, clock=lambda: float(next(ticks)))
    steps = []
    real = tree.sizeHintForColumn
    tree.sizeHintForColumn = lambda col: (steps.append(col), real(col))[1]
    widths.fit_columns()
    widths.fit_columns()  # e.g. a second load shown before the first fit ended
    qtbot.waitUntil(lambda: not widths.fitting, timeout=5000)
    qtbot.wait(50)
    assert steps == [0, 0, 1, 2, 3, 4, 5, 6]  # the first fit stopped after its first column


class IndexCountingModel(FleetFilterModel):
    """The fleet's filter model, counting the index() calls a view makes."""

    def __init__(self) -> None:
        super().__init__()
        self.indexes = 0

    def index(self, row, column, parent=None):
        self.indexes += 1
        return super().index(row, column, parent) if parent is not None else super().index(row, column)


@pytest.mark.parametrize("how", ["regions", "all"])
def test_expanding_a_big_region_asks_each_row_once_and_its_header_stays_spanned(qtbot, how):
    """The first fill expands a region of 1,000 clusters (a filter expands every row): Qt lays
    out each row, and with the region's header row spanned it asked the model for each row's
    index a second time. The header spans the tree again once expanded."""
    from PySide6.QtCore import QModelIndex

    proxy = IndexCountingModel()
    tree, widths = _shown_tree(qtbot, 300, proxy, uniform_rows=True)
    widths.span_regions()
    proxy.rowCount(proxy.index(0, 0))  # the region's rows worked out
    proxy.indexes = 0
    if how == "regions":
        widths.expand_regions()
        laid_out = 300
    else:
        with widths.regions_unspanned():
            tree.expandAll()
        laid_out = 600  # the clusters and their instances
    assert proxy.indexes < laid_out * 1.2  # once each (was twice)
    assert tree.isFirstColumnSpanned(0, QModelIndex()) and tree.isExpanded(proxy.index(0, 0))
    assert tree.visualRect(proxy.index(0, 0)).width() > tree.header().sectionSize(0)  # drawn across the tree
