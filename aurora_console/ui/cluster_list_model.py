"""The navigator's cluster list: a flat Qt table model (cluster, engine, status, region) over the
window's one cluster model (the fleet view shows the same one), sorting and filtering itself
(no QSortFilterProxyModel: its sort asked Python for every compared text).

The cluster model and its modules (the inventory's dataclasses, the fleet tree) load with the
first cluster load, after the window's first paint: until then the list shows no rows and
imports none of them (``ClusterListModel.set_source``).
"""

from __future__ import annotations

import heapq
from operator import itemgetter
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush

from aurora_console.ui.icons import object_icon, status_icon

if TYPE_CHECKING:  # loaded with the cluster model (the first load), not at start-up
    from aurora_console.core.aws.fleet.clusters import ClusterSummary
    from aurora_console.ui.fleet.tree_model import FleetTreeModel, Node

_ROOT = QModelIndex()
_DISPLAY, _FOREGROUND, _TOOLTIP, _USER, _DECORATION = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole,
    Qt.ItemDataRole.DecorationRole))
_ROLES = frozenset((_DISPLAY, _FOREGROUND, _TOOLTIP, _USER, _DECORATION))
_ASCENDING = Qt.SortOrder.AscendingOrder
#: while a region fills over many event-loop turns, the list follows at most this often
SYNC_DELAY_MS = 150

_FIRST = itemgetter(0)

#: One shown row: the cluster's tree node, the cluster its texts were worked out from, and its
#: texts (COLUMNS) with their case-folded forms for the filter.
Row = tuple  # (Node, payload, texts: tuple[str, ...], folded: tuple[str, ...])


