"""The navigator: profile and region selectors, the filter box and the cluster list (id, engine,
status), a view of the window's one cluster model (the fleet view shows the same one) through
:class:`~aurora_console.ui.cluster_list_model.ClusterListModel`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction
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

from aurora_console.ui.clear_button import add_clear_button
from aurora_console.ui.cluster_list_model import ClusterListModel
from aurora_console.ui.icons import icon

if TYPE_CHECKING:  # loaded with the cluster model (the first load), not at start-up
    from aurora_console.core.aws.fleet.models import ClusterRef
    from aurora_console.ui.fleet.tree_model import FleetTreeModel

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
        #: region -> shown or not, in the menu's order; the menu's entries are made when it opens
        #: (a start lists ~20-30 regions: their actions are ~1 ms the user may never look at)
        self._regions: dict[str, bool] = {}
        self.regions_menu.aboutToShow.connect(self._fill_regions_menu)
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
        self.filter_clear = add_clear_button(self.filter_edit)  # not Qt's: that one reads the icon theme
        self.model = ClusterListModel(clusters, self)
        self.filter_edit.textChanged.connect(self.model.set_filter_text)
        self.view = QTreeView(objectName="clusterList", accessibleName="Clusters")
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setSortingEnabled(True)
        self.view.setModel(self.model)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        header = self.view.header()
        # widths fitted to the widest texts when the rows change (fit_columns), not Qt's
        # ResizeToContents: that asks a size hint of up to 200 rows x 3 columns, each a handful
        # of data() calls into Python, on every change of a 1,000-cluster list
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._fitted: dict[int, str] = {}  # column -> the text its width was fitted to
        for sig in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset, self.model.layoutChanged,
                    self.model.dataChanged):
            sig.connect(self.fit_columns)
        # the engine is a long label ("MySQL 8.0 (Aurora 3.05.2)") and the fleet view shows it in
        # full: here it is elided (full text in the tooltip) so the dock stays narrow
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

    @property
    def proxy(self) -> ClusterListModel:
        """What the list view shows: the list model itself, which sorts and filters (there is
        no QSortFilterProxyModel between them; see ClusterListModel)."""
        return self.model

    #: columns fitted to their widest text (the engine keeps its width; the region stretches)
    FITTED_COLUMNS = (0, 2)

    def fit_columns(self, *_args) -> None:
        """Fit the cluster and status columns to their widest shown text (measured with the
        view's font among the longest few by characters), as the style draws that cell (icon,
        margins), never narrower than the header. Refitted only when that text changes, so a
        width the user dragged stays until then."""
        model, view = self.model, self.view
        metrics = view.fontMetrics()
        header = view.header()
        for col in self.FITTED_COLUMNS:
            rows = model.widest_rows(col)
            if not rows:
                continue
            texts = [model.index(r, col).data() or "" for r in rows]
            widest = max(range(len(rows)), key=lambda n: metrics.horizontalAdvance(texts[n]))
            if self._fitted.get(col) == texts[widest]:
                continue
            self._fitted[col] = texts[widest]
            width = max(view.sizeHintForIndex(model.index(rows[widest], col)).width(), header.sectionSizeHint(col))
            header.resizeSection(col, width)

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
        self._regions = {region: region in selected for region in available}
        self.regions_menu.clear()
        if self.regions_menu.isVisible():  # open right now: its new entries at once
            self._fill_regions_menu()
        self._update_regions_text()

    def _fill_regions_menu(self) -> None:
        """The menu's entries, one checkable action per region (made when it first opens after
        ``set_regions``)."""
        if self.regions_menu.actions():
            return
        for region, shown in self._regions.items():
            act = QAction(region, self.regions_menu, checkable=True, checked=shown)
            act.toggled.connect(lambda on, region=region: self._region_toggled(region, on))
            self.regions_menu.addAction(act)

    def selected_regions(self) -> list[str]:
        return [region for region, shown in self._regions.items() if shown]

    def _update_regions_text(self) -> None:
        sel = self.selected_regions()
        self.regions_button.setText(sel[0] if len(sel) == 1 else f"{len(sel)} regions")

    def _region_toggled(self, region: str, shown: bool) -> None:
        if region not in self._regions or self._regions[region] == shown:
            return
        self._regions[region] = shown
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
