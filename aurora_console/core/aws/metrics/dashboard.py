"""Load a whole metrics dashboard: catalog -> series -> planned calls -> cache -> plot data.

:class:`MetricsService` is what the UI calls (through the task runner). It is Qt-free and
thread-safe; a refresh of the same dashboard asks CloudWatch only for what the cache lacks.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from aurora_console.core.aws.fleet.inventory import describe_cluster
from aurora_console.core.aws.metrics.alarms import Threshold, thresholds_for
from aurora_console.core.aws.metrics.cache import MetricCache
from aurora_console.core.aws.metrics.catalog import READER, WRITER, MetricDef, get_metric, normalize_engine
from aurora_console.core.aws.metrics.fetch import MetricFetcher, StatFailures, floats, with_gaps
from aurora_console.core.aws.metrics.query import (
    InstanceInfo,
    SeriesKey,
    SeriesSpec,
    expand_series,
    plan_batches,
    validate_stat,
)
from aurora_console.core.aws.metrics.range import TimeRange, align_down, choose_period
from aurora_console.core.errors import ValidationError

log = logging.getLogger(__name__)

ALARM_TTL = 300.0


@dataclass(frozen=True)
class DashboardScope:
    cluster_id: str
    engine: str
    instances: tuple[InstanceInfo, ...]
    focus_instance: str | None = None  # opened from an instance: only its lines


@dataclass(frozen=True)
class DashboardRequest:
    scope: DashboardScope
    metric_keys: tuple[str, ...]
    time_range: TimeRange
    stat: str | None = None  # None: each metric's default statistic
    stat_overrides: tuple[tuple[str, str], ...] = ()  # (metric key, statistic) for single plots
    forced_period: int | None = None
    alarms: bool = True


@dataclass
class PlotSeries:
    label: str
    key: SeriesKey
    timestamps: Sequence[float]  # epoch seconds, NaN values mark gaps (fetch.floats() arrays)
    values: Sequence[float]
    error: str | None = None
    notes: tuple[str, ...] = ()  # CloudWatch messages for a partial answer (e.g. MaxQueryTimeRangeExceed)

    def points(self) -> list[tuple[float, float]]:
        return list(zip(self.timestamps, self.values, strict=False))


@dataclass
class PlotData:
    metric: MetricDef
    stat: str
    period: int
    series: list[PlotSeries] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)

    @property
    def message(self) -> str | None:
        """Text to show inside the plot (errors, or why it is empty), None when all is well."""
        errors = sorted({s.error for s in self.series if s.error})
        if errors:
            failed = [s.label for s in self.series if s.error]
            who = "all series" if len(failed) == len(self.series) else ", ".join(failed)
            return f"{'; '.join(errors)} ({who})"
        if not self.series:
            return "This metric has no series for this cluster (e.g. replica lag needs a reader)."
        notes = sorted({n for s in self.series for n in s.notes})
        if notes:
            return "CloudWatch returned partial data: " + "; ".join(notes)
        if all(not s.timestamps for s in self.series):
            return NO_DATAPOINTS
        return None


NO_DATAPOINTS = "No datapoints in this range."
#: cluster states in which Aurora publishes no (or few) metrics
QUIET_STATES = {"stopped": "is stopped", "stopping": "is stopping", "starting": "is starting"}


def explain_empty(message: str | None, cluster_status: str | None) -> str | None:
    """The plot's message, saying why it is empty when the cluster sends no metrics."""
    why = QUIET_STATES.get((cluster_status or "").lower())
    if message == NO_DATAPOINTS and why:
        return f"No datapoints in this range: the cluster {why}, and a stopped cluster sends no metrics."
    return message


@dataclass
class DashboardData:
    start: int
    end: int
    period: int
    plots: list[PlotData]
    calls: int = 0
    fetched_series: int = 0
    alarms_error: str | None = None

    def plot(self, metric_key: str) -> PlotData:
        for p in self.plots:
            if p.metric.key == metric_key:
                return p
        raise KeyError(metric_key)


@dataclass(frozen=True)
class ClusterMembers:
    instances: tuple[InstanceInfo, ...]
    status: str | None  # the cluster's status ("available", "stopped", ...)


def cluster_members(rds_client, cluster_id: str) -> ClusterMembers:
    """Members of a cluster with their role (writer first, then readers by id), and its status."""
    if not cluster_id:
        raise ValidationError("A cluster identifier is required.")
    raw = describe_cluster(rds_client, cluster_id)
    members = raw.get("DBClusterMembers", []) if raw else []
    out = [InstanceInfo(m["DBInstanceIdentifier"], WRITER if m.get("IsClusterWriter") else READER)
           for m in members]
    return ClusterMembers(tuple(sorted(out, key=lambda i: (i.role != WRITER, i.id))),
                          raw.get("Status") if raw else None)


