"""SQL editor benchmark: 1,000,000 rows x 3 columns from a real PostgreSQL.

    .venv/bin/python benchmarks/sql_fetch.py [--rows 1000000] [--runs 3]

Each measurement runs in its own subprocess (so peak memory is comparable), several times;
medians are printed with their ratio to the baseline measured in the same run:

* time to the first 1,000 rows (engine: server-side cursor, first batch) vs the raw ``fetchall``
  time of the whole result (what a tool without streaming makes you wait for);
* total time to fetch all rows through the engine and the Qt result model (shown in the result
  tab's own view, ``ResultView``, offscreen) vs the fastest raw psycopg ``fetchall``, text or
  binary (target ratio <= 1.0), with the CPU time of both (and of the UI thread), and of the
  server process serving each (the benchmark's PostgreSQL runs on this machine, so its work
  competes with ours: a FETCH's rows pass through a tuplestore, a plain SELECT's do not);
* peak memory (RSS growth during the fetch) of both (target <= 0.5x: the model keeps rows by
  column, core/db/column_store.py);
* the longest UI stall while the rows stream into the model (heartbeat timer; target < 50 ms),
  as the machine is and with a busy loop on every core, each beside the longest gap of an idle
  event loop under the same conditions (what the machine alone adds) and the CPU the UI thread
  and the process used within the longest gap (little CPU there: the process was not running);
* opening and highlighting a 100,000-line file vs a plain QPlainTextEdit.setPlainText, and a
  file of one 5 MB line (a minified dump), with the longest UI stall as is and busy and the CPU
  the process used within it. The editor shows a line that long folded into rows (what the tab
  reads its statements only when one is first run) and, once loaded, a
  case-insensitive Find of a value near the end runs (and scrolls there) inside the same stall
  measurement. ``--editor-only`` skips the fetch cases; ``--before PATH`` runs the
  engine and editor cases also on another checkout's ``aurora_console`` (interleaved, each round's
  figures printed for both), to compare. ``--kinds mixed`` measures one result only; ``--dsn``
  uses a PostgreSQL that already has the ``bench`` and ``bench_fixed`` tables.
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
from common import CpuLoad, GcPauses, machine, summary  # noqa: E402

#: the two results measured: one where text transfer is faster (numeric), one where binary is
QUERIES = {
    "mixed": "SELECT id, name, amount FROM bench ORDER BY id",  # int4, text, numeric
    "fixed": "SELECT id, f, at, u FROM bench_fixed ORDER BY id",  # int8, float8, timestamptz, uuid
}
QUERY = QUERIES["mixed"]


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _server_cpu_s(pid: int) -> float:
    """CPU seconds the server process serving this connection used so far (the benchmark's
    PostgreSQL runs on this machine): on 2 shared cores the server's work competes with ours."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- subprocess workers --------------------------------------------------------------------------
def worker_raw(dsn: str, query: str, binary: bool) -> dict:
    import psycopg

    conn = psycopg.connect(dsn, autocommit=True)
    base = _rss_mb()
    s0 = _server_cpu_s(conn.info.backend_pid)
    t0, c0 = time.perf_counter(), time.process_time()
    cur = conn.cursor().execute(query, binary=binary)
    rows = cur.fetchall()
    total = time.perf_counter() - t0
    return {"total_s": total, "cpu_s": time.process_time() - c0, "rows": len(rows), "mem_mb": _peak_mb() - base,
            "server_cpu_s": _server_cpu_s(conn.info.backend_pid) - s0}


