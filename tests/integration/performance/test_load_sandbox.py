"""The seeded sandbox shows database load through Performance Insights: the blog's instances (which
reach the sandbox's real PostgreSQL) have it enabled and the endpoint answers for them; the other
clusters' instances (no database behind them) have it off and fall back to sampling, saying so."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3
import psycopg
import pytest

from aurora_console.core.aws.session import AwsTarget
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
from aurora_console.sandbox.postgres_env import find_postgres_bin
from aurora_console.sandbox.runtime import Sandbox
from aurora_console.sandbox.workload import Workload, WorkloadPlan

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


@pytest.mark.integration
def test_a_started_sandbox_answers_pi_from_its_own_postgresql_under_the_workload(tmp_path):
    """The whole path as the console meets it: Sandbox.start_aws + start_database attach the blog
    database to the endpoint's Performance Insights; Tools ▸ Sandbox ▸ Run a workload's lock
    scenario shows up as lock waits in GetResourceMetrics for the blog writer."""
    if find_postgres_bin() is None:
        pytest.skip("no PostgreSQL binaries")
    sandbox = Sandbox(tmp_path / "sbx", live_metrics=False)
    workload = None
    try:
        sandbox.start_aws()
        info = sandbox.start_database()
        assert info.db_port is not None, info.db_error
        assert sandbox._aws.insights.sampling  # the blog database is attached and sampled from the start
        aws = info.aws_factory()
        target = AwsTarget(None, info.regions[0])
        rds, pi = aws.client("rds", target), aws.client("pi", target)
        workload = Workload(sandbox.database_conninfo(), WorkloadPlan(
            duration_s=30, mix_workers=1, waiters=2, slow_every_s=5, slow_size=2000, lock_hold_s=20, lock_pause_s=0.5))
        workload.start()
        started = datetime.now(timezone.utc)
        reader = LoadReader(describe_load_target(rds, info.seed.cluster(info.seed.blog_cluster_id).writer),
                            ActivityHistory(), pi_client=pi)

        def locked():
            got = reader.read(started, datetime.now(timezone.utc) + timedelta(seconds=1), step_s=1)
            return got if any(w.startswith("Lock:") for w, v in load_by_wait(got).items() if v > 0) else None

        series = wait_until(locked, timeout=40, what="the workload's lock waits through the sandbox's pi")
        assert series.source == SOURCE_PI
        assert any(s.statement.startswith("UPDATE") for s in series.by_sql)
    finally:
        if workload is not None:
            workload.stop()
        sandbox.stop()
