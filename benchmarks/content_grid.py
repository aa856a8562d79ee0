"""Content editor benchmark: a 1,000,000-row table on a throw-away local PostgreSQL.

Cases (median of several runs, each beside its raw-psycopg baseline measured in the same run):
  * first page:   TableEditor.first()  vs  SELECT * ... ORDER BY id LIMIT n
                  (and "shown": the same plus the Qt item model reset and the view's layout)
  * last page:    TableEditor.last()   vs  SELECT * ... ORDER BY id DESC LIMIT n
                  (and, for contrast, what OFFSET would cost: ... LIMIT n OFFSET 999,900)
  * save 1,000 edited cells in one transaction (optimistic xmin check, savepoint per change,
    RETURNING the new row)  vs  cursor.executemany of the same UPDATEs in one transaction.

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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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


if __name__ == "__main__":
    raise SystemExit(main())
