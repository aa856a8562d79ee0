"""The fleet view: the window's cluster model as a tree with filter, details panes, refresh and
auto-refresh. The window's InventoryLoader (ui/cluster_loader.py) loads it, for the navigator too."""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from aurora_console.core.aws.fleet.details import load_cluster_details
from aurora_console.core.aws.fleet.models import Cluster, ClusterRef, Instance, RegionInventory
from aurora_console.core.errors import error_message
from aurora_console.ui.clear_button import add_clear_button
from aurora_console.ui.fleet.actions import FleetActions
from aurora_console.ui.fleet.details import ClusterDetailsPane, DetailsStack, InstanceDetailsPane, RegionPane
from aurora_console.ui.fleet.filter_model import FleetFilterModel
from aurora_console.ui.fleet.staging import STAGE_CLUSTERS
from aurora_console.ui.fleet.tree_model import COL_NAME, COLUMNS, PAYLOAD_ROLE, REGION_ROLE
from aurora_console.ui.fleet.tree_widths import TreeWidths
from aurora_console.ui.state_banner import StateBanner
from aurora_console.ui.ui_first import ui_first

log = logging.getLogger(__name__)

AUTO_REFRESH = (("Off", 0), ("30 s", 30), ("1 min", 60), ("5 min", 300), ("15 min", 900))


class FleetTree(QTreeView):
    """The fleet's tree. Its paint calls into the filter model for every visible cell and role;
    it runs with workers stepping aside (``ui/ui_first.py``), so an inventory parsed on a worker
    meanwhile does not make each of those calls wait for the GIL. Its icons are pixmaps drawn
    for the palette and the screen's scaling (tree_model._pixmap_icon): drawn again when either
    changes."""

    RESTYLE_EVENTS = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange, QEvent.Type.StyleChange)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._ratio = 0.0  # the scaling the icons were last drawn for

    def restyle(self) -> None:
        model = self.model()
        source = model.sourceModel() if model is not None and hasattr(model, "sourceModel") else None
        if source is not None and hasattr(source, "restyle"):
            source.restyle()
        self.viewport().update()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() in self.RESTYLE_EVENTS:
            self.restyle()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        ratio = self.devicePixelRatioF()
        if ratio != self._ratio:  # first paint, or moved to a screen of another scaling
            if self._ratio:
                self.restyle()
            self._ratio = ratio
        with ui_first():
            super().paintEvent(event)