def worker_engine(dsn: str, query: str, batch: str) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

    import aurora_console.ui  # noqa: F401  (PySide6 workaround)
    from aurora_console.core.db.query import run_statement
    from aurora_console.core.db.session import DbSession
    from aurora_console.testing.stall import StallMonitor
    from aurora_console.ui.sql import result_model
    from aurora_console.ui.sql.result_model import ResultTableModel
    from aurora_console.ui.sql.result_view import ResultView
    from aurora_console.ui.tasks import TaskRunner

    if batch:
        result_model.ALL_BATCH = int(batch)

    app = QApplication([])
    runner = TaskRunner(max_threads=2)
    session = DbSession(dsn).connect()
    window = QWidget()  # the result tab's own view (grid, status line) in a window of its own
    window.resize(900, 600)
    layout = QVBoxLayout(window)
    window.show()
    app.processEvents()
    base = _rss_mb()
    s0 = _server_cpu_s(session.conn.info.backend_pid)
    t0, c0, u0 = time.perf_counter(), time.process_time(), time.thread_time()
    result = run_statement(session, query, first_batch=1000)
    first = time.perf_counter() - t0
    model = ResultTableModel(result, runner, "db:bench")
    layout.addWidget(ResultView(model))
    stall = StallMonitor().start()
    loop = QEventLoop()
    model.state_changed.connect(lambda: loop.quit() if model.complete or model.error is not None else None)
    with GcPauses() as pauses:  # a full pass over a million tracked row values is a stall of its own
        model.fetch_all()
        loop.exec()
    if model.error is not None:
        raise model.error
    total = time.perf_counter() - t0
    cpu, ui_cpu = time.process_time() - c0, time.thread_time() - u0
    server_cpu = _server_cpu_s(session.conn.info.backend_pid) - s0
    stall.stop()
    out = {"first_s": first, "total_s": total, "cpu_s": cpu, "ui_cpu_s": ui_cpu, "rows": model.rowCount(), "mem_mb": _peak_mb() - base,
           "stall_ms": stall.max_stall_ms, "stall_ui_cpu_ms": stall.longest_gap_cpu[0],
           "stall_process_cpu_ms": stall.longest_gap_cpu[1], "binary": bool(getattr(result.stream, "binary", False)),
           "gc_wall_ms": pauses.longest_wall_ms, "gc_cpu_ms": pauses.longest[2], "gc_gen": pauses.longest[0],
           "gc_full": sum(1 for g, _w, _c in pauses.passes if g == 2), "server_cpu_s": server_cpu}
    runner.shutdown(5000)
    session.close()
    return out


def worker_idle(seconds: float) -> dict:
    """The longest gap of an idle Qt event loop: what this (shared) machine adds to any stall."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    import aurora_console.ui  # noqa: F401
    from aurora_console.testing.stall import StallMonitor

    app = QApplication([])
    loop = QEventLoop()
    stall = StallMonitor().start()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    del app
    return {"stall_ms": stall.stop()}


def _editor_text(size: int, long_line: bool) -> str:
    if long_line:  # ``size`` MB on one line: a minified dump
        unit = "INSERT INTO orders VALUES (1,'name x',2.50,'x;y');"
        return (unit * (size * 1_000_000 // len(unit) + 1))[: size * 1_000_000]
    return "\n".join(
        f"SELECT id, 'name {i}', amount * {i} FROM orders WHERE id = {i} AND note <> 'x;y'; -- line {i}"
        for i in range(size)
    )


def worker_editor(size: int, mode: str) -> dict:
    """``mode``: "plain" (QPlainTextEdit.setPlainText, the baseline) or "sql" (our editor), with
    "long-" in front for a file of one ``size`` MB line."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    import aurora_console.ui  # noqa: F401
    from aurora_console.testing.stall import StallMonitor

    app = QApplication([])
    text = _editor_text(size, mode.startswith("long-"))
    if mode.endswith("plain"):
        ed = QPlainTextEdit()
        ed.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        ed.resize(900, 700)
        ed.show()
        app.processEvents()
        stall = StallMonitor().start()
        t0 = time.perf_counter()
        ed.setPlainText(text)
        app.processEvents()
        opened = time.perf_counter() - t0
        stall.stop()
        return {"open_s": opened, "stall_ms": stall.max_stall_ms, "gap_cpu_ms": stall.longest_gap_cpu[1]}
    from aurora_console.ui.sql.editor import SqlEditor

    ed = SqlEditor()
    ed.resize(900, 700)
    ed.show()
    app.processEvents()
    # PySide6 makes QWidget's Python enum classes on its first Python-side use (74 of them,
    # 17 ms): the console's window did that long before any file opens, so this process too
    ed.viewport()
    stall = StallMonitor().start()
    t0 = time.perf_counter()
    ed.load_text(text)
    folded = getattr(ed, "folded", None)  # (not in a --before checkout from before folding)
    first_screen = None
    while ed.loading:
        app.processEvents()
        if first_screen is None:
            first_screen = time.perf_counter() - t0
    opened = time.perf_counter() - t0
    found_ms = None
    if mode.startswith("long-"):  # find a value near the end (case-insensitive): the cursor goes there
        needle = text[-200:-180].upper()
        t1 = time.thread_time()
        assert ed.find_text(needle), needle
        found_ms = (time.thread_time() - t1) * 1000
        app.processEvents()
    while ed.highlighter.pending:
        app.processEvents()
    highlighted = time.perf_counter() - t0
    stall.stop()
    assert ed.full_text() == text  # nothing lost or changed
    return {"first_screen_s": first_screen or opened, "open_s": opened, "highlighted_s": highlighted,
            "stall_ms": stall.max_stall_ms, "gap_cpu_ms": stall.longest_gap_cpu[1],
            "max_gap_cpu_ms": stall.max_gap_process_cpu_ms, "blocks": ed.blockCount(),
            "folded_rows": folded.rows if folded is not None else 0, "find_ms": found_ms}


