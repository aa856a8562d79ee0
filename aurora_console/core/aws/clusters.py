"""The navigator's cluster list: id, engine, status per region (the fleet view goes deeper)."""

from __future__ import annotations

from dataclasses import dataclass

from aurora_console.core.aws.errors import AwsError, classify
from aurora_console.core.aws.session import AwsSessionFactory, AwsTarget
from aurora_console.core.tasks import TaskContext

AURORA_ENGINES = ("aurora-postgresql", "aurora-mysql", "aurora")


@dataclass(frozen=True)
class ClusterRef:
    """Enough to find a cluster again: where it lives and what it is."""

    profile: str | None
    region: str
    cluster_id: str
    engine: str = ""
    endpoint_url: str | None = None

    @property
    def target(self) -> AwsTarget:
        return AwsTarget(self.profile, self.region, self.endpoint_url)


@dataclass(frozen=True)
class ClusterSummary:
    ref: ClusterRef
    engine_version: str
    status: str
    members: int
    writer: str | None


@dataclass
class RegionClusters:
    target: AwsTarget
    clusters: list[ClusterSummary]
    error: AwsError | None = None


def list_clusters(factory: AwsSessionFactory, target: AwsTarget, task: TaskContext | None = None) -> RegionClusters:
    """All Aurora clusters of one profile/region; an AWS failure is returned, not raised."""
    try:
        client = factory.client("rds", target)
        clusters: list[ClusterSummary] = []
        for page in client.get_paginator("describe_db_clusters").paginate():
            if task is not None:
                task.check()
            for c in page.get("DBClusters", []):
                engine = c.get("Engine", "")
                if not engine.startswith("aurora"):
                    continue
                members = c.get("DBClusterMembers", [])
                writer = next((m["DBInstanceIdentifier"] for m in members if m.get("IsClusterWriter")), None)
                clusters.append(ClusterSummary(
                    ref=ClusterRef(target.profile, target.region, c["DBClusterIdentifier"], engine, target.endpoint_url),
                    engine_version=c.get("EngineVersion", ""),
                    status=c.get("Status", ""),
                    members=len(members),
                    writer=writer,
                ))
        clusters.sort(key=lambda s: s.ref.cluster_id)
        return RegionClusters(target, clusters)
    except Exception as exc:  # one region's failure must not break the others
        from aurora_console.core.tasks import Cancelled

        if isinstance(exc, Cancelled):
            raise
        return RegionClusters(target, [], classify(exc, profile=target.profile, operation="DescribeDBClusters"))
