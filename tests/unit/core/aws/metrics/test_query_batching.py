import pytest

from aurora_console.core.aws.metrics.catalog import get_metric
from aurora_console.core.aws.metrics.query import (
    InstanceInfo,
    expand_series,
    plan_batches,
    validate_stat,
)
from aurora_console.core.errors import ValidationError

pytestmark = pytest.mark.unit

METRICS = ["CPUUtilization", "DatabaseConnections", "FreeableMemory", "CommitLatency", "CommitThroughput",
           "BufferCacheHitRatio", "ReadIOPS", "WriteIOPS"]


def keys_for(n_instances, period=60):
    instances = [InstanceInfo(f"i{n}", "WRITER" if n == 0 else "READER") for n in range(n_instances)]
    return [s.key for m in METRICS for s in expand_series(get_metric(m), "c1", instances, "Average", period)]


def test_8_metrics_x_70_instances_is_two_calls():
    keys = keys_for(70)
    assert len(keys) == 560
    batches = plan_batches((k, 0, 3600) for k in keys)
    assert [len(b.keys) for b in batches] == [500, 60]
    request = batches[0].request()
    ids = [q["Id"] for q in request["MetricDataQueries"]]
    assert len(set(ids)) == 500 and all(i[0].islower() for i in ids)
    assert request["ScanBy"] == "TimestampAscending"
    assert request["StartTime"].timestamp() == 0 and request["EndTime"].timestamp() == 3600
    assert batches[1].key_for_id("q59") == keys[-1]


def test_different_intervals_go_to_different_calls_and_duplicates_once():
    keys = keys_for(2)
    intervals = [(k, 0, 3600) for k in keys[:8]] + [(k, 3000, 3600) for k in keys[8:]] + [(keys[0], 0, 3600)]
    intervals.append((keys[1], 3600, 3600))  # nothing to fetch
    batches = plan_batches(intervals)
    assert [(b.start, len(b.keys)) for b in batches] == [(0, 8), (3000, 8)]


def test_stats_validated_before_any_call():
    for ok in ("Average", "Sum", "p99", "p99.9", "tm90", "p100"):
        assert validate_stat(ok) == ok
    for bad in ("average", "p", "p999", "Median", ""):
        with pytest.raises(ValidationError):
            validate_stat(bad)
    with pytest.raises(ValidationError):
        plan_batches([], max_queries=501)
