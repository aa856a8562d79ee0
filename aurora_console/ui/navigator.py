"""The navigator: profile and region selectors and the cluster list (id, engine, status), a
view of the window's one cluster model (the fleet view shows the same one).

The cluster model and its modules (the inventory's dataclasses, the fleet tree) load with the
first cluster load, after the window's first paint: until then the list shows no rows and
imports none of them (``ClusterListModel.set_source``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QBrush
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from aurora_console.ui.icons import icon, object_icon, status_icon

if TYPE_CHECKING:  # loaded with the cluster model (the first load), not at start-up
    from aurora_console.core.aws.fleet.clusters import ClusterSummary
    from aurora_console.core.aws.fleet.models import ClusterRef
    from aurora_console.ui.fleet.tree_model import FleetTreeModel, Node

_ROOT = QModelIndex()
_DISPLAY, _FOREGROUND, _TOOLTIP, _USER, _DECORATION = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole,
    Qt.ItemDataRole.DecorationRole))
_ROLES = frozenset((_DISPLAY, _FOREGROUND, _TOOLTIP, _USER, _DECORATION))
#: while a region fills over many event-loop turns, the list follows at most this often
SYNC_DELAY_MS = 150


class ClusterListModel(QAbstractTableModel):
    """The navigator's flat list (cluster, engine, status, region): the Aurora clusters of the
    window's one FleetTreeModel, by region then id. A thin view of that model: it keeps only
    which tree nodes are its rows and reads everything else from the tree (a table model rather
    than a QAbstractProxyModel, so that Qt's own index() serves the sorting proxy's many calls)."""

    COLUMNS = ("Cluster", "Engine", "Status", "Region")

    def __init__(self, source: FleetTreeModel | None = None, parent=None) -> None:
        """``source``: the window's one cluster model; without, no rows until :meth:`set_source`."""
        super().__init__(parent)
        self._nodes: list[Node] = []
        self._regions: list[str] = []
        self._payloads: list = []  # each row's cluster as last announced (dataChanged)
        self._row_of: dict[int, int] = {}
        self._following = True
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
            for sig in (old.rowsInserted, old.rowsRemoved, old.layoutChanged, old.modelReset):
                sig.disconnect(self._schedule)
            old.dataChanged.disconnect(self._source_data_changed)
        self._source = source
        self._source_column = (tree_model.COL_NAME, tree_model.COL_ENGINE, tree_model.COL_STATUS, tree_model.COL_NAME)
        self._status_colour = tree_model.status_colour
        for sig in (source.rowsInserted, source.rowsRemoved, source.layoutChanged, source.modelReset):
            sig.connect(self._schedule)
        source.dataChanged.connect(self._source_data_changed)
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
        from aurora_console.core.aws.fleet.clusters import listed
        from aurora_console.ui.fleet.tree_model import CLUSTER, GLOBAL

        nodes: list[Node] = []
        for region in tree.node(QModelIndex()).children:
            for child in region.children:
                kids = child.children if child.kind == GLOBAL else (child,)
                nodes += [n for n in kids if n.kind == CLUSTER and listed(n.payload)]
        nodes.sort(key=lambda n: (n.region_key.split("/", 1)[-1], n.payload.id))
        regions = [n.region_key.split("/", 1)[-1] for n in nodes]
        if [n.key for n in nodes] == [n.key for n in self._nodes]:
            # same rows: announce only those whose cluster changed (a refresh of an unchanged
            # fleet keeps the very same objects, and announces nothing)
            changed = [r for r, n in enumerate(nodes) if n.payload is not self._payloads[r]]
            self._nodes, self._regions = nodes, regions
            self._row_of = {id(n): r for r, n in enumerate(nodes)}
            self._payloads = [n.payload for n in nodes]
            if changed:
                self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), len(self.COLUMNS) - 1))
            return
        self.beginResetModel()
        self._nodes, self._regions = nodes, regions
        self._row_of = {id(n): r for r, n in enumerate(nodes)}
        self._payloads = [n.payload for n in nodes]
        self.endResetModel()

    def _source_data_changed(self, first: QModelIndex, last: QModelIndex, *_roles) -> None:
        if not self._nodes:
            return
        parent = first.internalPointer().parent if first.isValid() else None
        if parent is None:
            return
        rows = [self._row_of[id(n)] for n in parent.children[first.row():last.row() + 1] if id(n) in self._row_of]
        for r in rows:
            self._payloads[r] = self._nodes[r].payload
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(self.COLUMNS) - 1))

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._nodes)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return len(self.COLUMNS)

    def mapToSource(self, index: QModelIndex | QPersistentModelIndex) -> QModelIndex:  # noqa: N802
        """The tree model's index of a row (its cluster node)."""
        if not index.isValid() or index.row() >= len(self._nodes):
            return QModelIndex()
        return self._source.index_of_key(self._nodes[index.row()].key, self._source_column[index.column()])

    def mapFromSource(self, index: QModelIndex | QPersistentModelIndex) -> QModelIndex:  # noqa: N802
        """The row of a tree model index (invalid unless it is a listed cluster)."""
        if not index.isValid():
            return QModelIndex()
        row = self._row_of.get(id(index.internalPointer()))
        if row is None:
            return QModelIndex()
        col = self._source_column.index(index.column()) if index.column() in self._source_column else 0
        return self.index(row, col)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        # asked thousands of times while the sorting proxy orders a big list: kept lean, the
        # texts come from the tree model's cache
        if role not in _ROLES or not index.isValid():
            return None
        row = index.row()
        if row >= len(self._nodes):
            return None
        node = self._nodes[row]
        col = index.column()
        if role == _DISPLAY:
            if col == 3:
                return self._regions[row]
            return self._source.row_texts(node)[self._source_column[col]]
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

    def summaries(self) -> list[ClusterSummary]:
        return [s for s in (self._summary(n) for n in self._nodes) if s is not None]