class ClusterListModel(QAbstractTableModel):
    """The navigator's flat list (cluster, engine, status, region): the Aurora clusters of the
    window's one FleetTreeModel, filtered by the filter box and in the order the header asks for.

    It sorts and filters itself, in Python over texts worked out once per cluster, instead of
    sitting under a QSortFilterProxyModel: that proxy's sort asks the model for two indexes and
    two texts per comparison, ~27,000 calls into Python for the first 1,000 clusters in one
    event-loop turn. Changes reach the view as Qt's proxy would send them: rows that leave are
    removed, rows that arrive are inserted at their place, a new order is a layout change that
    moves the selection and current row with their clusters, and changed rows emit dataChanged.
    """

    COLUMNS = ("Cluster", "Engine", "Status", "Region")

    def __init__(self, source: FleetTreeModel | None = None, parent=None) -> None:
        """``source``: the window's one cluster model; without, no rows until :meth:`set_source`."""
        super().__init__(parent)
        self._all: list[Node] = []  # every listed cluster, by region then id
        self._rows: list[Row] = []  # what the view shows, filtered and in the chosen order
        self._cache: dict[str, Row] = {}  # node key -> its row as last worked out
        self._row_of: dict[str, int] | None = None  # node key -> shown row, made when asked
        self._sort_column = 0
        self._sort_order = _ASCENDING
        self._filter = ""  # case-folded
        self._following = True
        self._data_changed = False  # a listed cluster's texts changed in the tree's update under way
        self._synced: tuple | None = None  # (tree, its revision) the rows were last worked out from
        self._timer = QTimer(self, singleShot=True, interval=SYNC_DELAY_MS)
        self._timer.timeout.connect(self.sync)
        self._source: FleetTreeModel | None = None
        #: navigator column -> the tree model's column (the region has none: the cluster's name column)
        self._source_column: tuple[int, ...] = ()
        if source is not None:
            self.set_source(source)

    def sourceModel(self) -> FleetTreeModel | None:  # noqa: N802 - as QAbstractProxyModel names it
        return self._source

    def set_source(self, source: FleetTreeModel) -> None:
        """Follow ``source`` (the window's one cluster model, made with the first load)."""
        from aurora_console.ui.fleet import tree_model

        if source is self._source:
            return
        if self._source is not None:
            old = self._source
            for sig in (old.rowsRemoved, old.layoutChanged, old.modelReset):
                sig.disconnect(self._schedule)
            old.rowsInserted.disconnect(self._source_rows_inserted)
            old.dataChanged.disconnect(self._source_data_changed)
            old.settled.disconnect(self._source_settled)
        self._source = source
        self._cache.clear()
        self._source_column = (tree_model.COL_NAME, tree_model.COL_ENGINE, tree_model.COL_STATUS, tree_model.COL_NAME)
        self._status_colour = tree_model.status_colour
        for sig in (source.rowsRemoved, source.layoutChanged, source.modelReset):
            sig.connect(self._schedule)
        source.rowsInserted.connect(self._source_rows_inserted)
        source.dataChanged.connect(self._source_data_changed)
        source.settled.connect(self._source_settled)
        self.sync()

    # -- which nodes are rows ----------------------------------------------------------------
    def _schedule(self, *_args) -> None:
        if self._following and not self._timer.isActive():
            self._timer.start()

    def follow(self, following: bool) -> None:
        """Off while a load fills the tree over many turns (the loader then calls :meth:`sync`
        once per complete region): a big list is re-sorted once a region, not once a turn."""
        self._following = following
        if following:
            self.sync()

    def sync(self) -> None:
        """Follow the tree now (the loader calls it as each region is complete)."""
        self._timer.stop()
        tree = self._source
        if tree is None:
            return  # no cluster model yet: no rows
        if self._synced == (tree, tree.revision):
            return  # the tree has not changed since (a load's end syncs again after its last region)
        self._synced = (tree, tree.revision)
        from aurora_console.core.aws.fleet.clusters import listed
        from aurora_console.ui.fleet.tree_model import CLUSTER, GLOBAL

        # by region then id; the sort keys are made in the loop (a key function is a Python call
        # per cluster: this runs once a region on the turn that announces it)
        keyed: list[tuple[tuple[str, str], Node]] = []
        add = keyed.append
        for region in tree.node(QModelIndex()).children:
            name = region.region_key.split("/", 1)[-1]
            for child in region.children:
                if child.kind == CLUSTER:
                    if listed(child.payload):
                        add(((name, child.payload.id), child))
                elif child.kind == GLOBAL:
                    for n in child.children:
                        if n.kind == CLUSTER and listed(n.payload):
                            add(((name, n.payload.id), n))
        keyed.sort(key=_FIRST)
        nodes = self._all = [n for _, n in keyed]
        keys = {n.key for n in nodes}
        if len(self._cache) > 2 * len(keys) + 64:  # clusters gone for good: forget their texts
            self._cache = {k: r for k, r in self._cache.items() if k in keys}
        self._show(self._arranged())

    def _source_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        self._schedule()
        if not self._following:
            self._warm(self._source.node(parent).children[first:last + 1])

    def _warm(self, nodes: list[Node]) -> None:
        """While a load fills the tree (the list syncs once a region is complete): the rows of
        the clusters a step added or changed are worked out on that step's turn, a few dozen at
        a time, not all on the turn that announces the region (1,000 rows, ~3 ms)."""
        from aurora_console.ui.fleet.tree_model import CLUSTER, GLOBAL

        for n in nodes:
            if n.kind == CLUSTER:
                self._row(n)
            elif n.kind == GLOBAL:
                self._warm(n.children)

    def _source_data_changed(self, first: QModelIndex, last: QModelIndex, *_roles) -> None:
        """Noted; taken in once the tree model's update is complete (``settled``): the tree
        sends a dataChanged per run of changed rows."""
        parent = first.internalPointer().parent if first.isValid() else None
        if not self._following and parent is not None and self._source is not None:
            self._warm(parent.children[first.row():last.row() + 1])
        if not self._all or not self._following or self._data_changed:
            # not following: a load fills the tree over many turns, and the changed clusters
            # show with the rest of their region (the loader's sync), not a re-sort each turn
            return
        if parent is None:
            return
        if any(n.key in self._cache for n in parent.children[first.row():last.row() + 1]):
            self._data_changed = True

    def _source_settled(self) -> None:
        if self._data_changed:
            self._data_changed = False
            if self._following:
                self._show(self._arranged())

    def _row(self, node: Node) -> Row:
        """A node's row, its texts worked out again only when its cluster changed."""
        hit = self._cache.get(node.key)
        if hit is None or hit[0] is not node or hit[1] is not node.payload:
            texts = self._source.row_texts(node)
            col = self._source_column
            shown = (texts[col[0]], texts[col[1]], texts[col[2]], node.region_key.split("/", 1)[-1])
            hit = self._cache[node.key] = (node, node.payload, shown, tuple(t.casefold() for t in shown))
        return hit

    def _arranged(self) -> list[Row]:
        """The rows to show: every listed cluster the filter lets through, in the chosen order
        (a stable sort: clusters of equal text keep their region-then-id order, as Qt's did)."""
        cache, row = self._cache, self._row
        # the cache looked up here rather than through _row: a call per cluster saved
        rows = [hit if (hit := cache.get(n.key)) is not None and hit[0] is n and hit[1] is n.payload else row(n)
                for n in self._all]
        if self._filter:
            f = self._filter
            rows = [r for r in rows if any(f in t for t in r[3])]
        col = self._sort_column
        if 0 <= col < len(self.COLUMNS):
            # sorted by a list of the keys (a C lookup per comparison key, not a Python call)
            keys = [r[2][col] for r in rows]
            order = sorted(range(len(rows)), key=keys.__getitem__, reverse=self._sort_order != _ASCENDING)
            rows = [rows[i] for i in order]
        return rows

    def _show(self, new: list[Row]) -> None:
        """Make the shown rows ``new``, telling the views as a sorting proxy would: removals,
        then a new order of the rows that stay (persistent indexes follow their clusters), then
        insertions, then dataChanged for rows whose cluster changed."""
        old = self._rows
        if [r[0].key for r in old] == [r[0].key for r in new]:
            changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a[1] is not b[1] or a[0] is not b[0]]
            self._rows = new
            if changed:
                self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), len(self.COLUMNS) - 1))
            return
        self._row_of = None
        wanted = {r[0].key for r in new}
        # 1. rows that leave, from the end, in contiguous runs
        row = len(old) - 1
        while row >= 0:
            if old[row][0].key in wanted:
                row -= 1
                continue
            last = row
            while row - 1 >= 0 and old[row - 1][0].key not in wanted:
                row -= 1
            self.beginRemoveRows(_ROOT, row, last)
            del self._rows[row:last + 1]
            self.endRemoveRows()
            row -= 1
        # 2. the rows that stay, in their new order
        stay_before = {r[0].key: r for r in self._rows}
        stay = [r for r in new if r[0].key in stay_before]
        if [r[0].key for r in stay] != [r[0].key for r in self._rows]:
            # emitted without arguments: emitting it from Python with ([], VerticalSortHint)
            # crashed Qt (a segfault in the header-click test, PySide6 6.x)
            self.layoutAboutToBeChanged.emit()
            at = {r[0].key: n for n, r in enumerate(stay)}
            before = self._rows
            persistent = self.persistentIndexList()
            self._rows = stay
            self.changePersistentIndexList(
                persistent, [self.index(at[before[p.row()][0].key], p.column()) for p in persistent])
            self.layoutChanged.emit()
        changed_keys = [k for r in stay if (was := stay_before[k := r[0].key])[1] is not r[1] or was[0] is not r[0]]
        self._rows = stay
        # 3. rows that arrive, at their place, in contiguous runs
        pos = 0
        while pos < len(new):
            if new[pos][0].key in stay_before:
                pos += 1
                continue
            end = pos
            while end + 1 < len(new) and new[end + 1][0].key not in stay_before:
                end += 1
            self.beginInsertRows(_ROOT, pos, end)
            self._rows[pos:pos] = new[pos:end + 1]
            self.endInsertRows()
            pos = end + 1
        self._rows = new  # the same rows, in the same order
        if changed_keys:
            where = self._row_of_key()
            rows = [where[k] for k in changed_keys]
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(self.COLUMNS) - 1))

    def _row_of_key(self) -> dict[str, int]:
        if self._row_of is None:
            self._row_of = {r[0].key: n for n, r in enumerate(self._rows)}
        return self._row_of

    # -- sorting and filtering ---------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = _ASCENDING) -> None:
        """What a header click asks for (QTreeView with sorting enabled calls it): ``column``'s
        text, case-sensitive, stable; -1 shows the clusters by region then id."""
        self._sort_column, self._sort_order = column, order
        self._show(self._arranged())

    def set_filter_text(self, text: str) -> None:
        """Show only clusters with ``text`` (any case) in one of their columns."""
        folded = text.casefold()
        if folded != self._filter:
            self._filter = folded
            self._show(self._arranged())

    @property
    def filter_text(self) -> str:
        return self._filter

    def widest_rows(self, column: int, count: int = 8) -> list[int]:
        """The shown rows with the longest texts in ``column`` (by characters), longest first."""
        lengths = [len(r[2][column]) for r in self._rows]
        return heapq.nlargest(count, range(len(lengths)), key=lengths.__getitem__)

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return len(self.COLUMNS)

    def mapToSource(self, index: QModelIndex | QPersistentModelIndex) -> QModelIndex:  # noqa: N802
        """The tree model's index of a row (its cluster node)."""
        if not index.isValid() or index.row() >= len(self._rows):
            return QModelIndex()
        return self._source.index_of_key(self._rows[index.row()][0].key, self._source_column[index.column()])

    def mapFromSource(self, index: QModelIndex | QPersistentModelIndex) -> QModelIndex:  # noqa: N802
        """The row of a tree model index (invalid unless it is a listed cluster the filter shows)."""
        if not index.isValid():
            return QModelIndex()
        row = self._row_of_key().get(index.internalPointer().key)
        if row is None:
            return QModelIndex()
        col = self._source_column.index(index.column()) if index.column() in self._source_column else 0
        return self.index(row, col)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        # asked for every cell and role a paint or a size hint needs: kept lean
        if role not in _ROLES or not index.isValid():
            return None
        row = index.row()
        if row >= len(self._rows):
            return None
        entry = self._rows[row]
        col = index.column()
        if role == _DISPLAY:
            return entry[2][col]
        node = entry[0]
        c = node.payload
        if role == _DECORATION:  # the cluster's kind; the status's badge (shape and colour, not colour alone)
            if col == 0:
                return object_icon("cluster")
            return status_icon(c.status) if col == 2 else None
        if role == _FOREGROUND:
            return QBrush(self._status_colour(c.status)) if col == 2 else None
        if role == _TOOLTIP:
            writer = c.writer
            return (f"{c.id} ({c.engine} {c.engine_version}): {len(c.instances)} instance(s), "
                    f"writer {writer.id if writer else '-'}")
        return self._summary(node)  # UserRole

    def _summary(self, node: Node) -> ClusterSummary | None:
        from aurora_console.core.aws.fleet.clusters import ClusterSummary

        inv = self._source.regions.get(node.region_key)
        return ClusterSummary(inv.ref(node.payload), node.payload) if inv is not None else None

    # -- reading -----------------------------------------------------------------------------
    @property
    def errors(self) -> dict[str, str]:
        """Why a region could not be read, by region."""
        out: dict[str, str] = {}
        if self._source is None:
            return out
        from aurora_console.core.aws.fleet.clusters import region_clusters

        for inv in self._source.regions.values():
            if inv.error:
                err = region_clusters(inv, inv.target).error
                out[inv.region] = err.user_text() if err is not None else inv.error
        return out

    def cluster_count(self) -> int:
        """How many clusters :meth:`summaries` lists (whatever the filter shows), without making them."""
        regions = self._source.regions if self._source is not None else {}
        return sum(1 for n in self._all if n.region_key in regions)

    def summaries(self) -> list[ClusterSummary]:
        """Every listed cluster (whatever the filter shows), by region then id."""
        return [s for s in (self._summary(n) for n in self._all) if s is not None]
