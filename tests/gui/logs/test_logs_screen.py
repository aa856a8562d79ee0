"""The Logs screen's widgets over a cluster whose log files are real files (the RDS calls are
answered by the sandbox's implementation of their semantics): the file list, the last lines in
columns, scroll-back by scrolling to the top, the severity filter, search with Next, an access
denial that names the permission while the file list and the CloudWatch search still work,
export, follow with Cancel, and closing the tab."""

from __future__ import annotations

import sys
import threading
import time
from datetime import datetime, timezone

import pytest
from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone
from PySide6.QtWidgets import QAbstractSlider

from aurora_console.core.aws.db_logs.entries import parse_entries
from aurora_console.core.aws.fleet.models import ClusterRef
from aurora_console.ui.logs.controller import Parsed
from aurora_console.ui.logs.feature import open_logs
from aurora_console.ui.logs.screen import FOLLOW_RENDER_MS, PARK_AHEAD_MS, RELEASE_AFTER_MS
from aurora_console.ui.ui_first import inside, step_aside
from tests.gui.logs.conftest import FolderSources
from tests.unit.core.aws.db_logs.fixtures import client_error, log_line, write_log

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]

REF = ClusterRef("default", "us-east-1", "blog", "aurora-postgresql")


def opened(window, qtbot, folder, **kw):
    sources = FolderSources(folder, **kw)
    screen = open_logs(window, REF, sources=sources, follow_interval=0.05)
    c = screen.controller
    qtbot.waitUntil(lambda: len(c.files) == 2, timeout=10000)
    return screen, c, sources


def last_message(screen) -> str | None:
    entry = screen.model.entry(screen.model.rowCount() - 1)
    return None if entry is None else entry.message


def test_files_open_at_their_last_lines_and_scrolling_to_the_top_loads_earlier(window, qtbot, log_folder):
    screen, c, _ = opened(window, qtbot, log_folder)
    qtbot.waitUntil(lambda: screen.files_view.topLevelItemCount() == 2, timeout=5000)  # rendered next turn
    assert screen.files_view.topLevelItem(0).text(0) == "error/postgresql.log.2026-12-07-05"
    item = screen.files_view.topLevelItem(0)
    screen.files_view.itemActivated.emit(item, 0)
    qtbot.waitUntil(lambda: c.reads == 1, timeout=10000)
    qtbot.waitUntil(lambda: screen.model.rowCount() == len(c.shown) > 0, timeout=5000)
    assert screen.model.index(screen.model.rowCount() - 1, 6).data() == "statement 2999"
    assert screen.model.index(0, 5).data() in ("LOG", "ERROR")
    rows = screen.model.rowCount()
    top = screen.model.entry(0)
    bar = screen.table.verticalScrollBar()
    bar.setValue(0)  # a program moving the view (a reset) does not load anything
    qtbot.wait(50)
    assert not c.loading_earlier and c.index is None
    bar.setValue(bar.maximum())
    bar.triggerAction(QAbstractSlider.SliderAction.SliderToMinimum)  # the user scrolls to the top
    qtbot.waitUntil(lambda: screen.model.rowCount() > rows and not c.loading_earlier, timeout=10000)
    added = screen.model.rowCount() - rows
    assert screen.model.entry(added) is top  # the rows read before are still there, after the new ones
    assert screen.table.rowAt(0) >= added - 1  # and the view stayed on them
    while c.can_load_earlier:
        c.load_earlier()
        qtbot.waitUntil(lambda: not c.loading_earlier, timeout=10000)
    numbers = [int(e.message.split()[-1]) for e in c.entries]
    assert numbers == list(range(3000))


