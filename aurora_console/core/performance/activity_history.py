"""Active-session history: ``pg_stat_activity`` sampled once a second, kept in memory.

Where Performance Insights is not enabled (or not allowed), the Performance screen draws the
database load from its own samples, the way Performance Insights measures it: every second, count
the sessions that are *active* (running a statement), each under what it waits for -
``"Type:Event"`` as PostgreSQL names it (``Lock:transactionid``, ``IO:DataFileRead``,
``LWLock:BufferMapping``...) or ``"CPU"`` when it waits for nothing (on the CPU, or waiting for
one). The average number of such sessions over a time range is the *average active sessions*
(AAS) of that range; split by wait, it is the stacked load chart. Aurora's Performance Insights
names PostgreSQL waits the same way (``db.wait_event.name`` "Lock:transactionid", "CPU"), so the
two sources draw the same chart.

* :func:`sample_activity` reads one sample (one short query, the sampling connection itself
  left out).
* :class:`ActivityHistory` keeps samples in a bounded ring (an hour at one per second by
  default; the oldest are dropped), thread-safe, and aggregates them: :meth:`~ActivityHistory.
  load_by_wait` (AAS per wait over a window), :meth:`~ActivityHistory.series` (a time series per
  step), :meth:`~ActivityHistory.load_by_sql` (AAS per statement).
* :func:`run_sampler` is the once-a-second loop a worker task runs while the screen is open.

Counted as active: ``state`` "active" or "fastpath function call" (client backends, parallel
workers, autovacuum workers: all load on the instance), unless the wait is of type ``Activity``:
PostgreSQL's documentation calls that a process idle in its main loop (a WAL sender streaming to a
replica shows "active" with ``Activity:WalSenderMain`` all day long; it is not load). The
console's own sessions are counted (they are load too), except the sampling connection itself.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

#: The wait a session has when ``wait_event_type`` is NULL: it is on a CPU (or queued for one).
CPU = "CPU"

#: Samples kept by default: one hour at one a second.
DEFAULT_MAX_SAMPLES = 3600

#: Query text kept per session (pg_stat_activity itself stops at track_activity_query_size).
MAX_QUERY_CHARS = 2000

_ACTIVE_STATES = ("active", "fastpath function call")

# query_id exists from PostgreSQL 14 (filled when compute_query_id is on, which preloading
# pg_stat_statements turns on); older servers get NULL.
_SAMPLE_SQL_14 = """
SELECT pid, state, wait_event_type, wait_event, query_id, left(query, %(max_chars)s), usename, datname,
       application_name, backend_type
