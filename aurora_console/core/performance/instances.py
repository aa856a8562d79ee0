"""The instances of a cluster the Performance screen looks at (writer, each reader), each with its
own endpoint, and the connection profile that reaches one of them.

Sessions, locks and ``pg_stat_statements`` are per instance, so the screen connects to an
instance endpoint, not to the cluster's writer or reader endpoint (which moves on failover or
balances between readers). :func:`cluster_instances` reads them from RDS (``DescribeDBClusters``
for the roles, ``DescribeDBInstances`` for the endpoints and classes); :func:`profile_for_instance`
is the connection profile of the user's cluster with the host switched to that instance, opened
like any other through ``core.connections.opener.open_connection`` (same password source, TLS,
bastion: the bastion reaches every instance of the VPC).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

WRITER = "writer"
READER = "reader"
#: the role of the single endpoint of a profile that is not tied to a fleet cluster
PROFILE = "profile"


@dataclass(frozen=True)
class InstanceEndpoint:
    """One instance of a cluster as the screen's instance picker shows it."""

    instance_id: str
    role: str  # writer | reader | profile
    address: str
    port: int
    instance_class: str = ""

    @property
    def label(self) -> str:
        if self.role == PROFILE:
            return f"{self.instance_id} ({self.address}:{self.port})"
        return f"{self.role}: {self.instance_id}"


def cluster_instances(rds: Any, cluster_id: str) -> list[InstanceEndpoint]:
    """The writer first, then the readers by promotion tier (then id); instances without an
    endpoint yet (being created) are left out. ``rds``: a boto3 RDS client."""
    from aurora_console.core.aws.fleet.inventory import describe_cluster

    cluster = describe_cluster(rds, cluster_id)
    if cluster is None:
        return []
    members = cluster.get("DBClusterMembers", [])
    if not members:
        return []
    roles = {m["DBInstanceIdentifier"]: (WRITER if m.get("IsClusterWriter") else READER,
                                         int(m.get("PromotionTier", 15) or 15)) for m in members}
    port = int(cluster.get("Port") or 5432)
    found = []
    resp = rds.describe_db_instances(Filters=[{"Name": "db-cluster-id", "Values": [cluster_id]}])
    for inst in resp.get("DBInstances", []):
        ident = inst.get("DBInstanceIdentifier", "")
        ep = inst.get("Endpoint") or {}
        if ident not in roles or not ep.get("Address"):
            continue
        found.append(InstanceEndpoint(ident, roles[ident][0], ep["Address"], int(ep.get("Port") or port),
                                      inst.get("DBInstanceClass", "")))
    found.sort(key=lambda i: (i.role != WRITER, roles[i.instance_id][1], i.instance_id))
    return found


def profile_endpoint(profile: Any) -> InstanceEndpoint:
    """The one "instance" of a profile not tied to a fleet cluster: its own host."""
    return InstanceEndpoint(profile.name, PROFILE, profile.host, int(profile.port))


def profile_for_instance(profile: Any, instance: InstanceEndpoint) -> Any:
    """``profile`` (a ``ConnectionProfile``) aimed at ``instance``'s endpoint. Its name becomes
    ``<profile>@<instance>`` (at most 64 characters) so a bastion profile gets its own tunnel to
    that instance beside the profile's usual one; everything else (password source, TLS, bastion,
    read-only) stays the profile's."""
    if instance.role == PROFILE:
        return profile
    name = f"{profile.name}@{instance.instance_id}"[:64]
    cluster = profile.cluster
    if cluster is not None:
        cluster = replace(cluster, endpoint_kind="instance", endpoint_name=instance.instance_id)
    return replace(profile, name=name, host=instance.address, port=instance.port, cluster=cluster)
