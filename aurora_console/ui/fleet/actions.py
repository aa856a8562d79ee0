"""Fleet actions in the UI: dialogs, then the core action on a worker thread, with progress,
the audit log, and the tree updated when AWS reports the new state."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

from aurora_console.core.aws.fleet.actions import PreparedAction
from aurora_console.core.aws.fleet.models import Cluster, Instance
from aurora_console.core.aws.fleet.runner import run_action
from aurora_console.core.errors import error_message
from aurora_console.ui.fleet.dialogs import (
    ActionDialog,
    AddReaderDialog,
    ConfirmActionDialog,
    DeleteReaderDialog,
    FailoverDialog,
    PromotionTierDialog,
)
from aurora_console.ui.fleet.tree_model import PAYLOAD_ROLE, REGION_ROLE

if TYPE_CHECKING:
    from aurora_console.ui.fleet.view import FleetView

log = logging.getLogger(__name__)

CLUSTER_ACTIONS = (("failover", "Failover…"), ("add-reader", "Add reader…"), ("stop", "Stop cluster…"),
                   ("start", "Start cluster…"))
INSTANCE_ACTIONS = (("failover-to", "Fail over to this reader…"), ("tier", "Change promotion tier…"),
                    ("reboot", "Reboot…"), ("delete-reader", "Delete reader…"))


class FleetActions:
    def __init__(self, view: FleetView) -> None:
        self.view = view
        self.dialog: ActionDialog | None = None
        self.running: dict[int, PreparedAction] = {}
        self.completed = 0
        self.failed = 0
        self.last_error: str = ""
        self.last_message: str = ""
        self.poll_interval = None  # None: 2 s on the sandbox, 10 s on AWS

    # -- entry points --------------------------------------------------------------------------
    def context_menu(self, pos) -> None:
        menu = self.menu_for(self.view.tree.indexAt(pos))
        if menu is not None:
            menu.popup(self.view.tree.viewport().mapToGlobal(pos))

    def menu_for(self, idx) -> QMenu | None:
        """The context menu of a tree row (a cluster or an instance), or None."""
        view = self.view
        payload = idx.data(PAYLOAD_ROLE) if idx.isValid() else None
        read_only = view.read_only()
        if isinstance(payload, Cluster):
            items = [(k, t, payload, None) for k, t in CLUSTER_ACTIONS
                     if not (k == "stop" and payload.status == "stopped") and not (k == "start" and payload.status != "stopped")]
        elif isinstance(payload, Instance):
            found = view.model.find_cluster(payload.cluster_id)
            if found is None:
                return None
            items = [(k, t, found[1], payload) for k, t in INSTANCE_ACTIONS
                     if not (payload.is_writer and k in ("failover-to", "delete-reader"))]
        else:
            return None
        menu = QMenu(view.tree)
        for key, text, cluster, inst in items:
            act = menu.addAction(text)
            act.setEnabled(not read_only)
            act.triggered.connect(lambda _=False, k=key, c=cluster, i=inst: self.request(k, c, i))
        if read_only:
            menu.addSeparator()
            menu.addAction("Profile is read-only").setEnabled(False)
        if isinstance(payload, Cluster):  # the window's cluster actions (metrics, backups, SQL...)
            opens = view.cluster_actions(idx.data(REGION_ROLE), payload)
            if opens:
                menu.addSeparator()
            for text, run in opens:
                menu.addAction(text, run)
        return menu

    def request(self, kind: str, cluster: Cluster | None, instance: Instance | None = None) -> ActionDialog | None:
        """Open the confirmation dialog for ``kind`` (non-blocking); the action runs on accept."""
        if cluster is None:
            return None
        view = self.view
        found = view.model.find_cluster(cluster.id)
        inv = found[0] if found else None
        target = inv.target if inv is not None else None
        args = (cluster, target, inv, view.read_only())
        if kind == "failover":
            dlg: ActionDialog = FailoverDialog(*args, parent=view)
        elif kind == "failover-to":
            dlg = FailoverDialog(*args, preselect=instance.id if instance else None, parent=view)
        elif kind == "tier" and instance is not None:
            dlg = PromotionTierDialog(*args, instance=instance, parent=view)
        elif kind == "add-reader":
            dlg = AddReaderDialog(*args, parent=view)
        elif kind == "delete-reader" and instance is not None:
            dlg = DeleteReaderDialog(*args, instance=instance, parent=view)
        elif kind in ("stop", "start") or (kind == "reboot" and instance is not None):
            dlg = ConfirmActionDialog(*args, kind=kind, instance=instance, parent=view)
        else:
            return None
        region_key = inv.key if inv is not None else ""
        dlg.accepted.connect(lambda d=dlg: self.run(d.prepared, region_key) if d.prepared else None)
        dlg.finished.connect(lambda _r, d=dlg: self._closed(d))
        self.dialog = dlg
        dlg.open()
        return dlg

    def _closed(self, dlg: ActionDialog) -> None:
        if self.dialog is dlg:
            self.dialog = None
        dlg.deleteLater()

    # -- running -------------------------------------------------------------------------------
    def run(self, action: PreparedAction, region_key: str):
        view = self.view
        services = view.services
        aws = services.aws
        if aws is None:
            return None
        audit = services.audit
        read_only = view.read_only()
        interval = self.poll_interval or (2.0 if aws.is_sandbox else 10.0)
        view.status.setText(f"{action.title}…")
        handle = services.runner.submit(
            lambda ctx: run_action(aws, action, audit=audit, task=ctx, read_only=read_only, poll_interval=interval),
            name=action.title,
            on_done=lambda result: self._done(handle, result, region_key),
            on_error=lambda exc: self._error(handle, exc),
            on_progress=lambda _p, text: None if view.closed else view.status.setText(text),
            on_cancelled=lambda: self._error(handle, RuntimeError(f"{action.title}: cancelled while waiting")),
        )
        self.running[handle.id] = action
        return handle

    def _done(self, handle, result, region_key: str) -> None:
        self.running.pop(handle.id, None)
        self.completed += 1
        if self.view.closed:  # the tab was closed while AWS worked; the audit log has the call
            self.view.services.notifier.info("Action finished", result.message)
            return
        self.last_message = result.message
        self.view.status.setText(result.message)
        self.view.services.notifier.info("Action finished", result.message)
        self.view.update_cluster(region_key, result.cluster, result.action.cluster_id)
        self.view.refresh()

    def _error(self, handle, exc: BaseException) -> None:
        self.running.pop(handle.id, None)
        self.completed += 1
        self.failed += 1
        self.last_error = error_message(exc)
        if not self.view.closed:
            self.view.status.setText(self.last_error)
        self.view.services.notifier.error("Action failed", exc)

    def open_audit_log(self) -> None:
        from aurora_console.ui.fleet.audit_view import AuditLogView

        window = self.view.window_
        w = window.open_tab("audit-log", "Audit log", lambda: AuditLogView(window.services))
        if hasattr(w, "reload") and w.load_count:
            w.reload()
