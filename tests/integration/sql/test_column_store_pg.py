"""A fetch-all kept by column (ResultStream.column_batches, core/db/column_store.py) gives back,
row for row, the values a plain psycopg fetchall gives: every type the store keeps compactly
(integers, float8, text kinds, numeric fetched as text) and some it keeps as they are, NULLs,
large values, in the text and in the binary format; and an export of those rows is the same file
as an export of the plain rows."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from decimal import Decimal

import psycopg
import pytest

from aurora_console.core.db.column_store import RowStore, _Numbers, _Texts, _Uuids
from aurora_console.core.db.export import export_result, write_rows
from aurora_console.core.db.query import run_statement
from aurora_console.core.db.session import DbSession

pytestmark = pytest.mark.integration

TEXT_FORMAT = """
    SELECT g::int2 AS a, g AS b, g::int8 * 4000000000 AS c, g::oid AS d, g / 7.0::float8 AS e,
           'row ' || g AS f, ('v' || g)::varchar AS g, 'p'::char(3) AS h, ('n' || g)::name AS i,
           (g / 7.0)::numeric(30, 20) AS j, g::numeric * 1e40 AS k,
           CASE g % 5 WHEN 0 THEN 'NaN'::numeric WHEN 1 THEN 'Infinity'::numeric WHEN 2 THEN '-Infinity'::numeric
                      ELSE -g / 3.0 END AS l,
           CASE WHEN g % 3 = 0 THEN NULL ELSE repeat('é😀', g % 50) END AS m,
           CASE WHEN g % 4 = 0 THEN NULL ELSE g END AS n,
           CASE WHEN g % 4 = 1 THEN NULL ELSE g * 1.5 END AS o,
           CASE WHEN g = 7 THEN repeat('x', 300000) ELSE '' END AS p,
           jsonb_build_object('g', g) AS q, (1.1 * g)::float4 AS r
    FROM generate_series(1, 2500) g ORDER BY g"""
BINARY_FORMAT = """
    SELECT g::int8 AS id, CASE WHEN g % 2 = 0 THEN NULL ELSE g / 3.0::float8 END AS f,
           timestamptz '2024-03-10 01:00+00' + g * interval '17 min' AS at, md5(g::text)::uuid AS u,
           CASE WHEN g % 3 = 0 THEN NULL ELSE 't' || g END AS t, 'NaN'::float8 AS nan
    FROM generate_series(1, 2500) g ORDER BY g"""


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or repr(a) == repr(b)
    if isinstance(a, Decimal) and a.is_nan():
        return b.is_nan()
    if isinstance(a, dt.datetime):
        return a == b and a.utcoffset() == b.utcoffset()
    return a == b


@pytest.fixture
def session(pg_dsn):
    s = DbSession(pg_dsn).connect()
    s.conn.execute("SET TimeZone = 'America/New_York'")
    yield s
    s.close()


def _fetch_all(session, sql: str) -> tuple[RowStore, bool]:
    result = run_statement(session, sql, first_batch=100)
    store = RowStore([c for c in _kinds(result)], result.rows)
    for chunk in result.stream.column_batches(700):
        store.extend(chunk)
    return store, result.stream.binary


def _kinds(result):
    from aurora_console.core.db.column_store import column_kinds

    return column_kinds([c.type_name for c in result.columns])


@pytest.mark.parametrize(("sql", "binary"), [(TEXT_FORMAT, False), (BINARY_FORMAT, True)])
def test_a_fetch_all_by_column_gives_the_rows_of_a_plain_fetchall(pg_dsn, session, sql, binary):
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute("SET TimeZone = 'America/New_York'")
        want = conn.execute(sql).fetchall()
    store, was_binary = _fetch_all(session, sql)
    assert was_binary is binary
    assert len(store) == len(want) == 2500
    for i, (got, expected) in enumerate(zip(store, want, strict=True)):
        assert all(_same(g, w) for g, w in zip(got, expected, strict=True)), (i, got, expected)
        assert all(_same(store.value(i, c), w) for c, w in enumerate(expected))


def test_the_compact_forms_are_used_for_the_types_they_are_for(session):
    result = run_statement(session, TEXT_FORMAT, first_batch=10)
    chunk = next(result.stream.column_batches(500))
    kinds = [type(c) for c in chunk.columns]
    assert kinds[:5] == [_Numbers] * 5 and kinds[5:12] == [_Texts] * 7  # ints, float8, texts, numerics
    assert kinds[12:16] == [_Texts, _Numbers, _Texts, _Texts]  # with NULLs too
    assert kinds[16:] == [list, list]  # jsonb, float4: kept as they are
    result.stream.close()


def test_an_export_of_the_stored_rows_is_the_export_of_the_plain_rows(pg_dsn, session, tmp_path):
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute("SET TimeZone = 'America/New_York'")
        want = conn.execute(TEXT_FORMAT).fetchall()
        columns = [d.name for d in conn.execute(TEXT_FORMAT + " LIMIT 0").description]
    store, _ = _fetch_all(session, TEXT_FORMAT)
    result = run_statement(session, "SELECT 1", stream=False)
    for fmt in ("csv", "json"):
        write_rows(tmp_path / f"plain.{fmt}", fmt, columns, [want])
        snapshot = type(result)(TEXT_FORMAT, run_statement(session, TEXT_FORMAT + " LIMIT 0", stream=False).columns,
                                store.snapshot(), "SELECT 2500", 2500, 0.0)
        assert export_result(snapshot, tmp_path / f"stored.{fmt}", fmt) == 2500
        assert (tmp_path / f"stored.{fmt}").read_bytes() == (tmp_path / f"plain.{fmt}").read_bytes()


def test_uuids_fetched_in_binary_are_kept_as_their_bytes(session):
    result = run_statement(session, BINARY_FORMAT + " OFFSET 2000", first_batch=10)
    chunk = next(result.stream.column_batches(100))
    assert type(chunk.columns[3]) is _Uuids and len(chunk.columns[3].data) == 16 * 100
    assert chunk.value(0, 3) == uuid.UUID(session.conn.execute("SELECT md5('2011')::uuid::text").fetchone()[0])
    result.stream.close()


def test_the_next_fetch_is_under_way_while_a_batch_is_decoded(session):
    """A fetch-all sends each FETCH before decoding the batch before it (pipeline mode), so the
    server reads and sends the next rows meanwhile; the rows are the same either way."""
    result = run_statement(session, TEXT_FORMAT, first_batch=100)
    chunks: list = []
    modes: list[tuple[int, bool]] = []  # (batch, whether the next FETCH was under way) per slice
    from aurora_console.core.tasks import TaskContext

    # the task's pause runs between slices (the UI's runner: wait while the UI thread paints)
    task = TaskContext("fetch all", pause=lambda: modes.append((len(chunks), bool(session.conn.pgconn.pipeline_status))))
    for chunk in result.stream.column_batches(700, task=task):
        chunks.append(chunk)
    assert [len(c) for c in chunks] == [700, 700, 700, 300]
    # while each full batch was decoded the next was asked for; after the last one, nothing
    assert {b for b, _ in modes} == {0, 1, 2, 3}
    assert all(under_way == (b < 3) for b, under_way in modes)
    assert not session.conn.pgconn.pipeline_status and result.stream.exhausted and result.stream.closed
    assert session.conn.execute("SELECT 1").fetchone() == (1,)  # the session is usable


def test_a_batch_fetched_ahead_of_a_stopped_fetch_all_is_the_next_fetched(pg_dsn, session):
    """A fetch-all stopped after one batch (a cancel, the caller left) has the next batch here
    already: the next plain fetch returns it, as plain values, and then the rest; no row twice
    or lost."""
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute("SET TimeZone = 'America/New_York'")
        want = conn.execute(TEXT_FORMAT).fetchall()
    result = run_statement(session, TEXT_FORMAT, first_batch=100)
    batches = result.stream.column_batches(600)
    got = list(result.rows) + next(batches).rows()
    batches.close()
    ahead = result.stream.fetch(50)  # the 600 rows fetched ahead, whatever was asked for
    assert len(ahead) == 600 and isinstance(ahead[0][9], Decimal) and isinstance(ahead[0][5], str)
    got += ahead
    while result.has_more:
        got += result.stream.fetch(1000)
    assert len(got) == len(want) == 2500
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert all(_same(a, b) for a, b in zip(g, w, strict=True)), (i, g, w)


def test_a_cancel_during_a_fetch_all_ends_it_and_the_session_is_usable(session):
    """Stop pressed during a fetch-all (the task's token: the server is sent a cancel, the pause
    between slices raises Cancelled). Either the cancel found no FETCH under way and the stream
    goes on exactly where it stopped, or it hit one and the stream is closed saying why; in both
    cases no row is lost or repeated among those handed over."""
    from aurora_console.core.db.sql_errors import SqlError
    from aurora_console.core.tasks import Cancelled, TaskContext

    n = 300_000
    result = run_statement(session, f"SELECT g, 'row ' || g FROM generate_series(1, {n}) g", first_batch=100)
    got = [row[0] for row in result.rows]

    def pause() -> None:  # the user presses Stop while the second batch is decoded
        if len(got) > 100:
            task.token.cancel()

    task = TaskContext("fetch all", pause=pause)
    with pytest.raises((Cancelled, SqlError)) as raised:
        for chunk in result.stream.column_batches(20000, task=task):
            got += [row[0] for row in chunk.rows()]
    assert 100 < len(got) < n
    assert not session.conn.pgconn.pipeline_status
    stream = result.stream
    if isinstance(raised.value, SqlError):  # the server cancelled the FETCH under way
        assert raised.value.kind == "cancelled" and stream.closed
    elif stream.closed:  # stopped with the cancelled FETCH ahead: aborted, saying so
        assert "Stopped while fetching rows" in stream.closed_reason
    else:  # the cancel found the server idle: the rest follows, from where it stopped
        for chunk in stream.column_batches(20000):
            got += [row[0] for row in chunk.rows()]
        assert len(got) == n and stream.closed_reason == "all rows fetched"
    assert got == list(range(1, len(got) + 1))
    assert session.conn.execute("SELECT 2").fetchone() == (2,)


def test_an_error_in_a_batch_fetched_ahead_comes_after_the_rows_before_it(session):
    from aurora_console.core.db.sql_errors import SqlError

    result = run_statement(session, "SELECT g, 1 / (g - 1500) FROM generate_series(1, 2500) g", first_batch=100)
    got: list[int] = []
    with pytest.raises(SqlError) as raised:
        for chunk in result.stream.column_batches(700):
            got += [row[0] for row in chunk.rows()]
    assert got == list(range(101, 801))  # the batch decoded while the failing one was fetched
    assert "division by zero" in raised.value.message and result.stream.closed
    assert session.conn.execute("SELECT 3").fetchone() == (3,)


def _stop_at(calls: int):
    """A ``between`` that stops the fetch-all (raises Cancelled, as the task's pause does after
    Stop) at its ``calls``-th call, i.e. after that many slices of decoding."""
    from aurora_console.core.tasks import Cancelled

    seen = [0]

    def between() -> None:
        seen[0] += 1
        if seen[0] == calls:
            raise Cancelled()

    return between


COUNT_SQL = "SELECT g, 'row ' || g, (g * 1.5)::numeric FROM generate_series(1, {n}) g"


@pytest.mark.parametrize("stop_after", [1, 2, 3, 4, 5, 6, 7, 9, 12])
@pytest.mark.parametrize("then", ["fetch more", "fetch all"])
def test_a_fetch_all_stopped_inside_a_batch_goes_on_where_it_stopped(session, monkeypatch, stop_after, then):
    """Stop pressed while a batch is decoded (the next batch's FETCH under way, or the last
    batch): nothing of that batch was handed over, so a Fetch more / Fetch all afterwards gives
    it, then the batch fetched ahead, then the rest: every row once, in order. A second stop in
    the resumed fetch-all (two batches pending) loses nothing either."""
    from aurora_console.core.db import query
    from aurora_console.core.tasks import Cancelled

    monkeypatch.setattr(query, "FIRST_SLICE", 100)  # slices of exactly 100 rows: 3 per batch
    monkeypatch.setattr(query, "MAX_SLICE", 100)
    n = 1234  # first batch 100, then batches of 300: the stops fall in full and in last batches
    result = run_statement(session, COUNT_SQL.format(n=n), first_batch=100)
    got = [row[0] for row in result.rows]
    with pytest.raises(Cancelled):
        for chunk in result.stream.column_batches(300, between=_stop_at(stop_after)):
            got += [row[0] for row in chunk.rows()]
    assert not session.conn.pgconn.pipeline_status
    assert result.has_more and not result.stream.closed, result.stream.closed_reason
    with pytest.raises(Cancelled):  # stopped again at once: the two pending batches stay
        for chunk in result.stream.column_batches(300, between=_stop_at(2)):
            got += [row[0] for row in chunk.rows()]
    if then == "fetch more":
        while result.has_more:
            rows = result.stream.fetch(250)
            assert all(isinstance(r[2], Decimal) for r in rows)
            got += [row[0] for row in rows]
    else:
        for chunk in result.stream.column_batches(300):
            got += [row[0] for row in chunk.rows()]
    assert got == list(range(1, n + 1))
    assert result.stream.exhausted and result.stream.closed_reason == "all rows fetched"
    assert session.conn.execute("SELECT 4").fetchone() == (4,)


def test_a_stop_when_the_next_fetch_failed_closes_the_stream_saying_why(session):
    """A stop inside a batch whose FETCH ahead failed on the server: the transaction is in error,
    so the stream is aborted (rolled back) and closed with a reason, not left half-read."""
    from aurora_console.core.tasks import Cancelled

    result = run_statement(session, "SELECT g, 1 / (g - 1500) FROM generate_series(1, 2500) g", first_batch=100)
    got = [row[0] for row in result.rows]
    with pytest.raises(Cancelled):
        for chunk in result.stream.column_batches(700, between=_stop_at(1)):  # fails at 1500
            got += [row[0] for row in chunk.rows()]
    # 101-800 was being decoded when stopped, 801-1500 failed: nothing after 100 can be had
    assert got == list(range(1, 101))
    assert result.stream.closed and not result.has_more
    assert "Stopped while fetching rows" in result.stream.closed_reason
    assert result.stream.fetch(10) == [] and list(result.stream.column_batches(10)) == []
    assert session.conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert session.conn.execute("SELECT 5").fetchone() == (5,)
