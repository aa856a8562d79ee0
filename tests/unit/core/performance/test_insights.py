"""Performance Insights client: the request shapes (checked by botocore's Stubber against the
``pi`` service model), parsing of the answers, and why Performance Insights is unavailable.

Stubber only: moto has no ``pi``. The sandbox's ``pi`` endpoint and a real boto3 client run in
tests/integration/performance/test_load_insights.py."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.stub import Stubber

from aurora_console.core.performance.insights import (
    ACCESS_DENIED,
    FAILED,
    NOT_ENABLED,
    NOT_OFFERED,
    InsightsClient,
    InsightsUnavailable,
    classify_insights_error,
    pick_period,
)

IDENT = "db-ABCDEFGHIJKLMNOPQRSTU1VW2X"
T0 = datetime(2026, 12, 7, 5, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def pi():
    client = boto3.client("pi", region_name="us-east-1", aws_access_key_id="AKIATEST", aws_secret_access_key="x")
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


def metrics_request(start, end, period, wait_limit=25, sql_limit=10):
    return {"ServiceType": "RDS", "Identifier": IDENT, "StartTime": start, "EndTime": end,
            "PeriodInSeconds": period, "PeriodAlignment": "START_TIME",
            "MetricQueries": [{"Metric": "db.load.avg", "GroupBy": {"Group": "db.wait_event", "Limit": wait_limit}},
                              {"Metric": "db.load.avg", "GroupBy": {"Group": "db.sql_tokenized", "Limit": sql_limit}}]}


def points(*values, period=60, start=T0):
    return [{"Timestamp": start + timedelta(seconds=i * period), "Value": v} for i, v in enumerate(values) if v is not None]


def test_load_series_asks_for_load_by_wait_and_by_sql_and_reads_the_answer_onto_a_grid(pi):
    client, stub = pi
    end = T0 + timedelta(minutes=4)
    stub.add_response("get_resource_metrics", {
        "AlignedStartTime": T0, "AlignedEndTime": end, "Identifier": IDENT,
        "MetricList": [
            {"Key": {"Metric": "db.load.avg"}, "DataPoints": points(2.0, 1.0, None, 3.0)},
            {"Key": {"Metric": "db.load.avg", "Dimensions": {"db.wait_event.name": "CPU", "db.wait_event.type": "CPU"}},
             "DataPoints": points(1.5, 1.0, None, 1.0)},
            {"Key": {"Metric": "db.load.avg", "Dimensions": {"db.wait_event.name": "Lock:transactionid",
                                                             "db.wait_event.type": "Lock"}},
             "DataPoints": points(0.5, None, None, 2.0)},
            {"Key": {"Metric": "db.load.avg"}, "DataPoints": points(2.0, 1.0, None, 3.0)},
            {"Key": {"Metric": "db.load.avg", "Dimensions": {
                "db.sql_tokenized.id": "SQL1", "db.sql_tokenized.db_id": "42",
                "db.sql_tokenized.statement": "UPDATE items SET n = n + ? WHERE id = ?"}},
             "DataPoints": points(1.0, 0.0, None, 2.0)},
        ]}, metrics_request(T0, end, 60))
    got = InsightsClient(client, IDENT, instance_id="blog-1").load_series(T0 + timedelta(seconds=20), end, period_s=60)
    assert got.times == tuple(T0 + timedelta(minutes=i) for i in range(4))
    assert got.total[:2] == (2.0, 1.0) and math.isnan(got.total[2]) and got.total[3] == 3.0
    cpu, lock = got.by_wait["CPU"], got.by_wait["Lock:transactionid"]
    assert cpu[:2] == [1.5, 1.0] and math.isnan(cpu[2]) and cpu[3] == 1.0
    assert lock[1] == 0.0  # the total has a point there, this wait none: no load
    assert math.isnan(lock[2])  # nothing known at all
    assert got.by_sql["SQL1"][3] == 2.0
    assert got.sql["SQL1"].statement.startswith("UPDATE items") and got.sql["SQL1"].db_id == "42"
    assert got.sql["SQL1"].aas == pytest.approx(1.0)  # (1 + 0 + 2) / 3 known periods


def test_pages_of_an_answer_are_merged(pi):
    client, stub = pi
    end = T0 + timedelta(seconds=3)
    first = {"MetricList": [{"Key": {"Metric": "db.load.avg"}, "DataPoints": points(1.0, 1.0, 1.0, period=1)}],
             "NextToken": "page2"}
    second = {"MetricList": [{"Key": {"Metric": "db.load.avg", "Dimensions": {"db.wait_event.name": "CPU"}},
                              "DataPoints": points(1.0, 1.0, 1.0, period=1)}]}
    stub.add_response("get_resource_metrics", first, metrics_request(T0, end, 1))
    stub.add_response("get_resource_metrics", second, dict(metrics_request(T0, end, 1), NextToken="page2"))
    got = InsightsClient(client, IDENT).load_series(T0, end)
    assert got.period_s == 1 and got.by_wait == {"CPU": [1.0, 1.0, 1.0]}


def test_top_sql_uses_describe_dimension_keys_and_sorts_by_total(pi):
    client, stub = pi
    end = T0 + timedelta(hours=1)
    stub.add_response("describe_dimension_keys", {"Keys": [
        {"Dimensions": {"db.sql_tokenized.id": "A", "db.sql_tokenized.statement": "SELECT pg_sleep(?)"}, "Total": 0.5},
        {"Dimensions": {"db.sql_tokenized.id": "B", "db.sql_tokenized.db_id": "7",
                        "db.sql_tokenized.statement": "UPDATE items SET n = n + ?"}, "Total": 2.25},
    ]}, {"ServiceType": "RDS", "Identifier": IDENT, "StartTime": T0, "EndTime": end, "Metric": "db.load.avg",
         "GroupBy": {"Group": "db.sql_tokenized", "Limit": 5}})
    top = InsightsClient(client, IDENT).top_sql(T0, end, limit=5)
    assert [(s.sql_id, s.aas, s.db_id) for s in top] == [("B", 2.25, "7"), ("A", 0.5, None)]


def test_pick_period_takes_the_finest_valid_period_within_the_point_budget():
    assert pick_period(T0, T0 + timedelta(minutes=5)) == 1
    assert pick_period(T0, T0 + timedelta(minutes=15)) == 1
    assert pick_period(T0, T0 + timedelta(hours=1)) == 60
    assert pick_period(T0, T0 + timedelta(days=1)) == 300
    assert pick_period(T0, T0 + timedelta(days=7)) == 3600
    assert pick_period(T0, T0 + timedelta(days=3000)) == 86400


def client_error(code, message, status=400):
    return ClientError({"Error": {"Code": code, "Message": message},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "GetResourceMetrics")


@pytest.mark.parametrize(("code", "message", "status", "kind", "words"), [
    ("NotAuthorizedException", f"The resource {IDENT} for service type RDS is not authorized for this account",
     400, NOT_ENABLED, "not enabled on blog-1"),
    ("NotAuthorizedException", "User: arn:aws:iam::1:user/dba is not authorized to perform: pi:GetResourceMetrics",
     400, ACCESS_DENIED, "refused access"),
    ("AccessDeniedException", "User is not allowed", 400, ACCESS_DENIED, "refused access"),
    ("500", "<!doctype html><title>500 Internal Server Error</title>", 500, NOT_OFFERED, "does not offer"),
    ("404", "Not Found", 404, NOT_OFFERED, "does not offer"),
    ("InvalidArgumentException", "StartTime is older than the retention period", 400, FAILED, "did not answer"),
])
def test_failures_become_a_reason_a_dba_can_act_on(code, message, status, kind, words):
    err = classify_insights_error(client_error(code, message, status), instance_id="blog-1", identifier=IDENT,
                                  region="us-east-1", account="123456789012")
    assert isinstance(err, InsightsUnavailable)
    assert err.kind == kind
    assert words in err.reason
    assert err.lasting == (kind != FAILED)
    if kind == ACCESS_DENIED:
        assert f"arn:aws:pi:us-east-1:123456789012:metrics/rds/{IDENT}" in err.hint
        assert "pi:GetResourceMetrics" in err.hint and "pi:DescribeDimensionKeys" in err.hint
    if kind == NOT_ENABLED:
        assert "Performance Insights" in err.hint


def test_an_unreachable_endpoint_is_not_offered():
    err = classify_insights_error(EndpointConnectionError(endpoint_url="https://pi.example"), instance_id="i",
                                  identifier=IDENT)
    assert err.kind == NOT_OFFERED


def test_a_call_that_fails_raises_insights_unavailable(pi):
    client, stub = pi
    stub.add_client_error("describe_dimension_keys", service_error_code="NotAuthorizedException",
                          service_message=f"The resource {IDENT} for service type RDS is not authorized for this account",
                          http_status_code=400)
    with pytest.raises(InsightsUnavailable) as caught:
        InsightsClient(client, IDENT, instance_id="blog-2").top_sql(T0, T0 + timedelta(minutes=5))
    assert caught.value.kind == NOT_ENABLED and "blog-2" in caught.value.reason


def test_an_invalid_period_is_refused_before_any_call(pi):
    client, _stub = pi
    with pytest.raises(ValueError):
        InsightsClient(client, IDENT).load_series(T0, T0 + timedelta(minutes=1), period_s=30)
