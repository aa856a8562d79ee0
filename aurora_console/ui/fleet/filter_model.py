"""What the fleet tree shows: the window's FleetTreeModel filtered and sorted.

The filter box takes words; every word must match. ``id:``, ``engine:``, ``status:``, ``role:``
and ``tag:`` (``tag:env`` or ``tag:env=prod``) narrow a word to one field; a bare word matches
any of them. A matching cluster shows all its instances; a matching instance shows its cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

from aurora_console.core.aws.fleet.models import Cluster, RegionInventory
from aurora_console.ui.fleet.tree_model import (
    CELL_SLOTS,
    CLUSTER,
    COL_STATUS,
    COL_TIER,
    COLUMNS,
    GLOBAL,
    INSTANCE,
    PROXY,
    REGION,
    FleetTreeModel,
    Node,
    filter_text,
    row_runs,
)

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
#: roles the tree model answers besides CELL_SLOTS' (a tooltip, the payload, the key...)
_TREE_ROLES = frozenset(r for r in range(int(Qt.ItemDataRole.UserRole), int(Qt.ItemDataRole.UserRole) + 16)) | {
    int(Qt.ItemDataRole.ToolTipRole)}
_ASCENDING = Qt.SortOrder.AscendingOrder
_NCOLS = len(COLUMNS)
_TOP = QModelIndex()

FIELDS = ("id", "engine", "status", "role", "tag")


@dataclass(frozen=True)
class Term:
    field: str  # "" = any
    value: str


def parse_filter(text: str) -> tuple[Term, ...]:
    terms = []
    for word in text.split():
        field, sep, value = word.partition(":")
        if sep and field.lower() in FIELDS:
            if value:
                terms.append(Term(field.lower(), value.lower()))
        else:
            terms.append(Term("", word.lower()))
    return tuple(terms)


def _cluster_of(node: Node) -> Cluster | None:
    n: Node | None = node
    while n is not None:
        if isinstance(n.payload, Cluster):
            return n.payload
        n = n.parent
    return None


def node_matches(node: Node, terms: tuple[Term, ...]) -> bool:
    p = node.payload
    for t in terms:
        if t.field == "tag":
            c = _cluster_of(node)
            if c is None:
                return False
            k, eq, v = t.value.partition("=")
            tags = {a.lower(): b.lower() for a, b in c.tags}
            if k not in tags or (eq and v not in tags[k]):
                return False
        elif t.field == "id":
            if t.value not in (getattr(p, "id", None) or getattr(p, "name", "") or "").lower():
                return False
        elif t.field == "engine":
            engine = getattr(p, "engine", None) or getattr(p, "engine_family", "") or ""
            if t.value not in engine.lower():
                return False
        elif t.field == "status":
            if t.value not in (getattr(p, "status", "") or "").lower():
                return False
        elif t.field == "role":
            if t.value not in (getattr(p, "role", "") or "").lower():
                return False
        elif t.value not in filter_text(node):
            return False
    return True


class FleetFilterModel(QAbstractItemModel):
    """The fleet tree's rows: the tree model's own nodes, each parent's children filtered and in
    the order the header asks for, worked out in Python when a view first asks for them.

    It used to be a QSortFilterProxyModel: every cell and role a paint asked for went through
    its mapToSource, a call into the tree model's Python index() on top of the data() call, and
    its filter and sort asked Python for every row and comparison. Here an index's internal
    pointer is the tree's node itself, so a cell costs one data() call, and filtering and
    sorting are plain Python over texts the tree model works out once per payload.

    Changes reach the views as a sorting proxy would send them: rows that leave are removed,
    rows that arrive are inserted at their place, a new order is a layout change that moves
    persistent indexes (selection, current row, expanded rows) with their nodes, and changed
    rows emit dataChanged. The tree model's changes are taken in once each of its updates is
    complete (its ``settled`` signal): one region refresh is one rearrangement per parent.

    Filtering keeps a row when it matches, when one of its descendants matches, or when one of
    its ancestors matches (as Qt's recursive filtering with auto-accepted child rows did). A
    region's own match is its error: a failing region always shows.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._tree: FleetTreeModel | None = None
        self._root: Node | None = None
        self._cells: dict[str, tuple] = {}  # the tree model's cells: what data() answers from
        self._terms: tuple[Term, ...] = ()
        self._sort_column = -1
        self._sort_order = _ASCENDING
        #: parent node -> the children shown, in order (made when a view first asks)
        self._kids: dict[Node, list[Node]] = {}
        #: node -> its row among its parent's shown children (for every node in ``_kids``' lists)
        self._row: dict[Node, int] = {}
        #: under a filter: every node shown (None: no filter, every node)
        self._vis: set[Node] | None = None
        #: node -> (payload, its cluster's payload, matched): the filter's verdicts, per payload
        self._matched: dict[Node, tuple[object, object, bool]] = {}
        self._matched_before: dict[Node, tuple[object, object, bool]] = {}
        self._region_counts: dict[Node, int] = {}
        # what the tree model changed since it last settled
        self._touched: set[Node] = set()
        self._grown: set[Node] = set()  # parents the tree model inserted rows under
        self._changed: list[tuple[list[Node], int, int]] = []
        self._relayout = False

    # -- the tree model ----------------------------------------------------------------------
    def sourceModel(self) -> FleetTreeModel | None:  # noqa: N802 - as QAbstractProxyModel names it
        return self._tree

    def setSourceModel(self, model: FleetTreeModel) -> None:  # noqa: N802 - as QAbstractProxyModel names it
        self.beginResetModel()
        old = self._tree
        if old is not None:
            for signal, slot in self._followed(old):
                signal.disconnect(slot)
        self._tree = model
        self._root = model.node(_TOP)
        self._cells = model.cells
        self._forget()
        for signal, slot in self._followed(model):
            signal.connect(slot)
        self.endResetModel()

    def _followed(self, model: FleetTreeModel) -> tuple:
        """The tree model's signals this model follows, with the slot each goes to."""
        return ((model.rowsInserted, self._source_rows_inserted), (model.rowsRemoved, self._source_rows),
                (model.dataChanged, self._source_data), (model.layoutChanged, self._source_layout),
                (model.modelAboutToBeReset, self._source_about_to_reset), (model.modelReset, self._source_reset),
                (model.settled, self._settled))

    def _forget(self) -> None:
        self._kids.clear()
        self._row.clear()
        self._region_counts.clear()
        self._touched.clear()
        self._grown.clear()
        self._changed.clear()
        self._relayout = False
        self._vis = self._visible() if self._terms else None

    def _source_rows(self, parent: QModelIndex, _first: int, _last: int) -> None:
        self._touched.add(self._tree.node(parent))

    def _source_rows_inserted(self, parent: QModelIndex, _first: int, _last: int) -> None:
        self._grown.add(self._tree.node(parent))

    def _source_data(self, first: QModelIndex, last: QModelIndex, *_roles) -> None:
        node: Node = first.internalPointer()
        parent = node.parent
        if parent is not None:
            # the parent's rows are arranged again (_settled) only if the sort column's text changed
            self._changed.append((parent.children[first.row():last.row() + 1], first.column(), last.column()))

    def _source_layout(self, *_args) -> None:
        self._relayout = True  # rows kept their places, payloads changed (many at once)

    def _source_about_to_reset(self) -> None:
        self.beginResetModel()

    def _source_reset(self) -> None:
        self._forget()
        self.endResetModel()

    def _settled(self) -> None:
        """The tree model finished an update: show what it changed."""
        touched, grown, changed, relayout = self._touched, self._grown, self._changed, self._relayout
        self._touched, self._grown, self._changed, self._relayout = set(), set(), [], False
        if self._terms:
            before = self._vis or set()
            self._vis = self._visible()
            grown |= {n.parent for n in before ^ self._vis if n.parent is not None}
        if relayout:
            touched |= set(self._kids)
            changed += [(list(kids), 0, _NCOLS - 1) for kids in self._kids.values()]
        # Changed rows move only when the text they are sorted by changed (the tree model's
        # dataChanged spans the columns whose text changed); rows the filter now shows or hides
        # are among ``grown`` above. A refresh that changes the status of every 7th of 1,000
        # clusters sorted by name re-sorted the region on each of its steps (~1 ms of Python).
        col = self._sort_column
        touched |= {nodes[0].parent for nodes, c0, c1 in changed if nodes and c0 <= col <= c1}
        # A shown parent whose rows no view has asked for yet may have told a view it has none
        # (hasChildren): rows that arrive under it are announced as inserted, as Qt's proxy does.
        for parent in grown:
            if parent not in self._kids and (parent is self._root or parent in self._row):
                self._kids[parent] = []
        self._rearrange_all(touched | grown)
        self._emit_changed(changed)

    # -- filter and sort ---------------------------------------------------------------------
    @property
    def filter_text(self) -> str:
        return " ".join(f"{t.field}:{t.value}" if t.field else t.value for t in self._terms)

    def set_filter(self, text: str) -> None:
        terms = parse_filter(text)
        if terms == self._terms:
            return
        self._terms = terms
        self._matched.clear()
        self._vis = self._visible() if terms else None
        self._rearrange_all(set(self._kids))
        self._emit_region_texts()

    def sort(self, column: int, order: Qt.SortOrder = _ASCENDING) -> None:
        """What a header click asks for (QTreeView with sorting enabled calls it): ``column``'s
        text, case-insensitive (an instance's tier: by number), stable; -1: the tree's order."""
        self._sort_column, self._sort_order = column, order
        if not self._kids:
            return
        self.layoutAboutToBeChanged.emit()  # no arguments: see ClusterListModel._show
        persistent = self.persistentIndexList()
        nodes = [(p.internalPointer(), p.column()) for p in persistent]
        for parent in list(self._kids):
            kids = self._kids[parent] = self._arranged(parent)
            self._number(kids, 0)
        self.changePersistentIndexList(persistent, [self.createIndex(self._row[n], c, n) for n, c in nodes])
        self.layoutChanged.emit()

    def _match(self, node: Node) -> bool:
        """Whether a node matches the filter by itself (a region: when it failed)."""
        kind = node.kind
        if kind == REGION:
            return bool(node.payload.error)
        cluster = _cluster_of(node) if kind in (INSTANCE, PROXY) else None
        hit = self._matched_before.get(node)
        if hit is None or hit[0] is not node.payload or hit[1] is not cluster:
            hit = (node.payload, cluster, node_matches(node, self._terms))
        self._matched[node] = hit
        return hit[2]

    def _visible(self) -> set[Node]:
        """Every node the filter shows: it matches, a descendant matches or an ancestor matches."""
        shown: set[Node] = set()
        match = self._match
        # the verdicts kept are those of the nodes in the tree now (a node gone is forgotten)
        self._matched_before, self._matched = self._matched, {}

        def visit(node: Node, ancestor_matched: bool) -> bool:  # -> whether it or a descendant matches
            matched = match(node)
            below = False
            for c in node.children:
                if visit(c, ancestor_matched or matched):
                    below = True
            if matched or below or ancestor_matched:
                shown.add(node)
            return matched or below

        for region in self._root.children:
            visit(region, False)
        self._matched_before = {}
        self._region_counts.clear()
        return shown

    def _sort_key(self):
        col, texts = self._sort_column, self._tree.sort_texts
        if col == COL_TIER:
            def tier(n: Node):
                if n.kind == INSTANCE:
                    return 0, (n.payload.tier if n.payload.tier is not None else 99)
                return 1, 0
            return tier
        return lambda n: texts(n)[col]

    def _arranged(self, parent: Node) -> list[Node]:
        kids = parent.children
        vis = self._vis
        if vis is not None:
            kids = [c for c in kids if c in vis]
        if 0 <= self._sort_column < _NCOLS:
            return sorted(kids, key=self._sort_key(), reverse=self._sort_order != _ASCENDING)
        return list(kids)

    def _build(self, parent: Node) -> list[Node]:
        kids = self._kids[parent] = self._arranged(parent)
        self._number(kids, 0)
        return kids

    def _number(self, kids: list[Node], start: int) -> None:
        row = self._row
        for n in range(start, len(kids)):
            row[kids[n]] = n

    def _drop(self, node: Node) -> None:
        """``node`` left its parent's rows: forget it and what was worked out below it."""
        self._row.pop(node, None)
        kids = self._kids.pop(node, None)
        if kids:
            for c in kids:
                self._drop(c)

    @staticmethod
    def _depth(node: Node) -> int:
        d = 0
        while node.parent is not None:
            node, d = node.parent, d + 1
        return d

    def _rearrange_all(self, parents: set[Node]) -> None:
        """Bring the shown rows of ``parents`` (those a view has asked for) up to date, top down:
        a parent that leaves takes what was shown below it along."""
        for parent in sorted((p for p in parents if p in self._kids), key=self._depth):
            if parent in self._kids:  # not dropped with an ancestor meanwhile
                self._rearrange(parent)

    def _rearrange(self, parent: Node) -> None:
        """Make ``parent``'s shown rows what the filter and the order say now, telling the views
        as a sorting proxy would: removals, then a new order of the rows that stay, then
        insertions (the same steps as ClusterListModel._show)."""
        old = self._kids[parent]
        new = self._arranged(parent)
        if len(old) == len(new) and all(a is b for a, b in zip(old, new, strict=True)):
            return
        pidx = self._index_of(parent)
        wanted = set(new)
        # 1. rows that leave, from the end, in contiguous runs
        row = len(old) - 1
        while row >= 0:
            if old[row] in wanted:
                row -= 1
                continue
            last = row
            while row - 1 >= 0 and old[row - 1] not in wanted:
                row -= 1
            self.beginRemoveRows(pidx, row, last)
            gone = old[row:last + 1]
            del old[row:last + 1]
            for n in gone:
                self._drop(n)
            self._number(old, row)
            self.endRemoveRows()
            row -= 1
        # 2. the rows that stay, in their new order
        staying = set(old)
        stay = [n for n in new if n in staying]
        if any(a is not b for a, b in zip(stay, old, strict=True)):
            self.layoutAboutToBeChanged.emit()
            persistent = [p for p in self.persistentIndexList() if p.internalPointer() in staying
                          and p.internalPointer().parent is parent]
            old[:] = stay
            self._number(old, 0)
            self.changePersistentIndexList(
                persistent, [self.createIndex(self._row[p.internalPointer()], p.column(), p.internalPointer())
                             for p in persistent])
            self.layoutChanged.emit()
        # 3. rows that arrive, at their place, in contiguous runs
        pos = 0
        while pos < len(new):
            if new[pos] in staying:
                pos += 1
                continue
            end = pos
            while end + 1 < len(new) and new[end + 1] not in staying:
                end += 1
            self.beginInsertRows(pidx, pos, end)
            old[pos:pos] = new[pos:end + 1]
            self._number(old, pos)
            self.endInsertRows()
            pos = end + 1

    def _emit_changed(self, changed: list[tuple[list[Node], int, int]]) -> None:
        """dataChanged for the shown rows among ``changed`` (nodes, first and last column), one
        per run of adjacent rows under a parent (a view repaints those cells only); a region's
        row spans the tree: its first column says its status."""
        cells: dict[Node, list[tuple[int, int, int]]] = {}
        for nodes, c0, c1 in changed:
            for n in nodes:
                row = self._row.get(n)
                if row is None:
                    continue
                cells.setdefault(n.parent, []).append((row, 0 if n.kind == REGION else c0, c1))
        for parent, entries in cells.items():
            kids = self._kids[parent]
            for r0, r1, c0, c1 in row_runs(entries):
                self.dataChanged.emit(self.createIndex(r0, c0, kids[r0]), self.createIndex(r1, c1, kids[r1]))
        if self._terms and changed:
            self._emit_region_texts()

    def _emit_region_texts(self) -> None:
        """A region's header says how many of its clusters the filter shows."""
        regions = self._kids.get(self._root) or []
        if regions:
            self.dataChanged.emit(self.createIndex(0, 0, regions[0]), self.createIndex(len(regions) - 1, 0, regions[-1]))

    # -- reading -----------------------------------------------------------------------------
    def node(self, index: QModelIndex | QPersistentModelIndex) -> Node:
        return index.internalPointer() if index.isValid() else self._root

    def _index_of(self, node: Node) -> QModelIndex:
        if node is self._root:
            return QModelIndex()
        return self.createIndex(self._row[node], 0, node)

    def mapToSource(self, index: QModelIndex | QPersistentModelIndex) -> QModelIndex:  # noqa: N802
        """The tree model's index of a row."""
        if not index.isValid():
            return QModelIndex()
        return self._tree.index_of_node(index.internalPointer(), index.column())

    def mapFromSource(self, index: QModelIndex | QPersistentModelIndex) -> QModelIndex:  # noqa: N802
        """The row of a tree model index (invalid if the filter hides it)."""
        if not index.isValid():
            return QModelIndex()
        node: Node = index.internalPointer()
        path = []
        n: Node | None = node
        while n is not None and n is not self._root:
            path.append(n)
            n = n.parent
        if n is None:
            return QModelIndex()  # not in the tree (any more)
        for child in reversed(path):
            parent = child.parent
            if parent not in self._kids:
                self._build(parent)
            row = self._row.get(child)
            if row is None:
                return QModelIndex()
        return self.createIndex(self._row[node], index.column(), node)

    def shown_counts(self, parent: QModelIndex | QPersistentModelIndex = _TOP) -> tuple[int, int]:  # noqa: B008
        """(clusters, instances) the filter shows under ``parent`` (an index of this model; the
        root: all)."""
        vis = self._vis
        clusters = instances = 0

        def walk(node: Node) -> None:
            nonlocal clusters, instances
            for c in node.children:
                if vis is not None and c not in vis:
                    continue
                if c.kind == CLUSTER:
                    clusters += 1
                    instances += sum(1 for i in c.children if i.kind == INSTANCE and (vis is None or i in vis))
                elif c.kind in (REGION, GLOBAL):
                    walk(c)

        node = self.node(parent)
        if node.kind == CLUSTER:
            instances = sum(1 for i in node.children if i.kind == INSTANCE and (vis is None or i in vis))
        else:
            walk(node)
        return clusters, instances

    def region_status(self, index: QModelIndex | QPersistentModelIndex, inv: RegionInventory) -> str:
        """"3 clusters" (the status column's text), or under a filter "1 of 3 clusters"."""
        node = self.node(index)
        if not self._terms or inv.error:
            return self._tree.row_texts(node)[COL_STATUS]
        shown = self._region_counts.get(node)
        if shown is None:
            shown = self._region_counts[node] = self.shown_counts(index.siblingAtColumn(0))[0]
        return f"{shown} of {len(inv.clusters)} clusters"

    # -- Qt model API ------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = _TOP) -> QModelIndex:
        node = parent.internalPointer() if parent.isValid() else self._root
        kids = self._kids.get(node)
        if kids is None:
            if node is None:
                return QModelIndex()  # no tree model yet
            kids = self._build(node)
        if 0 <= row < len(kids) and 0 <= column < _NCOLS:
            return self.createIndex(row, column, kids[row])
        return QModelIndex()

    def sibling(self, row: int, column: int, index: QModelIndex | QPersistentModelIndex) -> QModelIndex:
        """One call instead of Qt's default parent() and index() (a paint asks for every cell)."""
        if row == index.row() and 0 <= column < _NCOLS and index.isValid():
            return self.createIndex(row, column, index.internalPointer())
        return self.index(row, column, self.parent(index))

    def parent(self, index: QModelIndex | QPersistentModelIndex = _TOP) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        p = index.internalPointer().parent
        if p is None or p is self._root:
            return QModelIndex()
        return self.createIndex(self._row[p], 0, p)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _TOP) -> int:  # noqa: N802
        if parent.isValid():
            if parent.column() != 0:
                return 0
            node = parent.internalPointer()
        else:
            node = self._root
            if node is None:
                return 0
        kids = self._kids.get(node)
        return len(kids if kids is not None else self._build(node))

    def hasChildren(self, parent: QModelIndex | QPersistentModelIndex = _TOP) -> bool:  # noqa: N802, B008
        """Without working out the rows: a view asks for every row it lays out."""
        if parent.isValid():
            if parent.column() != 0:
                return False
            node = parent.internalPointer()
        else:
            node = self._root
            if node is None:
                return False
        vis = self._vis
        if vis is None:
            return bool(node.children)
        return any(c in vis for c in node.children)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _TOP) -> int:  # noqa: N802
        return _NCOLS

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        return self._tree.headerData(section, orientation, role) if self._tree is not None else None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY):
        # asked for every cell and role a paint needs (7 roles a cell): text, icon, colour and
        # font come straight from the tree model's cells; the rest from the tree model's data()
        # with the index as is (its internal pointer is the tree's node)
        slot = CELL_SLOTS.get(role)
        if slot is not None:
            node = index.internalPointer()
            if node is not None and node.kind != REGION:
                hit = self._cells.get(node.key)
                if hit is not None and hit[0] is node.payload:
                    return hit[slot][index.column()]
            elif node is not None and slot == 1 and self._terms and index.column() == 0 and not node.payload.error:
                # a region's header row counts what the filter shows of it
                return f"{self._tree.row_texts(node)[0]}  ·  {self.region_status(index, node.payload)}"
        elif role not in _TREE_ROLES:
            return None  # most roles a paint asks for (alignment, check state, background)
        return self._tree.data(index, role)


__all__ = ["FIELDS", "FleetFilterModel", "Term", "node_matches", "parse_filter"]
