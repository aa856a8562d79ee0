"""Snapshots and point-in-time restore against the moto server, each step audited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aurora_console.core.aws.backups import pitr
from aurora_console.core.aws.backups import snapshots as sn
from aurora_console.core.aws.backups.operations import run_backup_action
from aurora_console.core.aws.backups.settings import read_backup_settings
from aurora_console.core.errors import ValidationError
from aurora_console.core.tasks import Cancelled, TaskContext
from tests.integration.backups.conftest import EAST, WEST

pytestmark = pytest.mark.integration


def run(factory, action, audit):
    return run_backup_action(factory, action, audit=audit, poll_interval=0.05, timeout=30)


def test_create_list_paginated_and_sorted(factory, blog, audit):
    for n in range(5):
        run(factory, sn.prepare_create(blog, EAST, f"blog-manual-{n}"), audit)
    snaps = sn.list_snapshots(factory, EAST, blog, page_size=20)
    small_pages = sn.list_snapshots(factory, EAST, blog, page_size=2)
    assert [s.id for s in snaps] == [s.id for s in small_pages]
    kinds = {s.kind for s in snaps}
    assert kinds == {"manual", "automated"}
    assert {s.id for s in snaps if s.is_manual} == {f"blog-manual-{n}" for n in range(5)}
    assert [s.created for s in snaps] == sorted((s.created for s in snaps), reverse=True)
    assert all(s.encrypted for s in snaps)
    assert [e.action for e in audit.read()] == ["create-cluster-snapshot"] * 5


def test_duplicate_id_refused_before_aws(factory, blog, audit):
    run(factory, sn.prepare_create(blog, EAST, "blog-one"), audit)
    existing = [s.id for s in sn.list_snapshots(factory, EAST, blog)]
    with pytest.raises(ValidationError, match="already in use"):
        sn.prepare_create(blog, EAST, "BLOG-ONE", existing)
    assert len(audit.read()) == 1


def test_copy_in_region_and_cross_region_with_kms(factory, blog, audit):
    run(factory, sn.prepare_create(blog, EAST, "blog-src"), audit)
    src = next(s for s in sn.list_snapshots(factory, EAST, blog) if s.id == "blog-src")
    run(factory, sn.prepare_copy(src, EAST, "blog-src-copy"), audit)
    assert "blog-src-copy" in {s.id for s in sn.list_snapshots(factory, EAST, blog)}
    key = factory.client("kms", WEST).create_key(Description="rds eu")["KeyMetadata"]["Arn"]
    run(factory, sn.prepare_copy(src, EAST, "blog-src-eu", dest_region="eu-west-1", kms_key=key), audit)
    (copied,) = sn.list_snapshots(factory, WEST)
    assert copied.id == "blog-src-eu" and copied.encrypted and copied.arn.startswith("arn:aws:rds:eu-west-1")
    entries = audit.read()
    assert entries[-1].region == "eu-west-1" and entries[-1].params["KmsKeyId"] == key


def test_share_with_accounts(factory, blog, audit, rds):
    run(factory, sn.prepare_create(blog, EAST, "blog-share"), audit)
    s = next(x for x in sn.list_snapshots(factory, EAST, blog) if x.id == "blog-share")
    run(factory, sn.prepare_share(s, EAST, "111122223333 444455556666"), audit)
    attrs = rds.describe_db_cluster_snapshot_attributes(DBClusterSnapshotIdentifier="blog-share")
    values = attrs["DBClusterSnapshotAttributesResult"]["DBClusterSnapshotAttributes"][0]["AttributeValues"]
    assert sorted(values) == ["111122223333", "444455556666"]


def test_delete_manual_only(factory, blog, audit):
    run(factory, sn.prepare_create(blog, EAST, "blog-old"), audit)
    snaps = sn.list_snapshots(factory, EAST, blog)
    auto = next(s for s in snaps if s.kind == "automated")
    with pytest.raises(ValidationError, match="cannot delete"):
        sn.prepare_delete(auto, EAST, auto.id)
    old = next(s for s in snaps if s.id == "blog-old")
    result = run(factory, sn.prepare_delete(old, EAST, "blog-old"), audit)
    assert result.polls >= 1
    assert "blog-old" not in {s.id for s in sn.list_snapshots(factory, EAST, blog)}
    assert audit.read()[-1].action == "delete-cluster-snapshot"


def test_restore_snapshot_creates_cluster_and_writer(factory, blog, audit, rds):
    run(factory, sn.prepare_create(blog, EAST, "blog-r"), audit)
    s = next(x for x in sn.list_snapshots(factory, EAST, blog) if x.id == "blog-r")
    source = read_backup_settings(factory, EAST, blog)
    progress: list[str] = []
    ctx = TaskContext("restore", progress=lambda p, t: progress.append(t))
    run_backup_action(factory, sn.prepare_restore(s, EAST, "blog-restored", "db.r6g.large", ["blog"], source=source),
                      audit=audit, task=ctx, poll_interval=0.05)
    c = rds.describe_db_clusters(DBClusterIdentifier="blog-restored")["DBClusters"][0]
    assert c["Status"] == "available" and c["Engine"] == "aurora-postgresql"
    assert [(m["DBInstanceIdentifier"], m["IsClusterWriter"]) for m in c["DBClusterMembers"]] == [("blog-restored-1", True)]
    inst = rds.describe_db_instances(DBInstanceIdentifier="blog-restored-1")["DBInstances"][0]
    assert inst["DBInstanceStatus"] == "available" and inst["DBInstanceClass"] == "db.r6g.large"
    assert any("blog-restored is available" in t for t in progress)
    assert any("blog-restored-1 is available" in t for t in progress)
    assert [e.params["operation"] for e in audit.read()[-2:]] == ["restore_db_cluster_from_snapshot", "create_db_instance"]


def test_point_in_time_restore(factory, blog, audit, rds):
    source = read_backup_settings(factory, EAST, blog)
    when = source.earliest_restorable + (source.latest_restorable - source.earliest_restorable) / 2
    run(factory, pitr.prepare_pitr(source, EAST, "blog-pitr", when.isoformat(), "db.r6g.xlarge", ["blog"]), audit)
    c = rds.describe_db_clusters(DBClusterIdentifier="blog-pitr")["DBClusters"][0]
    assert c["Status"] == "available" and c["DBClusterMembers"][0]["IsClusterWriter"]
    first = audit.read()[0]
    assert first.action == "restore-cluster-to-point-in-time" and first.params["SourceDBClusterIdentifier"] == "blog"
    with pytest.raises(ValidationError, match="outside the restorable range"):
        pitr.prepare_pitr(source, EAST, "blog-pitr2", source.latest_restorable + timedelta(hours=1), "db.r6g.large")
    with pytest.raises(ValidationError, match="already in use"):
        pitr.prepare_pitr(source, EAST, "blog-pitr", None, "db.r6g.large", ["blog", "blog-pitr"])


def test_cancel_while_waiting(factory, blog, audit):
    ctx = TaskContext("restore")
    seen: list[str] = []

    def progress(_p, text):
        seen.append(text)
        if "is " in text:
            ctx.token.cancel()

    ctx._progress = progress
    source = read_backup_settings(factory, EAST, blog)
    with pytest.raises(Cancelled):
        run_backup_action(factory, pitr.prepare_pitr(source, EAST, "blog-c", None, "db.r6g.large"), audit=audit,
                          task=ctx, poll_interval=0.05)
    assert [e.params["operation"] for e in audit.read()] == ["restore_db_cluster_to_point_in_time"]


def test_point_in_time_restore_keeps_parameter_group_and_network(factory, rds, audit):
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="blog-params",
                                          DBParameterGroupFamily="aurora-postgresql15", Description="blog")
    from tests.integration.backups.conftest import make_cluster

    make_cluster(rds, "blog2", EngineVersion="15.4", DBClusterParameterGroupName="blog-params")
    source = read_backup_settings(factory, EAST, "blog2")
    assert source.parameter_group == "blog-params"
    run(factory, pitr.prepare_pitr(source, EAST, "blog2-pitr", None, "db.r6g.large"), audit)
    c = rds.describe_db_clusters(DBClusterIdentifier="blog2-pitr")["DBClusters"][0]
    assert c["DBClusterParameterGroup"] == "blog-params" and c["DBSubnetGroup"] == source.subnet_group
