"""A change made through the console's core against the sandbox's AWS endpoint (moto behind its
CloudTrail layer) shows up in LookupEvents, in CloudTrail's shape, and in the cluster's timeline
beside the console's own audit line and the RDS events."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from aurora_console.core.audit import AuditLog, IdentityCache
from aurora_console.core.aws.backups.operations import run_backup_action
from aurora_console.core.aws.backups.settings import prepare_modify_backup, read_backup_settings
from aurora_console.core.aws.fleet import actions as fa
from aurora_console.core.aws.fleet.inventory import load_region
from aurora_console.core.aws.fleet.runner import run_action
from aurora_console.core.aws.timeline.cloudtrail import CallPacer, lookup_pages, read_cloudtrail
from aurora_console.core.aws.timeline.entries import (
    KIND_FAILOVER,
    KIND_MODIFICATION,
    SOURCE_AUDIT,
    SOURCE_CLOUDTRAIL,
    SOURCE_PENDING,
    SOURCE_RDS,
)
from aurora_console.core.aws.timeline.gather import gather_timeline
from aurora_console.core.tasks import TaskContext
from tests.integration.fleet.seed import make_cluster

pytestmark = pytest.mark.integration


def _now() -> datetime:
    return datetime.now(timezone.utc)


@pytest.fixture
def audit(factory, tmp_path):
    return AuditLog(tmp_path / "audit.jsonl", IdentityCache(factory))


@pytest.fixture
def orders(factory, east):
    make_cluster(factory.client("rds", east), "orders", 3)
    make_cluster(factory.client("rds", east), "billing", 2)
    return load_region(factory, east)


def _failover_and_backup_change(factory, east, orders, audit):
    action = fa.prepare_failover(orders.cluster("orders"), east, "orders-3", inventory=orders)
    run_action(factory, action, audit=audit, task=TaskContext("t"), poll_interval=0.01, timeout=10)
    current = read_backup_settings(factory, east, "orders")
    change = prepare_modify_backup(current, east, window="01:00-01:30", retention=9, apply_now=True)
    run_backup_action(factory, change, audit=audit, task=TaskContext("t"), poll_interval=0.01, timeout=10)


def test_console_changes_are_in_lookup_events_in_cloudtrail_shape(factory, east, orders, audit):
    start = _now() - timedelta(minutes=1)
    _failover_and_backup_change(factory, east, orders, audit)
    trail = factory.client("cloudtrail", east)
    events = list(lookup_pages(trail, "orders", start, _now() + timedelta(minutes=1), pacer=CallPacer()))
    names = [e["EventName"] for e in events]
    # newest first; the creations of the test's own seed are there too
    assert names[:2] == ["ModifyDBCluster", "FailoverDBCluster"]
    assert "CreateDBCluster" in names and "billing" not in json.dumps(events, default=str)
    modify = json.loads(events[0]["CloudTrailEvent"])
    assert modify["eventSource"] == "rds.amazonaws.com" and modify["readOnly"] is False
    assert modify["userIdentity"]["arn"] == "arn:aws:sts::123456789012:user/moto"
    assert modify["sourceIPAddress"] == "127.0.0.1" and "Boto3" in modify["userAgent"]
    assert modify["requestParameters"] == {"dBClusterIdentifier": "orders", "preferredBackupWindow": "01:00-01:30",
                                           "backupRetentionPeriod": 9, "applyImmediately": True}
    failover = json.loads(events[1]["CloudTrailEvent"])
    assert failover["requestParameters"]["targetDBInstanceIdentifier"] == "orders-3"
    assert {"ResourceType": "AWS::RDS::DBInstance", "ResourceName": "orders-3"} in events[1]["Resources"]
    # found by the instance's name too
    by_instance = list(lookup_pages(trail, "orders-3", start, _now() + timedelta(minutes=1), pacer=CallPacer()))
    assert "FailoverDBCluster" in [e["EventName"] for e in by_instance]


def test_the_timeline_merges_cloudtrail_audit_and_rds_events(factory, east, orders, audit):
    start = _now() - timedelta(minutes=1)
    _failover_and_backup_change(factory, east, orders, audit)
    again = prepare_modify_backup(read_backup_settings(factory, east, "orders"), east, window="02:00-02:30",
                                  apply_now=True)
    run_backup_action(factory, again, audit=audit, task=TaskContext("t"), poll_interval=0.01, timeout=10)
    progress = []
    timeline = gather_timeline(cluster_id="orders", since=start, until=_now() + timedelta(minutes=1),
                               rds=factory.client("rds", east), cloudtrail=factory.client("cloudtrail", east),
                               audit=audit, task=TaskContext("t", progress=lambda p, t: progress.append(t)))
    trail = timeline.filtered(sources=[SOURCE_CLOUDTRAIL])
    assert [e.what for e in trail if e.kind in (KIND_FAILOVER, KIND_MODIFICATION)] == [
        "FailoverDBCluster orders", "ModifyDBCluster orders", "ModifyDBCluster orders"]
    first, second = [e for e in trail if e.what == "ModifyDBCluster orders"]
    assert second.who == "arn:aws:sts::123456789012:user/moto"
    assert second.where.startswith("127.0.0.1, Boto3/")
    # the creation did not name a window, so the first change's before is unknown (never made up);
    # the second change's before is what the first set
    assert {c.name: (c.before, c.after) for c in first.changes}["preferredBackupWindow"] == (None, "01:00-01:30")
    assert {c.name: (c.before, c.after) for c in second.changes}["preferredBackupWindow"] == ("01:00-01:30",
                                                                                              "02:00-02:30")
    assert "preferredBackupWindow: 01:00-01:30 → 02:00-02:30" in second.summary()
    audit_rows = timeline.filtered(sources=[SOURCE_AUDIT])
    assert [e.kind for e in audit_rows] == [KIND_FAILOVER, KIND_MODIFICATION, KIND_MODIFICATION]
    assert {c.name: (c.before, c.after) for c in audit_rows[2].changes}["PreferredBackupWindow"] == (
        "01:00-01:30", "02:00-02:30")
    assert all(e.who == "arn:aws:sts::123456789012:user/moto" for e in audit_rows)
    assert list(timeline.entries) == sorted(timeline.entries, key=lambda e: e.time)
    assert set(timeline.sources) >= {SOURCE_RDS, SOURCE_CLOUDTRAIL, SOURCE_AUDIT, SOURCE_PENDING}
    assert "orders-3" in timeline.resources and "billing" not in timeline.resources
    # moto lacks DescribePendingMaintenanceActions: said for that source only
    assert set(timeline.problems) <= {SOURCE_PENDING}
    assert any("CloudTrail" in t for t in progress)


def test_read_only_calls_are_not_recorded_and_failed_calls_say_so(factory, east, orders):
    rds = factory.client("rds", east)
    rds.describe_db_clusters()
    with pytest.raises(ClientError):
        rds.failover_db_cluster(DBClusterIdentifier="orders", TargetDBInstanceIdentifier="nope")
    entries = read_cloudtrail(factory.client("cloudtrail", east), ["orders"], _now() - timedelta(minutes=1),
                              _now() + timedelta(minutes=1), pacer=CallPacer())
    names = [e.detail["event"] for e in entries]
    assert "DescribeDBClusters" not in names
    failed = [e for e in entries if e.detail["event"] == "FailoverDBCluster"]
    assert failed and failed[0].detail["error"] and "(failed: " in failed[0].what


def test_the_consoles_paced_lookups_stay_under_the_sandboxs_rate_limit(factory, east, orders):
    # That the sandbox throttles a third lookup within a second is tested with a fixed clock
    # (tests/unit/sandbox/test_cloudtrail.py): real calls in a row are throttled or not depending
    # on how loaded the machine is. Here: many pages through the console's pacer, none throttled.
    trail = factory.client("cloudtrail", east)
    rds = factory.client("rds", east)
    for n in range(120):
        rds.modify_db_cluster(DBClusterIdentifier="orders", BackupRetentionPeriod=1 + n % 30)
    time.sleep(1.1)
    calls = []
    trail.meta.events.register("before-call.cloudtrail.LookupEvents", lambda **kw: calls.append(time.monotonic()))
    events = list(lookup_pages(trail, "orders", _now() - timedelta(minutes=5), _now() + timedelta(minutes=1),
                               pacer=CallPacer(), rng=lambda: 0.0))
    # three pages (50 + 50 + the rest), each event once, no throttling on the way
    assert len(calls) == 3 and len(events) == len({e["EventId"] for e in events}) > 100
    assert all(b - a >= 0.5 for a, b in zip(calls, calls[1:], strict=False))
