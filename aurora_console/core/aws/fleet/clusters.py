"""One region's cluster list as the navigator shows it (id, engine, status), read by the one
inventory loader (:func:`aurora_console.core.aws.fleet.inventory.load_region`), with the region's
failure classified (kind, hint) instead of raised."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aurora_console.core.aws.errors import AwsError
from aurora_console.core.aws.fleet.models import Cluster, ClusterRef, RegionInventory
from aurora_console.core.aws.session import AwsTarget
from aurora_console.core.tasks import TaskContext


def listed(cluster: Cluster) -> bool:
    """Whether the navigator lists a cluster: Aurora only (DescribeDBClusters also returns
    Multi-AZ DB clusters of plain RDS)."""
    return cluster.engine.startswith("aurora")


@dataclass(frozen=True)
class ClusterSummary:
    """A cluster and the reference its actions receive."""

    ref: ClusterRef
    cluster: Cluster

    @property
    def engine_version(self) -> str:
        return self.cluster.engine_version

    @property
    def status(self) -> str:
        return self.cluster.status

    @property
    def members(self) -> int:
        return len(self.cluster.instances)

    @property
    def writer(self) -> str | None:
        w = self.cluster.writer
        return w.id if w is not None else None


@dataclass
class RegionClusters:
    """The clusters of one (profile, region), or the error that region answered with."""

    target: AwsTarget
    clusters: list[ClusterSummary]
    error: AwsError | None = None


#: Each region's latest summaries with the inventory they were worked out from (a
#: RegionInventory is frozen, so its summaries never change): a refresh asks for every region's
#: several times in one event-loop turn, 1,000 clusters' refs and a sort each time (~10 ms
#: apiece). One entry per region: a newer inventory of the region replaces the older one.
_SUMMARIES: dict[str, tuple[RegionInventory, tuple[ClusterSummary, ...]]] = {}
_REGIONS_KEPT = 64


def _where(inv: RegionInventory) -> tuple:
    """What a region's refs take from the region (see RegionInventory.ref)."""
    target = inv.target
    if target is None:
        return (inv.profile, inv.region, inv.endpoint_url)
    return (target.profile, inv.region, getattr(target, "endpoint_url", None))


def summaries(inv: RegionInventory) -> list[ClusterSummary]:
    """The Aurora clusters of a region, by id."""
    hit = _SUMMARIES.get(inv.key)
    if hit is not None and hit[0] is inv:
        return list(hit[1])
    # a refresh keeps the very Cluster objects of unchanged clusters: their summaries too
    before = {id(s.cluster): s for s in hit[1]} if hit is not None and _where(hit[0]) == _where(inv) else {}
    out = []
    for c in inv.clusters:
        old = before.get(id(c))
        if old is not None and old.cluster is c:
            out.append(old)
        elif listed(c):
            out.append(ClusterSummary(inv.ref(c), c))
    out.sort(key=lambda s: s.ref.cluster_id)
    if len(_SUMMARIES) >= _REGIONS_KEPT and inv.key not in _SUMMARIES:
        _SUMMARIES.clear()  # many profiles x regions seen: start again
    _SUMMARIES[inv.key] = (inv, tuple(out))
    return out


def region_clusters(inv: RegionInventory, target: Any) -> RegionClusters:
    error = None
    if inv.error:
        error = inv.failure if isinstance(inv.failure, AwsError) else AwsError(inv.error, kind=inv.error_kind or "aws")
    return RegionClusters(target, summaries(inv) if not inv.error else [], error)


def list_clusters(factory: Any, target: AwsTarget, task: TaskContext | None = None) -> RegionClusters:
    """All Aurora clusters of one profile/region; an AWS failure is returned, not raised."""
    from aurora_console.core.aws.fleet.inventory import load_region

    return region_clusters(load_region(factory, target, task=task), target)
