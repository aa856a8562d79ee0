"""Sandbox endpoint benchmark: the sandbox's AWS endpoint process until its clusters are seeded,
against moto's server started bare, measured in the same run (issue 20, part 5: the endpoint's
process is the critical path of the sandbox's first listing).

Cases, interleaved in each round (each a fresh process, as the sandbox starts it):
  * bare moto: ``python -m moto.server`` until it answers an HTTP request (the baseline);
  * endpoint, seed asked: ``AwsEndpointProcess`` started, then the console's reset, gate close
    and ``seed_clusters`` calls (the first seed stage run when asked);
  * endpoint, seed at start: ``AwsEndpointProcess(seed_at_start=True)`` (what the sandbox uses:
    the child seeds as soon as its server runs; the same calls then take that seed).
Both endpoint cases keep their decoded JSON files in a cache folder (``sandbox/json_cache.py``)
filled by a first, untimed start, as the sandbox's cache folder is after its first start.
Each prints the wall time after the launch when the endpoint listened ("up") and when
``seed_clusters`` returned ("seeded"), and, on Linux, the child's CPU seconds by then (from
/proc: the figure a busy machine moves least).

Goal: clusters seeded (seed at start) within 2x the bare moto server's start.

Run by hand: ``.venv/bin/python benchmarks/sandbox_endpoint.py [--repeat 5]`` (about 3 s a
round on a quiet 2-core machine).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import machine, start_bare_moto, summary  # noqa: E402

from aurora_console.sandbox.aws_process import AwsEndpointProcess  # noqa: E402

PASSWORD = "Sbx-benchmark-password-1"
POLL_S = 0.01
GOAL = 2.0


def process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a process (Linux); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bare_moto() -> dict[str, float | None]:
    up, up_cpu = start_bare_moto(process_cpu, poll_s=POLL_S)
    return {"up": up, "up_cpu": up_cpu}


def endpoint(seed_at_start: bool, cache_dir: Path) -> dict[str, float | None]:
    process = AwsEndpointProcess(PASSWORD, seed_at_start=seed_at_start, cache_dir=cache_dir)
    t0 = time.perf_counter()
    try:
        process.start()
        up, up_cpu = time.perf_counter() - t0, process_cpu(process.pid)
        process.reset()
        process.gate.close(on_hold=lambda: None)
        seed = process.seed_clusters(PASSWORD)
        seeded, seeded_cpu = time.perf_counter() - t0, process_cpu(process.pid)
        if len(seed.clusters) < 2:
            raise RuntimeError(f"the seed made {len(seed.clusters)} clusters")
        return {"up": up, "up_cpu": up_cpu, "seeded": seeded, "seeded_cpu": seeded_cpu}
    finally:
        process.stop()


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f}s ({min(values):.3f}-{max(values):.3f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    cache_dir = Path(tempfile.mkdtemp(prefix="bench-endpoint-cache-"))
    endpoint(True, cache_dir)  # fills the JSON cache, as the sandbox's first start does
    cases = {"bare moto": bare_moto, "endpoint, seed asked": lambda: endpoint(False, cache_dir),
             "endpoint, seed at start": lambda: endpoint(True, cache_dir)}
    results: dict[str, list[dict[str, float | None]]] = {name: [] for name in cases}
    loads = []
    for round_no in range(1, args.repeat + 1):
        loads.append(os.getloadavg()[0])
        parts = []
        for name, run in cases.items():
            got = run()
            results[name].append(got)
            parts.append(f"{name}: " + ", ".join(f"{k} {v:.3f}" for k, v in got.items() if v is not None))
        print(f"round {round_no} (load {loads[-1]:.1f}): " + " | ".join(parts))
    print(f"\nmedians (min-max) over {args.repeat} rounds, load average {min(loads):.1f}-{max(loads):.1f}:")
    for name, runs in results.items():
        keys = [k for k in runs[0] if all(r.get(k) is not None for r in runs)]
        print(f"  {name}: " + " | ".join(f"{k} {_spread([float(r[k]) for r in runs])}" for k in keys))
    bare = statistics.median(float(r["up"]) for r in results["bare moto"])
    for name in ("endpoint, seed at start", "endpoint, seed asked"):
        seeded = [float(r["seeded"]) for r in results[name]]
        ratios = [s / float(b["up"]) for s, b in zip(seeded, results["bare moto"], strict=True)]
        summary(f"{name}: clusters seeded", _spread(seeded),
                f"{statistics.median(seeded) / bare:.2f}x ({min(ratios):.2f}-{max(ratios):.2f}x) bare moto start "
                f"({bare:.3f}s)", f"at most {GOAL}x", statistics.median(seeded) / bare <= GOAL)
    cpu = [r.get("seeded_cpu") for r in results["endpoint, seed at start"]]
    bare_cpu = [r.get("up_cpu") for r in results["bare moto"]]
    if all(c is not None for c in cpu + bare_cpu):
        ratio = statistics.median(cpu) / statistics.median(bare_cpu)
        summary("endpoint, seed at start: child CPU to clusters seeded", _spread([float(c) for c in cpu]),
                f"{ratio:.2f}x bare moto's CPU to listening ({statistics.median(bare_cpu):.3f}s)",
                f"at most {GOAL}x", ratio <= GOAL)
    shutil.rmtree(cache_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