# -- driver ------------------------------------------------------------------------------------------
def _sub(kind: str, arg: str, extra: str = "", tree: str | None = None) -> dict:
    """Run one worker in its own process; ``tree``: import ``aurora_console`` from that checkout."""
    cmd = [sys.executable, __file__, "--worker", kind, "--arg", arg, "--extra", extra]
    env = dict(os.environ, PYTHONPATH=tree) if tree else None
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=ROOT, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"{kind} worker failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def fetch_case(a, dsn: str, kind: str, label: str, batches: list[str]) -> None:
    raw, raw_bin, eng, loaded, idle, idle_loaded = [], [], {b: [] for b in batches}, [], [], []
    before, before_loaded = [], []  # the --before checkout's engine, interleaved with this one's
    loads = []
    for _ in range(a.runs):  # interleaved, so machine noise hits every case
        loads.append(os.getloadavg()[0])
        raw.append(_sub("raw", dsn, kind))
        raw_bin.append(_sub("raw-binary", dsn, kind))
        for b in batches:
            eng[b].append(_sub("engine", dsn, f"{kind}:{b}"))
        if a.before:
            before.append(_sub("engine", dsn, f"{kind}:", a.before))
        idle.append(_sub("idle", "2"))  # what the machine alone adds to a stall, right now
        if not a.no_load:  # the stall again, with a CPU-bound busy loop on every core
            with CpuLoad(limit_s=300):
                loaded.append(_sub("engine", dsn, f"{kind}:{batches[0]}"))
                if a.before:
                    before_loaded.append(_sub("engine", dsn, f"{kind}:", a.before))
                idle_loaded.append(_sub("idle", "2"))
    assert all(r["rows"] == a.rows for r in raw + raw_bin + before + [e for v in eng.values() for e in v])
    r_text, r_bin = _median(raw, "total_s"), _median(raw_bin, "total_s")
    fastest, fastest_name = min((r_text, "text"), (r_bin, "binary"))
    r_mem = min(_median(raw, "mem_mb"), _median(raw_bin, "mem_mb"))
    print(f"-- {kind}: {label}")
    print(f"all rows, raw psycopg fetchall, text     {r_text:8.2f} s")
    print(f"all rows, raw psycopg fetchall, binary   {r_bin:8.2f} s    ratio to text {r_bin / r_text:.2f}")
    for b in batches:
        runs = eng[b]
        e_total, e_mem = _median(runs, "total_s"), _median(runs, "mem_mb")
        fmt = "binary" if runs[0]["binary"] else "text"
        name = f"engine + result model ({fmt}{', FETCH ' + b if b else ''})"
        print(f"first 1,000 rows, {name:40} {_median(runs, 'first_s') * 1000:8.1f} ms")
        print(f"all rows, {name:48} {e_total:8.2f} s    ratio to the fastest raw ({fastest_name}) "
              f"{e_total / fastest:.2f}; to raw text {e_total / r_text:.2f}")
        print(f"peak RSS growth, {name:41} {e_mem:8.0f} MB   raw {r_mem:.0f} MB, ratio {e_mem / r_mem:.2f}")
        print(f"CPU time (process), {name:38} {_median(runs, 'cpu_s'):8.2f} s    raw text "
              f"{_median(raw, 'cpu_s'):.2f} s, raw binary {_median(raw_bin, 'cpu_s'):.2f} s; UI thread "
              f"{_median(runs, 'ui_cpu_s'):.2f} s")
        print(f"CPU time (the server's process), {name:26} {_median(runs, 'server_cpu_s'):8.2f} s    raw text "
              f"{_median(raw, 'server_cpu_s'):.2f} s, raw binary {_median(raw_bin, 'server_cpu_s'):.2f} s "
              "(a FETCH's rows pass through a tuplestore on the server)")
        print(f"longest UI stall, {name:40} {_median(runs, 'stall_ms'):8.1f} ms   "
              f"(max over rounds {max(r['stall_ms'] for r in runs):.1f} ms; in the longest gaps the UI thread "
              f"used {_median(runs, 'stall_ui_cpu_ms'):.0f} ms CPU, the process {_median(runs, 'stall_process_cpu_ms'):.0f}"
              f" ms; an idle event loop's longest gap meanwhile {_median(idle, 'stall_ms'):.0f} ms, "
              f"range {min(r['stall_ms'] for r in idle):.0f}-{max(r['stall_ms'] for r in idle):.0f})")
        print(f"longest GC pass, {name:41} {_median(runs, 'gc_cpu_ms'):8.1f} ms CPU "
              f"({_median(runs, 'gc_wall_ms'):.1f} ms wall; {runs[0]['gc_full']} full passes in the first round)")
        tag = f"{kind} ({label}){', FETCH ' + b if b else ''}"
        summary(f"fetch {a.rows:,} rows {tag}: engine + model vs fastest raw fetchall ({fastest_name})",
                f"{e_total:.2f} s", f"{e_total / fastest:.2f}x", "<= 1.00x", e_total / fastest <= 1.0)
        summary(f"peak memory {tag}: engine + model vs raw fetchall", f"{e_mem:.0f} MB", f"{e_mem / r_mem:.2f}x",
                "<= 0.50x", e_mem / r_mem <= 0.5)
        summary(f"longest UI stall while the rows stream in, {tag}", f"{_median(runs, 'stall_ms'):.1f} ms", "-",
                "< 50 ms", _median(runs, "stall_ms") < 50)
    print(f"load average at each round's start: {', '.join(f'{x:.1f}' for x in loads)}")
    _ranges(f"{kind} [now]", eng[batches[0]], loaded, fastest)
    if before:
        _ranges(f"{kind} [before]", before, before_loaded, fastest)
    if loaded:
        stall = _median(loaded, "stall_ms")
        print(f"longest UI stall, busy loop on every core   {stall:8.1f} ms   "
              f"(max over rounds {max(r['stall_ms'] for r in loaded):.1f} ms; that fetch took "
              f"{_median(loaded, 'total_s'):.2f} s; in the longest gaps the UI thread used "
              f"{_median(loaded, 'stall_ui_cpu_ms'):.0f} ms CPU, the process {_median(loaded, 'stall_process_cpu_ms'):.0f}"
              f" ms; an idle event loop's longest gap under the same load {_median(idle_loaded, 'stall_ms'):.0f} ms, "
              f"range {min(r['stall_ms'] for r in idle_loaded):.0f}-{max(r['stall_ms'] for r in idle_loaded):.0f})")
        summary(f"longest UI stall while the rows stream in, {kind}, with a busy loop on every core",
                f"{stall:.1f} ms", "-", "< 50 ms", stall < 50)


