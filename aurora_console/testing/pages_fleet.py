"""Page object for the fleet view: ``console.fleet``.

    fleet = console.fleet                  # opens the Fleet tab, waits for the first load
    fleet.cluster_ids()                    # ['aurora-mysql-dev', 'aurora-pg-prod', ...]
    c = fleet.cluster("aurora-pg-prod")
    c.engine(), c.status(), c.writer(), c.readers(), c.endpoints()
    c.failover()                           # by promotion tier; or c.failover("aurora-pg-prod-2")
    fleet.refresh()

``failover`` drives the same dialog a user confirms and waits until the tree shows the new
writer; on a real AWS profile it needs ``--aurora-allow-changes``.
"""

from __future__ import annotations

from aurora_console.testing.deprecation import renamed


class FleetClusterPage:
    def __init__(self, fleet: FleetPage, cluster_id: str) -> None:
        self.fleet = fleet
        self.cluster_id = cluster_id

    def _cluster(self):
        found = self.fleet.view.model.find_cluster(self.cluster_id)
        if found is None:
            raise LookupError(f"cluster {self.cluster_id!r} is not in the fleet view (known: {self.fleet.cluster_ids()})")
        return found[1]

    def engine(self) -> str:
        return self._cluster().engine

    def engine_version(self) -> str:
        return self._cluster().engine_version

    def status(self) -> str:
        return self._cluster().status

    def writer(self) -> str | None:
        w = self._cluster().writer
        return w.id if w else None

    def readers(self) -> list[str]:
        return [r.id for r in self._cluster().readers]

    def instances(self) -> list[dict]:
        return [{"id": i.id, "role": i.role, "tier": i.tier, "class": i.instance_class, "az": i.az, "status": i.status}
                for i in self._cluster().instances]

    def endpoints(self) -> dict[str, str]:
        """``{"writer": host, "reader": host, "custom (<name>)": host, ...}``"""
        out = {}
        for e in self._cluster().endpoints:
            out[e.kind if e.kind != "custom" or not e.identifier else f"custom ({e.identifier})"] = e.address
        return out

    def select(self) -> None:
        view = self.fleet.view
        found = view.model.find_cluster(self.cluster_id)
        if found is None:
            raise LookupError(self.cluster_id)
        view.select_cluster(self.cluster_id)

    def failover(self, target: str | None = None, timeout_ms: int = 120000) -> str:
        """Fail over (to ``target`` or by tier) through the dialog; returns the new writer."""
        root = self.fleet.root
        root.guard_change(f"failover of {self.cluster_id}")
        view = self.fleet.view
        before = self.writer()
        done_before, failed_before = view.actions.completed, view.actions.failed
        dialog = view.actions.request("failover", self._cluster())
        if dialog is None:
            raise RuntimeError("the failover dialog did not open")
        if target is not None:
            i = dialog.target_box.findData(target)
            if i < 0:
                dialog.reject()
                raise LookupError(f"{target!r} is not a reader of {self.cluster_id}")
            dialog.target_box.setCurrentIndex(i)
        dialog.accept()
        if dialog.prepared is None:
            text = dialog.error.text()
            dialog.reject()
            raise ValueError(text)
        root.qtbot.waitUntil(lambda: view.actions.completed > done_before, timeout=timeout_ms)
        if view.actions.failed > failed_before:
            raise RuntimeError(view.actions.last_error)
        expected = target
        root.qtbot.waitUntil(lambda: self.writer() != before and (expected is None or self.writer() == expected),
                             timeout=timeout_ms)
        self.fleet.wait()
        return self.writer() or ""


class FleetPage:
    def __init__(self, root, timeout_ms: int = 60000) -> None:
        from aurora_console.ui.fleet import open_fleet

        self.root = root
        self.timeout_ms = timeout_ms
        self.view = open_fleet(root.window)
        self.wait(after=0)

    def show(self) -> None:
        """Bring the Fleet tab to the front (File ▸ Fleet's entry point); reopened if it was closed."""
        from aurora_console.ui.fleet import open_fleet

        view = open_fleet(self.root.window)
        if view is not self.view:
            self.view = view
            self.wait(after=0)

    def wait(self, after: int | None = None) -> None:
        """Wait until more than ``after`` loads have ended (and none is running), and the tree
        shows them (its first fill's rows are let through on the turn after their expansion)."""
        v = self.view
        n = 0 if after is None else after
        self.root.qtbot.waitUntil(lambda: v.load_count > n and not v.loading and not v.widths.revealing,
                                  timeout=self.timeout_ms)

    def wait_loaded(self, after: int | None = None) -> None:
        """Deprecated name of :meth:`wait`."""
        renamed("FleetPage.wait_loaded()", "wait()")
        self.wait(after)

    def refresh(self) -> None:
        before = self.view.load_count
        self.view.refresh()
        self.wait(after=before)

    def cluster_ids(self) -> list[str]:
        return sorted(c.id for _inv, c in self.view.model.clusters())

    def cluster(self, cluster_id: str) -> FleetClusterPage:
        page = FleetClusterPage(self, cluster_id)
        page._cluster()  # raises LookupError when unknown
        return page

    def region_errors(self) -> dict[str, str]:
        return {k: r.error for k, r in self.view.model.regions.items() if r.error}

    def set_filter(self, text: str) -> None:
        self.view.filter.setText(text)

    def visible_cluster_ids(self) -> list[str]:
        """Cluster ids the tree shows under the current filter."""
        from aurora_console.core.aws.fleet.models import Cluster
        from aurora_console.ui.fleet.tree_model import PAYLOAD_ROLE

        proxy, out = self.view.proxy, []

        def walk(parent) -> None:
            for row in range(proxy.rowCount(parent)):
                idx = proxy.index(row, 0, parent)
                payload = idx.data(PAYLOAD_ROLE)
                if isinstance(payload, Cluster):
                    out.append(payload.id)
                walk(idx)

        from PySide6.QtCore import QModelIndex

        walk(QModelIndex())
        return sorted(out)

    def audit_actions(self) -> list[str]:
        from aurora_console.core.audit import read_audit

        return [e.action for e in read_audit(self.root.services.paths.audit_file)]
