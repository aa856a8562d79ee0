"""FleetTreeModel: region -> global cluster -> cluster -> instances / proxies.

The one Qt model over the window's :class:`ClusterInventory`: the fleet tree shows it through
FleetFilterModel (ui/fleet/filter_model.py), the navigator's cluster list through ClusterListModel
(ui/cluster_list_model.py); both filter and sort its nodes themselves.

A refresh never resets the model: each region's new inventory is diffed against the nodes shown,
by key, and only the rows that appear, vanish or change emit beginInsertRows / beginRemoveRows /
dataChanged, so selection, expansion and scroll position survive.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QIcon

from aurora_console.core.aws.fleet.inventory import ClusterInventory
from aurora_console.core.aws.fleet.models import Cluster, GlobalCluster, Instance, Proxy, RegionInventory
from aurora_console.ui.fleet.tree_nodes import (  # noqa: F401 - re-exported for the filter and tests
    CLUSTER,
    GLOBAL,
    INSTANCE,
    MANY_CHANGES,
    PROXY,
    REGION,
    Node,
    Spec,
    cluster_key,
    filter_text,
    flat_clusters,
    region_children,
    row_runs,
    spec_keys,
)
from aurora_console.ui.icons import object_icon, status_icon
from aurora_console.ui.ui_first import ui_first

STATUS_COLOURS = {
    "available": "#2e8b57", "stopped": "#7f8c8d", "failed": "#c0392b", "inaccessible-encryption-credentials": "#c0392b",
    "incompatible-parameters": "#c0392b", "storage-full": "#c0392b",
}
BUSY_COLOUR = "#c98a00"


def engine_label(engine: str, version: str) -> str:
    """'aurora-postgresql', '15.4' -> 'PostgreSQL 15.4'; MySQL shows the Aurora release too."""
    if engine == "aurora-postgresql":
        return f"PostgreSQL {version}".strip()
    if engine in ("aurora-mysql", "aurora"):
        if ".mysql_aurora." in version:
            mysql, aurora = version.split(".mysql_aurora.", 1)
            return f"MySQL {mysql} (Aurora {aurora})"
        return f"MySQL {version}".strip()
    return f"{engine} {version}".strip()



def status_colour(status: str) -> QColor:
    return QColor(STATUS_COLOURS.get(status, BUSY_COLOUR))

COLUMNS = ("Name", "Engine", "Status", "Role", "Tier", "Class", "AZ")
COL_NAME, COL_ENGINE, COL_STATUS, COL_ROLE, COL_TIER, COL_CLASS, COL_AZ = range(len(COLUMNS))

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
PAYLOAD_ROLE = Qt.ItemDataRole.UserRole + 2
KEY_ROLE = Qt.ItemDataRole.UserRole + 3
SORT_ROLE = Qt.ItemDataRole.UserRole + 4
FILTER_ROLE = Qt.ItemDataRole.UserRole + 5
REGION_ROLE = Qt.ItemDataRole.UserRole + 6
ERROR_COLOUR = QColor("#c0392b")
_NCOLS = len(COLUMNS)
# plain ints: comparing with Qt's enum members on every data() call costs attribute lookups
_DISPLAY, _FOREGROUND, _FONT, _TOOLTIP, _DECORATION = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.DecorationRole))
_ROLES = frozenset((_DISPLAY, _FOREGROUND, _FONT, _TOOLTIP, _DECORATION, int(SORT_ROLE), int(KIND_ROLE),
                    int(PAYLOAD_ROLE), int(KEY_ROLE), int(REGION_ROLE), int(FILTER_ROLE)))
_TOP = QModelIndex()
#: Where a role's value for each column sits in a row's :attr:`FleetTreeModel.cells` entry
CELL_SLOTS = {_DISPLAY: 1, _DECORATION: 3, _FOREGROUND: 4, _FONT: 5}


_BRUSHES: dict[str, QBrush] = {}
_FONTS: list[QFont] = []


def _brush(status: str) -> QBrush:
    """Status colours, made once each (painting asks for them thousands of times)."""
    b = _BRUSHES.get(status)
    if b is None:
        b = _BRUSHES[status] = QBrush(ERROR_COLOUR if status == "error" else status_colour(status))
    return b


def _bold() -> QFont:
    if not _FONTS:
        f = QFont()
        f.setBold(True)
        _FONTS.append(f)
    return _FONTS[0]


#: the size the tree draws its icons at (QStyle's small icon size: what an item view uses)
ICON_SIZE = 16
_PIXMAP_ICONS: dict[int, QIcon] = {}


def _pixmap_icon(icon: QIcon) -> QIcon:
    """``icon`` (ui/icons.py: an SVG drawn in the palette's colours by a Python icon engine) as
    pixmaps drawn now, for the normal, selected and disabled looks, at every screen's scaling: a
    view paints those without calling into Python, where the SVG engine is a call per icon per
    paint (some 80 a paint of the fleet tree, a quarter of its time). Drawn again after a palette,
    style or scaling change (:func:`restyle`)."""
    key = icon.cacheKey()
    out = _PIXMAP_ICONS.get(key)
    if out is None:
        out = QIcon()
        ratios = {1.0} | {round(s.devicePixelRatio(), 2) for s in QGuiApplication.screens()}
        for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Disabled):
            for ratio in sorted(ratios):
                out.addPixmap(icon.pixmap(QSize(ICON_SIZE, ICON_SIZE), ratio, mode), mode)
        _PIXMAP_ICONS[key] = out
    return out


def restyle() -> None:
    """The palette, the style or a screen's scaling changed: icons are drawn again when next
    asked for (FleetTreeModel.restyle forgets its rows' cells)."""
    _PIXMAP_ICONS.clear()
    _STYLES.clear()


def _decoration(node: Node, col: int):
    """The object's kind by the name (a writer and a reader told apart); a status badge (shape
    and colour) by the status."""
    if col == COL_NAME:
        kind = node.kind
        if kind == INSTANCE:
            kind = "writer" if node.payload.is_writer else "reader"
        return _pixmap_icon(object_icon(kind))
    if col == COL_STATUS and node.kind != REGION:
        status = getattr(node.payload, "status", "")
        return _pixmap_icon(status_icon(status)) if status else None
    return None


def _foreground(node: Node, col: int) -> QBrush | None:
    if node.kind == REGION:  # its header row: in the error colour when it failed
        return _brush("error") if col in (COL_NAME, COL_STATUS) and node.payload.error else None
    return _brush(getattr(node.payload, "status", "") or "") if col == COL_STATUS else None


def _font(node: Node, col: int) -> QFont | None:
    if node.kind in (REGION, GLOBAL) or (col == COL_ROLE and getattr(node.payload, "is_writer", False)):
        return _bold()
    return None


#: (icons, brushes, fonts) per column, by what they depend on (kind, status, failed, writer): a
#: few dozen combinations shared by every row
_STYLES: dict[tuple, tuple[tuple, tuple, tuple]] = {}


def _style(node: Node) -> tuple[tuple, tuple, tuple]:
    p = node.payload
    key = (node.kind, getattr(p, "status", ""), bool(getattr(p, "error", "")), bool(getattr(p, "is_writer", False)))
    style = _STYLES.get(key)
    if style is None:
        style = _STYLES[key] = tuple(tuple(f(node, c) for c in range(_NCOLS)) for f in (_decoration, _foreground, _font))
    return style


class FleetTreeModel(QAbstractItemModel):
    #: an update (set_region, remove_region, clear) is complete: every row signal of it was sent
    #: (the fleet's filter model takes a refresh in at once, not row signal by row signal)
    settled = Signal()

    def __init__(self, inventory: ClusterInventory | None = None, parent=None) -> None:
        super().__init__(parent)
        self.inventory = inventory if inventory is not None else ClusterInventory()
        self._root = Node("", "root", None)
        self._by_key: dict[str, Node] = {}
        self._quiet = False
        #: counts the changes of regions, rows and payloads: a view that worked something out
        #: from the tree knows whether it still holds
        self.revision = 0
        #: node key -> (payload, display texts, sort texts, icons, brushes, fonts), a value per
        #: column (CELL_SLOTS), worked out once per payload: a paint asks for every visible cell's
        #: roles, and the fleet's filter model answers those from here (its data())
        self.cells: dict[str, tuple] = {}
        #: region key -> cluster id -> the spec last made for it (region_children)
        self._specs: dict[str, dict[str, Spec]] = {}

    # -- reading ----------------------------------------------------------------------------
    def node(self, index: QModelIndex | QPersistentModelIndex) -> Node:
        return index.internalPointer() if index.isValid() else self._root

    def index_of_key(self, key: str, column: int = 0) -> QModelIndex:
        node = self._by_key.get(key)
        if node is None:
            return QModelIndex()
        return self.createIndex(node.row, column, node)

    def index_of_node(self, node: Node, column: int = 0) -> QModelIndex:
        return QModelIndex() if node is self._root else self.createIndex(node.row, column, node)

    def node_for_key(self, key: str) -> Node | None:
        return self._by_key.get(key)

    @property
    def regions(self) -> dict[str, RegionInventory]:
        """What each region shows, by key ("profile/region"): the inventory's cache."""
        return self.inventory.regions

    def clusters(self) -> list[tuple[RegionInventory, Cluster]]:
        return self.inventory.clusters()

    def find_cluster(self, cluster) -> tuple[RegionInventory, Cluster] | None:
        """The region and cluster for a ClusterRef (or a cluster id)."""
        return self.inventory.find(cluster)

    def index_of_cluster(self, cluster, column: int = 0) -> QModelIndex:
        """The row of a cluster named by a ClusterRef (or a cluster id); invalid if not shown."""
        found = self.inventory.find(cluster)
        if found is None:
            return QModelIndex()
        return self.index_of_key(cluster_key(found[0].key, found[1].id), column)

    # -- Qt model API -----------------------------------------------------------------------
    def index(self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = _TOP) -> QModelIndex:
        # called for every row a view lays out: kept lean
        kids = (parent.internalPointer() if parent.isValid() else self._root).children
        if 0 <= row < len(kids) and 0 <= column < _NCOLS:
            return self.createIndex(row, column, kids[row])
        return QModelIndex()

    def parent(self, index: QModelIndex | QPersistentModelIndex = _TOP) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        p = index.internalPointer().parent
        if p is None or p is self._root:
            return QModelIndex()
        return self.createIndex(p.row, 0, p)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _TOP) -> int:  # noqa: N802
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _TOP) -> int:  # noqa: N802
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES or not index.isValid():  # most roles a paint asks for: nothing
            return None
        node: Node = index.internalPointer()
        col = index.column()
        slot = CELL_SLOTS.get(role)
        if slot is not None:
            hit = self.cells.get(node.key)
            if hit is None or hit[0] is not node.payload:
                hit = self._cached(node)
            if slot == 1 and col == 0 and node.kind == REGION:  # the header row spans the tree: its first column says it all
                return f"{hit[1][0]}  ·  {hit[1][COL_STATUS]}"
            return hit[slot][col]
        if role == SORT_ROLE:
            if col == COL_TIER and isinstance(node.payload, Instance):
                return node.payload.tier if node.payload.tier is not None else 99
            return self._cached(node)[2][col]
        if role == _TOOLTIP:
            return self._tooltip(node)
        if role == KIND_ROLE:
            return node.kind
        if role == PAYLOAD_ROLE:
            return node.payload
        if role == KEY_ROLE:
            return node.key
        if role == REGION_ROLE:
            return self.regions.get(node.region_key)
        if role == FILTER_ROLE:
            return filter_text(node)
        return None

    def _cached(self, node: Node) -> tuple:
        hit = self.cells.get(node.key)
        if hit is None or hit[0] is not node.payload:
            texts = self._row_texts(node.payload)
            hit = self.cells[node.key] = (node.payload, texts, tuple(t.lower() for t in texts), *_style(node))
        return hit

    def restyle(self) -> None:
        """Icons, colours and fonts are worked out again when next asked for (after a palette,
        style or scaling change); the texts too, once each."""
        restyle()
        self.cells.clear()

    def sort_texts(self, node: Node) -> tuple[str, ...]:
        """A node's column texts case-folded (what the fleet's filter model sorts by)."""
        hit = self.cells.get(node.key)
        if hit is None or hit[0] is not node.payload:
            hit = self._cached(node)
        return hit[2]

    def row_texts(self, node: Node) -> tuple[str, ...]:
        """A node's column texts (COLUMNS), worked out once per payload: other views of this
        model (the navigator's list) read them rather than format again."""
        hit = self.cells.get(node.key)
        if hit is None or hit[0] is not node.payload:
            hit = self._cached(node)
        return hit[1]

    @staticmethod
    def _row_texts(p: Any) -> tuple[str, ...]:
        """Every column's text for a payload (Name, Engine, Status, Role, Tier, Class, AZ)."""
        if isinstance(p, Instance):
            return (p.id, engine_label(p.engine, p.engine_version), p.status, p.role,
                    "" if p.tier is None else str(p.tier), p.instance_class, p.az)
        if isinstance(p, Cluster):
            return (p.id, engine_label(p.engine, p.engine_version), p.status, f"{len(p.instances)} inst.", "", "", "")
        if isinstance(p, RegionInventory):
            return (f"{p.region} ({p.profile})", "",
                    f"⚠ {p.error}" if p.error else f"{len(p.clusters)} cluster{'' if len(p.clusters) == 1 else 's'}", "", "", "", "")
        if isinstance(p, GlobalCluster):
            return (f"🌐 {p.id}", f"{p.engine} {p.engine_version}".strip(), p.status, "global", "", "", "")
        if isinstance(p, Proxy):
            return (f"⇄ {p.name}", p.engine_family, p.status, "proxy", "", "", "")
        return ("",) * len(COLUMNS)

    def _tooltip(self, node: Node) -> str:
        p = node.payload
        if isinstance(p, RegionInventory):
            lines = [f"{p.profile} / {p.region}"]
            if p.error:
                lines.append(p.error)
            lines += [f"⚠ {w}" for w in p.warnings]
            return "\n".join(lines)
        if isinstance(p, Cluster):
            return f"{p.id}\nwriter: {p.writer.id if p.writer else '-'}\n" + "\n".join(f"{e.kind}: {e.address}" for e in p.endpoints)
        if isinstance(p, Instance):
            return f"{p.id} ({p.role})\n{p.address}:{p.port or ''}"
        return ""

    # -- updating (diff, never reset) --------------------------------------------------------
    def set_region(self, inv: RegionInventory) -> RegionInventory:
        """Show ``inv`` under its region node, updating rows in place; returns what is kept (a
        failed refresh keeps what was shown before, with the error on the region). The views
        take the change in through many Python calls: workers step aside meanwhile
        (``ui/ui_first.py``)."""
        with ui_first():
            try:
                return self._set_region(inv)
            finally:
                self.settled.emit()

    def _set_region(self, inv: RegionInventory) -> RegionInventory:
        self.revision += 1
        key = inv.key
        inv = self.inventory.apply(inv)
        made = self._specs.setdefault(key, {})
        if len(made) > 2 * len(inv.clusters) + 64:  # clusters gone for good: forget their specs
            made.clear()
        specs = region_children(inv, made)
        # Many changed clusters: one layoutChanged (rows keep their place, so selection, expansion
        # and scroll stay) instead of a dataChanged per parent, which views handle one by one.
        node = self._root.child(key)
        self._quiet = (node is not None and
                       sum(1 for s in flat_clusters(specs)
                           if (n := self._by_key.get(s.key)) is not None and n.payload is not s.payload
                           and n.payload != s.payload) > MANY_CHANGES
                       and self._subtree_keys(node) == spec_keys(specs))
        if self._quiet:
            self.layoutAboutToBeChanged.emit()
        try:
            self._apply_region(key, inv, specs)
        finally:
            if self._quiet:
                self._quiet = False
                self.layoutChanged.emit()
        return inv

    def _apply_region(self, key: str, inv: RegionInventory, specs: list[Spec]) -> None:
        node = self._root.child(key)
        if node is None:
            node = Node(key, REGION, inv, region_key=key)
            self._insert(self._root, len(self._root.children), [node])
        else:
            before = self._row_text(node)
            node.payload = inv
            self._emit_changed(self._root, [(node.row, before, self._row_text(node))])
        self._sync(node, specs)

    def remove_region(self, key: str) -> None:
        node = self._root.child(key)
        self.inventory.remove(key)
        self._specs.pop(key, None)
        if node is not None:
            self._remove(self._root, node.row, node.row)
            self.settled.emit()

    def clear(self) -> None:
        """Every region leaves (rows removed, not a reset: views keep their state)."""
        self.inventory.clear()
        self._specs.clear()
        if self._root.children:
            self._remove(self._root, 0, len(self._root.children) - 1)
            self.settled.emit()

    def _subtree_keys(self, node: Node) -> set[str]:
        out: set[str] = set()
        for c in node.children:
            out.add(c.key)
            out |= self._subtree_keys(c)
        return out

    def region_keys(self) -> list[str]:
        return [c.key for c in self._root.children]

    def _sync(self, parent: Node, specs: list[Spec]) -> None:
        wanted = {s.key for s in specs}
        # removals, from the end, in contiguous runs
        row = len(parent.children) - 1
        while row >= 0:
            if parent.children[row].key in wanted:
                row -= 1
                continue
            last = row
            while row - 1 >= 0 and parent.children[row - 1].key not in wanted:
                row -= 1
            self._remove(parent, row, last)
            row -= 1
        existing = {c.key: c for c in parent.children}
        new_nodes: list[Node] = []
        changed: list[tuple[int, tuple[str, ...], tuple[str, ...]]] = []
        for spec in specs:
            child = existing.get(spec.key)
            if child is None:
                new_nodes.append(self._build(spec, parent.region_key))
                continue
            if child.payload is spec.payload or child.payload == spec.payload:
                child.payload = spec.payload
                if child.kind == CLUSTER:
                    continue  # a cluster's payload holds its instances and proxies: nothing below changed
            else:
                before = self._row_text(child)
                child.payload = spec.payload
                changed.append((child.row, before, self._row_text(child)))
            self._sync(child, spec.children)
        self._emit_changed(parent, changed)
        if new_nodes:
            self._insert(parent, len(parent.children), new_nodes)

    def _build(self, spec: Spec, region_key: str) -> Node:
        node = Node(spec.key, spec.kind, spec.payload, region_key=region_key)
        self._cached(node)
        node.children = [self._build(s, region_key) for s in spec.children]
        for n, c in enumerate(node.children):
            c.parent, c.row = node, n
        return node

    def _parent_index(self, parent: Node) -> QModelIndex:
        return QModelIndex() if parent is self._root else self.createIndex(parent.row, 0, parent)

    def _insert(self, parent: Node, at: int, nodes: list[Node]) -> None:
        self.revision += 1
        self.beginInsertRows(self._parent_index(parent), at, at + len(nodes) - 1)
        parent.children[at:at] = nodes
        for n in nodes:
            n.parent = parent
            self._index_keys(n, True)
        self._renumber(parent, at)
        self.endInsertRows()

    def _remove(self, parent: Node, first: int, last: int) -> None:
        self.revision += 1
        self.beginRemoveRows(self._parent_index(parent), first, last)
        for n in parent.children[first:last + 1]:
            self._index_keys(n, False)
        del parent.children[first:last + 1]
        self._renumber(parent, first)
        self.endRemoveRows()

    def _index_keys(self, node: Node, add: bool) -> None:
        if add:
            self._by_key[node.key] = node
        else:
            self._by_key.pop(node.key, None)
            self.cells.pop(node.key, None)
        for c in node.children:
            self._index_keys(c, add)

    @staticmethod
    def _renumber(parent: Node, start: int) -> None:
        for n in range(start, len(parent.children)):
            parent.children[n].row = n

    def _row_text(self, node: Node) -> tuple[str, ...]:
        return self._cached(node)[1]

    def _emit_changed(self, parent: Node, changed: list[tuple[int, tuple[str, ...], tuple[str, ...]]]) -> None:
        """One dataChanged per run of adjacent changed rows, spanning only the columns whose text
        changed: a view repaints those cells, not every row between the first and the last
        changed one (a refresh that changes every 7th of 1,000 clusters repainted the whole
        tree on each step, ~7 ms, where the changed cells on screen take ~1 ms)."""
        if self._quiet:
            return
        spans = []
        for row, before, after in changed:
            diff = [c for c in range(_NCOLS) if before[c] != after[c]]
            if diff:
                spans.append((row, diff[0], diff[-1]))
        kids = parent.children
        for r0, r1, c0, c1 in row_runs(spans):
            self.dataChanged.emit(self.createIndex(r0, c0, kids[r0]), self.createIndex(r1, c1, kids[r1]))

