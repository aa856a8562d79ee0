"""Start-up does not build what only a screen needs: the window's ConnectionsController (and its
SSH tunnel manager) is made on the first ``services.connections.get()``, on the UI thread even
when a worker asks first; the Top SQL background recorder on its first tick or ``background_of``.
(Which modules start-up leaves unloaded: tests/unit/test_startup_imports.py.)"""

from __future__ import annotations

import threading

import pytest

pytestmark = pytest.mark.gui


def test_the_connections_controller_is_made_on_first_use_and_shared(offline_window):
    from aurora_console.ui.connections.controller import ConnectionsController

    holder = offline_window.services.connections
    assert holder.peek() is None  # the window is up without it
    assert offline_window.status.tunnels_label.text() == "Tunnels: 0"
    controller = holder.get()
    assert isinstance(controller, ConnectionsController)
    assert holder.get() is controller and controller.parent() is offline_window
    assert controller.manager.statuses() == []


def test_the_status_bar_follows_tunnels_of_a_controller_made_later(offline_window):
    controller = offline_window.services.connections.get()
    offline_window.status.set_tunnels(7, "stale")
    controller.tunnel_changed.emit(None)  # what the tunnel manager's listener emits on a change
    assert offline_window.status.tunnels_label.text() == "Tunnels: 0"


def test_a_worker_asking_first_gets_a_controller_that_lives_on_the_ui_thread(offline_window, qtbot):
    holder = offline_window.services.connections
    got: list = []
    worker = threading.Thread(target=lambda: got.append(holder.get()))
    worker.start()
    worker.join(10)
    controller = got[0]
    assert controller is holder.get()
    assert controller.thread() is offline_window.thread()  # its signals are delivered on the UI thread
    qtbot.waitUntil(lambda: controller.parent() is offline_window)  # parented there, for its dialogs


def test_shutting_down_never_makes_a_controller_but_stops_one_made(offline_window):
    services = offline_window.services
    assert services.shutdown_features() == [] and services.connections.peek() is None
    controller = services.connections.get()
    stopped: list = []
    controller.manager.shutdown = lambda: stopped.append(True)
    assert services.shutdown_features() == [] and stopped == [True]


def test_the_background_recorder_is_made_once_when_first_asked_for(offline_window):
    import sys

    from aurora_console.ui.performance.feature import background_of

    recording = background_of(offline_window)
    assert recording is background_of(offline_window)
    assert type(recording).__name__ == "BackgroundRecording" and not recording.closed
    assert "aurora_console.ui.performance.background" in sys.modules
