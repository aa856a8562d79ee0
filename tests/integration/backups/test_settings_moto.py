"""Backup settings against the moto server: read, modify (audited), refusals before any call."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from aurora_console.core.aws.backups.operations import run_backup_action
from aurora_console.core.aws.backups.settings import (
    prepare_modify_backup,
    read_backup_settings,
    read_storage_use,
)
from aurora_console.core.errors import ReadOnlyError, ValidationError
from tests.integration.backups.conftest import EAST

pytestmark = pytest.mark.integration


def test_read_settings(factory, blog):
    s = read_backup_settings(factory, EAST, blog)
    assert (s.retention_days, s.backup_window, s.maintenance_window, s.copy_tags) == (5, "19:00-22:00",
                                                                                      "sun:23:00-sun:23:30", True)
    assert s.earliest_restorable is not None and s.latest_restorable >= s.earliest_restorable
    assert s.writer_class == "db.r6g.large" and s.encrypted


def test_modify_is_applied_and_audited(factory, blog, audit, rds):
    s = read_backup_settings(factory, EAST, blog)
    action = prepare_modify_backup(s, EAST, retention=14, window="01:00-02:30", copy_tags=False, apply_now=True)
    run_backup_action(factory, action, audit=audit, poll_interval=0.05)
    raw = rds.describe_db_clusters(DBClusterIdentifier=blog)["DBClusters"][0]
    assert (raw["BackupRetentionPeriod"], raw["PreferredBackupWindow"], raw["CopyTagsToSnapshot"]) == (14, "01:00-02:30",
                                                                                                      False)
    (entry,) = audit.read()
    assert entry.action == "modify-backup-settings" and entry.ok
    assert entry.params["BackupRetentionPeriod"] == 14 and entry.params["ApplyImmediately"] is True


@pytest.mark.parametrize("kw", [{"retention": 0}, {"retention": 36}, {"window": "25:00-01:00"},
                                {"window": "19:00-19:10"}, {"window": "23:00-23:45"}])
def test_bad_values_never_reach_aws(factory, blog, audit, rds, kw):
    s = read_backup_settings(factory, EAST, blog)
    with pytest.raises(ValidationError):
        prepare_modify_backup(s, EAST, **kw)
    raw = rds.describe_db_clusters(DBClusterIdentifier=blog)["DBClusters"][0]
    assert (raw["BackupRetentionPeriod"], raw["PreferredBackupWindow"]) == (5, "19:00-22:00")
    assert audit.read() == []


def test_read_only_refuses_at_run_time_too(factory, blog, audit, rds):
    action = prepare_modify_backup(read_backup_settings(factory, EAST, blog), EAST, retention=9)
    with pytest.raises(ReadOnlyError):
        run_backup_action(factory, action, audit=audit, read_only=True)
    assert rds.describe_db_clusters(DBClusterIdentifier=blog)["DBClusters"][0]["BackupRetentionPeriod"] == 5
    assert audit.read() == []


def test_storage_use_from_cloudwatch(factory, blog):
    cw = factory.client("cloudwatch", EAST)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    dims = [{"Name": "DBClusterIdentifier", "Value": blog}]
    cw.put_metric_data(Namespace="AWS/RDS", MetricData=[
        {"MetricName": "BackupRetentionPeriodStorageUsed", "Dimensions": dims, "Timestamp": now - timedelta(hours=3),
         "Value": 1.0e9, "Unit": "Bytes"},
        {"MetricName": "BackupRetentionPeriodStorageUsed", "Dimensions": dims, "Timestamp": now - timedelta(hours=1),
         "Value": 2.5e9, "Unit": "Bytes"},
        {"MetricName": "SnapshotStorageUsed", "Dimensions": dims, "Timestamp": now - timedelta(hours=1),
         "Value": 7.0e8, "Unit": "Bytes"},
    ])
    use = read_storage_use(factory, EAST, blog, now=now)
    assert use.values["BackupRetentionPeriodStorageUsed"] == 2.5e9
    assert use.values["SnapshotStorageUsed"] == 7.0e8
    assert use.values["TotalBackupStorageBilled"] is None and use.message == ""
    empty = read_storage_use(factory, EAST, "other", now=now)
    assert "No backup storage data" in empty.message
