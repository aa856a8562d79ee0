"""Benchmark: a metrics dashboard of 8 metrics x 16 instances over one week of 1-minute data.

1. API calls for the week, with the period the planner picks (600 s) and with the period forced
   to 60 s: batched GetMetricData (500 queries a call, AWS's 100,800 datapoints a response,
   NextToken) against the naive way, one GetMetricStatistics call per series and per 1,440
   datapoints. Counted against a synthetic CloudWatch client that pages exactly like AWS
   (seeding moto with 1.3M datapoints takes minutes, and moto does not page GetMetricData).
2. The same dashboard for 3 hours on a real moto server seeded with 23,040 datapoints: calls and
   wall time, batched vs naive.
3. Data in hand -> plots painted (the dashboard's apply step plus a full render via grab()), and
   the longest UI stall during a refresh (heartbeat timer, aurora_console.testing.stall), for the
   dashboard (one plot per event-loop turn) against a one-shot apply of all plots as baseline.
   Each full refresh comes a minute after the one before, as auto-refresh does, so the x range
   moves (every curve is clipped and downsampled to the new view). Also: the UI-thread CPU of
   each repaint of the plots during the refreshes and how many plots it drew, and the longest
   stall while the window is resized by a drag (5 sizes 30 ms apart, then settled).

Run by hand: ``.venv/bin/python benchmarks/metrics_dashboard.py`` (offscreen Qt; about a minute).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from datetime import datetime, timezone
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import CpuLoad, machine, summary  # noqa: E402

from aurora_console.core.aws.metrics.dashboard import (  # noqa: E402
    DashboardRequest,
    DashboardScope,
    MetricsService,
)
from aurora_console.core.aws.metrics.query import InstanceInfo  # noqa: E402
from aurora_console.core.aws.metrics.range import TimeRange  # noqa: E402

ENGINE = "aurora-postgresql"
INSTANCES = tuple(InstanceInfo(f"bench-{n:02d}", "WRITER" if n == 0 else "READER") for n in range(16))
# AuroraReplicaLag has no writer line; use 8 metrics that every instance has
METRICS = ("CPUUtilization", "DatabaseConnections", "FreeableMemory", "CommitLatency", "CommitThroughput",
           "BufferCacheHitRatio", "ReadIOPS", "WriteIOPS")
SCOPE = DashboardScope("bench-cluster", ENGINE, INSTANCES)
MAX_POINTS_PER_RESPONSE = 100_800  # AWS GetMetricData
MAX_POINTS_STATISTICS = 1_440  # AWS GetMetricStatistics


class SyntheticCloudWatch:
    """Answers GetMetricData like AWS would for fully populated series (and pages like AWS)."""

    def __init__(self) -> None:
        self.calls = 0

    def get_metric_data(self, MetricDataQueries, StartTime, EndTime, ScanBy, NextToken=None, **_):  # noqa: N803
        self.calls += 1
        start, end = int(StartTime.timestamp()), int(EndTime.timestamp())
        qi, offset = map(int, NextToken.split(":")) if NextToken else (0, 0)
        budget = MAX_POINTS_PER_RESPONSE
        results = []
        while qi < len(MetricDataQueries) and budget > 0:
            q = MetricDataQueries[qi]
            period = q["MetricStat"]["Period"]
            total = (end - start) // period
            take = min(budget, total - offset)
            seed = hash(q["MetricStat"]["Metric"]["Dimensions"][0]["Value"]) % 97
            stamps = [start + (offset + i) * period for i in range(take)]
            results.append({
                "Id": q["Id"],
                "Timestamps": [datetime.fromtimestamp(t, timezone.utc) for t in stamps],
                "Values": [50 + 40 * math.sin(t / 3600 + seed) for t in stamps],
                "StatusCode": "Complete" if offset + take == total else "PartialData",
            })
            budget -= take
            offset += take
            if offset >= total:
                qi, offset = qi + 1, 0
        page = {"MetricDataResults": results}
        if qi < len(MetricDataQueries):
            page["NextToken"] = f"{qi}:{offset}"
        return page


    def describe_alarms(self, **_):
        return {"MetricAlarms": []}

    def describe_alarms_for_metric(self, **_):
        return {"MetricAlarms": []}


def naive_calls(series: int, points_per_series: int) -> int:
    return series * math.ceil(points_per_series / MAX_POINTS_STATISTICS)


def fmt_ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.3f}x" if baseline else "n/a"


def part_api_calls(now: float) -> dict:
    print("== 1. API calls, one week, 8 metrics x 16 instances (synthetic AWS-like paging) ==")
    out = {}
    for label, forced in (("auto period", None), ("forced 60 s", 60)):
        fake = SyntheticCloudWatch()
        service = MetricsService(lambda f=fake: f, clock=lambda: now)
        t0 = time.perf_counter()
        data = service.load(DashboardRequest(SCOPE, METRICS, TimeRange.last("1w"), forced_period=forced,
                                             alarms=False))
        took = time.perf_counter() - t0
        points = sum(len([v for v in s.values if not math.isnan(v)]) for p in data.plots for s in p.series)
        per_series = (data.end - data.start) // data.period
        naive = naive_calls(128, per_series)
        print(f"{label}: period {data.period} s, {per_series} points/series, {points:,} datapoints")
        print(f"  batched GetMetricData calls: {data.calls}  (naive GetMetricStatistics: {naive}; "
              f"ratio {fmt_ratio(data.calls, naive)})")
        print(f"  fetch+parse+cache time (no network): {took:.2f} s")
        out[label] = (fake, service, data)
    return out


def part_moto(now_aligned: int) -> None:
    print("== 2. Real moto server, 3 hours of 1-minute data, 8 x 16 series ==")
    import boto3
    from botocore.config import Config

    from aurora_console.sandbox.aws_server import LocalAwsServer

    with LocalAwsServer() as url:
        cw = boto3.client("cloudwatch", endpoint_url=url, region_name="us-east-1", aws_access_key_id="bench",
                          aws_secret_access_key="bench", config=Config(retries={"max_attempts": 1}))
        t0 = time.perf_counter()
        buf = []
        for metric in METRICS:
            for inst in INSTANCES:
                for m in range(1, 181):
                    buf.append({"MetricName": metric, "Value": float(m % 60),
                                "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": inst.id}],
                                "Timestamp": datetime.fromtimestamp(now_aligned - 60 * m, timezone.utc)})
                    if len(buf) == 1000:
                        cw.put_metric_data(Namespace="AWS/RDS", MetricData=buf)
                        buf = []
        if buf:
            cw.put_metric_data(Namespace="AWS/RDS", MetricData=buf)
        print(f"  seeded 23,040 datapoints in {time.perf_counter() - t0:.1f} s")
        batched, naive = [], []
        for _ in range(3):
            service = MetricsService(lambda: cw, clock=lambda: now_aligned + 5)
            t0 = time.perf_counter()
            data = service.load(DashboardRequest(SCOPE, METRICS, TimeRange.last("3h"), alarms=False))
            batched.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            calls = 0
            for metric in METRICS:
                for inst in INSTANCES:
                    cw.get_metric_statistics(Namespace="AWS/RDS", MetricName=metric,
                                             Dimensions=[{"Name": "DBInstanceIdentifier", "Value": inst.id}],
                                             StartTime=datetime.fromtimestamp(data.start, timezone.utc),
                                             EndTime=datetime.fromtimestamp(data.end, timezone.utc),
                                             Period=60, Statistics=["Average"])
                    calls += 1
            naive.append(time.perf_counter() - t0)
        got = sum(len(s.timestamps) for p in data.plots for s in p.series)
        print(f"  batched: {data.calls} call(s), {got:,} datapoints, median {statistics.median(batched):.2f} s")
        print(f"  naive:   {calls} calls, median {statistics.median(naive):.2f} s  "
              f"(batched/naive time {fmt_ratio(statistics.median(batched), statistics.median(naive))}, "
              f"calls {fmt_ratio(data.calls, calls)})")


def part_ui(now: float, resize_only: bool = False) -> None:
    print("== 3. Paint time and UI stall (offscreen Qt) ==")
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from aurora_console.core.aws.fleet.models import ClusterRef
    from aurora_console.core.settings import SettingsStore
    from aurora_console.testing.stall import StallMonitor
    from aurora_console.ui.metrics.dashboard import MetricsDashboard, prepare
    from aurora_console.ui.tasks import TaskRunner

    PAINTS.install()

    # the offscreen platform warns about size hints on every layout change; not ours to show
    qInstallMessageHandler(lambda mode, ctx, msg: None if "propagateSizeHints" in msg else print(msg))
    app = QApplication.instance() or QApplication([])
    folder = tempfile.mkdtemp(prefix="metrics-bench-")
    settings = SettingsStore(__import__("pathlib").Path(folder) / "settings.json")
    settings.section("metrics")["layouts"] = {"default/us-east-1/bench-cluster": {"metrics": list(METRICS)}}
    runner = TaskRunner()
    services = SimpleNamespace(settings=settings, runner=runner, aws=None, profile_label=lambda p: p or "default")
    ref = ClusterRef(None, "us-east-1", "bench-cluster", ENGINE)

    def pause(seconds):
        t_end = time.perf_counter() + seconds
        wait(lambda: time.perf_counter() > t_end)

    def wait_load(dash, n):
        wait(lambda: dash.load_count > n)

    def wait(cond, timeout=120.0):
        end = time.perf_counter() + timeout
        while not cond():
            app.processEvents()
            time.sleep(0.001)
            if time.perf_counter() > end:
                raise TimeoutError

    with StallMonitor() as idle:
        pause(2.0)
    print(f"noise floor: longest heartbeat gap over 2 s of an idle event loop: {idle.max_stall_ms:.0f} ms "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    for label, forced in (("auto period (600 s)", None), ("forced 60 s", 60)):
        fake = SyntheticCloudWatch()
        clock = [now]  # each full refresh comes a minute later, as auto-refresh does: the range moves
        service = MetricsService(lambda f=fake: f, clock=lambda c=clock: c[0])
        dash = MetricsDashboard(services, ref, service=service)
        dash.resize(1400, 900)
        dash.show()
        app.processEvents()
        dash.scope = SCOPE
        dash.forced_period = forced
        dash.time_range = TimeRange.last("1w")
        data = prepare(service.load(dash._request()))  # data in hand
        for busy in (False, True):
            how = "busy loop on every core" if busy else "as the machine is"
            with (CpuLoad(limit_s=300) if busy else nullcontext()):
                if resize_only:
                    measure_resize(dash, data, f"{label}, {how}", wait_load, pause, StallMonitor)
                    continue
                measure_dashboard(dash, data, f"{label}, {how}", wait_load, pause, StallMonitor,
                                  minute_later=lambda c=clock: c.__setitem__(0, c[0] + 60))
        dash.shutdown()
        dash.close()
    runner.shutdown(5000)


class Paints:
    """Each repaint of the dashboard's plots: its UI-thread CPU and how many plots it drew (plots
    whose area meets the repainted region). Installed on the plots widget's class before the
    first dashboard is made (PySide looks a Python override up once per class)."""

    def __init__(self) -> None:
        self.records: list[tuple[float, int]] | None = None  # (CPU ms, plots) while recording

    def install(self) -> None:
        from aurora_console.ui.metrics.plots import PlotsWidget

        real, paints = PlotsWidget.paintEvent, self

        def paint_event(widget, ev):
            if paints.records is None:
                return real(widget, ev)
            region = ev.region()
            t0 = time.thread_time()
            real(widget, ev)
            cpu = 1000 * (time.thread_time() - t0)
            plots = sum(1 for item in widget.ci.items
                        if region.intersects(widget.mapFromScene(item.sceneBoundingRect()).boundingRect()))
            paints.records.append((cpu, plots))

        PlotsWidget.paintEvent = paint_event

    def __enter__(self) -> list[tuple[float, int]]:
        self.records = []
        return self.records

    def __exit__(self, *exc: object) -> None:
        self.records = None


PAINTS = Paints()


def measure_dashboard(dash, data, label, wait_load, pause, StallMonitor,  # noqa: N803 - a class
                      minute_later=lambda: None) -> None:
    """Data in hand applied 3 times, then 3 full refreshes (fetch on a worker), each beside a
    one-shot apply of the same plots; the longest stalls and a SUMMARY line per case."""
    from PySide6.QtWidgets import QApplication

    paint, render, one_shot, apply_stall, own_cpu = [], [], [], [], []
    for _ in range(3):
        n = dash.load_count
        with StallMonitor() as stall:
            t0 = time.perf_counter()
            dash._loaded(data)
            wait_load(dash, n)
            paint.append(time.perf_counter() - t0)
        apply_stall.append(stall.max_stall_ms)
        own_cpu.append(stall.max_gap_process_cpu_ms)
        t0 = time.perf_counter()
        dash.grab()
        render.append(time.perf_counter() - t0)
        # baseline: the same plots filled in one go (no yielding to the event loop)
        t0 = time.perf_counter()
        for p in data.plots:
            plot = dash.grid.plots[p.metric.key]
            plot.set_series([(s.label, s.x, s.y) for s in p.series])
        dash.grab()
        one_shot.append(time.perf_counter() - t0)
        # grab() renders into a pixmap and leaves the window's own repaint of the one-shot's
        # changes (every plot) pending: let it happen here, not inside the next measured stall
        pause(0.3)
    print(f"{label} (load average {os.getloadavg()[0]:.1f}):")
    print(f"  data in hand -> plots updated: median {1000 * statistics.median(paint):.0f} ms; "
          f"+ full render (grab): {1000 * statistics.median(render):.0f} ms")
    print(f"  one-shot apply + render (baseline): {1000 * statistics.median(one_shot):.0f} ms; "
          f"ratio {fmt_ratio(statistics.median(paint) + statistics.median(render), statistics.median(one_shot))}")
    print(f"  longest UI stall while applying data in hand: {[round(v) for v in apply_stall]} ms")
    stalls, base_stalls, paints = [], [], []
    for _ in range(3):
        with StallMonitor() as stall, PAINTS as painted:
            n = dash.load_count
            dash.service.cache.clear()
            minute_later()  # the service's clock: the range ends a minute later
            dash.refresh()
            wait_load(dash, n)
            pause(0.2)  # let the repaint happen inside the window
        paints += painted
        stalls.append(stall.max_stall_ms)
        own_cpu.append(stall.max_gap_process_cpu_ms)
        with StallMonitor() as stall:
            QApplication.processEvents()
            for p in data.plots:
                dash.grid.plots[p.metric.key].set_series([(s.label, s.x, s.y) for s in p.series])
            pause(0.2)
        base_stalls.append(stall.max_stall_ms)
    print(f"  longest UI stall during a full refresh a minute later (fetch on a worker): {[round(v) for v in stalls]} ms; "
          f"one-shot apply baseline {[round(v) for v in base_stalls]} ms  (target < 50 ms)")
    if paints:
        cpus = sorted(cpu for cpu, _n in paints)
        print(f"  repaints of the plots during those refreshes: {len(paints)}, UI-thread CPU median "
              f"{statistics.median(cpus):.1f} ms, 90th percentile {cpus[int(0.9 * (len(cpus) - 1))]:.1f} ms, "
              f"max {cpus[-1]:.1f} ms; plots drawn per repaint: at most {max(n for _c, n in paints)}, "
              f"median {statistics.median(n for _c, n in paints):.0f}")
    resize_stalls, _resize_cpu = resize_drags(dash, pause, StallMonitor, 2, own_cpu)
    worst = max(max(stalls), max(apply_stall), max(resize_stalls))
    summary(f"metrics dashboard 8x16 series, {label}: longest UI stall (apply + refresh)",
            f"{worst:.0f} ms (refresh {min(stalls):.0f}-{max(stalls):.0f}, apply {min(apply_stall):.0f}-"
            f"{max(apply_stall):.0f}, resize {min(resize_stalls):.0f}-{max(resize_stalls):.0f}; the console's own CPU in one stall at most {max(own_cpu):.0f} ms; load "
            f"average {os.getloadavg()[0]:.1f})", fmt_ratio(statistics.median(stalls), statistics.median(base_stalls))
            + " one-shot apply", "< 50 ms", worst < 50)


def resize_drags(dash, pause, StallMonitor, rounds: int, own_cpu: list) -> tuple[list, list]:  # noqa: N803
    """A window resized by a drag ``rounds`` times: a few sizes, a frame apart, then the size
    settles; the longest stall and the UI thread's CPU of each (printed)."""
    resize_stalls, resize_cpu = [], []
    for _ in range(rounds):
        with StallMonitor() as stall:
            t0 = time.thread_time()
            for width in (1300, 1200, 1100, 1000, 1400):
                dash.resize(width, 900)
                pause(0.03)
            pause(0.8)  # the curves drawn again for the settled size, whenever that happens
            resize_cpu.append(1000 * (time.thread_time() - t0))
        resize_stalls.append(stall.max_stall_ms)
        own_cpu.append(stall.max_gap_process_cpu_ms)
        if dash.grid.redrawing or getattr(dash.grid.widget, "frozen", False):
            print("  (the plots were not yet drawn for the settled size 0.8 s after the drag)")
    print(f"  longest UI stall while the window is resized (5 sizes 30 ms apart, then settled): "
          f"{[round(v) for v in resize_stalls]} ms; UI-thread CPU of it all {[round(v) for v in resize_cpu]} ms")
    return resize_stalls, resize_cpu