def test_severity_filter_search_next_and_the_whole_entry_below(window, qtbot, log_folder):
    screen, c, _ = opened(window, qtbot, log_folder)
    c.open_file(c.files[0].name, 3000)
    qtbot.waitUntil(lambda: c.reads == 1, timeout=10000)
    screen.filter_bar.severity_boxes["ERROR"].setChecked(True)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 6, timeout=5000)
    assert {screen.model.index(r, 5).data() for r in range(6)} == {"ERROR"}
    screen.filter_bar.severity_boxes["ERROR"].setChecked(False)
    qtbot.waitUntil(lambda: screen.model.rowCount() == len(c.entries), timeout=5000)
    screen.filter_bar.search_edit.setText(r"deadlock detected (1250|2750)")
    screen.filter_bar.search_edit.returnPressed.emit()
    qtbot.waitUntil(lambda: screen.filter_bar.hits_label.text() == "1 of 2 found", timeout=5000)
    qtbot.waitUntil(lambda: screen.table.currentIndex().row() == c.hits[0], timeout=5000)
    assert "STATEMENT:  update t set x = 1" in screen.detail.toPlainText()
    screen.filter_bar.next_button.click()
    qtbot.waitUntil(lambda: screen.table.currentIndex().row() == c.hits[1], timeout=5000)
    assert "2750" in screen.detail.toPlainText()
    screen.filter_bar.search_edit.setText("(unclosed")
    screen.filter_bar.search_edit.returnPressed.emit()
    assert "Not a valid regular expression" in screen.filter_bar.hits_label.text()


def test_access_denied_names_the_permission_and_the_rest_still_works(window, qtbot, log_folder):
    screen, c, sources = opened(window, qtbot, log_folder)
    sources.rds_client.faults.append(client_error("AccessDenied", "DownloadDBLogFilePortion", "not authorized"))
    c.open_file(c.files[0].name)
    qtbot.waitUntil(lambda: "read" in c.errors, timeout=10000)
    qtbot.waitUntil(lambda: "rds:DownloadDBLogFilePortion" in screen.error_label.text(), timeout=5000)
    qtbot.waitUntil(lambda: screen.files_view.topLevelItemCount() == 2, timeout=5000)  # rendered next turn
    screen.tabs.setCurrentIndex(1)
    view = screen.cloudwatch_view
    assert view.search_button.isEnabled()
    view.pattern_edit.setText("boom")
    view.search_button.click()
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=10000)
    assert {view.table.item(r, 0).text() for r in range(2)} == {"blog-1", "blog-2"}
    assert sources.logs_client.calls[0]["logGroupName"] == "/aws/rds/cluster/blog/postgresql"


def test_export_through_the_screen(window, qtbot, log_folder, tmp_path):
    screen, c, _ = opened(window, qtbot, log_folder)
    c.open_file(c.files[1].name)
    qtbot.waitUntil(lambda: c.reads == 1, timeout=10000)
    out = tmp_path / "old.txt"
    screen.ask_export_path = lambda: (str(out), "text")
    qtbot.waitUntil(screen.toolbar.export_button.isEnabled, timeout=5000)
    screen.toolbar.export_button.click()
    qtbot.waitUntil(lambda: c.exported is not None, timeout=10000)
    assert out.read_text().count("\n") == 10 and "statement 9" in out.read_text()


def test_follow_shows_new_lines_and_cancel_stops_it(window, qtbot, log_folder):
    screen, c, _ = opened(window, qtbot, log_folder)
    screen.toolbar.follow_button.click()
    qtbot.waitUntil(lambda: c.follow_portions >= 1, timeout=10000)
    qtbot.waitUntil(lambda: screen.toolbar.follow_button.text() == "Stop following", timeout=5000)
    write_log(log_folder, "postgresql.log.2026-12-07-05", 2, start=5000)
    qtbot.waitUntil(lambda: last_message(screen) == "statement 5001", timeout=10000)
    assert screen.toolbar.cancel_button.isEnabled()
    screen.toolbar.cancel_button.click()
    qtbot.waitUntil(lambda: not c.busy, timeout=5000)
    qtbot.waitUntil(lambda: screen.toolbar.follow_button.text() == "Follow", timeout=5000)
    assert not c.following and not screen.toolbar.follow_button.isChecked()


