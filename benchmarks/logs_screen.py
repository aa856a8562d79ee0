"""Logs screen benchmark (issue 17): the longest UI stall while a 100 MB database log streams in.

A generated RDS PostgreSQL log (``log_read.generate``) is appended to a file the sandbox's
endpoint serves (DescribeDBLogFiles / DownloadDBLogFilePortion over HTTP, a real boto3 client),
1 MB at a time, while the Logs screen (offscreen, the real widgets, controller and task runner)
follows it. Reported, each beside a baseline measured in the same run:

  * longest UI stall (``testing/stall.py``) and gaps over 50 ms while the log streams in
                                                 vs  the same screen, idle, for the same time
  * time for the whole log to arrive on screen   vs  the same portions downloaded and parsed
                                                     with no screen (core only)
  * memory growth (peak RSS after minus before; the screen keeps at most 16 MB of entries)
  * the severity filter and a search over the entries kept (on a worker): time until shown and
    the longest UI stall meanwhile

Each stall is split (Linux, ``/proc/self/task/<tid>/schedstat`` of the UI thread) into the time
the UI thread ran, the time it was runnable but waited for a CPU (other processes: the machine's
load, not this screen), and the rest, blocked (waiting for the GIL); "longest stall, own" leaves
the run-queue wait out: what a quiet machine would show.

Every stall is measured twice (issue 20): as the machine is, and with a CPU-bound busy loop on
every core (``common.CpuLoad``). ``--sample-stalls`` prints what each thread ran while the event
loop was late (``testing/stall_sampler.py``).

Run by hand: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/logs_screen.py [--mb 100]
[--only as-is|busy] [--no-core] [--sample-stalls] [--portion-kb 768] [--switch-ms 5]``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import boto3  # noqa: E402
from common import CpuLoad, machine, summary  # noqa: E402
from log_read import generate  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from aurora_console.core.aws.db_logs import reader as reader_module  # noqa: E402
from aurora_console.core.aws.db_logs.entries import EntryParser  # noqa: E402
from aurora_console.core.aws.db_logs.reader import LogFileReader  # noqa: E402
from aurora_console.sandbox.aws_server import LocalAwsServer, sandbox_credentials  # noqa: E402
from aurora_console.testing.stall import StallMonitor  # noqa: E402
from aurora_console.testing.stall_sampler import StallSampler  # noqa: E402
from aurora_console.ui import full_collections  # noqa: E402
from aurora_console.ui.logs.controller import LogsController  # noqa: E402
from aurora_console.ui.logs.screen import LogsScreen  # noqa: E402
from aurora_console.ui.tasks import TaskRunner  # noqa: E402

INSTANCE = "bench-1"
NAME = "postgresql.log.2026-12-07-05"
CHUNK = 1 << 20


@dataclass(frozen=True)
class Instance:
    instance_id: str
    role: str = "writer"


class CountingRds:
    """The boto3 client, counting DownloadDBLogFilePortion calls."""

    def __init__(self, client) -> None:
        self._client = client
        self.downloads = 0

    def download_db_log_file_portion(self, **kwargs):
        self.downloads += 1
        return self._client.download_db_log_file_portion(**kwargs)

    def __getattr__(self, name):
        return getattr(self._client, name)


class Sources:
    def __init__(self, rds) -> None:
        self._rds = rds

    def instances(self):
        return [Instance(INSTANCE)]

    def exports_to_cloudwatch(self):
        return False

    def rds(self):
        return self._rds

    def logs(self):
        return None


class AttributedStalls(StallMonitor):
    """The stall meter, with each beat's CPU time and run-queue wait of the UI thread, and the
    longest run-queue wait of any other thread of the process over the same beat (a thread
    holding the GIL while it waits for a CPU keeps the UI thread waiting for the GIL: "blocked")."""

    def __init__(self) -> None:
        super().__init__()
        self._stat = None
        self._me = threading.get_native_id()
        with contextlib.suppress(OSError):
            self._stat = open(f"/proc/self/task/{self._me}/schedstat")  # noqa: SIM115
        self._sched = (0.0, 0.0)
        self._others: dict[str, tuple[float, float]] = {}
        #: stall, ran, run queue, the longest run-queue wait of another thread meanwhile (ms)
        self.longest: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
        self.own_max_ms = 0.0
        #: the longest stall less the UI thread's run-queue wait and, of the time it was blocked,
        #: the part another thread of the process waited for a CPU (holding the GIL, likely)
        self.no_queue_max_ms = 0.0
        self.seconds = 0.0

    def _read(self) -> tuple[float, float]:
        if self._stat is None:
            return 0.0, 0.0
        self._stat.seek(0)
        ran, queued, _ = self._stat.read().split()
        return int(ran) / 1e6, int(queued) / 1e6

    def _read_others(self) -> dict[str, tuple[float, float]]:
        out = {}
        if self._stat is None:
            return out
        for tid in os.listdir("/proc/self/task"):
            if tid == str(self._me):
                continue
            with contextlib.suppress(OSError, ValueError), open(f"/proc/self/task/{tid}/schedstat") as f:
                ran, queued, _ = f.read().split()
                out[tid] = (int(ran) / 1e6, int(queued) / 1e6)
        return out

    def _beat(self) -> None:
        now = time.perf_counter()
        last = self._last
        super()._beat()
        sched = self._read()
        others = self._read_others()
        if last is not None:
            gap = (now - last) * 1000.0 - self.interval_ms
            ran, queued = sched[0] - self._sched[0], sched[1] - self._sched[1]
            other_queued = max((q - self._others[t][1] for t, (_r, q) in others.items() if t in self._others),
                               default=0.0)
            if gap >= self.longest[0]:
                self.longest = (gap, ran, queued, other_queued)
            self.own_max_ms = max(self.own_max_ms, gap - queued)
            blocked = max(0.0, gap - ran - queued)
            self.no_queue_max_ms = max(self.no_queue_max_ms, gap - queued - min(blocked, other_queued))
        self._sched = sched
        self._others = others

    def start(self) -> AttributedStalls:
        self._sched = self._read()
        self._others = self._read_others()
        return super().start()

    def split(self) -> str:
        gap, ran, queued, other = self.longest
        if self._stat is None:
            return ""
        return (f"longest: ran {ran:.1f}, waited for a CPU {queued:.1f}, blocked {max(0.0, gap - ran - queued):.1f} ms"
                f" (another thread waited {other:.1f} ms for a CPU meanwhile); longest stall, own (no run-queue wait)"
                f" {self.own_max_ms:.1f} ms; with no thread's run-queue wait {self.no_queue_max_ms:.1f} ms")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def wait(app, predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out")
        app.processEvents()
        time.sleep(0.002)


def appender(source: Path, target: Path, done: threading.Event) -> None:
    """Append ``source`` to ``target`` 1 MB at a time (whole lines), as a busy server writes."""
    with open(source, "rb") as src, open(target, "ab") as out:
        carry = b""
        while True:
            block = src.read(CHUNK)
            if not block:
                break
            block = carry + block
            cut = block.rfind(b"\n") + 1
            out.write(block[:cut])
            out.flush()
            carry = block[cut:]
            time.sleep(0.01)
        out.write(carry)
    done.set()


def core_only(app, rds, source: Path, target: Path, sample: bool = False) -> AttributedStalls:
    """The same bytes downloaded and parsed on a worker thread, no screen (after the file is
    whole), while the event loop runs: the stall the work alone causes (the GIL and the two
    cores it shares). Full GC passes are held back as the screen holds them while it follows."""
    shutil.copyfile(source, target)
    counted: list[int] = []

    def work() -> None:
        parser_ = EntryParser()
        kept = []  # kept as the screen keeps them, so the collector sees as many objects
        for portion in LogFileReader(rds, INSTANCE, "error/" + NAME).forwards():
            kept.extend(parser_.feed(portion.data))
            del kept[: max(0, len(kept) - 100_000)]
        counted.append(len(kept))

    worker = threading.Thread(target=work)
    full_collections.hold()
    sampler = StallSampler(threshold_ms=30) if sample else contextlib.nullcontext()
    try:
        with AttributedStalls() as floor, sampler:
            t0 = time.perf_counter()
            worker.start()
            wait(app, lambda: not worker.is_alive(), 900)
            floor.seconds = time.perf_counter() - t0
    finally:
        full_collections.release()
        target.write_text("")
    if sample:
        print("core only:", sampler.report())
    return floor


def follow_case(app, runner, rds, source: Path, target: Path, sample: bool) -> dict:
    """The Logs screen follows ``target`` while ``source`` is appended to it."""
    target.write_text("")
    rds = CountingRds(rds)
    controller = LogsController(runner, "bench", Sources(rds), follow_interval=0.2)
    screen = LogsScreen(runner, controller)
    screen.resize(1400, 800)
    screen.show()
    controller.start()
    wait(app, lambda: controller.files, 30)
    out: dict = {}
    with StallMonitor() as idle:
        t_end = time.perf_counter() + 3
        while time.perf_counter() < t_end:
            app.processEvents()
            time.sleep(0.001)
    out["idle"] = idle
    before = rss_mb()
    controller.follow()
    wait(app, lambda: controller.follow_portions >= 1 or controller.errors, 30)
    done = threading.Event()
    writer = threading.Thread(target=appender, args=(source, target, done), daemon=True)
    sampler = StallSampler(threshold_ms=30) if sample else contextlib.nullcontext()
    cpu0, ui0 = time.process_time(), time.thread_time()
    with AttributedStalls() as stall, sampler:
        t0 = time.perf_counter()
        writer.start()
        wait(app, lambda: done.is_set(), 900)
        expected = target.stat().st_size

        def arrived() -> bool:
            if controller.errors:
                raise RuntimeError(controller.errors)
            return controller._tail_end == f"1:{expected}"  # the sandbox's marker: 1:<byte offset>

        wait(app, arrived, 900)
        out["seconds"] = time.perf_counter() - t0
    out["cpu"], out["ui_cpu"] = time.process_time() - cpu0, time.thread_time() - ui0
    if sample:
        print(sampler.report())
    out["stall"] = stall
    out["growth"] = rss_mb() - before
    out["kept"] = len(controller.entries)
    out["portions"] = controller.follow_portions
    out["calls"] = rds.downloads
    out["mb"] = expected / 1e6
    controller.stop_follow()

    for label, action in (("severity filter ERROR", lambda: controller.set_filters(severities=["ERROR"])),
                          ("severity filter off", lambda: controller.set_filters(severities=None)),
                          ("search deadlock", lambda: controller.set_search("deadlock"))):
        with AttributedStalls() as one:
            t0 = time.perf_counter()
            action()
            wait(app, lambda: not controller.filtering, 60)  # on a worker over many entries
            app.processEvents()
            one.seconds = time.perf_counter() - t0
        out[label] = (one, len(controller.shown), len(controller.hits))
    screen.can_close()
    screen.close()
    screen.deleteLater()
    app.processEvents()
    return out


def print_case(title: str, case: dict, floor: AttributedStalls) -> None:
    stall, idle = case["stall"], case["idle"]
    rate = case["mb"] / case["seconds"]
    print(f"\n== {title}: {case['mb']:.0f} MB streaming in, followed by the screen "
          f"({case['portions']} portions, {case['calls']} calls)")
    print(f"{'baseline: the screen idle, longest stall':<62} {idle.max_stall_ms:8.1f} ms")
    ratio = stall.max_stall_ms / idle.max_stall_ms if idle.max_stall_ms > 0 else float("nan")
    print(f"{'longest UI stall while streaming':<62} {stall.max_stall_ms:8.1f} ms  ratio {ratio:6.1f}"
          f"  ({stall.gaps_over_50ms} gaps over 50 ms, {stall.beats} beats)")
    print(f"{'':<62} {stall.split()}")
    print(f"{'baseline: core only on a worker (no screen), longest stall':<62} {floor.max_stall_ms:8.1f} ms"
          f"  ({floor.gaps_over_50ms} gaps over 50 ms)")
    print(f"{'':<62} {floor.split()}")
    print(f"{'the screen against it':<62} {'':8} ratio {stall.max_stall_ms / max(floor.max_stall_ms, 1):6.1f}")
    print(f"{'baseline: downloaded and parsed, core only':<62} {floor.seconds:8.1f} s")
    print(f"{'arrived on screen (writer 1 MB / 10 ms, polls every 0.2 s)':<62} {case['seconds']:8.1f} s   "
          f"ratio {case['seconds'] / floor.seconds:6.2f}  ({rate:.1f} MB/s followed; "
          f"process CPU {case['cpu']:.1f} s)")
    print(f"{'UI thread CPU while it streamed in':<62} {case['ui_cpu']:8.2f} s   "
          f"({case['ui_cpu'] * 1000 / case['mb']:.1f} ms per MB; the rest of the process {case['cpu'] - case['ui_cpu']:.1f} s)")
    print(f"{'memory growth (peak RSS; client, endpoint and screen)':<62} {case['growth']:8.1f} MB  goal < 50 MB;"
          f" {case['kept']:,} entries kept")
    for label in ("severity filter ERROR", "severity filter off", "search deadlock"):
        one, shown, hits = case[label]
        print(f"{label + ' (until shown)':<62} {one.seconds * 1000:8.1f} ms  longest UI stall {one.max_stall_ms:.1f} ms "
              f"({shown:,} shown, {hits:,} found)")
        print(f"{'':<62} {one.split()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--sample-stalls", action="store_true",
                        help="sample what each thread runs while the event loop is late (testing/stall_sampler.py)")
    parser.add_argument("--only", choices=("as-is", "busy"), help="measure one condition only")
    parser.add_argument("--no-core", action="store_true", help="leave out the core-only baseline")
    parser.add_argument("--switch-ms", type=float, help="sys.setswitchinterval for the whole run (milliseconds)")
    parser.add_argument("--portion-kb", type=int,
                        help="portions of about this size (the reader's NumberOfLines adapts to it; default 768)")
    args = parser.parse_args()
    if args.switch_ms:
        sys.setswitchinterval(args.switch_ms / 1000)
    if args.portion_kb:
        reader_module.TARGET_BYTES = args.portion_kb * 1024
    app = QApplication.instance() or QApplication([])
    scratch = Path(tempfile.mkdtemp(prefix="aurora-logscreen-"))
    served = scratch / "served"
    served.mkdir()
    server = LocalAwsServer()
    runner = TaskRunner(max_threads=2)
    try:
        source = scratch / "source.log"
        lines = generate(source, args.mb)
        size = source.stat().st_size
        print(f"generated {size / 1e6:.0f} MB, {lines:,} lines; {machine()}")
        target = served / NAME
        target.write_text("")
        endpoint = server.start()
        server.rds_logs.attach([INSTANCE], served)
        rds = boto3.client("rds", endpoint_url=endpoint, **sandbox_credentials().client_kwargs())
        gc.collect()
        gc.freeze()  # as app.py does after the first paint: start-up objects leave the full passes
        conditions = [c for c in ("as-is", "busy") if args.only in (None, c)]
        results = {}
        for condition in conditions:
            load = CpuLoad(limit_s=900) if condition == "busy" else contextlib.nullcontext()
            with load:
                floor = AttributedStalls()
                if not args.no_core:
                    floor = core_only(app, rds, source, target, args.sample_stalls)
                else:
                    floor.seconds = float("nan")
                case = follow_case(app, runner, rds, source, target, args.sample_stalls)
                loads = os.getloadavg()
            results[condition] = (case, floor, loads)
            title = "as the machine is" if condition == "as-is" else "a CPU-bound busy loop on every core"
            print_case(f"{title} (load average {loads[0]:.1f})", case, floor)
        print()
        for condition, (case, floor, loads) in results.items():
            stall = case["stall"]
            where = f"{condition}, load {loads[0]:.1f}"
            summary(f"logs screen following {case['mb']:.0f} MB ({where}): longest UI stall",
                    f"{stall.max_stall_ms:.1f} ms (the UI thread ran {stall.longest[1]:.1f} ms of it; "
                    f"own {stall.own_max_ms:.1f} ms: ran and blocked on the GIL, with no thread's run-queue wait "
                    f"{stall.no_queue_max_ms:.1f} ms; "
                    f"{case['mb'] / case['seconds']:.1f} MB/s followed)",
                    f"{stall.max_stall_ms / max(floor.max_stall_ms, 1):.2f}x core only", "< 50 ms",
                    stall.max_stall_ms < 50)
            summary(f"logs screen following {case['mb']:.0f} MB ({where}): memory growth",
                    f"{case['growth']:.1f} MB", "-", "< 50 MB", case["growth"] < 50)
            worst = max(("severity filter ERROR", "severity filter off", "search deadlock"),
                        key=lambda k: case[k][0].max_stall_ms)
            ms = case[worst][0].max_stall_ms
            summary(f"logs screen filters/search on the entries kept ({where}): longest UI stall",
                    f"{ms:.1f} ms ({worst})", "-", "< 50 ms", ms < 50)
        print(f"\nload average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    finally:
        runner.shutdown(5000)
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
