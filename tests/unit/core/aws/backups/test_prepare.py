"""Prepared backup actions: every rule is checked with no I/O, before AWS sees anything."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.aws.backups import backtrack as bt
from aurora_console.core.aws.backups import event_subscriptions as ev
from aurora_console.core.aws.backups import pitr
from aurora_console.core.aws.backups import snapshots as sn
from aurora_console.core.aws.backups.settings import (
    prepare_modify_backup,
    settings_from_raw,
    validate_retention,
)
from aurora_console.core.aws.session import AwsTarget
from aurora_console.core.errors import ReadOnlyError, ValidationError

pytestmark = pytest.mark.unit

T = AwsTarget("sandbox", "us-east-1")
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)


def settings(**over):
    raw = {"DBClusterIdentifier": "blog", "Engine": "aurora-postgresql", "Status": "available",
           "BackupRetentionPeriod": 5, "PreferredBackupWindow": "19:00-22:00",
           "PreferredMaintenanceWindow": "sun:23:00-sun:23:30", "CopyTagsToSnapshot": True,
           "EarliestRestorableTime": NOW - timedelta(days=5), "LatestRestorableTime": NOW - timedelta(minutes=5),
           "DBSubnetGroup": "blog-private", "VpcSecurityGroups": [{"VpcSecurityGroupId": "sg-1"}]}
    raw.update(over)
    return settings_from_raw(raw, "db.r6g.large")


def snap(**over):
    base = dict(id="blog-s", cluster_id="blog", kind="manual", status="available", created=NOW,
                engine="aurora-postgresql", engine_version="15.4", size_gib=10, encrypted=True,
                kms_key_id="k", arn="arn:aws:rds:us-east-1:123456789012:cluster-snapshot:blog-s", progress=100)
    base.update(over)
    return sn.Snapshot(**base)


@given(st.integers().filter(lambda n: n < 1 or n > 35))
def test_retention_outside_1_35_refused(days):
    with pytest.raises(ValidationError, match="outside 1-35"):
        validate_retention(days)


@given(st.integers(min_value=1, max_value=35))
def test_retention_inside_passes(days):
    assert validate_retention(days) == days == validate_retention(str(days))


def test_modify_builds_only_the_changes():
    a = prepare_modify_backup(settings(), T, retention=7, window="19:00-22:00", copy_tags=True, apply_now=False)
    (step,) = a.steps
    assert step.operation == "modify_db_cluster"
    assert step.params == {"DBClusterIdentifier": "blog", "BackupRetentionPeriod": 7, "ApplyImmediately": False}
    assert "next maintenance window" in a.title


@pytest.mark.parametrize("kw, why", [
    ({"retention": 0}, "outside 1-35"), ({"retention": 36}, "outside 1-35"),
    ({"window": "25:00-01:00"}, "hour 25"), ({"window": "19:00-19:10"}, "at least 30"),
    ({"window": "22:45-23:15"}, "overlaps the maintenance window"), ({"retention": 5}, "Nothing to change"),
])
def test_modify_refusals(kw, why):
    with pytest.raises(ValidationError, match=why):
        prepare_modify_backup(settings(), T, **kw)


def test_read_only_refuses_every_mutation():
    s, m = settings(), settings(Engine="aurora-mysql", DBClusterIdentifier="shop", BacktrackWindow=86400)
    sub = ev.EventSubscription("blog-events", "arn:aws:sns:us-east-1:123456789012:t", "db-cluster", (), (), True, "active")
    calls = [
        lambda: prepare_modify_backup(s, T, retention=7, read_only=True),
        lambda: sn.prepare_create("blog", T, "x", read_only=True),
        lambda: sn.prepare_copy(snap(), T, "x", read_only=True),
        lambda: sn.prepare_share(snap(), T, "111122223333", read_only=True),
        lambda: sn.prepare_delete(snap(), T, "blog-s", read_only=True),
        lambda: sn.prepare_restore(snap(), T, "x", "db.r6g.large", read_only=True),
        lambda: pitr.prepare_pitr(s, T, "x", None, "db.r6g.large", read_only=True),
        lambda: bt.prepare_window(m, T, 12, read_only=True),
        lambda: bt.prepare_backtrack(m, T, NOW, "shop", now=NOW, read_only=True),
        lambda: ev.prepare_create(T, "n", sub.topic_arn, "db-cluster", read_only=True),
        lambda: ev.prepare_delete(sub, T, "blog-events", read_only=True),
    ]
    for call in calls:
        with pytest.raises(ReadOnlyError, match="read-only"):
            call()


def test_snapshot_rules():
    with pytest.raises(ValidationError, match="cannot delete"):
        sn.prepare_delete(snap(kind="automated", id="rds:blog-1"), T, "rds:blog-1")
    with pytest.raises(ValidationError, match="Type the snapshot id"):
        sn.prepare_delete(snap(), T, "blog")
    assert sn.prepare_delete(snap(), T, " blog-s ").steps[0].params == {"DBClusterSnapshotIdentifier": "blog-s"}
    with pytest.raises(ValidationError, match="needs a KMS key"):
        sn.prepare_copy(snap(), T, "blog-s-eu", dest_region="eu-west-1")
    cross = sn.prepare_copy(snap(), T, "blog-s-eu", dest_region="eu-west-1", kms_key="alias/aws/rds")
    step = cross.steps[0]
    assert step.region == "eu-west-1" and step.params["SourceRegion"] == "us-east-1"
    assert step.params["SourceDBClusterSnapshotIdentifier"].startswith("arn:aws:rds:us-east-1")
    with pytest.raises(ValidationError, match="already in use"):
        sn.prepare_copy(snap(), T, "blog-s", ["blog-s"])
    with pytest.raises(ValidationError, match="only manual"):
        sn.prepare_share(snap(kind="automated"), T, "111122223333")
    with pytest.raises(ValidationError, match="owns the snapshot"):
        sn.prepare_share(snap(), T, "123456789012")
    with pytest.raises(ValidationError, match="is 'creating'"):
        sn.prepare_restore(snap(status="creating"), T, "blog-restored", "db.r6g.large")
    r = sn.prepare_restore(snap(), T, "blog-restored", "db.r6g.large", ["blog"], source=settings())
    assert [s.operation for s in r.steps] == ["restore_db_cluster_from_snapshot", "create_db_instance"]
    assert r.steps[0].params["DBSubnetGroupName"] == "blog-private"
    assert r.steps[1].params["DBClusterIdentifier"] == "blog-restored"
    with pytest.raises(ValidationError, match="already in use"):
        sn.prepare_restore(snap(), T, "BLOG", "db.r6g.large", ["blog"])


def test_pitr_time_must_be_in_the_restorable_range():
    s = settings()
    for when in (NOW, NOW - timedelta(days=6), "2020-01-01T00:00:00Z"):
        with pytest.raises(ValidationError, match="outside the restorable range"):
            pitr.prepare_pitr(s, T, "blog-pitr", when, "db.r6g.large")
    with pytest.raises(ValidationError, match="not a time"):
        pitr.prepare_pitr(s, T, "blog-pitr", "yesterday", "db.r6g.large")
    ok = pitr.prepare_pitr(s, T, "blog-pitr", (NOW - timedelta(hours=2)).isoformat(), "db.r6g.large")
    assert ok.steps[0].params["RestoreToTime"] == NOW - timedelta(hours=2)
    latest = pitr.prepare_pitr(s, T, "blog-pitr", "latest", "db.r6g.large")
    assert latest.steps[0].params["UseLatestRestorableTime"] is True
    assert "RestoreToTime" not in latest.steps[0].params
    custom = settings(DBClusterParameterGroup="blog-aurora-pg15",
                      ServerlessV2ScalingConfiguration={"MinCapacity": 0.5, "MaxCapacity": 8.0})
    p = pitr.prepare_pitr(custom, T, "blog-pitr", None, "db.serverless").steps[0].params
    assert p["DBClusterParameterGroupName"] == "blog-aurora-pg15"
    assert p["ServerlessV2ScalingConfiguration"] == {"MinCapacity": 0.5, "MaxCapacity": 8.0}
    assert p["DBSubnetGroupName"] == "blog-private" and p["VpcSecurityGroupIds"] == ["sg-1"]
    with pytest.raises(ValidationError, match="instance class"):
        pitr.prepare_pitr(s, T, "blog-pitr", None, "large")


def test_backtrack_rules():
    pg = settings()
    assert "Aurora PostgreSQL has no backtrack" in bt.unavailable_reason(pg)
    with pytest.raises(ValidationError, match="Aurora PostgreSQL"):
        bt.prepare_backtrack(pg, T, NOW, "blog", now=NOW)
    m = settings(Engine="aurora-mysql", DBClusterIdentifier="shop", BacktrackWindow=86400)
    assert bt.unavailable_reason(m) == ""
    for hours in (-1, 73, "x"):
        with pytest.raises(ValidationError):
            bt.prepare_window(m, T, hours)
    with pytest.raises(ValidationError, match="cannot be undone.*Type the cluster id"):
        bt.prepare_window(m, T, 0)
    off = bt.prepare_window(m, T, 0, "shop")
    assert off.warning == bt.OFF_WARNING and off.steps[0].params["BacktrackWindow"] == 0
    assert bt.prepare_window(m, T, 12).steps[0].params["BacktrackWindow"] == 43200
    with pytest.raises(ValidationError, match="outside the backtrack window"):
        bt.prepare_backtrack(m, T, NOW - timedelta(hours=25), "shop", now=NOW)
    with pytest.raises(ValidationError, match="Type the cluster id"):
        bt.prepare_backtrack(m, T, NOW - timedelta(hours=1), "sho", now=NOW)
    a = bt.prepare_backtrack(m, T, NOW - timedelta(hours=1), "shop", now=NOW)
    assert a.steps[0].params["BacktrackTo"] == NOW - timedelta(hours=1)
    turned_off = settings(Engine="aurora-mysql", DBClusterIdentifier="shop", BacktrackWindow=0)
    assert "off" in bt.unavailable_reason(turned_off)


def test_event_subscription_rules():
    arn = "arn:aws:sns:us-east-1:123456789012:blog-alerts"
    a = ev.prepare_create(T, "blog-failovers", arn, "db-cluster", ["failover"], ["blog"], existing=["other"])
    assert a.steps[0].params == {"SubscriptionName": "blog-failovers", "SnsTopicArn": arn, "SourceType": "db-cluster",
                                 "Enabled": True, "EventCategories": ["failover"], "SourceIds": ["blog"]}
    for kw, why in (({"name": "1x"}, "malformed"), ({"topic": "blog-alerts"}, "not an SNS topic ARN"),
                    ({"topic": arn.replace("us-east-1", "eu-west-1")}, "same region"),
                    ({"stype": "db-snapshot"}, "source type"), ({"cats": ["backup"]}, "Unknown event categories"),
                    ({"ids": ["bad--id"]}, "malformed"), ({"name": "Blog-Events"}, "already exists")):
        with pytest.raises(ValidationError, match=why):
            ev.prepare_create(T, kw.get("name", "n1"), kw.get("topic", arn), kw.get("stype", "db-cluster"),
                              kw.get("cats", ()), kw.get("ids", ()), existing=["blog-events"])
    sub = ev.EventSubscription("blog-events", arn, "db-cluster", ("blog",), (), True, "active")
    with pytest.raises(ValidationError, match="Type the subscription name"):
        ev.prepare_delete(sub, T, "blog")
    assert ev.covers(sub, "blog") and not ev.covers(sub, "shop")
