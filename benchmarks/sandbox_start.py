"""Sandbox start benchmark: the console's sandbox against the same PostgreSQL and moto started bare.

Baseline (issue 20, part 5), measured in the same run, the two started concurrently:
  * bare PostgreSQL: ``initdb`` into a temporary folder, then the ``postgres`` binary (the same
    binaries the sandbox finds) until it accepts a connection;
  * bare moto: ``python -m moto.server`` on a free port until it answers an HTTP request.
The baseline figure is the wall time until both are up.

Cases (``aurora-console --sandbox --smoke-test``), timed from the launch of the process as the
baseline is, from the phases the sandbox logs (``Sandbox.mark_phase``, "sandbox phase: ..." lines
in the console's log):
  * clusters listed (the window's first fleet listing ended) and database checked (the check
    through the bastion ended) on a fresh sandbox folder (the data folder template in the
    console's cache already made by a first run);
  * the same on a second start of that folder (state kept).
Each run's phases are printed (seconds after launch, with the console's CPU seconds by then), and
the smoke test's own JSON timings beside them ("ready" counts from its first line of code, "total"
adds its pyqtgraph and text checks after the database check). The very first run (no template
yet) is printed too, for information.

Goals: clusters listed within 1.5x, database checked within 2x of the baseline.

The sandbox runs its AWS endpoint in a child process (``sandbox/aws_process.py``);
``--compare-in-process`` also runs each round's two starts with the endpoint in the console's
own process (``AURORA_SANDBOX_AWS_IN_PROCESS=1``, as before), interleaved, and prints that
breakdown and its summary lines too.

``--compare-tree DIR`` does the same with the console of another source tree (``git archive <commit> |
tar -x -C DIR``): before/after figures from one run, under the same load.

Run by hand: ``.venv/bin/python benchmarks/sandbox_start.py [--repeat 3] [--compare-in-process] [--compare-tree DIR]``.
Each round starts one baseline and two sandboxes (four with the comparison), so a round takes
10-30 s (20-60 s) on a busy 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402
from common import PYTHON, isolated_env, machine, start_bare_moto, summary  # noqa: E402

from aurora_console.sandbox.postgres_env import RunAs, find_postgres_bin, free_port, short_temp_dir  # noqa: E402

POLL_S = 0.01  # the baseline's own poll interval: as tight as the console's


def bare_postgres(bin_dir: Path) -> float:
    """initdb + postgres until a connection succeeds; seconds. Cleans up after itself."""
    run_as = RunAs.for_current_process()
    folder = short_temp_dir("bench-pg-")
    run_as.chown(folder)
    data, sock = folder / "data", folder / "s"
    sock.mkdir()
    run_as.chown(sock)
    port = free_port()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}
    t0 = time.perf_counter()
    subprocess.run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8", "--locale=C",
                    "--no-sync", "--no-instructions", "--auth=trust"], check=True, env=env, cwd=folder,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **run_as.popen_kwargs())
    proc = subprocess.Popen([str(bin_dir / "postgres"), "-D", str(data), "-p", str(port), "-h", "127.0.0.1",
                             "-k", str(sock)], env=env, cwd=folder, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, **run_as.popen_kwargs())
    try:
        while True:
            try:
                with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres",
                                     connect_timeout=5):
                    break
            except psycopg.OperationalError:
                if proc.poll() is not None:
                    raise RuntimeError("bare postgres exited while starting") from None
                time.sleep(POLL_S)
        return time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(folder, ignore_errors=True)


def bare_moto() -> float:
    """``python -m moto.server`` until it answers; seconds."""
    return start_bare_moto(poll_s=POLL_S)[0]


def baseline(bin_dir: Path) -> dict[str, float]:
    """Both started at once (two threads); the wall time until both answer."""
    out: dict[str, float] = {}
    errors: list[BaseException] = []

    def run(name: str, fn) -> None:
        try:
            out[name] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=run, args=("postgres", lambda: bare_postgres(bin_dir))),
               threading.Thread(target=run, args=("moto", bare_moto))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    out["both"] = time.perf_counter() - t0
    return out


PHASE_LINE = re.compile(r"sandbox phase: (?P<name>.+) at (?P<at>[0-9.]+) \(process CPU (?P<cpu>[0-9.]+) s\)")


def phases(log_file: Path, since: float) -> list[tuple[str, float, float]]:
    """The sandbox's start-up phases the run logged (``Sandbox.mark_phase``): (name, seconds after
    the process was launched, the console process's CPU seconds by then)."""
    out = []
    try:
        text = log_file.read_text(errors="replace")
    except FileNotFoundError:
        return out
    for m in PHASE_LINE.finditer(text):
        at = float(m["at"])
        if at >= since:
            out.append((m["name"], at - since, float(m["cpu"])))
    return out


