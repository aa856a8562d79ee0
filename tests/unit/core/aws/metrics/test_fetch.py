"""Paging, throttling and per-result statuses: AWS behaviour moto does not model (botocore Stubber)."""

import math
from datetime import datetime, timezone

import boto3
import pytest
from botocore.stub import ANY, Stubber
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.aws.metrics.catalog import get_metric
from aurora_console.core.aws.metrics.fetch import MetricFetcher, with_gaps
from aurora_console.core.aws.metrics.query import InstanceInfo, expand_series, plan_batches

pytestmark = pytest.mark.unit
T0 = 1_800_000_000


def ts(*minutes):
    return [datetime.fromtimestamp(T0 + 60 * m, timezone.utc) for m in minutes]


@pytest.fixture
def client():
    return boto3.client("cloudwatch", region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing")


def batch_for(*metrics, instances=2, stat="Average"):
    inst = [InstanceInfo(f"i{n}", "READER") for n in range(instances)]
    keys = [s.key for m in metrics for s in expand_series(get_metric(m), "c1", inst, stat, 60)]
    return plan_batches((k, T0, T0 + 3600) for k in keys)


def params(token=None):
    p = {"MetricDataQueries": ANY, "StartTime": ANY, "EndTime": ANY, "ScanBy": "TimestampAscending"}
    if token:
        p["NextToken"] = token
    return p


def test_next_token_pages_are_merged_per_series(client):
    batches = batch_for("CPUUtilization")
    with Stubber(client) as stub:
        stub.add_response("get_metric_data", {
            "MetricDataResults": [
                {"Id": "q0", "Timestamps": ts(0, 1), "Values": [1.0, 2.0], "StatusCode": "PartialData"},
                {"Id": "q1", "Timestamps": ts(0), "Values": [5.0], "StatusCode": "PartialData"},
            ],
            "NextToken": "page-2",
        }, params())
        stub.add_response("get_metric_data", {
            "MetricDataResults": [
                {"Id": "q0", "Timestamps": ts(2, 3), "Values": [3.0, 4.0], "StatusCode": "Complete"},
                {"Id": "q1", "Timestamps": ts(1), "Values": [6.0], "StatusCode": "Complete"},
            ],
        }, params("page-2"))
        result = MetricFetcher(client).fetch(batches)
        stub.assert_no_pending_responses()
    assert result.calls == 2
    by_label = {k.dimensions[0][1]: v for k, v in result.series.items()}
    assert by_label["i0"].points() == [(T0 + 60 * m, float(m + 1)) for m in range(4)]
    assert list(by_label["i1"].values) == [5.0, 6.0] and by_label["i1"].error is None


def test_throttling_is_retried_then_succeeds(client):
    batches = batch_for("CPUUtilization", instances=1)
    sleeps = []
    with Stubber(client) as stub:
        stub.add_client_error("get_metric_data", "Throttling", "Rate exceeded", 400)
        stub.add_client_error("get_metric_data", "Throttling", "Rate exceeded", 400)
        stub.add_response("get_metric_data", {"MetricDataResults": [
            {"Id": "q0", "Timestamps": ts(0), "Values": [9.0], "StatusCode": "Complete"}]}, params())
        result = MetricFetcher(client, sleep=sleeps.append, backoff=0.5).fetch(batches)
    assert sleeps == [0.5, 1.0]
    assert result.calls == 3
    (series,) = result.series.values()
    assert list(series.values) == [9.0] and series.error is None


def test_throttling_exhausted_marks_only_that_call(client):
    batches = batch_for("CPUUtilization", instances=1)
    with Stubber(client) as stub:
        for _ in range(3):
            stub.add_client_error("get_metric_data", "Throttling", "Rate exceeded", 400)
        result = MetricFetcher(client, sleep=lambda s: None, throttle_retries=2).fetch(batches)
    (series,) = result.series.values()
    assert "throttling" in series.error


def test_access_denied_is_not_split_and_names_the_permission(client):
    batches = batch_for("CPUUtilization", "FreeableMemory")
    with Stubber(client) as stub:
        stub.add_client_error("get_metric_data", "AccessDenied", "not authorized", 403)
        result = MetricFetcher(client).fetch(batches)
        stub.assert_no_pending_responses()
    assert result.calls == 1 and len(result.series) == 4
    assert all("cloudwatch:GetMetricData" in s.error for s in result.series.values())


def test_a_failing_statistic_only_fails_its_plot(client):
    """The combined call fails; split per metric+statistic, only the failing part carries the error."""
    cpu = batch_for("CPUUtilization", instances=1, stat="p99")[0].keys
    mem = batch_for("FreeableMemory", instances=1)[0].keys
    batches = plan_batches((k, T0, T0 + 3600) for k in cpu + mem)
    with Stubber(client) as stub:
        stub.add_client_error("get_metric_data", "InvalidParameterValue", "p99 not supported", 400)
        stub.add_client_error("get_metric_data", "InvalidParameterValue", "p99 not supported", 400)
        stub.add_response("get_metric_data", {"MetricDataResults": [
            {"Id": "q0", "Timestamps": ts(0), "Values": [1024.0], "StatusCode": "Complete"}]}, params())
        result = MetricFetcher(client).fetch(batches)
    assert result.series[cpu[0]].error.startswith("CloudWatch could not return CPUUtilization (p99)")
    assert list(result.series[mem[0]].values) == [1024.0] and result.series[mem[0]].error is None


def test_per_result_status_errors(client):
    batches = batch_for("CPUUtilization")
    with Stubber(client) as stub:
        stub.add_response("get_metric_data", {"MetricDataResults": [
            {"Id": "q0", "Timestamps": [], "Values": [], "StatusCode": "Forbidden",
             "Messages": [{"Code": "Forbidden", "Value": "no access to this metric"}]},
            {"Id": "q1", "Timestamps": ts(0), "Values": [3.0], "StatusCode": "Complete"},
        ]}, params())
        result = MetricFetcher(client).fetch(batches)
    errors = sorted(str(s.error) for s in result.series.values())
    assert errors[0].startswith("CloudWatch reported Forbidden") and "no access" in errors[0]
    assert errors[1] == "None"


def test_gaps_become_nan_markers():
    t = [0, 60, 120, 360, 420, 600]
    v = [1.0, 2, 3, 4, 5, 6]
    gt, gv = with_gaps(t, v, 60)
    assert list(gt) == [0, 60, 120, 180, 360, 420, 480, 600]
    assert [math.isnan(x) for x in gv] == [False, False, False, True, False, False, True, False]
    assert [list(part) for part in with_gaps([], [], 60)] == [[], []]


def test_a_statistic_failing_for_two_metrics_is_not_asked_again(client):
    """Each failing call costs botocore's retries: after two metrics fail on p99, the rest are skipped."""
    metrics = ("CPUUtilization", "FreeableMemory", "CommitLatency", "ReadIOPS")
    batches = batch_for(*metrics, instances=1, stat="p99")
    fetcher = MetricFetcher(client)
    with Stubber(client) as stub:
        for _ in range(3):  # the combined call, then CPUUtilization, then FreeableMemory
            stub.add_client_error("get_metric_data", "InternalFailure", "cannot compute p99", 500)
        result = fetcher.fetch(batches)
        stub.assert_no_pending_responses()
    assert result.calls == 3
    errors = {k.metric: s.error for k, s in result.series.items()}
    assert set(errors) == set(metrics) and all("p99" in e for e in errors.values())
    assert "not asked again" in errors["ReadIOPS"] and "not asked again" not in errors["CPUUtilization"]
    with Stubber(client) as stub:  # a refresh: no call at all for p99
        again = MetricFetcher(client, stat_failures=fetcher.stat_failures).fetch(batches)
    assert again.calls == 0 and all(s.error for s in again.series.values())


def test_partial_data_messages_reach_the_plot(client):
    from aurora_console.core.aws.metrics.dashboard import DashboardRequest, DashboardScope, MetricsService
    from aurora_console.core.aws.metrics.range import TimeRange

    scope = DashboardScope("c1", "aurora-postgresql", (InstanceInfo("i0", "WRITER"),))
    with Stubber(client) as stub:
        stub.add_response("get_metric_data", {"MetricDataResults": [
            {"Id": "q0", "Timestamps": ts(0), "Values": [1.0], "StatusCode": "PartialData",
             "Messages": [{"Code": "MaxQueryTimeRangeExceed", "Value": "Maximum query time range exceeded"}]}]},
            params())
        data = MetricsService(lambda: client, clock=lambda: T0 + 3600).load(
            DashboardRequest(scope, ("CPUUtilization",), TimeRange.last("1h"), alarms=False))
    (plot,) = data.plots
    assert plot.series[0].points() == [(T0, 1.0)]
    assert plot.message == "CloudWatch returned partial data: Maximum query time range exceeded"


def test_expired_credentials_say_what_to_run(client):
    batches = batch_for("CPUUtilization", "FreeableMemory")
    with Stubber(client) as stub:
        stub.add_client_error("get_metric_data", "ExpiredTokenException", "The security token has expired", 400)
        result = MetricFetcher(client, profile="prod-sso").fetch(batches)
        stub.assert_no_pending_responses()  # one call: not split per metric
    assert result.calls == 1
    assert all("aws sso login --profile prod-sso" in s.error for s in result.series.values())


def test_an_unreachable_endpoint_is_one_failure_not_one_per_metric():
    from botocore.config import Config

    dead = boto3.client("cloudwatch", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
                        aws_access_key_id="t", aws_secret_access_key="t",
                        config=Config(retries={"max_attempts": 1}, connect_timeout=1))
    result = MetricFetcher(dead).fetch(batch_for("CPUUtilization", "FreeableMemory"))
    assert result.calls == 1
    assert all("cannot reach the AWS endpoint" in s.error for s in result.series.values())


def test_cancelling_during_a_throttle_back_off_is_not_swallowed(client):
    from aurora_console.core.tasks import Cancelled, TaskContext

    task = TaskContext("metrics")

    def user_cancels_while_waiting(seconds):
        task.token.cancel()
        task.sleep(seconds)

    with Stubber(client) as stub:
        stub.add_client_error("get_metric_data", "Throttling", "Rate exceeded", 400)
        fetcher = MetricFetcher(client, task=task, sleep=user_cancels_while_waiting)
        with pytest.raises(Cancelled):
            fetcher.fetch(batch_for("CPUUtilization", "FreeableMemory"))
    assert fetcher.calls == 1


def test_each_series_read_pauses_for_the_ui_and_a_cancel_there_stops_the_read(client):
    """Reading a page's series is Python work (a week of minutes is ~10,000 points a series):
    the task's pause comes between series (the worker steps aside while the UI paints, and a
    cancel is honoured there), and the result is what it is without pauses."""
    from aurora_console.core.tasks import Cancelled, CancelToken, TaskContext

    page = {"MetricDataResults": [
        {"Id": "q0", "Timestamps": ts(0, 1), "Values": [1.0, 2.0], "StatusCode": "Complete"},
        {"Id": "q1", "Timestamps": ts(0), "Values": [5.0], "StatusCode": "Complete"},
    ]}
    paused = []
    with Stubber(client) as stub:
        stub.add_response("get_metric_data", page, params())
        stub.add_response("get_metric_data", page, params())
        plain = MetricFetcher(client).fetch(batch_for("CPUUtilization"))
        task = TaskContext("metrics", pause=lambda: paused.append(1))
        ours = MetricFetcher(client, task=task).fetch(batch_for("CPUUtilization"))
    assert len(paused) == 2  # one per series read
    assert {k: v.points() for k, v in ours.series.items()} == {k: v.points() for k, v in plain.series.items()}

    token = CancelToken()
    cancelling = TaskContext("metrics", token=token, pause=token.cancel)  # cancelled while a series is read
    with Stubber(client) as stub:
        stub.add_response("get_metric_data", page, params())
        with pytest.raises(Cancelled):
            MetricFetcher(client, task=cancelling).fetch(batch_for("CPUUtilization"))


def _gaps_point_by_point(timestamps, values, period):
    """with_gaps by its definition, one point at a time."""
    ts, vals, prev = [], [], None
    for t, v in zip(timestamps, values, strict=False):
        if prev is not None and t - prev > period:
            ts.append(prev + period)
            vals.append(math.nan)
        ts.append(t)
        vals.append(v)
        prev = t
    return ts, vals


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=50), max_size=40).map(lambda d: [sum(d[:i]) for i in range(len(d))]),
       st.lists(st.floats(allow_nan=True, allow_infinity=False), max_size=45), st.sampled_from([1, 5, 60]))