def test_closing_the_tab_stops_following(window, qtbot, log_folder):
    screen, c, _ = opened(window, qtbot, log_folder)
    c.follow()
    qtbot.waitUntil(lambda: c.follow_portions >= 1, timeout=10000)
    window.close_tab(window.tabs.indexOf(screen))
    assert c.closed and not c.busy
    qtbot.waitUntil(lambda: not window.services.runner.active(), timeout=10000)


def test_the_tab_is_saved_and_restored_for_its_cluster(window, qtbot):
    from aurora_console.ui.logs.feature import _restore, tab_key

    _restore(window, {"kind": "logs", "profile": "default", "region": "us-east-1", "cluster_id": "blog",
                      "engine": "aurora-postgresql", "endpoint_url": None})
    screen = window.find_tab(tab_key(REF))
    assert screen is not None and screen.controller.target == "blog"
    assert window.tabs.tabText(window.tabs.indexOf(screen)) == "Logs · blog"
    # no AWS session in this window: the screen says so instead of failing silently
    qtbot.waitUntil(lambda: "No AWS session" in screen.error_label.text(), timeout=10000)


def test_the_table_paints_and_renders_with_workers_stepping_aside(window, qtbot, log_folder):
    # each visible cell is a call from Qt into Python; a worker parsing a busy log made each
    # of them wait for the GIL (170-250 ms paints): the paint runs inside ui_first now
    screen, c, _ = opened(window, qtbot, log_folder)
    c.open_file(c.files[0].name)
    qtbot.waitUntil(lambda: screen.model.rowCount() == len(c.shown) > 0, timeout=10000)
    seen = []
    real = screen.model.cell

    def cell(row, col):  # what the table's delegate asks for each cell it paints
        seen.append(inside())
        return real(row, col)

    screen.model.cell = cell
    screen.table.viewport().repaint()
    screen.render()
    assert seen and all(seen)


def test_lines_followed_in_are_rendered_together_and_other_changes_at_once(window, qtbot, log_folder):
    # a busy log brings a portion every 70-100 ms; each render repaints the table: while
    # following, new lines render at most every FOLLOW_RENDER_MS (screen.py), a click or a filter at once
    screen, c, _ = opened(window, qtbot, log_folder)
    c.follow()
    qtbot.waitUntil(lambda: c.follow_portions >= 1 and screen.model.rowCount() == len(c.shown) > 0, timeout=10000)
    screen.clock = lambda: 1000.0  # no time passes between the render and the portions (a loaded machine)
    screen.render()
    renders, timer = screen.renders, screen._render_timer
    for _ in range(3):  # portions arriving one after the other
        c.follow_portions += 1
        c.changed.emit()
    # deferred by FOLLOW_RENDER_MS (the interval set, not the time left: a loaded machine may
    # pause this thread past it before the check)
    assert timer.isActive() and timer.interval() == FOLLOW_RENDER_MS
    assert screen.renders == renders  # nothing rendered yet
    qtbot.waitUntil(lambda: screen.renders > renders, timeout=5000)
    assert screen.renders == renders + 1  # the three in one render
    screen.clock = time.monotonic
    c.set_filters(severities=["ERROR"])  # the user's change: rendered in the next event-loop turn
    assert timer.isActive() and timer.remainingTime() == 0
    qtbot.waitUntil(lambda: screen.model.rowCount() == len(c.shown) and all(e.severity == "ERROR" for e in c.shown),
                    timeout=5000)
    write_log(log_folder, "postgresql.log.2026-12-07-05", 3, start=7000)
    c.set_filters(severities=None)
    qtbot.waitUntil(lambda: last_message(screen) == "statement 7002", timeout=10000)  # followed lines still show
    c.stop_follow()


def _deferred_render(screen, c, lines: range = range(0)) -> int:
    """New lines followed in (entries of ``lines``), ``FOLLOW_RENDER_MS`` after a render: a
    deferred render (and a park before it) is scheduled; the renders so far."""
    screen.clock = lambda: 1000.0  # no time passes since that render (a loaded machine)
    screen.render()
    c.following = True
    if lines:
        c._append(Parsed.of(list(parse_entries(["".join(log_line(i) for i in lines)]))))
    c.follow_portions += 1
    c.changed.emit()
    assert screen._render_timer.isActive() and screen._park_timer.isActive()
    assert screen._park_timer.interval() == FOLLOW_RENDER_MS - PARK_AHEAD_MS
    return screen.renders


