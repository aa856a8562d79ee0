"""CloudWatch history and the live feeder of the sandbox, read back through boto3 from moto.

The module seeds 24 h of the blog cluster's series once on the rig's session ``moto_server``
(other clusters would only make the fixture slower); it never uses ``moto_endpoint``.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.sandbox import metric_shapes as shapes
from aurora_console.sandbox import moto_speedups
from aurora_console.sandbox.aws_seed import seed_aws
from aurora_console.sandbox.aws_server import sandbox_credentials
from aurora_console.sandbox.metric_plan import ClusterPlan, InstancePlan, minute_of, minute_start
from aurora_console.sandbox.metrics_seed import MetricsFeeder, seed_metrics

NOW = datetime.now(timezone.utc).replace(second=0, microsecond=0)
DAY = timedelta(hours=24)


class SeededMetrics:
    def __init__(self, server) -> None:
        self.server = server
        server.reset()
        self.seed = seed_aws(server.endpoint_url, db_password="Metrics-test-pw-1")
        self.result = seed_metrics(server.endpoint_url, self.seed.regions, now=NOW, clusters=("blog",))

    def cw(self, region: str = "us-east-1"):
        return boto3.client("cloudwatch", endpoint_url=self.server.endpoint_url,
                            **sandbox_credentials(region).client_kwargs())

    def series(self, metric: str, dims: dict[str, str], start: datetime, end: datetime, period: int = 60,
               stat: str = "Average") -> tuple[list[datetime], list[float]]:
        query = {"Id": "q", "MetricStat": {"Metric": {
            "Namespace": "AWS/RDS", "MetricName": metric,
            "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()]}, "Period": period, "Stat": stat}}
        res = self.cw().get_metric_data(MetricDataQueries=[query], StartTime=start, EndTime=end,
                                        ScanBy="TimestampAscending")["MetricDataResults"][0]
        return res["Timestamps"], res["Values"]

    def metric_names(self, dims: dict[str, str]) -> set[str]:
        listed = self.cw().list_metrics(Namespace="AWS/RDS",
                                        Dimensions=[{"Name": k, "Value": v} for k, v in dims.items()])
        return {m["MetricName"] for m in listed["Metrics"]
                if {d["Name"] for d in m["Dimensions"]} == set(dims)}


@pytest.fixture(scope="module")
def metrics(moto_server):
    seeded = SeededMetrics(moto_server)
    yield seeded
    moto_server.reset()  # leave the shared server empty for the next module


BLOG = ClusterPlan("us-east-1", "blog", "aurora-postgresql", InstancePlan("blog-1", "db.r6g.large"),
                   (InstancePlan("blog-2", "db.r6g.large"), InstancePlan("blog-3", "db.r6g.large")))


@pytest.mark.integration
def test_seed_covers_24_hours_of_every_blog_series(metrics):
    result = metrics.result
    assert result.last_minute == minute_of(NOW)
    assert result.last_minute - result.first_minute + 1 == 1440
    assert result.datapoints == result.series * 1440
    assert result.series == len(BLOG.datapoints(result.last_minute))
    assert result.calls * 1000 >= result.datapoints and not result.cancelled


@pytest.mark.integration
def test_writer_cpu_has_one_point_a_minute_with_the_expected_values(metrics):
    stamps, values = metrics.series("CPUUtilization", {"DBInstanceIdentifier": "blog-1"}, NOW - DAY, NOW + timedelta(minutes=1))
    assert len(values) == 1440
    assert all(t.second == 0 and t.microsecond == 0 for t in stamps)
    assert {(b - a).total_seconds() for a, b in zip(stamps, stamps[1:], strict=False)} == {60.0}
    assert all(0 < v <= 100 for v in values)
    expected = [BLOG.instance_series(minute_of(t))["blog-1"]["CPUUtilization"] for t in stamps]
    assert values == pytest.approx(expected)


@pytest.mark.integration
def test_cpu_follows_a_daily_cycle(metrics):
    stamps, values = metrics.series("CPUUtilization", {"DBInstanceIdentifier": "blog-1"}, NOW - DAY, NOW + timedelta(minutes=1))
    by_hour: dict[int, list[float]] = {}
    for t, v in zip(stamps, values, strict=True):
        by_hour.setdefault(t.hour, []).append(v)
    mean = {h: sum(v) / len(v) for h, v in by_hour.items()}
    assert mean[14] > mean[2] + 15


@pytest.mark.integration
def test_replica_lag_on_readers_only(metrics):
    assert "AuroraReplicaLag" not in metrics.metric_names({"DBInstanceIdentifier": "blog-1"})
    for reader in ("blog-2", "blog-3"):
        names = metrics.metric_names({"DBInstanceIdentifier": reader})
        assert "AuroraReplicaLag" in names
    _, lag = metrics.series("AuroraReplicaLag", {"DBInstanceIdentifier": "blog-2"}, NOW - timedelta(hours=3), NOW)
    assert len(lag) == 180 and all(0 < v < 5000 for v in lag)
    assert "AuroraReplicaLag" in metrics.metric_names({"DBClusterIdentifier": "blog", "Role": "READER"})
    assert "AuroraReplicaLag" not in metrics.metric_names({"DBClusterIdentifier": "blog", "Role": "WRITER"})


@pytest.mark.integration
def test_instance_metric_catalogue_for_postgres(metrics):
    names = metrics.metric_names({"DBInstanceIdentifier": "blog-1"})
    assert {"CPUUtilization", "DatabaseConnections", "FreeableMemory", "CommitLatency", "CommitThroughput",
            "BufferCacheHitRatio", "Deadlocks", "ReadIOPS", "WriteIOPS", "ReadLatency", "WriteLatency",
            "FreeLocalStorage", "MaximumUsedTransactionIDs", "NetworkThroughput"} <= names
    assert not {"DMLLatency", "SelectLatency", "DMLThroughput", "VolumeBytesUsed"} & names
    assert {"VolumeBytesUsed", "AuroraReplicaLagMaximum"} <= metrics.metric_names({"DBClusterIdentifier": "blog"})


@pytest.mark.integration
def test_memory_in_bytes_and_volume_growing(metrics):
    _, memory = metrics.series("FreeableMemory", {"DBInstanceIdentifier": "blog-1"}, NOW - DAY, NOW)
    assert all(shapes.GIB < v < 16 * shapes.GIB for v in memory)
    _, volume = metrics.series("VolumeBytesUsed", {"DBClusterIdentifier": "blog"}, NOW - DAY, NOW + timedelta(minutes=1))
    assert len(volume) == 1440
    assert all(b >= a for a, b in zip(volume, volume[1:], strict=False)) and volume[-1] > volume[0]


@pytest.mark.integration
def test_role_series_match_the_instances(metrics):
    start, end = NOW - timedelta(minutes=30), NOW + timedelta(minutes=1)
    _, writer_cpu = metrics.series("CPUUtilization", {"DBInstanceIdentifier": "blog-1"}, start, end)
    _, role_cpu = metrics.series("CPUUtilization", {"DBClusterIdentifier": "blog", "Role": "WRITER"}, start, end)
    assert role_cpu == pytest.approx(writer_cpu) and len(role_cpu) == 31


@pytest.mark.integration
def test_get_metric_statistics_agrees_with_get_metric_data(metrics):
    start = NOW - timedelta(hours=1)
    stamps, values = metrics.series("DatabaseConnections", {"DBInstanceIdentifier": "blog-1"}, start, NOW)
    stats = metrics.cw().get_metric_statistics(
        Namespace="AWS/RDS", MetricName="DatabaseConnections", StartTime=start, EndTime=NOW, Period=300,
        Statistics=["Average", "Maximum", "SampleCount"],
        Dimensions=[{"Name": "DBInstanceIdentifier", "Value": "blog-1"}])["Datapoints"]
    assert len(stats) == 12
    first = min(stats, key=lambda d: d["Timestamp"])
    assert first["SampleCount"] == 5
    assert first["Average"] == pytest.approx(sum(values[:5]) / 5)
    assert first["Maximum"] == max(values[:5])


@pytest.mark.integration
def test_feeder_adds_the_newest_minutes(metrics):
    later = NOW + timedelta(minutes=2)
    feeder = MetricsFeeder(metrics.server.endpoint_url, metrics.seed.regions, after_minute=metrics.result.last_minute,
                           interval=0.05, clock=lambda: later, clusters=("blog",))
    feeder.start()
    try:
        deadline = time.monotonic() + 30
        while feeder.ticks < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        feeder.stop()
    assert not feeder.running and feeder.errors == 0
    assert feeder.last_minute == minute_of(later)
    assert feeder.datapoints == 2 * metrics.result.series
    stamps, values = metrics.series("CPUUtilization", {"DBInstanceIdentifier": "blog-1"}, NOW - timedelta(minutes=5),
                                    NOW + timedelta(minutes=10))
    assert stamps[-2:] == [NOW + timedelta(minutes=1), later]
    assert values[-1] == pytest.approx(BLOG.instance_series(minute_of(later))["blog-1"]["CPUUtilization"])
    assert feeder.tick() == 0  # nothing new until the clock moves


@pytest.mark.integration
def test_fast_queries_agree_with_motos_own(metrics):
    """The indexed get_metric_data/get_metric_statistics return what moto's scans return."""
    region = "ap-south-1"  # a region of its own keeps moto's quadratic scan small
    cw = metrics.cw(region)
    base = minute_start(minute_of(NOW) - 40)
    data = [{"MetricName": name, "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": inst}],
             "Timestamp": base + timedelta(seconds=20 * i), "Value": float((i * 7) % 13), "Unit": "Percent"}
            for name in ("CPUUtilization", "ReadIOPS") for inst in ("a-1", "a-2") for i in range(90)]
    for i in range(0, len(data), 200):
        cw.put_metric_data(Namespace="AWS/RDS", MetricData=data[i:i + 200])

    def query():
        queries = [{"Id": f"q{n}", "MetricStat": {"Metric": {"Namespace": "AWS/RDS", "MetricName": name,
                   "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": inst}]}, "Period": period, "Stat": stat}}
                   for n, (name, inst, period, stat) in enumerate([
                       ("CPUUtilization", "a-1", 60, "Average"), ("CPUUtilization", "a-2", 300, "Maximum"),
                       ("ReadIOPS", "a-1", 120, "Sum"), ("ReadIOPS", "a-2", 60, "SampleCount")])]
        data_results = cw.get_metric_data(MetricDataQueries=queries, StartTime=base - timedelta(minutes=3),
                                          EndTime=base + timedelta(minutes=25))["MetricDataResults"]
        stats = cw.get_metric_statistics(Namespace="AWS/RDS", MetricName="CPUUtilization", StartTime=base,
                                         EndTime=base + timedelta(minutes=30), Period=180,
                                         Statistics=["Average", "Minimum", "Sum"],
                                         Dimensions=[{"Name": "DBInstanceIdentifier", "Value": "a-2"}])
        listed = cw.list_metrics(Namespace="AWS/RDS", Dimensions=[{"Name": "DBInstanceIdentifier", "Value": "a-1"}])
        return ([(r["Id"], r["Timestamps"], r["Values"]) for r in data_results],
                sorted((d["Timestamp"], d["Average"], d["Minimum"], d["Sum"]) for d in stats["Datapoints"]),
                listed["Metrics"])

    assert moto_speedups.installed()
    fast = query()
    moto_speedups.uninstall()
    try:
        original = query()
    finally:
        moto_speedups.install()
    assert fast == original
    assert len(fast[0][0][2]) == 25 and fast[1]
    assert sorted(m["MetricName"] for m in fast[2]) == ["CPUUtilization", "ReadIOPS"]