def cluster_instances(rds_client, cluster_id: str) -> tuple[InstanceInfo, ...]:
    """Members of a cluster with their role (writer first, then readers by id)."""
    return cluster_members(rds_client, cluster_id).instances


class MetricsService:
    """Dashboard loads with a shared cache. ``client_factory()`` returns a CloudWatch client."""

    def __init__(self, client_factory: Callable[[], object], cache: MetricCache | None = None,
                 clock: Callable[[], float] = time.time, fetcher_options: dict | None = None,
                 profile: str | None = None) -> None:
        self._client_factory = client_factory
        self.profile = profile
        self.cache = cache or MetricCache(clock=clock)
        self._clock = clock
        self._fetcher_options = fetcher_options or {}
        self.stat_failures = StatFailures()
        self._alarm_lock = threading.Lock()
        self._alarms: dict[frozenset, tuple[float, dict, str | None]] = {}

    def specs(self, request: DashboardRequest, period: int) -> list[tuple[MetricDef, str, list[SeriesSpec]]]:
        scope = request.scope
        normalize_engine(scope.engine)
        out = []
        overrides = dict(request.stat_overrides)
        for key in request.metric_keys:
            metric = get_metric(key)
            stat = validate_stat(overrides.get(key) or request.stat or metric.default_stat)
            out.append((metric, stat, expand_series(metric, scope.cluster_id, scope.instances, stat, period,
                                                     scope.focus_instance)))
        return out

    def load(self, request: DashboardRequest, task=None) -> DashboardData:
        now = self._clock()
        start, end = request.time_range.resolve(now)
        period = choose_period(start, end, now, request.forced_period)
        start = align_down(start, period)
        plan = self.specs(request, period)
        keys = [s.key for _m, _st, specs in plan for s in specs]
        intervals = [(k, *self.cache.missing_interval(k, start, end)) for k in keys]
        batches = plan_batches(intervals)
        client = self._client_factory()
        fetcher = MetricFetcher(client, task=task, stat_failures=self.stat_failures, profile=self.profile,
                                **self._fetcher_options)
        fetched = fetcher.fetch(batches)
        for key, fs, fe in intervals:
            data = fetched.series.get(key)
            if data is not None:
                self.cache.store(key, start, fs, fe, data)
        thresholds, alarms_error = ({}, None)
        if request.alarms:
            thresholds, alarms_error = self._thresholds(client, keys, now)
        plots = []
        for metric, stat, specs in plan:
            plot = PlotData(metric, stat, period)
            seen: set[str] = set()
            for spec in specs:
                if task is not None and hasattr(task, "pause"):
                    task.pause()  # a series is ~1 ms of Python: give way while the UI paints
                got = fetched.series.get(spec.key)
                error = got.error if got is not None else None
                cached = None if error else self.cache.get(spec.key, start, end)
                ts, vals = with_gaps(cached.timestamps, cached.values, period) if cached else (floats(), floats())
                notes = tuple(got.messages) if got is not None else ()
                plot.series.append(PlotSeries(spec.label, spec.key, ts, vals, error, notes))
                for th in thresholds.get(spec.key, []):
                    if th.alarm_name not in seen:
                        seen.add(th.alarm_name)
                        plot.thresholds.append(th)
            plots.append(plot)
        return DashboardData(start, end, period, plots, fetched.calls, len(fetched.series), alarms_error)

    def _thresholds(self, client, keys: Sequence[SeriesKey], now: float):
        wanted = frozenset((k.namespace, k.metric, k.dimensions) for k in keys)
        with self._alarm_lock:
            hit = self._alarms.get(wanted)
            if hit is not None and now - hit[0] < ALARM_TTL:
                by_dims, error = hit[1], hit[2]
                return {k: by_dims.get((k.metric, k.dimensions), []) for k in keys}, error
        found, error = thresholds_for(client, keys)
        by_dims = {(k.metric, k.dimensions): v for k, v in found.items()}
        with self._alarm_lock:
            self._alarms[wanted] = (now, by_dims, error)
        return {k: by_dims.get((k.metric, k.dimensions), []) for k in keys}, error

    def forget_alarms(self) -> None:
        with self._alarm_lock:
            self._alarms.clear()
