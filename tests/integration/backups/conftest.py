"""Backups fixtures on the rig's moto server (fresh state per test) and an audit log file."""

from __future__ import annotations

import pytest

from aurora_console.core.audit import AuditLog
from aurora_console.core.aws.session import AwsSessionFactory, AwsTarget, StaticCredentials

EAST = AwsTarget("sandbox", "us-east-1")
WEST = AwsTarget("sandbox", "eu-west-1")


@pytest.fixture
def factory(moto_endpoint):
    return AwsSessionFactory(endpoint_url=moto_endpoint, credentials=StaticCredentials("testing", "testing"),
                             config_overrides={"retries": {"mode": "standard", "max_attempts": 1}})


@pytest.fixture
def audit(tmp_path):
    return AuditLog(tmp_path / "audit.jsonl")


@pytest.fixture
def rds(factory):
    return factory.client("rds", EAST)


def make_cluster(rds, cluster_id: str, engine: str = "aurora-postgresql", instances: int = 1, **extra) -> None:
    kwargs = {"BackupRetentionPeriod": 5, "PreferredBackupWindow": "19:00-22:00",
              "PreferredMaintenanceWindow": "sun:23:00-sun:23:30", "CopyTagsToSnapshot": True}
    kwargs.update(extra)
    rds.create_db_cluster(DBClusterIdentifier=cluster_id, Engine=engine, MasterUsername="admin",
                          MasterUserPassword="not-a-real-password-1", **kwargs)
    for n in range(instances):
        rds.create_db_instance(DBInstanceIdentifier=f"{cluster_id}-{n + 1}", DBClusterIdentifier=cluster_id,
                               Engine=engine, DBInstanceClass="db.r6g.large")


@pytest.fixture
def blog(rds):
    make_cluster(rds, "blog", StorageEncrypted=True)
    return "blog"


@pytest.fixture
def shop(rds):
    make_cluster(rds, "shop", engine="aurora-mysql", BacktrackWindow=86400)
    return "shop"
