"""Test rig: a real MySQL-compatible server (MariaDB from the OS packages) for the session, and
fresh databases per test.

Fixtures
* ``mysql_server`` (session): a started :class:`~aurora_console.sandbox.mysql.MysqlServer`
  (``mariadb-install-db`` in a temp folder without the test database, account ``admin`` with a
  random password and every privilege, 127.0.0.1 and an OS-chosen port, TLS from a temporary CA
  whose server certificate names ``localhost`` and 127.0.0.1). Runs as ``mysql``/``nobody`` when
  the tests run as root. ``mysql_server.ca_file`` is the CA to verify it with.
* ``new_mysql_database`` (function): factory ``new_mysql_database(name=None) -> MysqlDatabase``
  creating a fresh utf8mb4 database; every database it made is dropped at teardown.
* ``mysql_db`` (function): one fresh, empty :class:`MysqlDatabase` for this test.
* ``mysql_profile`` (function): a ``ConnectionProfile`` (engine "mysql", TLS verify-full against
  the rig's CA, password source "prompt") on a fresh database; open it with
  ``open_connection(mysql_profile, password=mysql_server.password)``.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from aurora_console.sandbox.mysql import MysqlServer, find_mysql_server
from tests.rig.pg import _missing

#: Settings that make a throw-away test server faster (never for data you want to keep).
FAST_SETTINGS = {
    "innodb-flush-log-at-trx-commit": "0",
    "innodb-doublewrite": "0",
    "sync-binlog": "0",
    "performance-schema": "OFF",
}

#: How long the session server took to start (seconds), for the rig's own report.
STARTUP_SECONDS: dict[str, float] = {}


@dataclass(frozen=True)
class MysqlDatabase:
    """A database on the rig's server: its name and ``MYSQL.connect`` keyword arguments."""

    name: str
    params: dict = field(repr=False)

    def connect(self, **kwargs):
        from aurora_console.core.connections.engines.mysql import MYSQL

        return MYSQL.connect(**{**self.params, **kwargs})


def wait_until_running_a_statement(cur, thread_id: int, timeout: float = 20.0) -> bool:
    """Poll the process list (through ``cur``, another connection's cursor) until connection
    ``thread_id`` runs a statement: a KILL QUERY sent before the statement reached the server finds
    nothing to kill and is lost. True when it runs, False after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        cur.execute("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %s AND COMMAND = 'Query'",
                    (thread_id,))
        if cur.fetchone()[0]:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="session")
def mysql_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MysqlServer]:
    if find_mysql_server() is None:
        _missing("no MariaDB/MySQL server (install mariadb-server)")
    from aurora_console.sandbox.tls import ensure_certificates

    folder = tmp_path_factory.mktemp("mysql")
    tls = ensure_certificates(folder / "tls", ["localhost"])
    server = MysqlServer(folder / "data", password=secrets.token_urlsafe(16), tls=tls, settings=FAST_SETTINGS)
    started = time.monotonic()
    server.start()
    STARTUP_SECONDS["mysql_server"] = time.monotonic() - started
    try:
        yield server
    finally:
        server.remove_data()


class MysqlDatabaseFactory:
    """``factory(name=None) -> MysqlDatabase``; :meth:`drop_all` drops what it made."""

    def __init__(self, server: MysqlServer) -> None:
        self.server = server
        self.made: list[str] = []

    def __call__(self, name: str | None = None) -> MysqlDatabase:
        name = name or f"t_{secrets.token_hex(6)}"
        params = self.server.create_database(name)
        self.made.append(name)
        return MysqlDatabase(name=name, params=params)

    def drop_all(self) -> None:
        while self.made:
            self.server.drop_database(self.made.pop())


@pytest.fixture
def new_mysql_database(mysql_server: MysqlServer) -> Iterator[MysqlDatabaseFactory]:
    factory = MysqlDatabaseFactory(mysql_server)
    yield factory
    factory.drop_all()


@pytest.fixture
def mysql_db(new_mysql_database: MysqlDatabaseFactory) -> MysqlDatabase:
    return new_mysql_database()


@pytest.fixture
def mysql_profile(mysql_server: MysqlServer, mysql_db: MysqlDatabase):
    from aurora_console.core.connections.profile import ConnectionProfile, PasswordSource, TlsSettings

    return ConnectionProfile(name="rig-mysql", host="localhost", port=mysql_server.port, database=mysql_db.name,
                             user=mysql_server.user, engine="mysql", password=PasswordSource(kind="prompt"),
                             tls=TlsSettings(mode="verify-full", ca_bundle=str(mysql_server.ca_file)))
