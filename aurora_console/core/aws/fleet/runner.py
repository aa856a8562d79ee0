"""Run a :class:`PreparedAction`: record it in the audit log, make the call, then poll until AWS
reports the new state (reporting progress, honouring cancel)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from aurora_console.core.audit import AuditLog
from aurora_console.core.aws import errors as aws_errors
from aurora_console.core.aws.fleet.actions import PreparedAction
from aurora_console.core.aws.fleet.build import cluster_from_raw
from aurora_console.core.aws.fleet.inventory import ClientFactory, describe_cluster, paginate
from aurora_console.core.aws.fleet.models import Cluster
from aurora_console.core.errors import ConsoleError, ReadOnlyError
from aurora_console.core.tasks import Cancelled, TaskContext

log = logging.getLogger(__name__)


class ActionFailed(ConsoleError):
    """AWS refused the call, or the new state never came."""


@dataclass(frozen=True)
class ActionResult:
    action: PreparedAction
    cluster: Cluster | None  # the cluster as AWS reports it at the end (None when gone)
    polls: int
    message: str


def fetch_cluster(factory: ClientFactory, target: Any, cluster_id: str) -> Cluster | None:
    """The cluster and its instances as AWS reports them now (None if it does not exist)."""
    rds = factory.client("rds", target)
    try:
        raw = describe_cluster(rds, cluster_id)
    except Exception as exc:  # noqa: BLE001
        if aws_errors.classify_failure(exc).kind == aws_errors.NOT_FOUND:
            return None
        raise
    if raw is None:
        return None
    instances = paginate(
        rds, "describe_db_instances", "DBInstances", Filters=[{"Name": "db-cluster-id", "Values": [cluster_id]}]
    )
    by_id = {i["DBInstanceIdentifier"]: i for i in instances}
    return cluster_from_raw(raw, by_id, (), (), "", {})


def _state_text(action: PreparedAction, cluster: Cluster | None) -> str:
    if cluster is None:
        return "cluster not found"
    if action.instance_id:
        inst = cluster.instance(action.instance_id)
        if inst is None:
            return f"{action.instance_id}: gone"
        return f"{inst.id}: {inst.status}, {inst.role}, tier {inst.tier}"
    writer = cluster.writer
    return f"{cluster.id}: {cluster.status}, writer {writer.id if writer else '-'}"


def reached(action: PreparedAction, cluster: Cluster | None) -> bool:
    """True when ``cluster`` shows the state ``action`` waits for."""
    if action.expect_gone:
        return cluster is None or cluster.instance(action.instance_id) is None
    if cluster is None:
        return False
    if action.expect_writer or action.expect_writer_not:
        writer = cluster.writer
        if writer is None or cluster.status != "available":
            return False
        if action.expect_writer and writer.id != action.expect_writer:
            return False
        if action.expect_writer_not and writer.id == action.expect_writer_not:
            return False
        return True
    if action.instance_id:
        inst = cluster.instance(action.instance_id)
        if inst is None:
            return False
        if action.expect_tier is not None and inst.tier != action.expect_tier:
            return False
        return not action.expect_status or inst.status == action.expect_status
    return not action.expect_status or cluster.status == action.expect_status


def run_action(
    factory: ClientFactory,
    action: PreparedAction,
    *,
    audit: AuditLog | None = None,
    task: TaskContext | None = None,
    read_only: bool = False,
    poll_interval: float = 10.0,
    timeout: float = 3600.0,
    first_poll_delay: float | None = None,
) -> ActionResult:
    """Make the call, then wait for the new state. Raises :class:`ActionFailed`,
    :class:`ReadOnlyError` or :class:`Cancelled`."""
    if read_only:
        raise ReadOnlyError(action.title)
    ctx = task or TaskContext(action.action)
    ctx.check()
    ctx.progress(None, f"{action.title}: sending")
    rds = factory.client("rds", action.target)
    try:
        getattr(rds, action.operation)(**action.params)
    except Exception as exc:  # noqa: BLE001
        failure = aws_errors.classify_failure(exc, profile=getattr(action.target, "profile", None), operation=action.operation)
        if audit is not None:
            audit.record(action.target, action.action, _audit_params(action), f"error: {failure.message}")
        raise ActionFailed(f"{action.title} failed: {failure.message}") from exc
    if audit is not None:
        audit.record(action.target, action.action, _audit_params(action), "ok")
    log.info("%s: call accepted, waiting for the new state", action.title)
    deadline = time.monotonic() + timeout
    polls = 0
    ctx.sleep(poll_interval if first_poll_delay is None else first_poll_delay)
    while True:
        ctx.check()
        try:
            cluster = fetch_cluster(factory, action.target, action.cluster_id)
        except Cancelled:
            raise
        except Exception as exc:  # noqa: BLE001 - a failed poll is retried until the deadline
            failure = aws_errors.classify_failure(exc)
            ctx.progress(None, f"{action.title}: waiting ({failure.message})")
            cluster = None
            ok = False
        else:
            ok = reached(action, cluster)
            ctx.progress(None, f"{action.title}: waiting ({_state_text(action, cluster)})")
        polls += 1
        if ok:
            ctx.progress(100, f"{action.title}: done")
            return ActionResult(action, cluster, polls, f"{action.title}: done ({_state_text(action, cluster)})")
        if time.monotonic() >= deadline:
            raise ActionFailed(
                f"{action.title}: AWS accepted the call but the new state did not show within {int(timeout)} s "
                f"(last seen: {_state_text(action, cluster)}). Refresh the fleet view to check."
            )
        ctx.sleep(poll_interval)


def _audit_params(action: PreparedAction) -> dict[str, Any]:
    return {"cluster": action.cluster_id, "operation": action.operation, **action.params}
