"""The fleet view: inventory tree with filter, details panes, refresh and auto-refresh."""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from PySide6.QtCore import QItemSelectionModel, QObject, Qt, QTimer, Signal
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

from aurora_console.core.aws.cluster_details import load_cluster_details
from aurora_console.core.aws.fleet_models import Cluster, Instance, RegionInventory
from aurora_console.core.aws.inventory import UnsupportedCalls, load_inventory
from aurora_console.ui.fleet import load_gc
from aurora_console.ui.fleet.actions import FleetActions
from aurora_console.ui.fleet.details import ClusterDetailsPane, DetailsStack, InstanceDetailsPane, RegionPane
from aurora_console.ui.fleet.filter_model import FleetFilterModel
from aurora_console.ui.fleet.staging import STAGE_CLUSTERS, TURN_BUDGET_S, StagedRegion
from aurora_console.ui.fleet.tree_model import COL_NAME, COLUMNS, PAYLOAD_ROLE, REGION_ROLE, FleetTreeModel
from aurora_console.ui.fleet.tree_widths import TreeWidths

log = logging.getLogger(__name__)

AUTO_REFRESH = (("Off", 0), ("30 s", 30), ("1 min", 60), ("5 min", 300), ("15 min", 900))


class _RegionBridge(QObject):
    """Emitted on the worker thread, delivered queued on the UI thread."""

    region = Signal(object, int)  # RegionInventory, generation


