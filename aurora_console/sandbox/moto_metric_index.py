"""An index of the sandbox's CloudWatch datapoints per series, for moto's metric queries.

moto's ``CloudWatchBackend.get_metric_data`` scans every stored datapoint of the region once per
period of every query: with the sandbox's day of 1-minute data (a few hundred thousand
datapoints) one 24-hour query takes tens of seconds. :data:`PATCHES` swaps in an indexed
implementation of ``get_metric_data`` (MetricStat queries), ``get_metric_statistics`` and
``list_metrics`` (moto's is quadratic in the datapoints):
datapoints are indexed per series (namespace, metric name, dimension set) as they arrive, kept
sorted by time, and a query reads only its own series with a binary search.

Statistics are computed with moto's own ``Statistics`` class, so values agree with moto. Two
deliberate differences, both closer to CloudWatch: a MetricStat query with dimensions also
matches on the namespace, and dimension sets compare as sets (moto's sort of ``Dimension`` is not
a total order, so a Role+DBClusterIdentifier query may miss datapoints sent in the other order).
Metric math and Metrics Insights queries fall back to moto's implementation.

Datapoints are indexed as put_metric_data stores them, so a dashboard query never pays for
indexing a whole day at once. The index hangs off the backend object: moto's reset replaces the
backend's ``__dict__``, which drops the index with the data.

Installed with the sandbox's other moto patches by ``moto_speedups.install``.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aurora_console.sandbox.moto_patching import Patch, PatchSet

_INDEX_ATTR = "_aurora_console_series_index"
_PLAIN_STATS = frozenset({"Average", "Sum", "Minimum", "Maximum", "SampleCount"})

SeriesKey = tuple[str, str, frozenset[tuple[str, str | None]]]


@dataclass
class _Series:
    times: list[datetime] = field(default_factory=list)
    data: list[Any] = field(default_factory=list)

    def add(self, datum: Any) -> None:
        ts = datum.timestamp
        if not self.times or ts >= self.times[-1]:
            self.times.append(ts)
            self.data.append(datum)
            return
        pos = bisect.bisect_right(self.times, ts)
        self.times.insert(pos, ts)
        self.data.insert(pos, datum)

    def between(self, start: datetime, end: datetime) -> list[Any]:
        """Datapoints with ``start <= timestamp < end``, oldest first."""
        lo = bisect.bisect_left(self.times, start)
        hi = bisect.bisect_left(self.times, end)
        return self.data[lo:hi]


class _SeriesIndex:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        self.indexed = 0
        self.source: list[Any] | None = None
        self.series: dict[SeriesKey, _Series] = {}
        self.order: list[SeriesKey] = []
        self.by_name: dict[tuple[str, str], list[SeriesKey]] = {}

    def refresh(self, metric_data: list[Any]) -> None:
        with self.lock:
            if metric_data is not self.source or len(metric_data) < self.indexed:
                self._clear()
                self.source = metric_data
            end = len(metric_data)
            for datum in metric_data[self.indexed : end]:
                key = series_key(datum.namespace, datum.name, datum.dimensions)
                entry = self.series.get(key)
                if entry is None:
                    entry = self.series[key] = _Series()
                    self.order.append(key)
                    self.by_name.setdefault(key[:2], []).append(key)
                else:
                    _share_fields(datum, entry.data[0])
                entry.add(datum)
            self.indexed = end


def _share_fields(datum: Any, like: Any) -> None:
    """Point a datapoint's equal fields at its series' first one (a day of data is ~200k objects)."""
    datum.namespace = like.namespace
    datum.name = like.name
    datum.dimensions = like.dimensions
    if datum.unit == like.unit:
        datum.unit = like.unit


def series_key(namespace: str, name: str, dimensions: list[Any]) -> SeriesKey:
    """Index key of a datapoint (moto ``Dimension`` objects or ``{"Name", "Value"}`` dicts)."""
    pairs = []
    for dim in dimensions:
        if isinstance(dim, dict):
            pairs.append((dim["Name"], dim.get("Value")))
        else:
            pairs.append((dim.name, dim.value))
    return (namespace, name, frozenset(pairs))


def _index_of(backend: Any) -> _SeriesIndex:
    index = backend.__dict__.get(_INDEX_ATTR)
    if index is None:
        index = backend.__dict__.setdefault(_INDEX_ATTR, _SeriesIndex())
    index.refresh(backend.metric_data)
    return index


def _matches_subset(key: SeriesKey, wanted: list[dict[str, Any]]) -> bool:
    names = dict(key[2])
    for dim in wanted:
        name, value = dim["Name"], dim.get("Value")
        if name not in names:
            return False
        if value is not None and names[name] is not None and names[name] != value:
            return False
    return True


def _extra_data(backend: Any) -> list[Any]:
    """Datapoints that moto computes on the fly for other services (usually none)."""
    return list(backend.aws_metric_data)


def _plain_statistic(stat: str, bucket: list[Any]) -> float | int | None:
    """moto's statistic of single values, without its per-bucket object; None: let moto compute it."""
    from moto.cloudwatch.models import MetricDatum

    if stat not in _PLAIN_STATS or any(type(md) is not MetricDatum for md in bucket):
        return None
    values = [md.value for md in bucket]
    if stat == "Average":
        return sum(values) / len(values)
    if stat == "Sum":
        return sum(values)
    if stat == "Minimum":
        return min(values)
    if stat == "Maximum":
        return max(values)
    return len(values)


