"""A cluster's backup settings: read them (with restorable times, pending changes and backup
storage use from CloudWatch) and prepare a validated ``modify_db_cluster``.

A change is checked for what the user changes: a new backup window that overlaps the maintenance
window is refused (AWS refuses it), while a cluster whose *current* windows overlap can still get
a new retention period or copy-tags setting (AWS accepts that call), with a warning. See
:func:`review_backup_change`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from aurora_console.core.aws.backups.operations import WAIT_NONE, BackupAction, Step
from aurora_console.core.aws.backups.windows import (
    check_no_overlap,
    overlap_problem,
    parse_backup_window,
    parse_maintenance_window,
)
from aurora_console.core.aws.fleet.inventory import describe_cluster
from aurora_console.core.aws.fleet.validation import validate_identifier
from aurora_console.core.errors import ConsoleError, ReadOnlyError, ValidationError
from aurora_console.core.validation import validator

RETENTION_MIN, RETENTION_MAX = 1, 35
STORAGE_METRICS = ("BackupRetentionPeriodStorageUsed", "SnapshotStorageUsed", "TotalBackupStorageBilled")


@dataclass(frozen=True)
class BackupSettings:
    cluster_id: str
    engine: str
    engine_version: str
    status: str
    retention_days: int
    backup_window: str
    maintenance_window: str
    copy_tags: bool
    earliest_restorable: datetime | None
    latest_restorable: datetime | None
    backtrack_window_s: int  # 0: off (or not Aurora MySQL)
    encrypted: bool
    kms_key_id: str
    subnet_group: str
    security_groups: tuple[str, ...]
    writer_class: str  # the writer's instance class (default for restores)
    pending: dict[str, Any] = field(default_factory=dict)
    parameter_group: str = ""
    serverless_v2: dict[str, Any] = field(default_factory=dict)  # ServerlessV2ScalingConfiguration

    @property
    def is_mysql(self) -> bool:
        return self.engine in ("aurora-mysql", "aurora")


@dataclass(frozen=True)
class StorageUse:
    """Bytes per metric (None: no datapoint), and when the newest datapoint was taken."""

    values: dict[str, float | None]
    at: datetime | None
    message: str = ""


def _dt(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return None


def settings_from_raw(raw: dict, writer_class: str = "") -> BackupSettings:
    return BackupSettings(
        cluster_id=raw.get("DBClusterIdentifier", ""),
        engine=raw.get("Engine", ""),
        engine_version=raw.get("EngineVersion", ""),
        status=raw.get("Status", ""),
        retention_days=int(raw.get("BackupRetentionPeriod", 0) or 0),
        backup_window=raw.get("PreferredBackupWindow", "") or "",
        maintenance_window=raw.get("PreferredMaintenanceWindow", "") or "",
        copy_tags=bool(raw.get("CopyTagsToSnapshot", False)),
        earliest_restorable=_dt(raw.get("EarliestRestorableTime")),
        latest_restorable=_dt(raw.get("LatestRestorableTime")),
        backtrack_window_s=int(raw.get("BacktrackWindow", 0) or 0),
        encrypted=bool(raw.get("StorageEncrypted", False)),
        kms_key_id=raw.get("KmsKeyId", "") or "",
        subnet_group=raw.get("DBSubnetGroup", "") or "",
        security_groups=tuple(g.get("VpcSecurityGroupId", "") for g in raw.get("VpcSecurityGroups", []) or []),
        writer_class=writer_class,
        pending=dict(raw.get("PendingModifiedValues", {}) or {}),
        parameter_group=raw.get("DBClusterParameterGroup", "") or "",
        serverless_v2={k: v for k, v in (raw.get("ServerlessV2ScalingConfiguration") or {}).items()
                       if k in ("MinCapacity", "MaxCapacity")},
    )


def read_backup_settings(factory: Any, target: Any, cluster_id: str) -> BackupSettings:
    """The cluster's backup settings as AWS reports them now."""
    cid = validate_identifier(cluster_id, "cluster identifier")
    rds = factory.client("rds", target)
    raw = describe_cluster(rds, cid)
    if raw is None:
        raise ValidationError(f"Cluster '{cid}' does not exist in {getattr(target, 'label', target)}.")
    writer = next((m.get("DBInstanceIdentifier") for m in raw.get("DBClusterMembers", []) if m.get("IsClusterWriter")), None)
    writer_class = ""
    if writer:
        try:
            insts = rds.describe_db_instances(DBInstanceIdentifier=writer).get("DBInstances", [])
            writer_class = insts[0].get("DBInstanceClass", "") if insts else ""
        except Exception:  # noqa: BLE001 - the class is only a default for restores
            writer_class = ""
    return settings_from_raw(raw, writer_class)


def read_storage_use(factory: Any, target: Any, cluster_id: str, *, now: datetime | None = None,
                     hours: int = 48) -> StorageUse:
    """The newest daily value of each backup storage metric (AWS publishes them about daily)."""
    cw = factory.client("cloudwatch", target)
    end = now or datetime.now(timezone.utc)
    start = end - timedelta(hours=hours)
    values: dict[str, float | None] = {}
    newest: datetime | None = None
    for metric in STORAGE_METRICS:
        resp = cw.get_metric_statistics(
            Namespace="AWS/RDS", MetricName=metric, StartTime=start, EndTime=end, Period=3600,
            Statistics=["Average"], Dimensions=[{"Name": "DBClusterIdentifier", "Value": cluster_id}],
        )
        points = sorted(resp.get("Datapoints", []), key=lambda p: p["Timestamp"])
        if points:
            values[metric] = float(points[-1]["Average"])
            ts = _dt(points[-1]["Timestamp"])
            newest = ts if newest is None or (ts and ts > newest) else newest
        else:
            values[metric] = None
    message = "" if any(v is not None for v in values.values()) else \
        f"No backup storage data in CloudWatch for the last {hours} h (AWS publishes it about once a day)."
    return StorageUse(values, newest, message)


