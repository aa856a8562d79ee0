"""What RDS events, the console's audit log and migration history tables add to a timeline.

They are read by :mod:`aurora_console.core.performance.explain_window` (``read_rds_events``,
``audit_in_window``, ``read_migrations``: the same readers the Performance screen's "Explain this
window" uses); this module only turns their records into :class:`~.entries.TimelineEntry` rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from aurora_console.core.audit import AuditEntry
from aurora_console.core.aws.timeline.entries import (
    KIND_BACKUP,
    KIND_CHANGE,
    KIND_FAILOVER,
    KIND_MAINTENANCE,
    KIND_MIGRATION,
    KIND_MODIFICATION,
    KIND_NOTIFICATION,
    KIND_PARAMETERS,
    KIND_REBOOT,
    KIND_SNAPSHOT,
    SOURCE_AUDIT,
    SOURCE_MIGRATIONS,
    SOURCE_RDS,
    TimelineEntry,
    changes_from_parameters,
    kind_of_action,
    utc,
)
from aurora_console.core.performance.explain_window import MigrationRun, RdsEvent

#: RDS event categories (DescribeEventCategories) to timeline kinds.
_CATEGORY_KINDS = {"failover": KIND_FAILOVER, "failure": KIND_FAILOVER, "availability": KIND_REBOOT,
                   "restart": KIND_REBOOT, "backup": KIND_BACKUP, "recovery": KIND_BACKUP,
                   "configuration change": KIND_MODIFICATION, "maintenance": KIND_MAINTENANCE,
                   "notification": KIND_NOTIFICATION, "creation": "creation", "deletion": "deletion",
                   "low storage": KIND_NOTIFICATION, "read replica": KIND_CHANGE}
#: Audit parameters that say which call was made (backups record the operation).
_AUDIT_META = frozenset({"operation"})


def rds_event_kind(event: RdsEvent) -> str:
    for category in event.categories:
        kind = _CATEGORY_KINDS.get(str(category).lower())
        if kind:
            return kind
    text = event.message.lower()
    if "snapshot" in text:
        return KIND_SNAPSHOT
    if "parameter" in text:
        return KIND_PARAMETERS
    return kind_of_action(text.split(" ", 1)[0]) if text else KIND_CHANGE


def from_rds_events(events: Iterable[RdsEvent]) -> list[TimelineEntry]:
    return [TimelineEntry(utc(e.time), SOURCE_RDS, rds_event_kind(e), "RDS", f"{e.source_id}: {e.message}",
                          resource=e.source_id,
                          detail={"source_type": e.source_type, "categories": list(e.categories)},
                          key=f"{e.time.isoformat()}|{e.source_id}|{e.message}")
            for e in events]


def _audit_resource(params: Mapping[str, Any]) -> str:
    for key in ("DBClusterIdentifier", "DBInstanceIdentifier", "TargetDBInstanceIdentifier",
                "DBClusterSnapshotIdentifier", "DBClusterParameterGroupName", "cluster", "instance"):
        value = params.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def from_audit(entries: Iterable[AuditEntry]) -> list[TimelineEntry]:
    out = []
    for a in entries:
        try:
            when = utc(datetime.fromisoformat(a.time))
        except (TypeError, ValueError):
            continue
        params = {k: v for k, v in a.params.items() if k not in _AUDIT_META}
        operation = str(a.params.get("operation") or "")
        kind = kind_of_action(operation or a.action)
        if kind == KIND_CHANGE:
            kind = kind_of_action(a.action)
        resource = _audit_resource(params)
        changes = changes_from_parameters(params) if kind in (KIND_MODIFICATION, KIND_PARAMETERS) else ()
        what = f"{a.action} {resource}" if resource else a.action
        if a.outcome and a.outcome != "ok":
            what += f" ({a.outcome})"
        out.append(TimelineEntry(when, SOURCE_AUDIT, kind, a.identity or a.profile, what, resource=resource,
                                 where=f"this console ({a.profile}, {a.region})" if a.region else "this console",
                                 changes=changes,
                                 detail={"action": a.action, "params": dict(a.params), "outcome": a.outcome,
                                         "profile": a.profile, "region": a.region,
                                         "error": a.outcome if a.outcome and a.outcome != "ok" else None},
                                 key=f"{a.time}|{a.action}|{resource}"))
    return out


def from_migrations(runs: Iterable[MigrationRun], profile: str) -> list[TimelineEntry]:
    out = []
    for m in runs:
        what = f"V{m.version} {m.description}" if m.version else m.description
        if not m.success:
            what += " (failed)"
        out.append(TimelineEntry(utc(m.installed_on), SOURCE_MIGRATIONS, KIND_MIGRATION, m.installed_by,
                                 f"{m.table}: {m.type} {what}, {m.execution_ms} ms", resource=profile,
                                 where=f"profile {profile}",
                                 detail={"profile": profile, "table": m.table, "format": m.history_format,
                                         "script": m.script, "version": m.version, "success": m.success,
                                         "execution_ms": m.execution_ms},
                                 key=f"{profile}|{m.table}|{m.installed_on.isoformat()}|{m.script}"))
    return out
