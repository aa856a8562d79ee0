"""Everything the cluster details pane shows, loaded off the UI thread.

Each section (endpoints, parameter group, security groups, backups, maintenance, events) is
read on its own: a section that fails records a sentence in ``errors`` and the others still show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from aurora_console.core.aws import errors as aws_errors
from aurora_console.core.aws.fleet.build import endpoints_from_raw, pending_from_raw
from aurora_console.core.aws.fleet.inventory import ClientFactory, paginate
from aurora_console.core.aws.fleet.models import Cluster
from aurora_console.core.aws.fleet.runner import fetch_cluster
from aurora_console.core.aws.fleet.sg_rules import SecurityGroupInfo, group_from_raw, world_open_warnings
from aurora_console.core.errors import ConsoleError
from aurora_console.core.tasks import Cancelled, TaskContext

#: Parameter that forces TLS, per engine family.
FORCE_SSL_PARAMETER = {"aurora-postgresql": "rds.force_ssl", "aurora-mysql": "require_secure_transport"}


@dataclass(frozen=True)
class EventInfo:
    time: datetime | None
    source_type: str
    source_id: str
    message: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class BackupSummary:
    retention_days: int
    window: str
    earliest_restorable: datetime | None
    latest_restorable: datetime | None
    snapshot_count: int | None = None
    latest_snapshot: datetime | None = None


@dataclass(frozen=True)
class ClusterDetails:
    cluster: Cluster
    force_ssl_parameter: str = ""
    force_ssl_value: str | None = None  # None: unknown (see errors["parameters"])
    security_groups: tuple[SecurityGroupInfo, ...] = ()
    warnings: tuple[str, ...] = ()
    backup: BackupSummary | None = None
    events: tuple[EventInfo, ...] = ()
    errors: tuple[tuple[str, str], ...] = ()  # (section, message)

    @property
    def error_dict(self) -> dict[str, str]:
        return dict(self.errors)


def _section(errors: list[tuple[str, str]], name: str, fn: Callable[[], Any], default: Any, task: TaskContext | None,
             operation: str = "") -> Any:
    if task is not None:
        task.check()
    try:
        return fn()
    except Cancelled:
        raise
    except Exception as exc:  # noqa: BLE001 - one section's failure is shown in that section
        errors.append((name, aws_errors.classify_failure(exc, operation=operation).message))
        return default


def force_ssl(rds: Any, group: str, engine: str) -> tuple[str, str | None]:
    name = next((v for k, v in FORCE_SSL_PARAMETER.items() if engine.startswith(k)), "rds.force_ssl")
    if not group:
        return name, None
    for p in paginate(rds, "describe_db_cluster_parameters", "Parameters", DBClusterParameterGroupName=group):
        if p.get("ParameterName") == name:
            return name, str(p.get("ParameterValue", "")) if p.get("ParameterValue") is not None else "(engine default)"
    return name, "(not set)"


def security_groups(ec2: Any, ids: tuple[str, ...]) -> tuple[SecurityGroupInfo, ...]:
    if not ids:
        return ()
    raw = paginate(ec2, "describe_security_groups", "SecurityGroups", GroupIds=list(ids))
    return tuple(group_from_raw(g) for g in raw)


def events(rds: Any, cluster: Cluster, since: datetime) -> tuple[EventInfo, ...]:
    out: list[EventInfo] = []
    sources = [("db-cluster", cluster.id)] + [("db-instance", i.id) for i in cluster.instances]
    for source_type, source_id in sources:
        for e in paginate(rds, "describe_events", "Events", SourceType=source_type, SourceIdentifier=source_id, StartTime=since):
            when = e.get("Date")
            if isinstance(when, datetime) and when.astimezone(timezone.utc) < since:
                continue  # endpoints that ignore StartTime
            out.append(EventInfo(when, e.get("SourceType", source_type), e.get("SourceIdentifier", source_id),
                                 e.get("Message", ""), tuple(e.get("EventCategories", []) or [])))
    out.sort(key=lambda e: e.time or since, reverse=True)
    return tuple(out)


def backup_summary(rds: Any, cluster: Cluster) -> BackupSummary:
    snaps = paginate(rds, "describe_db_cluster_snapshots", "DBClusterSnapshots", DBClusterIdentifier=cluster.id)
    times = [s["SnapshotCreateTime"] for s in snaps if isinstance(s.get("SnapshotCreateTime"), datetime)]
    return BackupSummary(cluster.backup_retention_days, cluster.backup_window, cluster.earliest_restorable,
                         cluster.latest_restorable, len(snaps), max(times) if times else None)


def load_cluster_details(
    factory: ClientFactory,
    target: Any,
    cluster_id: str,
    *,
    task: TaskContext | None = None,
    events_hours: float = 24,
    now: datetime | None = None,
) -> ClusterDetails:
    """Read the details of one cluster. Raises :class:`ConsoleError` only when the cluster
    itself cannot be read; every other section fails on its own."""
    try:
        cluster = fetch_cluster(factory, target, cluster_id)
    except Cancelled:
        raise
    except Exception as exc:  # noqa: BLE001
        raise ConsoleError(f"Cannot read cluster {cluster_id}: {aws_errors.classify_failure(exc).message}") from exc
    if cluster is None:
        raise ConsoleError(f"Cluster {cluster_id} does not exist (any more) in {getattr(target, 'region', '')}.")
    rds = factory.client("rds", target)
    errors: list[tuple[str, str]] = []
    raw_cluster = {"Endpoint": cluster.endpoint, "ReaderEndpoint": cluster.reader_endpoint, "Port": cluster.port}
    eps = _section(errors, "endpoints", lambda: paginate(rds, "describe_db_cluster_endpoints", "DBClusterEndpoints",
                                                         DBClusterIdentifier=cluster_id), [], task,
                   "describe_db_cluster_endpoints")
    pending_raw = _section(errors, "maintenance", lambda: paginate(
        rds, "describe_pending_maintenance_actions", "PendingMaintenanceActions",
        Filters=[{"Name": "db-cluster-id", "Values": [cluster_id]}]), [], task, "describe_pending_maintenance_actions")
    pending = pending_from_raw(pending_raw)
    cluster = replace(
        cluster,
        endpoints=endpoints_from_raw(raw_cluster, eps),
        pending=pending.get(cluster.arn, ()),
        instances=tuple(replace(i, pending=pending.get(i.arn, ())) for i in cluster.instances),
    )
    ssl_name, ssl_value = _section(errors, "parameters", lambda: force_ssl(rds, cluster.parameter_group, cluster.engine),
                                   (FORCE_SSL_PARAMETER.get(cluster.engine, "rds.force_ssl"), None), task)
    groups = _section(errors, "security groups",
                      lambda: security_groups(factory.client("ec2", target), cluster.security_group_ids), (), task)
    backup = _section(errors, "backups", lambda: backup_summary(rds, cluster), None, task)
    since = (now or datetime.now(timezone.utc)) - timedelta(hours=events_hours)
    evts = _section(errors, "events", lambda: events(rds, cluster, since), (), task)
    warnings = list(world_open_warnings(groups, cluster.port))
    if ssl_value in ("0", "OFF", "off"):
        warnings.append(f"{ssl_name} is {ssl_value}: clients may connect without TLS.")
    if not cluster.storage_encrypted:
        warnings.append("Storage is not encrypted.")
    if len(cluster.azs) < 2 and len(cluster.instances) > 1:
        warnings.append(f"All {len(cluster.instances)} instances are in one availability zone ({cluster.azs[0] if cluster.azs else '?'}).")
    return ClusterDetails(cluster, ssl_name, ssl_value, groups, tuple(warnings), backup, evts, tuple(errors))