def _ranges(name: str, runs: list[dict], loaded: list[dict], fastest: float) -> None:
    """Every round's figures of one engine (this checkout's or --before's): time ratio to the
    fastest raw fetchall's median, process CPU, UI-thread CPU, longest stall as is and busy."""
    def each(rs: list[dict], key: str, scale: float = 1.0) -> str:
        return ", ".join(f"{r[key] / scale:.2f}" for r in rs)

    print(f"{name}: time/fastest raw {each(runs, 'total_s', fastest)}; "
          f"CPU {each(runs, 'cpu_s')} s, UI thread {each(runs, 'ui_cpu_s')} s, server {each(runs, 'server_cpu_s')} s; "
          f"stall {_runs(runs, 'stall_ms')} ms"
          + (f"; busy stall {_runs(loaded, 'stall_ms')} ms" if loaded else ""))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lines", type=int, default=100_000, help="lines of the editor file (0: skip the editor part)")
    ap.add_argument("--batches", default="",
                    help="comma-separated rows per FETCH of a fetch-all to compare (default: the model's own)")
    ap.add_argument("--no-load", action="store_true",
                    help="skip the stall runs with a CPU-bound busy loop on every core")
    ap.add_argument("--editor-only", action="store_true", help="skip the fetch cases (no PostgreSQL)")
    ap.add_argument("--long-line-mb", type=int, default=5, help="MB of the one-line file (0: skip it)")
    ap.add_argument("--before", default="",
                    help="another checkout's folder: run the fetch (engine) and editor cases on its "
                         "aurora_console too, interleaved")
    ap.add_argument("--kinds", default="mixed,fixed", help="the fetch results to measure: mixed, fixed or both")
    ap.add_argument("--dsn", default="", help="a PostgreSQL that already has the bench tables (skips building them)")
    ap.add_argument("--worker")
    ap.add_argument("--arg", default="")
    ap.add_argument("--extra", default="")
    a = ap.parse_args()
    if a.worker:
        if a.worker in ("raw", "raw-binary"):
            res = worker_raw(a.arg, QUERIES[a.extra], a.worker == "raw-binary")
        elif a.worker == "engine":
            query, _, batch = a.extra.partition(":")
            res = worker_engine(a.arg, QUERIES[query], batch)
        elif a.worker == "idle":
            res = worker_idle(float(a.arg))
        else:
            res = worker_editor(int(a.arg), a.extra)
        print(json.dumps(res))
        return
    if not a.editor_only:
        fetch_cases(a)
    if a.lines:
        editor_case(a, a.lines, "", f"{a.lines:,}-line file")
    if a.long_line_mb:
        editor_case(a, a.long_line_mb, "long-", f"one {a.long_line_mb} MB line")
    print(f"machine: {machine()}")


