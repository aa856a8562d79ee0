"""A main window (no sandbox, no AWS calls) for the Performance screen's GUI tests, and real
sessions on the rig's PostgreSQL."""

from __future__ import annotations

import threading

import pytest


@pytest.fixture
def window(offline_window):
    return offline_window


class Sessions:
    """Real client sessions on one database; closed at the end of the test."""

    def __init__(self, db) -> None:
        self.db = db
        self.conns = []
        self.threads = []
        self.errors: dict[str, BaseException] = {}

    def open(self, name: str, autocommit: bool = True):
        conn = self.db.connect(autocommit=autocommit, application_name=name)
        self.conns.append(conn)
        return conn

    def pid(self, conn) -> int:
        return conn.info.backend_pid

    def run_in_background(self, conn, sql: str, key: str) -> threading.Thread:
        def run():
            try:
                conn.execute(sql)
            except Exception as exc:  # noqa: BLE001 - the test reads what ended the statement
                self.errors[key] = exc

        t = threading.Thread(target=run, daemon=True)
        t.start()
        self.threads.append(t)
        return t

    def close(self) -> None:
        for conn in self.conns:
            try:
                conn.cancel()
            except Exception:  # noqa: BLE001 - some were terminated by the test
                pass
        for t in self.threads:
            t.join(10)
        for conn in self.conns:
            try:
                conn.close()
            except Exception:  # noqa: BLE001
                pass


@pytest.fixture
def sessions(new_database):
    db = new_database()
    with db.connect(autocommit=True) as conn:
        conn.execute("CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL)")
        conn.execute("INSERT INTO items SELECT g, 0 FROM generate_series(1, 10) g")
    s = Sessions(db)
    yield s
    s.close()
