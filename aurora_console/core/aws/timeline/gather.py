"""Read a cluster's change timeline from every source; one source failing leaves the others.

:func:`gather_timeline` runs, for one cluster over ``[since, until)``:

1. ``DescribeDBClusters`` / ``DescribeDBInstances`` (members, parameter groups, what is pending),
   ``DescribeDBClusterSnapshots`` (its manual snapshots, for CloudTrail lookups by name);
2. RDS events of the cluster and each instance (``DescribeEvents``: RDS keeps 14 days);
3. CloudTrail ``LookupEvents`` for the cluster, its instances, parameter groups and snapshots;
4. the console's audit log entries naming any of them;
5. migrations applied, from the history tables of each profile pointing at the cluster;
6. pending maintenance actions and settings pending reboot.

A source that fails is left out with the reason in :attr:`Timeline.problems`; when AWS denies it
the reason names the IAM permission to ask for (``cloudtrail:LookupEvents``). Runs on a worker
thread (it does I/O); the readers of records come from ``explain_window``, not copied.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from aurora_console.core.audit import AuditEntry, AuditLog
from aurora_console.core.aws.errors import ACCESS_DENIED, classify
from aurora_console.core.aws.timeline.cloudtrail import CallPacer, read_cloudtrail
from aurora_console.core.aws.timeline.entries import (
    SOURCE_AUDIT,
    SOURCE_CLOUDTRAIL,
    SOURCE_MIGRATIONS,
    SOURCE_PENDING,
    SOURCE_RDS,
    SOURCES,
    ChartMarker,
    TimelineEntry,
    chart_markers,
    filter_entries,
    merge,
    utc,
    with_before_values,
)
from aurora_console.core.aws.timeline.pending import maintenance_entries, pending_reboot_entries
from aurora_console.core.aws.timeline.sources import from_audit, from_migrations, from_rds_events
from aurora_console.core.errors import ConsoleError
from aurora_console.core.performance.explain_window import (
    EVENTS_KEPT,
    MigrationRun,
    audit_in_window,
    read_rds_events,
)
from aurora_console.core.tasks import Cancelled, TaskContext

log = logging.getLogger(__name__)

#: What the screen offers by default: the 14 days RDS keeps its events.
DEFAULT_DAYS = 14
#: How far back CloudTrail's event history goes.
CLOUDTRAIL_KEPT = timedelta(days=90)
#: Each source's main call, named as the IAM permission it needs.
PERMISSIONS = {SOURCE_RDS: "rds:DescribeEvents", SOURCE_CLOUDTRAIL: "cloudtrail:LookupEvents",
               SOURCE_PENDING: "rds:DescribePendingMaintenanceActions"}
#: Manual snapshots looked up in CloudTrail by name (the newest first).
MAX_SNAPSHOT_LOOKUPS = 20

MigrationReader = Callable[[datetime, datetime], Iterable[MigrationRun]]


class TimelineError(ConsoleError):
    """A timeline that cannot be read at all (a bad time range, a cluster that is not there)."""


@dataclass(frozen=True)
class Timeline:
    """A cluster's entries over ``[start, end)``, oldest first, and why any source is missing."""

    cluster_id: str
    start: datetime
    end: datetime
    entries: tuple[TimelineEntry, ...] = ()
    problems: Mapping[str, str] = field(default_factory=dict)  # source (or "migrations (profile)") -> why
    sources: tuple[str, ...] = ()  # the sources that were asked
    resources: tuple[str, ...] = ()  # the names CloudTrail was asked about

    def filtered(self, *, sources: Iterable[str] | None = None, kinds: Iterable[str] | None = None,
                 since: datetime | None = None, until: datetime | None = None, text: str = "") -> list[TimelineEntry]:
        return filter_entries(self.entries, sources=sources, kinds=kinds, since=since, until=until, text=text)

    def kinds(self) -> list[str]:
        return sorted({e.kind for e in self.entries})

    def markers(self, start: float, end: float, *, sources: Iterable[str] | None = None,
                kinds: Iterable[str] | None = None, limit: int = 500) -> list[ChartMarker]:
        return chart_markers(self.filtered(sources=sources, kinds=kinds), start, end, limit=limit)


def permission_text(exc: BaseException, service: str, default: str, profile: str | None = None) -> str:
    """Why a source failed; for a denial, the permission to ask for (``service:Operation`` of
    the denied call, else ``default``)."""
    code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", "")) if hasattr(exc, "response") else ""
    if code in ACCESS_DENIED:
        operation = getattr(exc, "operation_name", "") or ""
        permission = f"{service}:{operation}" if operation else default
        return (f"Access denied: this profile may not call {permission}. "
                f"Ask for the IAM permission {permission} to see this source.")
    if isinstance(exc, ConsoleError):
        return f"{exc.message} {exc.hint}".strip() if getattr(exc, "hint", "") else exc.message
    operation = getattr(exc, "operation_name", "") or (default.split(":", 1)[1] if ":" in default else "")
    failure = classify(exc, profile=profile, operation=operation.rstrip("*"))
    return f"{failure.message} {failure.hint}".strip() if failure.hint else failure.message


