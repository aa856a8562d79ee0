import csv
import math
import os
import stat

import pytest
from PySide6.QtCore import QPointF

from aurora_console.core.aws.session import AwsTarget

from .conftest import CLUSTER, READER, WRITER

# the offscreen QPA plugin warns whenever a shown window re-computes its size hints (harmless)
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def test_dashboard_through_the_page_object(console_on_moto, tmp_path):
    seeded = console_on_moto.seeded
    page = console_on_moto.metrics(CLUSTER)
    names = page.metric_names()
    assert names[:4] == ["CPUUtilization", "DatabaseConnections", "FreeableMemory", "AuroraReplicaLag"]
    assert "MaximumUsedTransactionIDs" in names and "DMLLatency" not in names
    assert page.period() == 60

    cpu = page.series("CPUUtilization")
    assert set(cpu) == {WRITER, READER}
    assert cpu[WRITER] == sorted(seeded.writer)
    assert page.series("AuroraReplicaLag") == {READER: [(seeded.now - 120, 12.5)]}
    assert page.message("DatabaseConnections") == "No datapoints in this range."

    dash = page.dashboard
    plot = dash.grid.plots["CPUUtilization"]
    curve = plot.curves[WRITER]
    assert curve.opts["connect"] == "finite"
    ys = curve.yData
    assert sum(math.isnan(v) for v in ys) == 1  # the 5-minute gap is one break, not a line across
    colors = {label: c.opts["pen"].color().name() for label, c in plot.curves.items()}
    assert colors == {WRITER: dash.grid.colors[WRITER], READER: dash.grid.colors[READER]}
    assert len(set(colors.values())) == 2
    assert WRITER in dash.legend.text() and "(writer)" in dash.legend.text()
    assert [line.value() for line in plot.thresholds] == [45.0]
    first = dash.grid.plots[names[0]].item
    assert all(p.item.getViewBox().linkedView(0) is first.getViewBox() for p in list(dash.grid.plots.values())[1:])
    assert plot.item.getAxis("left").tickStrings([0, 25, 50], 1, 25) == ["0%", "25%", "50%"]  # one number of decimals per axis
    mem_axis = dash.grid.plots["FreeableMemory"].item.getAxis("left")
    assert mem_axis.tickStrings([0, 2 ** 30, 2 * 2 ** 30], 1, 2 ** 30) == ["0 GiB", "1 GiB", "2 GiB"]

    page.set_range("1d")
    assert page.period() == 60 and len(page.series("CPUUtilization")[WRITER]) == len(seeded.writer)
    page.set_range("1w")
    assert page.period() == 600

    page.set_statistic("Maximum")
    assert dash.data.plot("CPUUtilization").stat == "Maximum"
    page.remove_metric("DatabaseConnections")
    page.add_metric("BufferCacheHitRatio")
    assert "DatabaseConnections" not in page.metric_names() and page.metric_names()[-1] == "BufferCacheHitRatio"

    png, out = tmp_path / "dash.png", tmp_path / "dash.csv"
    old_umask = os.umask(0o022)
    try:
        page.export_png(png)
    finally:
        os.umask(old_umask)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.name == "posix":
        assert stat.S_IMODE(png.stat().st_mode) == 0o600  # an export the console creates is owner-only
    rows = page.export_csv(out)
    table = list(csv.DictReader(out.open()))
    assert rows == len(table) > 0
    assert {r["series"] for r in table if r["metric"] == "CPUUtilization"} == {WRITER, READER}


def test_layout_is_saved_per_cluster(console_on_moto):
    page = console_on_moto.metrics(CLUSTER)
    page.remove_metric("CommitLatency")
    page.set_range("12h")
    page.dashboard.set_utc(True)
    page.dashboard.refresh_combo.setCurrentIndex(page.dashboard.refresh_combo.findData(60))
    page.dashboard.refresh_combo.activated.emit(page.dashboard.refresh_combo.currentIndex())
    assert page.dashboard._timer.isActive() and page.dashboard._timer.interval() == 60_000
    section = console_on_moto.services.settings.section("metrics")
    (saved,) = section["layouts"].values()
    assert "CommitLatency" not in saved["metrics"] and saved["preset"] == "12h" and saved["utc"] is True
    assert saved["refresh_seconds"] == 60
    assert console_on_moto.window.close_tab(console_on_moto.window.tabs.indexOf(page.dashboard))
    again = console_on_moto.metrics(CLUSTER)
    assert "CommitLatency" not in again.metric_names()
    assert again.dashboard.range_combo.currentData() == "12h" and again.dashboard.tz_combo.currentIndex() == 1
    assert again.dashboard._timer.interval() == 60_000


@pytest.mark.expected_errors  # moto's server logs its HTTP 500 for p99
def test_p99_failure_is_a_message_inside_that_plot_only(console_on_moto):
    page = console_on_moto.metrics(CLUSTER)
    page.set_statistic("p99", metric="CPUUtilization")  # one plot's own statistic
    message = page.message("CPUUtilization")
    assert "CPUUtilization (p99)" in message
    plot = page.dashboard.grid.plots["CPUUtilization"]
    assert plot.message.isVisible() and "p99" in plot.message.toPlainText()
    assert page.series("FreeableMemory")[WRITER] == [(console_on_moto.seeded.now - 120, 3.0 * 2 ** 30)]
    assert page.message("FreeableMemory") is None
    # every plot: after two metrics failed on p99 the endpoint is not asked again for it (each
    # failing call costs botocore's retries), so every plot says why it is empty
    page.set_statistic("p99")
    assert all("p99" in page.message(m) for m in page.metric_names())
    assert "not asked again" in page.message("DatabaseConnections")


