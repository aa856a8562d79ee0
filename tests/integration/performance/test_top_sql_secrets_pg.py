"""Top SQL keeps query texts in a file the console writes (the snapshot store): a statement that
set a password (``ALTER ROLE ... PASSWORD '...'``, which pg_stat_statements keeps verbatim) is
stored and shown with the literal masked, as the SQL history keeps it."""

from __future__ import annotations

import secrets

import pytest
from psycopg import sql

from aurora_console.core.performance.snapshots import SnapshotStore
from aurora_console.core.performance.top_sql import take_snapshot, top_sql

pytestmark = pytest.mark.integration

SECRET = "hunter2-" + secrets.token_hex(4)


@pytest.fixture
def conn(perf_db, connect):
    with perf_db.connect(autocommit=True) as admin:
        admin.execute("CREATE EXTENSION pg_stat_statements")
    return connect("aurora-console performance")


@pytest.fixture
def role(conn):
    name = "top_sql_secret_" + secrets.token_hex(4)
    conn.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(name)))
    yield name
    conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_a_password_a_statement_set_is_masked_in_the_store_and_in_top_sql(conn, role, tmp_path):
    (tmp_path / "store").mkdir()
    path = tmp_path / "store" / "top_sql.sqlite3"
    with SnapshotStore(path) as store:
        take_snapshot(conn, store, "blog/writer")
        conn.execute(f"ALTER ROLE {role} PASSWORD '{SECRET}'")
        found = conn.execute("SELECT query FROM pg_stat_statements WHERE query LIKE %s", (f"%{role}%",)).fetchall()
        assert any(SECRET in q for (q,) in found)  # the server keeps it verbatim
        last = take_snapshot(conn, store, "blog/writer")
        rows = [r for r in top_sql(store, "blog/writer", 0, last.taken_at) if role in (r.query or "")]
    assert rows and all(SECRET not in r.query and "PASSWORD" in r.query for r in rows)
    for f in path.parent.iterdir():  # the database and its WAL
        assert SECRET.encode() not in f.read_bytes(), f