def test_workers_step_aside_from_shortly_before_a_deferred_render_until_it_is_painted(window, qtbot, log_folder):
    # on a busy machine the render's turn waited for a parsing worker holding the GIL (or
    # descheduled holding it) and shared the CPU with it: workers are parked PARK_AHEAD_MS
    # before the render until the table has painted it
    screen, c, _ = opened(window, qtbot, log_folder)
    c.follow()
    qtbot.waitUntil(lambda: c.follow_portions >= 1 and screen.model.rowCount() == len(c.shown) > 0, timeout=10000)
    c.stop_follow()
    qtbot.waitUntil(lambda: not inside(), timeout=5000)
    renders = _deferred_render(screen, c, range(30_000, 30_050))
    parked, waited, painted = [], [], []

    def at_park():  # runs right after the screen's own slot
        parked.append((inside(), screen.renders))
        # a worker between slices, while this thread waits for it (so the park cannot end first)
        worker = threading.Thread(target=lambda: waited.append(step_aside(0.05)))
        worker.start()
        worker.join(10)

    screen._park_timer.timeout.connect(at_park)
    screen.table.painted = lambda: (painted.append((inside(), screen.renders)), screen._painted())
    # this thread runs late (a loaded machine): the park and the render are both due when the
    # event loop next looks, and the park still comes first
    time.sleep((FOLLOW_RENDER_MS + 30) / 1000)
    qtbot.waitUntil(lambda: screen.renders > renders and not inside(), timeout=5000)
    assert parked == [(True, renders)]  # parked before the render
    assert waited == [True]  # the worker waited
    # still parked in the paint of the render's rows, not after it
    assert (True, renders + 1) in painted
    c.following = False


def test_the_park_comes_before_its_deferred_render_every_time(window, qtbot, log_folder):
    # the render's timer and the park's were coarse (Qt may fire such a timer up to 5% early or
    # late, on its own grid): in about one deferred render of four the render came at or before
    # the park, and cancelled it (a render sooner than the deferred one leaves no park)
    screen, c, _ = opened(window, qtbot, log_folder)
    order = []
    screen._park_timer.timeout.connect(lambda: order.append("park"))
    screen._render_timer.timeout.connect(lambda: order.append("render"))
    for _ in range(8):
        order.clear()
        renders = _deferred_render(screen, c)
        qtbot.waitUntil(lambda r=renders: screen.renders > r and not inside(), timeout=5000)
        assert order == ["park", "render"]
    c.following = False


def test_a_park_ends_when_the_screen_is_destroyed_without_closing(window, qtbot, log_folder):
    # a park lasts across event-loop turns; a screen torn down without can_close (a widget
    # teardown) left it on: the process kept the short switch interval and workers waited
    from shiboken6 import delete

    from aurora_console.ui.ui_first import UI_SWITCH_INTERVAL

    before = sys.getswitchinterval()
    screen, c, _ = opened(window, qtbot, log_folder)
    runner = screen.runner
    screen._park()
    assert inside() and sys.getswitchinterval() == UI_SWITCH_INTERVAL
    try:
        delete(screen)
        assert not inside() and sys.getswitchinterval() == before
        assert not step_aside(0.05)  # a worker no longer waits
    finally:
        c.close()
        runner.release(c, cancel=True)


def test_a_render_sooner_than_the_deferred_one_leaves_no_park_after_it(window, qtbot, log_folder):
    # a user's change renders at once: the park meant for the deferred render must not come
    # after it and hold the follow's parse back for nothing
    screen, c, _ = opened(window, qtbot, log_folder)
    screen.clock = lambda: 1000.0
    screen.render()
    c.following = True
    c.follow_portions += 1
    c.changed.emit()
    assert screen._park_timer.isActive()
    screen.render()
    assert not screen._park_timer.isActive()
    qtbot.wait(FOLLOW_RENDER_MS)
    assert not inside()
    c.following = False


