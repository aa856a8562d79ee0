"""SQL editor on MySQL: 1,000,000 rows x 3 columns from a real MariaDB, through the console's
engine and result model against the driver's raw fetch (issue 19's "Measured" figures).

    .venv/bin/python benchmarks/sql_fetch_mysql.py [--rows 1000000] [--runs 3] [--no-tls]

Each measurement runs in its own subprocess (peak memory comparable), several rounds
interleaved; medians are printed with their ratio to the baseline measured in the same run:

* raw: the driver's own ``cursor.fetchall()`` (PyMySQL, buffered: every row in memory), the
  chosen driver's fastest way to get a whole result (benchmarks/mysql_drivers.py compares drivers);
* engine + result model: ``mysql_query.run_statement`` (unbuffered cursor, first batch of 1,000)
  and the Qt result model's Fetch all (offscreen table view), every row kept as the raw case does;
* time to the first 1,000 rows after the statement starts returning (goal < 100 ms);
* total time (goal <= 1.25x raw) and peak RSS growth (goal <= 1.0x raw).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GcPauses, machine, summary  # noqa: E402

QUERY = "SELECT id, name, amount FROM bench ORDER BY id"


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _params(cfg: dict) -> dict:
    params = {"host": cfg["host"], "port": cfg["port"], "user": cfg["user"], "password": cfg["password"],
              "database": cfg["db"], "tls_mode": "verify-full" if cfg["tls"] else "disable"}
    if cfg["tls"]:
        params["tls_ca"] = cfg["ca"]
    return params


def worker_raw(cfg: dict) -> dict:
    from aurora_console.core.connections.engines.mysql import BUFFERED_CURSOR, MYSQL

    conn = MYSQL.connect(**_params(cfg))
    base = _rss_mb()
    t0 = time.perf_counter()
    cur = conn.cursor(BUFFERED_CURSOR)
    cur.execute(QUERY)
    rows = cur.fetchall()
    total = time.perf_counter() - t0
    return {"total_s": total, "rows": len(rows), "mem_mb": _peak_mb() - base}


def worker_engine(cfg: dict) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication, QTableView

    import aurora_console.ui  # noqa: F401  (PySide6 workaround)
    from aurora_console.core.db.mysql_query import run_statement
    from aurora_console.core.db.mysql_session import MySqlSession
    from aurora_console.testing.stall import StallMonitor
    from aurora_console.ui.sql.result_model import ResultTableModel
    from aurora_console.ui.tasks import TaskRunner

    if cfg.get("hold"):  # compare: full collector passes held back during the fetch, as for tracked values
        ResultTableModel._values_tracked = lambda self: True
    app = QApplication([])
    runner = TaskRunner(max_threads=2)
    session = MySqlSession(_params(cfg)).connect()
    view = QTableView()
    view.resize(900, 600)
    view.show()
    app.processEvents()
    base = _rss_mb()
    t0 = time.perf_counter()
    result = run_statement(session, QUERY, first_batch=1000)
    first = time.perf_counter() - t0
    model = ResultTableModel(result, runner, "db:bench")
    view.setModel(model)
    stall = StallMonitor().start()
    loop = QEventLoop()
    model.state_changed.connect(lambda: loop.quit() if model.complete or model.error is not None else None)
    with GcPauses() as pauses:  # a full pass over a million row values would be a stall of its own
        model.fetch_all()
        loop.exec()
    if model.error is not None:
        raise model.error
    total = time.perf_counter() - t0
    stall.stop()
    out = {"first_s": first, "total_s": total, "rows": model.rowCount(), "mem_mb": _peak_mb() - base,
           "stall_ms": stall.max_stall_ms, "gc_wall_ms": pauses.longest_wall_ms,
           "gc_full": sum(1 for g, _w, _c in pauses.passes if g == 2)}
    runner.shutdown(5000)
    session.close()
    del app
    return out


def worker_first(cfg: dict) -> dict:
    """The first 1,000 rows after the statement starts returning: the engine's first batch, timed
    from the moment the server's first reply (the result's column descriptions) has arrived."""
    from aurora_console.core.connections.engines.mysql import STREAMING_CURSOR
    from aurora_console.core.db.mysql_query import MySqlResultStream, _columns, _decode_safely
    from aurora_console.core.db.mysql_session import MySqlSession

    session = MySqlSession(_params(cfg)).connect()
    cur = session.conn.cursor(STREAMING_CURSOR)
    t0 = time.perf_counter()
    cur.execute(QUERY)  # returns once the result's header has come: the server started returning
    started = time.perf_counter()
    stream = MySqlResultStream(session, cur)
    stream.columns = _columns(cur)
    _decode_safely(cur, stream)
    rows = stream.fetch(1000)
    done = time.perf_counter()
    stream.close("benchmark")
    session.close()
    return {"first_s": done - started, "to_start_s": started - t0, "rows": len(rows)}


def worker_idle(cfg: dict) -> dict:
    """The longest gap of an idle Qt event loop for 2 s: what this (shared) machine adds to any stall."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    import aurora_console.ui  # noqa: F401
    from aurora_console.testing.stall import StallMonitor

    app = QApplication([])
    loop = QEventLoop()
    stall = StallMonitor().start()
    QTimer.singleShot(2000, loop.quit)
    loop.exec()
    del app
    return {"stall_ms": stall.stop()}