FROM pg_stat_activity
WHERE state IN ('active', 'fastpath function call') AND pid <> pg_backend_pid()
"""
_SAMPLE_SQL_OLD = _SAMPLE_SQL_14.replace("query_id", "NULL::bigint")


#: The wait type of a process idle in its main loop (PostgreSQL docs, "Wait Event Types").
IDLE_WAIT_TYPE = "Activity"


def is_load(state: str | None, wait_event_type: str | None) -> bool:
    """Whether a ``pg_stat_activity`` row counts as an active session (see the module docstring)."""
    return state in _ACTIVE_STATES and wait_event_type != IDLE_WAIT_TYPE


def wait_name(wait_event_type: str | None, wait_event: str | None) -> str:
    """``"Lock:transactionid"`` for a session waiting on a lock, ``"CPU"`` when it waits for
    nothing (NULL type), ``"Lock"`` when only the type is known."""
    if not wait_event_type:
        return CPU
    return f"{wait_event_type}:{wait_event}" if wait_event else wait_event_type


@dataclass(frozen=True)
class ActiveSession:
    """One active session in one sample."""

    pid: int
    wait: str  # "Type:Event" or "CPU"
    wait_event_type: str | None = None
    wait_event: str | None = None
    queryid: int | None = None
    query: str = ""
    user: str | None = None
    database: str | None = None
    application: str | None = None
    backend_type: str | None = None

    @property
    def sql_key(self) -> str:
        """What groups this session's statement: its queryid when the server computed one,
        else the statement text."""
        return f"queryid:{self.queryid}" if self.queryid is not None else f"text:{self.query}"


@dataclass(frozen=True)
class ActivitySample:
    """The active sessions at one instant (``taken_at``: UTC, from the client's clock)."""

    taken_at: datetime
    sessions: tuple[ActiveSession, ...] = ()

    def by_wait(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for s in self.sessions:
            counts[s.wait] = counts.get(s.wait, 0) + 1
        return counts


@dataclass(frozen=True)
class SqlLoad:
    """A statement's share of the load over a window: its average active sessions.

    ``sql_id``: the key it is grouped under (Performance Insights' ``db.sql_tokenized.id``, or
    ``queryid:N`` / ``text:...`` when sampled); ``db_id``: the database's own id of the statement
    (pg_stat_statements' queryid, as text) when known."""

    sql_id: str
    statement: str
    aas: float
    db_id: str | None = None
    by_wait: tuple[tuple[str, float], ...] = ()


def _server_version(conn: Any) -> int:
    info = getattr(conn, "info", None)
    version = getattr(info, "server_version", None)
    if isinstance(version, int):
        return version
    row = conn.execute("SELECT current_setting('server_version_num')::int").fetchone()
    return int(row[0])


def sample_activity(conn: Any, *, now: Callable[[], datetime] | None = None) -> ActivitySample:
    """One sample of the active sessions on ``conn``'s server (a psycopg 3 connection).

    Runs in its own short transaction after ``pg_stat_clear_snapshot()``, so a connection used
    for sampling never repeats a stale snapshot nor stays idle in a transaction."""
    sql = _SAMPLE_SQL_14 if _server_version(conn) >= 140000 else _SAMPLE_SQL_OLD
    with conn.transaction():
        conn.execute("SELECT pg_stat_clear_snapshot()")
        rows = conn.execute(sql, {"max_chars": MAX_QUERY_CHARS}).fetchall()
    taken_at = (now or _utcnow)()
    sessions = tuple(
        ActiveSession(pid=int(pid), wait=wait_name(wtype, wevent), wait_event_type=wtype, wait_event=wevent,
                      queryid=int(qid) if qid is not None else None, query=query or "", user=user,
                      database=db, application=app, backend_type=btype)
        for pid, state, wtype, wevent, qid, query, user, db, app, btype in rows if is_load(state, wtype)
    )
    return ActivitySample(taken_at=taken_at, sessions=sessions)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: datetime) -> datetime:
    """``value`` with UTC as its zone when it has none."""
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


class ActivityHistory:
    """A bounded, thread-safe ring of :class:`ActivitySample` (oldest dropped first).

    The sampler thread adds; the screen reads aggregates from another thread. Samples are kept
    in time order (one added out of order is placed where it belongs)."""

    def __init__(self, *, max_samples: int = DEFAULT_MAX_SAMPLES) -> None:
        if not isinstance(max_samples, int) or max_samples < 1:
            raise ValueError("max_samples must be a positive integer")
        self.max_samples = max_samples
        self._samples: deque[ActivitySample] = deque(maxlen=max_samples)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._samples)

    def __bool__(self) -> bool:
        """Always true: an empty history is still the one to feed (``history or ActivityHistory()``
        must not swap it for another)."""
        return True

    def add(self, sample: ActivitySample) -> None:
        sample = sample if sample.taken_at.tzinfo else ActivitySample(as_utc(sample.taken_at), sample.sessions)
        with self._lock:
            if not self._samples or sample.taken_at >= self._samples[-1].taken_at:
                self._samples.append(sample)
                return
            items = sorted([*self._samples, sample], key=lambda s: s.taken_at)
            self._samples.clear()
            self._samples.extend(items[-self.max_samples:])

    def sample(self, conn: Any) -> ActivitySample:
        """Take one sample on ``conn`` and keep it."""
        sample = sample_activity(conn)
        self.add(sample)
        return sample

    def clear(self) -> None:
        with self._lock:
            self._samples.clear()

    @property
    def first_time(self) -> datetime | None:
        with self._lock:
            return self._samples[0].taken_at if self._samples else None

    @property
    def last_time(self) -> datetime | None:
        with self._lock:
            return self._samples[-1].taken_at if self._samples else None

    def samples(self, start: datetime | None = None, end: datetime | None = None) -> list[ActivitySample]:
        """Samples taken in ``[start, end)`` (either bound open when None), oldest first."""
        lo = as_utc(start) if start is not None else None
        hi = as_utc(end) if end is not None else None
        with self._lock:
            items = list(self._samples)
        return [s for s in items if (lo is None or s.taken_at >= lo) and (hi is None or s.taken_at < hi)]

    def load_by_wait(self, start: datetime | None = None, end: datetime | None = None) -> dict[str, float]:
        """Average active sessions per wait over ``[start, end)``: each wait's session count
        summed over the samples, divided by the number of samples. Empty when no sample falls in
        the window (nothing is known, which is not the same as no load)."""
        return aggregate_by_wait(self.samples(start, end))

    def load_by_sql(self, start: datetime | None = None, end: datetime | None = None, *,
                    limit: int = 10) -> list[SqlLoad]:
        """The statements with the most average active sessions over the window, largest first,
        each with its split by wait."""
        return aggregate_by_sql(self.samples(start, end), limit=limit)

    def series(self, start: datetime, end: datetime, step_s: int = 1) -> tuple[list[datetime], dict[str, list[float]]]:
        """A point per step from ``start`` (aligned down to a multiple of ``step_s`` since the
        epoch) to ``end``: each wait's average active sessions over the samples of that step.
        A step without any sample is NaN for every wait (unknown: a gap on the chart); a wait
        absent from a step that has samples is 0."""
        return bucket_series(self.samples(), start, end, step_s)


