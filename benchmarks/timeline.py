"""Benchmark: the Change timeline of a busy cluster: 5,000 events over 14 days.

1. Worker side (off the UI thread): 5,000 CloudTrail events in LookupEvents' shape (made by the
   sandbox's own recorder, :class:`aurora_console.sandbox.cloudtrail.ControlPlaneTrail`, with
   request parameters), parsed, merged with RDS events and audit lines, before/after worked out;
   and how long CloudTrail's rate limit makes reading them (100 calls of 50, paced 0.55 s apart).
2. UI side: the Change timeline tab given that timeline (5,000 rows), then every filter a user
   touches (source boxes, kinds, a typed search, select a row), and the same entries drawn as
   markers on 8 metrics charts, empty and with 16 curves each. Longest UI stall (heartbeat every 5 ms,
   :class:`aurora_console.testing.stall.StallMonitor`) per step, median of several runs, with the
   same steps on a 50-event timeline as the baseline. Goal (issue 17): under 50 ms. Measured
   twice (issue 20): as the machine is, and with a CPU-bound busy loop on every core
   (``common.CpuLoad``).

Run by hand: ``.venv/bin/python benchmarks/timeline.py`` (offscreen Qt; a minute or two).
Quicker: ``--table-only`` (the tab's steps, no charts), ``--condition as-is|busy``, ``--runs N``.
"""

from __future__ import annotations

import contextlib
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.common import CpuLoad, machine, report, summary  # noqa: E402

EVENTS = 5_000
BASELINE_EVENTS = 50
DAYS = 14
RUNS = 5
#: The console's own CPU (all its threads, ms) within any one heartbeat gap of the markers steps
#: on the big timeline: its share of a stall, whatever else the machine runs.
OWN_CPU: list[float] = []
CURVES = 16  # series per chart in the markers step with curves (a cluster of 16 instances)
ACTIONS = [("ModifyDBCluster", {"DBClusterIdentifier": "busy", "BackupRetentionPeriod": "7",
                                "PreferredBackupWindow": "01:00-01:30", "ApplyImmediately": "true"}),
           ("FailoverDBCluster", {"DBClusterIdentifier": "busy", "TargetDBInstanceIdentifier": "busy-2"}),
           ("RebootDBInstance", {"DBInstanceIdentifier": "busy-1"}),
           ("ModifyDBClusterParameterGroup", {"DBClusterParameterGroupName": "busy-pg",
                                              "Parameters.Parameter.1.ParameterName": "work_mem",
                                              "Parameters.Parameter.1.ParameterValue": "64MB"}),
           ("CreateDBClusterSnapshot", {"DBClusterIdentifier": "busy", "DBClusterSnapshotIdentifier": "busy-s"})]


def raw_events(n: int, now: datetime) -> tuple[list[dict], list, list]:
    """``n`` events over 14 days: 80% CloudTrail (LookupEvents' shape), 15% RDS events, 5% audit."""
    from aurora_console.core.audit import AuditEntry
    from aurora_console.core.performance.explain_window import RdsEvent
    from aurora_console.sandbox.cloudtrail import ControlPlaneTrail

    rng = random.Random(17)
    trail = ControlPlaneTrail()
    rds, audit = [], []
    for i in range(n):
        when = now - timedelta(seconds=rng.uniform(0, DAYS * 86400))
        roll = rng.random()
        if roll < 0.8:
            action, params = ACTIONS[i % len(ACTIONS)]
            params = dict(params)
            if "BackupRetentionPeriod" in params:
                params["BackupRetentionPeriod"] = str(1 + i % 30)
            trail.record(action=action, params=params, region="us-east-1", access_key="AKIA", source_ip="198.51.100.7",
                         user_agent="aws-cli/2.15", when=when, caller_arn=f"arn:aws:iam::123456789012:user/u{i % 40}")
        elif roll < 0.95:
            rds.append(RdsEvent(when, "db-instance", f"busy-{i % 3 + 1}", "DB instance restarted", ("availability",)))
        else:
            audit.append(AuditEntry(when.isoformat(), "prod", "us-east-1", "arn:aws:iam::1:user/me", "failover",
                                    {"DBClusterIdentifier": "busy"}, "ok"))
    events, token = [], None
    while True:
        page, token = trail.lookup(region="us-east-1", attributes=[], start=None, end=None, next_token=token)
        events += page
        if not token:
            break
    return events, rds, audit


