"""Replica lag from a real primary/standby pair (pg_basebackup, streaming replication), from
aurora_replica_status() where the function exists, and CloudWatch AuroraReplicaLag from the moto server."""

from __future__ import annotations

import os
import secrets
import subprocess
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import pytest

from aurora_console.core.performance.replication import (
    SOURCE_AURORA,
    SOURCE_PG_STAT_REPLICATION,
    SOURCE_STANDBY,
    cloudwatch_replica_lag,
    has_aurora_replica_status,
    lag_by_instance,
    read_replica_lag,
)
from tests.integration.performance.conftest import wait_until

pytestmark = pytest.mark.integration


class Pair:
    def __init__(self, primary, standby):
        self.primary = primary
        self.standby = standby


@pytest.fixture(scope="module")
def replica_pair(tmp_path_factory):
    """Its own primary (not the rig's shared server: a walsender there would show in every other
    test's sessions) and a hot standby named reader-1, made with pg_basebackup -R."""
    from aurora_console.sandbox.postgres import PostgresServer
    from aurora_console.sandbox.postgres_env import find_postgres_bin

    bin_dir = find_postgres_bin()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries")
    from aurora_console.sandbox.postgres_relocation import usable_data_dir

    base = tmp_path_factory.mktemp("replication")
    password = secrets.token_urlsafe(16)
    settings = {"fsync": "off", "full_page_writes": "off"}
    primary = PostgresServer(base / "primary", bin_dir=bin_dir, password=password, settings=settings).start()
    standby = None
    try:
        standby = PostgresServer(base / "standby", bin_dir=bin_dir, password=password,
                                 settings={**settings, "cluster_name": "reader-1"})
        # where the standby's server will really keep its data (as root, a folder its user can reach)
        target = usable_data_dir(standby.requested_data_dir, standby.run_as)
        result = subprocess.run(
            [str(Path(bin_dir) / "pg_basebackup"), "-h", primary.host, "-p", str(primary.port), "-U", "postgres",
             "-D", str(target), "-R", "-X", "stream", "--no-sync", "-c", "fast"],
            env={"PATH": os.environ.get("PATH", ""), "PGPASSWORD": password}, capture_output=True, text=True,
            timeout=120)
        assert result.returncode == 0, result.stderr
        standby.start()
        yield Pair(primary, standby)
    finally:
        if standby is not None:
            if standby.running:
                standby.stop()
            standby.remove_data()
        primary.stop()
        primary.remove_data()


@pytest.fixture
def primary_conn(replica_pair):
    with replica_pair.primary.connect(autocommit=True) as conn:
        yield conn


@pytest.fixture
def standby_conn(replica_pair):
    with replica_pair.standby.connect(autocommit=True) as conn:
        yield conn


def _caught_up(primary_conn):
    [lag] = read_replica_lag(primary_conn)
    return lag.lag_bytes == 0 and lag


def test_the_primary_reports_its_streaming_standby(primary_conn, standby_conn):
    assert standby_conn.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
    assert not has_aurora_replica_status(primary_conn)
    primary_conn.execute("CREATE TABLE IF NOT EXISTS beat (n int); INSERT INTO beat VALUES (1)")
    lag = wait_until(lambda: _caught_up(primary_conn), what="the standby to catch up")
    assert lag.instance == "reader-1"
    assert lag.source == SOURCE_PG_STAT_REPLICATION
    assert lag.state == "streaming"
    assert lag.lag_ms is not None and 0 <= lag.lag_ms < 10_000
    assert lag.detail == "async"
    assert lag_by_instance([lag]) == {"reader-1": lag.lag_ms}


def test_a_standby_reports_its_own_lag_and_a_paused_replay_shows_it(primary_conn, standby_conn):
    primary_conn.execute("CREATE TABLE IF NOT EXISTS beat (n int); INSERT INTO beat VALUES (2)")
    wait_until(lambda: _caught_up(primary_conn), what="the standby to catch up")
    [own] = read_replica_lag(standby_conn)
    assert (own.instance, own.source, own.lag_ms, own.lag_bytes) == ("reader-1", SOURCE_STANDBY, 0.0, 0)

    standby_conn.execute("SELECT pg_wal_replay_pause()")
    try:
        primary_conn.execute("INSERT INTO beat SELECT g FROM generate_series(1, 1000) g")
        time.sleep(0.3)
        behind = wait_until(lambda: (r := read_replica_lag(primary_conn)[0]).lag_bytes and r,
                            what="the primary to see unreplayed WAL")
        assert behind.lag_bytes > 0
        paused = wait_until(lambda: (r := read_replica_lag(standby_conn)[0]).lag_bytes and r,
                            what="the standby to receive WAL it has not replayed")
        assert paused.lag_bytes > 0
        assert paused.lag_ms is not None and paused.lag_ms >= 300
    finally:
        standby_conn.execute("SELECT pg_wal_replay_resume()")
    wait_until(lambda: _caught_up(primary_conn), what="the standby to catch up again")


AURORA_STATUS = """
CREATE FUNCTION aurora_replica_status()
RETURNS TABLE (server_id text, session_id text, durable_lsn bigint, highest_lsn_rcvd bigint,
               cur_replay_latency_in_usec bigint, replica_lag_in_msec real, last_update_timestamp timestamptz)
LANGUAGE sql AS $$
  VALUES ('blog-1', 'MASTER_SESSION_ID', 100, 100, NULL, NULL, now()),
         ('blog-3', 'e4a5c2d0-3b1e-4c59-8a7e-2f1d9c0b7a61', 90, 95, 120, 17.5, now()),
         ('blog-2', '0b0a5c1e-9d7f-4e2a-b1c3-5d6e7f8a9b0c', 80, 80, 0, -1, NULL)
$$;
"""


def test_aurora_replica_status_is_used_where_it_exists(perf_db, observer):
    """On Aurora the function lists every instance of the cluster; the writer's row is left out and a
    negative lag (no measure yet) is unknown. Here a SQL function with Aurora's columns stands in."""
    assert not has_aurora_replica_status(observer)
    with perf_db.connect(autocommit=True) as admin:
        admin.execute(AURORA_STATUS)
    assert has_aurora_replica_status(observer)
    lags = read_replica_lag(observer)
    assert [(r.instance, r.lag_ms, r.source) for r in lags] == [("blog-2", None, SOURCE_AURORA),
                                                                ("blog-3", 17.5, SOURCE_AURORA)]
    assert lags[1].detail.startswith("last update ")


def _cw(endpoint):
    return boto3.client("cloudwatch", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def test_cloudwatch_aurora_replica_lag_is_the_latest_datapoint_per_instance(moto_endpoint):
    cw = _cw(moto_endpoint)
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)

    def put(instance, minutes_ago, value):
        cw.put_metric_data(Namespace="AWS/RDS", MetricData=[{
            "MetricName": "AuroraReplicaLag", "Unit": "Milliseconds", "Value": value,
            "Timestamp": now - timedelta(minutes=minutes_ago),
            "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": instance}]}])

    put("blog-2", 4, 12.5)
    put("blog-2", 1, 20.0)
    put("blog-3", 2, 7.0)
    put("blog-4", 30, 99.0)  # too old for the window
    got = cloudwatch_replica_lag(cw, ["blog-1", "blog-2", "blog-3", "blog-4"], now=now + timedelta(seconds=30))
    assert got == {"blog-1": None, "blog-2": 20.0, "blog-3": 7.0, "blog-4": None}
