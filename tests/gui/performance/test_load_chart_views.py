"""The Load chart on load sampled from the rig's real PostgreSQL (a session waiting on another's
row lock): stacked by wait, the vCPU line, the source said with its reason, the statements with
the most load, the waits under the pointer; Performance Insights named as the source when it is."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QPointF

from aurora_console.core.performance.activity_history import ActivityHistory
from aurora_console.core.performance.load import SOURCE_PI, LoadReader, LoadSeries, LoadTarget
from aurora_console.ui.performance.load_chart import LoadChart
from aurora_console.ui.performance.load_stack import TYPE_COLORS

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


@pytest.fixture
def contended(new_database):
    """A session holding a row lock and another waiting for it, on a real database."""
    db = new_database()
    with db.connect(autocommit=True) as setup:
        setup.execute("CREATE TABLE items (id int PRIMARY KEY, n int)")
        setup.execute("INSERT INTO items VALUES (1, 0)")
    holder = db.connect(application_name="test-holder")
    holder.execute("UPDATE items SET n = n + 1 WHERE id = 1")  # its transaction stays open
    waiter = db.connect(autocommit=True, application_name="test-waiter")
    waiter_pid = waiter.info.backend_pid
    done = threading.Thread(target=lambda: waiter.execute("UPDATE items SET n = n + 10 WHERE id = 1"))
    done.start()
    with db.connect(autocommit=True) as observer:
        deadline = time.time() + 10
        while time.time() < deadline:
            row = observer.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                                   (waiter_pid,)).fetchone()
            if row and row[0] == "Lock":
                break
            time.sleep(0.05)
    try:
        yield db
    finally:
        holder.rollback()
        done.join(10)
        holder.close()
        waiter.close()


def _chart(qtbot) -> LoadChart:
    chart = LoadChart(utc=True)
    qtbot.addWidget(chart)
    chart.resize(900, 600)
    chart.show()
    return chart


def test_sampled_lock_wait_is_stacked_with_vcpus_source_and_reason(qtbot, contended):
    history = ActivityHistory()
    start = datetime.now(timezone.utc).replace(microsecond=0)
    with contended.connect(autocommit=True, application_name="aurora-console performance") as conn:
        for _ in range(3):
            history.sample(conn)
            time.sleep(1.0)
    end = datetime.now(timezone.utc) + timedelta(seconds=1)
    reader = LoadReader(LoadTarget("pg-writer", "db.r6g.large"), history)  # no AWS side: sampled
    series = reader.read(start, end, step_s=1)

    chart = _chart(qtbot)
    chart.set_series(series)
    stack = chart.stack
    assert "sampled" in chart.source_label.text() and "pg_stat_activity" in chart.source_label.text()
    assert "Performance Insights" in chart.reason_label.text()  # why not PI: no AWS account attached
    lock = next(layer for layer in stack.layers if layer.wait == "Lock:transactionid")
    assert lock.color == TYPE_COLORS["Lock"] and lock.average >= 1.0  # the waiter, in every sample
    drawn = {c.name() for c in chart.fills}
    assert "Lock:transactionid" in drawn and chart.fills  # painted as filled areas
    assert all(c.opts["fillLevel"] == 0 for c in chart.fills)
    assert chart.vcpu_line.isVisible() and chart.vcpu_line.value() == 2
    assert chart.vcpu_line.label.format == "2 vCPUs" and "2 vCPUs" in chart.summary_label.text()
    assert "Lock:transactionid" in chart.legend.text()
    # the statements with the most load: the waiting UPDATE
    assert any("UPDATE items" in chart.by_sql.item(r, 1).text() for r in range(chart.by_sql.rowCount()))
    assert not chart.message.isVisible()

    # the pointer over a sampled second reads its waits
    t = next(x for x, total in zip(stack.x, stack.total, strict=True) if total == total)  # first step with data
    vb = chart.plot.getPlotItem().vb
    qtbot.waitUntil(lambda: chart.plot.isVisible())

    def hover() -> bool:
        chart.plot.scene().sigMouseMoved.emit(vb.mapViewToScene(QPointF(t + 0.5, 0.5)))
        return "Lock:transactionid" in chart.readout.text()

    qtbot.waitUntil(hover, timeout=5000)
    assert chart.crosshair.isVisible()
    chart.shutdown()


def test_performance_insights_is_named_and_an_unknown_vcpu_count_says_why(qtbot):
    t0 = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)
    times = tuple(t0 + timedelta(minutes=i) for i in range(5))
    series = LoadSeries(source=SOURCE_PI, reason="Performance Insights for pg-writer (db-ABC), 60 s periods.",
                        times=times, by_wait={"CPU": [0.5, 1.0, float("nan"), 2.0, 1.0],
                                              "IO:DataFileRead": [0.1, 0.2, float("nan"), 0.3, 0.0]},
                        vcpus=None, step_s=60, vcpus_note="db.serverless scales its capacity in ACUs, so it has "
                                                          "no fixed vCPU count: no vCPU line is drawn.")
    chart = _chart(qtbot)
    chart.set_series(series)
    assert chart.source_label.text() == "Source: Performance Insights"
    assert "60 s periods" in chart.reason_label.text() and "ACUs" in chart.reason_label.text()
    assert not chart.vcpu_line.isVisible()
    # the gap at 10:02 splits every layer in two filled runs
    assert sorted(c.name() for c in chart.fills) == ["CPU", "CPU", "IO:DataFileRead", "IO:DataFileRead"]
    (x0, x1), _y = chart.plot.getPlotItem().vb.viewRange()
    assert x0 == pytest.approx(t0.timestamp()) and x1 == pytest.approx(times[-1].timestamp() + 60)
    chart.show_values_at(t0.timestamp() + 150)  # in the gap: nothing to read
    assert chart.readout.text() == "" and not chart.crosshair.isVisible()
    chart.show_values_at(t0.timestamp() + 190)
    assert "total 2.30" in chart.readout.text() and "10:03:00 UTC" in chart.readout.text()

    chart.set_series(LoadSeries(source=SOURCE_PI, reason="r", times=(), by_wait={}, vcpus=4))
    assert chart.fills == [] and chart.message.isVisible() and "No load data" in chart.message.toPlainText()
    chart.set_message("Connection lost: paused")
    assert chart.message.toPlainText() == "Connection lost: paused"
    chart.shutdown()
