"""Tools ▸ Sandbox ▸ Run a workload / Stop the workload: the menu starts the workload on the sandbox's
blog database through the task runner (the window stays responsive) and stops it cleanly."""

from __future__ import annotations

import psycopg
import pytest
from PySide6.QtWidgets import QMenu

from aurora_console.sandbox.workload import APP_PREFIX

pytestmark = pytest.mark.gui


def _workload_sessions(sandbox) -> list[str]:
    with psycopg.connect(**sandbox.database_conninfo(), autocommit=True) as conn:
        return [r[0] for r in conn.execute("SELECT application_name FROM pg_stat_activity"
                                           " WHERE application_name LIKE %s", (APP_PREFIX + "%",))]


def _sandbox_menu(window) -> QMenu:
    return window.findChild(QMenu, "menuToolsSandbox")


def test_the_menu_runs_and_stops_the_workload(console, aurora_sandbox, qtbot):
    from aurora_console.ui.sandbox_controller import SandboxController

    window = console.window
    menu = _sandbox_menu(window)
    assert menu is not None and menu.title() == "Sandbox" and menu.menuAction() in window.menu("Tools").actions()
    run, stop = (window.findChild(type(menu.actions()[0]), name) for name in ("actionRunWorkload", "actionStopWorkload"))
    assert [a.text() for a in menu.actions()] == ["Run a workload", "Stop the workload"]
    controller = SandboxController(window)  # the session's sandbox, as File ▸ Open the sandbox leaves it
    controller.sandbox, controller.started = aurora_sandbox, True
    window.services.sandbox_controller.set(controller)
    try:
        menu.aboutToShow.emit()
        assert run.isEnabled() and not stop.isEnabled()
        run.trigger()
        assert controller.workload_running
        handle = next(h for h in window.services.runner.active() if h.queue == "sandbox-workload")
        assert not handle.done  # it runs on a worker: the menu action returned while it runs
        menu.aboutToShow.emit()
        assert not run.isEnabled() and stop.isEnabled()
        qtbot.waitUntil(lambda: {APP_PREFIX + "lock-holder", APP_PREFIX + "slow"} <= set(_workload_sessions(aurora_sandbox)),
                        timeout=20000)
        run.trigger()  # a second run while one runs: nothing new starts
        assert len([h for h in window.services.runner.active() if h.queue == "sandbox-workload"]) == 1
        stop.trigger()
        # the action only asks: the workload's end (its report) arrives later, from its task
        assert controller.workload_running and controller.workload_report is None and not handle.done
        qtbot.waitUntil(lambda: handle.done, timeout=30000)
        qtbot.waitUntil(lambda: not controller.workload_running, timeout=5000)
        report = controller.workload_report
        assert report is not None and report.stopped_by == "stop" and report.leftover_backends == 0
        assert report.mix_queries > 0
        assert _workload_sessions(aurora_sandbox) == []
        menu.aboutToShow.emit()
        assert run.isEnabled() and not stop.isEnabled()
    finally:
        if controller.workload is not None:
            controller.workload.request_stop()
            controller.workload.wait(30)
        window.services.sandbox_controller.set(None)


def test_without_the_sandbox_the_entries_are_disabled(console):
    window = console.window
    window.services.sandbox_controller.set(None)
    menu = _sandbox_menu(window)
    menu.aboutToShow.emit()
    assert not any(a.isEnabled() for a in menu.actions())
