"""The page object's Top SQL / load / explained-window calls while the screen itself is already
reading the same thing (the Top SQL tab reads again after each snapshot, the Load tab every 5 s):
the call waits for that read, then reads its own window, instead of waiting for a read that never
starts (it timed out on a loaded machine)."""

from __future__ import annotations

import time

import pytest

from aurora_console.testing.pages_performance import PerformancePage
from aurora_console.ui.performance.feature import open_performance

pytestmark = [pytest.mark.gui, pytest.mark.timeout(120),
              pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def test_calls_made_while_the_screen_reads_the_same_thing_wait_for_it_then_read(window, qtbot, sessions):
    screen = open_performance(window, "rig", connect=sessions.db.dsn)
    page = PerformancePage.for_widget(qtbot, screen, timeout_ms=15000)
    rec = page.recorder

    rec.set_window_seconds(60)
    rec.read_top_sql()  # the screen's own read, in flight
    assert rec.top_handle is not None and not rec.top_handle.done
    assert page.top_sql(600) == [] and rec.current_window()[1] - rec.current_window()[0] == pytest.approx(601)

    rec.read_load()
    assert not rec.load_handle.done
    assert isinstance(page.load_by_wait(300), dict)
    assert page.source() == "sampled"

    end = time.time()
    screen.explain(end - 120, end)
    assert not rec.explain_handle.done
    sections = page.explain_window(end - 60, end)
    assert rec.explain_window_range == (end - 60, end) and sections["start"] < sections["end"]