class FleetView(QWidget):
    loaded = Signal()  # a refresh finished (every region arrived)

    def __init__(self, window, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("fleetView")
        self.window_ = window
        self.services = window.services
        self.loader = window.clusters.loader  # the window's one load (ui/cluster_loader.py)
        self.model = self.loader.model
        self.proxy = FleetFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.loader.started.connect(self._load_started)
        self.loader.region_shown.connect(self._region_shown)
        self.loader.finished.connect(self._load_finished)
        self._details_handle = None
        self._seen_loads = 0
        self.closed = False
        self.actions = FleetActions(self)

        self.refresh_button = QPushButton("Refresh", objectName="fleetRefresh")
        self.refresh_button.setShortcut("F5")
        self.refresh_button.clicked.connect(self.refresh)
        self.auto_box = QComboBox(objectName="fleetAutoRefresh")
        for text, secs in AUTO_REFRESH:
            self.auto_box.addItem(f"Auto-refresh: {text}", secs)
        self.filter = QLineEdit(objectName="fleetFilter", accessibleName="Filter the fleet",
                                placeholderText="Filter: id, engine, status, tag:env=prod …")
        add_clear_button(self.filter)  # the console's icon: Qt's reads the desktop's icon theme
        self.filter.textChanged.connect(self._filter_changed)
        self.audit_button = QPushButton("Audit log", objectName="fleetAuditLog")
        self.audit_button.clicked.connect(self.actions.open_audit_log)
        self.status = StateBanner(objectName="fleetStatus")
        bar = QHBoxLayout()
        for w in (self.refresh_button, self.auto_box):
            bar.addWidget(w)
        bar.addWidget(self.filter, 1)
        bar.addWidget(self.audit_button)

        self.tree = FleetTree(objectName="fleetTree", accessibleName="Fleet: regions, clusters and instances")
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        self.tree.setAlternatingRowColors(True)
        self.tree.setIndentation(14)
        # region header rows span the tree ("eu-west-1 (prod)  ·  2 clusters", see FleetFilterModel)
        self.proxy.rowsInserted.connect(lambda parent, *_: None if parent.isValid() else self.widths.span_regions())
        self.proxy.layoutChanged.connect(lambda *_: self.widths.span_regions())
        self.proxy.modelReset.connect(lambda: self.widths.span_regions())
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self.actions.context_menu)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((160, 172, 74, 56, 34, 100, 82)):
            header.resizeSection(col, width)
        self.tree.selectionModel().currentChanged.connect(lambda cur, _prev: self._show(cur))

        self.cluster_pane = ClusterDetailsPane()
        self.cluster_pane.action_requested.connect(lambda k: self.actions.request(k, self.cluster_pane.cluster))
        self.instance_pane = InstanceDetailsPane()
        self.instance_pane.action_requested.connect(self._instance_action)
        self.region_pane = RegionPane()
        self.empty = QLabel("Select a cluster or an instance.", alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.stack = DetailsStack(object_name="fleetDetails")  # as narrow as the page shown allows
        for w in (self.empty, self.region_pane, self.cluster_pane, self.instance_pane):
            self.stack.addWidget(w)
        split = self.split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tree)
        split.addWidget(self.stack)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([820, 460])
        self.widths = TreeWidths(self.tree, self.proxy, split)  # ui/fleet/tree_widths.py
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(split, 1)
        lay.addWidget(self.status)

        self.auto_timer = QTimer(self)
        self.auto_timer.timeout.connect(self.refresh)
        seconds = self.services.settings.settings.auto_refresh_seconds
        i = self.auto_box.findData(seconds)
        self.auto_box.setCurrentIndex(i if i >= 0 else 0)
        self.auto_box.currentIndexChanged.connect(self._auto_changed)
        self._auto_changed()

    # -- targets / profile ---------------------------------------------------------------------
    def profile_name(self) -> str:
        nav = getattr(self.window_, "navigator", None)
        return (nav.current_profile() if nav is not None else None) or "default"

    def read_only(self) -> bool:
        return self.services.is_read_only(self.profile_name())

    # -- loading (the window's loader) ------------------------------------------------------------
    @property
    def loading(self) -> bool:
        return self.loader.loading

    @property
    def load_count(self) -> int:
        """Loads of the window's inventory finished so far (the navigator's included)."""
        return self.loader.load_count

    def refresh(self) -> None:
        """Reload the window's clusters (the navigator shows the same load)."""
        if self.services.aws is None or not self.window_.current_targets():
            self.status.empty("Choose a profile and at least one region in the navigator.")
            self.loaded.emit()
            return
        self.window_.refresh_clusters()

    def load_if_needed(self) -> None:
        """On opening: show what the window has loaded; load only if nothing has been yet."""
        if self.loader.load_count or self.loader.loading:
            self._update_status()
            if self.loader.load_count and not self.loader.loading:
                self._first_fill()
            return
        self.refresh()

    # the loader's signals are disconnected when the tab closes (shutdown): no closed checks here
    def _load_started(self, keys: list) -> None:
        if keys:
            self.status.loading(f"Loading {len(keys)} region(s)…")

    def _region_shown(self, _inv: RegionInventory) -> None:
        self._update_status()
        self._refresh_panes()

    def _load_finished(self, _ok: bool, _errors: list) -> None:
        if not self.loader.targets:
            self.status.empty("Choose a profile and at least one region in the navigator.")
        else:
            self._update_status()
            self._first_fill()
        self.loaded.emit()

    def _first_fill(self) -> None:
        if self._seen_loads == 0:
            self.widths.show_first_fill()  # expanded, painted and fitted on turns of their own
        self._seen_loads += 1

    def _update_status(self) -> None:
        regions = [self.model.regions[k] for k in self.model.region_keys() if k in self.model.regions]
        n_clusters = sum(len(r.clusters) for r in regions)
        n_inst = sum(len(c.instances) for r in regions for c in r.clusters)
        text = f"{n_clusters} cluster(s), {n_inst} instance(s) in {len(regions)} region(s)"
        if self.proxy.filter_text:  # count what the filter shows
            shown_c, shown_i = self.proxy.shown_counts()
            text = (f"{shown_c} of {n_clusters} clusters shown, {shown_i} of {n_inst} instances "
                    f"in {len(regions)} region(s)")
        failed = [r for r in regions if r.error]
        if failed:
            text += f" · {len(failed)} region(s) failed: " + "; ".join(f"{r.region}: {r.error}" for r in failed)
        waiting = self.loading and self.loader.pending
        if waiting:
            text += f" · waiting for {', '.join(sorted(self.loader.pending))}"
        if waiting:
            self.status.loading(text)
        elif failed:
            self.status.error(text, "Check the profile's permissions for those regions, then refresh (F5).",
                              retry=self.refresh)
        elif not n_clusters:
            self.status.empty(text + " · none in the chosen regions: pick other regions in the navigator")
        else:
            self.status.info(text)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self.widths.shown()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self.widths.resized()

    def _auto_changed(self) -> None:
        secs = int(self.auto_box.currentData() or 0)
        settings = self.services.settings.settings
        if settings.auto_refresh_seconds != secs:
            settings.auto_refresh_seconds = secs
        if secs:
            self.auto_timer.start(secs * 1000)
        else:
            self.auto_timer.stop()

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_filter(text)
        self.widths.span_regions()
        if text.strip():
            with self.widths.regions_unspanned():
                self.tree.expandAll()
        self._update_status()

    # -- selection and panes -------------------------------------------------------------------
    def current_payload(self):
        idx = self.tree.currentIndex()
        return idx.data(PAYLOAD_ROLE) if idx.isValid() else None

    def current_region(self) -> RegionInventory | None:
        idx = self.tree.currentIndex()
        return idx.data(REGION_ROLE) if idx.isValid() else None

    def select_cluster(self, ref: ClusterRef | str) -> bool:
        """Select a cluster (by ClusterRef; an id alone picks the first region that has it)."""
        return self._select(self.model.index_of_cluster(ref))

    def select_key(self, key: str) -> bool:
        """Select a node by the tree model's key (its own business: prefer select_cluster)."""
        return self._select(self.model.index_of_key(key))

    def _select(self, src) -> bool:
        idx = self.proxy.mapFromSource(src)
        if not idx.isValid():
            return False
        self.tree.scrollTo(idx)
        self.tree.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        return True

    def _show(self, index) -> None:
        payload = index.data(PAYLOAD_ROLE) if index.isValid() else None
        region = index.data(REGION_ROLE) if index.isValid() else None
        self._shown = payload
        self.cluster_pane.sandbox = self.region_pane.sandbox = self.services.aws_is_sandbox
        if isinstance(payload, Cluster):
            self.cluster_pane.set_cluster(payload, region, self.read_only())
            self.cluster_pane.set_cluster_actions(self.cluster_actions(region, payload))
            self.stack.setCurrentWidget(self.cluster_pane)
            self._load_details(region, payload)
        elif isinstance(payload, Instance):
            self.instance_pane.set_instance(payload, self.read_only())
            self.stack.setCurrentWidget(self.instance_pane)
        elif isinstance(payload, RegionInventory):
            self.region_pane.set_region(payload)
            self.stack.setCurrentWidget(self.region_pane)
        else:
            self.stack.setCurrentWidget(self.empty)

    def cluster_actions(self, region: RegionInventory | None, cluster: Cluster) -> list:
        """The window's cluster actions (metrics, backups, SQL...) bound to ``cluster``, as the
        navigator's context menu offers them (see ``MainWindow.add_cluster_action``)."""
        if region is None:
            return []
        ref = region.ref(cluster)
        return [(text, lambda cb=cb: cb(ref)) for text, cb in self.window_.cluster_actions()]

    def _refresh_panes(self) -> None:
        """After a refresh: re-show the selected item if AWS reported a change to it."""
        idx = self.tree.currentIndex()
        if idx.isValid() and idx.data(PAYLOAD_ROLE) != getattr(self, "_shown", None):
            self._show(idx)

    def _details_done(self, details) -> None:
        self.cluster_pane.set_details(details)

    def _details_failed(self, exc: BaseException) -> None:
        self.cluster_pane.set_error(error_message(exc))

    def _load_details(self, region: RegionInventory | None, cluster: Cluster) -> None:
        aws = self.services.aws
        if aws is None or region is None or region.target is None:
            return
        if self._details_handle is not None and not self._details_handle.done:
            self._details_handle.cancel()
        target = region.target
        self._details_handle = self.services.runner.submit(
            lambda ctx: load_cluster_details(aws, target, cluster.id, task=ctx),
            name=f"Cluster details ({cluster.id})",
            on_done=self._details_done, on_error=self._details_failed, owner=self)  # dropped once closed

    def _instance_action(self, key: str) -> None:
        inst = self.instance_pane.instance
        if inst is None:
            return
        found = self.model.find_cluster(inst.cluster_id)
        if found is not None:
            self.actions.request(key, found[1], inst)

    def update_cluster(self, region_key: str, cluster: Cluster | None, cluster_id: str) -> None:
        """Show what an action's final poll saw, before the next full refresh."""
        inv = self.model.regions.get(region_key)
        if inv is None:
            return
        old = inv.cluster(cluster_id)
        if cluster is None or old is None:
            return
        merged = replace(cluster, endpoints=old.endpoints, proxies=old.proxies, global_cluster_id=old.global_cluster_id,
                         pending=old.pending)
        self.model.set_region(replace(inv, clusters=tuple(merged if c.id == cluster_id else c for c in inv.clusters)))
        self._refresh_panes()

    def can_close(self) -> bool:
        """The main window asks before closing the tab: stop timers and background work."""
        self.shutdown()
        return True

    def shutdown(self) -> None:
        """The tab closes: the window's load goes on (the navigator shows it); ours stops."""
        if self.closed:
            return
        self.closed = True
        self.auto_timer.stop()
        for sig, slot in ((self.loader.started, self._load_started), (self.loader.region_shown, self._region_shown),
                          (self.loader.finished, self._load_finished)):
            sig.disconnect(slot)
        self.services.runner.release(self)  # cancels the details load; a late result is dropped


__all__ = ["FleetView", "COLUMNS", "STAGE_CLUSTERS"]

