"""The timeline's entries as markers on the metrics charts (``window.add_chart_marker_source``).

The metrics dashboard asks, on a worker thread, for the markers of a cluster over the range it
shows; the answer comes from the cluster's timeline, read once and kept for :data:`KEEP_S`
seconds per cluster (a dashboard refreshing every 10 s does not call CloudTrail every 10 s).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the timeline's core modules (and datetime) load with the first read, on a worker
    from datetime import datetime

    from aurora_console.core.aws.timeline.entries import ChartMarker
    from aurora_console.core.aws.timeline.gather import Timeline

    ReaderFor = Callable[[Any], Callable[[Any, datetime, datetime], Timeline]]

KEEP_S = 120.0
#: At most about this many lines on a chart (entries closer together share one).
MAX_MARKERS = 150
#: A marker range never reaches back further than this (the dashboard's longest preset is 2 weeks).
LONGEST_DAYS = 15


class TimelineMarkers:
    """``markers(ref, start, end, task)`` -> ``[ChartMarker]``; thread-safe."""

    def __init__(self, reader_for: ReaderFor, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._reader_for = reader_for
        self._clock = clock
        self._lock = threading.Lock()
        self._kept: dict[tuple, tuple[float, Timeline]] = {}

    def forget(self) -> None:
        with self._lock:
            self._kept.clear()

    def timeline(self, ref: Any, start: float, end: float, task: Any = None) -> Timeline:
        from datetime import datetime, timedelta, timezone

        key = (ref.profile, ref.region, ref.cluster_id, ref.endpoint_url)
        wanted_start = datetime.fromtimestamp(start, timezone.utc)
        wanted_end = datetime.fromtimestamp(end, timezone.utc)
        now = self._clock()
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and now - kept[0] < KEEP_S and kept[1].start <= wanted_start:
            return kept[1]  # read at most KEEP_S ago, from far enough back
        until = max(wanted_end, datetime.now(timezone.utc))
        since = max(min(wanted_start, until - timedelta(days=14)), until - timedelta(days=LONGEST_DAYS))
        timeline = self._reader_for(ref)(task, since, until)
        with self._lock:
            self._kept[key] = (now, timeline)
        return timeline

    def __call__(self, ref: Any, start: float, end: float, task: Any = None) -> list[ChartMarker]:
        return self.timeline(ref, start, end, task).markers(start, end, limit=MAX_MARKERS)