def measure_resize(dash, data, label, wait_load, pause, StallMonitor) -> None:  # noqa: N803 - a class
    """The resize case alone (``--resize-only``): the data applied once, then 5 drags."""
    n = dash.load_count
    dash._loaded(data)
    wait_load(dash, n)
    pause(0.5)
    print(f"{label} (load average {os.getloadavg()[0]:.1f}):")
    own_cpu: list = []
    stalls, cpu = resize_drags(dash, pause, StallMonitor, 5, own_cpu)
    summary(f"metrics dashboard 8x16 series, {label}: longest UI stall while resized",
            f"{max(stalls):.0f} ms (drags {min(stalls):.0f}-{max(stalls):.0f}, median {statistics.median(stalls):.0f}; "
            f"UI-thread CPU per drag {min(cpu):.0f}-{max(cpu):.0f} ms; the console's own CPU in one stall at most "
            f"{max(own_cpu):.0f} ms; load average {os.getloadavg()[0]:.1f})", "-", "< 50 ms", max(stalls) < 50)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ui-only", action="store_true", help="only part 3 (paint time and UI stalls)")
    ap.add_argument("--resize-only", action="store_true", help="only part 3's resize case (5 drags a condition)")
    args = ap.parse_args()
    now = float(int(time.time()) // 60 * 60)
    if not (args.ui_only or args.resize_only):
        part_api_calls(now)
        part_moto(int(now))
    part_ui(now, resize_only=args.resize_only)
    print(f"machine: {machine()}")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # skip interpreter teardown: PySide6 + pyqtgraph can crash while finalizing
