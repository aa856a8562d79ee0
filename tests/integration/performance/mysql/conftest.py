"""Fixtures for the Performance screen's MySQL readers against real MariaDB servers.

* ``mysql_server`` (the rig's): MariaDB with ``performance_schema`` off (its default), so the
  processlist comes from ``information_schema.PROCESSLIST`` and Top SQL must say what to set.
* ``ps_server`` (session, started here): a second MariaDB with ``performance_schema=ON``, for Top SQL
  (``events_statements_summary_by_digest``) and connection attributes (``program_name``).
* ``threads``: a :class:`Threads` on a fresh database of the server the test asks for, with a small
  InnoDB table ``items`` (id 1..3): opens client connections, runs statements in the background,
  and cleans everything up (holders roll back, background statements end) at teardown.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from aurora_console.core.performance.activity import APPLICATION_NAME
from tests.rig.mysql import MysqlDatabaseFactory
from tests.rig.mysql_ps import performance_schema_server


def wait_until(predicate: Callable[[], object], timeout: float = 15.0, what: str = "condition") -> object:
    deadline = time.monotonic() + timeout
    while True:
        got = predicate()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        # > 0.1 s: InnoDB refreshes its INNODB_TRX / INNODB_LOCKS cache only when it was not read
        # for 0.1 s, so faster polling would keep reading the same transactions
        time.sleep(0.15)


@pytest.fixture(scope="session")
def ps_server(tmp_path_factory: pytest.TempPathFactory):
    with performance_schema_server(tmp_path_factory.mktemp("mysql-ps")) as server:
        yield server


class Threads:
    """Client connections on ``db`` (a rig ``MysqlDatabase``)."""

    def __init__(self, db) -> None:
        self.db = db
        self.conns: list = []
        self.background: list[threading.Thread] = []
        self.errors: dict[str, BaseException] = {}
        self.results: dict[str, object] = {}

    def open(self, program: str = "pytest-client", **kwargs):
        conn = self.db.connect(program_name=program, **kwargs)
        self.conns.append(conn)
        return conn

    def observer(self):
        """The connection the core functions get, named like the Performance screen's."""
        return self.open(APPLICATION_NAME)

    @staticmethod
    def execute(conn, *statements: str):
        cur = conn.cursor()
        try:
            for s in statements:
                cur.execute(s)
            return cur.fetchall()
        finally:
            cur.close()

    def run_in_background(self, conn, statement: str, key: str) -> threading.Thread:
        def run() -> None:
            try:
                self.results[key] = self.execute(conn, statement)
            except Exception as exc:  # noqa: BLE001 - the test reads what ended the statement
                self.errors[key] = exc

        t = threading.Thread(target=run, daemon=True)
        t.start()
        self.background.append(t)
        return t

    def close(self) -> None:
        from aurora_console.core.connections.engines.mysql import MYSQL

        for conn in self.conns:
            try:
                MYSQL.cancel(conn)
            except Exception:  # noqa: BLE001 - some were killed by the test
                pass
            try:
                conn.rollback()
            except Exception:  # noqa: BLE001
                pass
        for t in self.background:
            t.join(20)
        for conn in self.conns:
            try:
                conn.close()
            except Exception:  # noqa: BLE001
                pass


def _threads_on(server, request) -> Iterator[Threads]:
    factory = MysqlDatabaseFactory(server)
    db = factory()
    conn = db.connect()
    try:
        Threads.execute(conn, "CREATE TABLE items (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB",
                        "INSERT INTO items VALUES (1, 10), (2, 20), (3, 30)")
    finally:
        conn.close()
    threads = Threads(db)
    try:
        yield threads
    finally:
        threads.close()
        factory.drop_all()


@pytest.fixture
def threads(mysql_server, request) -> Iterator[Threads]:
    """Threads on the rig's MariaDB (performance_schema off)."""
    yield from _threads_on(mysql_server, request)


@pytest.fixture
def ps_threads(ps_server, request) -> Iterator[Threads]:
    """Threads on the performance_schema=ON MariaDB."""
    yield from _threads_on(ps_server, request)
