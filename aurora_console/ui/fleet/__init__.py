"""Fleet view feature: clusters, instances and their topology across profiles x regions, with
safe actions and the local audit log. ``install(window)`` plugs it into the main window."""

from __future__ import annotations

from PySide6.QtCore import QTimer

TAB_KEY = "fleet"


def open_fleet(window, select: str | None = None):
    """Open (or focus) the fleet tab; ``select`` a cluster id once it is loaded."""
    from aurora_console.ui.fleet.view import FleetView

    created = []

    def make():
        view = FleetView(window)
        created.append(view)
        nav = getattr(window, "navigator", None)
        if nav is not None:
            nav.profile_changed.connect(lambda *_: view.refresh())
            nav.regions_changed.connect(lambda *_: view.refresh())
        return view

    view = window.open_tab(TAB_KEY, "Fleet", make, spec={"kind": TAB_KEY})
    if created:
        QTimer.singleShot(0, view.refresh)
    if select:
        _select_when_loaded(view, select)
    return view


def _select_when_loaded(view, cluster_id: str, then=None) -> None:
    def attempt() -> bool:
        found = view.model.find_cluster(cluster_id)
        if found is None:
            return False
        view.select_key(f"{found[0].key}|c|{cluster_id}")
        if then is not None:
            then(found[1])
        return True

    if attempt():
        return

    def on_loaded() -> None:
        view.loaded.disconnect(on_loaded)
        attempt()

    view.loaded.connect(on_loaded)


def open_audit_log(window):
    from aurora_console.ui.fleet.audit_view import AuditLogView

    return window.open_tab("audit-log", "Audit log", lambda: AuditLogView(window.services))


def install(window) -> None:
    # the view, its actions and botocore load when the fleet opens (services.audit exists already)
    window.add_menu_action("View", "Fleet", lambda: open_fleet(window), shortcut="Ctrl+Shift+F",
                           object_name="actionFleetView")
    window.add_menu_action("View", "Audit log", lambda: open_audit_log(window), object_name="actionAuditLog")
    window.register_tab_restorer(TAB_KEY, lambda spec: open_fleet(window), needs="aws")
    if hasattr(window, "set_home"):
        window.set_home(lambda: open_fleet(window))
    window.add_cluster_action("Show in fleet view", lambda ref: open_fleet(window, select=ref.cluster_id))

    def failover(ref) -> None:
        view = open_fleet(window)
        _select_when_loaded(view, ref.cluster_id, then=lambda c: view.actions.request("failover", c))

    window.add_cluster_action("Failover…", failover)
