"""CloudWatch AWS/RDS history for the sandbox (put_metric_data through boto3) and a live feeder.

``seed_metrics`` writes the last ``hours`` (24) of 1-minute datapoints for every series of every
running cluster (see :mod:`metric_plan`), newest hour first, so a dashboard opened while the
seed still runs already shows the recent past. Each put_metric_data call carries at most 1,000
datapoints. ``MetricsFeeder`` then adds each new minute while the sandbox runs.

Values are deterministic (:mod:`metric_shapes`): the same minute always gets the same value.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from aurora_console.sandbox.aws_server import SandboxCredentials, sandbox_credentials
from aurora_console.sandbox.metric_plan import (
    NAMESPACE,
    ClusterPlan,
    cloudwatch_client,
    discover,
    metric_datum,
    minute_of,
    minute_start,
)
from aurora_console.sandbox.seed_catalog import BLOG_CLUSTER

log = logging.getLogger(__name__)

MAX_DATAPOINTS_PER_CALL = 1000
_BLOCK_MINUTES = 60
#: The feeder fills at most this many missed minutes (e.g. after the machine slept).
MAX_CATCH_UP_MINUTES = 60
#: Clusters whose every cluster-level series is published (the others are lean).
DEFAULT_FULL_DETAIL: tuple[str, ...] = (BLOG_CLUSTER,)


@dataclass(frozen=True)
class MetricsSeedResult:
    series: int
    datapoints: int
    calls: int
    first_minute: int
    last_minute: int
    seconds: float
    cancelled: bool = False
    storage_datapoints: int = 0  # hourly backup storage points (not in ``datapoints``)

    @property
    def last_timestamp(self) -> datetime:
        return datetime.fromtimestamp(self.last_minute * 60, timezone.utc)


class _Publisher:
    """Buffers datapoints per region and sends them 1,000 at a time."""

    def __init__(self, endpoint_url: str, credentials: SandboxCredentials) -> None:
        self._endpoint_url = endpoint_url
        self._credentials = credentials
        self._clients: dict[str, Any] = {}
        self._buffers: dict[str, list[dict[str, Any]]] = {}
        self.calls = 0
        self.datapoints = 0

    def add(self, region: str, datum: dict[str, Any]) -> None:
        buf = self._buffers.setdefault(region, [])
        buf.append(datum)
        if len(buf) >= MAX_DATAPOINTS_PER_CALL:
            self._send(region)

    def flush(self) -> None:
        for region in list(self._buffers):
            self._send(region)

    def _send(self, region: str) -> None:
        buf = self._buffers.pop(region, [])
        if not buf:
            return
        client = self._clients.get(region)
        if client is None:
            client = self._clients[region] = cloudwatch_client(self._endpoint_url, self._credentials, region)
        client.put_metric_data(Namespace=NAMESPACE, MetricData=buf)
        self.calls += 1
        self.datapoints += len(buf)


def _publish_minutes(publisher: _Publisher, plans: Iterable[ClusterPlan], minutes: Iterable[int]) -> None:
    for minute in minutes:
        stamp = minute_start(minute)
        for plan in plans:
            for name, dims, value in plan.datapoints(minute):
                publisher.add(plan.region, metric_datum(name, dims, value, minute, stamp))


def _publish_storage(publisher: _Publisher, plans: Iterable[ClusterPlan], minutes: Iterable[int]) -> None:
    """Backup storage metrics at each whole hour of ``minutes`` (AWS publishes them about daily)."""
    for minute in minutes:
        stamp = minute_start(minute)
        for plan in plans:
            for name, dims, value in plan.storage_datapoints(minute):
                publisher.add(plan.region, metric_datum(name, dims, value, minute, stamp))


def storage_minutes(first: int, last: int) -> list[int]:
    """The whole hours from ``first`` to ``last``, and ``last`` itself when the range has none."""
    hours = [m for m in range((first + 59) // 60 * 60, last + 1, 60)]
    return hours or [last]


def series_count(plans: Iterable[ClusterPlan], minute: int) -> int:
    return sum(len(plan.datapoints(minute)) for plan in plans)


def seed_metrics(
    endpoint_url: str,
    regions: tuple[str, ...] | list[str],
    *,
    credentials: SandboxCredentials | None = None,
    now: datetime | None = None,
    hours: float = 24,
    progress: Callable[[float, str], None] | None = None,
    cancel: threading.Event | None = None,
    full_detail: Collection[str] | None = DEFAULT_FULL_DETAIL,
    clusters: Collection[str] | None = None,
) -> MetricsSeedResult:
    """Publish ``hours`` of 1-minute history ending at ``now`` (floored to the minute).

    ``full_detail``: clusters with every cluster-level series; the others are lean (see
    :mod:`metric_plan`); None makes every cluster full. ``clusters``: only these (None: all).
    """
    credentials = credentials or sandbox_credentials()
    started = time.perf_counter()
    last = minute_of(now or datetime.now(timezone.utc))
    total_minutes = max(1, int(hours * 60))
    first = last - total_minutes + 1
    plans = discover(endpoint_url, regions, credentials=credentials, full_detail=full_detail, clusters=clusters)
    # backup storage first: a few points per cluster, and the backups screen shows them at once
    storage = _Publisher(endpoint_url, credentials)
    _publish_storage(storage, plans, storage_minutes(first, last))
    storage.flush()
    publisher = _Publisher(endpoint_url, credentials)
    cancelled = False
    block_end = last
    while block_end >= first:
        if cancel is not None and cancel.is_set():
            cancelled = True
            break
        block_start = max(first, block_end - _BLOCK_MINUTES + 1)
        _publish_minutes(publisher, plans, range(block_start, block_end + 1))
        publisher.flush()
        done = last - block_start + 1
        if progress is not None:
            progress(100.0 * done / total_minutes, f"CloudWatch history: {done // 60} of {total_minutes // 60} h")
        block_end = block_start - 1
    seconds = time.perf_counter() - started
    result = MetricsSeedResult(
        series=series_count(plans, last), datapoints=publisher.datapoints, calls=publisher.calls + storage.calls,
        first_minute=first, last_minute=last, seconds=seconds, cancelled=cancelled,
        storage_datapoints=storage.datapoints,
    )
    log.info("seeded %d datapoints in %d series with %d calls in %.1f s", result.datapoints, result.series,
             result.calls, seconds)
    return result


class MetricsFeeder:
    """A daemon thread that publishes each new minute of every series while the sandbox runs.

    ``after_minute`` is the last minute already published (the seed's ``last_minute``);
    ``clock`` returns the current aware datetime (tests pass a shifted one).
    """

    def __init__(
        self,
        endpoint_url: str,
        regions: tuple[str, ...] | list[str],
        *,
        credentials: SandboxCredentials | None = None,
        after_minute: int | None = None,
        interval: float = 15.0,
        clock: Callable[[], datetime] | None = None,
        full_detail: Collection[str] | None = DEFAULT_FULL_DETAIL,
        clusters: Collection[str] | None = None,
    ) -> None:
        self._endpoint_url = endpoint_url
        self._regions = tuple(regions)
        self._credentials = credentials or sandbox_credentials()
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._interval = interval
        self._last = after_minute if after_minute is not None else minute_of(self._clock()) - 1
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._publisher = _Publisher(endpoint_url, self._credentials)
        self._storage = _Publisher(endpoint_url, self._credentials)  # hourly backup storage
        self._rds_clients: dict[str, Any] = {}
        self._full_detail = full_detail
        self._clusters = clusters
        self.ticks = 0
        self.errors = 0

    @property
    def last_minute(self) -> int:
        return self._last

    @property
    def datapoints(self) -> int:
        return self._publisher.datapoints

    def tick(self) -> int:
        """Publish every minute after the last one published up to now; return datapoints sent."""
        current = minute_of(self._clock())
        if current <= self._last:
            return 0
        first = max(self._last + 1, current - MAX_CATCH_UP_MINUTES + 1)
        plans = discover(self._endpoint_url, self._regions, credentials=self._credentials,
                         rds_clients=self._rds_clients, full_detail=self._full_detail,
                         clusters=self._clusters)
        before = self._publisher.datapoints
        _publish_minutes(self._publisher, plans, range(first, current + 1))
        self._publisher.flush()
        _publish_storage(self._storage, plans, [m for m in range(first, current + 1) if m % 60 == 0])
        self._storage.flush()
        self._last = current
        self.ticks += 1
        return self._publisher.datapoints - before

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception as exc:  # the endpoint may be stopping; try again next time
                self.errors += 1
                log.warning("metrics feeder: %s", exc)
            self._stop.wait(self._interval)

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sandbox-metrics-feeder", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> MetricsFeeder:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
