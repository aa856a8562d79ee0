"""StallMonitor says where its longest gap went: the UI thread's own work, or waiting (the GIL
held by another thread, or the process not scheduled on a busy machine)."""

from __future__ import annotations

import re
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
    # in the event loop: the spin is one gap (the timer cannot beat during it) with its CPU, so
    # these hold whatever else the gaps hold; not that it is the longest gap (on a busy machine
    # the process may be left unscheduled for longer than the spin)
    spun = []
    with StallMonitor() as stall:
        QTimer.singleShot(20, lambda: (_spin(0.12), spun.append(True)))
        qtbot.waitUntil(lambda: bool(spun), timeout=30_000)
    assert stall.max_stall_ms >= 100 and stall.max_gap_process_cpu_ms >= 100
    # the longest gap's readings: a monitor around the spin alone has one gap, the spin's
    stall = StallMonitor().start()
    _spin(0.12)
    stall.stop()
    ui, process = stall.longest_gap_cpu
    assert stall.max_stall_ms >= 100 and ui >= 100 and process >= ui
    assert stall.max_gap_process_cpu_ms >= 100
    said = re.search(r"UI thread (\d+) ms CPU", stall.describe_longest())
    assert said and int(said[1]) >= 100


def test_a_gap_spent_waiting_counts_little_ui_cpu(qtbot):
    slept = []
    with StallMonitor() as stall:
        QTimer.singleShot(20, lambda: (time.sleep(0.15), slept.append(True)))  # blocked, not working
        qtbot.waitUntil(lambda: bool(slept), timeout=30_000)
    ui, _process = stall.longest_gap_cpu
    assert stall.max_stall_ms >= 120 and ui < 60
