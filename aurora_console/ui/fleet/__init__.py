"""Fleet view feature: clusters, instances and their topology across profiles x regions, with
safe actions and the local audit log. ``install(window)`` plugs it into the main window.

The fleet view shows the window's one cluster model (the navigator's list is a view of it too),
so opening it costs no load once the navigator has its clusters."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the cluster model's modules load with the first cluster load, not at start-up
    from aurora_console.core.aws.fleet.models import ClusterRef

TAB_KEY = "fleet"


def open_fleet(window, select: ClusterRef | str | None = None):
    """Open (or focus) the fleet tab; ``select`` a cluster (a ClusterRef, or an id) once shown."""
    from PySide6.QtCore import QTimer

    from aurora_console.ui.fleet.view import FleetView

    created = []

    def make():
        view = FleetView(window)
        created.append(view)
        return view

    view = window.open_tab(TAB_KEY, "Fleet", make, spec={"kind": TAB_KEY})
    if created:
        QTimer.singleShot(0, view.load_if_needed)
    if select:
        _select_when_loaded(view, select)
    return view


def _select_when_loaded(view, cluster: ClusterRef | str, then=None) -> None:
    def attempt() -> bool:
        found = view.model.find_cluster(cluster)
        if found is None:
            return False
        view.select_cluster(cluster)
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

    def show(ref: ClusterRef) -> None:
        open_fleet(window, select=ref)

    def failover(ref: ClusterRef) -> None:
        view = open_fleet(window)
        _select_when_loaded(view, ref, then=lambda c: view.actions.request("failover", c))

    def tab_changed(_index: int) -> None:  # one list on screen at a time: the fleet's, or the navigator's
        current = window.tabs.currentWidget()
        window.navigator.set_list_shown(current is None or current.property("tabKey") != TAB_KEY)

    window.tabs.currentChanged.connect(tab_changed)

    # the fleet's own details have these already (a selected row, a Failover button)
    window.add_cluster_action("Show in fleet view", show, in_fleet=False)
    window.add_cluster_action("Failover…", failover, in_fleet=False)