def _sub(kind: str, cfg: dict) -> dict:
    cmd = [sys.executable, __file__, "--worker", kind]
    out = subprocess.run(cmd, input=json.dumps(cfg), capture_output=True, text=True, timeout=900, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{kind} worker failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-tls", action="store_true", help="plain TCP (default: TLS verified, as on Aurora)")
    ap.add_argument("--hold", action="store_true",
                    help="hold full GC passes back during Fetch all (as the model does for tracked values)")
    ap.add_argument("--worker")
    a = ap.parse_args()
    if a.worker:
        cfg = json.loads(sys.stdin.read())
        fn = {"raw": worker_raw, "engine": worker_engine, "first": worker_first, "idle": worker_idle}[a.worker]
        print(json.dumps(fn(cfg)))
        return

    from aurora_console.sandbox.mysql import MysqlServer
    from aurora_console.sandbox.tls import ensure_certificates

    with tempfile.TemporaryDirectory(prefix="mysql-fetch-") as folder:
        tls = ensure_certificates(Path(folder) / "tls", ["localhost"])
        server = MysqlServer(Path(folder) / "data", password=secrets.token_urlsafe(16), tls=tls,
                             settings={"innodb-buffer-pool-size": "256M", "innodb-flush-log-at-trx-commit": "0"})
        with server:
            server.create_database("bench")
            server.execute(
                "CREATE TABLE bench (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL, amount DECIMAL(12,2) NOT NULL)",
                f"INSERT INTO bench SELECT seq, CONCAT('customer ', seq), (seq % 100000) / 100 "
                f"FROM seq_1_to_{int(a.rows)}", database="bench")
            cfg = {"host": server.host, "port": server.port, "user": server.user, "password": server.password,
                   "db": "bench", "tls": not a.no_tls, "ca": str(tls.ca_file), "hold": a.hold}
            raw, eng, first = [], [], []
            for _ in range(a.runs):  # interleaved, so machine noise hits every case
                raw.append(_sub("raw", cfg))
                eng.append(_sub("engine", cfg))
                first.append(_sub("first", cfg))
    assert all(r["rows"] == a.rows for r in raw + eng), "a case fetched the wrong number of rows"
    r_total, r_mem = _median(raw, "total_s"), _median(raw, "mem_mb")
    e_total, e_mem = _median(eng, "total_s"), _median(eng, "mem_mb")
    f_ms = _median(first, "first_s") * 1000
    tag = "TLS" if not a.no_tls else "no TLS"
    print(f"{a.rows:,} rows x 3 columns (int, varchar, decimal), {tag}; {a.runs} rounds, medians\n")
    print(f"all rows, raw PyMySQL fetchall (buffered)      {r_total:8.2f} s    peak RSS +{r_mem:.0f} MB")
    print(f"all rows, engine + result model (Fetch all)    {e_total:8.2f} s    ratio {e_total / r_total:.2f}; "
          f"peak RSS +{e_mem:.0f} MB, ratio {e_mem / r_mem:.2f}")
    print(f"engine: first 1,000 rows after the result starts {f_ms:8.1f} ms   "
          f"(statement to first reply {_median(first, 'to_start_s') * 1000:.1f} ms; "
          f"engine path's own first batch {_median(eng, 'first_s') * 1000:.1f} ms from the call)")
    print(f"longest UI stall while the rows stream in      {_median(eng, 'stall_ms'):8.1f} ms   "
          f"(longest GC pass {_median(eng, 'gc_wall_ms'):.1f} ms wall, {eng[0]['gc_full']} full passes "
          f"in the first round)")
    idle = [_sub("idle", {}) for _ in range(a.runs)]
    print(f"longest gap, idle event loop                   {_median(idle, 'stall_ms'):8.1f} ms   "
          "(this machine's scheduling noise)")
    summary(f"fetch {a.rows:,} rows on MySQL ({tag}): engine + model vs raw PyMySQL fetchall",
            f"{e_total:.2f} s", f"{e_total / r_total:.2f}x", "<= 1.25x", e_total / r_total <= 1.25)
    summary(f"peak memory on MySQL ({tag}): engine + model vs raw fetchall", f"{e_mem:.0f} MB",
            f"{e_mem / r_mem:.2f}x", "<= 1.00x", e_mem / r_mem <= 1.0)
    summary("first 1,000 rows after the MySQL result starts returning", f"{f_ms:.1f} ms", "-", "< 100 ms",
            f_ms < 100)
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()
