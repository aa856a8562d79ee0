"""Which AWS/RDS series the sandbox publishes, read from the endpoint's own topology.

The topology (writer, readers, instance classes) comes from describe_db_clusters /
describe_db_instances through boto3, so after a failover in the sandbox the replica lag moves to
the new readers on the next minute. Stopped clusters and instances publish nothing.

Series per running cluster (dimension sets as CloudWatch has them):

* ``DBInstanceIdentifier``: every metric of :func:`metric_shapes.instance_values`.
* ``DBClusterIdentifier``: VolumeBytesUsed (a cluster-only metric in Aurora),
  AuroraReplicaLagMaximum (clusters with readers) and aggregates of CPUUtilization,
  DatabaseConnections, FreeableMemory, CommitLatency, CommitThroughput, ReadIOPS, WriteIOPS.
* ``DBClusterIdentifier`` + ``Role=WRITER``: CPUUtilization, DatabaseConnections, CommitLatency,
  CommitThroughput, FreeableMemory.
* ``DBClusterIdentifier`` + ``Role=READER`` (clusters with readers): CPUUtilization,
  DatabaseConnections, AuroraReplicaLag, FreeableMemory.

Backup storage (``DBClusterIdentifier``: BackupRetentionPeriodStorageUsed, SnapshotStorageUsed,
TotalBackupStorageBilled) is published once an hour (:meth:`ClusterPlan.storage_datapoints`; AWS
publishes it about daily), apart from the 1-minute series.

A "lean" cluster (every cluster but those named as full detail: a day of 1-minute data costs
~50 us of CPU per datapoint in moto) keeps all instance series but only VolumeBytesUsed,
AuroraReplicaLagMaximum, CPUUtilization and DatabaseConnections per cluster, and
CPUUtilization, DatabaseConnections and AuroraReplicaLag (readers) per role.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import boto3
from botocore.config import Config

from aurora_console.sandbox import metric_shapes as shapes
from aurora_console.sandbox.aws_server import SandboxCredentials, sandbox_credentials

NAMESPACE = "AWS/RDS"
Dims = tuple[tuple[str, str], ...]

_CLUSTER_AGGREGATES = {
    "CPUUtilization": "avg", "DatabaseConnections": "sum", "FreeableMemory": "avg", "CommitLatency": "writer",
    "CommitThroughput": "sum", "ReadIOPS": "sum", "WriteIOPS": "sum", "AuroraReplicaLagMaximum": "max",
}
_WRITER_ROLE = ("CPUUtilization", "DatabaseConnections", "CommitLatency", "CommitThroughput", "FreeableMemory")
_READER_ROLE = {"CPUUtilization": "avg", "DatabaseConnections": "sum", "AuroraReplicaLag": "avg",
                "FreeableMemory": "avg"}
_LEAN = frozenset({"CPUUtilization", "DatabaseConnections", "AuroraReplicaLag", "AuroraReplicaLagMaximum"})
#: Cluster-level names computed from another instance metric.
_SOURCE = {"AuroraReplicaLagMaximum": "AuroraReplicaLag"}


@dataclass(frozen=True)
class InstancePlan:
    instance_id: str
    instance_class: str


@dataclass(frozen=True)
class ClusterPlan:
    region: str
    cluster_id: str
    engine: str
    writer: InstancePlan | None
    readers: tuple[InstancePlan, ...]
    full_detail: bool = True

    @property
    def load(self) -> shapes.ClusterLoad:
        return shapes.ClusterLoad(self.cluster_id)

    def instance_series(self, minute: int) -> dict[str, dict[str, float]]:
        out = {}
        members = ([(self.writer, True)] if self.writer else []) + [(r, False) for r in self.readers]
        for inst, is_writer in members:
            out[inst.instance_id] = shapes.instance_values(
                self.load, inst.instance_id, inst.instance_class, self.engine, is_writer, minute,
                reader_count=len(self.readers),
            )
        return out

    def datapoints(self, minute: int) -> list[tuple[str, Dims, float]]:
        """(metric name, dimensions, value) of every series of this cluster at ``minute``."""
        per_instance = self.instance_series(minute)
        points: list[tuple[str, Dims, float]] = []
        for inst_id, values in per_instance.items():
            dims: Dims = (("DBInstanceIdentifier", inst_id),)
            points.extend((name, dims, value) for name, value in values.items())
        cluster: Dims = (("DBClusterIdentifier", self.cluster_id),)
        points.append(("VolumeBytesUsed", cluster, shapes.volume_bytes_used(self.cluster_id, minute)))
        if not per_instance:
            return points
        keep = (lambda name: True) if self.full_detail else _LEAN.__contains__
        writer_values = per_instance.get(self.writer.instance_id) if self.writer else None
        for name, how in _CLUSTER_AGGREGATES.items():
            value = _aggregate(list(per_instance.values()), writer_values, name, how) if keep(name) else None
            if value is not None:
                points.append((name, cluster, value))
        if writer_values:
            role: Dims = (("DBClusterIdentifier", self.cluster_id), ("Role", "WRITER"))
            points.extend((name, role, writer_values[name]) for name in _WRITER_ROLE if keep(name))
        reader_values = [per_instance[r.instance_id] for r in self.readers]
        if reader_values:
            role = (("DBClusterIdentifier", self.cluster_id), ("Role", "READER"))
            for name, how in _READER_ROLE.items():
                value = _aggregate(reader_values, None, name, how) if keep(name) else None
                if value is not None:
                    points.append((name, role, value))
        return points


    def storage_datapoints(self, minute: int) -> list[tuple[str, Dims, float]]:
        """The cluster's backup storage metrics at ``minute`` (published hourly, see metrics_seed)."""
        cluster: Dims = (("DBClusterIdentifier", self.cluster_id),)
        return [(name, cluster, value) for name, value in shapes.backup_storage(self.cluster_id, minute).items()]


