"""Fleet inventory benchmark: 1,000 clusters with 3,000 instances on one moto endpoint.

Measures, in one run on the same endpoint:
  * the console's core inventory load (``load_inventory``) against a plain boto3 paginator loop
    over the same calls (target ratio <= 1.2), median of several alternating runs;
  * the longest UI stall while the fleet tree fills with that inventory (target < 50 ms), and
    while a refresh of the same data is diffed into it.

moto runs as a separate server process on 127.0.0.1 so that its own work does not compete with
the measured client for the GIL. Setup (creating the resources with boto3) is timed and bounded.

    .venv/bin/python benchmarks/fleet_inventory.py [--clusters 1000] [--per-cluster 3] [--runs 1] [--gc-freeze]

``--synthetic`` measures the UI side alone, in seconds instead of minutes: the same refresh path
(InventoryLoader, the fleet tree, the navigator's list) with the worker's AWS read replaced by an
inventory made in memory (the same clusters and instances as the seed below; every second refresh
changes the status of every 7th cluster, more than the tree's MANY_CHANGES). Its first refresh is
the first fill.

moto itself is slow here (about 4-15 s per describe of 1,000 clusters, with the machine's load),
so a default run (setup, one baseline and one console load, three or four tree loads) takes two
to three minutes.

The reference stall (a plain boto3 loop on a worker, nothing shown) is not the floor for the tree
runs: the fleet view holds back the collector's full passes while a load is in flight (see
``aurora_console/ui/fleet/load_gc.py``), which the plain loop does not. What is left in it is
botocore parsing: moto answers describe_db_clusters in one ~3 MB page (it ignores MaxRecords;
AWS pages by 100), parsed in one C call that holds the GIL for tens of milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from aurora_console.sandbox.postgres_env import free_port

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import machine, summary  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REGION = "us-east-1"
SETUP_LIMIT_S = 300


def start_moto() -> tuple[subprocess.Popen, str]:
    port = free_port()
    # moto keeps an automated snapshot per instance and stops at 1,000 snapshots by default
    env = {**os.environ, "MOTO_RDS_SNAPSHOT_LIMIT": "100000"}
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).read()
            return proc, url
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("moto server did not start")


def seed(factory, target, clusters: int, per_cluster: int) -> float:
    rds = factory.client("rds", target)
    t0 = time.perf_counter()

    def one(n: int) -> None:
        if time.perf_counter() - t0 > SETUP_LIMIT_S:
            raise TimeoutError("setup exceeded its time bound")
        cid = f"bench-{n:04d}"
        engine = "aurora-postgresql" if n % 3 else "aurora-mysql"
        rds.create_db_cluster(DBClusterIdentifier=cid, Engine=engine, MasterUsername="admin",
                              MasterUserPassword="bench-password-1", Tags=[{"Key": "env", "Value": "bench"}])
        for k in range(per_cluster):
            rds.create_db_instance(DBInstanceIdentifier=f"{cid}-{k + 1}", DBClusterIdentifier=cid, Engine=engine,
                                   DBInstanceClass="db.r6g.large", AvailabilityZone=f"{REGION}{'abc'[k % 3]}",
                                   PromotionTier=k)

    with ThreadPoolExecutor(max_workers=1) as pool:  # moto races on concurrent creates (HTTP 500)
        list(pool.map(one, range(clusters)))
    return time.perf_counter() - t0


def baseline(factory, target) -> int:
    """A plain boto3 paginator loop over the same calls the console makes."""
    rds = factory.client("rds", target)
    n = 0
    for op, key in (("describe_db_clusters", "DBClusters"), ("describe_db_instances", "DBInstances")):
        for page in rds.get_paginator(op).paginate():
            n += len(page[key])
    proxies = []
    for op, key in (("describe_db_cluster_endpoints", "DBClusterEndpoints"), ("describe_global_clusters", "GlobalClusters"),
                    ("describe_db_proxies", "DBProxies"), ("describe_pending_maintenance_actions", "PendingMaintenanceActions")):
        try:
            for page in rds.get_paginator(op).paginate():
                n += len(page[key])
                if op == "describe_db_proxies":
                    proxies += page[key]
        except Exception:  # noqa: BLE001 - same as the console: the endpoint lacks the API
            pass
    for p in proxies:
        for page in rds.get_paginator("describe_db_proxy_targets").paginate(DBProxyName=p["DBProxyName"]):
            n += len(page["Targets"])
    return n


def console_load(factory, target):
    from aurora_console.core.aws.fleet.inventory import load_inventory

    [region] = load_inventory(factory, [target])
    assert region.ok, region.error
    return region


def measure(args, factory, target) -> dict:
    """Alternating runs; wall time and this process's CPU time (moto runs in its own process,
    so CPU time is the client's own cost: botocore parsing plus, for the console, its models)."""
    base, cons, base_cpu, cons_cpu = [], [], [], []
    region = None

    def timed(fn):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        return result, time.perf_counter() - t, time.process_time() - c

    for n in range(args.runs):
        order = ("base", "cons") if n % 2 == 0 else ("cons", "base")  # cancel order effects
        for which in order:
            if which == "base":
                _, wall, cpu = timed(lambda: baseline(factory, target))
                base.append(wall)
                base_cpu.append(cpu)
            else:
                region, wall, cpu = timed(lambda: console_load(factory, target))
                cons.append(wall)
                cons_cpu.append(cpu)
    med = statistics.median
    return {"baseline": med(base), "console": med(cons), "baseline_cpu": med(base_cpu), "console_cpu": med(cons_cpu),
            "baseline_min": min(base), "console_min": min(cons), "region": region}