def fetch_cases(a) -> None:

    from aurora_console.sandbox.postgres import PostgresServer
    from aurora_console.sandbox.postgres_env import find_postgres_bin

    if a.dsn:
        _fetch_all_kinds(a, a.dsn)
        return
    with tempfile.TemporaryDirectory(prefix="sql-bench-") as tmp:
        os.chmod(tmp, 0o755)
        server = PostgresServer(Path(tmp) / "data", bin_dir=find_postgres_bin(), password=secrets.token_urlsafe(12),
                                settings={"fsync": "off", "synchronous_commit": "off", "shared_buffers": "128MB"})
        server.start()
        try:
            dsn = server.dsn()
            with server.connect(autocommit=True) as conn:
                conn.execute("DROP TABLE IF EXISTS bench")
                conn.execute(
                    "CREATE TABLE bench AS SELECT g AS id, 'customer ' || g AS name, (g % 100000) / 100.0 AS amount"
                    f" FROM generate_series(1, {a.rows}) g"
                )
                conn.execute("ALTER TABLE bench ADD PRIMARY KEY (id)")
                conn.execute("VACUUM ANALYZE bench")
                conn.execute("DROP TABLE IF EXISTS bench_fixed")
                conn.execute(
                    "CREATE TABLE bench_fixed AS SELECT g::int8 AS id, g / 7.0::float8 AS f,"
                    " timestamptz '2024-01-01 00:00+00' + g * interval '1 s' AS at, md5(g::text)::uuid AS u"
                    f" FROM generate_series(1, {a.rows}) g"
                )
                conn.execute("ALTER TABLE bench_fixed ADD PRIMARY KEY (id)")
                conn.execute("VACUUM ANALYZE bench_fixed")
            _fetch_all_kinds(a, dsn)
        finally:
            server.stop()


