"""Opening the sandbox: once its database stage is done, the window learns about the shop's MariaDB
(sandbox-shop) when it is ready, or is told why it is not."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

pytestmark = pytest.mark.gui


def _controller(window, sandbox):
    from aurora_console.ui.sandbox_controller import SandboxController

    controller = SandboxController(window)
    controller.sandbox, controller.started = sandbox, True
    return controller


def test_a_ready_shop_is_listed_and_said(console, aurora_sandbox, qtbot):
    window = console.window
    controller = _controller(window, aurora_sandbox)
    connections = window.services.connections.get()
    changed = []
    connections.profiles_changed.connect(lambda: changed.append(True))
    controller._database_done({"database": True, "error": None})
    qtbot.waitUntil(lambda: bool(changed), timeout=20000)
    assert "sandbox-shop" in [p.name for p in connections.profiles()]
    assert "sandbox-shop (MariaDB) is ready" in window.status.currentMessage()


def test_a_shop_that_could_not_start_is_said(console, qtbot):
    window = console.window
    failed = SimpleNamespace(mysql_error="no MariaDB/MySQL server is installed (mariadb-server)", mysql_port=None)
    controller = _controller(window, SimpleNamespace(wait_for_mysql=lambda: failed, info=None))
    notifier = window.services.notifier
    before = len(notifier.history)
    controller._database_done({"database": False, "error": "postgres down"})
    qtbot.waitUntil(lambda: any(n.title == "Sandbox MySQL unavailable" for n in notifier.history[before:]),
                    timeout=20000)
    note = next(n for n in notifier.history[before:] if n.title == "Sandbox MySQL unavailable")
    assert "mariadb-server" in note.text
