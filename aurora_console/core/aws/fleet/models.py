"""Plain dataclasses for the cluster inventory (what the navigator and the fleet view show),
and :class:`ClusterRef`, the one way to name a cluster across the console.

Everything is frozen and built from tuples so that two loads of the same resource compare
equal: the fleet tree diffs a refresh against what it shows by key and by value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aurora_console.core.aws.session import AwsTarget

WRITER = "writer"
READER = "reader"


@dataclass(frozen=True)
class ClusterRef:
    """Enough to find a cluster again: where it lives (profile, region, endpoint) and what it is.
    What every cluster action (metrics, backups, SQL, failover...) receives."""

    profile: str | None
    region: str
    cluster_id: str
    engine: str = ""
    endpoint_url: str | None = None

    @property
    def target(self) -> AwsTarget:
        return AwsTarget(self.profile, self.region, self.endpoint_url)


@dataclass(frozen=True)
class PendingAction:
    """A maintenance action RDS has pending on a resource, and when it applies."""

    resource_arn: str
    action: str
    description: str = ""
    auto_applied_after: datetime | None = None
    forced_apply_date: datetime | None = None
    current_apply_date: datetime | None = None
    opt_in_status: str = ""


@dataclass(frozen=True)
class Endpoint:
    """A cluster endpoint: kind is ``writer``, ``reader``, ``custom`` or ``instance``."""

    kind: str
    address: str
    port: int | None = None
    identifier: str = ""
    status: str = ""
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Instance:
    """One DB instance of a cluster: its role (writer or reader), class, status and endpoint."""

    id: str
    cluster_id: str
    role: str  # WRITER / READER (from DBClusterMembers)
    tier: int | None
    instance_class: str
    az: str
    status: str
    engine: str = ""
    engine_version: str = ""
    address: str = ""
    port: int | None = None
    parameter_group: str = ""
    performance_insights: bool = False
    monitoring_interval: int = 0
    publicly_accessible: bool = False
    arn: str = ""
    pending: tuple[PendingAction, ...] = ()

    @property
    def is_writer(self) -> bool:
        return self.role == WRITER

    @property
    def enhanced_monitoring(self) -> bool:
        return self.monitoring_interval > 0


@dataclass(frozen=True)
class ProxyTarget:
    """What an RDS Proxy routes to: an instance or a cluster endpoint."""

    resource_id: str
    target_type: str  # RDS_INSTANCE / TRACKED_CLUSTER / RDS_SERVERLESS_ENDPOINT
    role: str = ""
    endpoint: str = ""
    port: int | None = None
    health: str = ""


@dataclass(frozen=True)
class Proxy:
    """An RDS Proxy in front of a cluster, with its targets."""

    name: str
    engine_family: str
    status: str
    endpoint: str = ""
    arn: str = ""
    targets: tuple[ProxyTarget, ...] = ()


@dataclass(frozen=True)
class Cluster:
    """One Aurora cluster as RDS describes it: engine, status, instances, endpoints, backups."""

    id: str
    engine: str
    engine_version: str
    status: str
    arn: str = ""
    port: int | None = None
    endpoint: str = ""
    reader_endpoint: str = ""
    endpoints: tuple[Endpoint, ...] = ()
    instances: tuple[Instance, ...] = ()
    proxies: tuple[Proxy, ...] = ()
    global_cluster_id: str = ""
    multi_az: bool = False
    storage_encrypted: bool = False
    kms_key_id: str = ""
    iam_auth: bool = False
    deletion_protection: bool = False
    parameter_group: str = ""
    security_group_ids: tuple[str, ...] = ()
    backup_retention_days: int = 0
    backup_window: str = ""
    maintenance_window: str = ""
    earliest_restorable: datetime | None = None
    # moves every few minutes; left out of equality so a refresh does not see a change
    latest_restorable: datetime | None = field(default=None, compare=False)
    tags: tuple[tuple[str, str], ...] = ()
    pending: tuple[PendingAction, ...] = ()

    @property
    def writer(self) -> Instance | None:
        return next((i for i in self.instances if i.is_writer), None)

    @property
    def readers(self) -> tuple[Instance, ...]:
        return tuple(i for i in self.instances if not i.is_writer)

    def instance(self, instance_id: str) -> Instance | None:
        return next((i for i in self.instances if i.id == instance_id), None)

    @property
    def tag_dict(self) -> dict[str, str]:
        return dict(self.tags)

    @property
    def azs(self) -> tuple[str, ...]:
        """Distinct availability zones of the instances (the Multi-AZ spread), sorted."""
        return tuple(sorted({i.az for i in self.instances if i.az}))


@dataclass(frozen=True)
class GlobalCluster:
    """An Aurora global database and the clusters (regions) it spans."""

    id: str
    engine: str = ""
    engine_version: str = ""
    status: str = ""
    arn: str = ""
    member_arns: tuple[str, ...] = ()
    writer_arn: str = ""


@dataclass(frozen=True)
class RegionInventory:
    """What one profile x region holds, or why it could not be read (``error``)."""

    profile: str
    region: str
    clusters: tuple[Cluster, ...] = ()
    global_clusters: tuple[GlobalCluster, ...] = ()
    error: str = ""
    error_kind: str = ""  # see the failure kinds in core/aws/errors.py
    warnings: tuple[str, ...] = ()
    endpoint_url: str | None = None
    loaded_at: datetime | None = field(default=None, compare=False)
    #: The AwsTarget this was read from (to act on it again).
    target: Any = None
    #: The classified failure (core.aws.errors.AwsError) behind ``error``, for its kind and hint.
    failure: Any = field(default=None, compare=False)

    @property
    def key(self) -> str:
        return f"{self.profile}/{self.region}"

    @property
    def ok(self) -> bool:
        return not self.error

    def cluster(self, cluster_id: str) -> Cluster | None:
        return next((c for c in self.clusters if c.id == cluster_id), None)

    def ref(self, cluster: Cluster) -> ClusterRef:
        """The reference actions receive for ``cluster`` of this region."""
        target = self.target
        profile = target.profile if target is not None else self.profile
        endpoint_url = getattr(target, "endpoint_url", None) if target is not None else self.endpoint_url
        return ClusterRef(profile, self.region, cluster.id, cluster.engine, endpoint_url)
