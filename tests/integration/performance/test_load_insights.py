"""The Performance Insights path end to end: a real boto3 ``pi`` client against the test rig's
local AWS endpoint (moto plus the sandbox's ``pi`` layer), whose answers are computed from real
samples of the rig's PostgreSQL while sessions sleep and wait on row locks. Also: an instance
without Performance Insights, an identifier the endpoint does not know, and an endpoint without
the ``pi`` layer, each falling back to the sampled load with its reason."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3
import psycopg
import pytest

from aurora_console.core.performance.activity_history import ActivityHistory
from aurora_console.core.performance.insights import (
    NOT_ENABLED,
    NOT_OFFERED,
    InsightsClient,
    InsightsUnavailable,
)
from aurora_console.core.performance.load import (
    SOURCE_PI,
    SOURCE_SAMPLED,
    LoadReader,
    describe_load_target,
    load_by_wait,
)
from aurora_console.sandbox.aws_server import sandbox_credentials
from aurora_console.sandbox.performance_insights import APPLICATION_NAME

from .conftest import UPDATE_ROW_1, wait_until

SLEEP = "SELECT pg_sleep(30)"


@pytest.fixture
def aws(moto_endpoint):
    session = boto3.Session(**sandbox_credentials().client_kwargs())
    rds = session.client("rds", endpoint_url=moto_endpoint)
    rds.create_db_cluster(DBClusterIdentifier="blog", Engine="aurora-postgresql", MasterUsername="blog",
                          MasterUserPassword="sandbox-password-1")
    rds.create_db_instance(DBInstanceIdentifier="blog-1", DBClusterIdentifier="blog", Engine="aurora-postgresql",
                           DBInstanceClass="db.r6g.large", EnablePerformanceInsights=True)
    rds.create_db_instance(DBInstanceIdentifier="blog-2", DBClusterIdentifier="blog", Engine="aurora-postgresql",
                           DBInstanceClass="db.serverless")
    return rds, session.client("pi", endpoint_url=moto_endpoint)


@pytest.fixture
def sampled_database(moto_server, perf_db):
    """The endpoint's Performance Insights samples ``perf_db`` (pg_stat_statements in it, as in the
    sandbox's blog database)."""
    with perf_db.connect(autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    moto_server.insights.attach_database(
        lambda: psycopg.connect(**perf_db.conninfo, autocommit=True, application_name=APPLICATION_NAME))
    try:
        yield moto_server.insights
    finally:
        moto_server.insights.detach_database()


def test_load_by_wait_and_by_sql_from_the_pi_api_computed_from_real_samples(aws, sampled_database, lock_contention,
                                                                           run_in_background):
    rds, pi = aws
    sleeper = run_in_background(SLEEP, "blog-report")
    # from the next whole second: the endpoint has sampled since the database was attached, before
    # the sessions below were busy
    started = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=1)
    target = describe_load_target(rds, "blog-1")
    assert target.performance_insights_enabled and target.dbi_resource_id.startswith("db-")
    reader = LoadReader(target, ActivityHistory(), pi_client=pi)  # the console's own history stays empty

    def loaded():
        got = reader.read(started, datetime.now(timezone.utc) + timedelta(seconds=1), step_s=1)
        return got if load_by_wait(got).get("Lock:transactionid", 0) > 0 and len(
            [v for v in got.by_wait["Lock:transactionid"] if v == v]) >= 3 else None

    series = wait_until(loaded, timeout=30, what="three seconds of samples through the pi API")
    assert sampled_database.sampling  # attached: the endpoint samples the database
    assert series.source == SOURCE_PI == reader.source
    assert series.reason.startswith("Performance Insights for blog-1")
    assert series.step_s == 1 and series.vcpus == 2
    load = load_by_wait(series)
    # one session under each wait for the whole window: 1 average active session each
    assert load["Lock:transactionid"] == pytest.approx(1.0)
    assert load["Lock:tuple"] == pytest.approx(1.0)
    assert load["Timeout:PgSleep"] == pytest.approx(1.0)
    # top SQL (DescribeDimensionKeys): the UPDATE both waiters run, as pg_stat_statements normalizes it
    statements = {s.statement: s for s in series.by_sql}
    update = statements["UPDATE items SET n = n + $1 WHERE id = $2"]
    assert update.aas == pytest.approx(2.0, rel=0.25) and update.db_id and update.db_id.lstrip("-").isdigit()
    # a statement that has not finished once is not in the pg_stat_statements view yet (it hides
    # entries with no calls): the endpoint's own digest stands in
    assert statements["SELECT pg_sleep(?)"].aas == pytest.approx(1.0, rel=0.25)
    # GetResourceMetrics by tokenized SQL over the same window, straight from the client
    data = InsightsClient(pi, target.dbi_resource_id).load_series(started, datetime.now(timezone.utc), period_s=1)
    by_statement = {data.sql[k].statement: v for k, v in data.by_sql.items()}
    known = [v for v in by_statement["UPDATE items SET n = n + $1 WHERE id = $2"] if v == v]
    assert known and max(known) == pytest.approx(2.0)
    assert not sleeper.done.is_set() and UPDATE_ROW_1.startswith("UPDATE items")