def build_timeline(events, rds, audit, now):
    from aurora_console.core.aws.timeline.cloudtrail import parse_event
    from aurora_console.core.aws.timeline.entries import merge, with_before_values
    from aurora_console.core.aws.timeline.gather import Timeline
    from aurora_console.core.aws.timeline.sources import from_audit, from_rds_events

    trail = [e for e in (parse_event(raw) for raw in events) if e is not None]
    entries = with_before_values(merge(trail, from_rds_events(rds), from_audit(audit)))
    return Timeline("busy", now - timedelta(days=DAYS), now, tuple(entries))


def ui_steps(app, timeline, runner):
    """Longest stall (ms) of each UI step on a fresh tab holding ``timeline``."""
    from aurora_console.testing.stall import StallMonitor
    from aurora_console.ui.timeline.controller import TimelineController
    from aurora_console.ui.timeline.widget import TimelineTab

    controller = TimelineController(runner, lambda ctx, since, until: timeline, title="busy")
    tab = TimelineTab(controller)
    tab.resize(1400, 800)
    tab.show()
    app.processEvents()
    out, cpu = {}, {}

    def measure(name, action, until):
        cpu0 = time.thread_time()
        with StallMonitor() as stall:
            action()
            deadline = time.perf_counter() + 30
            while not until() and time.perf_counter() < deadline:
                app.processEvents()
                time.sleep(0.001)
            for _ in range(20):  # the repaint that follows
                app.processEvents()
                time.sleep(0.002)
        out[name] = stall.max_stall_ms
        cpu[name] = (time.thread_time() - cpu0) * 1000.0

    loads = controller.load_count
    measure("load and show", controller.load, lambda: controller.load_count > loads)
    box = tab.toolbar.source_boxes["cloudtrail"]
    measure("hide a source", lambda: box.setChecked(False), lambda: True)
    measure("show it again", lambda: box.setChecked(True), lambda: True)
    measure("choose kinds", lambda: controller.set_kinds(["failover", "reboot"]), lambda: True)
    measure("all kinds", lambda: controller.set_kinds(None), lambda: True)
    measure("type a search", lambda: tab.toolbar.search.setText("user/u7"), lambda: controller.text == "user/u7")
    measure("clear the search", lambda: tab.toolbar.search.setText(""), lambda: controller.text == "")
    measure("select a row", lambda: tab.table.selectRow(min(100, tab.model.rowCount() - 1)), lambda: True)
    tab.close()
    tab.deleteLater()
    app.processEvents()
    return out, cpu


