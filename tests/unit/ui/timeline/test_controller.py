"""The Change timeline screen's controller without Qt: reading through the runner, filters by
source, kind and text in memory, problems per source, a late or cancelled read."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from aurora_console.core.aws.timeline import entries as te
from aurora_console.core.aws.timeline.gather import Timeline
from aurora_console.ui.timeline.controller import TimelineController
from tests.unit.recording_runner import RecordingRunner

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=timezone.utc)


def _entry(minutes, source, kind, what, who="arn:aws:iam::1:user/a"):
    return te.TimelineEntry(NOW - timedelta(minutes=minutes), source, kind, who, what)


TIMELINE = Timeline("orders", NOW - timedelta(days=14), NOW, (
    _entry(90, te.SOURCE_RDS, te.KIND_FAILOVER, "orders: Started cross AZ failover", who="RDS"),
    _entry(60, te.SOURCE_CLOUDTRAIL, te.KIND_MODIFICATION, "ModifyDBCluster orders"),
    _entry(30, te.SOURCE_AUDIT, te.KIND_REBOOT, "reboot orders-1"),
    _entry(10, te.SOURCE_MIGRATIONS, te.KIND_MIGRATION, "public.flyway_schema_history: SQL V7 add index", who="deploy"),
), {te.SOURCE_PENDING: "Access denied: this profile may not call rds:DescribePendingMaintenanceActions."},
    (te.SOURCE_RDS, te.SOURCE_CLOUDTRAIL, te.SOURCE_AUDIT, te.SOURCE_MIGRATIONS, te.SOURCE_PENDING))


@pytest.fixture
def setup():
    runner = RecordingRunner()
    asked = []

    def gather(ctx, since, until):
        asked.append((since, until))
        return TIMELINE

    controller = TimelineController(runner, gather, title="orders", clock=lambda: NOW)
    seen = []
    controller.changed.connect(lambda: seen.append(controller.status()))
    return runner, controller, asked, seen


def test_load_reads_the_period_on_the_runner_and_shows_every_row(setup):
    runner, controller, asked, seen = setup
    controller.load(7)
    assert controller.loading and seen[-1] == "Reading…"
    [task] = runner.tasks
    assert task.owner is controller and task.name == "Change timeline: orders"
    task.run()
    assert asked == [(NOW - timedelta(days=7), NOW)]
    assert [r.what for r in controller.rows] == [e.what for e in TIMELINE.entries]
    assert controller.status().startswith("4 of 4 entries · last 7 day(s)")
    assert controller.problems() == [
        "Pending: Access denied: this profile may not call rds:DescribePendingMaintenanceActions."]
    assert controller.counts()[te.SOURCE_CLOUDTRAIL] == 1


def test_filters_apply_without_reading_again(setup):
    runner, controller, _asked, _seen = setup
    controller.load()
    runner.tasks[0].run()
    controller.set_source_shown(te.SOURCE_RDS, False)
    assert te.SOURCE_RDS not in {r.source for r in controller.rows} and len(controller.rows) == 3
    controller.set_kinds([te.KIND_REBOOT, te.KIND_MIGRATION])
    assert [r.kind for r in controller.rows] == [te.KIND_REBOOT, te.KIND_MIGRATION]
    controller.set_text("FLYWAY")
    assert [r.who for r in controller.rows] == ["deploy"]
    controller.set_kinds(None)
    controller.set_text("")
    assert len(controller.rows) == 3 and len(runner.tasks) == 1
    # entries() for scripts ignores the screen's filters
    assert len(controller.entries()) == 4
    assert [e.source for e in controller.entries(since=NOW - timedelta(minutes=45))] == [te.SOURCE_AUDIT,
                                                                                          te.SOURCE_MIGRATIONS]
    assert [e.source for e in controller.entries(sources=[te.SOURCE_RDS])] == [te.SOURCE_RDS]


def test_a_new_load_cancels_the_running_one(setup):
    runner, controller, _asked, _seen = setup
    controller.load()
    controller.load(3)
    assert runner.tasks[0].cancel_requested and not runner.tasks[1].cancel_requested
    runner.tasks[0].cancelled()
    assert controller.status() == "Cancelled."
    with pytest.raises(ValueError):
        controller.load(0)


def test_a_failed_read_says_why(setup):
    from aurora_console.core.aws.timeline.gather import TimelineError

    runner, controller, _asked, _seen = setup
    controller.load()
    runner.tasks[0].fail(TimelineError("Cluster 'orders' was not found."))
    assert controller.status() == "Failed: Cluster 'orders' was not found." and controller.rows == []


def test_counts_per_source_follow_each_reading(setup):
    # counted once per reading (the toolbar asks on every change), so a new reading counts again
    runner, controller, _asked, _seen = setup
    controller.load()
    runner.tasks[-1].run()
    first = controller.counts()
    assert first[te.SOURCE_CLOUDTRAIL] == 1 and first[te.SOURCE_RDS] == 1
    first[te.SOURCE_RDS] = 99  # the caller's copy
    assert controller.counts()[te.SOURCE_RDS] == 1
    more = Timeline("orders", NOW - timedelta(days=14), NOW, TIMELINE.entries + (
        _entry(5, te.SOURCE_CLOUDTRAIL, te.KIND_MODIFICATION, "ModifyDBCluster orders again"),), {}, TIMELINE.sources)
    controller._gather = lambda ctx, since, until: more
    controller.load()
    runner.tasks[-1].run()
    assert controller.counts()[te.SOURCE_CLOUDTRAIL] == 2
    controller.set_sources([te.SOURCE_RDS])  # filters do not change what was read
    assert controller.counts()[te.SOURCE_CLOUDTRAIL] == 2
