"""The local store of ``pg_stat_statements`` snapshots: per-statement deltas in SQLite.

``pg_stat_statements`` counts since its last reset; Top SQL wants what happened in a window.
:class:`SnapshotStore` keeps, for each instance (an ``instance_key`` the caller chooses, such as
``profile/cluster/instance``), the *difference* between consecutive samples, and only for the
statements that ran in between, so a week of one-minute snapshots stays small:

* ``texts``: every distinct query text once (by digest); ``statements``: one row per statement of
  an instance (query id, user, database) pointing at its text;
* ``snapshots``: one row per sample (time, the time of the previous one, or why it starts a new
  baseline); ``deltas``: (snapshot, statement) -> calls, time (integer microseconds), rows,
  shared blocks hit/read, temp blocks read/written, block I/O time; a ``WITHOUT ROWID`` table
  whose primary key is its only index, holding small integers SQLite stores in 1-3 bytes;
* ``latest``: the cumulative counters of the last sample, to compute the next delta (also after
  the console restarts).

A new baseline, never a negative delta (:func:`compare`): the first sample of an instance; the
server's identity changed (a restart, or a failover: another instance answers the endpoint,
or the role now sees more or fewer of the statements);
``stats_reset`` changed (``pg_stat_statements_reset()``); more than ``max_gap_s`` since the
previous sample (a delta over hours would land on one minute); or, on a server without
``pg_stat_statements_info`` (PostgreSQL 13 and older), any counter that went down. With
``stats_reset`` known, a single statement whose counters went down was removed (evicted, or reset
alone) and tracked again since the previous sample: everything it counts now ran in between, so
that is its delta. A statement that was tracked before and is gone is forgotten, so if it comes
back its counters count from zero too.

Bounded: snapshots older than ``retention_days`` are deleted, and when the data outgrows
``max_bytes`` the oldest snapshots go first; the file shrinks (``auto_vacuum=INCREMENTAL``).
Owner-only: the file is created 0600 in a 0700 folder (:mod:`aurora_console.core.private_files`);
SQLite gives its write-ahead log and shared-memory files the database file's mode. A file that is not a database (corrupt) is
moved aside (``<name>.corrupt-<time>``) and a new store started. One connection, guarded by a
lock: safe to use from the task runner's worker threads. Several stores (screens, console
processes) may share the file: a store that sees another one wrote since (``PRAGMA data_version``)
reads the baseline from the file again before adding, so nothing is counted twice.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from aurora_console.core.errors import ConsoleError
from aurora_console.core.performance.statements import (
    COUNTERS_OF,
    KEY_OF,
    StatementCounters,
    StatementKey,
    StatementsSample,
)
from aurora_console.core.performance.top_sql import TopStatement
from aurora_console.core.private_files import narrow_file, open_private, private_dir

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
DEFAULT_RETENTION_DAYS = 7
DEFAULT_MAX_BYTES = 200 * 2**20
#: a longer silence between two samples starts a new baseline (10 snapshot intervals)
DEFAULT_MAX_GAP_S = 600.0
#: how often :meth:`SnapshotStore.add` prunes by age (seconds of sample time)
PRUNE_EVERY_S = 3600.0

#: Why a sample starts a new baseline (shown to the user beside the window).
FIRST = "first snapshot of this instance"
RESET = "the statistics were reset (pg_stat_statements_reset)"
RESTART = "the server restarted"
FAILOVER = "another instance answers (failover)"
GAP = "no snapshot for {minutes} minutes"
WENT_DOWN = "counters went down (a reset on a server without pg_stat_statements_info)"
VIEW = "what the console's role may see changed (pg_read_all_stats, or another role)"
#: why a sample is not stored: another snapshot of the instance, read later, was stored first
STALE = "a newer snapshot of this instance was stored meanwhile"

Counters = tuple[float, ...]  # StatementCounters.counters()
#: a stored delta: calls, total_us, rows, hit, read, temp_read, temp_written, io_us (all integers)
Delta = tuple[int, int, int, int, int, int, int, int]


class SnapshotStoreError(ConsoleError):
    """The snapshot store cannot be used (written by a newer console)."""


@dataclass(frozen=True)
class Baseline:
    """What the next sample is compared with: the previous sample of the same instance."""

    taken_at: float
    server_identity: str
    stats_reset: str | None
    counters: Mapping[StatementKey, Counters]


@dataclass(frozen=True)
class Step:
    """The outcome of comparing a sample with the baseline before it.

    ``reason``: why this sample starts a new baseline (then ``deltas`` is empty), else None.
    ``deltas``: the statements that ran in between (non-negative, never all zero).
    ``rebased``: statements whose counters went down: removed and tracked again since the
    previous sample, so their delta is all they count now.
    ``counters``: the sample's cumulative counters by statement (the next baseline's)."""

    reason: str | None
    deltas: dict[StatementKey, Delta] = field(default_factory=dict)
    rebased: frozenset[StatementKey] = frozenset()
    counters: Mapping[StatementKey, Counters] = field(default_factory=dict)


def _delta(current: Counters, previous: Counters | None) -> Delta:
    if previous is None:
        previous = (0,) * len(current)
    calls, total, rows, hit, read, temp_read, temp_written, blk_read, blk_write = (
        c - p for c, p in zip(current, previous, strict=True))
    return (int(calls), round(total * 1000), int(rows), int(hit), int(read), int(temp_read),
            int(temp_written), round((blk_read + blk_write) * 1000))


def _identity_reason(old: str, new: str) -> str:
    """Failover (another instance), restart (a new start time) or another view (what the role may
    see); identities are ``instance|started T|view`` (:mod:`.statements`)."""
    was, now = old.split("|", 2), new.split("|", 2)
    if was[0] != now[0]:
        return FAILOVER
    if was[1:2] != now[1:2]:
        return RESTART
    return VIEW


def compare(baseline: Baseline | None, sample: StatementsSample, *, max_gap_s: float = DEFAULT_MAX_GAP_S) -> Step:
    """How ``sample`` follows ``baseline``: a new baseline (and why), or per-statement deltas.

    Pure: the rules of the module docstring, for the store and the property tests."""
    current = dict(zip(map(KEY_OF, sample.rows), map(COUNTERS_OF, sample.rows), strict=True))
    if baseline is None:
        return Step(FIRST, counters=current)
    if sample.server_identity != baseline.server_identity:
        return Step(_identity_reason(baseline.server_identity, sample.server_identity), counters=current)
    if sample.stats_reset != baseline.stats_reset:
        return Step(RESET, counters=current)
    gap = sample.taken_at - baseline.taken_at
    if gap > max_gap_s:
        return Step(GAP.format(minutes=math.floor(gap / 60)), counters=current)
    deltas: dict[StatementKey, Delta] = {}
    rebased: set[StatementKey] = set()
    before = baseline.counters
    for key, now in current.items() - before.items():  # what changed (most statements did not run)
        previous = before.get(key)
        if previous is not None and any(c < p for c, p in zip(now, previous, strict=True)):
            if sample.stats_reset is None:  # no way to tell a reset from an eviction: start afresh
                return Step(WENT_DOWN, counters=current)
            # removed (evicted, or reset alone) since the previous sample, then tracked again: all
            # it counts now ran since then
            rebased.add(key)
            previous = None
        delta = _delta(now, previous)
        if any(delta):
            deltas[key] = delta
    return Step(None, deltas, frozenset(rebased), current)


@dataclass(frozen=True)
class SnapshotResult:
    """What :meth:`SnapshotStore.add` did: ``baseline`` says why the sample started a new
    baseline (None: its deltas were stored); ``changed``: statements with a delta;
    ``statements``: statements in the sample; ``hidden``/``privilege_hint`` from the sample;
    ``skipped``: why the sample was not stored at all (None when it was)."""

    taken_at: float
    baseline: str | None
    changed: int
    statements: int
    hidden: int = 0
    privilege_hint: str | None = None
    skipped: str | None = None  # why nothing was stored (a newer snapshot is there already)


@dataclass(frozen=True)
class WindowCoverage:
    """What a window's numbers rest on: ``snapshots`` samples with deltas, covering ``first``
    (the sample before the first of them) to ``last``; ``baselines``: (time, why) of the samples
    in the window that started a new baseline (the interval before each is not counted)."""

    first: float | None
    last: float | None
    snapshots: int
    baselines: tuple[tuple[float, str], ...]


@dataclass
class _Instance:
    id: int
    baseline: Baseline | None
    statement_ids: dict[StatementKey, int]
    with_text: set[StatementKey]


_SCHEMA = """
CREATE TABLE instances (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, identity TEXT, stats_reset TEXT,
                        last_taken_at REAL);
