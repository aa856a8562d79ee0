"""StallMonitor says where its longest gap went: the UI thread's own work, or waiting (the GIL
held by another thread, or the process not scheduled on a busy machine)."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QTimer

from aurora_console.testing.stall import StallMonitor

pytestmark = pytest.mark.gui


def _spin(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_a_gap_of_the_ui_threads_own_work_counts_its_cpu(qtbot):
    with StallMonitor() as stall:
        QTimer.singleShot(20, lambda: _spin(0.12))
        qtbot.wait(300)
    ui, process = stall.longest_gap_cpu
    assert stall.max_stall_ms >= 100 and ui >= 100 and process >= ui
    assert stall.max_gap_process_cpu_ms >= 100
    assert "UI thread" in stall.describe_longest()


def test_a_gap_spent_waiting_counts_little_ui_cpu(qtbot):
    with StallMonitor() as stall:
        QTimer.singleShot(20, lambda: time.sleep(0.15))  # blocked, not working
        qtbot.wait(300)
    ui, _process = stall.longest_gap_cpu
    assert stall.max_stall_ms >= 120 and ui < 60