def markers_stall(app, timeline, runner, now, curves: int = 0) -> tuple[float, int, float]:
    """Longest stall while the markers of ``timeline`` are read and drawn on 8 charts (each with
    ``curves`` series of the 14 days at a 10-minute period, as a dashboard shows them), the
    markers drawn, and the UI thread's CPU time meanwhile (ms)."""
    from aurora_console.testing.stall import StallMonitor
    from aurora_console.ui.metrics.markers import ChangeMarkers
    from aurora_console.ui.metrics.plots import PlotGrid
    from aurora_console.ui.timeline.chart_markers import MAX_MARKERS

    grid = PlotGrid(lambda *_: None)
    grid.rebuild([(f"m{i}", f"Metric {i}", "Percent") for i in range(8)], True)
    grid.widget.resize(1400, 900)
    grid.widget.show()
    start, end = (now - timedelta(days=DAYS)).timestamp(), now.timestamp()
    if curves:
        import numpy as np

        x = np.arange(start, end, 600.0)
        for n, plot in enumerate(grid.plots.values()):
            plot.set_series([(f"db-{i}", x, 50 + 40 * np.sin(x / 3600 + n + i)) for i in range(curves)])
    grid.set_x_range(start, end)
    # the charts' own first paints, and their redraw once their first size settles, are not the
    # markers' stall
    settled = time.perf_counter() + 30
    while (grid.redrawing or getattr(grid.widget, "frozen", False)) and time.perf_counter() < settled:
        app.processEvents()
        time.sleep(0.002)
    for _ in range(60):
        app.processEvents()
        time.sleep(0.002)
    dash = SimpleNamespace(grid=grid, data=SimpleNamespace(start=start, end=end), services=SimpleNamespace(runner=runner),
                           ref=SimpleNamespace(cluster_id="busy"))
    source = ("Changes", lambda ref, s, e, task: timeline.markers(s, e, limit=MAX_MARKERS))
    markers = ChangeMarkers(dash, lambda: [source])
    # (its button, without a parent here, shows as a window of its own: the charts' window turns
    # inactive and repaints all; in the console the button sits in the dashboard's toolbar)
    for _ in range(60):
        app.processEvents()
        time.sleep(0.002)
    cpu0 = time.thread_time()
    with StallMonitor() as stall:
        markers.set_shown(True)
        deadline = time.perf_counter() + 30
        while (markers.load_count < 1 or markers.loading) and time.perf_counter() < deadline:
            app.processEvents()
            time.sleep(0.001)
        for _ in range(20):
            app.processEvents()
            time.sleep(0.002)
    cpu = (time.thread_time() - cpu0) * 1000.0
    drawn = len(markers.markers)
    markers.set_shown(False)
    grid.close()
    grid.widget.deleteLater()
    app.processEvents()
    OWN_CPU.append(stall.max_gap_process_cpu_ms)
    return stall.max_stall_ms, drawn, cpu


def ui_stalls(app, runner, timeline, small, now, condition: str, markers_only: bool = False,
              table_only: bool = False) -> None:
    """Every UI step on the big and the small timeline, ``RUNS`` times; tables and a summary line.
    ``markers_only``: the markers steps alone; ``table_only``: the tab's steps alone."""
    title = "as the machine is" if condition == "as-is" else "a CPU-bound busy loop on every core"
    big_runs, small_runs, mark_big, mark_small, big_cpu, small_cpu = [], [], [], [], [], []
    mark_curves, mark_curves_small, own_cpu = [], [], []
    drawn = 0
    for _ in range(RUNS):
        stalls, cpu = ui_steps(app, timeline, runner) if not markers_only else ({}, {})
        big_runs.append(stalls)
        big_cpu.append(cpu)
        stalls, cpu = ui_steps(app, small, runner) if not markers_only else ({}, {})
        small_runs.append(stalls)
        small_cpu.append(cpu)
        if table_only:
            continue
        ms, drawn, cpu = markers_stall(app, timeline, runner, now)
        own_cpu.append(OWN_CPU[-1])
        mark_big.append(ms)
        big_cpu[-1]["markers on 8 charts"] = cpu
        ms, _, cpu = markers_stall(app, small, runner, now)
        mark_small.append(ms)
        small_cpu[-1]["markers on 8 charts"] = cpu
        ms, _, cpu = markers_stall(app, timeline, runner, now, curves=CURVES)
        own_cpu.append(OWN_CPU[-1])
        mark_curves.append(ms)
        big_cpu[-1][f"markers on 8 charts of {CURVES} curves"] = cpu
        ms, _, cpu = markers_stall(app, small, runner, now, curves=CURVES)
        mark_curves_small.append(ms)
        small_cpu[-1][f"markers on 8 charts of {CURVES} curves"] = cpu
    loadavg = os.getloadavg()[0]
    rows = []
    for step in big_runs[0]:
        rows.append((f"{step} (50 events)", [r[step] / 1000 for r in small_runs], None))
        rows.append((f"{step} ({EVENTS} events)", [r[step] / 1000 for r in big_runs], f"{step} (50 events)"))
    if not table_only:
        rows.append(("markers on 8 charts (50 events)", [m / 1000 for m in mark_small], None))
        rows.append((f"markers on 8 charts ({EVENTS} events, {drawn} lines)", [m / 1000 for m in mark_big],
                     "markers on 8 charts (50 events)"))
        rows.append((f"markers on 8 charts of {CURVES} curves (50 events)", [m / 1000 for m in mark_curves_small],
                     None))
        rows.append((f"markers on 8 charts of {CURVES} curves ({EVENTS} events, {drawn} lines)",
                     [m / 1000 for m in mark_curves], f"markers on 8 charts of {CURVES} curves (50 events)"))
    medians = report(f"UI, {title} (load average {loadavg:.1f}): longest stall per step (seconds; heartbeat 5 ms)",
                     rows)
    cpu_rows = []
    for step in big_cpu[0]:
        cpu_rows.append((f"{step} (50 events)", [r[step] / 1000 for r in small_cpu], None))
        cpu_rows.append((f"{step} ({EVENTS} events)", [r[step] / 1000 for r in big_cpu], f"{step} (50 events)"))
    report(f"UI thread's own CPU time per step, {title}, whole step incl. repaints (seconds)", cpu_rows)
    worst_step = max((name for name in medians if f"({EVENTS} events" in name), key=lambda n: medians[n])
    worst = medians[worst_step] * 1000
    base = medians[worst_step.replace(f"({EVENTS} events, {drawn} lines)", "(50 events)")
                   .replace(f"({EVENTS} events)", "(50 events)")] * 1000
    highest = max(max(values) for name, values, _ in rows if f"({EVENTS} events" in name) * 1000
    own = f"; the console's own CPU in one stall of the markers steps {min(own_cpu):.0f}-{max(own_cpu):.0f} ms" \
        if own_cpu else ""
    summary(f"timeline {EVENTS} events / {DAYS} days ({condition}, load {loadavg:.1f}): longest UI stall",
            f"{worst:.1f} ms median ({worst_step}; highest of any run {highest:.1f} ms{own})",
            f"{worst / max(base, 0.001):.2f}x the 50-event timeline", "< 50 ms", worst < 50)


