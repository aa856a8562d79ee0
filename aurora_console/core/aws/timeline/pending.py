"""What is waiting to happen to a cluster: pending maintenance actions (``DescribePendingMaintenanceActions``),
modifications waiting for the maintenance window (``PendingModifiedValues``) and parameter groups
whose changes wait for a reboot (``pending-reboot``), as timeline entries.

A pending item has no time of its own: it is placed at the date it will be applied when RDS
says one (``CurrentApplyDate``, ``AutoAppliedAfterDate``, ``ForcedApplyDate``), else at the moment
it was read (``now``), so it sits at the end of the timeline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from aurora_console.core.aws.fleet.build import pending_from_raw
from aurora_console.core.aws.timeline.entries import (
    KIND_MAINTENANCE,
    KIND_PENDING_REBOOT,
    SOURCE_PENDING,
    Change,
    TimelineEntry,
    utc,
)

WHO = "RDS"


def _when(now: datetime, *dates: Any) -> datetime:
    for d in dates:
        if isinstance(d, datetime):
            return utc(d)
    return utc(now)


def maintenance_entries(actions: Sequence[Mapping[str, Any]], now: datetime) -> list[TimelineEntry]:
    """Entries for ``DescribePendingMaintenanceActions``' ``PendingMaintenanceActions``."""
    out = []
    for arn, pending in pending_from_raw(actions).items():
        resource = arn.rsplit(":", 1)[-1]
        for a in pending:
            when = _when(now, a.current_apply_date, a.auto_applied_after, a.forced_apply_date)
            dates = [f"{label} {d:%Y-%m-%d %H:%M} UTC" for label, d in
                     (("applies", a.current_apply_date), ("auto-applied after", a.auto_applied_after),
                      ("forced on", a.forced_apply_date)) if isinstance(d, datetime)]
            what = f"Pending maintenance on {resource}: {a.action}"
            if a.description:
                what += f" ({a.description})"
            out.append(TimelineEntry(when, SOURCE_PENDING, KIND_MAINTENANCE, WHO, what, resource=resource,
                                     detail={"arn": arn, "action": a.action, "description": a.description,
                                             "dates": dates, "opt_in_status": a.opt_in_status},
                                     key=f"maintenance:{arn}:{a.action}"))
    return out


def pending_reboot_entries(cluster: Mapping[str, Any], instances: Sequence[Mapping[str, Any]],
                           now: datetime) -> list[TimelineEntry]:
    """Entries for what DescribeDBClusters / DescribeDBInstances show waiting: the cluster's
    parameter group and each instance's parameter groups in ``pending-reboot``, and every
    ``PendingModifiedValues`` (applied at the next maintenance window or reboot)."""
    out: list[TimelineEntry] = []
    cluster_id = str(cluster.get("DBClusterIdentifier") or "")
    members = {str(m.get("DBInstanceIdentifier")): m for m in cluster.get("DBClusterMembers") or ()}
    for member_id, member in members.items():
        if str(member.get("DBClusterParameterGroupStatus", "")).lower() == "pending-reboot":
            group = str(cluster.get("DBClusterParameterGroup") or "")
            out.append(TimelineEntry(utc(now), SOURCE_PENDING, KIND_PENDING_REBOOT, WHO,
                                     f"{member_id}: cluster parameter group {group} waits for a reboot",
                                     resource=member_id, detail={"parameter_group": group},
                                     key=f"reboot:{member_id}:{group}"))
    for inst in instances:
        inst_id = str(inst.get("DBInstanceIdentifier") or "")
        for group in inst.get("DBParameterGroups") or ():
            if str(group.get("ParameterApplyStatus", "")).lower() == "pending-reboot":
                name = str(group.get("DBParameterGroupName") or "")
                out.append(TimelineEntry(utc(now), SOURCE_PENDING, KIND_PENDING_REBOOT, WHO,
                                         f"{inst_id}: parameter group {name} waits for a reboot",
                                         resource=inst_id, detail={"parameter_group": name},
                                         key=f"reboot:{inst_id}:{name}"))
    for resource, raw in [(cluster_id, cluster)] + [(str(i.get("DBInstanceIdentifier") or ""), i) for i in instances]:
        values = raw.get("PendingModifiedValues") or {}
        if isinstance(values, Mapping) and values:
            changes = tuple(Change(str(k), v) for k, v in sorted(values.items()))
            out.append(TimelineEntry(utc(now), SOURCE_PENDING, KIND_PENDING_REBOOT, WHO,
                                     f"{resource}: modifications wait for the maintenance window or a reboot",
                                     resource=resource, changes=changes, detail={"pending": dict(values)},
                                     key=f"modified:{resource}"))
    return out