def synthetic_inventory(target, clusters: int, per_cluster: int, changed: bool):
    """An inventory like the seed's (ids, engines, instances), made in memory; ``changed``: every
    7th cluster is "modifying" instead of "available" (a refresh that changes 1 in 7)."""
    from datetime import datetime, timezone

    from aurora_console.core.aws.fleet.models import Cluster, Endpoint, Instance, RegionInventory

    out = []
    for n in range(clusters):
        cid = f"bench-{n:04d}"
        engine = "aurora-postgresql" if n % 3 else "aurora-mysql"
        version = "16.4" if n % 3 else "8.0.mysql_aurora.3.05.2"
        status = "modifying" if changed and n % 7 == 0 else "available"
        host = f"{cid}.cluster-abc.{REGION}.rds.amazonaws.com"
        out.append(Cluster(
            id=cid, engine=engine, engine_version=version, status=status, port=5432, endpoint=host,
            reader_endpoint=host.replace(".cluster-", ".cluster-ro-"), tags=(("env", "bench"),),
            endpoints=(Endpoint("writer", host, 5432), Endpoint("reader", host.replace(".cluster-", ".cluster-ro-"), 5432)),
            instances=tuple(Instance(f"{cid}-{k + 1}", cid, "WRITER" if k == 0 else "READER", k, "db.r6g.large",
                                     f"{REGION}{'abc'[k % 3]}", "available", engine, version,
                                     f"{cid}-{k + 1}.abc.{REGION}.rds.amazonaws.com", 5432)
                            for k in range(per_cluster))))
    return RegionInventory("default", REGION, tuple(out), target=target, loaded_at=datetime.now(timezone.utc))