def test_a_park_ends_without_a_paint_and_when_the_screen_closes(window, qtbot, log_folder):
    screen, c, _ = opened(window, qtbot, log_folder)
    screen._park()
    assert inside()
    screen.render()  # nothing visible changed: no paint
    qtbot.waitUntil(lambda: not inside(), timeout=5000)
    screen._park()
    assert inside()
    screen.can_close()
    assert not inside()


def test_entries_dropped_while_following_are_let_go_after_the_render_a_slice_a_turn(window, qtbot, log_folder):
    # freeing some 20,000 dropped entries at once was 5-9 ms of a render: the view lets go of
    # its rows, then the controller lets go of the entries in turns of RELEASE_BUDGET
    screen, c, _ = opened(window, qtbot, log_folder)
    c.max_kept_bytes = 400 * 350  # some 400 entries
    c.follow()
    qtbot.waitUntil(lambda: c.follow_portions >= 1 and screen.model.rowCount() == len(c.shown) > 0, timeout=10000)
    assert c.drops >= 1
    write_log(log_folder, "postgresql.log.2026-12-07-05", 1000, start=9000)
    qtbot.waitUntil(lambda: last_message(screen) == "statement 9999", timeout=10000)  # follow goes on
    qtbot.waitUntil(lambda: c.dropped_pending == 0, timeout=5000)
    assert screen._release_upto == c.drops >= 2
    assert screen.model.entries == c.shown and len(c.entries) < 1000
    c.stop_follow()


def test_dropped_entries_are_not_let_go_in_the_turn_that_paints_the_render(window, qtbot, log_folder, qapp):
    # the first slice of letting go came in the event-loop turn right after the render, the one
    # that paints its rows, and added its 2 ms to the longest stall while a busy log streamed in;
    # a timer started at the render fell due in that turn whenever it came late (a loaded machine)
    screen, c, _ = opened(window, qtbot, log_folder)
    c.open_file(c.files[0].name)
    qtbot.waitUntil(lambda: screen.model.rowCount() == len(c.shown) > 0, timeout=10000)
    c.max_kept_bytes = 2_000 * 350
    c._append(Parsed.of(list(parse_entries(["".join(log_line(i) for i in range(20_000, 24_000))]))))
    assert c.drops >= 1 and c.dropped_pending > 1_000
    pending = c.dropped_pending
    painted = []  # entries still to let go at each paint
    screen.table.painted = lambda: (painted.append(c.dropped_pending), screen._painted())
    screen.render()
    time.sleep(2 * RELEASE_AFTER_MS / 1000)  # the paint's turn comes late
    qapp.processEvents()  # the turn of the paint (and of timers already due)
    assert painted and painted[0] == pending  # painted, with nothing let go before
    assert c.dropped_pending == pending  # nor in the paint's turn
    qtbot.waitUntil(lambda: c.dropped_pending == 0, timeout=5000)  # then a slice a turn
    assert screen.model.entries == c.shown


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def test_a_custom_range_narrows_a_file_to_minutes_of_its_day(window, qtbot, log_folder):
    screen, c, _ = opened(window, qtbot, log_folder)
    c.open_file(c.files[0].name, 4000)  # the whole file
    qtbot.waitUntil(lambda: c.reads == 1, timeout=10000)
    bar = screen.filter_bar
    quick = [bar.range_combo.itemText(i) for i in range(bar.range_combo.count())]
    assert quick[:5] == ["All time", "Last 15 minutes", "Last hour", "Last 6 hours", "Last 24 hours"]
    assert not bar.range_edit.isVisibleTo(screen)
    bar.range_combo.setCurrentIndex(quick.index("Custom range…"))
    assert bar.range_edit.isVisibleTo(screen)
    # it starts as the span of the entries read, in UTC as the table shows them
    assert bar.range_edit.from_edit.text() == "2026-12-07 05:00:00"
    assert bar.range_edit.to_edit.text() == "2026-12-07 05:50:00"
    qtbot.waitUntil(lambda: not c.filtering, timeout=5000)
    assert len(c.shown) == 3000
    # the DBA types 05:10:00 - 05:20:00 into the fields
    bar.range_edit.from_edit.setDateTime(QDateTime(QDate(2026, 12, 7), QTime(5, 10), QTimeZone.utc()))
    bar.range_edit.to_edit.setDateTime(QDateTime(QDate(2026, 12, 7), QTime(5, 20), QTimeZone.utc()))
    qtbot.waitUntil(lambda: not c.filtering and c.filters.until == _utc("2026-12-07 05:20:00"), timeout=5000)
    assert (c.filters.since, c.filters.until) == (_utc("2026-12-07 05:10:00"), _utc("2026-12-07 05:20:00"))
    numbers = [int(e.message.split()[-1]) for e in c.shown]
    assert numbers == list(range(600, 1200))
    qtbot.waitUntil(lambda: screen.model.rowCount() == 600, timeout=5000)
    # To before From: said, not raised, and the last usable range stays
    bar.range_edit.to_edit.setDateTime(QDateTime(QDate(2026, 12, 7), QTime(5, 0), QTimeZone.utc()))
    assert bar.range_problem.isVisibleTo(screen) and "end after it starts" in bar.range_problem.text()
    assert c.filters.until == _utc("2026-12-07 05:20:00") and len(c.shown) == 600
    # a quick range again leaves the custom one
    bar.range_combo.setCurrentIndex(0)
    qtbot.waitUntil(lambda: not c.filtering and len(c.shown) == 3000, timeout=5000)
    assert not bar.range_edit.isVisibleTo(screen) and c.filters.until is None


