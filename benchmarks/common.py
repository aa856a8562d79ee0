"""Helpers shared by the benchmarks: repeated timing, medians, a table with ratios to a baseline.

Benchmarks are run by hand (never by pytest): these machines are noisy, so every case reports
the median of several runs and its ratio to a baseline measured in the same run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def run_process(argv: list[str], env: dict[str, str] | None = None, timeout: float = 300) -> float:
    """Wall time of one process run (fails loudly if it fails)."""
    t0 = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{argv} exited {proc.returncode}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return elapsed


def isolated_env(**extra: str) -> dict[str, str]:
    """Environment with temporary console folders and no AWS profile (never the user's files)."""
    home = Path(tempfile.mkdtemp(prefix="aurora-bench-"))
    env = dict(os.environ)
    env.update({"AURORA_CONSOLE_HOME": str(home / "console"), "HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
                "AWS_CONFIG_FILE": str(home / "aws-config"), "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-creds"),
                "PYTHON_KEYRING_BACKEND": "aurora_console.testing.memory_keyring.MemoryKeyring"})
    for k in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        env.pop(k, None)
    env.update(extra)
    return env


def report(title: str, rows: list[tuple[str, list[float], str | None]], unit: str = "s") -> dict[str, float]:
    """Print one table: case, median (min-max), ratio to the named baseline row."""
    medians = {name: statistics.median(values) for name, values, _ in rows}
    print(f"\n== {title}")
    print(f"{'case':48} {'median':>10} {'min':>9} {'max':>9}  ratio")
    for name, values, baseline in rows:
        ratio = f"{medians[name] / medians[baseline]:.2f}x {baseline}" if baseline else "baseline"
        print(f"{name:48} {medians[name]:>9.3f}{unit} {min(values):>8.3f}{unit} {max(values):>8.3f}{unit}  {ratio}")
    return medians


PYTHON = sys.executable


class GcPauses:
    """Records every garbage-collector pass (generation, milliseconds) while active, through
    ``gc.callbacks``; a pass holds the GIL, so it is a pause of whichever thread triggered it
    and of the UI thread waiting for the GIL.

        with GcPauses() as pauses:
            ...
        pauses.longest_ms, pauses.longest_generation
    """

    def __init__(self) -> None:
        #: (generation, wall ms, CPU ms of the collecting thread) per pass; on a busy machine the
        #: wall time includes the time the thread waited for a core
        self.passes: list[tuple[int, float, float]] = []
        self._t0 = self._c0 = 0.0

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._t0, self._c0 = time.perf_counter(), time.thread_time()
        else:
            self.passes.append((info["generation"], (time.perf_counter() - self._t0) * 1000.0,
                                (time.thread_time() - self._c0) * 1000.0))

    def __enter__(self) -> GcPauses:
        import gc

        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        import gc

        gc.callbacks.remove(self._callback)

    @property
    def longest(self) -> tuple[int | None, float, float]:
        """(generation, wall ms, CPU ms) of the longest pass by CPU time: the collector's own
        work. On a loaded machine a pass of 0.2 ms CPU can take 200 ms of wall time when the
        scheduler preempts the thread mid-pass; that is the machine, not the collector."""
        return max(self.passes, key=lambda p: p[2]) if self.passes else (None, 0.0, 0.0)

    @property
    def longest_wall_ms(self) -> float:
        return max((p[1] for p in self.passes), default=0.0)


def summary(case: str, figure: str, ratio: str, goal: str, meets: bool) -> str:
    """The one summary line per case every benchmark prints (grep for ``SUMMARY``)."""
    line = f"SUMMARY | {case} | {figure} | {ratio} | goal {goal} | {'meets' if meets else 'misses'}"
    print(line)
    return line


def machine() -> str:
    """What the figures were taken on: cores and the load average while measuring."""
    import platform

    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.1f}, Python {platform.python_version()}")


_BUSY = """
import sys, time
end = time.monotonic() + float(sys.argv[1])
x = 0
while time.monotonic() < end:
    for _ in range(20000):
        x += 1
"""


class CpuLoad:
    """A CPU-bound busy loop on every core (one process each), started on entry and stopped on
    exit, so a benchmark can measure its stalls on a busy machine as well as on an idle one.
    Each process also stops by itself after ``limit_s`` (the bound if the benchmark dies).

    The loops stand for the other programs on a DBA's busy machine, so each starts in its own
    session: with Linux's autogroup scheduling (``kernel.sched_autogroup_enabled``) CPU time is
    shared between sessions first, and loops started in the benchmark's own session would be
    taken out of the console's share, which no other program on the machine does.

        with CpuLoad(limit_s=120):
            ... measure ...
    """

    def __init__(self, limit_s: float = 120.0, processes: int | None = None) -> None:
        self.limit_s = limit_s
        self.processes = processes or os.cpu_count() or 1
        self._procs: list[subprocess.Popen] = []

    def __enter__(self) -> CpuLoad:
        self._procs = [subprocess.Popen([sys.executable, "-c", _BUSY, str(self.limit_s)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
                       for _ in range(self.processes)]
        time.sleep(0.2)  # let them reach the loop
        return self

    def __exit__(self, *exc: object) -> None:
        for p in self._procs:
            p.terminate()
        for p in self._procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self._procs = []


def start_bare_moto(after_up: Callable[[int], object] | None = None, poll_s: float = 0.01) -> tuple[float, object]:
    """``python -m moto.server`` started and polled until it answers: (seconds, what
    ``after_up(pid)`` gave just then, before the server is stopped). The sandbox benchmarks'
    baseline for the AWS endpoint."""
    import urllib.request

    from aurora_console.sandbox.postgres_env import free_port

    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=5):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("bare moto server exited while starting") from None
                time.sleep(poll_s)
        return time.perf_counter() - t0, (after_up(proc.pid) if after_up is not None else None)
    finally:
        proc.terminate()
        proc.wait(30)
