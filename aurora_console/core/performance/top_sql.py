"""Top SQL: the statements that cost the most in a time window, from the snapshot store.

* :class:`TopStatement`: one statement's deltas over a window (calls, total and mean time, rows,
  shared blocks hit/read, temp blocks, block I/O time) and its share of the window's total time.
* :func:`top_sql`: the window's statements sorted (by total time unless told otherwise) and
  filtered by text, user or database.
* :func:`take_snapshot`: read ``pg_stat_statements`` (counters only, then the texts the store has
  not seen yet) and add the sample to the store.
* :class:`BackgroundSnapshots`: which instances are due for a snapshot, for the screen while it is
  open and for the profiles whose "snapshots in the background" setting is on
  (``Settings.top_sql_background_profiles``); failures back off. Qt-free: the window's timer
  asks :meth:`BackgroundSnapshots.due` and runs :func:`take_snapshot` for each key on the task
  runner.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the store imports TopStatement from here; only the annotations need it back
    import psycopg

    from aurora_console.core.performance.snapshots import SnapshotResult, SnapshotStore


@dataclass(frozen=True)
class TopStatement:
    """One statement's totals over a window. ``query`` is None when its text is not known
    (never read, or hidden from this role); ``share``: its part (0..1) of the total execution time
    of every statement in the window; ``mean_ms`` = ``total_ms / calls`` (0 without calls)."""

    queryid: int
    query: str | None
    calls: int
    total_ms: float
    mean_ms: float
    rows: int
    shared_blks_hit: int
    shared_blks_read: int
    temp_blks: int
    share: float
    user: str | None = None
    database: str | None = None
    userid: int = 0
    dbid: int = 0
    blk_io_ms: float = 0.0

    @property
    def hit_ratio(self) -> float | None:
        """Shared buffer hits / (hits + reads), None when the statement touched no shared block."""
        touched = self.shared_blks_hit + self.shared_blks_read
        return self.shared_blks_hit / touched if touched else None


SORT_KEYS = tuple(f.name for f in fields(TopStatement)
                  if f.name not in ("query", "user", "database", "userid", "dbid"))


def top_sql(store: SnapshotStore, instance_key: str, start: float | datetime, end: float | datetime, *,
            sort: str = "total_ms", descending: bool = True, text_filter: str = "",
            limit: int | None = None) -> list[TopStatement]:
    """The statements of ``instance_key`` with activity in the window ``start < t <= end`` (epoch
    seconds, or datetimes), sorted by ``sort`` (one of :data:`SORT_KEYS`; ties by query id),
    filtered by ``text_filter`` (case-insensitive, in the query text, user or database), at most
    ``limit``.
    Shares are of the whole window, so filtering keeps them comparable."""
    if sort not in SORT_KEYS:
        raise ValueError(f"cannot sort Top SQL by {sort!r}; one of {', '.join(SORT_KEYS)}")
    rows = store.window(instance_key, start, end)
    needle = text_filter.strip().casefold()
    if needle:
        rows = [r for r in rows if any(needle in (v or "").casefold() for v in (r.query, r.user, r.database))]
    rows.sort(key=lambda r: (getattr(r, sort), -r.queryid if descending else r.queryid), reverse=descending)
    return rows if limit is None else rows[:max(limit, 0)]


def take_snapshot(conn: psycopg.Connection, store: SnapshotStore, instance_key: str, *,
                  now: float | None = None) -> SnapshotResult:
    """Read ``pg_stat_statements`` on ``conn`` and add it to ``store`` under ``instance_key``.

    The counters are read without texts; only the texts of statements the store has not seen
    are fetched (``pg_stat_statements(true)`` reads the server's text file on every call).
    Raises :class:`~aurora_console.core.performance.statements.StatementsUnavailable`."""
    # here, not at the top: the views import TopStatement from this module and must not pull in psycopg
    from aurora_console.core.performance.statements import read_query_texts, read_statements

    sample = read_statements(conn, with_texts=False, now=now)
    missing = store.keys_without_text(instance_key, sample)
    if missing:
        sample = sample.with_texts(read_query_texts(conn, missing))
    return store.add(instance_key, sample)


def background_enabled(settings: Any, profile: str) -> bool:
    """Whether ``profile`` takes Top SQL snapshots in the background (its setting is on)."""
    return profile in (getattr(settings, "top_sql_background_profiles", None) or [])


def set_background_enabled(settings: Any, profile: str, enabled: bool) -> None:
    """Turn ``profile``'s background snapshots on or off in ``settings`` (saved by the caller)."""
    profiles = [p for p in settings.top_sql_background_profiles if p != profile]
    if enabled:
        profiles.append(profile)
    settings.top_sql_background_profiles = sorted(profiles)


@dataclass
class _Watch:
    reasons: set[str] = field(default_factory=set)
    next_at: float = 0.0
    failures: int = 0


class BackgroundSnapshots:
    """The schedule of Top SQL snapshots: one every ``interval_s`` for each watched instance key.

    An instance is watched for one or more reasons (``"screen"`` while the Performance screen
    shows it, ``"background"`` when its profile's setting is on) and stops being due when the
    last reason goes. A key is due when first watched; :meth:`done` schedules the next one, and
    after a failure waits longer (doubling up to ``max_backoff_s``) so an unreachable server is
    not polled every minute. Times come from ``clock`` (monotonic seconds by default).
    """

    REASONS = ("screen", "background")

    def __init__(self, *, interval_s: float = 60.0, max_backoff_s: float = 900.0, clock=time.monotonic) -> None:
        if not interval_s > 0:
            raise ValueError("interval_s must be positive")
        self.interval_s = float(interval_s)
        self.max_backoff_s = max(float(max_backoff_s), self.interval_s)
        self._clock = clock
        self._watches: dict[str, _Watch] = {}
        self._running: set[str] = set()

    def watch(self, instance_key: str, why: str = "screen") -> None:
        if why not in self.REASONS:
            raise ValueError(f"unknown reason {why!r}; one of {self.REASONS}")
        entry = self._watches.setdefault(instance_key, _Watch(next_at=self._clock()))
        entry.reasons.add(why)

    def unwatch(self, instance_key: str, why: str = "screen") -> None:
        entry = self._watches.get(instance_key)
        if entry is None:
            return
        entry.reasons.discard(why)
        if not entry.reasons:
            del self._watches[instance_key]

    def watched(self) -> dict[str, frozenset[str]]:
        """Every watched key and why."""
        return {key: frozenset(w.reasons) for key, w in self._watches.items()}

    def due(self, now: float | None = None) -> list[str]:
        """The keys whose snapshot is due and not already running; each is marked running until
        :meth:`done` is called for it."""
        now = self._clock() if now is None else now
        keys = sorted(k for k, w in self._watches.items() if w.next_at <= now and k not in self._running)
        self._running.update(keys)
        return keys

    def done(self, instance_key: str, now: float | None = None, *, ok: bool = True) -> float | None:
        """The snapshot of ``instance_key`` ended (``ok=False``: it failed); when the next is due
        (None when the key is no longer watched)."""
        self._running.discard(instance_key)
        entry = self._watches.get(instance_key)
        if entry is None:
            return None
        now = self._clock() if now is None else now
        entry.failures = 0 if ok else entry.failures + 1
        wait = self.interval_s if ok else min(self.interval_s * 2 ** entry.failures, self.max_backoff_s)
        entry.next_at = now + wait
        return entry.next_at
