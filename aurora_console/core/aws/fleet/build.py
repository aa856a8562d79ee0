"""Build fleet dataclasses from raw RDS API answers (pure functions, no I/O)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from aurora_console.core.aws.fleet.models import (
    READER,
    WRITER,
    Cluster,
    Endpoint,
    GlobalCluster,
    Instance,
    PendingAction,
    Proxy,
    ProxyTarget,
    RegionInventory,
)

Raw = Mapping[str, Any]


def pending_from_raw(items: Sequence[Raw]) -> dict[str, tuple[PendingAction, ...]]:
    """Pending maintenance actions keyed by resource ARN."""
    out: dict[str, list[PendingAction]] = defaultdict(list)
    for res in items:
        arn = res.get("ResourceIdentifier", "")
        for d in res.get("PendingMaintenanceActionDetails", []) or []:
            out[arn].append(
                PendingAction(
                    resource_arn=arn,
                    action=d.get("Action", ""),
                    description=d.get("Description", ""),
                    auto_applied_after=d.get("AutoAppliedAfterDate"),
                    forced_apply_date=d.get("ForcedApplyDate"),
                    current_apply_date=d.get("CurrentApplyDate"),
                    opt_in_status=d.get("OptInStatus", ""),
                )
            )
    return {k: tuple(v) for k, v in out.items()}


def instance_from_raw(raw: Raw, member: Raw | None, pending: Mapping[str, tuple[PendingAction, ...]]) -> Instance:
    ep = raw.get("Endpoint") or {}
    groups = raw.get("DBParameterGroups") or []
    arn = raw.get("DBInstanceArn", "")
    tier = (member or {}).get("PromotionTier", raw.get("PromotionTier"))
    return Instance(
        id=raw.get("DBInstanceIdentifier", ""),
        cluster_id=raw.get("DBClusterIdentifier", ""),
        role=WRITER if (member or {}).get("IsClusterWriter") else READER,
        tier=int(tier) if tier is not None else None,
        instance_class=raw.get("DBInstanceClass", ""),
        az=raw.get("AvailabilityZone", "") or "",
        status=raw.get("DBInstanceStatus", ""),
        engine=raw.get("Engine", ""),
        engine_version=raw.get("EngineVersion", ""),
        address=ep.get("Address", "") or "",
        port=ep.get("Port"),
        parameter_group=groups[0].get("DBParameterGroupName", "") if groups else "",
        performance_insights=bool(raw.get("PerformanceInsightsEnabled", False)),
        monitoring_interval=int(raw.get("MonitoringInterval", 0) or 0),
        publicly_accessible=bool(raw.get("PubliclyAccessible", False)),
        arn=arn,
        pending=pending.get(arn, ()),
    )


def endpoints_from_raw(cluster: Raw, listed: Sequence[Raw]) -> tuple[Endpoint, ...]:
    """Writer, reader and custom endpoints; falls back to the cluster's own fields when the
    endpoint list is unavailable."""
    port = cluster.get("Port")
    out: list[Endpoint] = []
    for e in listed:
        kind = str(e.get("EndpointType", "")).lower() or "custom"
        out.append(
            Endpoint(
                kind=kind,
                address=e.get("Endpoint", ""),
                port=port,
                identifier=e.get("DBClusterEndpointIdentifier", ""),
                status=e.get("Status", ""),
                members=tuple(e.get("StaticMembers", []) or []),
            )
        )
    kinds = {e.kind for e in out}
    if "writer" not in kinds and cluster.get("Endpoint"):
        out.insert(0, Endpoint("writer", cluster["Endpoint"], port))
    if "reader" not in kinds and cluster.get("ReaderEndpoint"):
        out.insert(1 if out and out[0].kind == "writer" else 0, Endpoint("reader", cluster["ReaderEndpoint"], port))
    for e in cluster.get("CustomEndpoints", []) or []:
        if e not in {x.address for x in out}:
            out.append(Endpoint("custom", e, port))
    order = {"writer": 0, "reader": 1, "custom": 2}
    return tuple(sorted(out, key=lambda e: (order.get(e.kind, 3), e.address)))


def proxy_from_raw(raw: Raw, targets: Sequence[Raw]) -> Proxy:
    return Proxy(
        name=raw.get("DBProxyName", ""),
        engine_family=raw.get("EngineFamily", ""),
        status=raw.get("Status", ""),
        endpoint=raw.get("Endpoint", ""),
        arn=raw.get("DBProxyArn", ""),
        targets=tuple(
            ProxyTarget(
                resource_id=t.get("RdsResourceId", ""),
                target_type=t.get("Type", ""),
                role=t.get("Role", ""),
                endpoint=t.get("Endpoint", "") or "",
                port=t.get("Port"),
                health=(t.get("TargetHealth") or {}).get("State", ""),
            )
            for t in targets
        ),
    )


def cluster_from_raw(
    raw: Raw,
    instances_by_id: Mapping[str, Raw],
    endpoints: Sequence[Raw],
    proxies: Sequence[Proxy],
    global_id: str,
    pending: Mapping[str, tuple[PendingAction, ...]],
) -> Cluster:
    members = raw.get("DBClusterMembers", []) or []
    instances = []
    for m in members:
        iid = m.get("DBInstanceIdentifier", "")
        inst_raw = instances_by_id.get(iid) or {"DBInstanceIdentifier": iid, "DBClusterIdentifier": raw.get("DBClusterIdentifier", "")}
        instances.append(instance_from_raw(inst_raw, m, pending))
    instances.sort(key=lambda i: (i.role != WRITER, i.id))
    arn = raw.get("DBClusterArn", "")
    return Cluster(
        id=raw.get("DBClusterIdentifier", ""),
        engine=raw.get("Engine", ""),
        engine_version=raw.get("EngineVersion", ""),
        status=raw.get("Status", ""),
        arn=arn,
        port=raw.get("Port"),
        endpoint=raw.get("Endpoint", "") or "",
        reader_endpoint=raw.get("ReaderEndpoint", "") or "",
        endpoints=endpoints_from_raw(raw, endpoints),
        instances=tuple(instances),
        proxies=tuple(proxies),
        global_cluster_id=global_id,
        multi_az=bool(raw.get("MultiAZ", False)),
        storage_encrypted=bool(raw.get("StorageEncrypted", False)),
        kms_key_id=raw.get("KmsKeyId", "") or "",
        iam_auth=bool(raw.get("IAMDatabaseAuthenticationEnabled", False)),
        deletion_protection=bool(raw.get("DeletionProtection", False)),
        parameter_group=raw.get("DBClusterParameterGroup", "") or "",
        security_group_ids=tuple(g.get("VpcSecurityGroupId", "") for g in raw.get("VpcSecurityGroups", []) or []),
        backup_retention_days=int(raw.get("BackupRetentionPeriod", 0) or 0),
        backup_window=raw.get("PreferredBackupWindow", "") or "",
        maintenance_window=raw.get("PreferredMaintenanceWindow", "") or "",
        earliest_restorable=raw.get("EarliestRestorableTime"),
        latest_restorable=raw.get("LatestRestorableTime"),
        tags=tuple(sorted((t.get("Key", ""), t.get("Value", "")) for t in raw.get("TagList", []) or [])),
        pending=pending.get(arn, ()),
    )


def global_from_raw(raw: Raw) -> GlobalCluster:
    members = raw.get("GlobalClusterMembers", []) or []
    return GlobalCluster(
        id=raw.get("GlobalClusterIdentifier", ""),
        engine=raw.get("Engine", ""),
        engine_version=raw.get("EngineVersion", ""),
        status=raw.get("Status", ""),
        arn=raw.get("GlobalClusterArn", ""),
        member_arns=tuple(m.get("DBClusterArn", "") for m in members),
        writer_arn=next((m.get("DBClusterArn", "") for m in members if m.get("IsWriter")), ""),
    )


def build_region(
    profile: str,
    region: str,
    endpoint_url: str | None,
    raw: Mapping[str, Any],
    *,
    warnings: tuple[str, ...] = (),
    loaded_at: datetime | None = None,
) -> RegionInventory:
    """Assemble a region from the raw answers keyed by operation name (plus ``proxy_targets``)."""
    instances_by_id = {i.get("DBInstanceIdentifier", ""): i for i in raw.get("describe_db_instances", [])}
    endpoints_by_cluster: dict[str, list[Raw]] = defaultdict(list)
    for e in raw.get("describe_db_cluster_endpoints", []):
        endpoints_by_cluster[e.get("DBClusterIdentifier", "")].append(e)
    pending = pending_from_raw(raw.get("describe_pending_maintenance_actions", []))
    globals_ = tuple(global_from_raw(g) for g in raw.get("describe_global_clusters", []))
    global_of = {arn: g.id for g in globals_ for arn in g.member_arns}
    proxy_targets: Mapping[str, Sequence[Raw]] = raw.get("proxy_targets", {})
    proxies = [proxy_from_raw(p, proxy_targets.get(p.get("DBProxyName", ""), [])) for p in raw.get("describe_db_proxies", [])]
    clusters = []
    for c in raw.get("describe_db_clusters", []):
        cid = c.get("DBClusterIdentifier", "")
        member_ids = {m.get("DBInstanceIdentifier") for m in c.get("DBClusterMembers", []) or []}
        mine = [p for p in proxies if any(t.resource_id == cid or t.resource_id in member_ids for t in p.targets)]
        clusters.append(
            cluster_from_raw(c, instances_by_id, endpoints_by_cluster.get(cid, []), mine, global_of.get(c.get("DBClusterArn", ""), ""), pending)
        )
    clusters.sort(key=lambda c: c.id)
    return RegionInventory(
        profile=profile,
        region=region,
        clusters=tuple(clusters),
        global_clusters=tuple(g for g in globals_ if any(c.global_cluster_id == g.id for c in clusters)),
        warnings=warnings,
        endpoint_url=endpoint_url,
        loaded_at=loaded_at,
    )