def test_plot_context_menu_sets_its_statistic_and_removes_it(console_on_moto):
    page = console_on_moto.metrics(CLUSTER)
    dash = page.dashboard
    center = dash.grid.plots["FreeableMemory"].item.sceneBoundingRect().center()
    assert dash.grid.plot_at(center) == "FreeableMemory"
    menu = dash.plot_menu("FreeableMemory")
    stat_menu = menu.actions()[0].menu()
    maximum = next(a for a in stat_menu.actions() if a.text() == "Maximum")
    n = dash.load_count
    maximum.trigger()
    page.wait(n)
    assert dash.data.plot("FreeableMemory").stat == "Maximum" and dash.data.plot("CPUUtilization").stat == "Average"
    n = dash.load_count
    next(a for a in menu.actions() if a.text() == "Remove this plot").trigger()
    page.wait(n)
    assert "FreeableMemory" not in page.metric_names() and "FreeableMemory" not in dash.grid.plots


def test_crosshair_follows_the_mouse_and_reads_every_series(console_on_moto, qtbot):
    seeded = console_on_moto.seeded
    page = console_on_moto.metrics(CLUSTER)
    dash = page.dashboard
    plot = dash.grid.plots["CPUUtilization"]
    qtbot.waitUntil(lambda: plot.item.vb.viewRange()[0][0] <= seeded.now - 3 * 3600 + 60)  # layout settled
    t = seeded.now - 600
    def hover() -> bool:
        # the plots are drawn progressively (a slice per event-loop turn): a move that lands
        # before the last slice is answered for what is drawn then, so the pointer is moved again
        # the way a real mouse keeps sending moves, until every series is read; a move answered
        # after the view range changed (the range settles as slices arrive) lands elsewhere, so
        # the pointer is moved again until the crosshair stands where it points
        dash.grid.widget.scene().sigMouseMoved.emit(plot.item.vb.mapViewToScene(QPointF(t + 30, 20)))
        text = dash.readout.text()
        return WRITER in text and READER in text and abs(plot.crosshair.value() - (t + 30)) < 60

    qtbot.waitUntil(hover, timeout=15000)
    x = plot.crosshair.value()
    assert abs(x - (t + 30)) < 60
    assert all(p.crosshair.isVisible() and p.crosshair.value() == x for p in dash.grid.plots.values())
    text = dash.readout.text()
    writer_value = [v for ts, v in sorted(seeded.writer) if ts <= x][-1]
    assert READER in text and "5.00%" in text and f"{writer_value:.1f}%" in text


def test_closing_the_tab_during_a_load_drops_the_result(console_on_moto):
    page = console_on_moto.metrics(CLUSTER)
    dash, window = page.dashboard, console_on_moto.window
    dash.set_range("1w")  # starts a load
    assert dash.loading
    from shiboken6 import isValid

    # the load in flight, submitted with the tab as its owner (the runner drops its late result)
    handle = max(window.services.runner.owned(dash), key=lambda h: h.id)
    assert window.close_tab(window.tabs.indexOf(dash))
    console_on_moto.qtbot.waitUntil(lambda: not isValid(dash))  # the widget is gone (deleteLater)
    console_on_moto.wait()
    assert handle.state in ("cancelled", "done")
    assert not [n for n in console_on_moto.notifications() if n.startswith("error")]


def test_a_stopped_cluster_says_why_its_plots_are_empty(console_on_moto):
    rds = console_on_moto.seeded.factory.client("rds", AwsTarget(None, "us-east-1"))
    rds.stop_db_cluster(DBClusterIdentifier=CLUSTER)
    page = console_on_moto.metrics(CLUSTER)
    assert "the cluster is stopped" in page.message("DatabaseConnections")
    assert page.series("CPUUtilization")[WRITER]  # what it sent before it stopped is still drawn
    assert page.message("CPUUtilization") is None
    assert "cluster stopped" in page.status()
    shown = page.dashboard.grid.plots["DatabaseConnections"].message
    assert shown.isVisible() and "stopped" in shown.toPlainText()


def test_plots_paint_and_draw_with_workers_stepping_aside(console_on_moto, qtbot):
    # a paint of the grid and each drawing turn are pyqtgraph's Python from end to end; a
    # worker preparing data meanwhile made each call wait for the GIL: they run inside ui_first
    from aurora_console.ui.ui_first import inside

    page = console_on_moto.metrics(CLUSTER)
    dash = page.dashboard
    # drawn for their size (a resize of the opening dashboard shows its picture until it settles)
    qtbot.waitUntil(lambda: not dash.grid.redrawing, timeout=5000)
    plot = dash.grid.plots["CPUUtilization"]
    seen = []
    curve = next(iter(plot.curves.values()))
    real_paint = type(curve.curve).paint

    def paint(item, *args):
        seen.append(("paint", inside()))
        return real_paint(item, *args)

    curve.curve.paint = paint.__get__(curve.curve)
    dash.grid.widget.viewport().repaint()
    assert ("paint", True) in seen and all(v for _w, v in seen)
    seen.clear()
    real_set = plot._set_curve
    plot._set_curve = lambda *a: (seen.append(("draw", inside())), real_set(*a))
    n = dash.load_count
    dash._loaded(dash.data)
    qtbot.waitUntil(lambda: dash.load_count > n, timeout=10000)
    assert ("draw", True) in seen and all(v for _w, v in seen) and not inside()
