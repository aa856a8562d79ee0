"""Helpers that seed the shared moto server (``moto_endpoint`` from tests/rig) with datapoints."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone

import boto3
import pytest
from botocore.config import Config


@pytest.fixture
def metrics_endpoint(moto_endpoint):
    return moto_endpoint


def make_client(endpoint, service="cloudwatch"):
    # one attempt: moto's HTTP 500 for p99 must not cost botocore's retry back-off in tests
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


@pytest.fixture
def cw(metrics_endpoint):
    return make_client(metrics_endpoint)


@pytest.fixture
def uid():
    return uuid.uuid4().hex[:8]


@pytest.fixture
def now():
    """A minute-aligned 'now' a little in the past, so the seeded data is complete."""
    return (int(time.time()) // 60) * 60


class CallLog:
    """Records the parameters of every GetMetricData call a client makes."""

    def __init__(self, client):
        self.requests = []
        client.meta.events.register("provide-client-params.cloudwatch.GetMetricData", self._record)

    def _record(self, params, **_kwargs):
        self.requests.append(dict(params))


def put_points(client, metric, dims, points, unit="None"):
    """put_metric_data for ``[(epoch, value), ...]``, at most 1,000 datapoints a call."""
    data = [{"MetricName": metric, "Dimensions": [{"Name": n, "Value": v} for n, v in dims],
             "Timestamp": datetime.fromtimestamp(t, timezone.utc), "Value": float(v), "Unit": unit}
            for t, v in points]
    for i in range(0, len(data), 1000):
        client.put_metric_data(Namespace="AWS/RDS", MetricData=data[i:i + 1000])
