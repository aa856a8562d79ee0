"""Backtrack (Aurora MySQL only): the backtrack window, the list of backtracks, and rewinding
the cluster in place to a time within the window.

Endpoints without the backtrack APIs (moto, so the sandbox) raise :class:`NotSupportedByEndpoint`
so the panel can say "not supported by this endpoint".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from aurora_console.core.aws.backups.operations import WAIT_CLUSTER, BackupAction, Step, is_unsupported
from aurora_console.core.aws.backups.pitr import fmt_utc, parse_restore_time
from aurora_console.core.aws.backups.settings import BackupSettings, _dt
from aurora_console.core.aws.errors import NotSupportedByEndpoint, classify
from aurora_console.core.errors import ReadOnlyError, ValidationError
from aurora_console.core.validation import validator

MAX_HOURS = 72
_HOURS = re.compile(r"[0-9]{1,6}(?:\.[0-9]{0,6})?|\.[0-9]{1,6}")
OFF_WARNING = ("Turning backtracking off (window 0) cannot be undone: Aurora cannot turn it on again for this "
               "cluster; you would have to restore to a new cluster with backtracking enabled.")


@dataclass(frozen=True)
class Backtrack:
    identifier: str
    status: str
    backtrack_to: datetime | None
    backtracked_from: datetime | None
    requested: datetime | None


def unavailable_reason(settings: BackupSettings) -> str:
    """'' when backtrack applies to this cluster, otherwise why not (shown in the panel)."""
    if settings.engine == "aurora-postgresql":
        return ("Backtrack is an Aurora MySQL feature: Aurora PostgreSQL has no backtrack. To undo a change, use "
                "point-in-time restore to a new cluster.")
    if not settings.is_mysql:
        return f"Backtrack is only available for Aurora MySQL clusters (this one is {settings.engine})."
    if settings.backtrack_window_s <= 0:
        return ("Backtracking is off for this cluster. Aurora can only turn it on when a cluster is created or "
                "restored; restore to a new cluster with a backtrack window to use it.")
    return ""


@validator()
def validate_window_hours(value: Any) -> float:
    """Hours 0-72: a number, or its text in ASCII digits with an optional decimal part
    (surrounding whitespace is stripped; ``"٣"``, ``"1_0"``, ``"inf"`` are refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValidationError("The backtrack window must be a number of hours from 0 to 72.")
    if isinstance(value, str) and not _HOURS.fullmatch(value.strip()):
        raise ValidationError(f"The backtrack window {value[:40]!r} is not a number of hours from 0 to 72.")
    if isinstance(value, int) and not 0 <= value <= MAX_HOURS:  # float() of a huge int overflows
        raise ValidationError("The backtrack window is outside 0-72 hours.")
    hours = float(value)
    if not 0 <= hours <= MAX_HOURS:
        raise ValidationError(f"The backtrack window {hours:g} h is outside 0-72 hours.")
    return hours


def prepare_window(settings: BackupSettings, target: Any, hours: Any, confirmation: str = "", *,
                   read_only: bool = False) -> BackupAction:
    """Set the backtrack window; 0 turns backtracking off for good, so it needs the cluster id
    typed as ``confirmation`` (the action carries the warning)."""
    if read_only:
        raise ReadOnlyError("Changing the backtrack window")
    if not settings.is_mysql:
        raise ValidationError(unavailable_reason(settings))
    h = validate_window_hours(hours)
    seconds = int(round(h * 3600))
    if settings.backtrack_window_s <= 0:
        raise ValidationError(unavailable_reason(settings))
    if seconds == settings.backtrack_window_s:
        raise ValidationError("Nothing to change: the backtrack window already has that length.")
    if seconds == 0 and (confirmation or "").strip() != settings.cluster_id:
        raise ValidationError(f"{OFF_WARNING} Type the cluster id '{settings.cluster_id}' to confirm.")
    params = {"DBClusterIdentifier": settings.cluster_id, "BacktrackWindow": seconds, "ApplyImmediately": True}
    title = (f"Turn off backtracking of {settings.cluster_id}" if seconds == 0
             else f"Set the backtrack window of {settings.cluster_id} to {h:g} h")
    return BackupAction("set-backtrack-window", title, target, settings.cluster_id,
                        (Step("modify_db_cluster", params),), warning=OFF_WARNING if seconds == 0 else "",
                        confirm_text=settings.cluster_id if seconds == 0 else "")


def list_backtracks(factory: Any, target: Any, cluster_id: str) -> list[Backtrack]:
    rds = factory.client("rds", target)
    out: list[Backtrack] = []
    try:
        marker = None
        while True:
            kwargs: dict[str, Any] = {"DBClusterIdentifier": cluster_id}
            if marker:
                kwargs["Marker"] = marker
            resp = rds.describe_db_cluster_backtracks(**kwargs)
            for b in resp.get("DBClusterBacktracks", []):
                out.append(Backtrack(b.get("BacktrackIdentifier", ""), b.get("Status", ""),
                                     _dt(b.get("BacktrackTo")), _dt(b.get("BacktrackedFrom")),
                                     _dt(b.get("BacktrackRequestCreationTime"))))
            marker = resp.get("Marker")
            if not marker:
                break
    except Exception as exc:  # noqa: BLE001
        if is_unsupported(exc):
            raise NotSupportedByEndpoint("Backtrack (DescribeDBClusterBacktracks)", detail=str(exc)) from exc
        raise classify(exc, profile=getattr(target, "profile", None), operation="DescribeDBClusterBacktracks") from exc
    return out


def prepare_backtrack(settings: BackupSettings, target: Any, when: Any, confirmation: str, *,
                      now: datetime | None = None, read_only: bool = False) -> BackupAction:
    """Rewind the cluster to ``when`` (within the window); ``confirmation`` is the cluster id typed."""
    if read_only:
        raise ReadOnlyError("Backtrack")
    reason = unavailable_reason(settings)
    if reason:
        raise ValidationError(reason)
    at = parse_restore_time(when)
    if at is None:
        raise ValidationError("Choose the time to backtrack to.")
    now = now or datetime.now(timezone.utc)
    earliest = now - timedelta(seconds=settings.backtrack_window_s)
    if not earliest <= at <= now:
        raise ValidationError(f"{fmt_utc(at)} is outside the backtrack window of '{settings.cluster_id}': "
                              f"{fmt_utc(earliest)} to now ({fmt_utc(now)}).")
    if (confirmation or "").strip() != settings.cluster_id:
        raise ValidationError(f"Type the cluster id '{settings.cluster_id}' exactly to confirm the backtrack.")
    params = {"DBClusterIdentifier": settings.cluster_id, "BacktrackTo": at.astimezone(timezone.utc),
              "UseEarliestTimeOnPointInTimeUnavailable": True}
    return BackupAction("backtrack-cluster", f"Backtrack cluster {settings.cluster_id} to {fmt_utc(at)}", target,
                        settings.cluster_id,
                        (Step("backtrack_db_cluster", params, WAIT_CLUSTER, settings.cluster_id),),
                        warning="Every change made after that time is lost from the cluster (in place).",
                        confirm_text=settings.cluster_id)
