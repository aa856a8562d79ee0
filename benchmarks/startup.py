"""Startup: ``aurora-console --smoke-test`` (normal and --sandbox) against a bare PySide6 program.

    .venv/bin/python benchmarks/startup.py [--repeat 7] [--sandbox-repeat 3]

The baseline shows an empty QMainWindow and exits after its first event-loop turn. Target for
normal mode: at most 1.3x the baseline (no I/O before the first paint; boto3, psycopg and
pyqtgraph imported lazily).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PYTHON, isolated_env, report, run_process  # noqa: E402

BARE = (
    "from PySide6.QtCore import QTimer\n"
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication([])\n"
    "w = QMainWindow(); w.resize(1280, 800); w.show()\n"
    "QTimer.singleShot(0, app.quit)\n"
    "app.exec()\n"
)


def smoke_json(argv, env) -> dict:
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")][-1]
    return json.loads(line)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--sandbox-repeat", type=int, default=3)
    args = p.parse_args()
    env = isolated_env()  # normal mode: a fresh console home (no saved tabs to reopen)
    sandbox_env = isolated_env()  # the sandbox runs save their own layout: keep them apart
    bare = [PYTHON, "-c", BARE]
    normal = [PYTHON, "-m", "aurora_console", "--smoke-test"]
    sandbox_dir = Path(tempfile.mkdtemp(prefix="aurora-bench-sbx-"))
    sandbox = normal + ["--sandbox", "--sandbox-dir", str(sandbox_dir)]
    run_process(bare, env)  # warm the OS file cache
    run_process(normal, env)
    run_process(sandbox, sandbox_env)  # first sandbox run does initdb; later runs reuse it
    rows = [
        ("bare PySide6 QMainWindow", [run_process(bare, env) for _ in range(args.repeat)], None),
        ("aurora-console --smoke-test", [run_process(normal, env) for _ in range(args.repeat)],
         "bare PySide6 QMainWindow"),
        ("aurora-console --sandbox --smoke-test", [run_process(sandbox, sandbox_env) for _ in range(args.sandbox_repeat)],
         "bare PySide6 QMainWindow"),
    ]
    report("startup (wall time of the whole process)", rows)
    inner = smoke_json(normal, env)["timings"]
    print(f"\nnormal mode, inside the process: imports {inner['imports']:.3f}s, first paint "
          f"{inner['first_paint']:.3f}s, ready {inner['ready']:.3f}s")
    sb = smoke_json(sandbox, sandbox_env)
    print(f"sandbox mode, inside the process: first paint {sb['timings']['first_paint']:.3f}s, clusters listed "
          f"{sb['timings']['ready']:.3f}s, database checked through the bastion {sb['timings']['total']:.3f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
