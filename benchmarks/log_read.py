"""Database log benchmark (issue 17): a generated RDS PostgreSQL log read through the sandbox's
endpoint with a real boto3 client, as the console reads an instance's log.

Cases, each beside a baseline measured in the same run on the same file:
  * first screen: the last 1,000 lines (one DownloadDBLogFilePortion) parsed into entries
                                                        vs  one DescribeDBLogFiles call (a round trip)
  * whole file streamed and parsed (every portion, every entry): time, and memory growth of the
    process (peak RSS after minus before; the goal is under 50 MB for any file size)
                                                        vs  reading the file from disk
  * regex search, the console's line search (one scan per portion) over the local file's chunks
    and over the downloaded portions                    vs  ``grep -E -c`` on the same file

Run by hand: ``.venv/bin/python benchmarks/log_read.py [--mb 100] [--repeat 3]``.
The file is written to a temporary folder and removed at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import boto3  # noqa: E402
from common import summary  # noqa: E402

from aurora_console.core.aws.db_logs.entries import EntryParser, parse_entries  # noqa: E402
from aurora_console.core.aws.db_logs.files import list_log_files  # noqa: E402
from aurora_console.core.aws.db_logs.reader import LogFileReader  # noqa: E402
from aurora_console.core.aws.db_logs.search import compile_search, matching_lines  # noqa: E402
from aurora_console.sandbox.aws_server import LocalAwsServer, sandbox_credentials  # noqa: E402

INSTANCE = "bench-1"
NAME = "postgresql.log.2026-12-07-05"
PATTERN = r"deadlock|duration: [0-9]{4,}\.[0-9]+ ms"


def generate(path: Path, megabytes: int) -> int:
    """A log of RDS-prefixed lines: statements, slow ones over several lines, errors with their
    STATEMENT, checkpoints; returns the number of lines."""
    rng = random.Random(17)
    start = datetime(2026, 12, 7, 5, tzinfo=timezone.utc)
    target = megabytes * 1_000_000
    lines = 0
    with open(path, "w", encoding="utf-8") as out:
        i = 0
        while out.tell() < target:
            block = []
            for _ in range(2_000):
                i += 1
                t = (start + timedelta(milliseconds=i * 3)).strftime("%Y-%m-%d %H:%M:%S UTC")
                pid = 1000 + i % 97
                head = f"{t}:10.0.{i % 7}.{i % 250}({40000 + i % 999}):app@blog:[{pid}]:"
                roll = rng.random()
                if roll < 0.70:
                    block.append(f"{head}LOG:  duration: {rng.uniform(250, 900):.3f} ms  statement: "
                                 f"SELECT id, title FROM posts WHERE author_id = {i % 5000} ORDER BY created_at DESC LIMIT 20")
                elif roll < 0.85:
                    block.append(f"{head}LOG:  duration: {rng.uniform(1000, 9000):.3f} ms  statement: SELECT p.id,\n"
                                 f"\t       count(c.id)\n\tFROM posts p JOIN comments c ON c.post_id = p.id\n"
                                 f"\tWHERE p.created_at > now() - interval '{i % 30} days'\n\tGROUP BY p.id")
                    lines += 4
                elif roll < 0.95:
                    block.append(f"{head}ERROR:  duplicate key value violates unique constraint \"posts_pkey\"\n"
                                 f"{head}DETAIL:  Key (id)=({i}) already exists.\n"
                                 f"{head}STATEMENT:  INSERT INTO posts (id, title) VALUES ({i}, 'x')")
                    lines += 2
                elif roll < 0.999:
                    block.append(f"{t}::@:[611]:LOG:  checkpoint complete: wrote {i % 900} buffers")
                else:
                    block.append(f"{head}ERROR:  deadlock detected")
                lines += 1
            out.write("\n".join(block) + "\n")
    return lines


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def median(values: list[float]) -> float:
    return statistics.median(values)


def row(name: str, values: list[float], unit: str, baseline: float | None = None) -> float:
    mid = median(values)
    ratio = f"  ratio {mid / baseline:7.2f}" if baseline else ""
    print(f"{name:<60} {mid:10.3f} {unit:<4} (min {min(values):.3f}, max {max(values):.3f}){ratio}")
    return mid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="aurora-logbench-"))
    figures: dict = {}
    server = LocalAwsServer()
    try:
        path = folder / NAME
        t0 = time.perf_counter()
        lines = generate(path, args.mb)
        size = path.stat().st_size
        print(f"generated {size / 1e6:.0f} MB, {lines:,} lines in {time.perf_counter() - t0:.1f} s")
        endpoint = server.start()
        server.rds_logs.attach([INSTANCE], folder)
        creds = sandbox_credentials()
        rds = boto3.client("rds", endpoint_url=endpoint, **creds.client_kwargs())
        name = list_log_files(rds, INSTANCE)[0].name

        print("\n== first screen")
        listing, first = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            rds.describe_db_log_files(DBInstanceIdentifier=INSTANCE)
            listing.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            tail = LogFileReader(rds, INSTANCE, name).tail(1_000)
            entries = list(parse_entries([tail.data]))
            first.append(time.perf_counter() - t0)
        base = row("baseline: one DescribeDBLogFiles call", listing, "s")
        first_s = row(f"last 1,000 lines downloaded and parsed ({len(entries)} entries)", first, "s", base)
        figures["first"] = (first_s, first_s / base)

        print("\n== whole file streamed and parsed")
        disk = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            with open(path, "rb") as handle:
                while handle.read(1 << 20):
                    pass
            disk.append(time.perf_counter() - t0)
        base = row("baseline: the file read from disk in 1 MB blocks", disk, "s")
        before = rss_mb()
        streamed, counts, portions = [], [], []
        for _ in range(args.repeat):
            reader = LogFileReader(rds, INSTANCE, name)
            t0 = time.perf_counter()
            parser_ = EntryParser()
            count = 0
            for portion in reader.forwards():
                count += len(parser_.feed(portion.data))
            count += len(parser_.finish())
            streamed.append(time.perf_counter() - t0)
            counts.append(count)
            portions.append(reader.calls)
        row(f"downloaded and parsed ({counts[0]:,} entries, {portions[0]} calls)", streamed, "s", base)
        growth = rss_mb() - before
        print(f"{'memory growth (peak RSS, client and endpoint in one process)':<60} {growth:10.1f} MB"
              f"   goal < 50 MB; file {size / 1e6:.0f} MB")
        figures["growth"] = growth

        print("\n== regex search", repr(PATTERN))
        grep = shutil.which("grep")
        greps, local, remote = [], [], []
        pattern = compile_search(PATTERN, ignore_case=False)
        hits = {}
        for _ in range(args.repeat):
            if grep:
                t0 = time.perf_counter()
                out = subprocess.run([grep, "-E", "-c", PATTERN, str(path)], capture_output=True, text=True, check=True)
                greps.append(time.perf_counter() - t0)
                hits["grep"] = int(out.stdout.strip())
            t0 = time.perf_counter()
            with open(path, encoding="utf-8") as handle:
                hits["local"] = sum(1 for _ in matching_lines(iter(lambda: handle.read(1 << 20), ""), pattern))
            local.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            reader = LogFileReader(rds, INSTANCE, name)
            hits["remote"] = sum(1 for _ in matching_lines((p.data for p in reader.forwards()), pattern))
            remote.append(time.perf_counter() - t0)
        base = row(f"baseline: grep -E -c ({hits.get('grep')} lines)", greps, "s") if greps else None
        local_s = row(f"line search over the file's 1 MB chunks ({hits['local']} lines)", local, "s", base)
        remote_s = row(f"line search over the downloaded portions ({hits['remote']} lines)", remote, "s", base)
        if greps and not hits["grep"] == hits["local"] == hits["remote"]:
            print("!! the searches disagree:", hits)

        mb = size / 1e6
        where = f"{mb:.0f} MB, load {os.getloadavg()[0]:.1f}"
        print()
        print(f"SUMMARY | log read ({where}): first screen, last 1,000 lines downloaded and parsed | "
              f"{figures['first'][0] * 1000:.0f} ms | {figures['first'][1]:.2f}x one DescribeDBLogFiles | "
              "goal none set (issue 17 asks for the figure) | reported")
        summary(f"log read ({where}): memory growth, whole file streamed and parsed", f"{figures['growth']:.1f} MB",
                "-", "< 50 MB", figures["growth"] < 50)
        if base:
            print(f"SUMMARY | log read ({where}): regex search against grep -E | {local_s:.2f} s on the file, "
                  f"{remote_s:.2f} s downloaded | {local_s / base:.2f}x / {remote_s / base:.2f}x grep -E | "
                  "goal none set (issue 17 asks for the ratio) | reported")
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