CREATE TABLE texts (id INTEGER PRIMARY KEY, digest BLOB NOT NULL UNIQUE, text TEXT NOT NULL);
CREATE TABLE statements (id INTEGER PRIMARY KEY, instance INTEGER NOT NULL, userid INTEGER NOT NULL,
                         dbid INTEGER NOT NULL, queryid INTEGER NOT NULL, toplevel INTEGER NOT NULL,
                         text_id INTEGER, username TEXT, datname TEXT,
                         UNIQUE (instance, userid, dbid, queryid, toplevel));
CREATE TABLE snapshots (id INTEGER PRIMARY KEY, instance INTEGER NOT NULL, taken_at REAL NOT NULL,
                        since REAL, baseline TEXT);
CREATE INDEX snapshots_by_time ON snapshots (instance, taken_at);
CREATE TABLE deltas (snapshot INTEGER NOT NULL, statement INTEGER NOT NULL, calls INTEGER, total_us INTEGER,
                     rows INTEGER, hit INTEGER, read INTEGER, temp_read INTEGER, temp_written INTEGER,
                     io_us INTEGER, PRIMARY KEY (snapshot, statement)) WITHOUT ROWID;
CREATE TABLE latest (statement INTEGER PRIMARY KEY, calls INTEGER, total_ms REAL, rows INTEGER, hit INTEGER,
                     read INTEGER, temp_read INTEGER, temp_written INTEGER, blk_read_ms REAL, blk_write_ms REAL);
