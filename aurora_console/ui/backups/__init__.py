"""Backups and recovery for one cluster: backup settings, snapshots, point-in-time restore,
backtrack and event notifications.

``install(window)`` only registers actions; the panel's widgets are imported when a panel is
first opened, so start-up stays fast.
"""

from __future__ import annotations

KIND = "backups"


def tab_key(ref, profile: str | None = None) -> str:
    """``profile``: the name the window shows for ``ref.profile`` (``services.profile_label``)."""
    return f"{KIND}:{profile or ref.profile or 'default'}:{ref.region}:{ref.cluster_id}"


def open_backups(window, ref):
    """Open (or focus) the backup panel of ``ref`` (a ClusterRef)."""

    def make():
        from aurora_console.ui.backups.panel import BackupsPanel

        panel = BackupsPanel(window.services, ref, profile_name=label, parent=window)
        panel.reload()
        return panel

    spec = {"kind": KIND, "profile": ref.profile, "region": ref.region, "cluster_id": ref.cluster_id,
            "engine": ref.engine, "endpoint_url": ref.endpoint_url}
    label = window.services.profile_label(ref.profile)
    return window.open_tab(tab_key(ref, label), f"Backups · {ref.cluster_id}", make, spec=spec)


def _restore(window, spec: dict) -> None:
    from aurora_console.core.aws.fleet.models import ClusterRef

    ref = ClusterRef(spec.get("profile"), spec["region"], spec["cluster_id"], spec.get("engine", ""),
                     spec.get("endpoint_url"))
    open_backups(window, ref)


def install(window) -> None:
    window.add_cluster_action("Backups…", lambda ref: open_backups(window, ref))
    window.register_tab_restorer(KIND, lambda spec: _restore(window, spec), needs="aws")
