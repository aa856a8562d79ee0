"""ClusterInventory, the one cache behind the navigator and the fleet view (plain Python)."""

from __future__ import annotations

from aurora_console.core.aws.fleet.inventory import ClusterInventory, describe_cluster
from aurora_console.core.aws.fleet.models import Cluster, ClusterRef, RegionInventory
from aurora_console.core.aws.session import AwsTarget


def _region(region: str, *ids: str, error: str = "", profile: str | None = "dev") -> RegionInventory:
    return RegionInventory(profile or "default", region, clusters=tuple(Cluster(i, "aurora-postgresql", "15.4", "available")
                                                                   for i in ids),
                           error=error, target=AwsTarget(profile, region, "http://127.0.0.1:5"))


def test_refs_name_profile_region_endpoint_and_engine():
    inv = ClusterInventory()
    inv.apply(_region("eu-west-1", "a", "b"))
    assert inv.refs() == [ClusterRef("dev", "eu-west-1", "a", "aurora-postgresql", "http://127.0.0.1:5"),
                          ClusterRef("dev", "eu-west-1", "b", "aurora-postgresql", "http://127.0.0.1:5")]
    assert inv.refs()[0].target == AwsTarget("dev", "eu-west-1", "http://127.0.0.1:5")


def test_find_by_ref_tells_regions_apart():
    inv = ClusterInventory()
    inv.apply(_region("us-east-1", "same"))
    inv.apply(_region("eu-west-1", "same"))
    region, cluster = inv.find(ClusterRef("dev", "eu-west-1", "same"))
    assert region.region == "eu-west-1" and cluster.id == "same"
    assert inv.find(ClusterRef("other", "eu-west-1", "same")) is None
    assert inv.find(ClusterRef("dev", "ap-south-1", "same")) is None
    assert inv.find("same")[0].region == "us-east-1"  # an id alone: the first region that has it


def test_a_failed_refresh_keeps_the_clusters_with_the_error():
    inv = ClusterInventory()
    inv.apply(_region("us-east-1", "a"))
    kept = inv.apply(_region("us-east-1", error="throttled"))
    assert [c.id for c in kept.clusters] == ["a"] and kept.error == "throttled"
    assert inv.apply(_region("us-east-1", "b")).clusters[0].id == "b"  # the next good load replaces it
    inv.remove("dev/us-east-1")
    assert inv.clusters() == []


def test_describe_cluster_returns_the_one_cluster_or_none():
    class Rds:
        def __init__(self, answer):
            self.answer, self.asked = answer, []

        def describe_db_clusters(self, **kw):
            self.asked.append(kw)
            return {"DBClusters": self.answer}

    rds = Rds([{"DBClusterIdentifier": "a", "Status": "available"}])
    assert describe_cluster(rds, "a") == {"DBClusterIdentifier": "a", "Status": "available"}
    assert rds.asked == [{"DBClusterIdentifier": "a"}]
    assert describe_cluster(Rds([]), "gone") is None
