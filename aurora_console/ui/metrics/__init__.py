"""Metrics dashboards (CloudWatch graphs) for a cluster or one of its instances.

``install(window)`` only registers actions; pyqtgraph and the dashboard are imported when a
dashboard is first opened, so start-up stays fast.
"""

from __future__ import annotations


def tab_key(ref, instance_id: str | None = None, profile: str | None = None) -> str:
    """``profile``: the name the window shows for ``ref.profile`` (``services.profile_label``)."""
    base = f"metrics:{profile or ref.profile or 'default'}:{ref.region}:{ref.cluster_id}"
    return f"{base}:{instance_id}" if instance_id else base


def open_metrics(window, ref, instance_id: str | None = None):
    """Open (or focus) the dashboard of ``ref`` (a ClusterRef), optionally for one instance."""

    def make():
        from aurora_console.ui.metrics.dashboard import MetricsDashboard

        dashboard = MetricsDashboard(window.services, ref, instance_id,
                                     time_window_actions=window.time_window_actions,
                                     chart_markers=window.chart_marker_sources)
        # the sandbox seeds its CloudWatch history in the background: draw it once it is all there
        controller = window.services.sandbox_controller.get()
        if controller is not None:
            controller.metrics_ready.connect(dashboard.refresh)
        return dashboard

    title = f"Metrics · {instance_id or ref.cluster_id}"
    spec = {"kind": "metrics", "profile": ref.profile, "region": ref.region, "cluster_id": ref.cluster_id,
            "engine": ref.engine, "endpoint_url": ref.endpoint_url, "instance_id": instance_id}
    label = window.services.profile_label(ref.profile)
    key = tab_key(ref, instance_id, label)
    existing = window.find_tab(key)
    if existing is not None and existing.scope is None:
        existing.refresh()  # opened again on a dashboard that has nothing yet: ask again
    return window.open_tab(key, title, make, spec=spec)


def _restore(window, spec: dict) -> None:
    from aurora_console.core.aws.fleet.models import ClusterRef

    ref = ClusterRef(spec.get("profile"), spec["region"], spec["cluster_id"], spec.get("engine", ""),
                     spec.get("endpoint_url"))
    open_metrics(window, ref, spec.get("instance_id"))


def install(window) -> None:
    window.add_cluster_action("Metrics", lambda ref: open_metrics(window, ref))
    window.register_tab_restorer("metrics", lambda spec: _restore(window, spec), needs="aws")
