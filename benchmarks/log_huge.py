"""Database log benchmark (issue 17, "A 1 GB log: bounded memory, cancel at any time"): a 1 GB
RDS PostgreSQL log served by the sandbox's endpoint (DescribeDBLogFiles /
DownloadDBLogFilePortion over HTTP, a real boto3 client), read by the console's own code.

Cases (the same code the Logs screen runs, no bypass):
  * whole file streamed: every portion downloaded (``LogFileReader.forwards``) and parsed as the
    screen parses one (``Parsed.parse``, in slices), nothing kept: time, MB/s and memory growth
    (peak RSS after minus before; goal under 50 MB, as for 100 MB)
                                                  vs  the file read from disk in 1 MB blocks
  * the screen's controller (``LogsController`` on the real task runner): the last lines (first
    screen), then Load earlier, which indexes the whole file once (a forward pass keeping no
    data) and loads the portion before; then more portions back: entries kept (bounded by
    ``MAX_KEPT_BYTES``, counted as ``entry_size``) and memory growth (peak RSS; after the
    whole-file stream, so the growth beyond that case's peak)
  * cancel at any time: Load earlier's indexing pass and the whole-file stream cancelled after
    0.5, 2 and 5 s: the time from the cancel until the worker has stopped, and the calls it
    started after the cancel (goal: none; the one in flight finishes)

The file is generated once (``log_read.generate`` for the first 50 MB, then copies of it: the
parser does not mind the times starting again) in a temporary folder and removed at the end.

Run by hand: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/log_huge.py [--mb 1024]
[--skip-stream]``. On the 2-core development machine the whole-file stream of 1 GB takes some
minutes (parsing runs at about 10 MB/s); ``--skip-stream`` leaves it out.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import boto3  # noqa: E402
from common import summary  # noqa: E402
from log_read import generate  # noqa: E402
from PySide6.QtCore import QCoreApplication  # noqa: E402

from aurora_console.core.aws.db_logs.reader import LogFileReader  # noqa: E402
from aurora_console.core.tasks import Cancelled, TaskContext  # noqa: E402
from aurora_console.sandbox.aws_server import LocalAwsServer, sandbox_credentials  # noqa: E402
from aurora_console.ui.logs.controller import MAX_KEPT_BYTES, LogsController, Parsed  # noqa: E402
from aurora_console.ui.tasks import TaskRunner  # noqa: E402

INSTANCE = "bench-1"
NAME = "postgresql.log.2026-12-07-05"
TEMPLATE_MB = 50


class Instance:
    instance_id = INSTANCE
    role = "writer"


class CountingRds:
    """The boto3 client, with the start time of each DownloadDBLogFilePortion call."""

    def __init__(self, client) -> None:
        self._client = client
        self.started: list[float] = []

    def download_db_log_file_portion(self, **kwargs):
        self.started.append(time.perf_counter())
        return self._client.download_db_log_file_portion(**kwargs)

    def __getattr__(self, name):
        return getattr(self._client, name)

    def after(self, moment: float) -> int:
        return sum(1 for t in self.started if t > moment)


class Sources:
    def __init__(self, rds) -> None:
        self._rds = rds

    def instances(self):
        return [Instance()]

    def exports_to_cloudwatch(self):
        return False

    def rds(self):
        return self._rds

    def logs(self):
        return None


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def make_file(path: Path, megabytes: int) -> None:
    template = path.with_suffix(".template")
    generate(template, min(megabytes, TEMPLATE_MB))
    with open(path, "wb") as out:
        while out.tell() < megabytes * 1_048_576:
            with open(template, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
    template.unlink()


def wait(app, predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out")
        app.processEvents()
        time.sleep(0.002)


def stream(rds, name: str, task: TaskContext) -> tuple[int, int, int]:
    """The whole file, portion by portion, parsed as the screen parses one; keeps nothing."""
    reader = LogFileReader(rds, INSTANCE, name)
    entries = size = 0
    for portion in reader.forwards("0", task):
        entries += len(Parsed.parse(portion.data, task).entries)
        size += len(portion.data)
    return entries, size, reader.calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=1024, help="the file's size in MiB (at least)")
    parser.add_argument("--skip-stream", action="store_true", help="leave out the whole-file stream")
    args = parser.parse_args()
    app = QCoreApplication.instance() or QCoreApplication([])
    folder = Path(tempfile.mkdtemp(prefix="aurora-loghuge-"))
    server = LocalAwsServer()
    runner = TaskRunner(max_threads=2)
    figures: list[tuple[str, float]] = []
    cancels: list[tuple[float, int]] = []
    try:
        path = folder / NAME
        t0 = time.perf_counter()
        make_file(path, args.mb)
        size = path.stat().st_size
        print(f"generated {size / 1e6:,.0f} MB ({size / 2**30:.2f} GiB) in {time.perf_counter() - t0:.1f} s")
        endpoint = server.start()
        server.rds_logs.attach([INSTANCE], folder)
        client = boto3.client("rds", endpoint_url=endpoint, **sandbox_credentials().client_kwargs())
        rds = CountingRds(client)
        name = "error/" + NAME
        LogFileReader(rds, INSTANCE, name).tail(10)  # the client's first call (its set-up) before the baseline
        t0 = time.perf_counter()
        with open(path, "rb") as handle:
            while handle.read(1 << 20):
                pass
        disk_s = time.perf_counter() - t0
        print(f"{'baseline: the file read from disk in 1 MB blocks':<64} {disk_s:8.1f} s")

        if not args.skip_stream:
            print("\n== whole file streamed and parsed (nothing kept)")
            before = rss_mb()
            t0 = time.perf_counter()
            entries, got, calls = stream(rds, name, TaskContext("stream"))
            took = time.perf_counter() - t0
            print(f"{f'downloaded and parsed ({entries:,} entries, {calls:,} calls)':<64} {took:8.1f} s   "
                  f"ratio {took / disk_s:7.1f}  ({got / 1e6 / took:.1f} MB/s)")
            growth = rss_mb() - before
            print(f"{'memory growth (peak RSS, client and endpoint in one process)':<64} {growth:8.1f} MB"
                  f"  goal < 50 MB; file {size / 1e6:,.0f} MB")
            figures.append((f"{size / 1e6:,.0f} MB streamed and parsed: memory growth", growth))

        print("\n== the screen's controller: last lines, then Load earlier (indexes the whole file)")
        before = rss_mb()
        c = LogsController(runner, "bench", Sources(rds))
        c.start()
        wait(app, lambda: c.files, 30)
        t0 = time.perf_counter()
        c.open_file(name)
        wait(app, lambda: c.reads == 1 or c.errors, 60)
        print(f"{f'first screen: the last {len(c.entries):,} entries':<64} {time.perf_counter() - t0:8.2f} s")
        t0 = time.perf_counter()
        c.load_earlier()
        wait(app, lambda: not c.loading_earlier, 3600)
        if c.errors:
            raise RuntimeError(c.errors)
        indexed = time.perf_counter() - t0
        print(f"{f'Load earlier: file indexed ({c.index.total_lines:,} lines, {len(c.index.markers):,} portions)':<64}"
              f" {indexed:8.1f} s   ({size / 1e6 / indexed:.1f} MB/s)")
        most = 0
        t0 = time.perf_counter()
        for _ in range(20):
            c.load_earlier()
            wait(app, lambda: not c.loading_earlier, 600)
            most = max(most, c._kept)
        each = (time.perf_counter() - t0) / 20
        print(f"{'20 more portions back: each':<64} {each:8.2f} s   entries kept {len(c.entries):,}, "
              f"at most {most / 1e6:.1f} MB counted (bound {MAX_KEPT_BYTES / 1e6:.1f} MB)")
        growth = rss_mb() - before
        print(f"{'memory growth (peak RSS)':<64} {growth:8.1f} MB  goal < 50 MB")
        figures.append((f"{size / 1e6:,.0f} MB in the screen's controller (indexed, 20 portions back): memory growth",
                         growth))
        c.close()
        runner.release(c)

        print("\n== cancel at any time (time until the worker stopped; calls it started after the cancel)")
        for after in (0.5, 2.0, 5.0):
            c = LogsController(runner, "bench", Sources(rds))
            c.start()
            wait(app, lambda c=c: c.files, 30)
            c.open_file(name)
            wait(app, lambda c=c: c.reads == 1, 60)
            c.load_earlier()
            handle = c._handles["earlier"]
            deadline = time.perf_counter() + after
            while time.perf_counter() < deadline:
                app.processEvents()
                time.sleep(0.002)
            if handle.done:
                print(f"  Load earlier ended before {after} s")
                continue
            at = time.perf_counter()
            c.cancel()
            wait(app, lambda h=handle: h.done, 60)
            stopped = (time.perf_counter() - at) * 1000
            print(f"{f'Load earlier (indexing) cancelled after {after:.1f} s':<64} {stopped:8.1f} ms  "
                  f"({rds.after(at)} calls started after the cancel; state {handle.state})")
            cancels.append((stopped, rds.after(at)))
            c.close()
            runner.release(c)
        for after in (0.5, 2.0):
            task = TaskContext("stream")
            ended: list[float] = []

            def run(task=task, ended=ended) -> None:
                try:
                    stream(rds, name, task)
                except Cancelled:
                    ended.append(time.perf_counter())

            worker = threading.Thread(target=run)
            worker.start()
            time.sleep(after)
            at = time.perf_counter()
            task.token.cancel()
            worker.join(60)
            stopped = ((ended[0] if ended else time.perf_counter()) - at) * 1000
            print(f"{f'whole-file stream (download and parse) cancelled after {after:.1f} s':<64} {stopped:8.1f} ms  "
                  f"({rds.after(at)} calls started after the cancel)")
            cancels.append((stopped, rds.after(at)))
        print(f"\nload average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
        load = f"load {os.getloadavg()[0]:.1f}"
        for case, growth in figures:
            summary(f"log huge ({load}): {case}", f"{growth:.1f} MB", "-", "< 50 MB", growth < 50)
        if cancels:
            worst = max(ms for ms, _ in cancels)
            late = sum(calls for _, calls in cancels)
            summary(f"log huge ({load}): cancel at any time ({len(cancels)} cancels)",
                    f"stopped within {worst:.1f} ms; {late} calls started after a cancel", "-",
                    "no call after the cancel", late == 0)
    finally:
        runner.shutdown(5000)
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
