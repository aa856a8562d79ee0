"""The navigator: profile and region selectors and the cluster list (id, engine, status)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QColor
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

from aurora_console.core.aws.clusters import ClusterRef, ClusterSummary, RegionClusters
from aurora_console.ui.labels import engine_label

_ROOT = QModelIndex()

STATUS_COLOURS = {
    "available": "#2e8b57", "stopped": "#7f8c8d", "failed": "#c0392b", "inaccessible-encryption-credentials": "#c0392b",
    "incompatible-parameters": "#c0392b", "storage-full": "#c0392b",
}
BUSY_COLOUR = "#c98a00"


def status_colour(status: str) -> QColor:
    return QColor(STATUS_COLOURS.get(status, BUSY_COLOUR))


class ClusterListModel(QAbstractTableModel):
    COLUMNS = ("Cluster", "Engine", "Status", "Region")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[ClusterSummary] = []
        self.errors: dict[str, str] = {}

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        s = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (s.ref.cluster_id, engine_label(s.ref.engine, s.engine_version), s.status, s.ref.region)[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 2:
            return QBrush(status_colour(s.status))
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{s.ref.cluster_id} ({s.ref.engine} {s.engine_version}): {s.members} instance(s), "
                    f"writer {s.writer or '-'}")
        if role == Qt.ItemDataRole.UserRole:
            return s
        return None

    def set_region(self, result: RegionClusters) -> None:
        """Replace one region's rows in place (others untouched)."""
        region = result.target.region
        keep = [r for r in self._rows if r.ref.region != region]
        if result.error is not None:
            self.errors[region] = result.error.user_text()
        else:
            self.errors.pop(region, None)
        new = sorted(keep + list(result.clusters), key=lambda s: (s.ref.region, s.ref.cluster_id))
        old_ids = [(r.ref.region, r.ref.cluster_id) for r in self._rows]
        new_ids = [(r.ref.region, r.ref.cluster_id) for r in new]
        if old_ids == new_ids:
            self._rows = new
            if new:
                self.dataChanged.emit(self.index(0, 0), self.index(len(new) - 1, len(self.COLUMNS) - 1))
            return
        self.beginResetModel()
        self._rows = new
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._rows = []
        self.errors = {}
        self.endResetModel()

    def summaries(self) -> list[ClusterSummary]:
        return list(self._rows)


ENGINE_COLUMN_WIDTH = 118


class NavigatorWidget(QWidget):
    profile_changed = Signal(str)
    regions_changed = Signal(list)
    refresh_requested = Signal()
    cluster_activated = Signal(object)  # ClusterRef

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("navigator")
        self._cluster_actions: list[tuple[str, Callable[[ClusterRef], None]]] = []
        self.profile_combo = QComboBox(objectName="profileCombo")
        self.profile_combo.setToolTip("AWS profile")
        self.profile_combo.currentTextChanged.connect(self._profile_changed)
        self.regions_button = QToolButton(objectName="regionsButton")
        self.regions_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.regions_button.setToolTip("Regions to show")
        self.regions_menu = QMenu(self.regions_button)
        self.regions_button.setMenu(self.regions_menu)
        self.refresh_button = QToolButton(objectName="refreshButton", text="⟳")
        self.refresh_button.setToolTip("Refresh (F5 in the navigator)")
        self.refresh_button.clicked.connect(self.refresh_requested)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.profile_combo, 1)
        top.addWidget(self.regions_button)
        top.addWidget(self.refresh_button)

        self.filter_edit = QLineEdit(objectName="clusterFilter", placeholderText="Filter clusters…")
        self.filter_edit.setClearButtonEnabled(True)
        self.model = ClusterListModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QTreeView(objectName="clusterList")
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setSortingEnabled(True)
        self.view.setModel(self.proxy)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        header = self.view.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
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

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addWidget(self.filter_edit)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.status_label)

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
