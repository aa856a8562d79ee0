"""Database load: vCPUs of instance classes, the series and its averages, and the choice between
Performance Insights and sampling (with the reason said). Stubber stands in for ``pi`` (moto has
none); the end-to-end path is tests/integration/performance/test_load_insights.py."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.stub import ANY, Stubber
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.performance.activity_history import ActiveSession, ActivityHistory, ActivitySample
from aurora_console.core.performance.load import (
    INSIGHTS_REFRESH_S,
    RETRY_INSIGHTS_AFTER_S,
    SOURCE_PI,
    SOURCE_SAMPLED,
    LoadReader,
    LoadSeries,
    LoadTarget,
    load_by_wait,
    vcpus_for_class,
    vcpus_note,
)

T0 = datetime(2026, 12, 7, 5, 0, 0, tzinfo=timezone.utc)
IDENT = "db-ABCDEFGHIJKLMNOPQRSTU1VW2X"
NAN = math.nan


@pytest.mark.parametrize(("cls", "vcpus"), [
    ("db.r5.large", 2), ("db.r5.24xlarge", 96), ("db.r6g.large", 2), ("db.r6g.xlarge", 4), ("db.r6g.16xlarge", 64),
    ("db.r6i.32xlarge", 128), ("db.r7g.2xlarge", 8), ("db.x2g.12xlarge", 48), ("db.t3.medium", 2),
    ("db.t4g.medium", 2), ("db.t4g.large", 2), ("DB.R6G.LARGE", 2),
])
def test_vcpus_of_known_classes(cls, vcpus):
    assert vcpus_for_class(cls) == vcpus
    assert vcpus_note(cls) == ""


@pytest.mark.parametrize("cls", ["db.serverless", "db.r6g.48xlarge", "db.r5.32xlarge", "db.m5.large", "db.r6g",
                                 "r6g.large", "", "db.r6g.large ", "db.r6g.large\n"])
def test_unknown_classes_have_no_vcpu_count_and_say_why(cls):
    if cls.strip() == "db.r6g.large":  # surrounding white space is stripped
        assert vcpus_for_class(cls) == 2
        return
    assert vcpus_for_class(cls) is None
    note = vcpus_note(cls)
    assert "no vCPU line" in note
    if cls == "db.serverless":
        assert "ACU" in note


@given(st.one_of(st.text(max_size=40), st.none(), st.integers(), st.binary(max_size=10)))
def test_vcpus_for_class_never_raises(value):
    got = vcpus_for_class(value)
    assert got is None or got >= 2


def series(by_wait, *, step=60, source=SOURCE_SAMPLED):
    n = len(next(iter(by_wait.values())))
    return LoadSeries(source=source, reason="", times=tuple(T0 + timedelta(seconds=i * step) for i in range(n)),
                      by_wait=by_wait, vcpus=2, step_s=step)


def test_load_by_wait_averages_the_steps_with_data_in_the_window():
    s = series({"CPU": [1.0, NAN, 3.0, 0.0], "Lock:transactionid": [1.0, NAN, 0.0, 2.0]})
    assert load_by_wait(s) == {"CPU": pytest.approx(4 / 3), "Lock:transactionid": pytest.approx(1.0)}
    assert load_by_wait(s, T0 + timedelta(minutes=2), T0 + timedelta(minutes=4)) == {
        "CPU": pytest.approx(1.5), "Lock:transactionid": pytest.approx(1.0)}
    assert load_by_wait(s, T0 + timedelta(minutes=1), T0 + timedelta(minutes=2)) == {}  # only a gap
    assert s.total()[0] == 2.0 and math.isnan(s.total()[1])
    assert s.waits() == ["CPU", "Lock:transactionid"]
    assert s.has_data and not series({"CPU": [NAN]}).has_data


def test_load_target_from_describe_db_instances():
    t = LoadTarget.from_description({
        "DBInstanceIdentifier": "blog-1", "DBInstanceClass": "db.r6g.large", "DbiResourceId": IDENT,
        "PerformanceInsightsEnabled": True, "DBInstanceArn": "arn:aws:rds:eu-west-1:123456789012:db:blog-1"})
    assert t == LoadTarget("blog-1", "db.r6g.large", IDENT, True, "eu-west-1", "123456789012")


def filled_history() -> ActivityHistory:
    history = ActivityHistory()
    for i in range(120):
        waits = ["CPU"] + (["Lock:transactionid"] if i % 2 else [])
        history.add(ActivitySample(T0 + timedelta(seconds=i), tuple(
            ActiveSession(pid=10 + n, wait=w, queryid=5, query="UPDATE items SET n = n + 1") for n, w in enumerate(waits))))
    return history


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def pi():
    client = boto3.client("pi", region_name="us-east-1", aws_access_key_id="AKIATEST", aws_secret_access_key="x")
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


ENABLED = LoadTarget("blog-1", "db.r6g.large", IDENT, True, "us-east-1", "123456789012")


def test_no_performance_insights_on_the_instance_means_sampled_and_says_so():
    target = LoadTarget("blog-2", "db.r6g.large", IDENT, False)
    reader = LoadReader(target, filled_history(), pi_client=object())  # never called
    got = reader.read(T0, T0 + timedelta(minutes=2), step_s=60)
    assert got.source == SOURCE_SAMPLED == reader.source
    assert "not enabled on blog-2" in got.reason and "sampled from pg_stat_activity every second" in got.reason
    assert "since 05:00:00 UTC" in got.reason
    assert got.vcpus == 2
    assert load_by_wait(got) == {"CPU": 1.0, "Lock:transactionid": 0.5}
    assert got.by_sql[0].aas == pytest.approx(1.5)


def test_an_instance_that_could_not_be_described_is_sampled_and_says_why():
    target = LoadTarget("blog-1", problem="DescribeDBInstances: access denied.")
    got = LoadReader(target, filled_history(), pi_client=object()).read(T0, T0 + timedelta(minutes=1))
    assert got.source == SOURCE_SAMPLED
    assert got.reason.startswith("Whether blog-1 has Performance Insights is not known: DescribeDBInstances: access denied.")
    assert "not enabled" not in got.reason


def test_no_aws_side_means_sampled():
    got = LoadReader(ENABLED, ActivityHistory(), pi_client=None).read(T0, T0 + timedelta(minutes=1))
    assert got.source == SOURCE_SAMPLED and "No AWS account" in got.reason and "no sample yet" in got.reason
    assert not got.has_data


def test_access_denied_falls_back_to_sampling_with_the_grant_and_is_remembered(pi):
    client, stub = pi
    stub.add_client_error("get_resource_metrics", service_error_code="AccessDeniedException",
                          service_message="User: arn:aws:iam::123456789012:user/dba is not authorized", http_status_code=400)
    clock = Clock()
    reader = LoadReader(ENABLED, filled_history(), pi_client=client, clock=clock)
    got = reader.read(T0, T0 + timedelta(minutes=2), step_s=60)
    assert got.source == SOURCE_SAMPLED
    assert "refused access for blog-1" in got.reason
    assert reader.unavailable is not None and "pi:GetResourceMetrics" in reader.unavailable.hint
    # the refusal lasts: the next reads do not ask again (the Stubber would fail on a call)...
    clock.now += RETRY_INSIGHTS_AFTER_S - 1
    assert reader.read(T0, T0 + timedelta(minutes=2)).source == SOURCE_SAMPLED
    # ...until the retry time has passed
    clock.now += 2
    stub.add_client_error("get_resource_metrics", service_error_code="AccessDeniedException",
                          service_message="still denied", http_status_code=400)
    assert "still denied" in reader.read(T0, T0 + timedelta(minutes=2)).reason


def test_a_passing_failure_is_not_remembered(pi):
    client, stub = pi
    stub.add_client_error("get_resource_metrics", service_error_code="InternalServiceError",
                          service_message="try again", http_status_code=400)
    reader = LoadReader(ENABLED, filled_history(), pi_client=client)
    assert "did not answer" in reader.read(T0, T0 + timedelta(minutes=2)).reason
    stub.add_response("get_resource_metrics", {"MetricList": []}, None)
    stub.add_response("describe_dimension_keys", {"Keys": []}, None)
    assert reader.read(T0, T0 + timedelta(minutes=2)).source == SOURCE_PI


def test_performance_insights_when_it_answers(pi):
    client, stub = pi
    end = T0 + timedelta(minutes=2)
    stub.add_response("get_resource_metrics", {"MetricList": [
        {"Key": {"Metric": "db.load.avg"}, "DataPoints": [{"Timestamp": T0, "Value": 3.0},
                                                          {"Timestamp": T0 + timedelta(minutes=1), "Value": 1.0}]},
        {"Key": {"Metric": "db.load.avg", "Dimensions": {"db.wait_event.name": "IO:DataFileRead",
                                                         "db.wait_event.type": "IO"}},
         "DataPoints": [{"Timestamp": T0, "Value": 3.0}, {"Timestamp": T0 + timedelta(minutes=1), "Value": 1.0}]},
    ]}, {"ServiceType": "RDS", "Identifier": IDENT, "MetricQueries": ANY, "StartTime": T0, "EndTime": end,
         "PeriodInSeconds": 60, "PeriodAlignment": "START_TIME"})
    stub.add_response("describe_dimension_keys", {"Keys": [
        {"Dimensions": {"db.sql_tokenized.id": "X", "db.sql_tokenized.statement": "SELECT ?"}, "Total": 2.0}]}, None)
    reader = LoadReader(ENABLED, ActivityHistory(), pi_client=client)
    got = reader.read(T0, end, step_s=30)  # rounded up to a valid period
    assert got.source == SOURCE_PI == reader.source and reader.unavailable is None
    assert "Performance Insights for blog-1" in got.reason
    assert got.step_s == 60 and got.vcpus == 2
    assert load_by_wait(got) == {"IO:DataFileRead": 2.0}
    assert [s.statement for s in got.by_sql] == ["SELECT ?"]


def metrics_answer(value):
    return {"MetricList": [{"Key": {"Metric": "db.load.avg", "Dimensions": {"db.wait_event.name": "CPU"}},
                            "DataPoints": [{"Timestamp": T0, "Value": value}]}]}


def test_a_live_view_asks_performance_insights_at_most_every_ten_seconds(pi):
    client, stub = pi
    clock = Clock()
    reader = LoadReader(ENABLED, ActivityHistory(), pi_client=client, clock=clock)
    stub.add_response("get_resource_metrics", metrics_answer(1.0), None)
    stub.add_response("describe_dimension_keys", {"Keys": []}, None)
    first = reader.read(T0, T0 + timedelta(minutes=5))
    clock.now += 1  # the next refresh, a second later, for the window moved on by a second
    again = reader.read(T0 + timedelta(seconds=1), T0 + timedelta(minutes=5, seconds=1))
    assert again is first  # no call (the Stubber would fail on one)
    stub.add_response("get_resource_metrics", metrics_answer(3.0), None)
    stub.add_response("describe_dimension_keys", {"Keys": []}, None)
    assert reader.read(T0, T0 + timedelta(minutes=10)).by_wait["CPU"][0] == 3.0  # another window: asked
    clock.now += INSIGHTS_REFRESH_S
    stub.add_response("get_resource_metrics", metrics_answer(2.0), None)
    stub.add_response("describe_dimension_keys", {"Keys": []}, None)
    assert reader.read(T0, T0 + timedelta(minutes=10)).by_wait["CPU"][0] == 2.0  # ten seconds on: asked


def test_a_window_must_not_be_empty():
    with pytest.raises(ValueError):
        LoadReader(ENABLED, ActivityHistory()).read(T0, T0)
