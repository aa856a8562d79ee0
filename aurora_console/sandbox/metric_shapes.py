"""Deterministic, realistic-looking AWS/RDS metric values for the sandbox.

Every value is a pure function of (cluster, instance, metric, minute): the seed and the live
feeder compute the same number for the same minute, and tests can recompute what was stored.
Randomness comes from a hash of the series name and the minute (no global RNG state).

Shape of a cluster's load (0..~1.6): a daily cycle peaking at 14:00 UTC, a little noise, and
occasional spikes (a few per day, 3-12 minutes each). Instance metrics follow the load: the
writer carries writes and commits, readers carry reads and show replica lag.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

GIB = 1024**3
MINUTE = 60
_MASK64 = (1 << 64) - 1
#: VolumeBytesUsed grows from this instant on (epoch minutes of 2025-01-01T00:00Z).
_VOLUME_EPOCH_MINUTE = 29_454_720
_SPIKE_WINDOW = 30  # minutes; at most one spike starts per window

#: Memory (GiB) and local storage (GiB) per instance class.
_CLASS_SIZES = {
    "db.t4g.medium": (4, 8), "db.t3.medium": (4, 8), "db.r5.large": (16, 32), "db.r6g.large": (16, 32),
    "db.r7g.large": (16, 32), "db.r6g.xlarge": (32, 64), "db.r7g.xlarge": (32, 64),
    "db.r6g.2xlarge": (64, 128), "db.r7g.2xlarge": (64, 128),
}


def class_sizes(instance_class: str) -> tuple[int, int]:
    """(memory bytes, local storage bytes) of an instance class (r6g.large when unknown)."""
    mem, local = _CLASS_SIZES.get(instance_class, (16, 32))
    return mem * GIB, local * GIB


def series_seed(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big")


def unit_noise(seed: int, n: int) -> float:
    """A uniform number in [0, 1) from (seed, n): splitmix64 of their mix."""
    z = (seed + (n + 1) * 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    z ^= z >> 31
    return (z >> 11) / float(1 << 53)


def daily_cycle(minute: int) -> float:
    """0 at 02:00 UTC, 1 at 14:00 UTC."""
    hours = (minute % 1440) / 60.0
    return 0.5 + 0.5 * math.cos(2 * math.pi * (hours - 14.0) / 24.0)


def spike(seed: int, minute: int) -> float:
    """0 most of the time; a triangular bump of height 0.3-0.9 a few times a day."""
    total = 0.0
    for window in (minute // _SPIKE_WINDOW, minute // _SPIKE_WINDOW - 1):
        if unit_noise(seed, window * 4) >= 0.09:
            continue
        start = window * _SPIKE_WINDOW + int(unit_noise(seed, window * 4 + 1) * _SPIKE_WINDOW)
        length = 3 + int(unit_noise(seed, window * 4 + 2) * 10)
        height = 0.3 + 0.6 * unit_noise(seed, window * 4 + 3)
        offset = minute - start
        if 0 <= offset < length:
            half = (length - 1) / 2.0 or 1.0
            total = max(total, height * (1.0 - abs(offset - half) / (half + 1.0)))
    return total


@dataclass(frozen=True)
class ClusterLoad:
    """The load of one cluster over time (shared by its instances)."""

    cluster_id: str
    base: float = 0.15
    amplitude: float = 0.55

    @property
    def seed(self) -> int:
        return series_seed(f"load/{self.cluster_id}")

    def spike(self, minute: int) -> float:
        return spike(self.seed, minute)

    def at(self, minute: int) -> float:
        noise = unit_noise(self.seed ^ 0x5A5A, minute) - 0.5
        return max(0.02, self.base + self.amplitude * daily_cycle(minute) + 0.06 * noise + self.spike(minute))


def instance_values(
    load: ClusterLoad, instance_id: str, instance_class: str, engine: str, is_writer: bool, minute: int,
    reader_count: int = 1,
) -> dict[str, float]:
    """Every AWS/RDS metric of one instance at one minute (keys are metric names)."""
    seed = series_seed(f"{load.cluster_id}/{instance_id}")
    lo = load.at(minute)
    burst = load.spike(minute)

    def noise(k: int) -> float:
        return unit_noise(seed + k, minute)

    memory, local = class_sizes(instance_class)
    share = 1.0 if is_writer else 0.7 / max(1, reader_count)
    cpu = (9.0 + 52.0 * lo if is_writer else 5.0 + 45.0 * lo * share) + 6.0 * (noise(1) - 0.5)
    conn = (12 + 70 * lo if is_writer else 4 + 60 * lo * share) + 4 * noise(2)
    values = {
        "CPUUtilization": min(100.0, max(0.5, cpu)),
        "DatabaseConnections": float(round(conn)),
        "FreeableMemory": float(int(memory * (0.62 - 0.18 * min(lo, 1.4) - 0.02 * noise(3)))),
        "CommitLatency": (1.1 + 2.4 * lo * lo + 0.5 * noise(4)) if is_writer else (0.4 + 0.3 * noise(4)),
        "CommitThroughput": (35 + 320 * lo + 25 * noise(5)) if is_writer else (3 + 20 * lo * share + 2 * noise(5)),
        "BufferCacheHitRatio": min(100.0, 99.85 - 2.5 * burst - 0.25 * noise(6)),
        "Deadlocks": (1 + int(noise(7) * 2)) / 60.0 if noise(8) < 0.004 * (1 + 3 * burst) else 0.0,
        "ReadIOPS": (40 + 380 * lo if is_writer else 60 + 700 * lo * share) + 30 * noise(9),
        "WriteIOPS": (90 + 850 * lo + 60 * noise(10)) if is_writer else (2 + 6 * noise(10)),
        "FreeLocalStorage": float(int(local * (0.86 - 0.06 * min(lo, 1.4) - 0.03 * noise(11)))),
        "NetworkThroughput": (2.0e6 + 2.4e7 * lo if is_writer else 1.0e6 + 1.6e7 * lo * share) * (0.95 + 0.1 * noise(16)),
    }
    if not is_writer:
        values["AuroraReplicaLag"] = 6.0 + 14.0 * lo + 8.0 * noise(12) + 180.0 * burst
    if engine == "aurora-postgresql":
        values["ReadLatency"] = 0.0004 + 0.0012 * lo + 0.0003 * noise(13)
        values["WriteLatency"] = (0.0007 + 0.0018 * lo + 0.0004 * noise(14)) if is_writer else 0.0003 + 0.0002 * noise(14)
        cycle = minute % 660  # autovacuum freezes every 11 hours
        values["MaximumUsedTransactionIDs"] = float(int(52_000_000 + cycle * 31_000 + 4_000 * noise(15)))
    else:
        if is_writer:  # readers run no DML
            values["DMLLatency"] = 0.35 + 1.3 * lo + 0.2 * noise(13)
            values["DMLThroughput"] = 30 + 280 * lo + 15 * noise(17)
        values["SelectLatency"] = 0.18 + 0.7 * lo * (1.0 if is_writer else 1.2) + 0.1 * noise(14)
        values["SelectThroughput"] = (80 + 600 * lo if is_writer else 150 + 1400 * lo * share) + 20 * noise(18)
    return values


def volume_bytes_used(cluster_id: str, minute: int) -> float:
    """Cluster volume: a base size that grows a little every minute (never shrinks)."""
    seed = series_seed(f"volume/{cluster_id}")
    base = (20 + unit_noise(seed, 0) * 180) * GIB
    per_minute = (0.05 + unit_noise(seed, 1) * 0.4) * GIB / 1440
    return float(int(base + per_minute * max(0, minute - _VOLUME_EPOCH_MINUTE)))


#: Backup storage metrics (per cluster): the backups screen reads the newest of each.
BACKUP_STORAGE_METRICS = ("BackupRetentionPeriodStorageUsed", "SnapshotStorageUsed", "TotalBackupStorageBilled")


def backup_storage(cluster_id: str, minute: int) -> dict[str, float]:
    """Continuous-backup and snapshot storage as fractions of the cluster volume; billed is what
    exceeds the free allowance (backup storage up to the volume's size is free in Aurora)."""
    volume = volume_bytes_used(cluster_id, minute)
    seed = series_seed(f"backup/{cluster_id}")
    continuous = float(int(volume * (0.6 + unit_noise(seed, 0) * 0.3)))
    snapshots = float(int(volume * (0.4 + unit_noise(seed, 1) * 0.3)))
    return {"BackupRetentionPeriodStorageUsed": continuous, "SnapshotStorageUsed": snapshots,
            "TotalBackupStorageBilled": max(0.0, continuous + snapshots - volume)}


#: Units CloudWatch reports for each AWS/RDS metric.
UNITS: dict[str, str] = {
    "CPUUtilization": "Percent", "DatabaseConnections": "Count", "FreeableMemory": "Bytes",
    "AuroraReplicaLag": "Milliseconds", "CommitLatency": "Milliseconds", "CommitThroughput": "Count/Second",
    "BufferCacheHitRatio": "Percent", "Deadlocks": "Count/Second", "ReadIOPS": "Count/Second",
    "WriteIOPS": "Count/Second", "ReadLatency": "Seconds", "WriteLatency": "Seconds",
    "DMLLatency": "Milliseconds", "SelectLatency": "Milliseconds", "VolumeBytesUsed": "Bytes",
    "FreeLocalStorage": "Bytes", "MaximumUsedTransactionIDs": "Count", "NetworkThroughput": "Bytes/Second",
    "DMLThroughput": "Count/Second", "SelectThroughput": "Count/Second", "AuroraReplicaLagMaximum": "Milliseconds",
    "BackupRetentionPeriodStorageUsed": "Bytes", "SnapshotStorageUsed": "Bytes", "TotalBackupStorageBilled": "Bytes",
}
