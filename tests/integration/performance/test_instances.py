"""The instances the Performance screen's picker offers (writer first, then readers by promotion
tier), read from a real moto server, and the profile aimed at one of them."""

from __future__ import annotations

import pytest

from aurora_console.core.aws.session import AwsTarget
from aurora_console.core.connections.profile import ClusterEndpointRef, ConnectionProfile, PasswordSource
from aurora_console.core.performance.instances import (
    PROFILE,
    InstanceEndpoint,
    cluster_instances,
    profile_endpoint,
    profile_for_instance,
)

pytestmark = pytest.mark.integration


def _cluster(rds, name="orders"):
    rds.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-postgresql", MasterUsername="postgres",
                          MasterUserPassword="not-used-123", DatabaseName="app")
    for ident, tier in ((f"{name}-a", 1), (f"{name}-c", 2), (f"{name}-b", 1)):
        rds.create_db_instance(DBInstanceIdentifier=ident, DBClusterIdentifier=name, Engine="aurora-postgresql",
                               DBInstanceClass="db.r6g.large", PromotionTier=tier)


def test_writer_first_then_readers_by_tier_each_with_its_own_endpoint(aws_factory):
    rds = aws_factory.client("rds", AwsTarget(None, "us-east-1"))
    _cluster(rds)
    _cluster(rds, "other")
    found = cluster_instances(rds, "orders")
    assert [i.instance_id for i in found][0] == "orders-a"  # the first instance created is the writer
    assert [i.role for i in found] == ["writer", "reader", "reader"]
    assert [i.instance_id for i in found[1:]] == ["orders-b", "orders-c"]  # tier 1 before tier 2
    assert len({i.address for i in found}) == 3 and all(i.port == 5432 for i in found)
    assert all(i.instance_class == "db.r6g.large" for i in found)
    assert found[0].label == "writer: orders-a"


def test_a_cluster_without_instances_has_none(aws_factory):
    rds = aws_factory.client("rds", AwsTarget(None, "us-east-1"))
    rds.create_db_cluster(DBClusterIdentifier="empty", Engine="aurora-postgresql", MasterUsername="postgres",
                          MasterUserPassword="not-used-123")
    assert cluster_instances(rds, "empty") == []


def test_profile_for_an_instance_keeps_the_credentials_and_gets_its_own_name():
    profile = ConnectionProfile("prod", "orders.cluster-x.us-east-1.rds.amazonaws.com", 5432, "app", "dba",
                                password=PasswordSource(kind="ssm", parameter="/db/pw", region="us-east-1"), read_only=True,
                                cluster=ClusterEndpointRef("prod", "us-east-1", "orders"))
    inst = InstanceEndpoint("orders-b", "reader", "orders-b.x.us-east-1.rds.amazonaws.com", 5433)
    aimed = profile_for_instance(profile, inst)
    assert aimed.name == "prod@orders-b" and aimed.host == inst.address and aimed.port == 5433
    assert aimed.password == profile.password and aimed.read_only and aimed.database == "app"
    assert aimed.cluster.endpoint_kind == "instance" and aimed.cluster.endpoint_name == "orders-b"
    assert profile.host.startswith("orders.cluster-")  # the saved profile is not changed
    aimed.validate()
    long = profile_for_instance(profile, InstanceEndpoint("i" * 63, "reader", "h.example.com", 5432))
    assert len(long.name) == 64
    long.validate()


def test_a_profile_without_a_cluster_is_its_own_single_endpoint():
    profile = ConnectionProfile("local", "127.0.0.1", 5432, "postgres", "postgres")
    only = profile_endpoint(profile)
    assert only.role == PROFILE and only.address == "127.0.0.1"
    assert profile_for_instance(profile, only) is profile
    assert only.label == "local (127.0.0.1:5432)"
