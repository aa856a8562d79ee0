"""Shared fixtures for the Performance tests against the rig's real PostgreSQL.

* ``perf_db``: a fresh database with a small table ``items`` (id, n).
* ``observer``: an autocommit connection to it named like the Performance screen's
  (``application_name`` "aurora-console performance"): the ``conn`` the core functions get.
* ``connect``: ``connect(application_name=..., user=..., autocommit=...)`` opens more connections to
  ``perf_db`` (closed at teardown).
* ``plain_role``: (name, password) of a new login role with no grants (dropped at teardown): it
  sees other roles' sessions as ``<insufficient privilege>`` and may not signal them.
* ``lock_contention``: real row-lock contention on ``items`` id 1: ``holder`` updated the row in an
  open transaction; ``waiter1`` runs the same UPDATE and waits for the holder's transaction;
  ``waiter2`` runs it too and waits behind waiter1 (on the tuple lock waiter1 holds). Each waiter
  runs on its own thread; the fixture returns once PostgreSQL shows both waiting, and ends the
  contention (holder rolls back) at teardown.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import psycopg
import pytest
from psycopg import sql

from aurora_console.core.performance.activity import APPLICATION_NAME

#: Every connection the tests open gives up after this long, so that nothing hangs a run.
STATEMENT_TIMEOUT_MS = 60_000


def wait_until(predicate: Callable[[], object], timeout: float = 15.0, what: str = "condition") -> object:
    deadline = time.monotonic() + timeout
    while True:
        got = predicate()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def backend_state(observer: psycopg.Connection, pid: int) -> tuple[str | None, str | None]:
    """(state, wait_event_type) of ``pid`` as the server shows it now ((None, None): gone)."""
    with observer.transaction():
        observer.execute("SELECT pg_stat_clear_snapshot()")
        row = observer.execute("SELECT state, wait_event_type FROM pg_stat_activity WHERE pid = %s",
                               (pid,)).fetchone()
    return (row[0], row[1]) if row else (None, None)


@pytest.fixture
def perf_db(new_database):
    db = new_database()
    with db.connect(autocommit=True) as conn:
        conn.execute("CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL DEFAULT 0);"
                     "INSERT INTO items (id) SELECT g FROM generate_series(1, 10) g")
    return db


@pytest.fixture
def connect(perf_db) -> Iterator[Callable[..., psycopg.Connection]]:
    made: list[psycopg.Connection] = []

    def make(application_name: str = "blog-app", *, user: str | None = None, password: str | None = None,
             autocommit: bool = True, **kwargs) -> psycopg.Connection:
        info = dict(perf_db.conninfo)
        if user is not None:
            info["user"] = user
            info["password"] = password
        conn = psycopg.connect(**info, autocommit=autocommit, application_name=application_name,
                               options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}", **kwargs)
        made.append(conn)
        return conn

    yield make
    for conn in made:
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - a terminated backend's connection may fail to close cleanly
            pass


@pytest.fixture
def observer(connect) -> psycopg.Connection:
    return connect(APPLICATION_NAME)


@dataclass
class Background:
    """A statement running on its own connection and thread; ``error`` is what it raised."""

    conn: psycopg.Connection
    pid: int
    sql: str
    thread: threading.Thread | None = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def start(self) -> Background:
        def run() -> None:
            try:
                self.conn.execute(self.sql)
            except BaseException as exc:  # noqa: BLE001 - handed to the test
                self.error = exc
            finally:
                self.done.set()

        self.thread = threading.Thread(target=run, name=f"pg-{self.pid}", daemon=True)
        self.thread.start()
        return self

    def join(self, timeout: float = 30.0) -> None:
        assert self.done.wait(timeout), f"backend {self.pid} still runs {self.sql!r}"


@pytest.fixture
def run_in_background(connect) -> Callable[..., Background]:
    """``run_in_background(sql, application_name=...)``: start ``sql`` on a new connection's thread."""
    started: list[Background] = []

    def start(sql: str, application_name: str = "blog-app", **kwargs) -> Background:
        conn = connect(application_name, **kwargs)
        job = Background(conn=conn, pid=conn.info.backend_pid, sql=sql).start()
        started.append(job)
        return job

    yield start
    for job in started:
        if not job.done.is_set():
            try:
                job.conn.cancel()
            except Exception:  # noqa: BLE001
                pass
            job.done.wait(10)


@dataclass
class LockContention:
    holder: psycopg.Connection
    waiter1: Background
    waiter2: Background

    @property
    def holder_pid(self) -> int:
        return self.holder.info.backend_pid


UPDATE_ROW_1 = "UPDATE items SET n = n + 1 WHERE id = 1"


@pytest.fixture
def lock_contention(connect, observer, run_in_background) -> Iterator[LockContention]:
    holder = connect("blog-holder", autocommit=False)
    holder.execute(UPDATE_ROW_1)  # the row lock, held by an open transaction
    waiter1 = run_in_background(UPDATE_ROW_1, "blog-waiter-1")
    wait_until(lambda: backend_state(observer, waiter1.pid) == ("active", "Lock"), what="waiter 1 to wait")
    waiter2 = run_in_background(UPDATE_ROW_1, "blog-waiter-2")
    wait_until(lambda: backend_state(observer, waiter2.pid) == ("active", "Lock"), what="waiter 2 to wait")
    contention = LockContention(holder=holder, waiter1=waiter1, waiter2=waiter2)
    try:
        yield contention
    finally:
        try:
            holder.rollback()
        except Exception:  # noqa: BLE001 - a test may have terminated the holder
            pass
        for waiter in (waiter1, waiter2):
            waiter.done.wait(10)


@pytest.fixture
def plain_role(pg_server, perf_db) -> Iterator[tuple[str, str]]:
    name = f"r_{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(12)
    with pg_server.connect(autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(name), sql.Literal(password)))
    yield name, password
    with pg_server.connect(autocommit=True) as admin:
        admin.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))
