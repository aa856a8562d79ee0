"""Fixtures for the migrations tests: a fresh database and a migrations folder per test."""

from __future__ import annotations

import pathlib

import psycopg
import pytest

if not (pathlib.Path(__file__).resolve().parents[2] / "conftest.py").exists():
    # The rig's fixtures are loaded by tests/conftest.py; until that exists, load them here.
    from tests.rig.pg import new_database, pg_dsn, pg_server  # noqa: F401


class Folder:
    def __init__(self, path: pathlib.Path) -> None:
        self.path = path

    def write(self, name: str, content: str | bytes) -> pathlib.Path:
        p = self.path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        return p


@pytest.fixture
def db(new_database):
    return new_database()


@pytest.fixture
def folder(tmp_path) -> Folder:
    d = tmp_path / "migrations"
    d.mkdir()
    return Folder(d)


@pytest.fixture
def sql(db):
    """Run one query on the test database, return all rows (or None for no result)."""
    conn = psycopg.connect(db.dsn, autocommit=True)

    def run(query: str, params=None):
        cur = conn.execute(query, params)
        return cur.fetchall() if cur.description else None

    yield run
    conn.close()


def advisory_locks(run) -> int:
    return run("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")[0][0]


def history(run, table: str = "public.aurora_console_schema_history"):
    return run(f"SELECT installed_rank, version, script, type, success FROM {table} ORDER BY installed_rank")


def table_exists(run, name: str) -> bool:
    return run("SELECT to_regclass(%s) IS NOT NULL", [name])[0][0]
