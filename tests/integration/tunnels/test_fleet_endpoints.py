"""Endpoints of a fleet cluster (for a new profile) from a moto server."""

from __future__ import annotations

import pytest

from aurora_console.core.aws.session import AwsTarget
from aurora_console.core.connections.fleet_endpoints import cluster_endpoints
from aurora_console.core.connections.passwords import clients_from_factory

pytestmark = pytest.mark.integration


def test_writer_and_reader_endpoints(aws_factory):
    rds = aws_factory.client("rds", AwsTarget(None, "us-east-1"))
    rds.create_db_cluster(DBClusterIdentifier="blog", Engine="aurora-postgresql", MasterUsername="postgres",
                          MasterUserPassword="not-used-123", DatabaseName="blog")
    found = cluster_endpoints(clients_from_factory(aws_factory), None, "us-east-1", "blog")
    kinds = {e.kind: e for e in found}
    assert {"writer", "reader"} <= set(kinds)
    assert kinds["writer"].address.startswith("blog.cluster-") and kinds["writer"].port == 5432
    assert "cluster-ro-" in kinds["reader"].address


def test_an_aurora_mysql_cluster_makes_a_mysql_profile_on_3306(aws_factory):
    from aurora_console.core.aws.fleet.models import ClusterRef
    from aurora_console.core.connections.fleet_endpoints import profile_for_cluster

    rds = aws_factory.client("rds", AwsTarget(None, "us-east-1"))
    rds.create_db_cluster(DBClusterIdentifier="shop", Engine="aurora-mysql", MasterUsername="admin",
                          MasterUserPassword="not-used-123")
    found = cluster_endpoints(clients_from_factory(aws_factory), None, "us-east-1", "shop")
    assert {e.port for e in found} == {3306}
    ref = ClusterRef(profile=None, region="us-east-1", cluster_id="shop", engine="aurora-mysql")
    profile = profile_for_cluster(ref, found)
    assert (profile.engine, profile.port, profile.user) == ("mysql", 3306, "admin")
    assert profile.host.startswith("shop.cluster-") and profile.cluster.cluster_id == "shop"
    profile.password.secret_id = "rds!cluster-shop"  # what the user completes in the editor
    profile.validate()
