"""The metric cache (core/aws/metrics/cache.py): what a view reads back and how a refresh's tail
merges, checked against their definitions (every point filtered by its time) on random series."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.aws.metrics.cache import MetricCache
from aurora_console.core.aws.metrics.fetch import SeriesData
from aurora_console.core.aws.metrics.query import SeriesKey

KEY = SeriesKey("AWS/RDS", "CPUUtilization", (("DBInstanceIdentifier", "blog-1"),), "Average", 60)

# a series as the fetcher returns it: ascending unique epoch seconds (not always on the grid)
_times = st.lists(st.integers(min_value=0, max_value=4000), max_size=60, unique=True).map(sorted)


def _series(times: list[int], offset: float = 0.0) -> SeriesData:
    return SeriesData(KEY, [float(t) for t in times], [t / 7 + offset for t in times])


def _filtered(data: SeriesData, lo: float, hi: float) -> tuple[list[float], list[float]]:
    pairs = [(t, v) for t, v in zip(data.timestamps, data.values, strict=True) if lo <= t < hi]
    return [t for t, _ in pairs], [v for _, v in pairs]


@settings(max_examples=200, deadline=None)
@given(_times, st.integers(min_value=-10, max_value=4010), st.integers(min_value=0, max_value=4100))
def test_a_view_reads_back_exactly_the_cached_points_in_its_interval(times, start, length):
    cache = MetricCache(clock=lambda: 1e9)
    data = _series(times)
    cache.store(KEY, 0, 0, 5000, data)
    got = cache.get(KEY, max(0, start), max(0, start) + length)
    assert (list(got.timestamps), list(got.values)) == _filtered(data, max(0, start), max(0, start) + length)


@settings(max_examples=200, deadline=None)
@given(_times, _times, st.integers(min_value=1, max_value=3990), st.integers(min_value=0, max_value=200))
def test_a_refreshed_tail_replaces_the_cached_points_from_its_start(first, second, fetch_start, start):
    start = min(start, fetch_start - 1)
    cache = MetricCache(clock=lambda: 1e9)
    # both hold a point exactly at the tail's start, and at the view's (the edges that matter)
    before = _series(sorted({*first, fetch_start, start}))
    tail = _series(sorted({*second, fetch_start}), offset=1000.0)
    cache.store(KEY, 0, 0, 4000, before)
    cache.store(KEY, start, fetch_start, 5000, tail)
    old_t, old_v = _filtered(before, start, fetch_start)
    new_t, new_v = _filtered(tail, fetch_start, float("inf"))
    got = cache.get(KEY, start, 5000)
    assert list(got.timestamps) == old_t + new_t and list(got.values) == old_v + new_v
    assert list(got.timestamps) == sorted(got.timestamps)


def test_a_view_starting_before_what_is_cached_is_a_miss():
    cache = MetricCache(clock=lambda: 1e9)
    cache.store(KEY, 600, 600, 1200, _series([600, 660, 720]))
    assert cache.get(KEY, 0, 1200) is None
    assert list(cache.get(KEY, 600, 700).timestamps) == [600.0, 660.0]
