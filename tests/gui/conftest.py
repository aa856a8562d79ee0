"""Shared by the GUI tests: a task runner of their own (a test module may define another)."""

from __future__ import annotations

import pytest


@pytest.fixture
def runner(qapp):
    from aurora_console.ui.tasks import TaskRunner

    r = TaskRunner(max_threads=2)
    yield r
    r.shutdown(5000)
    r.deleteLater()


@pytest.fixture
def offline_window(qtbot, qapp):
    """A main window with every feature installed, no sandbox and no AWS calls (screens opened
    on the rig's PostgreSQL or on stand-ins); its tabs closed and services shut down after."""
    from aurora_console.app import build_services, shutdown_services
    from aurora_console.testing.console import console_options
    from aurora_console.ui.main_window import MainWindow

    services = build_services(console_options(sandbox=False), qapp)
    win = MainWindow(services)
    qtbot.addWidget(win)
    win.resize(1400, 800)
    win.show()
    yield win
    for i in reversed(range(win.tabs.count())):
        win.close_tab(i)
    win.close()
    shutdown_services(services)