def _fetch_all_kinds(a, dsn: str) -> None:
    batches = [b for b in a.batches.split(",") if b] or [""]
    print(f"{a.rows:,} rows; {a.runs} rounds, each case once per round (interleaved), medians;"
          f" batches {batches if batches != [''] else 'default'}\n")
    kinds = a.kinds.split(",")
    for kind, label in (("mixed", "int4, text, numeric"), ("fixed", "int8, float8, timestamptz, uuid")):
        if kind in kinds:
            fetch_case(a, dsn, kind, label, batches)
    idle = [_sub("idle", "2") for _ in range(a.runs)]
    print(f"longest gap, idle event loop     {_median(idle, 'stall_ms'):8.1f} ms   "
          "(this machine's scheduling noise)")
    print(f"machine: {machine()}")


def _runs(rs: list[dict], key: str) -> str:
    return ", ".join(f"{r[key]:.1f}" for r in rs)


def editor_case(a, size: int, kind: str, label: str) -> None:
    """Interleaved rounds: the plain baseline, our editor (and the ``--before`` tree's), as is and busy."""
    trees = [("now", None)] + ([("before", a.before)] if a.before else [])
    plain, runs, busy = [], {name: [] for name, _ in trees}, {name: [] for name, _ in trees}
    idle, idle_busy = [], []  # the longest gap of an idle event loop: what the machine alone adds
    for _ in range(a.runs):
        plain.append(_sub("editor", str(size), kind + "plain"))
        for name, tree in trees:
            runs[name].append(_sub("editor", str(size), kind + "sql", tree))
        idle.append(_sub("idle", "2"))
        if not a.no_load:
            with CpuLoad(limit_s=600):
                for name, tree in trees:
                    busy[name].append(_sub("editor", str(size), kind + "sql", tree))
                idle_busy.append(_sub("idle", "2"))
    p_open = _median(plain, "open_s")
    print(f"\n{label}; load average {os.getloadavg()[0]:.1f}")
    print(f"plain QPlainTextEdit.setPlainText {p_open:8.2f} s; stall {_runs(plain, 'stall_ms')} ms"
          " (baseline: no highlighting, one blocking call)")
    print(f"longest gap of an idle event loop {_runs(idle, 'stall_ms')} ms"
          + (f", busy {_runs(idle_busy, 'stall_ms')} ms" if idle_busy else "") + " (the machine alone)")
    for name, _ in trees:
        ed = runs[name]
        most = max(r.get("max_gap_cpu_ms", 0.0) for r in ed)
        print(f"[{name}] first screen {_median(ed, 'first_screen_s'):.3f} s, whole text {_median(ed, 'open_s'):.2f} s,"
              f" highlighted {_median(ed, 'highlighted_s'):.2f} s; longest stall {_runs(ed, 'stall_ms')} ms"
              f" (process CPU in it {_runs(ed, 'gap_cpu_ms')} ms; most CPU in one gap {most:.1f} ms)")
        if ed[0].get("folded_rows"):
            print(f"[{name}] shown folded: {ed[0]['folded_rows']:,} rows added; a Find near the end took"
                  f" {_runs(ed, 'find_ms')} ms of UI-thread CPU")
        summary(f"SQL editor [{name}], {label}: longest UI stall while it opens and highlights",
                f"{_median(ed, 'stall_ms'):.1f} ms (runs {_runs(ed, 'stall_ms')})", "-", "< 50 ms",
                _median(ed, "stall_ms") < 50)
        if busy[name]:
            b = busy[name]
            print(f"[{name}] busy: longest stall {_runs(b, 'stall_ms')} ms (process CPU in it {_runs(b, 'gap_cpu_ms')} ms;"
                  f" most CPU in one gap {_runs(b, 'max_gap_cpu_ms')} ms)")
            summary(f"SQL editor [{name}], {label}: longest UI stall, with a busy loop on every core",
                    f"{_median(b, 'stall_ms'):.1f} ms (runs {_runs(b, 'stall_ms')})", "-", "< 50 ms",
                    _median(b, "stall_ms") < 50)


if __name__ == "__main__":
    main()
