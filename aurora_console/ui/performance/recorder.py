"""What the Performance screen records while it is open, and what it reads back for a time
window, Qt-free: the Top SQL, Load and Window tabs' state.

While an instance is live, each tick of the screen (one second) runs one short task on the
instance's queue and connection (the ``InstanceLink`` the live views use, so no extra backend):
a sample of ``pg_stat_activity`` into the instance's :class:`ActivityHistory` (the active-session
history, once a second), and every ``snapshot_every_s`` (60 s) a ``pg_stat_statements`` snapshot
into the local :class:`SnapshotStore` (deltas, query texts once; a reset, restart or failover
starts a new baseline). Recording goes on while the views are paused; it stops while the
connection is lost.

For a window (``start``/``end``, epoch seconds) it reads, each on a worker: the top statements
(``top_sql``), the load by wait (``LoadReader``: Performance Insights where enabled and allowed,
else the sampled history, the reason said), and the explanation of the window (``gather_window``:
top statements, load, RDS events, migrations applied, the console's audit entries).

Observers: ``changed()``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aurora_console.core.errors import error_message, user_text
from aurora_console.ui.observers import Observers

SNAPSHOT_EVERY_S = 60.0
SAMPLE_EVERY_S = 1.0
DEFAULT_WINDOW_S = 15 * 60


@dataclass(frozen=True)
class WindowSources:
    """Where the parts of a window come from besides the instance itself (all worker-side;
    each may be None when the screen has no cluster / AWS account behind it)."""

    cluster_id: str | Callable[[], str] = ""  # or what returns it (known once the instances are listed)
    load_target: Callable[[Any], Any] | None = None  # instance -> core.performance.load.LoadTarget
    pi_client: Callable[[], Any] | None = None  # -> boto3 "pi" client
    rds_events: Callable[[float, float, list[str]], list] | None = None  # (start, end, instance ids) -> RdsEvent list
    audit: Callable[[float, float, list[str]], list] | None = None  # (start, end, instance ids) -> AuditEntry list


class PerformanceRecorder:
    def __init__(self, runner, *, open_store: Callable[[], Any], sources: WindowSources | None = None,
                 owner: object | None = None, clock: Callable[[], float] = time.time,
                 snapshot_every_s: float = SNAPSHOT_EVERY_S, sample_every_s: float = SAMPLE_EVERY_S,
                 max_samples: int = 3600) -> None:
        self.runner = runner
        self.open_store = open_store
        self.sources = sources or WindowSources()
        self.owner = owner
        self.clock = clock
        self.snapshot_every_s = snapshot_every_s
        self.sample_every_s = sample_every_s
        self.max_samples = max_samples
        self.store = None
        self._store_lock = threading.Lock()
        self.link = None
        self.queue: str | None = None
        self.instance = None
        self.instance_key = ""
        self.members: tuple[str, ...] = ()  # every instance of the cluster (see attach)
        self.histories: dict[str, Any] = {}  # instance key -> ActivityHistory (kept when switching back)
        self.readers: dict[str, Any] = {}  # instance key -> LoadReader
        self.record_handle = None
        self._snapshot_asked = False  # "Snapshot now" while a background recording ran
        self._sampled_at: float | None = None
        self._snapshot_at: float | None = None
        self.last_snapshot = None  # SnapshotResult
        self.snapshots = 0
        self.samples = 0
        self.statements_problem: str | None = None  # pg_stat_statements missing: what to do
        self.server_version: int | None = None  # server_version_num of the instance (for EXPLAIN texts)
        self.record_error: str | None = None
        self.window: tuple[float, float] | None = None  # the Top SQL / Load tabs' window (None: the last window_s)
        self.window_s: float = DEFAULT_WINDOW_S
        self.top: list = []
        self.top_handle = None
        self.load_series = None
        self.load_problem: str | None = None
        self.load_handle = None
        self.explained = None  # WindowExplanation
        self.explain_window_range: tuple[float, float] | None = None
        self.explain_problem: str | None = None
        self.explain_handle = None
        self.closed = False
        self.on_lost: Callable[[BaseException], None] | None = None
        self.changed = Observers()

    # -- instance ------------------------------------------------------------------------------------
    def attach(self, instance, instance_key: str, link, queue: str,
               on_lost: Callable[[BaseException], None] | None = None, *, members: Sequence[str] = ()) -> None:
        """Record ``instance`` through ``link`` (its live connection) on ``queue``; ``on_lost(exc)``
        when a recording finds the connection lost (the live views pause too). ``members``: the
        ids of every instance of the cluster (writer and readers): an explained window reads the
        RDS events and audit entries of all of them (a failover or reboot of another instance is
        often what the picked one felt)."""
        self.instance, self.instance_key, self.link, self.queue = instance, instance_key, link, queue
        self.members = tuple(members)
        self.on_lost = on_lost
        self._sampled_at = self._snapshot_at = None
        self._snapshot_asked = False
        self.server_version = None
        self.top, self.load_series, self.load_problem, self.statements_problem = [], None, None, None
        self.changed.emit()

    def detach(self) -> None:
        self.link = None

    def history(self, key: str | None = None):
        from aurora_console.core.performance.activity_history import ActivityHistory

        key = key or self.instance_key
        if key not in self.histories:
            self.histories[key] = ActivityHistory(max_samples=self.max_samples)
        return self.histories[key]

    @property
    def recording(self) -> bool:
        return self.record_handle is not None and not self.record_handle.done

    # -- recording -----------------------------------------------------------------------------------
    def tick(self) -> None:
        """One second passed: sample, and snapshot when due (one task at a time)."""
        if self.closed or self.link is None or self.recording:
            return
        now = self.clock()
        sample = self._sampled_at is None or now - self._sampled_at >= self.sample_every_s - 0.05
        snapshot = (self._snapshot_asked or self._snapshot_at is None
                    or now - self._snapshot_at >= self.snapshot_every_s)
        if sample or snapshot:
            self._record(sample=sample, snapshot=snapshot)

    def snapshot_now(self) -> None:
        """Take a ``pg_stat_statements`` snapshot now (Top SQL's "Snapshot now"; scripts)."""
        if self.closed or self.link is None:
            return
        if self.recording:  # a background recording runs: the snapshot follows it
            self._snapshot_asked = True
        else:
            self._record(sample=False, snapshot=True)

    def _record(self, *, sample: bool, snapshot: bool) -> None:
        # pg_stat_statements or MySQL's digest summary, by the connection
        from aurora_console.core.performance.engines import take_snapshot

        now = self.clock()
        if sample:
            self._sampled_at = now
        if snapshot:
            self._snapshot_at, self._snapshot_asked = now, False
        link, key, history = self.link, self.instance_key, self.history()
        store = self._store_getter()
        want_version = self.server_version is None

        def work(ctx):
            from aurora_console.core.performance.engines import sample_activity, server_version
            from aurora_console.core.performance.statements import StatementsUnavailable

            result: dict[str, Any] = {}
            if want_version:
                result["version"] = link.run(server_version)
            if sample:
                link.run(lambda conn: history.add(sample_activity(conn)))  # PostgreSQL's or MySQL's sampler
                result["sampled"] = True
            if snapshot:
                try:
                    result["snapshot"] = link.run(lambda conn: take_snapshot(conn, store(), key))
                except StatementsUnavailable as exc:
                    result["statements_problem"] = user_text(exc)
            return result

        self.record_handle = self.runner.submit(work, name=f"Record {key}", queue=self.queue,
                                                on_done=lambda r: self._recorded(link, r),
                                                on_error=lambda exc: self._record_failed(link, exc), owner=self.owner)

    def _store_getter(self) -> Callable[[], Any]:
        def get():
            with self._store_lock:
                if self.store is None:
                    self.store = self.open_store()
                return self.store

        return get

    def _recorded(self, link, result: dict) -> None:
        if link is not self.link:
            return
        self.record_error = None
        if result.get("version"):
            self.server_version = result["version"]
        if result.get("sampled"):
            self.samples += 1
        if "snapshot" in result:
            self.last_snapshot = result["snapshot"]
            self.snapshots += 1
            self.statements_problem = None
        if "statements_problem" in result:
            self.statements_problem = result["statements_problem"]
        if "snapshot" in result or "statements_problem" in result:
            self.changed.emit()
        self._take_asked_snapshot()

    def _take_asked_snapshot(self) -> None:
        """A "Snapshot now" asked while a background recording ran is taken once it ends."""
        if self._snapshot_asked and not self.closed and self.link is not None:
            self._record(sample=False, snapshot=True)

    def _record_failed(self, link, exc: BaseException) -> None:
        if link is not self.link:
            return
        from .instance_link import ConnectionLost

        self.record_error = error_message(exc)
        self.changed.emit()
        if isinstance(exc, ConnectionLost) and self.on_lost is not None:
            self.on_lost(exc)  # said (and retried) by the live controller
        elif not isinstance(exc, ConnectionLost):
            self._take_asked_snapshot()

    # -- reading a window -------------------------------------------------------------------------------
    def current_window(self) -> tuple[float, float]:
        if self.window is not None:
            return self.window
        now = self.clock()
        return (now - self.window_s, now + 1)  # + 1: a snapshot taken this second is in

    def set_window_seconds(self, seconds: float) -> None:
        """The last ``seconds`` (moving with the clock)."""
        if not seconds > 0:
            raise ValueError("The window must be longer than 0 seconds.")
        self.window, self.window_s = None, float(seconds)
        self.changed.emit()

    def set_window(self, start: float | None, end: float | None = None) -> None:
        """A fixed Top SQL / Load window (epoch seconds); ``None``: the last ``window_s`` again.
        ``ValueError`` unless end > start."""
        if start is None:
            self.window = None
        else:
            start, end = float(start), float(end if end is not None else self.clock())
            if not end > start:
                raise ValueError("The window's end must be after its start.")
            self.window = (start, end)
        self.changed.emit()

    def read_top_sql(self, *, sort: str = "total_ms", text_filter: str = "") -> None:
        if self.closed or not self.instance_key or (self.top_handle is not None and not self.top_handle.done):
            return
        from aurora_console.core.performance.top_sql import top_sql

        start, end = self.current_window()
        key, store = self.instance_key, self._store_getter()

        def done(rows) -> None:
            if key == self.instance_key:
                self.top = list(rows)
                self.changed.emit()

        self.top_handle = self.runner.submit(
            lambda ctx: top_sql(store(), key, start, end, sort=sort, text_filter=text_filter),
            name=f"Top SQL of {key}", on_done=done, on_error=self._top_failed, owner=self.owner)

    def _top_failed(self, exc: BaseException) -> None:
        self.statements_problem = user_text(exc)
        self.changed.emit()

    def load_reader(self):
        """Worker side: the instance's LoadReader (Performance Insights or the sampled history)."""
        from aurora_console.core.performance.load import LoadReader, LoadTarget

        key = self.instance_key
        if key not in self.readers:
            target = None
            if self.sources.load_target is not None:
                try:
                    target = self.sources.load_target(self.instance)
                except Exception:  # noqa: BLE001 - then only the sampled history, said by the reader
                    target = None
            if target is None:
                target = LoadTarget(self.instance.instance_id if self.instance else key)
            pi = None
            if self.sources.pi_client is not None and target.performance_insights_enabled:
                try:
                    pi = self.sources.pi_client()
                except Exception:  # noqa: BLE001 - the reader says PI cannot be asked
                    pi = None
            self.readers[key] = LoadReader(target, self.history(key), pi_client=pi)
        return self.readers[key]

    def read_load(self) -> None:
        if self.closed or not self.instance_key or (self.load_handle is not None and not self.load_handle.done):
            return
        from aurora_console.core.performance.explain_window import as_utc

        start, end = self.current_window()
        key = self.instance_key

        def done(series) -> None:
            if key == self.instance_key:
                self.load_series, self.load_problem = series, None
                self.changed.emit()

        def failed(exc: BaseException) -> None:
            self.load_problem = user_text(exc)
            self.changed.emit()

        self.load_handle = self.runner.submit(lambda ctx: self.load_reader().read(as_utc(start), as_utc(end)),
                                              name=f"Database load of {key}", on_done=done, on_error=failed,
                                              owner=self.owner)

    @property
    def load_source(self) -> str | None:
        return self.load_series.source if self.load_series is not None else None

    def explain(self, start: float, end: float) -> None:
        """Explain the window: top statements by delta, load by wait, and what happened then."""
        from aurora_console.core.performance.engines import read_migrations
        from aurora_console.core.performance.explain_window import (
            as_utc,
            gather_window,
            window_bounds,
        )
        from aurora_console.core.performance.top_sql import top_sql

        window_bounds(start, end)  # WindowError (a ConsoleError) unless end > start
        if self.closed or (self.explain_handle is not None and not self.explain_handle.done):
            return
        self.explain_window_range = (float(start), float(end))
        self.explain_problem, self.explained = None, None
        key, store, link, src = self.instance_key, self._store_getter(), self.link, self.sources
        instance_id = self.instance.instance_id if self.instance is not None else None
        instance_ids = list(self.members) or ([instance_id] if instance_id else [])
        cluster_id = (src.cluster_id() if callable(src.cluster_id) else src.cluster_id) or key

        def work(ctx):
            return gather_window(
                start=start, end=end, cluster_id=cluster_id, instance_id=instance_id,
                top_sql=(lambda: top_sql(store(), key, start, end)) if key else None,
                load=(lambda: self.load_reader().read(as_utc(start), as_utc(end))) if key else None,
                rds_events=(lambda: src.rds_events(start, end, instance_ids)) if src.rds_events else None,
                migrations=(lambda: link.run(lambda conn: read_migrations(conn, start, end))) if link else None,
                audit=(lambda: src.audit(start, end, instance_ids)) if src.audit else None, task=ctx)

        def done(explanation) -> None:
            self.explained = explanation
            self.changed.emit()

        def failed(exc: BaseException) -> None:
            self.explain_problem = user_text(exc)
            self.changed.emit()

        self.explain_handle = self.runner.submit(work, name=f"Explain a window of {cluster_id}", queue=self.queue,
                                                 on_done=done, on_error=failed, owner=self.owner)
        self.changed.emit()

    # -- end ---------------------------------------------------------------------------------------------
    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.link = None
        with self._store_lock:
            store, self.store = self.store, None
        if store is not None:
            self.runner.submit(lambda ctx: store.close(), name="Close the Top SQL store")