"""


def _epoch(value: float | datetime) -> float:
    """Epoch seconds of a window's bound (a number, or an aware datetime such as the metrics
    charts and ``explain_window`` use; a naive one is taken as UTC)."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).timestamp()
    return float(value)


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class SnapshotStore:
    """Snapshots of ``pg_stat_statements`` in the SQLite file ``path`` (see the module docstring).

    ``retention_days``: snapshots older than that are deleted; ``max_bytes``: the data's bound
    (the oldest snapshots go first); ``max_gap_s``: a longer silence starts a new baseline.
    ``clock``: epoch seconds, for pruning when the store opens."""

    def __init__(self, path: str | os.PathLike[str], *, retention_days: float = DEFAULT_RETENTION_DAYS,
                 max_bytes: int = DEFAULT_MAX_BYTES, max_gap_s: float = DEFAULT_MAX_GAP_S, clock=time.time) -> None:
        if not retention_days > 0:
            raise ValueError("retention_days must be positive")
        if not max_bytes > 0:
            raise ValueError("max_bytes must be positive")
        self.path = Path(path)
        self.retention_days = retention_days
        self.max_bytes = int(max_bytes)
        self.max_gap_s = max_gap_s
        self._clock = clock
        self._lock = threading.RLock()
        self._instances: dict[str, _Instance] = {}
        self._pruned_at: float | None = None
        self._data_version: int | None = None  # PRAGMA data_version when the caches were last valid
        self.warnings: list[str] = []
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise
            self._set_aside(exc)
            self._db = self._open()
        self.prune(clock())

    # ----------------------------------------------------------------- file
    def _open(self) -> sqlite3.Connection:
        private_dir(self.path.parent)
        if self.path.exists():
            narrow_file(self.path)
        else:
            open_private(self.path, "ab").close()  # created 0600 before SQLite writes a byte
        db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None, check_same_thread=False)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise SnapshotStoreError(
                    f"The Top SQL snapshot store {self.path} was written by a newer Aurora Console.",
                    hint="Snapshots are not recorded by this version; move the file away to start a new store.")
            if version == 0:
                db.execute("PRAGMA auto_vacuum = INCREMENTAL")  # before the first table
            # WAL with synchronous=NORMAL: a commit does not wait for fsync (a power cut may lose the
            # last snapshots, never the file); readers do not block the writer
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute(f"PRAGMA journal_size_limit = {4 * 2**20}")
            if version == 0:
                db.executescript("BEGIN;" + _SCHEMA + f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
            db.execute("PRAGMA foreign_keys = OFF")
        except BaseException:
            db.close()
            raise
        return db

    def _set_aside(self, exc: Exception) -> None:
        backup = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        os.replace(self.path, backup)
        message = (f"The Top SQL snapshot store {self.path} could not be read ({exc}); it was kept as "
                   f"{backup} and a new store started.")
        log.warning(message)
        self.warnings.append(message)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> SnapshotStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def size_bytes(self) -> int:
        """The store's size on disk: the database file and its write-ahead log (not the 32 KB
        shared-memory index SQLite keeps beside them while the store is open)."""
        total = 0
        for suffix in ("", "-wal"):
            try:
                total += os.stat(f"{self.path}{suffix}").st_size
            except FileNotFoundError:
                pass
        return total

    def _used_bytes(self) -> int:
        page_size = self._db.execute("PRAGMA page_size").fetchone()[0]
        pages = self._db.execute("PRAGMA page_count").fetchone()[0]
        free = self._db.execute("PRAGMA freelist_count").fetchone()[0]
        return (pages - free) * page_size

    # ----------------------------------------------------------------- instances
    def _instance(self, key: str, *, create: bool) -> _Instance | None:
        found = self._instances.get(key)
        if found is not None:
            return found
        row = self._db.execute("SELECT id, identity, stats_reset, last_taken_at FROM instances WHERE key = ?",
                               (key,)).fetchone()
        if row is None:
            if not create:
                return None
            cur = self._db.execute("INSERT INTO instances (key) VALUES (?)", (key,))
            row = (cur.lastrowid, None, None, None)
        instance_id, identity, stats_reset, last_taken_at = row
        ids: dict[StatementKey, int] = {}
        with_text: set[StatementKey] = set()
        by_id: dict[int, StatementKey] = {}
        for sid, userid, dbid, queryid, toplevel, text_id in self._db.execute(
                "SELECT id, userid, dbid, queryid, toplevel, text_id FROM statements WHERE instance = ?",
                (instance_id,)):
            skey = (userid, dbid, queryid, bool(toplevel))
            ids[skey] = sid
            by_id[sid] = skey
            if text_id is not None:
                with_text.add(skey)
        baseline = None
        if last_taken_at is not None and identity is not None:
            counters = {by_id[r[0]]: tuple(r[1:]) for r in self._db.execute(
                "SELECT l.statement, l.calls, l.total_ms, l.rows, l.hit, l.read, l.temp_read, l.temp_written, "
                "l.blk_read_ms, l.blk_write_ms FROM latest l JOIN statements s ON s.id = l.statement "
                "WHERE s.instance = ?", (instance_id,))}
            baseline = Baseline(last_taken_at, identity, stats_reset, counters)
        found = _Instance(instance_id, baseline, ids, with_text)
        self._instances[key] = found
        return found

    def instance_keys(self) -> list[str]:
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT key FROM instances ORDER BY key")]

    def keys_without_text(self, instance_key: str, sample: StatementsSample) -> list[StatementKey]:
        """The statements of ``sample`` whose query text the store does not hold yet."""
        with self._lock:
            inst = self._instance(instance_key, create=False)
            known = inst.with_text if inst is not None else set()
            return [r.key for r in sample.rows if r.query is None and r.key not in known]

    def _text_id(self, text: str) -> int:
        digest = _digest(text)
        row = self._db.execute("SELECT id FROM texts WHERE digest = ?", (digest,)).fetchone()
        if row is not None:
            return row[0]
        return self._db.execute("INSERT INTO texts (digest, text) VALUES (?, ?)", (digest, text)).lastrowid

    def _statement_ids(self, inst: _Instance, rows: Iterable[StatementCounters]) -> None:
        """Rows for the statements not stored yet, and texts for those stored without one."""
        rows = tuple(rows)
        keys = list(map(KEY_OF, rows))
        todo = set(keys) - inst.with_text  # usually none: every statement known, with its text
        known = inst.statement_ids
        for key, r in zip(keys, rows, strict=True):
            if key not in todo:
                continue
            sid = known.get(key)
            if sid is not None and r.query is None:
                continue
            if sid is None:
                text_id = self._text_id(r.query) if r.query is not None else None
                sid = self._db.execute(
                    "INSERT INTO statements (instance, userid, dbid, queryid, toplevel, text_id, username, datname) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (inst.id, r.userid, r.dbid, r.queryid, int(r.toplevel), text_id, r.user, r.database)).lastrowid
                inst.statement_ids[r.key] = sid
                if text_id is not None:
                    inst.with_text.add(r.key)
            elif r.query is not None and r.key not in inst.with_text:
                self._db.execute("UPDATE statements SET text_id = ? WHERE id = ?", (self._text_id(r.query), sid))
                inst.with_text.add(r.key)

    # ----------------------------------------------------------------- adding
    def add(self, instance_key: str, sample: StatementsSample) -> SnapshotResult:
        """Store ``sample`` of ``instance_key``: its deltas since the previous sample, or a new
        baseline (see :func:`compare`). A sample not newer than the latest one stored (read
        while another store's snapshot of the same instance was read and stored) is left out:
        the result says so (``skipped``)."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")  # the write lock: no other writer until COMMIT
                version = self._db.execute("PRAGMA data_version").fetchone()[0]
                if version != self._data_version:  # another connection (screen, process) wrote meanwhile:
                    self._instances.clear()  # its baseline and pruning are in the file, not in this cache
                    self._data_version = version
                inst = self._instance(instance_key, create=True)
                assert inst is not None
                if inst.baseline is not None and sample.taken_at <= inst.baseline.taken_at:
                    self._db.execute("ROLLBACK")  # read before one stored meanwhile (screen, background)
                    return SnapshotResult(sample.taken_at, None, 0, len(sample.rows), sample.hidden,
                                          sample.privilege_hint, skipped=STALE)
                step = compare(inst.baseline, sample, max_gap_s=self.max_gap_s)
                self._write(inst, sample, step)
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                self._instances.pop(instance_key, None)  # reload what was committed
                raise
            inst.baseline = Baseline(sample.taken_at, sample.server_identity, sample.stats_reset, step.counters)
            if (self._pruned_at is None or sample.taken_at - self._pruned_at >= PRUNE_EVERY_S
                    or self.size_bytes() > self.max_bytes):
                self.prune(max(sample.taken_at, self._clock()))
            return SnapshotResult(sample.taken_at, step.reason, len(step.deltas), len(sample.rows),
                                  sample.hidden, sample.privilege_hint)

    def _write(self, inst: _Instance, sample: StatementsSample, step: Step) -> None:
        db = self._db
        self._statement_ids(inst, sample.rows)
        since = None if step.reason else inst.baseline.taken_at  # type: ignore[union-attr]
        snapshot = db.execute("INSERT INTO snapshots (instance, taken_at, since, baseline) VALUES (?, ?, ?, ?)",
                              (inst.id, sample.taken_at, since, step.reason)).lastrowid
        ids = inst.statement_ids
        db.executemany("INSERT INTO deltas VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       ((snapshot, ids[k], *d) for k, d in step.deltas.items()))
        current = step.counters
        previous = inst.baseline.counters if inst.baseline is not None else {}
        if step.reason:
            db.execute("DELETE FROM latest WHERE statement IN (SELECT id FROM statements WHERE instance = ?)",
                       (inst.id,))
            changed: Iterable[StatementKey] = current
        else:
            gone = [k for k in previous if k not in current]
            db.executemany("DELETE FROM latest WHERE statement = ?", ((ids[k],) for k in gone))
            changed = [*step.deltas, *step.rebased]
        db.executemany("INSERT OR REPLACE INTO latest VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       ((ids[k], *current[k]) for k in changed))
        db.execute("UPDATE instances SET identity = ?, stats_reset = ?, last_taken_at = ? WHERE id = ?",
                   (sample.server_identity, sample.stats_reset, sample.taken_at, inst.id))

    # ----------------------------------------------------------------- reading
    def window(self, instance_key: str, start: float | datetime, end: float | datetime) -> list[TopStatement]:
        """Every statement of ``instance_key`` with activity in snapshots taken in
        ``start < taken_at <= end`` (epoch seconds or datetimes): summed deltas and share of the
        window's time (unsorted)."""
        start, end = _epoch(start), _epoch(end)
        with self._lock:
            inst = self._instance(instance_key, create=False)
            if inst is None:
                return []
            rows = self._db.execute(
                "SELECT st.queryid, st.userid, st.dbid, st.username, st.datname, t.text, a.calls, a.total_us, "
                "a.rows, a.hit, a.read, a.temp, a.io_us FROM ("
                "  SELECT d.statement AS statement, sum(d.calls) AS calls, sum(d.total_us) AS total_us, "
                "  sum(d.rows) AS rows, sum(d.hit) AS hit, sum(d.read) AS read, "
                "  sum(d.temp_read) + sum(d.temp_written) AS temp, sum(d.io_us) AS io_us "
                "  FROM snapshots s JOIN deltas d ON d.snapshot = s.id "
                "  WHERE s.instance = ? AND s.taken_at > ? AND s.taken_at <= ? GROUP BY d.statement) a "
                "JOIN statements st ON st.id = a.statement LEFT JOIN texts t ON t.id = st.text_id",
                (inst.id, start, end)).fetchall()
        window_us = sum(r[7] for r in rows)
        return [TopStatement(queryid=queryid, query=text, calls=calls, total_ms=total_us / 1000,
                             mean_ms=total_us / 1000 / calls if calls else 0.0, rows=nrows,
                             shared_blks_hit=hit, shared_blks_read=read, temp_blks=temp,
                             share=total_us / window_us if window_us else 0.0, user=user, database=database,
                             userid=userid, dbid=dbid, blk_io_ms=io_us / 1000)
                for (queryid, userid, dbid, user, database, text, calls, total_us, nrows, hit, read, temp, io_us)
                in rows]

    def coverage(self, instance_key: str, start: float | datetime, end: float | datetime) -> WindowCoverage:
        """What the numbers of :meth:`window` for the same window rest on."""
        start, end = _epoch(start), _epoch(end)
        with self._lock:
            inst = self._instance(instance_key, create=False)
            if inst is None:
                return WindowCoverage(None, None, 0, ())
            rows = self._db.execute(
                "SELECT taken_at, since, baseline FROM snapshots WHERE instance = ? AND taken_at > ? "
                "AND taken_at <= ? ORDER BY taken_at", (inst.id, start, end)).fetchall()
        counted = [(t, s) for t, s, b in rows if b is None]
        return WindowCoverage(first=min((s for _, s in counted), default=None),
                              last=max((t for t, _ in counted), default=None), snapshots=len(counted),
                              baselines=tuple((t, b) for t, _, b in rows if b is not None))

    def snapshot_times(self, instance_key: str) -> list[float]:
        """When the snapshots of ``instance_key`` were taken, oldest first."""
        with self._lock:
            inst = self._instance(instance_key, create=False)
            if inst is None:
                return []
            return [r[0] for r in self._db.execute(
                "SELECT taken_at FROM snapshots WHERE instance = ? ORDER BY taken_at", (inst.id,))]

    def last_snapshot_at(self, instance_key: str) -> float | None:
        """When the latest snapshot of ``instance_key`` was taken (by any store on this file)."""
        with self._lock:
            row = self._db.execute("SELECT last_taken_at FROM instances WHERE key = ?", (instance_key,)).fetchone()
        return row[0] if row else None

    # ----------------------------------------------------------------- bounds
    def prune(self, now: float | None = None) -> int:
        """Delete the snapshots older than the retention, then the oldest ones while the data
        outgrows ``max_bytes``; forget statements and texts nothing refers to any more and give
        the space back. Returns how many snapshots were deleted."""
        now = self._clock() if now is None else now
        with self._lock:
            self._pruned_at = now
            db = self._db
            deleted = self._delete_before(now - self.retention_days * 86400.0)
            for _ in range(8):
                used = self._used_bytes()
                if used <= self.max_bytes:
                    break
                count = db.execute("SELECT count(*) FROM snapshots").fetchone()[0]
                if count == 0:
                    break
                share = min(1.0, (used - 0.9 * self.max_bytes) / used)  # to 90 %: room before the next prune
                row = db.execute("SELECT taken_at FROM snapshots ORDER BY taken_at LIMIT 1 OFFSET ?",
                                 (min(count - 1, max(0, math.ceil(count * share) - 1)),)).fetchone()
                deleted += self._delete_before(math.nextafter(row[0], math.inf))
                self._forget_unreferenced()
                db.executescript("PRAGMA incremental_vacuum;")  # execute() would free one page only
            if deleted:
                self._forget_unreferenced()
                db.executescript("PRAGMA incremental_vacuum;")  # execute() would free one page only
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the file shrinks (and the log empties) here
            return deleted

    def _delete_before(self, cutoff: float) -> int:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM deltas WHERE snapshot IN (SELECT id FROM snapshots WHERE taken_at < ?)",
                       (cutoff,))
            deleted = db.execute("DELETE FROM snapshots WHERE taken_at < ?", (cutoff,)).rowcount
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return deleted

    def _forget_unreferenced(self) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM statements WHERE id NOT IN (SELECT statement FROM deltas UNION "
                       "SELECT statement FROM latest)")
            db.execute("DELETE FROM texts WHERE id NOT IN (SELECT text_id FROM statements WHERE text_id IS NOT NULL)")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._instances.clear()  # statement ids may be gone: reload on next use
