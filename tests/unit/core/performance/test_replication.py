"""CloudWatch AuroraReplicaLag: one GetMetricData call per 500 instances, pages followed, the latest
datapoint kept (botocore's Stubber: moto does not page GetMetricData)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.stub import ANY, Stubber

from aurora_console.core.performance.replication import ReplicaLag, cloudwatch_replica_lag, lag_by_instance

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def client():
    return boto3.client("cloudwatch", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")


def result(qid, points):
    return {"Id": qid, "Label": "AuroraReplicaLag", "StatusCode": "Complete",
            "Timestamps": [NOW - timedelta(minutes=m) for m, _v in points], "Values": [v for _m, v in points]}


def test_pages_are_followed_and_the_latest_point_wins():
    cw = client()
    with Stubber(cw) as stub:
        stub.add_response("get_metric_data", {"MetricDataResults": [result("lag0", [(1, 30.0)]),
                                                                     result("lag1", [])],
                                              "NextToken": "page-2"},
                          {"MetricDataQueries": ANY, "StartTime": NOW - timedelta(minutes=10), "EndTime": NOW,
                           "ScanBy": "TimestampDescending"})
        stub.add_response("get_metric_data", {"MetricDataResults": [result("lag0", [(5, 99.0)]),
                                                                     result("lag1", [(3, 4.0), (2, 6.0)])]},
                          {"MetricDataQueries": ANY, "StartTime": ANY, "EndTime": ANY,
                           "ScanBy": "TimestampDescending", "NextToken": "page-2"})
        got = cloudwatch_replica_lag(cw, ["reader-1", "reader-2", "reader-1"], now=NOW)
        stub.assert_no_pending_responses()
    assert got == {"reader-1": 30.0, "reader-2": 6.0}


def test_more_than_500_instances_take_two_calls():
    cw = client()
    ids = [f"r{n}" for n in range(501)]
    calls = []
    cw.meta.events.register("provide-client-params.cloudwatch.GetMetricData",
                            lambda params, **kw: calls.append(params["MetricDataQueries"]))
    with Stubber(cw) as stub:
        stub.add_response("get_metric_data", {"MetricDataResults": [result("lag499", [(1, 1.5)])]})
        stub.add_response("get_metric_data", {"MetricDataResults": [result("lag0", [(1, 2.5)])]})
        got = cloudwatch_replica_lag(cw, ids, now=NOW)
    assert [len(q) for q in calls] == [500, 1]
    dims = calls[1][0]["MetricStat"]["Metric"]
    assert dims == {"Namespace": "AWS/RDS", "MetricName": "AuroraReplicaLag",
                    "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": "r500"}]}
    assert got["r499"] == 1.5 and got["r500"] == 2.5 and got["r0"] is None


def test_lag_by_instance():
    assert lag_by_instance([ReplicaLag("a", 1.0, "x"), ReplicaLag("b", None, "x")]) == {"a": 1.0, "b": None}