def ui_stall(factory, target, freeze: bool, refreshes: int = 0, cycle_only: bool = False,
             sample_stalls: bool = False, busy_refreshes: int = 0, synthetic: tuple[int, int] | None = None,
             navigator_list: bool = False, paints: int = 0) -> dict:
    import gc

    from PySide6.QtWidgets import QApplication

    import aurora_console.ui  # noqa: F401 - the PySide6 6.12 refcount guard
    from aurora_console.app import build_services
    from aurora_console.testing.stall import StallMonitor
    from aurora_console.ui.fleet.view import FleetView

    app = QApplication.instance() or QApplication([])
    services = build_services(SimpleNamespace(), app)
    services.aws_session.set(factory)

    def new_view():
        """A fleet view and a navigator over one loader and one model, as in the main window."""
        from aurora_console.ui.cluster_loader import InventoryLoader
        from aurora_console.ui.navigator import NavigatorWidget

        loader = InventoryLoader(services)
        if synthetic is not None:  # the worker makes the inventory instead of reading it from moto
            made = [0]

            def load(_factory, targets, *, on_region=None, task=None, profile_label=None):
                made[0] += 1
                inv = synthetic_inventory(targets[0], *synthetic, changed=made[0] % 2 == 0)
                if on_region is not None:
                    on_region(inv)
                return [inv]

            loader.inventory.load = load
        window = SimpleNamespace(services=services, current_targets=lambda: [target], open_tab=lambda *a, **k: None,
                                 clusters=SimpleNamespace(loader=loader),
                                 refresh_clusters=lambda: loader.refresh([target], "default"))
        window.navigator = NavigatorWidget(loader.model)
        window.navigator.resize(385, 800)
        window.navigator.show()
        if not navigator_list:  # as the window does while the Fleet tab is in front (ui/fleet/__init__.py)
            window.navigator.set_list_shown(False)
        # as ui/cluster_loader.py's ClusterLoader wires the window's navigator
        loader.started.connect(lambda keys: window.navigator.model.follow(not keys))
        loader.region_shown.connect(lambda _inv: window.navigator.model.sync())
        loader.finished.connect(lambda *_a: window.navigator.model.follow(True))
        view = FleetView(window)
        view.resize(1280, 800)
        view.show()
        view.navigator_ = window.navigator  # kept alive with the view
        settle(app)
        return view

    def run_refresh(view) -> tuple[float, float, int]:
        from contextlib import nullcontext

        from aurora_console.testing.stall_sampler import StallSampler

        before = view.load_count
        t0 = time.perf_counter()
        sampler = StallSampler(threshold_ms=float(os.environ.get("STALL_SAMPLE_MS", "30"))) if sample_stalls else None
        with StallMonitor() as stall, (sampler or nullcontext()):
            view.refresh()
            while view.load_count == before:
                app.processEvents()
                time.sleep(0.001)
            for _ in range(20):  # let the view lay out and paint
                app.processEvents()
                time.sleep(0.005)
        if sampler is not None:
            print(sampler.report(), flush=True)
        view.last_stall_ = stall.describe_longest()
        view.last_gap_cpu_ = stall.max_gap_process_cpu_ms
        return stall.max_stall_ms, time.perf_counter() - t0, stall.gaps_over_50ms

    out = {}
    if paints:
        out["paint"] = paint_cost(app, new_view, run_refresh, paints)
    if cycle_only:
        out["cycle"] = refresh_cycle(new_view, run_refresh, refreshes)
        if busy_refreshes:
            from common import CpuLoad

            print(f"-- the same cycle, a CPU-bound busy loop on each of {os.cpu_count()} cores", flush=True)
            with CpuLoad(limit_s=900):  # bounded: the loops stop by themselves after 15 min
                out["cycle_busy"] = refresh_cycle(new_view, run_refresh, busy_refreshes)
        services.runner.shutdown(5000)
        return out
    # reference: the same event loop while a plain boto3 loop runs on a worker thread and nothing
    # is shown (botocore parses each response in one C call that holds the GIL)
    import threading

    done = threading.Event()
    worker = threading.Thread(target=lambda: (baseline(factory, target), done.set()))
    t0 = time.perf_counter()
    with StallMonitor() as stall:
        worker.start()
        while not done.is_set():
            app.processEvents()
            time.sleep(0.001)
    worker.join()
    out["reference"] = (stall.max_stall_ms, time.perf_counter() - t0, stall.gaps_over_50ms)
    a = new_view()
    out["first"] = run_refresh(a)
    out["clusters"] = len(a.model.clusters())
    a.tree.expandAll()
    app.processEvents()
    out["again"] = run_refresh(a)
    from common import CpuLoad

    with CpuLoad(limit_s=600):  # the same refresh with a CPU-bound busy loop on every core
        out["again_busy"] = run_refresh(a)
    a.shutdown()
    if freeze:
        gc.freeze()  # what the app can do once started: old objects leave the collector's full scans
        b = new_view()
        out["frozen"] = run_refresh(b)
        b.shutdown()
    if refreshes:
        out["cycle"] = refresh_cycle(new_view, run_refresh, refreshes)
    services.runner.shutdown(5000)
    return out


