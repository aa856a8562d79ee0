"""What moto does not model, with botocore's Stubber: backtrack APIs (pages, a real backtrack),
and AWS faults shown as plain sentences (InvalidDBClusterStateFault, SnapshotQuotaExceeded,
KMS access denied)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.stub import ANY, Stubber

from aurora_console.core.audit import AuditLog
from aurora_console.core.aws.backups import backtrack as bt
from aurora_console.core.aws.backups import snapshots as sn
from aurora_console.core.aws.backups.operations import run_backup_action
from aurora_console.core.aws.backups.settings import prepare_modify_backup, settings_from_raw
from aurora_console.core.aws.fleet.runner import ActionFailed
from aurora_console.core.aws.session import AwsTarget

pytestmark = pytest.mark.integration

T = AwsTarget("prod", "us-east-1")
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)


class StubFactory:
    def __init__(self, client) -> None:
        self._client = client

    def client(self, service, target):
        return self._client


@pytest.fixture
def stubbed():
    client = boto3.client("rds", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stub:
        yield StubFactory(client), stub
        stub.assert_no_pending_responses()


def shop(**over):
    raw = {"DBClusterIdentifier": "shop", "Engine": "aurora-mysql", "Status": "available", "BacktrackWindow": 86400,
           "BackupRetentionPeriod": 5, "PreferredBackupWindow": "19:00-22:00",
           "PreferredMaintenanceWindow": "sun:23:00-sun:23:30"}
    raw.update(over)
    return settings_from_raw(raw)


def test_backtrack_list_follows_markers(stubbed):
    factory, stub = stubbed
    page = [{"BacktrackIdentifier": "b1", "Status": "COMPLETED", "BacktrackTo": NOW - timedelta(hours=3),
             "BacktrackedFrom": NOW - timedelta(hours=2), "BacktrackRequestCreationTime": NOW - timedelta(hours=2)}]
    stub.add_response("describe_db_cluster_backtracks", {"DBClusterBacktracks": page, "Marker": "m1"},
                      {"DBClusterIdentifier": "shop"})
    stub.add_response("describe_db_cluster_backtracks",
                      {"DBClusterBacktracks": [{**page[0], "BacktrackIdentifier": "b2", "Status": "PENDING"}]},
                      {"DBClusterIdentifier": "shop", "Marker": "m1"})
    items = bt.list_backtracks(factory, T, "shop")
    assert [(b.identifier, b.status) for b in items] == [("b1", "COMPLETED"), ("b2", "PENDING")]
    assert items[0].backtrack_to == NOW - timedelta(hours=3)


def test_backtrack_runs_and_waits(stubbed, tmp_path):
    factory, stub = stubbed
    audit = AuditLog(tmp_path / "a.jsonl")
    when = NOW - timedelta(hours=1)
    stub.add_response("backtrack_db_cluster", {"DBClusterIdentifier": "shop", "Status": "PENDING"},
                      {"DBClusterIdentifier": "shop", "BacktrackTo": when, "UseEarliestTimeOnPointInTimeUnavailable": True})
    stub.add_response("describe_db_clusters", {"DBClusters": [{"DBClusterIdentifier": "shop", "Status": "backtracking"}]},
                      {"DBClusterIdentifier": "shop"})
    stub.add_response("describe_db_clusters", {"DBClusters": [{"DBClusterIdentifier": "shop", "Status": "available"}]},
                      {"DBClusterIdentifier": "shop"})
    result = run_backup_action(factory, bt.prepare_backtrack(shop(), T, when, "shop", now=NOW), audit=audit,
                               poll_interval=0.01)
    assert result.polls == 2
    (entry,) = audit.read()
    assert entry.action == "backtrack-cluster" and entry.ok


@pytest.mark.parametrize("code, message, expected", [
    ("InvalidDBClusterStateFault", "DBCluster shop is not in available state",
     "not in a state that allows this"),
])
def test_invalid_state_is_plain(stubbed, tmp_path, code, message, expected):
    factory, stub = stubbed
    audit = AuditLog(tmp_path / "a.jsonl")
    stub.add_client_error("modify_db_cluster", service_error_code=code, service_message=message, http_status_code=400)
    action = prepare_modify_backup(shop(), T, retention=9, apply_now=True)
    with pytest.raises(ActionFailed) as info:
        run_backup_action(factory, action, audit=audit)
    text = info.value.message
    assert expected in text and "Wait until it is 'available'" in text and message in text
    assert "Traceback" not in text
    (entry,) = audit.read()
    assert entry.outcome.startswith("error:") and expected in entry.outcome


def test_snapshot_quota_is_plain(stubbed):
    factory, stub = stubbed
    stub.add_client_error("create_db_cluster_snapshot", service_error_code="SnapshotQuotaExceeded",
                          service_message="Cannot create more than 100 manual snapshots", http_status_code=400)
    with pytest.raises(ActionFailed, match="quota of manual cluster snapshots.*Delete manual snapshots"):
        run_backup_action(factory, sn.prepare_create("shop", T, "shop-one"))


def test_kms_access_denied_is_plain(stubbed):
    factory, stub = stubbed
    src = sn.Snapshot("shop-s", "shop", "manual", "available", NOW, "aurora-mysql", "8.0", 10, True, "k",
                      "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:shop-s", 100)
    stub.add_client_error("copy_db_cluster_snapshot", service_error_code="KMSKeyNotAccessibleFault",
                          service_message="The specified KMS key is not accessible", http_status_code=400,
                          expected_params={"SourceDBClusterSnapshotIdentifier": "shop-s",
                                           "TargetDBClusterSnapshotIdentifier": "shop-s2", "CopyTags": True,
                                           "KmsKeyId": ANY})
    action = sn.prepare_copy(src, T, "shop-s2", kms_key="alias/other")
    with pytest.raises(ActionFailed, match="KMS key cannot be used .*kms:CreateGrant"):
        run_backup_action(factory, action)


def test_snapshot_list_follows_markers(stubbed):
    factory, stub = stubbed

    def raw(sid, kind, hour):
        return {"DBClusterSnapshotIdentifier": sid, "DBClusterIdentifier": "shop", "SnapshotType": kind,
                "Status": "available", "SnapshotCreateTime": NOW - timedelta(hours=hour), "Engine": "aurora-mysql",
                "AllocatedStorage": 20, "StorageEncrypted": False, "PercentProgress": 100}

    stub.add_response("describe_db_cluster_snapshots",
                      {"DBClusterSnapshots": [raw("shop-a", "manual", 5), raw("rds:shop-1", "automated", 1)],
                       "Marker": "p2"}, {"DBClusterIdentifier": "shop", "MaxRecords": 20})
    stub.add_response("describe_db_cluster_snapshots", {"DBClusterSnapshots": [raw("shop-b", "manual", 3)]},
                      {"DBClusterIdentifier": "shop", "MaxRecords": 20, "Marker": "p2"})
    snaps = sn.list_snapshots(factory, T, "shop", page_size=20)
    assert [(s.id, s.kind) for s in snaps] == [("rds:shop-1", "automated"), ("shop-b", "manual"), ("shop-a", "manual")]
    assert snaps[0].size_gib == 20 and not snaps[0].is_manual
