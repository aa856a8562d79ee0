"""Cluster details against moto: parameter group, security groups, backups, events."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from aurora_console.core.aws.fleet.details import load_cluster_details
from aurora_console.core.errors import ConsoleError

from .seed import make_cluster

pytestmark = pytest.mark.integration


def test_details_sections(factory, east):
    rds, ec2 = factory.client("rds", east), factory.client("ec2", east)
    sg = ec2.create_security_group(GroupName="db-open", Description="db")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
    ])
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="strict", DBParameterGroupFamily="aurora-postgresql15",
                                          Description="tls")
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName="strict", Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    make_cluster(rds, "orders", 2, VpcSecurityGroupIds=[sg], DBClusterParameterGroupName="strict",
                 StorageEncrypted=True, tags={"team": "payments"})
    rds.create_db_cluster_snapshot(DBClusterIdentifier="orders", DBClusterSnapshotIdentifier="manual-1")

    d = load_cluster_details(factory, east, "orders")
    assert d.cluster.id == "orders" and d.cluster.writer.id == "orders-1"
    assert (d.force_ssl_parameter, d.force_ssl_value) == ("rds.force_ssl", "1")
    [group] = d.security_groups
    assert group.id == sg and {r.source for r in group.rules} == {"0.0.0.0/0", "::/0"}
    # 5432 open to the world is warned about; port 22 open is not the DB port
    open_warnings = [w for w in d.warnings if "opens the database port" in w]
    assert len(open_warnings) == 1 and "0.0.0.0/0" in open_warnings[0]
    assert d.backup.retention_days >= 1 and d.backup.snapshot_count >= 1
    assert d.cluster.tag_dict == {"team": "payments"}
    assert {e.source_id for e in d.events} >= {"orders-1", "orders-2"}
    # moto lacks these two APIs: shown as section errors, not raised
    assert "not supported by this endpoint" in d.error_dict["endpoints"]
    assert {e.kind for e in d.cluster.endpoints} == {"writer", "reader"}


def test_events_window_excludes_older(factory, east):
    make_cluster(factory.client("rds", east), "orders", 1)
    later = datetime.now(timezone.utc) + timedelta(days=3)
    d = load_cluster_details(factory, east, "orders", now=later)
    assert d.events == ()


def test_missing_cluster_is_a_plain_error(factory, east):
    with pytest.raises(ConsoleError, match="does not exist"):
        load_cluster_details(factory, east, "nope")
