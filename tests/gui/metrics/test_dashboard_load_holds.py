"""While the dashboard's worker parses and prepares the series, the interpreter's switch interval
is short (ui/switch_interval.py), so the UI thread waits at most ~1 ms for the GIL each time, and
the garbage collector's full passes wait (ui/full_collections.py); both are restored however the
load ends: done, failed, or the dashboard closed meanwhile."""

from __future__ import annotations

import gc
import sys
import threading
from types import SimpleNamespace

import pytest

from aurora_console.core.aws.fleet.models import ClusterRef
from aurora_console.core.aws.metrics.dashboard import DashboardData, DashboardScope
from aurora_console.core.aws.metrics.query import InstanceInfo
from aurora_console.core.aws.metrics.range import TimeRange
from aurora_console.core.settings import SettingsStore
from aurora_console.ui import full_collections, switch_interval
from aurora_console.ui.tasks import TaskRunner

pytestmark = pytest.mark.gui


class GatedService:
    """A metrics service whose load waits for the test to let it go (and then returns no plots or fails)."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.go = threading.Event()
        self.fail = False
        self.cache = SimpleNamespace(clear=lambda: None)

    def load(self, request, task=None):
        self.started.set()
        assert self.go.wait(10)
        if self.fail:
            raise RuntimeError("CloudWatch said no")
        return DashboardData(plots=(), start=0, end=3600, period=60, calls=1)


@pytest.fixture
def dashboard(qtbot, tmp_path):
    from aurora_console.ui.metrics.dashboard import MetricsDashboard

    runner = TaskRunner()
    services = SimpleNamespace(settings=SettingsStore(tmp_path / "settings.json"), runner=runner, aws=None,
                               profile_label=lambda p: p or "default")
    service = GatedService()
    dash = MetricsDashboard(services, ClusterRef(None, "us-east-1", "blog", "aurora-postgresql"), service=service)
    qtbot.addWidget(dash)
    dash.scope = DashboardScope("blog", "aurora-postgresql", (InstanceInfo("blog-1", "WRITER"),))
    dash.time_range = TimeRange.last("1h")
    before = sys.getswitchinterval()
    thresholds = gc.get_threshold()
    yield dash, service, runner, before
    service.go.set()
    runner.shutdown(5000)
    assert not switch_interval.holding() and not full_collections.holding()
    assert sys.getswitchinterval() == before and gc.get_threshold() == thresholds


@pytest.mark.parametrize("fail", [False, True])
def test_the_switch_interval_is_short_and_full_collections_wait_while_the_series_load(qtbot, dashboard, fail):
    dash, service, runner, before = dashboard
    service.fail = fail
    dash.refresh()
    assert service.started.wait(10)
    assert switch_interval.holding() and sys.getswitchinterval() == switch_interval.HELD
    assert full_collections.holding() and gc.get_threshold()[2] == full_collections.HELD_BACK
    service.go.set()
    qtbot.waitUntil(lambda: not dash.loading, timeout=10000)
    qtbot.waitUntil(lambda: not runner.active(), timeout=10000)
    assert not switch_interval.holding() and sys.getswitchinterval() == before
    assert not full_collections.holding()
    assert not full_collections.holding()


def test_closing_the_dashboard_during_a_load_restores_it_too(qtbot, dashboard):
    dash, service, runner, before = dashboard
    dash.refresh()
    assert service.started.wait(10)
    dash.shutdown()
    runner.release(dash)  # the tab closed: the task's callbacks are dropped
    service.go.set()
    qtbot.waitUntil(lambda: not runner.active(), timeout=10000)
    assert not switch_interval.holding() and sys.getswitchinterval() == before
    assert not full_collections.holding()


def test_the_first_dashboard_freezes_what_its_modules_made_out_of_full_collections(qtbot, tmp_path, monkeypatch):
    from aurora_console.ui.metrics.dashboard import MetricsDashboard

    monkeypatch.setattr(full_collections, "_frozen_screens", set())
    runner = TaskRunner()
    services = SimpleNamespace(settings=SettingsStore(tmp_path / "settings.json"), runner=runner, aws=None,
                               profile_label=lambda p: p or "default")
    frozen = gc.get_freeze_count()
    try:
        first = MetricsDashboard(services, ClusterRef(None, "us-east-1", "blog", "aurora-postgresql"),
                                 service=GatedService())
        qtbot.addWidget(first)
        assert gc.get_freeze_count() > frozen
        assert not full_collections.freeze_first_opening("metrics")  # once per process
    finally:
        gc.unfreeze()
        runner.shutdown(5000)