def aggregate_by_wait(samples: Iterable[ActivitySample]) -> dict[str, float]:
    totals: dict[str, int] = {}
    n = 0
    for sample in samples:
        n += 1
        for wait, count in sample.by_wait().items():
            totals[wait] = totals.get(wait, 0) + count
    if n == 0:
        return {}
    return {wait: count / n for wait, count in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))}


def aggregate_by_sql(samples: Iterable[ActivitySample], *, limit: int = 10) -> list[SqlLoad]:
    counts: dict[str, int] = {}
    waits: dict[str, dict[str, int]] = {}
    texts: dict[str, str] = {}
    ids: dict[str, str | None] = {}
    n = 0
    for sample in samples:
        n += 1
        for s in sample.sessions:
            key = s.sql_key
            counts[key] = counts.get(key, 0) + 1
            per_wait = waits.setdefault(key, {})
            per_wait[s.wait] = per_wait.get(s.wait, 0) + 1
            texts.setdefault(key, s.query)
            ids.setdefault(key, str(s.queryid) if s.queryid is not None else None)
    if n == 0:
        return []
    ranked = sorted(counts, key=lambda k: (-counts[k], k))[:max(0, limit)]
    return [SqlLoad(sql_id=k, statement=texts[k], aas=counts[k] / n, db_id=ids[k],
                    by_wait=tuple(sorted(((w, c / n) for w, c in waits[k].items()), key=lambda wc: (-wc[1], wc[0]))))
            for k in ranked]


def align_down(moment: datetime, step_s: int) -> datetime:
    """``moment`` rounded down to a multiple of ``step_s`` seconds since the epoch (UTC)."""
    ts = as_utc(moment).timestamp()
    return datetime.fromtimestamp(math.floor(ts / step_s) * step_s, timezone.utc)


def bucket_series(samples: Iterable[ActivitySample], start: datetime, end: datetime,
                  step_s: int) -> tuple[list[datetime], dict[str, list[float]]]:
    """See :meth:`ActivityHistory.series` (``samples`` oldest first or in any order)."""
    if not isinstance(step_s, int) or step_s < 1:
        raise ValueError("step_s must be a positive integer (seconds)")
    first = align_down(start, step_s)
    end = as_utc(end)
    n_steps = max(0, math.ceil((end - first).total_seconds() / step_s))
    times = [first + timedelta(seconds=i * step_s) for i in range(n_steps)]
    counts: list[int] = [0] * n_steps
    per_wait: dict[str, list[int]] = {}
    base = first.timestamp()
    for sample in samples:
        ts = sample.taken_at.timestamp()
        if ts < base or sample.taken_at >= end:
            continue
        i = int((ts - base) // step_s)
        if i >= n_steps:
            continue
        counts[i] += 1
        for wait, c in sample.by_wait().items():
            per_wait.setdefault(wait, [0] * n_steps)[i] += c
    by_wait = {wait: [values[i] / counts[i] if counts[i] else math.nan for i in range(n_steps)]
               for wait, values in per_wait.items()}
    return times, by_wait


def run_sampler(conn: Any, history: ActivityHistory, *, interval_s: float = 1.0,
                should_stop: Callable[[], bool] = lambda: False,
                on_error: Callable[[BaseException], bool] | None = None,
                sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> int:
    """Sample ``conn`` every ``interval_s`` seconds into ``history`` until ``should_stop()``
    (e.g. ``lambda: ctx.cancelled`` in a runner task). Ticks keep to a fixed cadence: a slow
    sample does not shift the ones after it, and ticks missed meanwhile are skipped rather than
    taken in a burst. An error from a sample ends the loop (re-raised) unless ``on_error(exc)``
    returns True (keep going). Returns the number of samples taken."""
    if not interval_s > 0:
        raise ValueError("interval_s must be positive")
    taken = 0
    next_tick = clock()
    while not should_stop():
        try:
            history.sample(conn)
            taken += 1
        except Exception as exc:  # noqa: BLE001 - the caller decides (a lost connection pauses the view)
            if on_error is None or not on_error(exc):
                raise
        next_tick += interval_s
        now = clock()
        if next_tick < now:  # behind: skip the missed ticks
            next_tick = now + interval_s - ((now - next_tick) % interval_s)
        remaining = next_tick - now
        while remaining > 0 and not should_stop():
            sleep(min(remaining, 0.1))
            remaining = next_tick - clock()
    return taken