def test_an_instance_without_performance_insights_shows_the_sampled_load(aws, sampled_database, observer,
                                                                         lock_contention):
    rds, pi = aws
    target = describe_load_target(rds, "blog-2")
    history = ActivityHistory()
    for _ in range(3):
        history.sample(observer)
    series = LoadReader(target, history, pi_client=pi).read(history.first_time, history.last_time + timedelta(seconds=1))
    assert series.source == SOURCE_SAMPLED
    assert series.reason.startswith("Performance Insights is not enabled on blog-2.")
    assert series.vcpus is None and "ACU" in series.vcpus_note
    assert load_by_wait(series)["Lock:transactionid"] == pytest.approx(1.0)


def test_an_identifier_the_endpoint_does_not_know_is_not_authorized(aws):
    _rds, pi = aws
    with pytest.raises(InsightsUnavailable) as caught:
        InsightsClient(pi, "db-NOSUCHINSTANCE", instance_id="ghost-1").top_sql(
            datetime.now(timezone.utc) - timedelta(minutes=5), datetime.now(timezone.utc))
    assert caught.value.kind == NOT_ENABLED
    assert "The resource db-NOSUCHINSTANCE for service type RDS is not authorized for this account" in caught.value.reason


@pytest.mark.expected_errors  # moto's server logs the request it cannot route as an ERROR
def test_an_endpoint_without_the_pi_service_falls_back_with_its_reason(aws):
    """moto's own server (without the sandbox's layer) has no pi: HTTP 500, an HTML page."""
    from moto.server import ThreadedMotoServer

    rds, _pi = aws
    plain = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    plain.start()
    try:
        host, port = plain.get_host_and_port()
        from botocore.config import Config

        pi = boto3.Session(**sandbox_credentials().client_kwargs()).client(
            "pi", endpoint_url=f"http://{host}:{port}", config=Config(retries={"max_attempts": 1}))
        reader = LoadReader(describe_load_target(rds, "blog-1"), ActivityHistory(), pi_client=pi)
        series = reader.read(datetime.now(timezone.utc) - timedelta(minutes=5), datetime.now(timezone.utc))
    finally:
        plain.stop()
    assert series.source == SOURCE_SAMPLED
    assert reader.unavailable is not None and reader.unavailable.kind == NOT_OFFERED
    assert series.reason.startswith("This AWS endpoint does not offer Performance Insights.")


def test_the_endpoint_samples_while_asked_and_stops_when_nobody_asks(aws, perf_db):
    from aurora_console.sandbox.performance_insights import TARGET_PREFIX, SandboxInsights

    history = ActivityHistory()
    insights = SandboxInsights(history=history, idle_stop_s=1.0, interval_s=0.2, authorized=lambda *_: True)
    insights.attach_database(lambda: psycopg.connect(**perf_db.conninfo, autocommit=True,
                                                     application_name=APPLICATION_NAME), sample_now=False)
    try:
        assert not insights.sampling and len(history) == 0
        now = datetime.now(timezone.utc)
        request = {"ServiceType": "RDS", "Identifier": "db-X", "StartTime": (now - timedelta(minutes=1)).timestamp(),
                   "EndTime": now.timestamp(), "MetricQueries": [{"Metric": "db.load.avg"}]}
        assert insights.handle(TARGET_PREFIX + "GetResourceMetrics", request)[0] == 200
        assert insights.sampling
        wait_until(lambda: not insights.sampling, timeout=15, what="the sampler to stop after a second unasked")
        taken = len(history)
        assert taken >= 2
        assert insights.handle(TARGET_PREFIX + "GetResourceMetrics", request)[0] == 200
        wait_until(lambda: len(history) > taken, timeout=15, what="sampling to start again on a request")
    finally:
        insights.detach_database()
    assert not insights.sampling