class FleetView(QWidget):
    loaded = Signal()  # a refresh finished (every region arrived)

    def __init__(self, window, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("fleetView")
        self.window_ = window
        self.services = window.services
        self.model = FleetTreeModel(self)
        self.proxy = FleetFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self._bridge = _RegionBridge(self)
        self._bridge.region.connect(self._region_arrived, Qt.ConnectionType.QueuedConnection)
        self._unsupported = UnsupportedCalls()
        self._generation = 0
        self._staging: dict[str, tuple[StagedRegion, int]] = {}
        self._gc_held = False
        # a view destroyed mid-load (its window closed without shutdown) must not leave the
        # process without full collections: the token outlives the view's Python wrapper
        self._gc_token = {"held": False}
        self.destroyed.connect(lambda *_a, t=self._gc_token: _release_token(t))
        self._finish_after_staging = -1
        self._handle = None
        self._details_handle = None
        self.loading = False
        self.load_count = 0
        self.closed = False
        self.actions = FleetActions(self)

        self.refresh_button = QPushButton("Refresh", objectName="fleetRefresh")
        self.refresh_button.setShortcut("F5")
        self.refresh_button.clicked.connect(self.refresh)
        self.auto_box = QComboBox(objectName="fleetAutoRefresh")
        for text, secs in AUTO_REFRESH:
            self.auto_box.addItem(f"Auto-refresh: {text}", secs)
        self.filter = QLineEdit(objectName="fleetFilter", clearButtonEnabled=True,
                                placeholderText="Filter: id, engine, status, tag:env=prod …")
        self.filter.textChanged.connect(self._filter_changed)
        self.audit_button = QPushButton("Audit log", objectName="fleetAuditLog")
        self.audit_button.clicked.connect(self.actions.open_audit_log)
        self.status = QLabel(objectName="fleetStatus")
        bar = QHBoxLayout()
        for w in (self.refresh_button, self.auto_box):
            bar.addWidget(w)
        bar.addWidget(self.filter, 1)
        bar.addWidget(self.audit_button)

        self.tree = QTreeView(objectName="fleetTree")
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
        seconds = int(getattr(self.services.settings.settings, "auto_refresh_seconds", 0) or 0)
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

    # -- loading -------------------------------------------------------------------------------
    def refresh(self) -> None:
        aws = self.services.aws
        targets = list(self.window_.current_targets()) if aws is not None else []
        if aws is None or not targets:
            self.status.setText("Choose a profile and at least one region in the navigator.")
            self.loading = False
            self.loaded.emit()
            return
        if self._handle is not None and not self._handle.done:
            self._handle.cancel()
        self._generation += 1
        gen = self._generation
        self._staging.clear()
        self._hold_gc(True)
        self.loading = True
        label = self.profile_name()
        self._pending = {f"{t.profile or label}/{t.region}" for t in targets}
        self._wanted = set(self._pending)
        self.status.setText(f"Loading {len(targets)} region(s)…")
        bridge, unsupported = self._bridge, self._unsupported

        def work(ctx):
            return load_inventory(aws, targets, task=ctx, unsupported=unsupported, profile_label=label,
                                  on_region=lambda inv: bridge.region.emit(inv, gen))

        self._handle = self.services.runner.submit(
            work, name=f"Fleet inventory ({len(targets)} region(s))",
            on_done=lambda _r, g=gen: self._finished(g), on_error=lambda exc, g=gen: self._failed(exc, g),
            on_cancelled=lambda g=gen: self._finished(g))

    def _region_arrived(self, inv: RegionInventory, gen: int) -> None:
        if gen != self._generation:
            return
        shown = self.model.regions.get(inv.key)
        self._staging[inv.key] = (StagedRegion(inv, shown), gen)
        self._stage_step(inv.key, gen)

    def _stage_step(self, key: str, gen: int) -> None:
        """Apply a region over several event-loop turns so that a big load never freezes the
        window: first compare it with what is shown (time-boxed per turn), then each turn adds
        or updates up to STAGE_CLUSTERS clusters (see StagedRegion)."""
        staged = self._staging.get(key)
        if staged is None or staged[1] != gen or gen != self._generation:
            return
        st = staged[0]
        if not st.compare(time.perf_counter() + TURN_BUDGET_S):
            QTimer.singleShot(0, lambda: self._stage_step(key, gen))
            return
        step = st.next_step()
        if step is not None:
            self.model.set_region(step)  # regions stay collapsed while they fill
            QTimer.singleShot(0, lambda: self._stage_step(key, gen))
            return
        del self._staging[key]
        self.model.set_region(st.final())
        self._pending.discard(key)
        self._update_status()
        self._refresh_panes()
        if self._finish_after_staging == gen and not self._staging:
            self._finished(gen)

    def _finished(self, gen: int) -> None:
        if gen != self._generation:
            return
        if self._staging:
            self._finish_after_staging = gen
            return
        for key in set(self.model.region_keys()) - self._wanted:
            self.model.remove_region(key)
        self.loading = False
        self.load_count += 1
        self._update_status()
        if self.load_count == 1:
            self.widths.expand_regions()
            self.widths.fit_columns()
        self.loaded.emit()
        QTimer.singleShot(0, lambda: self._hold_gc(False) if not self.loading else None)

    def _hold_gc(self, hold: bool) -> None:
        """No full garbage collections while a load is in flight (see load_gc)."""
        if hold != self._gc_held:
            self._gc_held = self._gc_token["held"] = hold
            (load_gc.hold_full_collections if hold else load_gc.release_full_collections)()

    def _failed(self, exc: BaseException, gen: int) -> None:
        self.services.notifier.error("Fleet inventory failed", exc)
        self._finished(gen)

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
        if self.loading and self._pending:
            text += f" · waiting for {', '.join(sorted(self._pending))}"
        self.status.setText(text)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self.widths.shown()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self.widths.resized()

    def _auto_changed(self) -> None:
        secs = int(self.auto_box.currentData() or 0)
        settings = self.services.settings.settings
        if getattr(settings, "auto_refresh_seconds", None) != secs:
            settings.auto_refresh_seconds = secs
        if secs:
            self.auto_timer.start(secs * 1000)
        else:
            self.auto_timer.stop()

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_filter(text)
        self.widths.span_regions()
        if text.strip():
            self.tree.expandAll()
        self._update_status()

    # -- selection and panes -------------------------------------------------------------------
    def current_payload(self):
        idx = self.tree.currentIndex()
        return idx.data(PAYLOAD_ROLE) if idx.isValid() else None

    def current_region(self) -> RegionInventory | None:
        idx = self.tree.currentIndex()
        return idx.data(REGION_ROLE) if idx.isValid() else None

    def select_key(self, key: str) -> bool:
        src = self.model.index_of_key(key)
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
        self.cluster_pane.sandbox = self.region_pane.sandbox = bool(getattr(self.services.aws, "is_sandbox", False))
        if isinstance(payload, Cluster):
            self.cluster_pane.set_cluster(payload, region, self.read_only())
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

    def _refresh_panes(self) -> None:
        """After a refresh: re-show the selected item if AWS reported a change to it."""
        idx = self.tree.currentIndex()
        if idx.isValid() and idx.data(PAYLOAD_ROLE) != getattr(self, "_shown", None):
            self._show(idx)

    def _details_done(self, details) -> None:
        if not self.closed:
            self.cluster_pane.set_details(details)

    def _details_failed(self, exc: BaseException) -> None:
        if not self.closed:
            self.cluster_pane.set_error(getattr(exc, "message", str(exc)))

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
            on_done=self._details_done, on_error=self._details_failed)

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
        self.closed = True
        self._generation += 1  # late results of a load in flight are dropped
        self._staging.clear()
        self._hold_gc(False)
        self.auto_timer.stop()
        for h in (self._handle, self._details_handle):
            if h is not None and not h.done:
                h.cancel()


__all__ = ["FleetView", "COLUMNS", "STAGE_CLUSTERS"]


def _release_token(token: dict) -> None:
    if token["held"]:
        token["held"] = False
        load_gc.release_full_collections()
