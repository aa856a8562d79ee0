"""MetricsService against a real moto server seeded with datapoints."""

import math

import pytest

from aurora_console.core.aws.metrics.dashboard import (
    DashboardRequest,
    DashboardScope,
    MetricsService,
    cluster_instances,
)
from aurora_console.core.aws.metrics.query import InstanceInfo
from aurora_console.core.aws.metrics.range import TimeRange

from .conftest import CallLog, make_client, put_points

pytestmark = pytest.mark.integration


def scope_for(uid, engine="aurora-postgresql", readers=1):
    instances = (InstanceInfo(f"w-{uid}", "WRITER"),) + tuple(
        InstanceInfo(f"r{n}-{uid}", "READER") for n in range(readers))
    return DashboardScope(f"c-{uid}", engine, instances)


def test_values_gaps_readers_cluster_metrics_and_alarms(cw, uid, now):
    scope = scope_for(uid)
    w, r = scope.instances[0].id, scope.instances[1].id
    gap = {now - 60 * m for m in (20, 21, 22)}
    cpu_w = [(now - 60 * m, 10 + m) for m in range(1, 61) if now - 60 * m not in gap]
    put_points(cw, "CPUUtilization", [("DBInstanceIdentifier", w)], cpu_w, "Percent")
    put_points(cw, "CPUUtilization", [("DBInstanceIdentifier", r)], [(now - 600, 55.0)], "Percent")
    put_points(cw, "AuroraReplicaLag", [("DBInstanceIdentifier", r)], [(now - 120, 17.0)], "Milliseconds")
    put_points(cw, "VolumeBytesUsed", [("DBClusterIdentifier", scope.cluster_id)], [(now - 300, 2 ** 30)], "Bytes")
    cw.put_metric_alarm(AlarmName=f"cpu-{uid}", Namespace="AWS/RDS", MetricName="CPUUtilization",
                        Dimensions=[{"Name": "DBInstanceIdentifier", "Value": w}], Statistic="Average",
                        Period=60, EvaluationPeriods=1, Threshold=80.0, ComparisonOperator="GreaterThanThreshold")
    calls = CallLog(cw)
    service = MetricsService(lambda: cw, clock=lambda: now + 30)
    data = service.load(DashboardRequest(scope, ("CPUUtilization", "AuroraReplicaLag", "VolumeBytesUsed",
                                                 "FreeLocalStorage"), TimeRange.last("1h")))
    assert (data.period, data.end - data.start) == (60, 3600)
    assert len(calls.requests) == data.calls == 1
    assert calls.requests[0]["ScanBy"] == "TimestampAscending"

    cpu = data.plot("CPUUtilization")
    assert cpu.message is None
    series = {s.label: s for s in cpu.series}
    real = [(t, v) for t, v in series[w].points() if not math.isnan(v)]
    assert real == sorted(cpu_w)
    nan_at = [t for t, v in series[w].points() if math.isnan(v)]
    assert nan_at == [min(gap)]  # one NaN breaks the line where three minutes are missing
    assert series[r].points() == [(now - 600, 55.0)]
    assert [(t.alarm_name, t.value, t.operator) for t in cpu.thresholds] == [(f"cpu-{uid}", 80.0, ">")]

    lag = data.plot("AuroraReplicaLag")
    assert [(s.label, list(s.values)) for s in lag.series] == [(r, [17.0])]
    vol = data.plot("VolumeBytesUsed")
    assert [(s.label, list(s.values)) for s in vol.series] == [(scope.cluster_id, [2.0 ** 30])]
    assert data.plot("FreeLocalStorage").message == "No datapoints in this range."


