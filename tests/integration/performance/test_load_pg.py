"""Active-session history on the rig's real PostgreSQL: sessions made busy with pg_sleep and real
row-lock waits show up under their waits; the sampled load is what the Load tab shows where
Performance Insights is refused (Stubber stands in for an AccessDenied ``pi``: moto has none)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.stub import Stubber

from aurora_console.core.performance.activity_history import ActivityHistory, run_sampler, sample_activity
from aurora_console.core.performance.load import SOURCE_SAMPLED, LoadReader, LoadTarget, load_by_wait

from .conftest import UPDATE_ROW_1, wait_until

SLEEP = "SELECT pg_sleep(30)"


def test_a_sample_shows_active_sessions_under_their_waits_and_not_the_sampler(observer, lock_contention,
                                                                               run_in_background):
    sleeper = run_in_background(SLEEP, "blog-report")
    wait_until(lambda: any(s.pid == sleeper.pid for s in sample_activity(observer).sessions), what="the sleeper")
    sample = sample_activity(observer)
    by_pid = {s.pid: s for s in sample.sessions}
    assert observer.info.backend_pid not in by_pid
    assert lock_contention.holder_pid not in by_pid  # idle in transaction: holds the lock, is not load
    assert by_pid[sleeper.pid].wait == "Timeout:PgSleep"
    assert by_pid[sleeper.pid].query == SLEEP and by_pid[sleeper.pid].application == "blog-report"
    waiter1 = by_pid[lock_contention.waiter1.pid]
    assert waiter1.wait == "Lock:transactionid" and waiter1.query == UPDATE_ROW_1
    assert by_pid[lock_contention.waiter2.pid].wait == "Lock:tuple"  # queued behind waiter 1
    # pg_stat_statements is preloaded on the rig, so the server computes query ids
    assert waiter1.queryid is not None and waiter1.queryid == by_pid[lock_contention.waiter2.pid].queryid
    assert sample.taken_at.tzinfo is not None
    assert abs((datetime.now(timezone.utc) - sample.taken_at).total_seconds()) < 5


def test_the_sampler_builds_average_active_sessions_while_it_runs(connect, lock_contention, run_in_background):
    run_in_background(SLEEP, "blog-report")
    history = ActivityHistory()
    stop = threading.Event()
    sampler_conn = connect("aurora-console performance")
    thread = threading.Thread(target=run_sampler, args=(sampler_conn, history),
                              kwargs={"interval_s": 0.25, "should_stop": stop.is_set}, daemon=True)
    started = datetime.now(timezone.utc)
    thread.start()
    try:
        wait_until(lambda: len(history) >= 8, timeout=20, what="eight samples")
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    load = history.load_by_wait(started - timedelta(seconds=1), datetime.now(timezone.utc) + timedelta(seconds=1))
    # the waits hold for the whole run: one session each, every sample
    assert load["Lock:transactionid"] == pytest.approx(1.0)
    assert load["Lock:tuple"] == pytest.approx(1.0)
    assert load["Timeout:PgSleep"] == pytest.approx(1.0)
    top = history.load_by_sql(limit=3)
    assert top[0].statement == UPDATE_ROW_1 and top[0].aas == pytest.approx(2.0)
    assert dict(top[0].by_wait) == {"Lock:transactionid": pytest.approx(1.0), "Lock:tuple": pytest.approx(1.0)}


def test_access_denied_performance_insights_falls_back_to_the_sampled_load(observer, lock_contention):
    history = ActivityHistory()
    for _ in range(3):
        history.sample(observer)
    pi = boto3.client("pi", region_name="us-east-1", aws_access_key_id="AKIATEST", aws_secret_access_key="x")
    target = LoadTarget("blog-1", "db.r6g.xlarge", "db-ABCDEFGHIJKLMNOPQRSTU1VW2X", True, "us-east-1", "123456789012")
    with Stubber(pi) as stub:
        stub.add_client_error("get_resource_metrics", service_error_code="AccessDeniedException",
                              service_message="User: arn:aws:iam::123456789012:user/dba is not authorized to perform: "
                                              "pi:GetResourceMetrics", http_status_code=400)
        reader = LoadReader(target, history, pi_client=pi)
        first = history.first_time
        series = reader.read(first - timedelta(seconds=5), history.last_time + timedelta(seconds=1), step_s=1)
    assert series.source == SOURCE_SAMPLED
    assert series.reason.startswith("Performance Insights refused access for blog-1")
    assert "sampled from pg_stat_activity every second" in series.reason
    assert series.vcpus == 4
    assert load_by_wait(series)["Lock:transactionid"] == pytest.approx(1.0)
    assert "arn:aws:pi:us-east-1:123456789012:metrics/rds/db-ABCDEFGHIJKLMNOPQRSTU1VW2X" in reader.unavailable.hint
