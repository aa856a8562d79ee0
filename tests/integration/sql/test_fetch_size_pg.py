"""A fetch-all's FETCHes ask for no more rows than the server keeps in memory (core/db/fetch_size.py):
PostgreSQL stores a FETCH's rows in a tuplestore of at most ``work_mem`` before sending them and
writes the rest to a temporary file; a fetch-all makes none, with the same rows."""

from __future__ import annotations

import time

import psycopg
import pytest

from aurora_console.core.db.column_store import RowStore, column_kinds
from aurora_console.core.db.query import run_statement
from aurora_console.core.db.session import DbSession

pytestmark = pytest.mark.integration

ROWS = 20_000
#: some 130 bytes a row on the wire: 20,000 rows are some 2.6 MB, far more than 64 kB. From a
#: table: a plan with a sort or a function scan would use temporary files of its own
SQL = "SELECT id, name, amount FROM wide"


@pytest.fixture
def session(pg_dsn):
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE wide AS SELECT g AS id, repeat(md5(g::text), 3) || g AS name, g / 7.0 AS amount"
                     f" FROM generate_series(1, {ROWS}) g")
    s = DbSession(pg_dsn).connect()
    s.conn.execute("SET work_mem = '64kB'")  # the smallest PostgreSQL allows
    yield s
    s.close()


def _temp_bytes(pg_dsn: str, session: DbSession) -> int:
    """The database's temp_bytes once the session's backend has reported its statistics (a
    backend reports when idle, at most once a second unless asked to: PostgreSQL 15+)."""
    session.conn.execute("SELECT pg_stat_force_next_flush()")
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        seen = None
        deadline = time.monotonic() + 3
        while True:  # the same figure twice in a row: the report is in
            value = conn.execute("SELECT temp_bytes FROM pg_stat_database WHERE datname = current_database()"
                                 ).fetchone()[0]
            if value == seen or time.monotonic() > deadline:
                return value
            seen = value
            time.sleep(0.3)


def test_a_fetch_all_asks_for_what_fits_in_work_mem_and_writes_no_temporary_file(pg_dsn, session):
    if session.conn.info.server_version < 150000:
        pytest.skip("pg_stat_force_next_flush needs PostgreSQL 15")
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        want = conn.execute(SQL).fetchall()
    before = _temp_bytes(pg_dsn, session)

    result = run_statement(session, SQL, first_batch=100)
    store = RowStore(column_kinds([c.type_name for c in result.columns]), result.rows)
    sizes = []
    for chunk in result.stream.column_batches(10_000):
        sizes.append(len(chunk))
        store.extend(chunk)
    assert list(store) == want  # the same rows, in order
    # each FETCH asked for what fits (64 kB * 0.75 at ~256 bytes a stored row), not 10,000
    assert max(sizes) < 400 and sum(sizes) == ROWS - 100
    assert _temp_bytes(pg_dsn, session) == before

    # what a FETCH of 10,000 of these rows makes the server do (the check above can see it)
    session.conn.execute("BEGIN")
    session.conn.execute(f"DECLARE big NO SCROLL CURSOR FOR {SQL}")
    assert len(session.conn.execute("FETCH FORWARD 10000 FROM big").fetchall()) == 10_000
    session.conn.execute("COMMIT")
    assert _temp_bytes(pg_dsn, session) > before


def test_the_default_work_mem_keeps_narrow_rows_in_big_batches(session):
    """At PostgreSQL's default 4 MB, rows of ~130 wire bytes go 10,000 a FETCH as asked."""
    session.conn.execute("SET work_mem = '4MB'")
    result = run_statement(session, SQL, first_batch=100)
    assert [len(c) for c in result.stream.column_batches(10_000)] == [10_000, 9_900]
