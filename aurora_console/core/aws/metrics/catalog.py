"""Which CloudWatch metrics an Aurora dashboard shows, per engine (Qt-free, no I/O).

Every entry names the ``AWS/RDS`` metric, its CloudWatch unit, a sensible default statistic and
the dimension it is published under:

- ``INSTANCE``: ``DBInstanceIdentifier`` (one line per instance),
- ``CLUSTER``: ``DBClusterIdentifier`` (one line for the cluster, e.g. VolumeBytesUsed),
- ``CLUSTER_ROLE``: ``DBClusterIdentifier`` + ``Role`` = ``WRITER`` / ``READER`` (one line per role).

Instance metrics may apply to readers only (AuroraReplicaLag) or writers only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

NAMESPACE = "AWS/RDS"

POSTGRES = "aurora-postgresql"
MYSQL = "aurora-mysql"
ENGINES = (POSTGRES, MYSQL)
BOTH = frozenset(ENGINES)

WRITER = "WRITER"
READER = "READER"


class DimensionKind(Enum):
    INSTANCE = "instance"
    CLUSTER = "cluster"
    CLUSTER_ROLE = "cluster_role"


class AppliesTo(Enum):
    ALL = "all"
    READERS = "readers"
    WRITERS = "writers"


@dataclass(frozen=True)
class MetricDef:
    key: str  # unique in the catalog; equals ``name`` unless the metric appears twice
    name: str  # the CloudWatch MetricName
    title: str
    unit: str  # CloudWatch unit: Percent, Bytes, Count, Count/Second, Milliseconds, Seconds ...
    default_stat: str
    kind: DimensionKind
    engines: frozenset[str] = BOTH
    applies_to: AppliesTo = AppliesTo.ALL
    description: str = ""
    namespace: str = NAMESPACE


def _m(name, title, unit, stat, kind=DimensionKind.INSTANCE, engines=BOTH, applies=AppliesTo.ALL,
       description="", key=None) -> MetricDef:
    return MetricDef(key or name, name, title, unit, stat, kind, frozenset(engines), applies, description)


_I, _C, _R = DimensionKind.INSTANCE, DimensionKind.CLUSTER, DimensionKind.CLUSTER_ROLE
_PG, _MY = (POSTGRES,), (MYSQL,)

CATALOG: tuple[MetricDef, ...] = (
    _m("CPUUtilization", "CPU utilization", "Percent", "Average"),
    _m("DatabaseConnections", "Database connections", "Count", "Average"),
    _m("FreeableMemory", "Freeable memory", "Bytes", "Minimum"),
    _m("AuroraReplicaLag", "Replica lag", "Milliseconds", "Maximum", applies=AppliesTo.READERS,
       description="How far each Aurora Replica lags behind the writer."),
    _m("CommitLatency", "Commit latency", "Milliseconds", "Average"),
    _m("CommitThroughput", "Commit throughput", "Count/Second", "Average"),
    _m("BufferCacheHitRatio", "Buffer cache hit ratio", "Percent", "Average"),
    _m("Deadlocks", "Deadlocks", "Count/Second", "Average"),
    _m("ReadIOPS", "Read IOPS", "Count/Second", "Average", engines=_PG),
    _m("WriteIOPS", "Write IOPS", "Count/Second", "Average", engines=_PG),
    _m("ReadLatency", "Read latency", "Seconds", "Average", engines=_PG),
    _m("WriteLatency", "Write latency", "Seconds", "Average", engines=_PG),
    _m("MaximumUsedTransactionIDs", "Max used transaction IDs", "Count", "Maximum", engines=_PG,
       description="Transaction ID age; above ~1 billion watch for wraparound (hard limit ~2.1 billion)."),
    _m("DMLLatency", "DML latency", "Milliseconds", "Average", engines=_MY),
    _m("SelectLatency", "Select latency", "Milliseconds", "Average", engines=_MY),
    _m("DMLThroughput", "DML throughput", "Count/Second", "Average", engines=_MY),
    _m("SelectThroughput", "Select throughput", "Count/Second", "Average", engines=_MY),
    _m("FreeLocalStorage", "Free local storage", "Bytes", "Minimum"),
    _m("NetworkThroughput", "Network throughput", "Bytes/Second", "Average"),
    _m("VolumeBytesUsed", "Cluster volume used", "Bytes", "Average", kind=_C),
    _m("AuroraReplicaLagMaximum", "Max replica lag (cluster)", "Milliseconds", "Maximum", kind=_C),
    _m("CPUUtilization", "CPU utilization by role", "Percent", "Average", kind=_R, key="CPUUtilization@role"),
    _m("DatabaseConnections", "Connections by role", "Count", "Average", kind=_R,
       key="DatabaseConnections@role"),
)

_BY_KEY = {m.key: m for m in CATALOG}

DEFAULTS: dict[str, tuple[str, ...]] = {
    POSTGRES: ("CPUUtilization", "DatabaseConnections", "FreeableMemory", "AuroraReplicaLag",
               "CommitLatency", "ReadIOPS", "WriteIOPS", "MaximumUsedTransactionIDs"),
    MYSQL: ("CPUUtilization", "DatabaseConnections", "FreeableMemory", "AuroraReplicaLag",
            "CommitLatency", "DMLLatency", "SelectLatency", "VolumeBytesUsed"),
}


def normalize_engine(engine: str) -> str:
    """``aurora-postgresql`` or ``aurora-mysql`` (``aurora`` is the old MySQL 5.6 name)."""
    e = (engine or "").strip().lower()
    if e in ("aurora-postgresql", "postgres", "postgresql"):
        return POSTGRES
    if e in ("aurora-mysql", "aurora", "mysql"):
        return MYSQL
    raise ValueError(f"not an Aurora engine: {engine!r} (expected aurora-postgresql or aurora-mysql)")


def metrics_for_engine(engine: str) -> list[MetricDef]:
    eng = normalize_engine(engine)
    return [m for m in CATALOG if eng in m.engines]


def default_metric_keys(engine: str) -> list[str]:
    return list(DEFAULTS[normalize_engine(engine)])


def get_metric(key: str) -> MetricDef:
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown metric {key!r}") from None


def find_metric(key: str) -> MetricDef | None:
    return _BY_KEY.get(key)
