"""Run a prepared backup action: one or more audited RDS calls, each optionally followed by
polling until the new resource is available (progress, cancel, timeout).

Preparing (validation, no I/O) lives in the feature modules (``settings``, ``snapshots``,
``pitr``, ``backtrack``, ``event_subscriptions``). Failures reuse the fleet's wording
(:func:`~aurora_console.core.aws.errors.classify_failure`) and its :class:`ActionFailed`; the backup-specific AWS faults get one
plain sentence each here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from aurora_console.core.audit import AuditLog
from aurora_console.core.aws import errors as aws_errors
from aurora_console.core.aws.errors import NotSupportedByEndpoint
from aurora_console.core.aws.fleet.inventory import describe_cluster
from aurora_console.core.aws.fleet.runner import ActionFailed
from aurora_console.core.errors import ReadOnlyError
from aurora_console.core.tasks import Cancelled, TaskContext

# what to wait for after a step
WAIT_NONE = ""
WAIT_CLUSTER = "cluster-available"
WAIT_INSTANCE = "instance-available"
WAIT_SNAPSHOT = "snapshot-available"
WAIT_SNAPSHOT_GONE = "snapshot-gone"

FAULTS = {
    "InvalidDBClusterStateFault": "the cluster is not in a state that allows this (it may be busy with another "
                                  "change, stopped, or being backed up). Wait until it is 'available' and try again.",
    "InvalidDBClusterSnapshotStateFault": "the snapshot is not in a state that allows this (it may still be being "
                                          "created or copied). Wait until it is 'available' and try again.",
    "SnapshotQuotaExceeded": "the account has reached its quota of manual cluster snapshots in this region. Delete "
                             "manual snapshots you no longer need, or ask AWS for a higher quota.",
    "KMSKeyNotAccessibleFault": "the KMS key cannot be used (access denied, disabled or in another account). Check "
                                "the key policy grants this profile kms:CreateGrant and kms:DescribeKey.",
    "DBClusterAlreadyExistsFault": "a cluster with that identifier already exists; choose another name.",
    "DBClusterSnapshotAlreadyExistsFault": "a snapshot with that identifier already exists; choose another name.",
    "SubscriptionAlreadyExist": "an event subscription with that name already exists; choose another name.",
    "SNSInvalidTopic": "the SNS topic is not valid for RDS notifications (check it exists in this region).",
    "SNSNoAuthorization": "RDS is not allowed to publish to that SNS topic; check the topic's access policy.",
    "SNSTopicArnNotFound": "the SNS topic does not exist in this region.",
    "InsufficientDBClusterCapacityFault": "AWS has no capacity for that instance class here right now; try "
                                          "another class or availability zone.",
    "StorageQuotaExceeded": "the account's storage quota is reached; ask AWS for a higher quota.",
}
KMS_CODES = {"KMSKeyNotAccessibleFault", "KMSAccessDeniedException", "KMSInvalidStateException", "KMSDisabledException"}


@dataclass(frozen=True)
class Step:
    """One RDS call and what to wait for afterwards. ``region`` overrides the action's region
    (a cross-region snapshot copy is called in the destination region)."""

    operation: str
    params: dict[str, Any] = field(default_factory=dict)
    wait: str = WAIT_NONE
    wait_id: str = ""
    region: str = ""
    label: str = ""


@dataclass(frozen=True)
class BackupAction:
    action: str  # audit action name, e.g. "create-cluster-snapshot"
    title: str  # what the confirmation and progress name
    target: Any  # AwsTarget
    resource_id: str  # the cluster (or snapshot / subscription) the action is about
    steps: tuple[Step, ...]
    warning: str = ""  # shown in the confirmation (e.g. backtrack off cannot be undone)
    confirm_text: str = ""  # what the user had to type ('' = no typed confirmation)


@dataclass(frozen=True)
class BackupResult:
    action: BackupAction
    responses: tuple[dict, ...]
    polls: int
    message: str


def fault_message(exc: BaseException, operation: str = "", profile: str | None = None) -> str:
    """One plain sentence for a failed call (no traceback)."""
    code = ""
    raw = ""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        err = response.get("Error", {}) or {}
        code = str(err.get("Code", "") or "")
        raw = str(err.get("Message", "") or "")
    if code in FAULTS:
        return f"{operation or 'AWS'}: {FAULTS[code]}" + (f" (AWS said: {raw})" if raw else "")
    if code in KMS_CODES or ("kms" in raw.lower() and "denied" in raw.lower()):
        return f"{operation or 'AWS'}: {FAULTS['KMSKeyNotAccessibleFault']}" + (f" (AWS said: {raw})" if raw else "")
    return aws_errors.classify_failure(exc, profile=profile, operation=operation).message


def is_unsupported(exc: BaseException) -> bool:
    return isinstance(exc, NotSupportedByEndpoint) or aws_errors.classify_failure(exc).kind == aws_errors.UNSUPPORTED


def _target_in(target: Any, region: str) -> Any:
    if not region or region == getattr(target, "region", region):
        return target
    from dataclasses import replace

    return replace(target, region=region)


def call_audited(factory: Any, target: Any, audit: AuditLog | None, action: str, operation: str,
                 params: dict[str, Any], *, read_only: bool = False, title: str = "") -> dict:
    """One mutating call, logged to the audit file with its outcome. Raises ActionFailed,
    NotSupportedByEndpoint or ReadOnlyError."""
    if read_only:
        raise ReadOnlyError(title or action)
    client = factory.client("rds", target)
    try:
        response = getattr(client, operation)(**params)
    except Exception as exc:  # noqa: BLE001
        unsupported = is_unsupported(exc)
        text = (f"{operation}: {aws_errors.NOT_SUPPORTED_TEXT}" if unsupported
                else fault_message(exc, operation, getattr(target, "profile", None)))
        if audit is not None:
            audit.record(target, action, {"operation": operation, **params}, f"error: {text}")
        if unsupported:
            raise NotSupportedByEndpoint(operation, detail=str(exc)) from exc
        raise ActionFailed(f"{title or action} failed: {text}") from exc
    if audit is not None:
        audit.record(target, action, {"operation": operation, **params}, "ok")
    return response if isinstance(response, dict) else {}


def _state(client: Any, wait: str, wait_id: str) -> str:
    """The current status of what a step waits for ('gone' when it does not exist)."""
    try:
        if wait == WAIT_CLUSTER:
            raw = describe_cluster(client, wait_id)
            return str(raw.get("Status", "")) if raw is not None else "gone"
        if wait == WAIT_INSTANCE:
            items = client.describe_db_instances(DBInstanceIdentifier=wait_id).get("DBInstances", [])
            return str(items[0].get("DBInstanceStatus", "")) if items else "gone"
        items = client.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=wait_id).get("DBClusterSnapshots", [])
        return str(items[0].get("Status", "")) if items else "gone"
    except Exception as exc:  # noqa: BLE001
        if aws_errors.classify_failure(exc).kind == aws_errors.NOT_FOUND:
            return "gone"
        raise


def wait_for(factory: Any, target: Any, wait: str, wait_id: str, ctx: TaskContext, *, poll_interval: float,
             deadline: float, label: str) -> int:
    """Poll until ``wait_id`` reaches the state ``wait`` names; returns the number of polls."""
    client = factory.client("rds", target)
    want = "gone" if wait == WAIT_SNAPSHOT_GONE else "available"
    polls = 0
    last = "?"
    while True:
        ctx.check()
        try:
            last = _state(client, wait, wait_id)
        except Cancelled:
            raise
        except Exception as exc:  # noqa: BLE001 - a failed poll is retried until the deadline
            last = aws_errors.classify_failure(exc).message
        polls += 1
        ctx.progress(None, f"{label}: {wait_id} is {last}")
        if last == want:
            return polls
        if last in ("failed", "incompatible-restore", "incompatible-parameters", "inaccessible-encryption-credentials"):
            raise ActionFailed(f"{label}: {wait_id} ended up '{last}'. Check the AWS console for the reason.")
        if time.monotonic() >= deadline:
            raise ActionFailed(f"{label}: AWS accepted the call but {wait_id} is still '{last}'. "
                               "It may still finish; refresh later to check.")
        ctx.sleep(poll_interval)


def run_backup_action(factory: Any, action: BackupAction, *, audit: AuditLog | None = None,
                      task: TaskContext | None = None, read_only: bool = False, poll_interval: float = 10.0,
                      timeout: float = 4 * 3600.0) -> BackupResult:
    """Run every step (audited), waiting after each as it asks. Raises ActionFailed,
    NotSupportedByEndpoint, ReadOnlyError or Cancelled."""
    if read_only:
        raise ReadOnlyError(action.title)
    ctx = task or TaskContext(action.action)
    deadline = time.monotonic() + timeout
    responses: list[dict] = []
    polls = 0
    n = len(action.steps)
    for i, step in enumerate(action.steps):
        ctx.check()
        label = step.label or action.title
        ctx.progress(int(100 * i / n), f"{label}: sending")
        target = _target_in(action.target, step.region)
        responses.append(call_audited(factory, target, audit, action.action, step.operation, step.params,
                                      title=label))
        if step.wait:
            polls += wait_for(factory, target, step.wait, step.wait_id, ctx, poll_interval=poll_interval,
                              deadline=deadline, label=label)
    ctx.progress(100, f"{action.title}: done")
    return BackupResult(action, tuple(responses), polls, f"{action.title}: done")