def main() -> int:
    global RUNS
    import argparse

    from PySide6.QtWidgets import QApplication

    ap = argparse.ArgumentParser()
    ap.add_argument("--markers-only", action="store_true", help="only the UI steps drawing markers on charts")
    ap.add_argument("--table-only", action="store_true", help="only the tab's steps (load, filters, select), no charts")
    ap.add_argument("--runs", type=int, default=RUNS, help=f"runs per step (median reported; default {RUNS})")
    ap.add_argument("--condition", choices=("both", "as-is", "busy"), default="both",
                    help="as the machine is, with a busy loop on every core, or both (default)")
    args = ap.parse_args()
    if args.markers_only and args.table_only:
        ap.error("--markers-only and --table-only exclude each other")
    RUNS = max(1, args.runs)

    from aurora_console.core.aws.timeline.cloudtrail import LOOKUP_SPACING_S, PAGE_SIZE
    from aurora_console.ui.tasks import TaskRunner

    print(f"Change timeline benchmark: {EVENTS} events over {DAYS} days ({machine()})")
    now = datetime.now(timezone.utc)
    events, rds, audit = raw_events(EVENTS, now)
    small_events, small_rds, small_audit = raw_events(BASELINE_EVENTS, now)
    parse = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        timeline = build_timeline(events, rds, audit, now)
        parse.append(time.perf_counter() - t0)
    small = build_timeline(small_events, small_rds, small_audit, now)
    report("worker side: parse, merge, before/after (off the UI thread)", [(f"{len(timeline.entries)} entries", parse, None)])
    calls = -(-len(events) // PAGE_SIZE)
    print(f"CloudTrail: {len(events)} events need {calls} LookupEvents calls; paced {LOOKUP_SPACING_S} s apart "
          f"(under 2 a second) that is at least {calls * LOOKUP_SPACING_S:.0f} s per resource name read")

    app = QApplication.instance() or QApplication([])
    runner = TaskRunner(max_threads=2)
    for condition in ("as-is", "busy") if args.condition == "both" else (args.condition,):
        load = CpuLoad(limit_s=600) if condition == "busy" else contextlib.nullcontext()
        with load:
            ui_stalls(app, runner, timeline, small, now, condition, markers_only=args.markers_only,
                      table_only=args.table_only)
    print(f"(median of {RUNS} runs; every step's medians above; the parse, {statistics.median(parse) * 1000:.0f} ms, "
          "runs on a worker)")
    runner.shutdown(5000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
