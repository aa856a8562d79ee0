"""Sandbox AWS endpoint benchmark: seed time, CloudWatch history, dashboard queries.

Cases, each beside a baseline measured in the same run:
  * seed_aws (clusters, SSM, secret, snapshot, ...)            vs  one describe_db_clusters call
  * put_metric_data throughput with moto_speedups              vs  moto as shipped (same batches)
  * full CloudWatch history (every series, ``--hours`` of 1-minute data, newest hour first):
    total time and time until the newest hour is in            vs  the throughput baseline above
  * dashboard query: get_metric_data, 8 metrics x 3 blog instances, 24 h at 60 s
                                                                vs  the same query on moto as shipped,
    which is only affordable over a short window (``--baseline-minutes``), so the baseline is
    reported with its window and the ratio is per returned datapoint.

Run by hand: ``.venv/bin/python benchmarks/sandbox_aws.py [--hours 24] [--repeat 5]``.
Bounded: one seed of the history (~200k datapoints) plus a few queries; a minute or two when
the machine is busy.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import boto3  # noqa: E402

from aurora_console.sandbox import moto_speedups  # noqa: E402
from aurora_console.sandbox.aws_seed import seed_aws  # noqa: E402
from aurora_console.sandbox.aws_server import LocalAwsServer, sandbox_credentials  # noqa: E402
from aurora_console.sandbox.metric_plan import cloudwatch_client, metric_datum, minute_of  # noqa: E402
from aurora_console.sandbox.metrics_seed import seed_metrics  # noqa: E402

DASHBOARD = ("CPUUtilization", "DatabaseConnections", "FreeableMemory", "CommitLatency", "CommitThroughput",
             "ReadIOPS", "WriteIOPS", "BufferCacheHitRatio")


def line(name: str, value: float, unit: str, baseline: float | None = None, note: str = "") -> None:
    ratio = f"  ratio {value / baseline:6.2f}" if baseline else ""
    print(f"{name:<58} {value:10.3f} {unit:<8}{ratio}  {note}")


def put_rate(endpoint: str, region: str, points: int) -> float:
    """Datapoints per second for ``points`` 1-minute datapoints of 10 series in a fresh region."""
    cw = cloudwatch_client(endpoint, sandbox_credentials(), region)
    base = minute_of(datetime.now(timezone.utc)) - points // 10
    data = [metric_datum(f"M{i % 10}", (("DBInstanceIdentifier", "bench-1"),), float(i), base + i // 10)
            for i in range(points)]
    t0 = time.perf_counter()
    for i in range(0, len(data), 1000):
        cw.put_metric_data(Namespace="AWS/RDS", MetricData=data[i:i + 1000])
    return points / (time.perf_counter() - t0)


def dashboard_query(cw, end: datetime, minutes: int) -> tuple[float, int]:
    queries = [{"Id": f"q{i}_{j}", "MetricStat": {"Metric": {
        "Namespace": "AWS/RDS", "MetricName": name,
        "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": f"blog-{j}"}]}, "Period": 60, "Stat": "Average"}}
        for i, name in enumerate(DASHBOARD) for j in (1, 2, 3)]
    t0 = time.perf_counter()
    res = cw.get_metric_data(MetricDataQueries=queries, StartTime=end - timedelta(minutes=minutes), EndTime=end)
    return time.perf_counter() - t0, sum(len(r["Values"]) for r in res["MetricDataResults"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hours", type=float, default=24)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline-minutes", type=int, default=60)
    args = parser.parse_args()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    with LocalAwsServer() as endpoint:
        creds = sandbox_credentials()
        rds = boto3.client("rds", endpoint_url=endpoint, **creds.client_kwargs())
        rds.describe_db_clusters()  # warm-up: client and backend creation
        t0 = time.perf_counter()
        rds.describe_db_clusters()
        one_call = time.perf_counter() - t0
        info = seed_aws(endpoint, credentials=creds, db_password="Bench-pw-123456")
        line("seed_aws (5 clusters, 2 regions)", info.seconds, "s", one_call, "(baseline: one describe call)")

        fast = put_rate(endpoint, "ap-south-1", 20_000)
        moto_speedups.uninstall()
        try:
            shipped = put_rate(endpoint, "ap-southeast-1", 20_000)
        finally:
            moto_speedups.install()
        line("put_metric_data, moto as shipped", shipped, "pts/s")
        line("put_metric_data, with moto_speedups", fast, "pts/s", shipped)

        first_hour: list[float] = []
        started = time.perf_counter()
        cpu0 = time.process_time()
        result = seed_metrics(endpoint, info.regions, credentials=creds, hours=args.hours,
                              progress=lambda pct, text: first_hour.append(time.perf_counter() - started))
        cpu = time.process_time() - cpu0
        rate = result.datapoints / result.seconds
        print(f"history: {result.series} series, {result.datapoints} datapoints, {result.calls} calls")
        line(f"seed_metrics, {args.hours:g} h of 1-minute data", result.seconds, "s")
        line("seed_metrics, newest hour of every series in", first_hour[0], "s")
        line("seed_metrics throughput", rate, "pts/s", fast, "(baseline: put_metric_data alone)")
        line("seed_metrics CPU (client + server threads)", cpu, "s", result.seconds,
             "(ratio to wall time: < 1 means the machine was busy)")
        line("seed_metrics CPU per datapoint", cpu / result.datapoints * 1e6, "us")

        cw = boto3.client("cloudwatch", endpoint_url=endpoint, **creds.client_kwargs())
        end = datetime.now(timezone.utc)
        dashboard_query(cw, end, 24 * 60)  # warm-up
        runs = [dashboard_query(cw, end, 24 * 60) for _ in range(args.repeat)]
        fast_s, fast_points = statistics.median(r[0] for r in runs), runs[0][1]
        moto_speedups.uninstall()
        try:
            base_s, base_points = dashboard_query(cw, end, args.baseline_minutes)
        finally:
            moto_speedups.install()
        line(f"dashboard 8 metrics x 3 instances, 24 h ({fast_points} points)", fast_s, "s")
        line(f"same query on moto as shipped, {args.baseline_minutes} min ({base_points} points)", base_s, "s")
        per_fast, per_base = fast_s / max(1, fast_points), base_s / max(1, base_points)
        line("seconds per returned datapoint, indexed", per_fast * 1e6, "us", per_base * 1e6)
        line("seconds per returned datapoint, moto as shipped", per_base * 1e6, "us")
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    line("peak RSS growth", (rss1 - rss0) / 1024, "MiB")


if __name__ == "__main__":
    main()