ENGINE_COLUMN_WIDTH = 118


class NavigatorWidget(QWidget):
    profile_changed = Signal(str)
    regions_changed = Signal(list)
    refresh_requested = Signal()
    cluster_activated = Signal(object)  # ClusterRef

    def __init__(self, clusters: FleetTreeModel | None = None, parent=None) -> None:
        """``clusters``: the window's one cluster model; without, the list stays empty until
        ``self.model.set_source(clusters)`` (the main window's ClusterLoader does it on the first load)."""
        super().__init__(parent)
        self.setObjectName("navigator")
        self._cluster_actions: list[tuple[str, Callable[[ClusterRef], None]]] = []
        self.profile_combo = QComboBox(objectName="profileCombo", accessibleName="AWS profile")
        self.profile_combo.setToolTip("AWS profile")
        self.profile_combo.currentTextChanged.connect(self._profile_changed)
        self.regions_button = QToolButton(objectName="regionsButton", accessibleName="Regions to show")
        self.regions_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.regions_button.setToolTip("Regions to show")
        self.regions_menu = QMenu(self.regions_button)
        self.regions_button.setMenu(self.regions_menu)
        self.refresh_button = QToolButton(objectName="refreshButton", text="Refresh")
        self.refresh_button.setIcon(icon("refresh-cw"))
        self.refresh_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.refresh_button.setToolTip("Refresh (F5 in the navigator)")
        self.refresh_button.clicked.connect(self.refresh_requested)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.profile_combo, 1)
        top.addWidget(self.regions_button)
        top.addWidget(self.refresh_button)

        self.filter_edit = QLineEdit(objectName="clusterFilter", accessibleName="Filter clusters", placeholderText="Filter clusters…")
        self.filter_edit.setClearButtonEnabled(True)
        self.model = ClusterListModel(clusters, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QTreeView(objectName="clusterList", accessibleName="Clusters")
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setSortingEnabled(True)
        self.view.setModel(self.proxy)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        header = self.view.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(200)  # fit to the first rows, not all 1,000 on every sync
        # the engine is a long label ("MySQL 8.0 (Aurora 3.05.2)") and the fleet view shows it in
        # full: here it is elided (full text in the tooltip) so the dock stays narrow
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, ENGINE_COLUMN_WIDTH)
        header.setStretchLastSection(True)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.doubleClicked.connect(self._activated)
        self.status_label = QLabel(objectName="navigatorStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.list_elsewhere = QLabel(
            "The Fleet tab shows these clusters with their instances: pick one there.",
            objectName="navigatorListElsewhere", wordWrap=True)
        self.list_elsewhere.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addWidget(self.filter_edit)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.list_elsewhere)
        lay.addStretch(0)
        lay.addWidget(self.status_label)

    def set_list_shown(self, shown: bool) -> None:
        """Show the cluster list, or (while the Fleet tab is in front, which lists the same
        clusters of the same model) only the profile and region choices and a pointer to it."""
        self.filter_edit.setVisible(shown)
        self.view.setVisible(shown)
        self.list_elsewhere.setVisible(not shown)

    @property
    def list_shown(self) -> bool:
        return not self.view.isHidden()

    # -- selectors ---------------------------------------------------------------------------
    def set_profiles(self, profiles: list[str], current: str | None) -> None:
        self.profile_combo.blockSignals(True)
        self.profile_combo.clear()
        self.profile_combo.addItems(profiles)
        if current and current in profiles:
            self.profile_combo.setCurrentText(current)
        self.profile_combo.blockSignals(False)

    def current_profile(self) -> str | None:
        return self.profile_combo.currentText() or None

    def set_regions(self, available: list[str], selected: list[str]) -> None:
        self.regions_menu.clear()
        for region in available:
            act = QAction(region, self.regions_menu, checkable=True, checked=region in selected)
            act.toggled.connect(self._regions_toggled)
            self.regions_menu.addAction(act)
        self._update_regions_text()

    def selected_regions(self) -> list[str]:
        return [a.text() for a in self.regions_menu.actions() if a.isChecked()]

    def _update_regions_text(self) -> None:
        sel = self.selected_regions()
        self.regions_button.setText(sel[0] if len(sel) == 1 else f"{len(sel)} regions")

    def _regions_toggled(self) -> None:
        self._update_regions_text()
        self.regions_changed.emit(self.selected_regions())

    def _profile_changed(self, text: str) -> None:
        if text:
            self.profile_changed.emit(text)

    # -- clusters ----------------------------------------------------------------------------
    def add_cluster_action(self, text: str, callback: Callable[[ClusterRef], None]) -> None:
        self._cluster_actions.append((text, callback))

    def cluster_actions(self) -> list[tuple[str, Callable[[ClusterRef], None]]]:
        """Every action on one cluster (what the context menu offers; the command palette too)."""
        return list(self._cluster_actions)

    def selected_cluster(self) -> ClusterRef | None:
        idx = self.view.currentIndex()
        if not idx.isValid():
            return None
        s = self.proxy.data(idx.siblingAtColumn(0), Qt.ItemDataRole.UserRole)
        return s.ref if s else None

    def _activated(self, index: QModelIndex) -> None:
        s = self.proxy.data(index.siblingAtColumn(0), Qt.ItemDataRole.UserRole)
        if s is not None:
            self.cluster_activated.emit(s.ref)

    def _context_menu(self, pos) -> None:
        idx = self.view.indexAt(pos)
        if not idx.isValid() or not self._cluster_actions:
            return
        ref = self.proxy.data(idx.siblingAtColumn(0), Qt.ItemDataRole.UserRole).ref
        menu = QMenu(self)
        for text, cb in self._cluster_actions:
            menu.addAction(text, lambda cb=cb: cb(ref))
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def show_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))
