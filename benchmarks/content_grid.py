"""Content editor benchmark: a 1,000,000-row table on a throw-away local PostgreSQL.

Cases (median of several runs, each beside its raw-psycopg baseline measured in the same run):
  * first page:   TableEditor.first()  vs  SELECT * ... ORDER BY id LIMIT n
                  (and "shown": the same plus the Qt item model reset and the view's layout)
  * last page:    TableEditor.last()   vs  SELECT * ... ORDER BY id DESC LIMIT n
                  (and, for contrast, what OFFSET would cost: ... LIMIT n OFFSET 999,900)
  * save 1,000 edited cells in one transaction (optimistic xmin check, savepoint per change,
    RETURNING the new row)  vs  cursor.executemany of the same UPDATEs in one transaction.
  * the longest UI stall while the real grid pages, jumps to the last page and sorts (goal under
    50 ms), as the machine is and with a CPU-bound busy loop on every core.

Run by hand: ``.venv/bin/python benchmarks/content_grid.py [--rows N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CpuLoad, machine, summary  # noqa: E402

from aurora_console.core.db.content.save import save_changes  # noqa: E402
from aurora_console.core.db.content.session import ContentSession  # noqa: E402
from aurora_console.sandbox.postgres import PostgresServer  # noqa: E402
from aurora_console.sandbox.postgres_env import find_postgres_bin  # noqa: E402

PAGE = 100


def paired_ms(ours, base, repeat: int) -> tuple[float, float]:
    """Medians of ``ours`` and ``base`` (run alternately so both see the same machine load) and
    their best runs (the least disturbed by other work on the machine)."""
    ours(), base()  # warm-up (plan cache, buffers)
    a, b = [], []
    for _ in range(repeat):
        for fn, times in ((ours, a), (base, b)):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(a), statistics.median(b), (min(a), min(b))


def report(name: str, ours: float, base: float, base_name: str, best: tuple[float, float] | None = None) -> None:
    line = f"{name:<34} {ours:9.2f} ms   {base_name:<28} {base:9.2f} ms   ratio {ours / base:5.2f}x"
    if best is not None:
        line += f"   (best runs {best[0]:.2f} / {best[1]:.2f} ms, ratio {best[0] / best[1]:.2f}x)"
    print(line)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        print("no PostgreSQL binaries found", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="content-bench-") as tmp:
        server = PostgresServer(Path(tmp) / "data", bin_dir=bin_dir, password=secrets.token_urlsafe(16),
                                settings={"fsync": "off", "synchronous_commit": "off", "shared_buffers": "256MB"})
        server.start()
        try:
            server.create_database("bench")
            dsn = server.dsn("bench")
            run(dsn, args.rows, args.repeat)
        finally:
            server.stop()
    print(f"machine: {machine()}")
    return 0


def run(dsn: str, rows: int, repeat: int) -> None:
    session = ContentSession(dsn, profile="bench", store_root=Path(tempfile.mkdtemp(prefix="content-pending-")))
    conn = session.connection()
    t0 = time.perf_counter()
    conn.execute("CREATE TABLE items (id bigint PRIMARY KEY, title varchar(200) NOT NULL, qty integer, "
                 "price numeric(10,2), tags text[], meta jsonb, created_at timestamptz DEFAULT now())")
    conn.execute("INSERT INTO items SELECT g, 'item ' || g, g %% 1000, (g %% 997) * 1.25, ARRAY['a', 'b' || g %% 7], "
                 "jsonb_build_object('n', g), now() FROM generate_series(1, %s) g", (rows,))
    conn.execute("VACUUM ANALYZE items")
    print(f"table: {rows:,} rows loaded in {time.perf_counter() - t0:.1f} s; page size {PAGE}, "
          f"median of {repeat} runs\n")
    editor = session.table("public.items", page_size=PAGE)

    def raw(query, params=()):
        with conn.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall()

    first, first_raw, best = paired_ms(editor.first, lambda: raw(f"SELECT * FROM items ORDER BY id LIMIT {PAGE}"),
                                       repeat)
    report("first page (grid)", first, first_raw, "raw SELECT ... LIMIT", best)
    last_sql = f"SELECT * FROM items ORDER BY id DESC LIMIT {PAGE}"
    last, last_raw, best = paired_ms(editor.last, lambda: raw(last_sql), repeat)
    report("jump to last page (grid, keyset)", last, last_raw, "raw ORDER BY id DESC LIMIT", best)
    offset, last_raw2, best = paired_ms(lambda: raw(f"SELECT * FROM items ORDER BY id LIMIT {PAGE} OFFSET {rows - PAGE}"),
                                  lambda: raw(last_sql), repeat)
    report("  for contrast: OFFSET last page", offset, last_raw2, "raw ORDER BY id DESC LIMIT", best)
    assert editor.page.rows[-1].key == (str(rows),)
    shown(editor, raw, repeat)
    grid_stalls(editor)

    # 1,000 edited cells, saved in one transaction
    from aurora_console.core.db.content.pager import Pager

    edits = 1000
    loaded = Pager(editor.info, edits).first(conn).rows
    ours, base = [], []
    for i in range(max(3, repeat // 2)):
        changes = editor.new_changeset()
        for row in loaded:
            changes.edit(row, "title", f"edited {i} {row.key[0]}")
        t0 = time.perf_counter()
        result = save_changes(conn, changes)
        ours.append((time.perf_counter() - t0) * 1000)
        assert result.ok and result.applied == edits
        loaded = Pager(editor.info, edits).first(conn).rows  # fresh xmin for the next round
        params = [(f"raw {i} {row.key[0]}", int(row.key[0])) for row in loaded]
        t0 = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur:
            cur.executemany("UPDATE items SET title = %s WHERE id = %s", params)
        base.append((time.perf_counter() - t0) * 1000)
        loaded = Pager(editor.info, edits).first(conn).rows
    report(f"save {edits:,} edited cells (grid)", statistics.median(ours), statistics.median(base),
           "raw executemany, one tx", (min(ours), min(base)))
    session.close()


def shown(editor, raw, repeat: int) -> None:
    """First page *shown*: fetch, item-model reset and a synchronous repaint of the view (offscreen Qt)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QTableView

    from aurora_console.ui.content.table_model import ContentTableModel

    app = QApplication.instance() or QApplication([])
    model = ContentTableModel(editor.info, editor.changes)
    view = QTableView()
    view.setModel(model)
    view.resize(1200, 700)
    view.show()

    model.set_page(editor.first())
    view.resizeColumnsToContents()  # once, as the grid does on its first page

    def ours():
        model.set_page(editor.first())
        view.repaint()  # paint synchronously: every visible cell's data() is asked for
        app.processEvents()

    def base():
        raw(f"SELECT * FROM items ORDER BY id LIMIT {PAGE}")

    med, med_base, best = paired_ms(ours, base, repeat)
    report("first page shown (fetch+model+paint)", med, med_base, "raw SELECT ... LIMIT", best)
    model.detach()
    view.close()


