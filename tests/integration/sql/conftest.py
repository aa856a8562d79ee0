"""Fixtures for the SQL engine tests: a fresh database and sessions on it."""

from __future__ import annotations

import pytest

try:  # the rig is loaded by tests/conftest.py once that exists; until then, import it here
    import tests.conftest as _root  # noqa: F401
except ImportError:
    from tests.rig.pg import new_database, pg_dsn, pg_server  # noqa: F401

from aurora_console.core.db.session import DbSession, SessionSettings


@pytest.fixture
def sql_db(new_database):
    db = new_database()
    with db.connect(autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(12,4), doc jsonb,"
            " raw bytea, at timestamptz);"
            "INSERT INTO items SELECT g, 'item ' || g, g * 1.5, jsonb_build_object('n', g),"
            " decode(lpad(to_hex(g), 4, '0'), 'hex'), '2024-01-02 03:04:05+00'::timestamptz + g * interval '1 day'"
            " FROM generate_series(1, 50) g;"
            "CREATE TABLE big AS SELECT g AS id, md5(g::text) AS h, g * 2 AS twice FROM generate_series(1, 30000) g;"
        )
    return db


@pytest.fixture
def make_session(sql_db):
    made: list[DbSession] = []

    def make(**settings) -> DbSession:
        s = DbSession(dict(sql_db.conninfo), SessionSettings(**settings), name="test").connect()
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()