@validator()
def validate_retention(value: Any) -> int:
    """Days of continuous backups, 1-35: an ``int``, or its text in ASCII digits (surrounding
    whitespace is stripped; ``"²"``, ``"٣"``, ``"7.0"`` and ``True`` are refused)."""
    if isinstance(value, bool):
        raise ValidationError("The retention period must be a whole number of days from 1 to 35.")
    if isinstance(value, str):
        s = value.strip()
        # isdecimal alone accepts other scripts' digits (int("٣") == 3) and isdigit accepts "²"
        if not (s.isascii() and s.isdecimal() and len(s) <= 6):
            raise ValidationError(f"The retention period {value[:40]!r} is not a whole number of days from 1 to 35.")
        value = int(s)
    if not isinstance(value, int):
        raise ValidationError("The retention period must be a whole number of days from 1 to 35.")
    if not RETENTION_MIN <= value <= RETENTION_MAX:
        shown = value if abs(value) < 10**6 else "given"
        raise ValidationError(f"The retention period {shown} is outside 1-35 days (Aurora always keeps at least 1 day).")
    return value


@dataclass(frozen=True)
class BackupChangeReview:
    """What a change of backup settings would send, and what is wrong with it.

    ``errors`` refuse the change (each a sentence); ``warnings`` only inform (the change can go
    ahead). ``params`` holds the changed values only, ``changes`` says each in words."""

    params: dict[str, Any]
    changes: tuple[str, ...]
    errors: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def review_backup_change(current: BackupSettings, *, retention: Any = None, window: Any = None,
                         copy_tags: bool | None = None) -> BackupChangeReview:
    """Check the values the user set against ``current``: only what changes can be refused.

    A new backup window must not overlap the maintenance window (AWS refuses that); an unchanged
    window that already overlaps it is only a warning (AWS accepts a call that leaves it alone).
    A shorter retention period is a warning too (older backups are deleted)."""
    params: dict[str, Any] = {}
    changes: list[str] = []
    errors: list[str] = []
    warnings: list[str] = []
    if retention is not None:
        try:
            days = validate_retention(retention)
        except ConsoleError as exc:
            errors.append(exc.message)
        else:
            if days != current.retention_days:
                params["BackupRetentionPeriod"] = days
                changes.append(f"retention {current.retention_days} -> {days} days")
                if days < current.retention_days:
                    warnings.append(f"Shorter retention: backups older than {days} days are deleted and the "
                                    "earliest restorable time moves forward.")
    try:
        mw = parse_maintenance_window(current.maintenance_window) if current.maintenance_window else None
    except ConsoleError:
        mw = None  # AWS's own value; nothing to check against
    unchanged = None
    if window is not None:
        try:
            w = parse_backup_window(window)
            if w.text() != current.backup_window:
                if mw is not None:
                    check_no_overlap(w, mw)
                params["PreferredBackupWindow"] = w.text()
                changes.append(f"backup window {current.backup_window or '-'} -> {w.text()} UTC")
            else:
                unchanged = w
        except ConsoleError as exc:
            errors.append(exc.message)
    elif current.backup_window:
        try:
            unchanged = parse_backup_window(current.backup_window)
        except ConsoleError:
            unchanged = None
    if unchanged is not None and mw is not None and overlap_problem(unchanged, mw):
        warnings.append(f"{overlap_problem(unchanged, mw)}. AWS accepts this change because the backup window "
                        "stays as it is; consider moving it out of the maintenance window.")
    if copy_tags is not None and bool(copy_tags) != current.copy_tags:
        params["CopyTagsToSnapshot"] = bool(copy_tags)
        changes.append(f"copy tags to snapshots {'on' if copy_tags else 'off'}")
    return BackupChangeReview(params, tuple(changes), tuple(errors), tuple(warnings))


def prepare_modify_backup(current: BackupSettings, target: Any, *, retention: Any = None, window: Any = None,
                          copy_tags: bool | None = None, apply_now: bool = False,
                          read_only: bool = False) -> BackupAction:
    """Validate the changes against the current settings (:func:`review_backup_change`) and
    build the ``modify_db_cluster``. Unchanged values are left out; nothing changed is refused;
    the review's warnings become the action's ``warning`` (shown in the confirmation)."""
    if read_only:
        raise ReadOnlyError("Changing backup settings")
    review = review_backup_change(current, retention=retention, window=window, copy_tags=copy_tags)
    if review.errors:
        raise ValidationError("\n".join(review.errors))
    if not review.changes:
        raise ValidationError("Nothing to change: the values are the ones the cluster already has.")
    params: dict[str, Any] = {"DBClusterIdentifier": current.cluster_id, **review.params,
                              "ApplyImmediately": bool(apply_now)}
    when = "now" if apply_now else "in the next maintenance window"
    return BackupAction(
        "modify-backup-settings",
        f"Change backup settings of {current.cluster_id} ({'; '.join(review.changes)}; {when})",
        target, current.cluster_id, (Step("modify_db_cluster", params, WAIT_NONE),),
        warning=" ".join(review.warnings),
    )


def list_cluster_ids(factory: Any, target: Any) -> list[str]:
    """Every cluster id of the region (a restore's new id must not clash with any)."""
    rds = factory.client("rds", target)
    ids: list[str] = []
    for page in rds.get_paginator("describe_db_clusters").paginate():
        ids.extend(c["DBClusterIdentifier"] for c in page.get("DBClusters", []))
    return ids
