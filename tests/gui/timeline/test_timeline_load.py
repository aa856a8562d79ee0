"""A reading arriving in the Change timeline tab (issue 20: the UI thread's part of "load and
show" in ``benchmarks/timeline.py``): the rows the filters let through and the counts per source
are worked out on the worker, the table is laid out before its first paint (painted once, not
twice), and a change of state that leaves the rows as they were (a progress line, a refresh
starting) leaves the table and its selection alone. What the tab shows stays the same."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QEvent, QObject

from aurora_console.core.aws.timeline import entries as te
from aurora_console.core.aws.timeline.gather import Timeline
from aurora_console.ui.timeline.controller import TimelineController
from aurora_console.ui.timeline.widget import TimelineTab

pytestmark = pytest.mark.gui

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=timezone.utc)
SOURCES = (te.SOURCE_RDS, te.SOURCE_CLOUDTRAIL, te.SOURCE_AUDIT)
KINDS = (te.KIND_FAILOVER, te.KIND_REBOOT, te.KIND_MODIFICATION)


class WatchedEntries(tuple):
    """A timeline's entries that note each thread going over them."""

    threads: set[int]

    def __iter__(self):
        self.threads.add(threading.get_ident())
        return super().__iter__()


def _timeline(n: int = 300) -> Timeline:
    entries = WatchedEntries(
        te.TimelineEntry(NOW - timedelta(minutes=n - i), SOURCES[i % 3], KINDS[i % 5 % 3],
                         f"arn:aws:iam::1:user/u{i % 7}", f"ModifyDBCluster orders #{i}", where="10.0.0.1")
        for i in range(n))
    entries.threads = set()
    return Timeline("orders", NOW - timedelta(days=14), NOW, entries)


def _tab(qtbot, runner, timeline):
    controller = TimelineController(runner, lambda ctx, since, until: timeline, title="orders", clock=lambda: NOW)
    tab = TimelineTab(controller)
    qtbot.addWidget(tab)
    tab.resize(1200, 700)
    tab.show()
    qtbot.waitExposed(tab)
    return controller, tab


def _load(qtbot, controller):
    before = controller.load_count
    controller.load()
    qtbot.waitUntil(lambda: controller.load_count > before and not controller.loading, timeout=10_000)


def _shown(tab):
    return [tab.model.entry(r) for r in range(tab.model.rowCount())]


def test_the_rows_and_counts_of_a_reading_are_worked_out_on_the_worker(qtbot, runner):
    timeline = _timeline()
    controller, tab = _tab(qtbot, runner, timeline)
    controller.set_source_shown(te.SOURCE_AUDIT, False)
    controller.set_text("USER/U3")
    _load(qtbot, controller)
    assert threading.get_ident() not in timeline.entries.threads  # the UI thread went over none of them
    want = [e for e in timeline.entries if e.source != te.SOURCE_AUDIT and "user/u3" in e.who]
    assert want and controller.rows == want and _shown(tab) == want
    assert controller.counts() == {**dict.fromkeys(te.SOURCES, 0), te.SOURCE_RDS: 100, te.SOURCE_CLOUDTRAIL: 100,
                                   te.SOURCE_AUDIT: 100}
    assert tab.toolbar.source_boxes[te.SOURCE_AUDIT].text() == "Console audit log (100)"
    # the filters afterwards: as ever, over what was read
    controller.set_text("")
    assert _shown(tab) == [e for e in timeline.entries if e.source != te.SOURCE_AUDIT]


def test_a_filter_changed_while_reading_applies_to_the_reading(qtbot, runner):
    timeline = _timeline()
    release = threading.Event()

    def gather(ctx, since, until):
        release.wait(10)
        return timeline

    controller, tab = _tab(qtbot, runner, timeline)
    controller._gather = gather
    before = controller.load_count
    controller.load()
    controller.set_kinds([te.KIND_REBOOT])  # while the worker reads
    release.set()
    qtbot.waitUntil(lambda: controller.load_count > before, timeout=10_000)
    assert _shown(tab) == [e for e in timeline.entries if e.kind == te.KIND_REBOOT]


class _Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, _obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_a_reading_is_laid_out_before_the_tables_first_paint(qtbot, runner):
    # the empty table had no vertical scroll bar; laid out after its first paint, the scroll bar
    # came, narrowed the viewport and the whole table was painted a second time
    timeline = _timeline()
    controller, tab = _tab(qtbot, runner, timeline)
    qtbot.wait(50)
    assert not tab.table.verticalScrollBar().isVisible()
    paints = _Paints()
    tab.table.viewport().installEventFilter(paints)
    arrived = []

    def on_change():
        if controller.load_count:  # the reading has arrived (the tab rendered it first)
            arrived.append(tab.table.verticalScrollBar().isVisible())
            paints.count = 0  # (paints while reading, e.g. of the status line's new look, aside)

    controller.changed.connect(on_change)
    _load(qtbot, controller)
    assert arrived == [True]  # the scroll bar already there when the reading arrived
    qtbot.wait(200)
    assert paints.count == 1
    width = tab.table.viewport().width()
    assert tab.table.verticalScrollBar().isVisible() and _shown(tab) == list(timeline.entries)
    assert [tab.table.columnWidth(c) for c in range(6)] == [150, 120, 110, 260, 480, 200]
    assert tab.table.viewport().width() == width


def test_a_change_that_keeps_the_rows_keeps_the_table_and_its_selection(qtbot, runner):
    timeline = _timeline(40)
    controller, tab = _tab(qtbot, runner, timeline)
    _load(qtbot, controller)
    tab.table.selectRow(3)
    assert "#3" in tab.detail.toPlainText()
    resets = []
    tab.model.modelReset.connect(lambda: resets.append(1))
    release = threading.Event()
    controller._gather = lambda ctx, since, until: (release.wait(10), timeline)[1]
    controller.load()  # Refresh: the rows read before stay while the new reading runs
    controller._progress(None, "Reading CloudTrail…")
    assert controller.loading and resets == []
    assert tab.table.selectionModel().selectedRows()[0].row() == 3 and "#3" in tab.detail.toPlainText()
    release.set()
    qtbot.waitUntil(lambda: not controller.loading, timeout=10_000)
    assert resets == [1] and _shown(tab) == list(timeline.entries)  # the new reading: new rows
