"""The timeline's markers for the metrics charts: read once per cluster and kept for a while."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from aurora_console.core.aws.fleet.models import ClusterRef
from aurora_console.core.aws.timeline import entries as te
from aurora_console.core.aws.timeline.gather import Timeline
from aurora_console.ui.timeline.chart_markers import KEEP_S, TimelineMarkers
from aurora_console.ui.timeline.reader import cluster_profiles

NOW = datetime.now(timezone.utc)


class Clock:
    t = 1000.0

    def __call__(self):
        return self.t


def test_markers_come_from_one_read_kept_for_a_while():
    reads = []
    entry = te.TimelineEntry(NOW - timedelta(hours=1), te.SOURCE_CLOUDTRAIL, te.KIND_FAILOVER, "arn:x",
                             "FailoverDBCluster orders")

    def reader_for(ref):
        def read(task, since, until):
            reads.append((ref.cluster_id, since, until))
            return Timeline(ref.cluster_id, since, until, (entry,))
        return read

    clock = Clock()
    markers = TimelineMarkers(reader_for, clock=clock)
    ref = ClusterRef("p", "us-east-1", "orders")
    start, end = (NOW - timedelta(hours=3)).timestamp(), NOW.timestamp()
    [marker] = markers(ref, start, end)
    assert marker.time == entry.epoch and "FailoverDBCluster orders" in marker.text and "arn:x" in marker.text
    assert markers(ref, start - 3600, end) and len(reads) == 1  # within what was read
    assert markers(ref, start, start + 60) == []
    clock.t += KEEP_S + 1
    markers(ref, start, end)
    assert len(reads) == 2
    since, until = reads[0][1], reads[0][2]
    assert until - since == timedelta(days=14) or since <= NOW - timedelta(hours=3)


def test_profiles_pointing_at_the_cluster():
    class Target:
        def __init__(self, cluster_id, region=None):
            self.cluster_id, self.region = cluster_id, region

    class Profile:
        def __init__(self, name, target):
            self.name, self.cluster = name, target

    profiles = [Profile("app", Target("orders", "us-east-1")), Profile("reporting", Target("orders")),
                Profile("other-region", Target("orders", "eu-west-1")), Profile("plain", None),
                Profile("billing", Target("billing"))]
    assert cluster_profiles(profiles, "orders", "us-east-1") == ["app", "reporting"]
