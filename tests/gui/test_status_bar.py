"""Status bar: a long task name is shortened so the status message stays readable."""

from __future__ import annotations

import threading

import pytest

from aurora_console.ui.status import ConsoleStatusBar
from aurora_console.ui.tasks import TaskRunner

pytestmark = pytest.mark.gui


def test_long_task_name_is_elided_and_kept_whole_in_the_tooltip(qtbot):
    runner = TaskRunner()
    bar = ConsoleStatusBar(runner)
    qtbot.addWidget(bar)
    release = threading.Event()
    name = "Load clusters " + ", ".join(f"region-{i}" for i in range(40))
    handle = runner.submit(lambda ctx: release.wait(10), name=name)
    try:
        qtbot.waitUntil(lambda: bar.tasks.label.text() != "Idle")
        shown = bar.tasks.label.text()
        assert shown != name and "…" in shown
        assert bar.tasks.label.fontMetrics().horizontalAdvance(shown) <= bar.tasks.label.maximumWidth()
        assert name in bar.tasks.label.toolTip()
    finally:
        release.set()
        qtbot.waitUntil(lambda: handle.done)
        runner.shutdown(5000)
    qtbot.waitUntil(lambda: bar.tasks.label.text() == "Idle")