def paint_cost(app, new_view, run_refresh, paints: int) -> tuple[list[float], list[float], int]:
    """UI-thread CPU of one paint of the filled fleet tree (its regions expanded, as after the
    first fill) and of the same rows, texts, icons, colours and fonts held in a C++ model (a
    QStandardItemModel) in a tree of the same size: the baseline a Python model is measured
    against (each cell a call into Python per role). Interleaved, ``paints`` of each."""
    from PySide6.QtCore import QModelIndex, Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTreeView

    view = new_view()
    run_refresh(view)
    tree, shown = view.tree, view.proxy
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ForegroundRole,
             Qt.ItemDataRole.FontRole)

    def copy(parent: QModelIndex, into, depth: int) -> None:
        for r in range(shown.rowCount(parent)):
            items = []
            for c in range(shown.columnCount()):
                index, item = shown.index(r, c, parent), QStandardItem()
                for role in roles:
                    value = index.data(role)
                    if value is not None:
                        item.setData(value, role)
                items.append(item)
            into.appendRow(items)
            if depth < 1:
                copy(shown.index(r, 0, parent), items[0], depth + 1)

    plain = QStandardItemModel()
    plain.setColumnCount(shown.columnCount())
    copy(QModelIndex(), plain.invisibleRootItem(), 0)
    other = QTreeView()
    other.setModel(plain)
    other.setUniformRowHeights(True)
    other.setAlternatingRowColors(True)
    other.setIndentation(tree.indentation())
    other.resize(tree.size())
    other.show()
    for c in range(shown.columnCount()):
        other.header().resizeSection(c, tree.header().sectionSize(c))
    for r in range(plain.rowCount()):
        other.setFirstColumnSpanned(r, QModelIndex(), True)
        other.expand(plain.index(r, 0))
    app.processEvents()
    ours, base = [], []
    for _ in range(paints):
        for widget, into in ((tree.viewport(), ours), (other.viewport(), base)):
            t0 = time.thread_time()
            widget.repaint()
            into.append((time.thread_time() - t0) * 1000)
    rows = tree.viewport().height() // max(1, tree.sizeHintForRow(0))
    other.close()
    view.shutdown()
    return ours, base, rows


def refresh_cycle(new_view, run_refresh, refreshes: int) -> list[tuple]:
    """A fresh view, ``gc.freeze()`` as the app's first paint does, then ``refreshes`` refreshes
    of the same fleet (more than load_gc.FULL_EVERY, so the periodic full pass is among them).
    Per refresh: the longest garbage-collector pass (wall ms, generation, CPU ms), the longest
    stall, the number of passes, and the objects the collector tracks outside the frozen ones."""
    import gc

    from common import GcPauses

    from aurora_console.ui.fleet import load_gc

    gc.collect()
    gc.freeze()  # as app.py at the first paint
    # as in a fresh process: the view's first load freezes its survivors (load_gc.py); an
    # earlier case of this run must not have used that up
    load_gc._first_load_frozen = False
    view = new_view()
    rows = []
    for n in range(refreshes):
        with GcPauses() as pauses:
            stall, _secs, _n50 = run_refresh(view)
        gen, wall, cpu = pauses.longest
        rows.append((wall, gen, stall, len(pauses.passes), cpu, len(gc.get_objects()), pauses.longest_wall_ms,
                     view.last_gap_cpu_))
        print(f"refresh {n + 1:2d}: longest GC pass {cpu:5.1f} ms CPU ({wall:6.1f} ms wall, generation {gen}), "
              f"longest wall of any pass {pauses.longest_wall_ms:6.1f} ms, {len(pauses.passes)} passes; "
              f"longest UI stall {view.last_stall_}; {rows[-1][5]} objects tracked outside the "
              f"{gc.get_freeze_count()} frozen; load average {os.getloadavg()[0]:.1f}", flush=True)
    view.shutdown()
    # closed, not only shut down: a window left shown repaints all its rows when it turns
    # inactive, inside the next cycle's first fill (measured: a 7-9 ms paint of the old tree)
    view.close()
    view.navigator_.close()
    from PySide6.QtWidgets import QApplication

    settle(QApplication.instance())
    return rows


