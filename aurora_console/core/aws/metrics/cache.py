"""Remember fetched series so a refresh asks CloudWatch only for the new interval.

Per series (namespace, metric, dimensions, statistic, period) the cache keeps the points and the
interval they cover. Datapoints of the last few minutes may still change (CloudWatch receives
RDS metrics with a delay, and the newest bucket is partial), so everything newer than
``fetched_at - overlap`` is fetched again and replaces what was cached. Points on the same
period grid (start aligned to the period) merge exactly.
"""

from __future__ import annotations

import threading
import time
from array import array
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass

from aurora_console.core.aws.metrics.fetch import SeriesData, floats
from aurora_console.core.aws.metrics.query import SeriesKey
from aurora_console.core.aws.metrics.range import align_down

DEFAULT_OVERLAP = 300  # seconds of recent data always fetched again


@dataclass
class _Entry:
    start: int
    end: int
    final_until: int  # points before this are final (fetched well after they were recorded)
    timestamps: array  # ascending (the fetcher's series are; merging keeps the order); floats()
    values: array  # arrays, not lists: the garbage collector walks no point (fetch.py)


class MetricCache:
    def __init__(self, overlap: int = DEFAULT_OVERLAP, max_series: int = 4096, clock=time.time) -> None:
        self.overlap = overlap
        self.max_series = max_series
        self._clock = clock
        self._entries: OrderedDict[SeriesKey, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def missing_interval(self, key: SeriesKey, start: int, end: int) -> tuple[int, int]:
        """What to fetch for ``[start, end)``: all of it, only the tail, or nothing (start == end)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.start > start or entry.final_until <= start:
                return start, end
            fetch_start = max(start, align_down(entry.final_until, key.period))
            if fetch_start >= end:
                return end, end
            return fetch_start, end

    def store(self, key: SeriesKey, start: int, fetch_start: int, fetch_end: int, data: SeriesData) -> None:
        """Merge freshly fetched ``[fetch_start, fetch_end)`` into the entry for a view starting at ``start``."""
        if data.error is not None:
            return
        now = self._clock()
        final_until = min(fetch_end, int(now) - self.overlap)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and fetch_start > start and entry.start <= start:
                # what was cached before the fetched interval, then what was fetched from its start
                lo, hi = bisect_left(entry.timestamps, start), bisect_left(entry.timestamps, fetch_start)
                fresh = bisect_left(data.timestamps, fetch_start)
                self._entries[key] = _Entry(start, max(fetch_end, entry.end), final_until,
                                            entry.timestamps[lo:hi] + floats(data.timestamps[fresh:]),
                                            entry.values[lo:hi] + floats(data.values[fresh:]))
            else:
                self._entries[key] = _Entry(fetch_start, fetch_end, final_until,
                                            floats(data.timestamps), floats(data.values))
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_series:
                self._entries.popitem(last=False)

    def get(self, key: SeriesKey, start: int, end: int) -> SeriesData | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.start > start:
                return None
            # the points in [start, end) by bisection: a week of minutes is 10,080 points a
            # series, and a (t, v) tuple for each (1.3M for 128 series) was ~10% of a load's CPU
            ts = entry.timestamps
            lo, hi = bisect_left(ts, start), bisect_left(ts, end)
            return SeriesData(key, ts[lo:hi], entry.values[lo:hi])
