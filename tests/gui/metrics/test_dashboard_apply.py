"""Data in hand drawn by the dashboard in event-loop steps: a refresh whose time range moved (as
the clock runs on) gives each plot its new x range with its own curves, one plot at a time, not
all plots at once (which made every curve of every plot clip and downsample its old data again in
one step and one repaint); afterwards every plot shows the new range and the x axes are linked."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from aurora_console.core.aws.fleet.models import ClusterRef
from aurora_console.core.aws.metrics.catalog import get_metric
from aurora_console.core.aws.metrics.dashboard import DashboardData, DashboardScope, PlotData, PlotSeries
from aurora_console.core.aws.metrics.query import InstanceInfo, SeriesKey
from aurora_console.core.settings import SettingsStore
from aurora_console.ui.tasks import TaskRunner

pytestmark = pytest.mark.gui

METRICS = ("CPUUtilization", "DatabaseConnections", "FreeableMemory", "ReadIOPS")
T0 = 1_800_000_000


def _data(start: int, end: int) -> DashboardData:
    from aurora_console.ui.metrics.dashboard import prepare

    plots = []
    for key in METRICS:
        metric = get_metric(key)
        series = []
        for inst in ("blog-1", "blog-2"):
            ts = list(np.arange(start, end, 60, dtype=float))
            series.append(PlotSeries(inst, SeriesKey("AWS/RDS", key, (("DBInstanceIdentifier", inst),), "Average", 60),
                                     ts, [float(i % 50) for i in range(len(ts))]))
        plots.append(PlotData(metric, "Average", 60, series))
    return prepare(DashboardData(start, end, 60, plots))


@pytest.fixture
def dashboard(qtbot, tmp_path):
    from aurora_console.ui.metrics.dashboard import MetricsDashboard

    runner = TaskRunner()
    settings = SettingsStore(tmp_path / "settings.json")
    settings.section("metrics")["layouts"] = {"default/us-east-1/blog": {"metrics": list(METRICS)}}
    services = SimpleNamespace(settings=settings, runner=runner, aws=None, profile_label=lambda p: p or "default")
    dash = MetricsDashboard(services, ClusterRef(None, "us-east-1", "blog", "aurora-postgresql"),
                            service=SimpleNamespace(cache=SimpleNamespace(clear=lambda: None)))
    qtbot.addWidget(dash)
    dash.resize(1200, 800)
    dash.show()
    dash.scope = DashboardScope("blog", "aurora-postgresql", (InstanceInfo("blog-1", "WRITER"),
                                                              InstanceInfo("blog-2", "READER")))
    yield dash
    dash.shutdown()
    runner.shutdown(5000)


def _ranges(dash) -> dict[str, tuple[float, float]]:
    return {k: tuple(p.item.vb.viewRange()[0]) for k, p in dash.grid.plots.items()}


def _apply(qtbot, dash, data) -> None:
    n = dash.load_count
    dash._loaded(data)
    qtbot.waitUntil(lambda: dash.load_count > n, timeout=10_000)


def test_a_moved_range_reaches_each_plot_with_its_own_curves_then_all_are_linked(qtbot, dashboard, monkeypatch):
    dash = dashboard
    _apply(qtbot, dash, _data(T0, T0 + 3 * 3600))
    old = (T0, T0 + 3 * 3600)
    assert all(r == pytest.approx(old, abs=1) for r in _ranges(dash).values())

    from aurora_console.ui.metrics.plots import MetricPlot

    seen = []  # at each plot's first new curve: every plot's x range
    real = MetricPlot._set_curve

    def set_curve(plot, label, x, y):
        if label == "blog-1":
            seen.append((next(k for k, p in dash.grid.plots.items() if p is plot), _ranges(dash)))
        real(plot, label, x, y)

    monkeypatch.setattr(MetricPlot, "_set_curve", set_curve)
    from aurora_console.ui.metrics import dashboard as dashboard_module

    monkeypatch.setattr(dashboard_module, "APPLY_BUDGET_S", 0.0)  # one step a turn, repaints between
    new = (T0 + 600, T0 + 3 * 3600 + 600)
    _apply(qtbot, dash, _data(*new))
    assert [key for key, _r in seen] == list(METRICS)
    for n, (key, ranges) in enumerate(seen):
        assert ranges[key] == pytest.approx(new, abs=1)  # this plot has its new range with its curves
        for later in METRICS[n + 1:]:
            assert ranges[later] == pytest.approx(old, abs=1)  # the next plots keep theirs until their turn
    assert all(r == pytest.approx(new, abs=1) for r in _ranges(dash).values())
    first = dash.grid.plots[METRICS[0]]
    first.item.setXRange(T0, T0 + 7200, padding=0)  # a zoom on one plot: every plot follows (links work again)
    assert all(r == pytest.approx((T0, T0 + 7200), abs=1) for r in _ranges(dash).values())