@pytest.mark.unit
def test_shapes_are_deterministic_and_lean_clusters_publish_fewer_series():
    minute = minute_of(NOW)
    assert BLOG.datapoints(minute) == BLOG.datapoints(minute)
    lean = ClusterPlan(**{**BLOG.__dict__, "full_detail": False})
    full_keys = {(n, d) for n, d, _ in BLOG.datapoints(minute)}
    lean_keys = {(n, d) for n, d, _ in lean.datapoints(minute)}
    assert lean_keys < full_keys
    instance_keys = {k for k in full_keys if k[1][0][0] == "DBInstanceIdentifier"}
    assert instance_keys <= lean_keys
    assert ("VolumeBytesUsed", (("DBClusterIdentifier", "blog"),)) in lean_keys


@pytest.mark.unit
def test_mysql_instances_have_dml_and_select_latency_but_no_postgres_metrics():
    shop = ClusterPlan("us-east-1", "shop", "aurora-mysql", InstancePlan("shop-1", "db.r6g.xlarge"),
                       (InstancePlan("shop-2", "db.r6g.xlarge"),))
    series = shop.instance_series(minute_of(NOW))
    assert {"DMLLatency", "SelectLatency", "DMLThroughput", "SelectThroughput"} <= series["shop-1"].keys()
    assert not {"DMLLatency", "DMLThroughput"} & series["shop-2"].keys()
    assert {"AuroraReplicaLag", "SelectThroughput"} <= series["shop-2"].keys()
    lag_max = [v for n, d, v in shop.datapoints(minute_of(NOW)) if n == "AuroraReplicaLagMaximum"]
    assert lag_max == [series["shop-2"]["AuroraReplicaLag"]]
    assert not {"MaximumUsedTransactionIDs", "ReadLatency"} & series["shop-1"].keys()