def test_gap_markers_are_the_same_as_inserting_them_point_by_point(timestamps, values, period):
    got, want = with_gaps(timestamps, values, period), _gaps_point_by_point(timestamps, values, period)
    assert list(got[0]) == want[0]
    assert [repr(v) for v in got[1]] == [repr(v) for v in want[1]]  # NaN markers compare by repr


class _OnePage:
    """A CloudWatch client answering one page (the timestamps as given: datetimes, numbers or both)."""

    def __init__(self, stamps, values) -> None:
        self.page = {"MetricDataResults": [{"Id": "q0", "Timestamps": stamps, "Values": values,
                                            "StatusCode": "Complete"}]}

    def get_metric_data(self, **_request):
        return self.page


@pytest.mark.parametrize("stamps", [
    ts(0, 1, 2),  # datetimes, as botocore parses them
    [T0, T0 + 60, T0 + 120],  # epoch seconds
    [ts(0)[0], T0 + 60.0, ts(2)[0]],  # a mix
])
def test_timestamps_are_read_as_epoch_seconds_whatever_their_type(stamps):
    batches = batch_for("CPUUtilization", instances=1)
    result = MetricFetcher(_OnePage(stamps, [1, 2.5, "3"])).fetch(batches)
    (series,) = result.series.values()
    assert list(series.timestamps) == [float(T0), T0 + 60.0, T0 + 120.0]
    assert list(series.values) == [1.0, 2.5, 3.0] and all(type(v) is float for v in series.values)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.integers(min_value=0, max_value=30), st.floats(min_value=0, max_value=30)), max_size=30))
