"""The Replication tab: one row per reader, the lag the server reports (with where it came from)
beside CloudWatch's AuroraReplicaLag; a reader the server does not report still has its row, and
an instance with no replica says so."""

from __future__ import annotations

import pytest

from aurora_console.core.performance.replication import (
    SOURCE_AURORA,
    SOURCE_PG_STAT_REPLICATION,
    ReplicaLag,
)
from aurora_console.ui.performance.replication_view import ReplicationView

pytestmark = pytest.mark.gui


def rows(view):
    t = view.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_server_lag_beside_cloudwatch_per_reader(qtbot):
    view = ReplicationView()
    qtbot.addWidget(view)
    lags = (ReplicaLag("blog-2", 12.4, SOURCE_AURORA, state="streaming"),
            ReplicaLag("blog-3", 1500.0, SOURCE_AURORA, state="streaming"))
    view.show_lag(lags, {"blog-2": 20.0, "blog-3": None, "blog-4": 3.0}, ["blog-2", "blog-3", "blog-4"])
    assert rows(view) == [
        ["blog-2", "12 ms", SOURCE_AURORA, "streaming", "20 ms"],
        ["blog-3", "1,500 ms", SOURCE_AURORA, "streaming", "unknown"],  # no CloudWatch datapoint yet
        ["blog-4", "not reported by the server", "", "", "3.0 ms"],
    ]
    assert "3 replica(s)" in view.summary.text()


def test_plain_postgresql_standby_and_no_replica_at_all(qtbot):
    view = ReplicationView()
    qtbot.addWidget(view)
    view.show_lag((ReplicaLag("standby-1", 0.5, SOURCE_PG_STAT_REPLICATION, lag_bytes=0, state="streaming"),), {}, [])
    assert rows(view) == [["standby-1", "0.5 ms", SOURCE_PG_STAT_REPLICATION, "streaming", ""]]
    view.show_lag((), {}, [])
    assert rows(view) == [] and "No replica" in view.summary.text()