def test_8_metrics_x_70_instances_take_two_calls(cw, uid, now):
    scope = scope_for(uid, readers=69)
    metrics = ("CPUUtilization", "DatabaseConnections", "FreeableMemory", "CommitLatency",
               "CommitThroughput", "BufferCacheHitRatio", "Deadlocks", "FreeLocalStorage")
    data_points = []
    for mi, metric in enumerate(metrics):
        for ii, inst in enumerate(scope.instances):
            data_points.append({"MetricName": metric, "Value": float(mi * 1000 + ii),
                                "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": inst.id}]})
    from datetime import datetime, timezone
    stamp = datetime.fromtimestamp(now - 300, timezone.utc)
    for i in range(0, len(data_points), 500):
        cw.put_metric_data(Namespace="AWS/RDS", MetricData=[dict(d, Timestamp=stamp) for d in data_points[i:i + 500]])
    calls = CallLog(cw)
    service = MetricsService(lambda: cw, clock=lambda: now)
    data = service.load(DashboardRequest(scope, metrics, TimeRange.absolute(now - 600, now), alarms=False))
    assert [len(r["MetricDataQueries"]) for r in calls.requests] == [500, 60]
    assert data.calls == 2 and data.fetched_series == 560
    for mi, plot in enumerate(data.plots):
        assert plot.message is None
        assert [list(s.values) for s in plot.series] == [[float(mi * 1000 + ii)] for ii in range(70)]


def test_refresh_fetches_only_the_new_interval(cw, uid, now):
    scope = scope_for(uid, readers=0)
    w = scope.instances[0].id
    put_points(cw, "CPUUtilization", [("DBInstanceIdentifier", w)], [(now - 60 * m, m) for m in range(1, 60)])
    clock = [now + 10]
    calls = CallLog(cw)
    service = MetricsService(lambda: cw, clock=lambda: clock[0])
    request = DashboardRequest(scope, ("CPUUtilization",), TimeRange.last("1h"), alarms=False)
    first = service.load(request)
    assert calls.requests[0]["StartTime"].timestamp() == now - 3600
    put_points(cw, "CPUUtilization", [("DBInstanceIdentifier", w)], [(now, 100.0), (now + 60, 101.0)])
    clock[0] = now + 130  # two minutes later
    second = service.load(request)
    assert len(calls.requests) == 2
    # cached data older than (first fetch - 5 min overlap) is final: only the tail is asked for
    assert calls.requests[1]["StartTime"].timestamp() == now - 300
    assert calls.requests[1]["EndTime"].timestamp() == now + 120
    (s1,), (s2,) = first.plots[0].series, second.plots[0].series
    assert s2.points()[-2:] == [(now, 100.0), (now + 60, 101.0)]
    assert s2.points()[:-2] == [p for p in s1.points() if p[0] >= now + 120 - 3600]


@pytest.mark.expected_errors  # moto's server logs its own HTTP 500 for p99
def test_a_statistic_moto_cannot_serve_fails_only_its_plot(cw, uid, now):
    scope = scope_for(uid, readers=0)
    w = scope.instances[0].id
    put_points(cw, "CPUUtilization", [("DBInstanceIdentifier", w)], [(now - 120, 5.0)])
    put_points(cw, "DatabaseConnections", [("DBInstanceIdentifier", w)], [(now - 120, 12.0)])
    service = MetricsService(lambda: cw, clock=lambda: now)
    request = DashboardRequest(scope, ("CPUUtilization", "DatabaseConnections"), TimeRange.last("1h"),
                               stat_overrides=(("CPUUtilization", "p99"),), alarms=False)
    data = service.load(request)
    cpu, conns = data.plots
    assert cpu.stat == "p99" and "CPUUtilization (p99)" in cpu.message and "HTTP 500" in cpu.message
    assert conns.message is None and list(conns.series[0].values) == [12.0]


def test_cluster_instances_from_moto_rds(metrics_endpoint, uid):
    rds = make_client(metrics_endpoint, "rds")
    cid = f"my-{uid}"
    rds.create_db_cluster(DBClusterIdentifier=cid, Engine="aurora-mysql", MasterUsername="admin",
                          MasterUserPassword="not-a-real-pass-123")
    for n in range(3):
        rds.create_db_instance(DBInstanceIdentifier=f"{cid}-{n}", DBClusterIdentifier=cid,
                               Engine="aurora-mysql", DBInstanceClass="db.r6g.large")
    instances = cluster_instances(rds, cid)
    assert [i.role for i in instances] == ["WRITER", "READER", "READER"]
    assert {i.id for i in instances} == {f"{cid}-{n}" for n in range(3)}