@pytest.mark.integration
def test_feeder_follows_a_failover(metrics):
    """After a failover the old writer reports replica lag and the new writer stops doing so."""
    rds = boto3.client("rds", endpoint_url=metrics.server.endpoint_url, **sandbox_credentials("eu-west-1").client_kwargs())
    at = NOW + timedelta(minutes=3)
    feeder = MetricsFeeder(metrics.server.endpoint_url, ["eu-west-1"], after_minute=minute_of(at) - 1,
                           clock=lambda: at, clusters=("orders-eu",))
    rds.failover_db_cluster(DBClusterIdentifier="orders-eu", TargetDBInstanceIdentifier="orders-eu-2")
    try:
        assert feeder.tick() > 0
    finally:
        rds.failover_db_cluster(DBClusterIdentifier="orders-eu", TargetDBInstanceIdentifier="orders-eu-1")
    cw = metrics.cw("eu-west-1")

    def lag(instance: str) -> list[float]:
        query = {"Id": "q", "MetricStat": {"Metric": {"Namespace": "AWS/RDS", "MetricName": "AuroraReplicaLag",
                 "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": instance}]}, "Period": 60, "Stat": "Average"}}
        return cw.get_metric_data(MetricDataQueries=[query], StartTime=at, EndTime=at + timedelta(minutes=1),
                                  )["MetricDataResults"][0]["Values"]

    assert len(lag("orders-eu-1")) == 1 and lag("orders-eu-2") == []


