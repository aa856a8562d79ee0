"""The seeded sandbox shows database load through Performance Insights: the blog's instances (which
reach the sandbox's real PostgreSQL) have it enabled and the endpoint answers for them; the other
clusters' instances (no database behind them) have it off and fall back to sampling, saying so."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3
import psycopg
import pytest

from aurora_console.core.performance.activity_history import ActivityHistory
from aurora_console.core.performance.load import (
    SOURCE_PI,
    SOURCE_SAMPLED,
    LoadReader,
    describe_load_target,
    load_by_wait,
)
from aurora_console.sandbox import seed_catalog as cat
from aurora_console.sandbox.aws_seed import seed_aws
from aurora_console.sandbox.aws_server import sandbox_credentials
from aurora_console.sandbox.performance_insights import APPLICATION_NAME

from .conftest import wait_until


@pytest.fixture
def seeded(moto_endpoint):
    seed_aws(moto_endpoint, db_password="Blog-test-pw-4711")
    session = boto3.Session(**sandbox_credentials().client_kwargs())
    return session.client("rds", endpoint_url=moto_endpoint), session.client("pi", endpoint_url=moto_endpoint)


def test_the_blog_instances_have_performance_insights_and_the_others_not(seeded):
    rds, _pi = seeded
    enabled = {i["DBInstanceIdentifier"]: i.get("PerformanceInsightsEnabled", False)
               for i in rds.describe_db_instances()["DBInstances"]}
    blog = {i.instance_id for spec in cat.CLUSTERS if spec.cluster_id == cat.BLOG_CLUSTER for i in spec.instances}
    assert blog and {k for k, v in enabled.items() if v} == blog


def test_the_sandbox_shows_the_blog_writer_load_from_performance_insights(seeded, moto_server, perf_db,
                                                                          lock_contention):
    rds, pi = seeded
    moto_server.insights.attach_database(
        lambda: psycopg.connect(**perf_db.conninfo, autocommit=True, application_name=APPLICATION_NAME))
    try:
        started = datetime.now(timezone.utc)
        writer = LoadReader(describe_load_target(rds, "blog-1"), ActivityHistory(), pi_client=pi)

        def loaded():
            got = writer.read(started, datetime.now(timezone.utc) + timedelta(seconds=1), step_s=1)
            return got if load_by_wait(got).get("Lock:transactionid") else None

        series = wait_until(loaded, timeout=30, what="the lock wait through the pi API")
        assert series.source == SOURCE_PI and series.vcpus == 2  # db.r6g.large
        assert load_by_wait(series)["Lock:transactionid"] == pytest.approx(1.0)
    finally:
        moto_server.insights.detach_database()
    other = LoadReader(describe_load_target(rds, "shop-1"), ActivityHistory(), pi_client=pi)
    series = other.read(started, datetime.now(timezone.utc))
    assert series.source == SOURCE_SAMPLED
    assert series.reason.startswith("Performance Insights is not enabled on shop-1.")
    assert series.vcpus == 4  # db.r6g.xlarge
