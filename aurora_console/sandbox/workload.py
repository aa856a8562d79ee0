"""The sandbox's workload: a bounded, stoppable load on the blog database, so that the Performance
screen has something real to show (Tools ▸ Sandbox ▸ Run a workload).

A few sessions, each on its own thread and connection, run for at most ``duration_s``:

* **blog mix** (``mix_workers`` sessions): the reads a blog makes (front page, a post by slug, its
  comments, an author's posts, comment counts), with a short think time between them;
* **slow statement** (one session): every ``slow_every_s`` an unindexed search that hashes every
  post's text many times over (``slow_size`` rows): one statement with a high mean time in Top SQL,
  CPU in the load chart;
* **lock contention**: a *holder* session takes a row lock on one post (``SELECT ... FOR UPDATE``)
  and keeps its transaction open for ``lock_hold_s`` (``idle in transaction``) while ``waiters``
  sessions try to update that row and wait (``Lock:transactionid``): a blocking tree with one root.
  Then it rolls back, pauses ``lock_pause_s``, and starts again.

The workload changes no data: the holder and the waiters roll back. Every session is named
``sandbox-workload/<role>`` (application_name) so the Sessions tab says what it is.

Stopping (:meth:`Workload.request_stop`, the task's cancel, or the end of the duration) wakes every
thread; statements still running are cancelled (the protocol's cancel request), every connection is
closed, and the backends the workload opened are waited for until the server has ended them (any
that remain are terminated), so no backend and no lock is left behind. The server bounds the
sessions too, should this process die: ``statement_timeout``, ``lock_timeout`` and the holder's
``idle_in_transaction_session_timeout``.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import psycopg

from aurora_console.core.tasks import TaskContext

log = logging.getLogger(__name__)

APP_PREFIX = "sandbox-workload/"
#: the longest a workload may run (the menu's default is :attr:`WorkloadPlan.duration_s`)
MAX_DURATION_S = 3600.0
MAX_SESSIONS = 20

#: (name, SQL, which parameter it takes: None, "slug", "post" or "user")
BLOG_QUERIES: tuple[tuple[str, str, str | None], ...] = (
    ("front page",
     "SELECT p.id, p.title, p.slug, u.name, p.created_at FROM posts p JOIN users u ON u.id = p.user_id"
     " ORDER BY p.created_at DESC LIMIT 10", None),
    ("post by slug",
     "SELECT p.title, p.content, p.image_url, u.name FROM posts p JOIN users u ON u.id = p.user_id"
     " WHERE p.slug = %s", "slug"),
    ("comments of a post",
     "SELECT c.content, u.name, c.created_at FROM comments c LEFT JOIN users u ON u.id = c.user_id"
     " WHERE c.post_id = %s ORDER BY c.created_at", "post"),
    ("posts of an author",
     "SELECT p.title, p.slug, p.created_at FROM posts p WHERE p.user_id = %s ORDER BY p.created_at DESC", "user"),
    ("most discussed",
     "SELECT p.slug, count(c.id) AS comments FROM posts p LEFT JOIN comments c ON c.post_id = p.id"
     " GROUP BY p.slug ORDER BY comments DESC, p.slug LIMIT 5", None),
)

#: the deliberately slow statement: no index can help, every post's text is hashed slow_size times
SLOW_STATEMENT = ("SELECT p.slug, count(*) FROM posts p CROSS JOIN generate_series(1, %s) AS g(n)"
                  " WHERE md5(p.content || g.n::text) LIKE %s GROUP BY p.slug")
HOLD_STATEMENT = "SELECT id FROM posts WHERE id = %s FOR UPDATE"
WAIT_STATEMENT = "UPDATE posts SET title = title WHERE id = %s"


@dataclass(frozen=True)
class WorkloadPlan:
    """What the workload runs; every bound is checked (``ValueError`` naming the field)."""

    duration_s: float = 600.0
    mix_workers: int = 3
    mix_pause_s: float = 0.05
    slow_every_s: float = 15.0
    slow_size: int = 100_000
    waiters: int = 2
    lock_hold_s: float = 8.0
    lock_pause_s: float = 4.0
    #: server-side bound on any statement of the workload (the slow one included)
    statement_timeout_s: float = 60.0

    def __post_init__(self) -> None:
        checks: dict[str, tuple[float, float, float]] = {
            "duration_s": (self.duration_s, 0.5, MAX_DURATION_S),
            "mix_workers": (self.mix_workers, 0, MAX_SESSIONS),
            "mix_pause_s": (self.mix_pause_s, 0.0, 60.0),
            "slow_every_s": (self.slow_every_s, 0.1, 3600.0),
            "slow_size": (self.slow_size, 0, 10_000_000),
            "waiters": (self.waiters, 0, MAX_SESSIONS),
            "lock_hold_s": (self.lock_hold_s, 0.1, 600.0),
            "lock_pause_s": (self.lock_pause_s, 0.0, 600.0),
            "statement_timeout_s": (self.statement_timeout_s, 1.0, 3600.0),
        }
        for name, (value, low, high) in checks.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
                raise ValueError(f"workload {name} must be a number from {low:g} to {high:g}, not {value!r}")
        for name in ("mix_workers", "waiters", "slow_size"):
            if not isinstance(getattr(self, name), int):
                raise ValueError(f"workload {name} must be a whole number, not {getattr(self, name)!r}")


@dataclass(frozen=True)
class WorkloadReport:
    """What a workload did, and what it left behind (nothing, when all went well)."""

    seconds: float
    mix_queries: int
    slow_runs: int
    lock_rounds: int
    lock_waits: int  # waiter updates that had to wait for the holder's lock
    errors: tuple[str, ...]
    stopped_by: str  # "duration", "stop" or "error"
    leftover_backends: int  # backends still there after the clean-up (0 unless something is wrong)
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        text = (f"{self.mix_queries} blog queries, {self.slow_runs} slow statements, {self.lock_rounds} lock "
                f"rounds ({self.lock_waits} waits) in {self.seconds:.0f} s")
        if self.errors:
            text += f"; {len(self.errors)} errors (first: {self.errors[0]})"
        return text


@dataclass
class _Counters:
    mix_queries: int = 0
    slow_runs: int = 0
    lock_rounds: int = 0
    lock_waits: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Workload:
    """One run of the workload on a database (see the module docstring).

    ``run(task)`` runs it to its end on the calling thread (what the task runner calls);
    ``start()`` runs it on a thread of its own and ``stop()`` ends it and waits for the clean-up.
    ``request_stop()`` never blocks (safe on the UI thread).
    """

    def __init__(self, conninfo: Mapping[str, Any], plan: WorkloadPlan | None = None, *,
                 connect: Callable[..., psycopg.Connection] | None = None) -> None:
        self._conninfo = dict(conninfo)
        self.plan = plan or WorkloadPlan()
        self._connect = connect or psycopg.connect
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._counters = _Counters()
        self._conns: dict[str, psycopg.Connection] = {}  # role -> its connection while open
        self._busy: set[str] = set()  # roles running a statement right now
        self._pids: dict[str, int] = {}  # role -> backend pid (all ever opened)
        self._threads: list[threading.Thread] = []
        self._round = 0
        self._locked = False
        self._started = False
        self._finished = threading.Event()
        self._runner: threading.Thread | None = None
        self._report: WorkloadReport | None = None
        self._deadline = 0.0

    # -- public --------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._started and not self._finished.is_set()

    @property
    def report(self) -> WorkloadReport | None:
        """The report once the workload has ended and cleaned up."""
        return self._report

    def backend_pids(self) -> dict[str, int]:
        """The backend pid of each session opened so far, by role (``mix-1``, ``slow``,
        ``lock-holder``, ``lock-waiter-1``...)."""
        with self._lock:
            return dict(self._pids)

    def request_stop(self) -> None:
        """Ask the workload to end (returns at once; the run cleans up and returns its report)."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()

    def start(self) -> None:
        """Run on a background thread (scripts and tests; the console uses :meth:`run`)."""
        with self._lock:
            if self._started:
                raise RuntimeError("this workload has already run")
        self._runner = threading.Thread(target=self._run_quietly, name="sandbox-workload", daemon=True)
        self._runner.start()
        while not self._started and self._runner.is_alive():
            time.sleep(0.01)

    def stop(self, timeout: float = 30.0) -> WorkloadReport | None:
        """End a workload started with :meth:`start` and wait for its clean-up; its report."""
        self.request_stop()
        if self._runner is not None:
            self._runner.join(timeout)
        return self._report

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the workload has ended and cleaned up; False on timeout."""
        return self._finished.wait(timeout)

    def run(self, task: TaskContext | None = None) -> WorkloadReport:
        """Run the workload until its duration ends, :meth:`request_stop` or the task is cancelled,
        then clean up. Returns its report (raises only if nothing could start: a bad connection)."""
        with self._lock:
            if self._started:
                raise RuntimeError("this workload has already run")
            self._started = True
        unregister = task.token.on_cancel(self.request_stop) if task is not None else (lambda: None)
        began = time.monotonic()
        self._deadline = began + self.plan.duration_s
        stopped_by = "duration"
        try:
            targets = self._read_targets()
            self._spawn_sessions(targets)
            while not self._stop.is_set():
                left = self._deadline - time.monotonic()
                if left <= 0:
                    break
                self._stop.wait(min(1.0, left))
                if task is not None:
                    elapsed = time.monotonic() - began
                    task.progress(min(99, int(100 * elapsed / self.plan.duration_s)),
                                  f"Sandbox workload: {self._progress_text()}")
            if self._stop.is_set():
                stopped_by = "stop"
        except BaseException as exc:
            stopped_by = "error"
            if isinstance(exc, Exception):
                self._error("workload", exc)
            raise
        finally:
            unregister()
            leftover = self._shut_down()
            c = self._counters
            with self._lock:
                self._report = WorkloadReport(
                    seconds=time.monotonic() - began, mix_queries=c.mix_queries, slow_runs=c.slow_runs,
                    lock_rounds=c.lock_rounds, lock_waits=c.lock_waits, errors=tuple(c.errors[:50]),
                    stopped_by=stopped_by, leftover_backends=leftover, notes=tuple(c.notes))
            self._finished.set()
        log.info("sandbox workload ended (%s): %s", stopped_by, self._report.summary())
        return self._report

    # -- set-up --------------------------------------------------------------------------------
    def _read_targets(self) -> dict[str, list]:
        """Slugs, post ids and user ids the mix picks from (the blog as it is now)."""
        with self._connect(**self._conninfo, autocommit=True, application_name=APP_PREFIX + "setup") as conn:
            slugs = [r[0] for r in conn.execute("SELECT slug FROM posts ORDER BY id LIMIT 1000")]
            posts = [r[0] for r in conn.execute("SELECT id FROM posts ORDER BY id LIMIT 1000")]
            users = [r[0] for r in conn.execute("SELECT id FROM users ORDER BY id LIMIT 1000")]
        return {"slug": slugs, "post": posts, "user": users}

    def _spawn_sessions(self, targets: dict[str, list]) -> None:
        plan = self.plan
        jobs: list[tuple[str, Callable[..., None], tuple]] = []
        jobs += [(f"mix-{i + 1}", self._mix_loop, (targets, random.Random(i))) for i in range(plan.mix_workers)]
        if plan.slow_size > 0:
            jobs.append(("slow", self._slow_loop, ()))
        if targets["post"] and plan.waiters > 0:
            post_id = targets["post"][0]
            jobs.append(("lock-holder", self._holder_loop, (post_id,)))
            jobs += [(f"lock-waiter-{i + 1}", self._waiter_loop, (post_id,)) for i in range(plan.waiters)]
        elif plan.waiters > 0:
            self._counters.notes.append("no post to lock: the blog has no posts, lock contention skipped")
        for role, loop, args in jobs:
            thread = threading.Thread(target=self._session, args=(role, loop, args),
                                      name=f"{APP_PREFIX}{role}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _open(self, role: str, **settings: str) -> psycopg.Connection:
        options = " ".join(f"-c {name}={value}" for name, value in settings.items())
        conn = self._connect(**self._conninfo, autocommit=True, application_name=APP_PREFIX + role,
                             options=options, connect_timeout=10)
        pid = conn.info.backend_pid
        with self._lock:
            self._pids[role] = pid
            self._conns[role] = conn
        return conn

    def _session(self, role: str, loop: Callable[..., None], args: tuple) -> None:
        """One session's thread: connect with server-side bounds, run its loop until stopped."""
        timeout_ms = int(self.plan.statement_timeout_s * 1000)
        settings = {"statement_timeout": str(timeout_ms)}
        if role.startswith("lock-waiter"):
            settings["lock_timeout"] = str(int((self.plan.lock_hold_s + 10) * 1000))
        if role == "lock-holder":  # should this process die mid-transaction, the server ends it
            settings["idle_in_transaction_session_timeout"] = str(int((self.plan.lock_hold_s + 30) * 1000))
        conn = None
        try:
            conn = self._open(role, **settings)
            loop(role, conn, *args)
        except Exception as exc:  # noqa: BLE001 - one session's failure is reported, the rest go on
            if not self._stop.is_set():
                self._error(role, exc)
        finally:
            with self._lock:
                self._conns.pop(role, None)
                self._busy.discard(role)
            if conn is not None:
                try:
                    conn.close()
                except Exception:  # noqa: BLE001
                    log.debug("closing workload session %s failed", role, exc_info=True)

    def _error(self, role: str, exc: BaseException) -> None:
        text = f"{role}: {type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
        with self._lock:
            self._counters.errors.append(text)
        log.warning("sandbox workload %s", text)

    def _running(self) -> bool:
        return not self._stop.is_set() and time.monotonic() < self._deadline

    def _execute(self, role: str, conn: psycopg.Connection, query: str, params: tuple = ()) -> list:
        with self._lock:
            if self._stop.is_set():
                raise _Stopping()
            self._busy.add(role)
        try:
            cur = conn.execute(query, params)
            return cur.fetchall() if cur.description is not None else []
        finally:
            with self._lock:
                self._busy.discard(role)

    # -- the sessions --------------------------------------------------------------------------
    def _mix_loop(self, role: str, conn: psycopg.Connection, targets: dict[str, list], rng: random.Random) -> None:
        queries = [q for q in BLOG_QUERIES if q[2] is None or targets[q[2]]]
        while self._running():
            _name, query, param = rng.choice(queries)
            params = (rng.choice(targets[param]),) if param else ()
            try:
                self._execute(role, conn, query, params)
            except _Stopping:
                return
            except psycopg.errors.QueryCanceled:
                if self._stop.is_set():
                    return
                raise
            with self._lock:
                self._counters.mix_queries += 1
            if self.plan.mix_pause_s:
                self._stop.wait(self.plan.mix_pause_s)

    def _slow_loop(self, role: str, conn: psycopg.Connection) -> None:
        while self._running():
            try:
                self._execute(role, conn, SLOW_STATEMENT, (self.plan.slow_size, "0000%"))
            except _Stopping:
                return
            except psycopg.errors.QueryCanceled:
                if self._stop.is_set():
                    return
                raise
            with self._lock:
                self._counters.slow_runs += 1
            self._stop.wait(self.plan.slow_every_s)

    def _holder_loop(self, role: str, conn: psycopg.Connection, post_id: int) -> None:
        while self._running():
            try:
                self._execute(role, conn, "BEGIN")
                self._execute(role, conn, HOLD_STATEMENT, (post_id,))
            except _Stopping:
                _rollback(conn)
                return
            with self._cond:
                self._round += 1
                self._locked = True
                self._counters.lock_rounds += 1
                self._cond.notify_all()
            # the transaction stays open (idle in transaction) while the waiters queue up
            self._stop.wait(min(self.plan.lock_hold_s, max(0.0, self._deadline - time.monotonic())))
            with self._cond:
                self._locked = False
            _rollback(conn)
            self._stop.wait(self.plan.lock_pause_s)

    def _waiter_loop(self, role: str, conn: psycopg.Connection, post_id: int) -> None:
        seen = 0
        while self._running():
            with self._cond:
                self._cond.wait_for(lambda seen=seen: self._stop.is_set() or (self._locked and self._round != seen),
                                    0.5)
                if self._stop.is_set():
                    return
                if not (self._locked and self._round != seen):
                    continue
                seen = self._round
            began = time.monotonic()
            try:
                self._execute(role, conn, "BEGIN")
                self._execute(role, conn, WAIT_STATEMENT, (post_id,))  # waits for the holder's lock
            except _Stopping:
                _rollback(conn)
                return
            except psycopg.errors.QueryCanceled:  # cancelled at stop, or lock_timeout
                _rollback(conn)
                if self._stop.is_set():
                    return
                raise
            finally:
                waited = time.monotonic() - began
            _rollback(conn)
            if waited >= 0.2:
                with self._lock:
                    self._counters.lock_waits += 1

    # -- the end -------------------------------------------------------------------------------
    def _progress_text(self) -> str:
        c = self._counters
        return f"{c.mix_queries} blog queries, {c.slow_runs} slow statements, {c.lock_rounds} lock rounds"

    def _shut_down(self) -> int:
        """Stop every session and wait until the server has ended their backends; how many remain."""
        self.request_stop()
        self._cancel_busy()
        for thread in self._threads:
            thread.join(5.0)
        if any(t.is_alive() for t in self._threads):
            self._cancel_busy()  # a statement that started between the first cancel and the join
            for thread in self._threads:
                thread.join(10.0)
        for thread in self._threads:
            if thread.is_alive():
                self._counters.notes.append(f"{thread.name} did not end within 15 s")
        return self._reap_backends()

    def _cancel_busy(self) -> None:
        with self._lock:
            busy = [(role, self._conns[role]) for role in self._busy if role in self._conns]
        for role, conn in busy:
            try:
                conn.cancel_safe(timeout=5.0)
            except Exception:  # noqa: BLE001 - the session may have just finished
                log.debug("cancelling workload session %s failed", role, exc_info=True)

    def _reap_backends(self, timeout: float = 10.0) -> int:
        """Wait until none of the workload's backends exists any more (closing a connection ends its
        backend a moment later); terminate any still there after half the wait."""
        pids = sorted(set(self.backend_pids().values()))
        if not pids:
            return 0
        try:
            conn = self._connect(**self._conninfo, autocommit=True, application_name=APP_PREFIX + "cleanup",
                                 connect_timeout=10)
        except Exception as exc:  # noqa: BLE001 - the server itself is gone: so are its backends
            log.info("sandbox workload clean-up could not connect (%s)", exc)
            return 0
        with conn:
            deadline = time.monotonic() + timeout
            terminated = False
            while True:
                left = [r[0] for r in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE pid = ANY(%s)", (pids,))]
                if not left:
                    return 0
                if time.monotonic() > deadline:
                    return len(left)
                if not terminated and time.monotonic() > deadline - timeout / 2:
                    conn.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", (left,))
                    self._counters.notes.append(f"terminated {len(left)} workload backends that outlived the stop")
                    terminated = True
                time.sleep(0.05)

    def _run_quietly(self) -> None:
        try:
            self.run()
        except Exception:  # noqa: BLE001 - recorded in the report, which start()'s callers read
            pass


class _Stopping(Exception):
    """The workload is stopping: the session's loop returns."""


def _rollback(conn: psycopg.Connection) -> None:
    try:
        conn.execute("ROLLBACK")
    except Exception:  # noqa: BLE001 - a broken connection is closed by the session's finally
        log.debug("workload rollback failed", exc_info=True)
