"""Filter and sort for the fleet tree.

The filter box takes words; every word must match. ``id:``, ``engine:``, ``status:``, ``role:``
and ``tag:`` (``tag:env`` or ``tag:env=prod``) narrow a word to one field; a bare word matches
any of them. A matching cluster shows all its instances; a matching instance shows its cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from aurora_console.core.aws.fleet.models import Cluster, GlobalCluster, Instance, Proxy, RegionInventory
from aurora_console.ui.fleet.tree_model import (
    COL_STATUS,
    PAYLOAD_ROLE,
    SORT_ROLE,
    FleetTreeModel,
    Node,
    filter_text,
)

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)

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


class FleetFilterModel(QSortFilterProxyModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._terms: tuple[Term, ...] = ()
        self._region_counts: dict[int, tuple[RegionInventory, int]] = {}  # source row -> (inventory, shown)
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    @property
    def filter_text(self) -> str:
        return " ".join(f"{t.field}:{t.value}" if t.field else t.value for t in self._terms)

    def set_filter(self, text: str) -> None:
        terms = parse_filter(text)
        if terms == self._terms:
            return
        self.beginFilterChange()
        self._terms = terms
        self._region_counts.clear()
        self.endFilterChange()

    def shown_counts(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> tuple[int, int]:  # noqa: B008
        """(clusters, instances) the filter shows under ``parent`` (a proxy index; the root: all)."""
        clusters = instances = 0
        for row in range(self.rowCount(parent)):
            idx = self.index(row, 0, parent)
            p = idx.data(PAYLOAD_ROLE)
            if isinstance(p, Cluster):
                clusters += 1
                instances += sum(1 for r in range(self.rowCount(idx))
                                 if isinstance(self.index(r, 0, idx).data(PAYLOAD_ROLE), Instance))
            elif isinstance(p, (RegionInventory, GlobalCluster)):
                c, i = self.shown_counts(idx)
                clusters, instances = clusters + c, instances + i
        return clusters, instances

    def setSourceModel(self, model) -> None:  # noqa: N802 - Qt's name
        """A region's header row (see FleetView) says what the filter shows of it: the model asks
        :meth:`region_status` for its text. (No data() override here: a Python override is one
        more call into Python for every cell and role a paint of the tree asks for.)"""
        old = self.sourceModel()
        if isinstance(old, FleetTreeModel) and old.region_status == self._region_status_of:
            old.region_status = None
        super().setSourceModel(model)
        if isinstance(model, FleetTreeModel):
            model.region_status = self._region_status_of

    def _region_status_of(self, node: Node) -> str:
        model = self.sourceModel()
        if self._terms and not node.payload.error:
            index = self.mapFromSource(model.index(node.row, 0))
            if index.isValid():
                return self.region_status(index, node.payload)
        return model.row_texts(node)[COL_STATUS]

    def region_status(self, index: QModelIndex | QPersistentModelIndex, inv: RegionInventory) -> str:
        """"3 clusters" (the status column's text), or under a filter "1 of 3 clusters"."""
        if not self._terms or inv.error:
            return super().data(index.siblingAtColumn(COL_STATUS), _DISPLAY) or ""
        src_row = self.mapToSource(index).row()
        hit = self._region_counts.get(src_row)
        if hit is None or hit[0] is not inv:
            hit = self._region_counts[src_row] = (inv, self.shown_counts(index.siblingAtColumn(0))[0])
        return f"{hit[1]} of {len(inv.clusters)} clusters"

    def hasChildren(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: N802, B008
        """Unfiltered, a row has children when its source row has: asked for every row the view
        lays out, the base class would build (filter and sort) a mapping for each of them, which
        is what made expanding a 1,000-cluster region stall the window."""
        if self._terms or not parent.isValid():
            return super().hasChildren(parent)
        return self.sourceModel().hasChildren(self.mapToSource(parent))

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        if not self._terms:
            return True
        model = self.sourceModel()
        assert isinstance(model, FleetTreeModel)
        idx = model.index(source_row, 0, source_parent)
        if not idx.isValid():
            return False
        node: Node = idx.internalPointer()
        p = node.payload
        if isinstance(p, RegionInventory):
            return bool(p.error)  # a failing region always shows its error
        if isinstance(p, (GlobalCluster, Cluster, Instance, Proxy)):
            return node_matches(node, self._terms)
        return False