def test_points_are_sorted_and_unique_as_by_their_definition(times):
    from aurora_console.core.aws.metrics.fetch import _sorted_unique

    values = [float(n) for n in range(len(times))]
    ascending = all(a < b for a, b in zip(times, times[1:], strict=False))
    merged = dict(zip(times, values, strict=True))  # a repeated time keeps its last value
    want = (times, values) if ascending else (sorted(merged), [merged[k] for k in sorted(merged)])
    got = _sorted_unique(times, values)
    assert (list(got[0]), list(got[1])) == want
    if ascending:
        assert got[0] is times  # already in order: not copied


class _Page(dict):
    """An answer page the test can hold a weak reference to."""


class _PagingClient:
    """Answers ``pages`` pages of two series each; remembers, at each call, whether every page it
    answered before is gone (read and let go by the fetcher)."""

    def __init__(self, pages: int) -> None:
        self.pages = pages
        self.answered: list = []
        self.earlier_pages_alive: list[int] = []

    def get_metric_data(self, NextToken=None, **_request):  # noqa: N803 - AWS's name
        import gc
        import weakref

        n = int(NextToken or 0)
        gc.collect()  # only references count, not cycles waiting for a pass
        self.earlier_pages_alive.append(sum(ref() is not None for ref in self.answered))
        page = _Page(MetricDataResults=[
            {"Id": q, "Timestamps": ts(*range(10 * n, 10 * n + 10)), "Values": [float(m) for m in range(10 * n, 10 * n + 10)],
             "StatusCode": "PartialData"} for q in ("q0", "q1")])
        if n + 1 < self.pages:
            page["NextToken"] = str(n + 1)
        self.answered.append(weakref.ref(page))
        return page


def test_pages_are_read_as_they_arrive_and_series_are_untracked_arrays():
    """A week of minutes in lists of floats made every young garbage collection walk each point
    (tens of ms holding the GIL); so each page is read and let go before the next is asked for,
    and the series are kept in arrays whose points the collector does not walk. Same points as before."""
    import gc

    client = _PagingClient(pages=4)
    result = MetricFetcher(client).fetch(batch_for("CPUUtilization"))
    assert client.earlier_pages_alive == [0, 0, 0, 0]
    assert len(result.series) == 2
    for series in result.series.values():
        assert series.error is None
        assert series.points() == [(T0 + 60.0 * m, float(m)) for m in range(40)]
        # a collection walks no point of a series: at most its type (arrays are heap types now)
        assert len(gc.get_referents(series.timestamps)) <= 1 and len(gc.get_referents(series.values)) <= 1
