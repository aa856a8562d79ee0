"""Plugs connections and tunnels into the main window: menu entries, the tunnel manager tab,
a cluster action to make a profile from a fleet endpoint, and the status-bar count."""

from __future__ import annotations

TAB_KEY = "connections"


def install(window) -> None:
    """Menu entries, the cluster action and the tab restorer. The window's one controller and
    tunnel manager (and the SSH modules they load) are made when a screen first asks for them
    (``services.connections.get()``): start-up does not pay for them."""
    holder = window.services.connections
    holder.make_on_first_get(lambda: make_controller(window))  # one per window, shared by its screens
    window.add_menu_action("Tools", "Connections and tunnels…", lambda: open_panel(window),
                           shortcut="Ctrl+Shift+T", object_name="actionConnections")
    window.add_menu_action("File", "New connection profile…", lambda: new_profile(window),
                           object_name="actionNewConnectionProfile")
    window.add_cluster_action("New connection profile…", lambda ref: profile_from_cluster(window, ref))
    window.register_tab_restorer("connections", lambda spec: open_panel(window))
    window.destroyed.connect(lambda *_: _shutdown(holder))
    update_status(window, None)


def make_controller(window):
    """The window's ConnectionsController. Made on the UI thread as a rule; a screen's worker that
    asks first (the timeline's chart markers) gets one moved to the UI thread, which it belongs to
    (its signals are delivered there, its dialogs open over the window)."""
    from PySide6.QtCore import QThread, QTimer

    from aurora_console.ui.connections.controller import ConnectionsController

    on_ui_thread = QThread.currentThread() is window.thread()
    controller = ConnectionsController(window.services, window if on_ui_thread else None)
    if not on_ui_thread:
        controller.moveToThread(window.thread())
        QTimer.singleShot(0, window, lambda: controller.setParent(window))
    controller.tunnel_changed.connect(lambda _s: update_status(window, controller))
    return controller


def _shutdown(holder) -> None:
    controller = holder.peek()  # never made: nothing to stop
    if controller is not None:
        controller.shutdown()


def update_status(window, controller) -> None:
    """The status bar's tunnel count (``controller`` None: none made yet, so no tunnel)."""
    if controller is None:
        window.status.set_tunnels(0, "")
        return
    from aurora_console.core.ssh.manager import TunnelState

    statuses = controller.manager.statuses()
    up = [s for s in statuses if s.state == TunnelState.UP]
    detail = "\n".join(f"{s.name}: {s.state.value}" + (f" 127.0.0.1:{s.local_port}" if s.state == TunnelState.UP
                                                        else "") + (f" ({s.reason})" if s.reason else "")
                       for s in statuses)
    window.status.set_tunnels(len(up), detail)


def open_panel(window):
    from aurora_console.ui.connections.panel import TunnelsPanel

    controller = window.services.connections.get()
    return window.open_tab(TAB_KEY, "Connections", lambda: TunnelsPanel(controller), spec={"kind": "connections"})


def new_profile(window, profile=None):
    from aurora_console.ui.connections.profile_dialog import ProfileEditorDialog

    return ProfileEditorDialog.edit(window.services.connections.get(), profile, window)


def profile_from_cluster(window, ref) -> None:
    """Fetch the cluster's endpoints (worker thread), then open the editor prefilled with the writer."""
    from aurora_console.core.connections.fleet_endpoints import cluster_endpoints, profile_for_cluster

    controller = window.services.connections.get()
    clients = controller.aws_clients()
    if clients is None:
        window.services.notifier.warning("Connection profile", "Choose an AWS profile first.")
        return

    def done(endpoints) -> None:
        new_profile(window, profile_for_cluster(ref, endpoints))  # the engine and port come from the cluster

    window.services.runner.submit(lambda ctx: cluster_endpoints(clients, ref.profile, ref.region, ref.cluster_id),
                                  name=f"Endpoints of {ref.cluster_id}", on_done=done)