def _period(since: datetime | float, until: datetime | float | None) -> tuple[datetime, datetime]:
    def as_dt(value: Any) -> datetime:
        if isinstance(value, datetime):
            return utc(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return datetime.fromtimestamp(float(value), tz=timezone.utc)
        raise TimelineError(f"{value!r} is not a time (a datetime or epoch seconds).")

    end = as_dt(until) if until is not None else datetime.now(timezone.utc)
    start = as_dt(since)
    if end <= start:
        raise TimelineError(f"The timeline must end after it starts ({start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC).")
    return start, end


def _paginate(client: Any, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    from aurora_console.core.aws.fleet.inventory import paginate

    return paginate(client, operation, key, **kwargs)


def describe_cluster_resources(rds: Any, cluster_id: str) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    """``(cluster, its instances, its manual snapshot ids newest first)`` as RDS describes them."""
    clusters = rds.describe_db_clusters(DBClusterIdentifier=cluster_id).get("DBClusters") or []
    if not clusters:
        raise TimelineError(f"Cluster {cluster_id!r} was not found.")
    cluster = clusters[0]
    ids = [m["DBInstanceIdentifier"] for m in cluster.get("DBClusterMembers") or () if m.get("DBInstanceIdentifier")]
    instances = []
    for instance_id in ids:
        found = rds.describe_db_instances(DBInstanceIdentifier=instance_id).get("DBInstances") or []
        instances.extend(found[:1])
    snapshots: list[str] = []
    try:
        raw = _paginate(rds, "describe_db_cluster_snapshots", "DBClusterSnapshots", DBClusterIdentifier=cluster_id,
                        SnapshotType="manual")
        raw.sort(key=lambda s: s.get("SnapshotCreateTime") or datetime.min.replace(tzinfo=timezone.utc), reverse=True)
        snapshots = [s["DBClusterSnapshotIdentifier"] for s in raw if s.get("DBClusterSnapshotIdentifier")]
    except Exception as exc:  # noqa: BLE001 - snapshots only widen the CloudTrail lookups
        log.info("timeline: snapshots of %s not listed: %s", cluster_id, exc)
    return cluster, instances, snapshots


def resource_names(cluster: Mapping[str, Any], instances: Iterable[Mapping[str, Any]], snapshots: Iterable[str]) -> list[str]:
    """What CloudTrail is asked about: the cluster, its instances, its parameter groups, its snapshots."""
    names = [str(cluster.get("DBClusterIdentifier") or "")]
    names += [str(i.get("DBInstanceIdentifier") or "") for i in instances]
    names.append(str(cluster.get("DBClusterParameterGroup") or ""))
    for inst in instances:
        names += [str(g.get("DBParameterGroupName") or "") for g in inst.get("DBParameterGroups") or ()]
    names += list(snapshots)[:MAX_SNAPSHOT_LOOKUPS]
    return [n for n in dict.fromkeys(names) if n and not n.startswith("default.")]


def gather_timeline(
    *,
    cluster_id: str,
    since: datetime | float,
    until: datetime | float | None = None,
    rds: Any = None,
    cloudtrail: Any = None,
    audit: AuditLog | Iterable[AuditEntry] | None = None,
    migrations: Mapping[str, MigrationReader] | None = None,
    sources: Iterable[str] | None = None,
    pacer: CallPacer | None = None,
    task: TaskContext | None = None,
    profile: str | None = None,
    now: datetime | None = None,
) -> Timeline:
    """The cluster's timeline over ``[since, until)`` (``until`` None: now).

    ``rds`` / ``cloudtrail``: boto3 clients (None: that source is not offered); ``audit``: the
    console's audit log; ``migrations``: ``{profile name: reader(start, end)}`` for each profile
    pointing at the cluster (a reader runs ``read_migrations`` on that profile's connection);
    ``sources``: which sources to read (None: all). Raises :class:`TimelineError` only when the
    range is wrong; everything else becomes a problem of its source."""
    start, end = _period(since, until)
    now = utc(now) if now is not None else datetime.now(timezone.utc)
    wanted = set(SOURCES) if sources is None else set(sources) & set(SOURCES)
    problems: dict[str, str] = {}
    lists: list[list[TimelineEntry]] = []
    asked: list[str] = []

    def step(percent: int, text: str) -> None:
        if task is not None:
            task.check()
            task.progress(percent, text)

    def attempt(source: str, service: str, fn: Callable[[], list[TimelineEntry]]) -> None:
        try:
            lists.append(fn())
        except (Cancelled, TimelineError):
            raise
        except Exception as exc:  # noqa: BLE001 - one source's failure is said, the others still show
            problems[source] = permission_text(exc, service, PERMISSIONS.get(source, f"{service}:*"), profile)
            log.info("timeline %s: %s unavailable: %s", cluster_id, source, problems[source])

    cluster: dict[str, Any] = {"DBClusterIdentifier": cluster_id}
    instances: list[dict[str, Any]] = []
    snapshots: list[str] = []
    described = False
    if rds is not None and wanted & {SOURCE_RDS, SOURCE_CLOUDTRAIL, SOURCE_PENDING, SOURCE_AUDIT}:
        step(2, "Reading the cluster")
        try:
            cluster, instances, snapshots = describe_cluster_resources(rds, cluster_id)
            described = True
        except (Cancelled, TimelineError):
            raise
        except Exception as exc:  # noqa: BLE001
            text = permission_text(exc, "rds", "rds:DescribeDBClusters", profile)
            for source in wanted & {SOURCE_PENDING}:
                problems[source] = text
            problems.setdefault("cluster", text)
    instance_ids = [str(i.get("DBInstanceIdentifier")) for i in instances]
    names = resource_names(cluster, instances, snapshots)

    if SOURCE_RDS in wanted and rds is not None:
        asked.append(SOURCE_RDS)
        step(10, "RDS events")
        events_start = max(start, now - EVENTS_KEPT + timedelta(minutes=1))
        if events_start < end:
            attempt(SOURCE_RDS, "rds", lambda: from_rds_events(
                read_rds_events(rds, cluster_id, events_start, end, instance_ids=instance_ids)))
        if start < now - EVENTS_KEPT - timedelta(minutes=5) and SOURCE_RDS not in problems:
            problems[SOURCE_RDS] = "RDS keeps events for 14 days: older events are not shown."
    if SOURCE_CLOUDTRAIL in wanted and cloudtrail is not None:
        asked.append(SOURCE_CLOUDTRAIL)
        step(30, "CloudTrail")
        trail_start = max(start, now - CLOUDTRAIL_KEPT)
        attempt(SOURCE_CLOUDTRAIL, "cloudtrail",
                lambda: read_cloudtrail(cloudtrail, names, trail_start, end, pacer=pacer, task=task))
    if SOURCE_AUDIT in wanted and audit is not None:
        asked.append(SOURCE_AUDIT)
        step(70, "The console's audit log")
        others = [n for n in names if n != cluster_id]
        attempt(SOURCE_AUDIT, "audit",
                lambda: from_audit(audit_in_window(audit, start, end, cluster_id=cluster_id, instance_ids=others)))
    if SOURCE_MIGRATIONS in wanted and migrations:
        asked.append(SOURCE_MIGRATIONS)
        for index, (name, reader) in enumerate(sorted(migrations.items())):
            step(75 + int(15 * index / max(1, len(migrations))), f"Migrations of profile {name}")
            try:
                lists.append(from_migrations(reader(start, end), name))
            except Cancelled:
                raise
            except Exception as exc:  # noqa: BLE001
                problems[f"{SOURCE_MIGRATIONS} ({name})"] = permission_text(exc, "database", "", profile)
    if SOURCE_PENDING in wanted and rds is not None and described:
        asked.append(SOURCE_PENDING)
        step(92, "Pending maintenance")
        lists.append(pending_reboot_entries(cluster, instances, now))
        arn = str(cluster.get("DBClusterArn") or "")
        attempt(SOURCE_PENDING, "rds", lambda: maintenance_entries(_pending_actions(rds, cluster_id, arn, instances), now))
    step(99, "Merging")
    entries = with_before_values(merge(*lists))
    # pending items come after ``end`` on purpose (they have not happened); the rest keep to the range
    entries = [e for e in entries if e.source == SOURCE_PENDING or start <= e.time < end]
    return Timeline(cluster_id, start, end, tuple(entries), problems, tuple(asked), tuple(names))


def _pending_actions(rds: Any, cluster_id: str, cluster_arn: str, instances: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pending maintenance actions of the cluster and its instances (filtered by cluster id;
    the resources' ARNs are matched again here for endpoints that ignore the filter)."""
    found = _paginate(rds, "describe_pending_maintenance_actions", "PendingMaintenanceActions",
                      Filters=[{"Name": "db-cluster-id", "Values": [cluster_id]}])
    ours = {cluster_arn} | {str(i.get("DBInstanceArn") or "") for i in instances}
    ours.discard("")
    return [a for a in found if not ours or a.get("ResourceIdentifier") in ours]
