"""Cluster snapshots: list (manual and automated, paginated), and prepare create, copy (also to
another region, with a KMS key for encrypted ones), share, delete (manual only) and restore to a
new cluster with its writer instance. Run the prepared actions with
:func:`aurora_console.core.aws.backups.operations.run_backup_action`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aurora_console.core.aws.backups.operations import (
    WAIT_CLUSTER,
    WAIT_INSTANCE,
    WAIT_SNAPSHOT,
    WAIT_SNAPSHOT_GONE,
    BackupAction,
    Step,
)
from aurora_console.core.aws.backups.settings import BackupSettings, _dt
from aurora_console.core.aws.backups.snapshot_ids import (
    validate_account_ids,
    validate_cluster_id,
    validate_kms_key,
    validate_region,
    validate_snapshot_id,
)
from aurora_console.core.aws.fleet.validation import validate_identifier, validate_instance_class
from aurora_console.core.errors import ReadOnlyError, ValidationError
from aurora_console.core.tasks import TaskContext

GIB = 1024 ** 3


@dataclass(frozen=True)
class Snapshot:
    id: str
    cluster_id: str
    kind: str  # manual | automated | shared | public | awsbackup
    status: str
    created: datetime | None
    engine: str
    engine_version: str
    size_gib: int  # AllocatedStorage (GiB)
    encrypted: bool
    kms_key_id: str
    arn: str
    progress: int

    @property
    def is_manual(self) -> bool:
        return self.kind == "manual"


def snapshot_from_raw(raw: dict) -> Snapshot:
    return Snapshot(
        id=raw.get("DBClusterSnapshotIdentifier", ""),
        cluster_id=raw.get("DBClusterIdentifier", ""),
        kind=raw.get("SnapshotType", ""),
        status=raw.get("Status", ""),
        created=_dt(raw.get("SnapshotCreateTime")),
        engine=raw.get("Engine", ""),
        engine_version=raw.get("EngineVersion", ""),
        size_gib=int(raw.get("AllocatedStorage", 0) or 0),
        encrypted=bool(raw.get("StorageEncrypted", False)),
        kms_key_id=raw.get("KmsKeyId", "") or "",
        arn=raw.get("DBClusterSnapshotArn", "") or "",
        progress=int(raw.get("PercentProgress", 0) or 0),
    )


def list_snapshots(factory: Any, target: Any, cluster_id: str | None = None, *,
                   task: TaskContext | None = None, page_size: int = 100) -> list[Snapshot]:
    """Manual and automated cluster snapshots (of ``cluster_id``, or all), newest first."""
    rds = factory.client("rds", target)
    kwargs: dict[str, Any] = {"PaginationConfig": {"PageSize": page_size}}
    if cluster_id:
        kwargs["DBClusterIdentifier"] = validate_identifier(cluster_id, "cluster identifier")
    out: list[Snapshot] = []
    for page in rds.get_paginator("describe_db_cluster_snapshots").paginate(**kwargs):
        if task is not None:
            task.check()
        out.extend(snapshot_from_raw(r) for r in page.get("DBClusterSnapshots", []))
    out.sort(key=lambda s: (s.created is None, -(s.created.timestamp() if s.created else 0), s.id))
    return out


def _writable(read_only: bool, what: str) -> None:
    if read_only:
        raise ReadOnlyError(what)


def prepare_create(cluster_id: str, target: Any, snapshot_id: Any, existing: Iterable[str] = (), *,
                   tags: dict[str, str] | None = None, read_only: bool = False) -> BackupAction:
    _writable(read_only, "Creating a snapshot")
    cid = validate_identifier(cluster_id, "cluster identifier")
    sid = validate_snapshot_id(snapshot_id, existing)
    params: dict[str, Any] = {"DBClusterIdentifier": cid, "DBClusterSnapshotIdentifier": sid}
    if tags:
        params["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    return BackupAction("create-cluster-snapshot", f"Create snapshot {sid} of cluster {cid}", target, cid,
                        (Step("create_db_cluster_snapshot", params, WAIT_SNAPSHOT, sid),))


def prepare_copy(snapshot: Snapshot, target: Any, new_id: Any, existing: Iterable[str] = (), *,
                 dest_region: str | None = None, kms_key: Any = None, copy_tags: bool = True,
                 read_only: bool = False) -> BackupAction:
    """Copy within the region or to ``dest_region``. An encrypted snapshot copied to another
    region needs a KMS key of that region (AWS keys are regional). ``existing``: the snapshot ids
    already in the destination region."""
    _writable(read_only, "Copying a snapshot")
    if snapshot.status != "available":
        raise ValidationError(f"Snapshot '{snapshot.id}' is '{snapshot.status}'; only an available snapshot can be copied.")
    sid = validate_snapshot_id(new_id, existing)
    region = getattr(target, "region", "")
    dest = validate_region(dest_region) if dest_region else region
    key = validate_kms_key(kms_key)
    cross = dest != region
    if cross and snapshot.encrypted and not key:
        raise ValidationError(f"Snapshot '{snapshot.id}' is encrypted: copying it to {dest} needs a KMS key of {dest} "
                              "(key ARN, id or alias, e.g. alias/aws/rds).")
    if key and not snapshot.encrypted and not cross:
        raise ValidationError("A KMS key only applies to an encrypted snapshot; leave it empty for this one.")
    params: dict[str, Any] = {
        "SourceDBClusterSnapshotIdentifier": snapshot.arn if cross else snapshot.id,
        "TargetDBClusterSnapshotIdentifier": sid,
        "CopyTags": bool(copy_tags),
    }
    if cross:
        if not snapshot.arn:
            raise ValidationError(f"Snapshot '{snapshot.id}' has no ARN; AWS needs it for a cross-region copy.")
        params["SourceRegion"] = region
    if key:
        params["KmsKeyId"] = key
    where = f" to {dest}" if cross else ""
    return BackupAction("copy-cluster-snapshot", f"Copy snapshot {snapshot.id} as {sid}{where}", target,
                        snapshot.cluster_id,
                        (Step("copy_db_cluster_snapshot", params, WAIT_SNAPSHOT, sid, region=dest if cross else ""),))


def prepare_share(snapshot: Snapshot, target: Any, accounts: Any, *, remove: bool = False,
                  read_only: bool = False) -> BackupAction:
    _writable(read_only, "Sharing a snapshot")
    if not snapshot.is_manual:
        raise ValidationError(f"Snapshot '{snapshot.id}' is {snapshot.kind}; only manual snapshots can be shared "
                              "(copy it to a manual snapshot first).")
    ids = validate_account_ids(accounts)
    own = snapshot.arn.split(":")[4] if snapshot.arn.count(":") >= 5 else ""
    if own and own in ids and not remove:
        raise ValidationError(f"Account {own} owns the snapshot already; share with other accounts.")
    key = "ValuesToRemove" if remove else "ValuesToAdd"
    params = {"DBClusterSnapshotIdentifier": snapshot.id, "AttributeName": "restore", key: ids}
    verb = "Stop sharing" if remove else "Share"
    return BackupAction("share-cluster-snapshot", f"{verb} snapshot {snapshot.id} with {', '.join(ids)}", target,
                        snapshot.cluster_id, (Step("modify_db_cluster_snapshot_attribute", params),))


def prepare_delete(snapshot: Snapshot, target: Any, confirmation: str, *, read_only: bool = False) -> BackupAction:
    """Delete a manual snapshot; ``confirmation`` must be its id, typed."""
    _writable(read_only, "Deleting a snapshot")
    if not snapshot.is_manual:
        raise ValidationError(f"Snapshot '{snapshot.id}' is {snapshot.kind}: AWS deletes automated snapshots itself "
                              "when they leave the retention period; the console cannot delete it.")
    if (confirmation or "").strip() != snapshot.id:
        raise ValidationError(f"Type the snapshot id '{snapshot.id}' exactly to confirm the deletion.")
    return BackupAction("delete-cluster-snapshot", f"Delete snapshot {snapshot.id}", target, snapshot.cluster_id,
                        (Step("delete_db_cluster_snapshot", {"DBClusterSnapshotIdentifier": snapshot.id},
                              WAIT_SNAPSHOT_GONE, snapshot.id),),
                        warning="A deleted snapshot cannot be recovered.", confirm_text=snapshot.id)


def writer_step(new_cluster: str, engine: str, instance_class: str, label: str) -> Step:
    writer = f"{new_cluster}-1"[:63]
    params = {"DBInstanceIdentifier": writer, "DBClusterIdentifier": new_cluster, "Engine": engine,
              "DBInstanceClass": instance_class}
    return Step("create_db_instance", params, WAIT_INSTANCE, writer, label=label)


def network_params(source: BackupSettings | None) -> dict[str, Any]:
    """Put the restored cluster in the source's subnet group and security groups, with its
    Serverless v2 capacity range (needed for a db.serverless writer), so it is usable at once."""
    out: dict[str, Any] = {}
    if source is not None:
        if source.subnet_group:
            out["DBSubnetGroupName"] = source.subnet_group
        groups = [g for g in source.security_groups if g]
        if groups:
            out["VpcSecurityGroupIds"] = groups
        if source.serverless_v2:
            out["ServerlessV2ScalingConfiguration"] = dict(source.serverless_v2)
    return out


def prepare_restore(snapshot: Snapshot, target: Any, new_cluster_id: Any, instance_class: Any,
                    existing_clusters: Iterable[str] = (), *, source: BackupSettings | None = None,
                    read_only: bool = False) -> BackupAction:
    """Restore ``snapshot`` to a new cluster, then create its writer instance."""
    _writable(read_only, "Restoring a snapshot")
    if snapshot.status != "available":
        raise ValidationError(f"Snapshot '{snapshot.id}' is '{snapshot.status}'; only an available snapshot can be restored.")
    cid = validate_cluster_id(new_cluster_id, existing_clusters)
    cls = validate_instance_class(instance_class)
    params: dict[str, Any] = {"DBClusterIdentifier": cid,
                              "SnapshotIdentifier": snapshot.id, "Engine": snapshot.engine}
    if snapshot.engine_version:
        params["EngineVersion"] = snapshot.engine_version
    params.update(network_params(source))
    title = f"Restore snapshot {snapshot.id} to new cluster {cid} ({cls} writer)"
    return BackupAction("restore-cluster-from-snapshot", title, target, cid, (
        Step("restore_db_cluster_from_snapshot", params, WAIT_CLUSTER, cid, label=f"Restore cluster {cid}"),
        writer_step(cid, snapshot.engine, cls, f"Create writer of {cid}"),
    ))
