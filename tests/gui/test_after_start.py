"""``window.after_start(delay_ms, callback)``: work that would compete with the start (the SQL
highlighter's lexer warm-up, the Top SQL recorder's ticks) runs a while after the start's first
load ended, never on a clock that a slow start (a busy machine, the sandbox) outlasts."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


@pytest.fixture
def make_window(qtbot, qapp):
    from aurora_console.app import build_services, shutdown_services
    from aurora_console.testing.console import console_options
    from aurora_console.ui.main_window import MainWindow

    made = []

    def make():
        services = build_services(console_options(sandbox=False), qapp)
        win = MainWindow(services)
        qtbot.addWidget(win)
        made.append(win)
        return win

    yield make
    for win in made:
        win.close()
        shutdown_services(win.services)


def test_callbacks_wait_for_the_first_load_to_end_then_run_after_their_delay(make_window, qtbot):
    window = make_window()
    ran = []
    window.after_start(80, lambda: ran.append("later"))
    window.after_start(0, lambda: ran.append("first"))
    qtbot.wait(150)
    assert ran == []  # the start has not ended: nothing runs, however long it takes
    window.load_finished.emit(True, [])
    qtbot.waitUntil(lambda: ran == ["first"], timeout=2000)
    qtbot.waitUntil(lambda: ran == ["first", "later"], timeout=2000)
    window.load_finished.emit(True, [])  # a later load (a refresh) runs nothing again
    qtbot.wait(150)
    assert ran == ["first", "later"]


def test_a_failed_start_ends_the_start_too(make_window, qtbot):
    window = make_window()
    ran = []
    window.after_start(0, lambda: ran.append(True))
    window.load_finished.emit(False, ["no credentials"])
    qtbot.waitUntil(lambda: ran == [True], timeout=2000)


def test_a_callback_given_after_the_start_runs_after_its_delay(make_window, qtbot):
    window = make_window()
    window.load_finished.emit(True, [])
    ran = []
    window.after_start(50, lambda: ran.append(True))
    assert ran == []  # not synchronously: from the event loop, after the delay
    qtbot.waitUntil(lambda: ran == [True], timeout=2000)


def test_the_sql_lexer_warm_up_waits_for_the_start(make_window, qtbot, monkeypatch):
    import aurora_console.ui.sql.feature as sql_feature

    warmed = []
    monkeypatch.setattr(sql_feature, "LEXER_WARM_UP_DELAY_MS", 20)
    monkeypatch.setattr(sql_feature, "_warm_lexer", lambda profiles=None: warmed.append(profiles))
    window = make_window()
    qtbot.wait(200)
    assert warmed == [] and not [h for h in window.services.runner.active() if h.name == "Prepare SQL highlighting"]
    window.load_finished.emit(True, [])
    qtbot.waitUntil(lambda: warmed == [window.services.profiles], timeout=5000)


def test_the_top_sql_recorder_ticks_only_after_the_start(make_window, qtbot):
    from PySide6.QtCore import QTimer

    from aurora_console.ui.performance.feature import BACKGROUND_TICK_MS, BACKGROUND_TIMER, background_of

    window = make_window()
    timer = window.findChild(QTimer, BACKGROUND_TIMER)
    assert timer is not None and not timer.isActive()
    assert background_of(window) is not None  # made on demand all the same
    window.load_finished.emit(True, [])
    qtbot.waitUntil(timer.isActive, timeout=2000)
    assert timer.interval() == BACKGROUND_TICK_MS
