"""Fleet actions, prepared with no I/O: failover, promotion tier, reboot, add/delete reader,
stop/start cluster.

Each ``prepare_*`` checks the input against the cluster as the inventory last saw it and either
raises :class:`ValidationError` / :class:`ReadOnlyError` with a clear sentence, or returns a
:class:`PreparedAction` (the exact AWS call, and the state to wait for). Running it is
:func:`aurora_console.core.aws.fleet.runner.run_action`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aurora_console.core.aws.fleet.models import Cluster, Instance, RegionInventory
from aurora_console.core.aws.fleet.validation import (
    validate_az,
    validate_identifier,
    validate_instance_class,
    validate_tier,
)
from aurora_console.core.errors import ReadOnlyError, ValidationError

FAILOVER = "failover"
SET_TIER = "set-promotion-tier"
REBOOT = "reboot-instance"
ADD_READER = "add-reader"
DELETE_READER = "delete-reader"
STOP_CLUSTER = "stop-cluster"
START_CLUSTER = "start-cluster"
ALL_ACTIONS = (FAILOVER, SET_TIER, REBOOT, ADD_READER, DELETE_READER, STOP_CLUSTER, START_CLUSTER)


@dataclass(frozen=True)
class PreparedAction:
    """One validated mutating call and the state that means it is done."""

    action: str
    title: str  # what the confirmation names, e.g. "Fail over prod-a from prod-a-1 to prod-a-2"
    target: Any  # AwsTarget
    cluster_id: str
    operation: str  # boto3 RDS client method
    params: dict[str, Any] = field(default_factory=dict)
    instance_id: str = ""
    # what to wait for (see fleet.runner): writer id, instance tier, status, or absence
    expect_writer: str = ""
    expect_writer_not: str = ""
    expect_tier: int | None = None
    expect_status: str = ""
    expect_gone: bool = False


def _check_writable(read_only: bool, what: str) -> None:
    if read_only:
        raise ReadOnlyError(what)


def _member(cluster: Cluster, instance_id: Any, what: str, inventory: RegionInventory | None) -> Instance:
    iid = validate_identifier(instance_id, what)
    inst = cluster.instance(iid) or next((i for i in cluster.instances if i.id.lower() == iid.lower()), None)
    if inst is not None:
        return inst
    if inventory is not None:
        other = next((c for c in inventory.clusters if c.instance(iid) is not None), None)
        if other is not None:
            raise ValidationError(f"Instance '{iid}' belongs to cluster '{other.id}', not to '{cluster.id}'.")
    raise ValidationError(f"Instance '{iid}' is not a member of cluster '{cluster.id}'.")


def _check_cluster(cluster: Cluster | None) -> Cluster:
    if cluster is None or not isinstance(cluster, Cluster):
        raise ValidationError("No cluster is selected.")
    validate_identifier(cluster.id, "cluster identifier")
    return cluster


def failover_candidate(cluster: Cluster) -> Instance | None:
    """The reader Aurora promotes on a failover without a target: lowest tier first (then id,
    as the console cannot see instance sizes' tie-break)."""
    readers = [r for r in cluster.readers if r.status in ("available", "")]
    if not readers:
        return None
    return min(readers, key=lambda r: (r.tier if r.tier is not None else 99, r.id))


def prepare_failover(
    cluster: Cluster,
    target: Any,
    target_instance: str | None = None,
    *,
    read_only: bool = False,
    inventory: RegionInventory | None = None,
) -> PreparedAction:
    """Failover to ``target_instance`` (a reader of this cluster) or, when None, by tier."""
    _check_writable(read_only, "Failover")
    cluster = _check_cluster(cluster)
    writer = cluster.writer
    if writer is None:
        raise ValidationError(f"Cluster '{cluster.id}' has no writer instance to fail over from.")
    if not cluster.readers:
        raise ValidationError(f"Cluster '{cluster.id}' has no reader to fail over to; add a reader first.")
    if cluster.status != "available":
        raise ValidationError(f"Cluster '{cluster.id}' is '{cluster.status}'; failover needs it available.")
    params: dict[str, Any] = {"DBClusterIdentifier": cluster.id}
    if target_instance is None:
        cand = failover_candidate(cluster)
        if cand is None:
            raise ValidationError(f"No reader of cluster '{cluster.id}' is available to fail over to.")
        return PreparedAction(
            FAILOVER,
            f"Fail over cluster {cluster.id} from writer {writer.id} by promotion tier (expected: {cand.id}, tier {cand.tier})",
            target, cluster.id, "failover_db_cluster", params, expect_writer_not=writer.id,
        )
    inst = _member(cluster, target_instance, "failover target", inventory)
    if inst.is_writer:
        raise ValidationError(f"Instance '{inst.id}' is already the writer of cluster '{cluster.id}'.")
    if inst.status != "available":
        raise ValidationError(f"Failover target '{inst.id}' is '{inst.status}'; it must be available.")
    params["TargetDBInstanceIdentifier"] = inst.id
    return PreparedAction(
        FAILOVER, f"Fail over cluster {cluster.id} from writer {writer.id} to {inst.id}",
        target, cluster.id, "failover_db_cluster", params, instance_id=inst.id, expect_writer=inst.id,
    )


def prepare_set_tier(
    cluster: Cluster, target: Any, instance_id: str, tier: Any, *, read_only: bool = False,
    inventory: RegionInventory | None = None,
) -> PreparedAction:
    _check_writable(read_only, "Changing the promotion tier")
    cluster = _check_cluster(cluster)
    value = validate_tier(tier)
    inst = _member(cluster, instance_id, "instance identifier", inventory)
    return PreparedAction(
        SET_TIER, f"Set promotion tier of {inst.id} (cluster {cluster.id}) from {inst.tier} to {value}",
        target, cluster.id, "modify_db_instance",
        {"DBInstanceIdentifier": inst.id, "PromotionTier": value, "ApplyImmediately": True},
        instance_id=inst.id, expect_tier=value, expect_status="available",
    )


def prepare_reboot(
    cluster: Cluster, target: Any, instance_id: str, *, read_only: bool = False,
    inventory: RegionInventory | None = None,
) -> PreparedAction:
    _check_writable(read_only, "Reboot")
    cluster = _check_cluster(cluster)
    inst = _member(cluster, instance_id, "instance identifier", inventory)
    if inst.status != "available":
        raise ValidationError(f"Instance '{inst.id}' is '{inst.status}'; only an available instance can be rebooted.")
    return PreparedAction(
        REBOOT, f"Reboot {inst.role} {inst.id} of cluster {cluster.id}",
        target, cluster.id, "reboot_db_instance", {"DBInstanceIdentifier": inst.id},
        instance_id=inst.id, expect_status="available",
    )


def prepare_add_reader(
    cluster: Cluster,
    target: Any,
    instance_id: str,
    instance_class: str,
    az: str | None = None,
    tier: Any = 1,
    *,
    read_only: bool = False,
    inventory: RegionInventory | None = None,
) -> PreparedAction:
    _check_writable(read_only, "Adding a reader")
    cluster = _check_cluster(cluster)
    iid = validate_identifier(instance_id, "new instance identifier")
    cls = validate_instance_class(instance_class)
    zone = validate_az(az, getattr(target, "region", ""))
    value = validate_tier(tier)
    taken = {i.id.lower() for c in (inventory.clusters if inventory else (cluster,)) for i in c.instances}
    if iid.lower() in taken:
        raise ValidationError(f"An instance named '{iid}' already exists in this region.")
    if not cluster.engine.startswith("aurora"):
        raise ValidationError(f"Cluster '{cluster.id}' is not an Aurora cluster ({cluster.engine}).")
    params: dict[str, Any] = {
        "DBInstanceIdentifier": iid,
        "DBClusterIdentifier": cluster.id,
        "Engine": cluster.engine,
        "DBInstanceClass": cls,
        "PromotionTier": value,
    }
    if zone:
        params["AvailabilityZone"] = zone
    return PreparedAction(
        ADD_READER, f"Add reader {iid} ({cls}{', ' + zone if zone else ''}, tier {value}) to cluster {cluster.id}",
        target, cluster.id, "create_db_instance", params, instance_id=iid, expect_status="available",
    )


def prepare_delete_reader(
    cluster: Cluster, target: Any, instance_id: str, confirmation: str, *, read_only: bool = False,
    inventory: RegionInventory | None = None,
) -> PreparedAction:
    """Delete a reader; ``confirmation`` must be the instance id typed by the user."""
    _check_writable(read_only, "Deleting a reader")
    cluster = _check_cluster(cluster)
    inst = _member(cluster, instance_id, "instance identifier", inventory)
    if inst.is_writer:
        if len(cluster.instances) == 1:
            raise ValidationError(f"'{inst.id}' is the last writer of cluster '{cluster.id}'; the console will not delete it.")
        raise ValidationError(f"'{inst.id}' is the writer of cluster '{cluster.id}'; fail over first, then delete it as a reader.")
    if (confirmation or "").strip() != inst.id:
        raise ValidationError(f"Type the instance id '{inst.id}' exactly to confirm the deletion.")
    return PreparedAction(
        DELETE_READER, f"Delete reader {inst.id} of cluster {cluster.id}",
        target, cluster.id, "delete_db_instance", {"DBInstanceIdentifier": inst.id},
        instance_id=inst.id, expect_gone=True,
    )


def prepare_stop_cluster(cluster: Cluster, target: Any, *, read_only: bool = False) -> PreparedAction:
    _check_writable(read_only, "Stopping a cluster")
    cluster = _check_cluster(cluster)
    if cluster.status != "available":
        raise ValidationError(f"Cluster '{cluster.id}' is '{cluster.status}'; only an available cluster can be stopped.")
    if cluster.global_cluster_id:
        raise ValidationError(f"Cluster '{cluster.id}' is part of global cluster '{cluster.global_cluster_id}' and cannot be stopped.")
    return PreparedAction(
        STOP_CLUSTER, f"Stop cluster {cluster.id}", target, cluster.id, "stop_db_cluster",
        {"DBClusterIdentifier": cluster.id}, expect_status="stopped",
    )


def prepare_start_cluster(cluster: Cluster, target: Any, *, read_only: bool = False) -> PreparedAction:
    _check_writable(read_only, "Starting a cluster")
    cluster = _check_cluster(cluster)
    if cluster.status != "stopped":
        raise ValidationError(f"Cluster '{cluster.id}' is '{cluster.status}'; only a stopped cluster can be started.")
    return PreparedAction(
        START_CLUSTER, f"Start cluster {cluster.id}", target, cluster.id, "start_db_cluster",
        {"DBClusterIdentifier": cluster.id}, expect_status="available",
    )