def _aggregate(rows: list[dict[str, float]], writer: dict[str, float] | None, name: str, how: str) -> float | None:
    name = _SOURCE.get(name, name)
    if how == "writer":
        return writer.get(name) if writer else None
    values = [row[name] for row in rows if name in row]
    if not values:
        return None
    if how == "max":
        return max(values)
    return float(sum(values)) if how == "sum" else sum(values) / len(values)


def minute_of(when: datetime) -> int:
    """Epoch minute of an aware datetime (floored)."""
    return int(when.timestamp()) // 60


def minute_start(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, timezone.utc)


def cloudwatch_client(endpoint_url: str, credentials: SandboxCredentials, region: str) -> Any:
    # Values are generated here, not typed by a user: skip botocore's per-field validation.
    config = Config(parameter_validation=False, disable_request_compression=True,
                    retries={"max_attempts": 3, "mode": "standard"})
    return boto3.client("cloudwatch", endpoint_url=endpoint_url, config=config,
                        **credentials.client_kwargs() | {"region_name": region})


def discover(endpoint_url: str, regions: tuple[str, ...] | list[str], *,
             credentials: SandboxCredentials | None = None, rds_clients: dict[str, Any] | None = None,
             full_detail: Collection[str] | None = None, clusters: Collection[str] | None = None,
             ) -> list[ClusterPlan]:
    """Running clusters and their writer/readers, as boto3 describes them.

    ``full_detail``: cluster ids that get every cluster-level series (None: all clusters).
    ``clusters``: only these cluster ids (None: all).
    """
    credentials = credentials or sandbox_credentials()
    plans = []
    for region in regions:
        if rds_clients is not None and region in rds_clients:
            rds = rds_clients[region]
        else:
            rds = boto3.client("rds", endpoint_url=endpoint_url, **credentials.client_kwargs() | {"region_name": region})
            if rds_clients is not None:
                rds_clients[region] = rds
        instances = {i["DBInstanceIdentifier"]: i for i in rds.describe_db_instances()["DBInstances"]}
        for cluster in rds.describe_db_clusters()["DBClusters"]:
            if cluster["Status"] != "available":
                continue
            if clusters is not None and cluster["DBClusterIdentifier"] not in clusters:
                continue
            writer = None
            readers = []
            for member in cluster.get("DBClusterMembers", []):
                inst = instances.get(member["DBInstanceIdentifier"])
                if inst is None or inst.get("DBInstanceStatus") != "available":
                    continue
                item = InstancePlan(inst["DBInstanceIdentifier"], inst.get("DBInstanceClass", "db.r6g.large"))
                if member["IsClusterWriter"]:
                    writer = item
                else:
                    readers.append(item)
            cluster_id = cluster["DBClusterIdentifier"]
            plans.append(ClusterPlan(region, cluster_id, cluster["Engine"], writer,
                                     tuple(sorted(readers, key=lambda r: r.instance_id)),
                                     full_detail=full_detail is None or cluster_id in full_detail))
    return plans


@functools.lru_cache(maxsize=4096)
def _dimension_list(dims: Dims) -> list[dict[str, str]]:
    # Shared between datapoints: botocore only reads it.
    return [{"Name": k, "Value": v} for k, v in dims]


def metric_datum(name: str, dims: Dims, value: float, minute: int, timestamp: datetime | None = None,
                 ) -> dict[str, Any]:
    """One put_metric_data item (``timestamp``: the minute's start, when the caller has it)."""
    return {
        "MetricName": name,
        "Dimensions": _dimension_list(dims),
        "Timestamp": timestamp or minute_start(minute),
        "Value": value,
        "Unit": shapes.UNITS.get(name, "None"),
    }
