"""Searching a cluster's exported PostgreSQL log across its instances with FilterLogEvents,
against moto's CloudWatch Logs (issue 17)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from aurora_console.core.aws.db_logs.cloudwatch import (
    LogExportMissing,
    exports_postgresql_log,
    log_group_name,
    search_cluster_log,
)
from aurora_console.core.tasks import Cancelled, TaskContext
from tests.integration.db_logs.conftest import client

pytestmark = pytest.mark.integration

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def _line(moment: datetime, pid: int, severity: str, message: str) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC:10.0.0.5(40000):app@blog:[{pid}]:{severity}:  {message}"


@pytest.fixture
def logs(moto_endpoint):
    logs = client(moto_endpoint, "logs")
    group = log_group_name("blog")
    logs.create_log_group(logGroupName=group)
    events = {
        "blog-1": [(NOW - timedelta(minutes=50), 11, "LOG", "checkpoint complete"),
                   (NOW - timedelta(minutes=20), 12, "ERROR", "deadlock detected")],
        "blog-2": [(NOW - timedelta(minutes=30), 21, "ERROR", "canceling statement due to statement timeout"),
                   (NOW - timedelta(minutes=10), 22, "LOG", "duration: 2001.5 ms  statement: select 1")],
    }
    for stream, items in events.items():
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
            {"timestamp": int(moment.timestamp() * 1000), "message": _line(moment, pid, sev, text)}
            for moment, pid, sev, text in items])
    return logs


def test_search_across_the_instances_in_a_time_range(logs):
    found = list(search_cluster_log(logs, "blog", start=NOW - timedelta(hours=1), end=NOW, filter_pattern="ERROR"))
    assert sorted((e.stream, e.entries[0].pid) for e in found) == [("blog-1", 12), ("blog-2", 21)]
    assert all(e.entries[0].severity == "ERROR" for e in found)
    recent = list(search_cluster_log(logs, "blog", start=NOW - timedelta(minutes=15), end=NOW))
    assert [(e.stream, e.entries[0].slow.duration_ms) for e in recent] == [("blog-2", 2001.5)]
    only_one = list(search_cluster_log(logs, "blog", start=NOW - timedelta(hours=1), end=NOW, streams=["blog-1"]))
    assert {e.stream for e in only_one} == {"blog-1"} and len(only_one) == 2
    assert len(list(search_cluster_log(logs, "blog", start=NOW - timedelta(hours=1), end=NOW, limit=3))) == 3


def test_a_cluster_that_does_not_export_its_log(moto_endpoint):
    logs = client(moto_endpoint, "logs")
    with pytest.raises(LogExportMissing) as caught:
        list(search_cluster_log(logs, "nothing", start=NOW - timedelta(hours=1), end=NOW))
    assert "/aws/rds/cluster/nothing/postgresql" in caught.value.user_text()
    assert exports_postgresql_log({"EnabledCloudwatchLogsExports": ["postgresql"]})
    assert not exports_postgresql_log({"DBClusterIdentifier": "x"})


def test_cancel_before_a_page(logs):
    task = TaskContext()
    task.token.cancel()
    with pytest.raises(Cancelled):
        next(search_cluster_log(logs, "blog", start=NOW - timedelta(hours=1), end=NOW, task=task))


def test_naive_bounds_are_refused(logs):
    from aurora_console.core.aws.db_logs.time_range import TimeRangeError

    with pytest.raises(TimeRangeError, match="no time zone"):  # at the call, before any AWS call
        search_cluster_log(logs, "blog", start=datetime(2026, 1, 1), end=NOW)
    with pytest.raises(TimeRangeError, match="must end after it starts"):
        search_cluster_log(logs, "blog", start=NOW, end=NOW - timedelta(minutes=1))