def console(sandbox_dir: Path, env: dict[str, str], *, in_process: bool = False, tree: Path | None = None) -> dict:
    """One ``aurora-console --sandbox --smoke-test``: its JSON line's timings and the phase breakdown.
    ``tree``: run the ``aurora_console`` of that source tree (e.g. ``git archive <commit>`` unpacked)."""
    argv = [PYTHON, "-m", "aurora_console", "--smoke-test", "--sandbox", "--sandbox-dir", str(sandbox_dir)]
    env = dict(env)
    env.pop("AURORA_SANDBOX_AWS_IN_PROCESS", None)
    if in_process:
        env["AURORA_SANDBOX_AWS_IN_PROCESS"] = "1"
    if tree is not None:  # its package first on the path (the endpoint's child inherits PYTHONPATH)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(tree), env.get("PYTHONPATH", "")) if p)
    launched = time.time()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300,
                          cwd=str(tree) if tree is not None else None)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"smoke test failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    result = json.loads(lines[-1])
    log_file = Path(env["AURORA_CONSOLE_HOME"]) / "logs" / "aurora-console.log"
    marks = phases(log_file, launched)
    at = {name: when for name, when, _ in marks}
    timings = result["timings"]
    # from the launch, as the bare baseline is timed: when the window's first listing ended and
    # when the database check through the bastion ended (the smoke test's own "ready" counts from
    # its first line of code, and its "total" adds its plot and text checks after the database check)
    return {"listed": at.get("clusters listed", timings["ready"]), "checked": at.get("database checked", timings["total"]),
            "smoke_ready": timings["ready"], "smoke_total": timings["total"],
            "first_paint": timings.get("first_paint"), "phases": marks}


def phase_text(run: dict) -> str:
    """``first paint 0.9 | aws endpoint up 1.8 (cpu 1.2) | ...``: seconds after launch."""
    parts = [f"first paint {run['first_paint']:.2f}"] if run.get("first_paint") is not None else []
    parts += [f"{name} {at:.2f} (cpu {cpu:.2f})" for name, at, cpu in run["phases"]]
    return " | ".join(parts)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--compare-in-process", action="store_true",
                   help="also start each round's sandboxes with the endpoint in the console's own process")
    p.add_argument("--compare-tree", type=Path, metavar="DIR",
                   help="also start each round's sandboxes from another source tree (e.g. `git archive "
                   "<commit> | tar -x -C DIR`), interleaved: before/after figures under the same load")
    args = p.parse_args()
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        sys.exit("no PostgreSQL server binaries")
    env = isolated_env()  # its own cache folder: the template is made by the first run below
    # a tree run with --compare-tree writes its __pycache__ as the checkout has one (without it each
    # start compiles every module again: not what a user's install does)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    scratch = Path(tempfile.mkdtemp(prefix="aurora-bench-sbxstart-"))
    print(f"machine: {machine()}; PostgreSQL binaries {bin_dir}")
    first = console(scratch / "first", env)
    print(f"first run (makes the template): clusters listed {first['listed']:.3f}s, "
          f"database checked {first['checked']:.3f}s")
    modes = [("", False, None)] + ([("in-process ", True, None)] if args.compare_in_process else [])
    if args.compare_tree:
        tree = args.compare_tree.resolve()
        modes.append((f"{tree.name} ", False, tree))
        console(scratch / "first-tree", env, tree=tree)  # that tree's code makes its template too, if it differs
    rows: dict[str, list[float]] = {k: [] for k in ("base", "pg", "moto")}
    loads = []
    for i in range(args.repeat):
        loads.append(os.getloadavg()[0])
        b = baseline(bin_dir)
        rows["base"].append(b["both"])
        rows["pg"].append(b["postgres"])
        rows["moto"].append(b["moto"])
        print(f"round {i + 1}: load {loads[-1]:.1f}; bare {b['both']:.3f}s (postgres {b['postgres']:.3f}s, "
              f"moto {b['moto']:.3f}s)", flush=True)
        runs: dict[tuple[str, str], dict] = {}
        # interleaved: each mode's fresh start, then each mode's second start (the order turns each round)
        order = modes if i % 2 == 0 else modes[::-1]
        for label, in_process, tree in order:
            runs[(label, "fresh")] = console(scratch / f"round{i}{label.strip()}", env, in_process=in_process, tree=tree)
        for label, in_process, tree in order:
            runs[(label, "again")] = console(scratch / f"round{i}{label.strip()}", env, in_process=in_process, tree=tree)
        for (label, kind), r in runs.items():
            rows.setdefault(f"{label}{kind}_listed", []).append(r["listed"])
            rows.setdefault(f"{label}{kind}_checked", []).append(r["checked"])
            name = f"{label}{'fresh' if kind == 'fresh' else 'second start'}"
            print(f"  {name}: listed {r['listed']:.3f}s checked {r['checked']:.3f}s; phases (s after launch): "
                  f"{phase_text(r)}; smoke test's own ready {r['smoke_ready']:.2f}, total {r['smoke_total']:.2f}",
                  flush=True)
    shutil.rmtree(scratch, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in rows.items()}
    spread = {k: (min(v), max(v)) for k, v in rows.items()}
    print(f"\nmedians over {args.repeat} rounds, load average {min(loads):.1f}-{max(loads):.1f}: bare PostgreSQL "
          f"{med['pg']:.3f}s, bare moto {med['moto']:.3f}s, both {med['base']:.3f}s")
    for label, _, _ in modes:
        for case, key, goal in (("fresh sandbox: clusters listed", "fresh_listed", 1.5),
                                ("fresh sandbox: database checked", "fresh_checked", 2.0),
                                ("second start: clusters listed", "again_listed", 1.5),
                                ("second start: database checked", "again_checked", 2.0)):
            key = f"{label}{key}"
            ratio = med[key] / med["base"]
            low, high = (x / med["base"] for x in spread[key])
            summary(f"{label}{case}", f"{med[key]:.3f}s", f"{ratio:.2f}x ({low:.2f}-{high:.2f}x) bare PostgreSQL+moto "
                    f"start ({med['base']:.3f}s)", f"at most {goal}x", ratio <= goal)

if __name__ == "__main__":
    main()