def test_cloudwatch_searches_between_a_from_and_a_to_time(window, qtbot, log_folder):
    screen, c, sources = opened(window, qtbot, log_folder)
    screen.tabs.setCurrentIndex(1)
    view = screen.cloudwatch_view
    qtbot.waitUntil(view.search_button.isEnabled, timeout=5000)
    assert view.hours.isVisibleTo(screen) and not view.range_edit.isVisibleTo(screen)
    view.range_kind.setCurrentIndex(view.range_kind.findData("between"))
    assert view.range_edit.isVisibleTo(screen) and not view.hours.isVisibleTo(screen)
    view.range_edit.from_edit.setDateTime(QDateTime(QDate(2026, 12, 6), QTime(3, 10), QTimeZone.utc()))
    view.range_edit.to_edit.setDateTime(QDateTime(QDate(2026, 12, 6), QTime(3, 20, 30), QTimeZone.utc()))
    view.pattern_edit.setText("boom")
    view.search_button.click()
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=10000)
    call = sources.logs_client.calls[-1]
    assert (call["startTime"], call["endTime"]) == (int(_utc("2026-12-06 03:10:00").timestamp() * 1000),
                                                    int(_utc("2026-12-06 03:20:30").timestamp() * 1000))
    # a range that ends before it starts is said, and not searched
    view.range_edit.to_edit.setDateTime(QDateTime(QDate(2026, 12, 6), QTime(3, 0), QTimeZone.utc()))
    view.search_button.click()
    assert "end after it starts" in view.message.text() and len(sources.logs_client.calls) == 1


def test_the_search_box_keeps_room_for_a_pattern_beside_a_custom_range(window, qtbot, log_folder):
    screen, c, _ = opened(window, qtbot, log_folder)
    window.resize(1100, 700)  # a laptop-sized window with the navigator open
    bar = screen.filter_bar
    bar.range_combo.setCurrentIndex(bar.range_combo.count() - 1)  # the custom range's two date-time fields
    assert bar.custom()
    qtbot.waitUntil(lambda: bar.search_edit.isVisible(), timeout=5000)
    wide_enough = bar.search_edit.fontMetrics().horizontalAdvance("x" * 28)
    qtbot.waitUntil(lambda: bar.search_edit.width() >= wide_enough, timeout=5000)
    # the severities sit on their own row, above the range and the search
    assert bar.severity_boxes["PANIC"].geometry().bottom() < bar.search_edit.geometry().top()
