"""Top SQL snapshot store: its size after 7 days of 60 s snapshots of 5,000 distinct statements
(target: under 200 MB), against storing every sample whole, measured in the same run.

    .venv/bin/python benchmarks/performance_store.py [--days 7] [--seed 1] [--heavy-days 1]

Workload model (seeded, so every run stores the same snapshots). ``pg_stat_statements`` holds
5,000 statements (its default ``pg_stat_statements.max``), in three tiers, as an OLTP application
with a long tail of reports and one-off queries looks:

* hot: 300 statements run every minute (1 to 3,000 calls, by rank);
* warm: 1,200 statements run about once every 10 minutes;
* cold: 3,500 statements run about once every 6 hours;

so about 430 statements (8.6 %) change in a minute. Each statement has its own mean time, rows,
buffer hits and reads per call (a few spill to temp files); the texts are 60 to 2,000 characters.
Churn of the set itself: every hour 20 cold statements are evicted and 20 new ones appear (new
query ids and texts, as ad-hoc queries come and go), and the server restarts once (day 3), so
the store starts a new baseline. Snapshots go through ``SnapshotStore.add`` exactly as the
screen's ``take_snapshot`` hands them over (all 5,000 rows every minute).

Cases:

* ``store``: the store after ``--days`` days (its file and write-ahead log), bytes per stored
  delta, the median time of one ``add`` and of window queries (1 hour, 1 day, the whole run);
* ``whole samples, texts once`` (baseline): every snapshot's 5,000 rows of cumulative counters in
  a plain SQLite table (query texts in a table of their own), measured over 60 snapshots in this
  run and scaled to ``--days`` (it grows by the same rows every minute);
* ``whole samples with texts``: the same with the text in every row, as a naive copy of the view;
* ``heavy churn`` (sensitivity): 1,000 hot and 2,000 warm statements (about 1,250 = 25 % change
  per minute) for ``--heavy-days``, projected to 7 days (its growth per minute after the first
  hour, which holds the texts and the first baseline), and how many days the store's size bound
  (200 MB by default) then keeps: the bound holds whatever the churn, by dropping the oldest days.

Measured on the shared 2-core development machine (two runs, 7 days, seed 1; the sizes are the
same in every run): 430 statements changed a minute, 4.33 million deltas, 8,328 distinct
statements; store 115.4 MB = 0.040x whole samples (2.9 GB; 32 GB with texts in every row), 27.9
bytes per delta; one add of 5,000 rows 39-55 ms (median); window 1 hour 30-61 ms, 1 day
0.45-0.6 s, 7 days 2.8-3.9 s. Heavy churn (1,205 a minute): 30 KB a minute, projected 304 MB for
7 days; the 200 MB bound keeps the last 4.6 days. The 7-day case takes 12-20 minutes here
(``--days 1`` for a quick look).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks"))
from common import summary  # noqa: E402

from aurora_console.core.performance.snapshots import DEFAULT_MAX_BYTES, SnapshotStore  # noqa: E402
from aurora_console.core.performance.statements import StatementCounters, StatementsSample  # noqa: E402

STATEMENTS = 5000
MINUTE = 60.0
START = 1_790_000_000.0  # epoch seconds, a Monday
MB = 2**20

WORDS = ("id", "created_at", "author_id", "title", "body", "status", "post_id", "tag", "score", "views",
         "updated_at", "slug", "user_id", "email", "name", "kind", "parent_id", "position", "deleted_at")
TABLES = ("posts", "comments", "users", "tags", "post_tags", "sessions", "audit", "media", "likes", "follows")


@dataclass(frozen=True)
class Tiers:
    hot: int
    warm: int
    warm_every_min: float = 10.0
    cold_every_min: float = 360.0

    def probability(self, rank: int) -> float:
        if rank < self.hot:
            return 1.0
        if rank < self.hot + self.warm:
            return 1.0 / self.warm_every_min
        return 1.0 / self.cold_every_min


REALISTIC = Tiers(hot=300, warm=1200)
HEAVY = Tiers(hot=1000, warm=2000)


class Workload:
    """5,000 statements' cumulative counters, advanced one minute at a time."""

    def __init__(self, tiers: Tiers, seed: int) -> None:
        self.rng = random.Random(seed)
        self.tiers = tiers
        self.next_queryid = 1
        self.slots = [self._new_statement(rank) for rank in range(STATEMENTS)]
        self.started = START

    def _text(self) -> str:
        rng = self.rng
        columns = ", ".join(f"t.{rng.choice(WORDS)}" for _ in range(rng.randint(2, 40)))
        joins = " ".join(f"JOIN {rng.choice(TABLES)} j{i} ON j{i}.{rng.choice(WORDS)} = t.{rng.choice(WORDS)}"
                         for i in range(rng.randint(0, 12)))
        where = " AND ".join(f"t.{rng.choice(WORDS)} = ${i + 1}" for i in range(rng.randint(1, 8)))
        return f"SELECT {columns} FROM {rng.choice(TABLES)} t {joins} WHERE {where} LIMIT ${rng.randint(2, 9)}"[:2000]

    def _new_statement(self, rank: int) -> dict:
        rng = self.rng
        queryid = (self.next_queryid * 0x9E3779B97F4A7C15) % 2**63 - 2**62  # spread like real query ids
        self.next_queryid += 1
        return {"rank": rank, "queryid": queryid, "text": self._text(), "ms": rng.lognormvariate(-1.0, 1.5),
                "rows": rng.choice((0, 1, 1, 1, 10, 50)), "hit": rng.randint(2, 40), "read": rng.random() * 0.3,
                "temp": rng.random() < 0.02, "counters": [0, 0.0, 0, 0, 0, 0, 0, 0.0, 0.0], "row": None}

    def _calls(self, rank: int) -> int:
        if rank < self.tiers.hot:
            return self.rng.randint(1, max(2, 3000 // (rank + 1)))
        return self.rng.randint(1, 5)

    def _row(self, slot: dict) -> StatementCounters:
        c = slot["counters"]
        return StatementCounters(queryid=slot["queryid"], userid=16385, dbid=16390, query=slot["text"],
                                 calls=c[0], total_ms=c[1], rows=c[2], shared_blks_hit=c[3], shared_blks_read=c[4],
                                 temp_blks_read=c[5], temp_blks_written=c[6], blk_read_ms=c[7], blk_write_ms=c[8],
                                 user="blog_app", database="blog")

    def minute(self, index: int) -> StatementsSample:
        rng = self.rng
        if index and index % 60 == 0:  # every hour: 20 cold statements evicted, 20 new ones
            for _ in range(20):
                rank = rng.randrange(self.tiers.hot + self.tiers.warm, STATEMENTS)
                self.slots[rank] = self._new_statement(rank)
        if index == 3 * 1440 + 180:  # a restart on day 3 at 03:00: every counter starts again
            self.started += 1
            for slot in self.slots:
                slot["counters"] = [0, 0.0, 0, 0, 0, 0, 0, 0.0, 0.0]
                slot["row"] = None
        for slot in self.slots:
            if slot["row"] is not None and rng.random() >= self.tiers.probability(slot["rank"]):
                continue
            calls = self._calls(slot["rank"])
            c = slot["counters"]
            c[0] += calls
            c[1] += calls * slot["ms"] * rng.uniform(0.5, 1.5)
            c[2] += calls * slot["rows"]
            c[3] += calls * slot["hit"]
            reads = int(calls * slot["read"] * rng.random())
            c[4] += reads
            if slot["temp"]:
                c[5] += calls * 128
                c[6] += calls * 128
            c[7] += reads * 0.1
            slot["row"] = self._row(slot)
        return StatementsSample(taken_at=START + index * MINUTE, server_identity=f"blog-1|started {self.started}",
                                stats_reset="2026-01-01 00:00:00+00", rows=tuple(s["row"] for s in self.slots))


def fill_store(path: Path, tiers: Tiers, minutes: int, seed: int, *, progress: bool) -> tuple[SnapshotStore, dict]:
    workload = Workload(tiers, seed)
    store = SnapshotStore(path, clock=lambda: START)
    add_times: list[float] = []
    changed = baselines = 0
    size_hour = 0
    began = time.perf_counter()
    for index in range(minutes):
        sample = workload.minute(index)
        t0 = time.perf_counter()
        result = store.add("blog/blog-1", sample)
        add_times.append(time.perf_counter() - t0)
        changed += result.changed
        baselines += result.baseline is not None
        if index == 59:
            size_hour = store._used_bytes()  # what every further minute adds is measured from here
        if progress and index and index % 1440 == 0:
            print(f"  day {index // 1440}: {store.size_bytes() / MB:.1f} MB, "
                  f"{time.perf_counter() - began:.0f} s so far", flush=True)
    store.prune(START + minutes * MINUTE)
    growth = (store._used_bytes() - size_hour) / (minutes - 60) if minutes > 60 else 0.0
    return store, {"changed": changed, "baselines": baselines, "add_s": statistics.median(add_times),
                   "bytes_per_minute": growth}


def whole_samples_size(path: Path, tiers: Tiers, snapshots: int, seed: int, *, texts_in_rows: bool) -> int:
    """A naive store: every sample's rows as they are, in SQLite (bytes after ``snapshots``)."""
    workload = Workload(tiers, seed)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    text_column = ", query TEXT" if texts_in_rows else ""
    db.execute(f"CREATE TABLE samples (taken_at REAL, queryid INTEGER, userid INTEGER, dbid INTEGER{text_column}, "
               "calls INTEGER, total_ms REAL, rows INTEGER, hit INTEGER, read INTEGER, temp_read INTEGER, "
               "temp_written INTEGER, blk_read_ms REAL, blk_write_ms REAL)")
    db.execute("CREATE TABLE texts (queryid INTEGER PRIMARY KEY, query TEXT)")
    for index in range(snapshots):
        sample = workload.minute(index)
        with db:
            if texts_in_rows:
                db.executemany("INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               ((sample.taken_at, r.queryid, r.userid, r.dbid, r.query, *r.counters())
                                for r in sample.rows))
            else:
                db.executemany("INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               ((sample.taken_at, r.queryid, r.userid, r.dbid, *r.counters()) for r in sample.rows))
                db.executemany("INSERT OR IGNORE INTO texts VALUES (?, ?)", ((r.queryid, r.query) for r in sample.rows))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path.stat().st_size


def timed_window(store: SnapshotStore, start: float, end: float, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        store.window("blog/blog-1", start, end)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=7.0, help="days of snapshots in the store case")
    parser.add_argument("--heavy-days", type=float, default=1.0, help="days of the heavy-churn case (0: skip)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-topsql-") as folder:  # hundreds of MB: removed at the end
        return run(args, Path(folder))


def run(args: argparse.Namespace, work: Path) -> int:
    minutes = int(args.days * 1440)

    print(f"== Top SQL snapshot store: {args.days:g} days of 60 s snapshots, {STATEMENTS} statements")
    began = time.perf_counter()
    store, stats = fill_store(work / "store.sqlite3", REALISTIC, minutes, args.seed, progress=True)
    size = store.size_bytes()
    end = START + (minutes - 1) * MINUTE
    deltas = store._db.execute("SELECT count(*) FROM deltas").fetchone()[0]
    distinct = store._db.execute("SELECT count(*) FROM statements").fetchone()[0]
    window_hour = timed_window(store, end - 3600, end)
    window_day = timed_window(store, end - 86400, end)
    window_all = timed_window(store, START - 1, end, repeat=1)
    store.close()
    print(f"filled in {time.perf_counter() - began:.0f} s; {stats['changed'] / minutes:.0f} statements changed "
          f"per minute; {deltas} deltas stored, {distinct} distinct statements, "
          f"{stats['baselines']} new baselines (first snapshot, restart)")

    sample_snapshots = 60
    whole = whole_samples_size(work / "whole.sqlite3", REALISTIC, sample_snapshots, args.seed, texts_in_rows=False)
    naive = whole_samples_size(work / "naive.sqlite3", REALISTIC, sample_snapshots, args.seed, texts_in_rows=True)
    whole_days = whole / sample_snapshots * minutes
    naive_days = naive / sample_snapshots * minutes

    print(f"\n{'case':44} {'size':>12}  ratio")
    print(f"{'store (deltas, texts once)':44} {size / MB:>9.1f} MB  {size / whole_days:.3f}x whole samples")
    print(f"{'whole samples, texts once (baseline)':44} {whole_days / MB:>9.1f} MB  baseline "
          f"(measured over {sample_snapshots} snapshots, scaled)")
    print(f"{'whole samples with texts':44} {naive_days / MB:>9.1f} MB  {naive_days / whole_days:.2f}x whole samples")
    verdict = "under" if size < 200 * MB else "OVER"
    print(f"\nstore after {args.days:g} days: {size / MB:.1f} MB ({verdict} the 200 MB target), "
          f"{(size / deltas) if deltas else 0:.1f} bytes per stored delta (all tables included)")
    print(f"one add (5,000 rows): median {stats['add_s'] * 1000:.1f} ms; window queries: 1 hour "
          f"{window_hour * 1000:.0f} ms, 1 day {window_day * 1000:.0f} ms, {args.days:g} days {window_all:.2f} s")

    summary(f"Top SQL snapshot store after {args.days:g} days of 60 s snapshots", f"{size / MB:.1f} MB",
            f"{size / whole_days:.3f}x whole samples", "< 200 MB", size < 200 * MB)
    print("(no UI in this benchmark: the store is written and read on the recorder's worker thread)")
    if args.heavy_days > 0:
        heavy_minutes = int(args.heavy_days * 1440)
        heavy, heavy_stats = fill_store(work / "heavy.sqlite3", HEAVY, heavy_minutes, args.seed, progress=False)
        heavy_size = heavy.size_bytes()
        heavy.close()
        per_minute = heavy_stats["bytes_per_minute"]
        projected = heavy_size + per_minute * (7 * 1440 - heavy_minutes)
        kept = min(7.0, (DEFAULT_MAX_BYTES - (heavy_size - per_minute * heavy_minutes)) / (per_minute * 1440))
        print(f"\nheavy churn ({heavy_stats['changed'] / heavy_minutes:.0f} statements changed per minute): "
              f"{heavy_size / MB:.1f} MB after {args.heavy_days:g} day(s), projected {projected / MB:.0f} MB "
              f"for 7 days ({per_minute / 1024:.0f} KB a minute after the first hour; "
              f"{projected / (whole / sample_snapshots * 7 * 1440):.3f}x whole samples); the "
              f"{DEFAULT_MAX_BYTES / MB:.0f} MB bound keeps the last {kept:.1f} days")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