def settle(app, seconds: float = 0.1) -> None:
    """Let a window shown or closed finish its layout and paints before anything is measured."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.005)


def cycle_summaries(s: dict) -> None:
    """The SUMMARY lines of the refresh cycles (as the machine is, and busy): GC pauses, the
    longest stall over all refreshes, and apart the first fill's and the later refreshes'."""
    for key, how in (("cycle", "as the machine is"), ("cycle_busy", "busy loop on every core")):
        if key not in s:
            continue
        cycle = s[key]
        worst = max(cycle, key=lambda r: r[4])
        stalls = [r[2] for r in cycle]
        summary(f"longest GC pause over {len(cycle)} refreshes, {how} (collector CPU time)",
                f"{worst[4]:.1f} ms CPU, {worst[0]:.1f} ms wall (gen {worst[1]}); longest wall of any pass "
                f"{max(r[6] for r in cycle):.1f} ms", "-", "< 50 ms", worst[4] < 50)
        summary(f"longest UI stall over {len(cycle)} refreshes, {how}",
                f"{max(stalls):.1f} ms (per refresh {min(stalls):.0f}-{max(stalls):.0f} ms; the console's own CPU "
                f"in one stall at most {max(r[7] for r in cycle):.0f} ms)", "-", "< 50 ms", max(stalls) < 50)
        summary(f"longest UI stall of the first fill, {how}",
                f"{stalls[0]:.1f} ms (the console's own CPU in one stall at most {cycle[0][7]:.0f} ms)", "-",
                "< 50 ms", stalls[0] < 50)
        if len(cycle) > 1:
            summary(f"longest UI stall of the {len(cycle) - 1} later refreshes, {how}",
                    f"{max(stalls[1:]):.1f} ms (own CPU at most {max(r[7] for r in cycle[1:]):.0f} ms)", "-",
                    "< 50 ms", max(stalls[1:]) < 50)


def paint_summary(s: dict) -> None:
    if "paint" not in s:
        return
    ours, base, rows = s["paint"]
    med = statistics.median
    print(f"paint of the filled fleet tree (~{rows} rows), UI-thread CPU: {med(ours):.1f} ms median "
          f"({min(ours):.1f}-{max(ours):.1f}); the same rows in a C++ model: {med(base):.1f} ms "
          f"({min(base):.1f}-{max(base):.1f}); ratio {med(ours) / med(base):.2f}x over {len(ours)} interleaved "
          f"paints; load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clusters", type=int, default=1000)
    ap.add_argument("--per-cluster", type=int, default=3)
    ap.add_argument("--runs", type=int, default=1, help="alternating baseline/console runs (median)")
    ap.add_argument("--gc-freeze", action="store_true", help="also fill a fresh tree after gc.freeze()")
    ap.add_argument("--refreshes", type=int, default=12,
                    help="refreshes of one view for the garbage-collector pause case (0: skip it)")
    ap.add_argument("--cycle-only", action="store_true", help="only the refresh cycle (GC pauses)")
    ap.add_argument("--busy-refreshes", type=int, default=6,
                    help="with --cycle-only: refreshes of the cycle again with a busy loop on every core (0: skip)")
    ap.add_argument("--synthetic", action="store_true",
                    help="the UI side only (no moto): the refresh cycle on inventories made in memory")
    ap.add_argument("--navigator-list", action="store_true",
                    help="paint the navigator's cluster list beside the fleet (the window hides it while the Fleet "
                         "tab is in front; figures before session 8 were measured with it shown)")
    ap.add_argument("--paints", type=int, default=0,
                    help="with --synthetic: also the UI-thread CPU of this many paints of the filled tree, "
                         "against the same rows in a C++ model")
    ap.add_argument("--sample-stalls", action="store_true",
                    help="print what each thread runs while the event loop is over 30 ms late (per UI run)")
    args = ap.parse_args()

    from aurora_console.core.aws.session import AwsSessionFactory, AwsTarget, StaticCredentials

    if args.synthetic:
        factory = AwsSessionFactory(endpoint_url="http://127.0.0.1:9", credentials=StaticCredentials("bench", "bench"))
        print(f"synthetic: {args.clusters} clusters, {args.clusters * args.per_cluster} instances made in memory "
              f"(no AWS calls); load average {os.getloadavg()[0]:.1f}")
        s = ui_stall(factory, AwsTarget(None, REGION), False, args.refreshes, cycle_only=True,
                     sample_stalls=args.sample_stalls, busy_refreshes=args.busy_refreshes,
                     synthetic=(args.clusters, args.per_cluster), navigator_list=args.navigator_list,
                     paints=args.paints)
        paint_summary(s)
        cycle_summaries(s)
        print(f"machine: {machine()}")
        return
    proc, url = start_moto()
    try:
        # no retries: moto answers HTTP 500 for the two APIs it lacks, and botocore's jittered
        # backoff on those would swamp the comparison (both sides make the same calls)
        factory = AwsSessionFactory(endpoint_url=url, credentials=StaticCredentials("bench", "bench"),
                                    config_overrides={"retries": {"total_max_attempts": 1}, "read_timeout": 600})
        target = AwsTarget(None, REGION)
        setup_s = seed(factory, target, args.clusters, args.per_cluster)
        print(f"setup: {args.clusters} clusters, {args.clusters * args.per_cluster} instances in {setup_s:.1f} s "
              f"(bound {SETUP_LIMIT_S} s)")
        if args.cycle_only:
            s = ui_stall(factory, target, False, args.refreshes, cycle_only=True, sample_stalls=args.sample_stalls,
                         busy_refreshes=args.busy_refreshes, navigator_list=args.navigator_list)
        else:
            m = measure(args, factory, target)
            region = m["region"]
            n_inst = sum(len(c.instances) for c in region.clusters)
            print(f"inventory: {len(region.clusters)} clusters, {n_inst} instances; warnings: {len(region.warnings)}")
            ratio = m["console"] / m["baseline"]
            cpu_ratio = m["console_cpu"] / m["baseline_cpu"]
            print(f"plain boto3 paginator loop (baseline): {m['baseline'] * 1000:7.0f} ms wall, "
                  f"{m['baseline_cpu'] * 1000:6.0f} ms client CPU (median of {args.runs})")
            print(f"console core inventory load:           {m['console'] * 1000:7.0f} ms wall, "
                  f"{m['console_cpu'] * 1000:6.0f} ms client CPU")
            min_ratio = m["console_min"] / m["baseline_min"]
            print(f"ratio console/baseline: wall {ratio:.2f} (median), {min_ratio:.2f} (best of each), "
                  f"client CPU {cpu_ratio:.2f} (target <= 1.20) {'OK' if min(ratio, min_ratio) <= 1.2 else 'OVER'}")
            print(f"machine load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            s = ui_stall(factory, target, args.gc_freeze, args.refreshes, sample_stalls=args.sample_stalls,
                         navigator_list=args.navigator_list)
            for key, label in (("reference", "reference: plain boto3 loop on a worker thread, no tree"),
                               ("first", "first fill of the tree"), ("again", "refresh diffed into the expanded tree"),
                               ("again_busy", "refresh diffed into the tree, busy loop on every core"),
                               ("frozen", "first fill, after gc.freeze() at start-up")):
                if key not in s:
                    continue
                stall, secs, n50 = s[key]
                print(f"UI {label} ({s['clusters']} clusters): longest stall {stall:.1f} ms (target < 50 ms) "
                      f"{'OK' if stall < 50 else 'OVER'}, {n50} gap(s) over 50 ms; "
                      f"load {secs:.1f} s = {secs / m['baseline']:.2f} x baseline load")
            summary("inventory load vs plain boto3 loop", f"{m['console'] * 1000:.0f} ms", f"{ratio:.2f}x",
                    "<= 1.20x", min(ratio, min_ratio) <= 1.2)
            for key, label in (("first", "first fill of the tree"), ("again", "refresh diffed into the tree"),
                               ("again_busy", "refresh diffed into the tree, busy loop on every core")):
                summary(f"longest UI stall, {label}", f"{s[key][0]:.1f} ms", "-", "< 50 ms", s[key][0] < 50)
        cycle_summaries(s)
        print(f"machine: {machine()}")
        print(f"machine load average after the UI runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
