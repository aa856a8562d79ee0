"""Performance screen benchmark: 500 real sessions refreshed every second; the longest UI stall.

A throw-away local PostgreSQL (max_connections 600) gets 500 real client sessions: most idle, a
share idle in a transaction, some running ``pg_sleep`` (active, waiting on a timeout) and a chain
of row-lock waiters (a blocking tree). The Performance screen (its real controller, recorder and
widgets, on a real task runner) is opened on that server with a 1 s refresh and shown with the
Sessions tab in front; a heartbeat timer (``aurora_console.testing.stall.StallMonitor``, 5 ms)
records the longest gap in the Qt event loop over the run. The baseline is the same window
showing the same screen paused (no refresh) for the same time, measured in the same run: the
ratio says what refreshing 500 rows each second costs the UI thread.

Besides the wall-clock gap, each gap's UI-thread CPU time is recorded (``time.thread_time``): on a
shared, loaded machine a gap can be long because the process was not scheduled at all, so the
report gives both the longest gap and the UI thread's own work during the longest gaps.

The issue asks for a longest stall under 50 ms, on an idle machine and a busy one: the runs are
made again with a CPU-bound busy loop on every core (``--busy-runs``). Run by hand:
``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/performance_sessions.py [--sessions 500] [--seconds 20]``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CpuLoad, machine, summary  # noqa: E402

from aurora_console.sandbox.postgres import PostgresServer  # noqa: E402
from aurora_console.sandbox.postgres_env import find_postgres_bin  # noqa: E402


def open_sessions(server: PostgresServer, dbname: str, count: int) -> tuple[list, list[threading.Thread]]:
    import psycopg

    dsn = server.dsn(dbname)
    conns, threads = [], []
    setup = psycopg.connect(dsn, autocommit=True)
    setup.execute("CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, qty int)")
    setup.execute("INSERT INTO items SELECT g, 0 FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING")
    setup.close()
    for n in range(count):
        role = "idle" if n % 10 < 6 else "idle-tx" if n % 10 < 8 else "sleeper" if n % 10 < 9 else "locker"
        conn = psycopg.connect(dsn, autocommit=True, application_name=f"bench-{role}-{n}")
        conns.append(conn)
        if role == "idle-tx":
            conn.execute("BEGIN")
            conn.execute("SELECT qty FROM items WHERE id = %s", (n % 1000 + 1,))
        elif role in ("sleeper", "locker"):
            sql = ("SELECT pg_sleep(600)" if role == "sleeper" else
                   "BEGIN; UPDATE items SET qty = qty + 1 WHERE id = 1; SELECT pg_sleep(600); COMMIT")

            def run(c=conn, q=sql):
                try:
                    c.execute(q)
                except Exception:  # noqa: BLE001 - cancelled at the end of the run
                    pass

            t = threading.Thread(target=run, daemon=True)
            t.start()
            threads.append(t)
    return conns, threads


def close_sessions(conns, threads) -> None:
    for c in conns:
        try:
            c.cancel()
        except Exception:  # noqa: BLE001
            pass
    for t in threads:
        t.join(10)
    for c in conns:
        c.close()


def _cpu_monitor():
    """A StallMonitor that also records, per gap, how much CPU the UI thread used in it."""
    from aurora_console.testing.stall import StallMonitor

    class CpuStallMonitor(StallMonitor):
        def start(self):
            self.gaps: list[tuple[float, float]] = []  # (wall ms, UI-thread cpu ms)
            self._cpu = time.thread_time()
            self._wall = time.perf_counter()
            return super().start()

        def _beat(self) -> None:
            now, cpu = time.perf_counter(), time.thread_time()
            if getattr(self, "_cpu", None) is not None:
                self.gaps.append(((now - self._wall) * 1000.0 - self.interval_ms, (cpu - self._cpu) * 1000.0))
            self._wall, self._cpu = now, cpu
            super()._beat()

    return CpuStallMonitor()


def measure(dsn: str, seconds: float, paused: bool) -> dict:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from aurora_console.core.db.migrations.engine import connection_factory
    from aurora_console.core.performance.activity import APPLICATION_NAME
    from aurora_console.core.performance.instances import InstanceEndpoint
    from aurora_console.core.performance.snapshots import SnapshotStore
    from aurora_console.ui.performance.controller import PerformanceController
    from aurora_console.ui.performance.recorder import PerformanceRecorder
    from aurora_console.ui.performance.screen import PerformanceScreen
    from aurora_console.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    runner = TaskRunner(max_threads=4)
    connect = connection_factory(dsn, application_name=APPLICATION_NAME)

    class Source:
        read_only = False

        def connect(self):
            return connect()

        def close(self):
            pass

    store_dir = Path(tempfile.mkdtemp(prefix="perf-bench-store-"))
    recorder = PerformanceRecorder(runner, open_store=lambda: SnapshotStore(store_dir / "top_sql.sqlite3"))
    instance = InstanceEndpoint("bench", "profile", "127.0.0.1", 0)
    controller = PerformanceController(runner, "bench", list_instances=lambda: [instance],
                                       open_instance=lambda inst, ok, err: ok(Source()), interval_s=1,
                                       recorder=recorder)
    screen = PerformanceScreen(runner, controller)
    screen.resize(1400, 900)
    screen.show()
    controller.start()
    loop = QEventLoop()
    deadline = time.monotonic() + 60
    while controller.reading is None and time.monotonic() < deadline:
        QTimer.singleShot(20, loop.quit)
        loop.exec()
    rows = len(controller.all_sessions())
    if paused:
        screen.toolbar.pause_button.setChecked(True)
    start_refreshes = controller.refreshes
    with _cpu_monitor() as stall:
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()
    worst = sorted(stall.gaps, reverse=True)[:5]
    result = {"rows": rows, "max_stall_ms": stall.max_stall_ms, "gaps_over_50ms": stall.gaps_over_50ms,
              "refreshes": controller.refreshes - start_refreshes, "samples": recorder.samples,
              "worst_gap_cpu_ms": max((cpu for _wall, cpu in worst), default=0.0),
              "max_cpu_in_a_gap_ms": max((cpu for _wall, cpu in stall.gaps), default=0.0), "load": os.getloadavg()[0]}
    screen.can_close()
    screen.deleteLater()
    runner.shutdown(10000)
    app.processEvents()
    return result


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=500)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--busy-runs", type=int, default=1,
                    help="refreshing/paused run pairs again with a busy loop on every core (0: skip)")
    ap.add_argument("--switch-interval-ms", type=float, default=None,
                    help="sys.setswitchinterval for this run (how long a thread holds the GIL before yielding)")
    args = ap.parse_args()
    if args.switch_interval_ms:
        sys.setswitchinterval(args.switch_interval_ms / 1000)
        print(f"GIL switch interval: {sys.getswitchinterval() * 1000:.1f} ms")
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        print("no PostgreSQL binaries found", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="perf-sessions-bench-") as tmp:
        server = PostgresServer(Path(tmp) / "data", bin_dir=bin_dir, password=secrets.token_urlsafe(16),
                                settings={"fsync": "off", "synchronous_commit": "off",
                                          "max_connections": str(args.sessions + 100),
                                          "shared_preload_libraries": "pg_stat_statements"})
        server.start()
        try:
            server.create_database("bench")
            t0 = time.perf_counter()
            conns, threads = open_sessions(server, "bench", args.sessions)
            print(f"{len(conns)} sessions opened in {time.perf_counter() - t0:.1f} s; "
                  f"{args.runs} runs of {args.seconds:.0f} s each, refresh every 1 s")
            try:
                live, idle, busy_live, busy_idle = [], [], [], []
                for _ in range(args.runs):  # alternate, so both see the same machine load
                    live.append(measure(server.dsn("bench"), args.seconds, paused=False))
                    idle.append(measure(server.dsn("bench"), args.seconds, paused=True))
                if args.busy_runs:
                    # the same with a CPU-bound busy loop on every core (bounded in time)
                    with CpuLoad(limit_s=args.busy_runs * 2 * (args.seconds + 30) + 60):
                        for _ in range(args.busy_runs):
                            busy_live.append(measure(server.dsn("bench"), args.seconds, paused=False))
                            busy_idle.append(measure(server.dsn("bench"), args.seconds, paused=True))
            finally:
                close_sessions(conns, threads)
        finally:
            server.stop()
    med_live = statistics.median(r["max_stall_ms"] for r in live)
    med_idle = statistics.median(r["max_stall_ms"] for r in idle)
    print(f"\nrows shown per refresh: {live[0]['rows']}; refreshes per run: {[r['refreshes'] for r in live]}; "
          f"samples per run: {[r['samples'] for r in live]}")
    print(f"{'case':44} {'longest stall (median)':>24} {'runs':>28}  ratio")
    print(f"{'screen refreshing 500 sessions every 1 s':44} {med_live:>21.1f} ms "
          f"{str([round(r['max_stall_ms'], 1) for r in live]):>28}  {med_live / max(med_idle, 0.1):.2f}x paused")
    print(f"{'same screen, paused (baseline)':44} {med_idle:>21.1f} ms "
          f"{str([round(r['max_stall_ms'], 1) for r in idle]):>28}  baseline")
    print(f"gaps over 50 ms while refreshing: {[r['gaps_over_50ms'] for r in live]}")
    cpu_live = statistics.median(r["max_cpu_in_a_gap_ms"] for r in live)
    cpu_idle = statistics.median(r["max_cpu_in_a_gap_ms"] for r in idle)
    print(f"most UI-thread CPU in one gap (median of runs): refreshing {cpu_live:.1f} ms "
          f"{[round(r['max_cpu_in_a_gap_ms'], 1) for r in live]}, paused {cpu_idle:.1f} ms; "
          f"UI-thread CPU within the 5 longest gaps at most {[round(r['worst_gap_cpu_ms'], 1) for r in live]} ms")
    for how, runs, paused in (("as the machine is", live, idle), ("busy loop on every core", busy_live, busy_idle)):
        if not runs:
            continue
        stalls = [r["max_stall_ms"] for r in runs]
        base = statistics.median(r["max_stall_ms"] for r in paused)
        summary(f"performance screen, {args.sessions} sessions refreshed every 1 s, {how}: longest UI stall",
                f"{max(stalls):.0f} ms (runs {min(stalls):.0f}-{max(stalls):.0f}; UI-thread CPU in one gap at most "
                f"{max(r['max_cpu_in_a_gap_ms'] for r in runs):.0f} ms; load average "
                f"{min(r['load'] for r in runs):.1f}-{max(r['load'] for r in runs):.1f})",
                f"{statistics.median(stalls) / max(base, 0.1):.2f}x paused", "< 50 ms", max(stalls) < 50)
    print(f"machine: {machine()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