def grid_stalls(editor, rounds: int = 3) -> None:
    """The longest UI stall while the real grid (ContentGrid on a task runner) pages through the
    table: next pages, the last page, a sort on a text column, the first page again; measured as
    the machine is and again with a CPU-bound busy loop on every core (issue 20)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from aurora_console.core.db.content.pager import Sort
    from aurora_console.testing.stall import StallMonitor
    from aurora_console.ui.content.grid import ContentGrid
    from aurora_console.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    runner = TaskRunner()
    grid = ContentGrid(runner, editor)
    grid.resize(1400, 900)
    grid.show()

    def settle(action) -> None:
        done = []
        grid.loaded.connect(lambda: done.append(1))
        action()
        end = time.perf_counter() + 120
        while not done and time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.001)
        grid.loaded.disconnect()
        for _ in range(10):  # the repaint after the page
            app.processEvents()
            time.sleep(0.002)

    end = time.perf_counter() + 60
    while (grid.busy or grid.model.rowCount() == 0) and time.perf_counter() < end:  # its first page
        app.processEvents()
        time.sleep(0.005)
    for busy in (False, True):
        how = "busy loop on every core" if busy else "as the machine is"
        stalls, own = [], []
        with CpuLoad(limit_s=300) if busy else nullcontext():
            for _ in range(rounds):
                with StallMonitor() as stall:
                    for _ in range(3):
                        settle(lambda: grid.state.reload("next"))
                    settle(lambda: grid.state.reload("last"))
                    settle(lambda: grid.state.set_view(sort=Sort("title", True)))
                    settle(lambda: grid.state.set_view(sort=Sort(None)))
                    settle(lambda: grid.state.reload("first"))
                stalls.append(stall.max_stall_ms)
                own.append(stall.max_gap_process_cpu_ms)
            load = os.getloadavg()[0]
        print(f"grid paging (3 next, last, sort on title, unsorted, first) x {rounds}, {how}: longest stall per "
              f"round {[round(v) for v in stalls]} ms, the console's CPU in one stall at most {max(own):.0f} ms, "
              f"load average {load:.1f}")
        summary(f"content grid paging a {editor.info.estimated_rows:,}-row table, {how}: longest UI stall",
                f"{max(stalls):.0f} ms ({min(stalls):.0f}-{max(stalls):.0f}; own CPU in one stall at most "
                f"{max(own):.0f} ms; load average {load:.1f})", "-", "< 50 ms", max(stalls) < 50)
    grid.close()
    runner.shutdown(5000)


if __name__ == "__main__":
    raise SystemExit(main())
