"""Plan the series of a dashboard into as few ``GetMetricData`` calls as possible (no I/O).

One call carries at most :data:`MAX_QUERIES_PER_CALL` metric queries that share a start and end
time; each query may have its own period and statistic. A cache (see ``metrics.cache``) may tell
the planner that a series only needs its newest interval, in which case it joins the batch of
series that need the same interval.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aurora_console.core.aws.metrics.catalog import (
    READER,
    WRITER,
    AppliesTo,
    DimensionKind,
    MetricDef,
)
from aurora_console.core.errors import ValidationError
from aurora_console.core.validation import shown, validator

MAX_QUERIES_PER_CALL = 500
BASIC_STATS = ("Average", "Minimum", "Maximum", "Sum", "SampleCount")
DASHBOARD_STATS = ("Average", "Minimum", "Maximum", "Sum", "p50", "p90", "p99")
_PERCENTILE = re.compile(r"(p|tm|wm|tc|ts)([0-9]{1,2}(\.[0-9]{1,10})?|100)")


@validator()
def validate_stat(stat: Any) -> str:
    """A statistic CloudWatch knows (basic or extended such as p99, tm90); refused otherwise.
    The whole text must be the statistic: surrounding whitespace is refused, not stripped."""
    if isinstance(stat, str) and (stat in BASIC_STATS or _PERCENTILE.fullmatch(stat)):
        return stat
    raise ValidationError(f"Unknown statistic {shown(stat)}.", hint="Use Average, Minimum, Maximum, Sum or pNN (e.g. p99).")


@dataclass(frozen=True)
class InstanceInfo:
    id: str
    role: str = WRITER  # WRITER or READER


@dataclass(frozen=True)
class SeriesKey:
    """Everything that identifies one CloudWatch series at one resolution."""

    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    stat: str
    period: int

    def query(self, query_id: str) -> dict:
        return {
            "Id": query_id,
            "MetricStat": {
                "Metric": {
                    "Namespace": self.namespace,
                    "MetricName": self.metric,
                    "Dimensions": [{"Name": n, "Value": v} for n, v in self.dimensions],
                },
                "Period": self.period,
                "Stat": self.stat,
            },
            "ReturnData": True,
        }


@dataclass(frozen=True)
class SeriesSpec:
    """A line on a plot: which metric, for what (instance id, role or cluster), which series."""

    metric_key: str
    label: str
    key: SeriesKey


def expand_series(metric: MetricDef, cluster_id: str, instances: Sequence[InstanceInfo], stat: str,
                  period: int, focus_instance: str | None = None) -> list[SeriesSpec]:
    """The lines a plot of ``metric`` shows for a cluster (or one instance of it)."""
    validate_stat(stat)
    if not cluster_id:
        raise ValidationError("A cluster identifier is required.")

    def key(dims: tuple[tuple[str, str], ...]) -> SeriesKey:
        return SeriesKey(metric.namespace, metric.name, dims, stat, period)

    if metric.kind is DimensionKind.CLUSTER:
        return [SeriesSpec(metric.key, cluster_id, key((("DBClusterIdentifier", cluster_id),)))]
    if metric.kind is DimensionKind.CLUSTER_ROLE:
        roles = [WRITER] + ([READER] if any(i.role == READER for i in instances) else [])
        return [SeriesSpec(metric.key, role.lower(),
                           key((("DBClusterIdentifier", cluster_id), ("Role", role)))) for role in roles]
    out = []
    for inst in instances:
        if focus_instance is not None and inst.id != focus_instance:
            continue
        if metric.applies_to is AppliesTo.READERS and inst.role != READER:
            continue
        if metric.applies_to is AppliesTo.WRITERS and inst.role != WRITER:
            continue
        out.append(SeriesSpec(metric.key, inst.id, key((("DBInstanceIdentifier", inst.id),))))
    return out


@dataclass
class Batch:
    """One ``GetMetricData`` call (before paging): shared interval, up to 500 queries."""

    start: int
    end: int
    keys: list[SeriesKey] = field(default_factory=list)

    def request(self, scan_by: str = "TimestampAscending") -> dict:
        from datetime import datetime, timezone

        return {
            "MetricDataQueries": [k.query(f"q{i}") for i, k in enumerate(self.keys)],
            "StartTime": datetime.fromtimestamp(self.start, timezone.utc),
            "EndTime": datetime.fromtimestamp(self.end, timezone.utc),
            "ScanBy": scan_by,
        }

    def key_for_id(self, query_id: str) -> SeriesKey:
        return self.keys[int(query_id[1:])]


def plan_batches(intervals: Iterable[tuple[SeriesKey, int, int]],
                 max_queries: int = MAX_QUERIES_PER_CALL) -> list[Batch]:
    """Group ``(key, fetch_start, fetch_end)`` by interval and chunk each group by ``max_queries``.

    Duplicate keys are fetched once. Empty intervals (start >= end) are skipped.
    """
    if not 1 <= max_queries <= MAX_QUERIES_PER_CALL:
        raise ValidationError(f"max_queries must be 1..{MAX_QUERIES_PER_CALL}")
    groups: dict[tuple[int, int], list[SeriesKey]] = {}
    seen: set[SeriesKey] = set()
    for key, start, end in intervals:
        if start >= end or key in seen:
            continue
        seen.add(key)
        groups.setdefault((start, end), []).append(key)
    batches = []
    for (start, end), keys in sorted(groups.items()):
        for i in range(0, len(keys), max_queries):
            batches.append(Batch(start, end, keys[i:i + max_queries]))
    return batches