def _metric_stat_result(backend: Any, index: _SeriesIndex, query: dict[str, Any], start: datetime,
                        end: datetime, extra: list[Any]) -> dict[str, Any]:
    from moto.cloudwatch.models import Statistics

    stat_spec = query["MetricStat"]
    metric = stat_spec["Metric"]
    namespace, name = metric["Namespace"], metric["MetricName"]
    dims = metric.get("Dimensions", [])
    delta = timedelta(seconds=int(stat_spec["Period"]))
    stat = stat_spec["Stat"]
    unit = stat_spec.get("Unit")

    if dims:
        wanted = series_key(namespace, name, dims)
        keys = [wanted] if wanted in index.series else []
        extra_hits = [md for md in extra if series_key(md.namespace, md.name, md.dimensions) == wanted]
    else:
        keys = list(index.by_name.get((namespace, name), []))
        extra_hits = [md for md in extra if md.namespace == namespace and md.name == name]
    points: list[Any] = []
    with index.lock:  # a concurrent put may be inserting into these lists
        for key in keys:
            points.extend(index.series[key].between(start, end))
    points.extend(md for md in extra_hits if start <= md.timestamp < end)
    if unit:
        points = [md for md in points if md.unit == unit]
    if len(keys) + (1 if extra_hits else 0) > 1:
        points.sort(key=lambda md: md.timestamp)

    buckets: dict[int, list[Any]] = {}
    for md in points:
        buckets.setdefault((md.timestamp - start) // delta, []).append(md)
    timestamps: list[datetime] = []
    values: list[Any] = []
    for slot in sorted(buckets):
        bucket = buckets[slot]
        value = _plain_statistic(stat, bucket)
        if value is None:
            stats = Statistics([stat], start + slot * delta)
            stats.metric_data = bucket
            value = stats.get_statistics_for_type(stat)
        values.append(value)
        timestamps.append(start + slot * delta)
    return {"id": query["Id"], "label": query.get("Label") or f"{name} {stat}", "values": values,
            "timestamps": timestamps, "status_code": "Complete"}


def fast_get_metric_data(self: Any, queries: list[dict[str, Any]], start_time: datetime,
                         end_time: datetime, scan_by: str = "TimestampAscending") -> list[dict[str, Any]]:
    if any("MetricStat" not in q for q in queries):
        return PATCHES.original("get_metric_data")(self, queries, start_time, end_time, scan_by)
    from moto.cloudwatch.exceptions import ValidationError

    start = start_time.replace(microsecond=0)
    end = end_time.replace(microsecond=0)
    if start > end:
        raise ValidationError("The parameter EndTime must be greater than StartTime.")
    if start == end:
        raise ValidationError("The parameter StartTime must not equal parameter EndTime.")
    index = _index_of(self)
    extra = _extra_data(self)
    results = []
    for query in queries:
        result = _metric_stat_result(self, index, query, start, end, extra)
        if scan_by == "TimestampDescending":
            result["timestamps"].reverse()
            result["values"].reverse()
        if query.get("ReturnData", True):
            results.append(result)
    return results


def fast_get_metric_statistics(self: Any, namespace: str, metric_name: str, start_time: datetime,
                               end_time: datetime, period: int, stats: list[str],
                               dimensions: list[dict[str, str]], unit: str | None = None) -> list[Any]:
    from moto.cloudwatch.exceptions import InvalidParameterValue
    from moto.cloudwatch.models import Statistics

    start = start_time.replace(microsecond=0)
    end = end_time.replace(microsecond=0)
    if start >= end:
        raise InvalidParameterValue("The parameter StartTime must be less than the parameter EndTime.")
    index = _index_of(self)
    points: list[Any] = []
    with index.lock:
        for key in index.by_name.get((namespace, metric_name), []):
            if not dimensions or _matches_subset(key, dimensions):
                points.extend(index.series[key].between(start, end))
    for md in _extra_data(self):
        if (md.namespace == namespace and md.name == metric_name and start <= md.timestamp < end
                and (not dimensions or md.filter(None, None, dimensions))):
            points.append(md)
    if unit:
        points = [md for md in points if md.unit == unit]
    if not points:
        return []
    points.sort(key=lambda md: md.timestamp)
    delta = timedelta(seconds=period)
    first = points[0].timestamp
    data: list[Any] = []
    current: Any = None
    current_slot = -1
    for md in points:
        slot = (md.timestamp - first) // delta
        if slot != current_slot:
            current = Statistics(stats, first + slot * delta)
            data.append(current)
            current_slot = slot
        current.metric_data.append(md)
        current.unit = md.unit
    return data


def fast_get_filtered_metrics(self: Any, metric_name: str, namespace: str,
                              dimensions: list[dict[str, str]]) -> list[Any]:
    """list_metrics: one entry per series (moto compares each datapoint with every entry so far)."""
    index = _index_of(self)
    found: list[Any] = []
    with index.lock:
        for key in list(index.order):
            data = index.series[key].data
            if not data or not data[0].filter(namespace=namespace, name=metric_name, dimensions=dimensions):
                continue
            # moto lists every dimensionless datapoint on its own; a series with dimensions once.
            found.extend(data if not key[2] else data[:1])
    for md in _extra_data(self):
        if md.filter(namespace=namespace, name=metric_name, dimensions=dimensions, already_present_metrics=found):
            found.append(md)
    return found


def indexing_put_metric_data(self: Any, namespace: str, metric_data: list[dict[str, Any]]) -> None:
    PATCHES.original("put_metric_data")(self, namespace, metric_data)
    _index_of(self)


PATCHES = PatchSet(
    Patch("moto.cloudwatch.models", "CloudWatchBackend", "get_metric_data", fast_get_metric_data),
    Patch("moto.cloudwatch.models", "CloudWatchBackend", "get_metric_statistics", fast_get_metric_statistics),
    Patch("moto.cloudwatch.models", "CloudWatchBackend", "put_metric_data", indexing_put_metric_data),
    Patch("moto.cloudwatch.models", "CloudWatchBackend", "get_filtered_metrics", fast_get_filtered_metrics),
)