@pytest.mark.unit
@settings(deadline=None)  # the first example imports moto
@given(st.one_of(st.integers(0, 2**32), st.floats(0, 4e9, allow_nan=False)))
def test_fast_timestamp_parser_matches_motos(value):
    moto_speedups.install()
    from moto.core import parse

    original = moto_speedups.PATCHES.original("default_timestamp_parser")
    assert parse.default_timestamp_parser is moto_speedups.fast_timestamp_parser
    assert moto_speedups.fast_timestamp_parser(value) == original(value)


@pytest.mark.unit
def test_fast_timestamp_parser_hands_strings_to_moto():
    moto_speedups.install()
    assert moto_speedups.fast_timestamp_parser("2026-01-02T03:04:05Z") == datetime(2026, 1, 2, 3, 4, 5)


@pytest.mark.integration
def test_seed_reports_progress_newest_hour_first_and_can_be_cancelled(metrics):
    import threading

    cancel = threading.Event()
    reports: list[tuple[float, str]] = []

    def progress(pct: float, text: str) -> None:
        reports.append((pct, text))
        cancel.set()  # stop after the first hour

    long_ago = NOW - timedelta(days=3)  # away from the windows the other tests read
    result = seed_metrics(metrics.server.endpoint_url, ["us-east-1"], now=long_ago, hours=5, clusters=("blog",),
                          progress=progress, cancel=cancel)
    assert result.cancelled and reports == [(20.0, "CloudWatch history: 1 of 5 h")]
    assert result.datapoints == 60 * result.series
    stamps, _ = metrics.series("CPUUtilization", {"DBInstanceIdentifier": "blog-1"}, long_ago - timedelta(hours=5),
                               long_ago + timedelta(minutes=1))
    assert stamps[0] == long_ago - timedelta(minutes=59) and stamps[-1] == long_ago and len(stamps) == 60


@pytest.mark.integration
def test_backups_screen_reads_the_seeded_backup_storage(metrics):
    """The backups screen's storage figures (read_storage_use) come from the seed, not "no data"."""
    from aurora_console.core.aws.backups.settings import STORAGE_METRICS, read_storage_use
    from aurora_console.core.aws.session import AwsSessionFactory, AwsTarget, StaticCredentials

    assert set(STORAGE_METRICS) == set(shapes.BACKUP_STORAGE_METRICS)
    assert metrics.result.storage_datapoints == 3 * 24  # one point per metric and whole hour
    creds = sandbox_credentials("us-east-1").client_kwargs()
    factory = AwsSessionFactory(endpoint_url=metrics.server.endpoint_url, credentials=StaticCredentials(
        creds["aws_access_key_id"], creds["aws_secret_access_key"]))
    use = read_storage_use(factory, AwsTarget(None, "us-east-1"), "blog", now=NOW + timedelta(minutes=1))
    assert use.message == "" and use.at is not None
    continuous, snapshots, billed = (use.values[m] for m in STORAGE_METRICS)
    volume = shapes.volume_bytes_used("blog", minute_of(use.at))
    assert 0 < continuous < volume and 0 < snapshots < volume
    assert billed == pytest.approx(max(0.0, continuous + snapshots - volume))
