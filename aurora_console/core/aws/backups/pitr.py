"""Point-in-time restore: a new cluster from the source cluster's continuous backup at a time
between the earliest and latest restorable times (or the latest), then its writer instance."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from aurora_console.core.aws.backups.operations import WAIT_CLUSTER, BackupAction, Step
from aurora_console.core.aws.backups.settings import BackupSettings
from aurora_console.core.aws.backups.snapshot_ids import validate_cluster_id
from aurora_console.core.aws.backups.snapshots import network_params, writer_step
from aurora_console.core.aws.fleet.validation import validate_instance_class
from aurora_console.core.errors import ReadOnlyError, ValidationError
from aurora_console.core.validation import not_a_validator, validator

LATEST = "latest"


@validator()
def parse_restore_time(value: Any) -> datetime | None:
    """``None``/``"latest"`` -> None (latest restorable time); an aware datetime; or ISO 8601 text
    (``2026-11-27T08:00:00Z``; a time without zone is taken as UTC). Surrounding whitespace is
    stripped."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, str):
        s = value.strip()
        if not s or s.lower() == LATEST:
            return None
        try:
            dt = datetime.fromisoformat(s.replace("Z", "+00:00").replace(" UTC", "+00:00"))
        except ValueError:
            raise ValidationError(f"'{s}' is not a time; use ISO 8601 such as 2026-11-27T08:00:00Z, or 'latest'.") from None
        return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
    raise ValidationError("The restore time must be a date and time, or 'latest'.")


def fmt_utc(dt: datetime | None) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC") if dt else "-"


@not_a_validator("compares a parsed time with a cluster's restorable range; parse_restore_time checks the text")
def check_restorable(source: BackupSettings, when: datetime | None) -> None:
    if source.earliest_restorable is None or source.latest_restorable is None:
        raise ValidationError(f"Cluster '{source.cluster_id}' reports no restorable time range (are backups on?).")
    if when is None:
        return
    earliest, latest = source.earliest_restorable, source.latest_restorable
    if when < earliest or when > latest:
        raise ValidationError(
            f"{fmt_utc(when)} is outside the restorable range of '{source.cluster_id}': "
            f"{fmt_utc(earliest)} to {fmt_utc(latest)}. Pick a time inside it, or 'latest'.")


def prepare_pitr(source: BackupSettings, target: Any, new_cluster_id: Any, when: Any, instance_class: Any,
                 existing_clusters: Iterable[str] = (), *, read_only: bool = False) -> BackupAction:
    """Validate everything (id, class, time within range) and build the two steps."""
    if read_only:
        raise ReadOnlyError("Point-in-time restore")
    cid = validate_cluster_id(new_cluster_id, existing_clusters)
    cls = validate_instance_class(instance_class)
    at = parse_restore_time(when)
    check_restorable(source, at)
    params: dict[str, Any] = {"DBClusterIdentifier": cid, "SourceDBClusterIdentifier": source.cluster_id}
    if at is None:
        params["UseLatestRestorableTime"] = True
    else:
        params["RestoreToTime"] = at.astimezone(timezone.utc)
    params.update(network_params(source))
    if source.parameter_group and not source.parameter_group.startswith("default."):
        params["DBClusterParameterGroupName"] = source.parameter_group  # same engine version: same family
    when_text = "the latest restorable time" if at is None else fmt_utc(at)
    title = f"Restore {source.cluster_id} at {when_text} to new cluster {cid} ({cls} writer)"
    return BackupAction("restore-cluster-to-point-in-time", title, target, cid, (
        Step("restore_db_cluster_to_point_in_time", params, WAIT_CLUSTER, cid, label=f"Restore cluster {cid}"),
        writer_step(cid, source.engine, cls, f"Create writer of {cid}"),
    ))
