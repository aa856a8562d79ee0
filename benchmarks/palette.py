"""Command palette: time per keystroke over a 1,000-cluster fleet (3 instances each, every
cluster action as a verb, the menus), typed one character at a time into the real palette on a
real main window (search + list refresh), against a baseline in the same run: a plain substring
filter of the same entries' titles (the least any search must do).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/palette.py [--clusters 1000]

Goal (issue 21): under 50 ms per keystroke; measured as the machine is and again with a CPU-bound
busy loop on every core (issue 20: no stall over 50 ms on a busy machine).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CpuLoad, machine, summary  # noqa: E402

QUERIES = ("failover ledger-0999", "metrics shop-0500", "ledger-0420-2", "conn tunn", "mtrc blog-0001")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clusters", type=int, default=1000)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="aurora-bench-palette-"))
    os.environ.update({"AURORA_CONSOLE_HOME": str(home), "HOME": str(home), "AWS_CONFIG_FILE": str(home / "c"),
                       "AWS_SHARED_CREDENTIALS_FILE": str(home / "k"),
                       "PYTHON_KEYRING_BACKEND": "aurora_console.testing.memory_keyring.MemoryKeyring"})
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from aurora_console.app import build_services, shutdown_services
    from aurora_console.core.aws.fleet.models import Cluster, Instance, RegionInventory
    from aurora_console.testing.console import console_options
    from aurora_console.ui.main_window import MainWindow
    from aurora_console.ui.palette import open_palette
    from aurora_console.ui.palette.sources import gather

    app = QApplication.instance() or QApplication([])
    services = build_services(console_options(sandbox=False), app)
    window = MainWindow(services)
    window.resize(1400, 900)
    window.show()
    names = ("blog", "ledger", "shop", "orders", "audit")
    clusters = tuple(
        Cluster(id=f"{names[i % len(names)]}-{i:04d}", engine="aurora-postgresql", engine_version="16.4",
                status="available",
                instances=tuple(Instance(f"{names[i % len(names)]}-{i:04d}-{k}", f"c{i}", "WRITER" if k == 1 else "READER",
                                         k, "db.r6g.large", "us-east-1a", "available") for k in (1, 2, 3)))
        for i in range(args.clusters))
    from aurora_console.ui.fleet import load_gc

    load_gc.hold_full_collections()  # as the window's first fleet load does (its survivors frozen after)
    window.clusters.loader.model.set_region(RegionInventory("default", "us-east-1", clusters))
    load_gc.release_full_collections()
    from PySide6.QtTest import QTest

    QTest.qWait(2000)  # the navigator and views take the new fleet in (the fleet load's cost, not the palette's)

    items = gather(window)
    titles = [it.title.lower() for it in items]
    opening, opening_cpu = [], []
    for _ in range(5):
        t0, c0 = time.perf_counter(), time.thread_time()
        palette = open_palette(window)
        app.processEvents()
        opening.append((time.perf_counter() - t0) * 1000)
        opening_cpu.append((time.thread_time() - c0) * 1000)
    gather_ms = max(opening)
    for busy in (False, True):
        how = "busy loop on every core" if busy else "as the machine is"
        with CpuLoad(limit_s=120) if busy else nullcontext():
            per_key, cpu_key, baseline = [], [], []
            for query in QUERIES:
                for n in range(1, len(query) + 1):
                    prefix = query[:n]
                    t0, c0 = time.perf_counter(), time.thread_time()
                    palette.field.setText(prefix)
                    app.processEvents()
                    per_key.append((time.perf_counter() - t0) * 1000)
                    cpu_key.append((time.thread_time() - c0) * 1000)
                    if os.environ.get("PALETTE_TRACE"):
                        print(f"{prefix!r:28} {per_key[-1]:7.1f} ms")
                    t0 = time.perf_counter()
                    terms = prefix.lower().split()
                    [t for t in titles if all(term in t for term in terms)]
                    baseline.append((time.perf_counter() - t0) * 1000)
            load = os.getloadavg()[0]
        print(f"\n== command palette, {len(items)} entries ({args.clusters} clusters), {len(per_key)} keystrokes, "
              f"{how} (load average {load:.1f})")
        print(f"opening (gather + index + first list), 5 times: {', '.join(f'{v:.1f}' for v in opening)} ms "
              f"(UI-thread CPU {', '.join(f'{v:.1f}' for v in opening_cpu)} ms; the first imports the palette)")
        print(f"per keystroke: median {statistics.median(per_key):.1f} ms, max {max(per_key):.1f} ms "
              f"(UI-thread CPU at most {max(cpu_key):.1f} ms)")
        print(f"baseline substring filter: median {statistics.median(baseline):.1f} ms, max {max(baseline):.1f} ms")
        ratio = statistics.median(per_key) / max(1e-6, statistics.median(baseline))
        worst = max(max(per_key), gather_ms)
        summary(f"palette keystroke, {args.clusters}-cluster fleet, {how}",
                f"{max(per_key):.1f} ms max ({min(per_key):.1f}-{max(per_key):.1f}; CPU at most {max(cpu_key):.1f} ms; "
                f"opening at most {gather_ms:.1f} ms, CPU {max(opening_cpu):.1f} ms; load average {load:.1f})", f"{ratio:.1f}x substring filter", "< 50 ms per keystroke (and on opening)",
                worst < 50)
    palette.close()
    print(f"machine: {machine()}")
    window.close()
    shutdown_services(services)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
