"""The query engine against a real PostgreSQL: running, streaming, values, errors."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from aurora_console.core.db.query import is_select_like, run_script, run_statement
from aurora_console.core.db.session import TxState
from aurora_console.core.db.sql_errors import SqlError
from aurora_console.core.db.sql_split import error_location, split_sql
from aurora_console.core.db.values import display, pretty, rows_as_tsv

pytestmark = pytest.mark.integration


def test_select_values_are_typed_and_displayed(make_session):
    s = make_session()
    r = run_statement(
        s, "select id, name, price, doc, raw, at, null::text as n, ''::text as e from items where id = 2"
    )
    assert [c.name for c in r.columns] == ["id", "name", "price", "doc", "raw", "at", "n", "e"]
    assert [c.type_name for c in r.columns][:4] == ["int4", "text", "numeric", "jsonb"]
    row = r.rows[0]
    assert row[2] == Decimal("3.0000") and display(row[2]) == "3.0000"
    assert row[3] == {"n": 2} and json.loads(pretty(row[3])) == {"n": 2} and "\n" in pretty(row[3])
    assert display(row[4]) == "\\x0002"
    assert row[5].tzinfo is not None and display(row[5]).startswith("2024-01-04 03:04:05+00:00")
    assert display(row[6]) is None and display(row[7]) == ""
    assert rows_as_tsv(["n", "e"], [(row[6], row[7])]) == "n\te\n\t"
    assert r.status == "SELECT 1" and not r.has_more


def test_streaming_first_batch_then_more(make_session):
    s = make_session()
    r = run_statement(s, "select * from big order by id", first_batch=100)
    assert len(r.rows) == 100 and r.has_more and r.status == "SELECT 100+"
    assert r.stream.owns_transaction
    # the implicit cursor transaction is not shown as a user transaction
    assert s.tx_state == TxState.IDLE
    more = r.stream.fetch(1000)
    assert [x[0] for x in more[:2]] == [101, 102] and len(more) == 1000
    rest = list(r.stream.batches(5000))
    assert sum(len(b) for b in rest) == 30000 - 1100
    assert max(len(b) for b in rest) <= 5000  # memory bounded by the batch size
    assert r.stream.closed and r.stream.exhausted
    assert s.conn.info.transaction_status.name == "IDLE"


def test_next_statement_closes_open_stream_in_autocommit(make_session):
    s = make_session()
    r = run_statement(s, "select * from big", first_batch=10)
    assert r.has_more
    r2 = run_statement(s, "select count(*) from big")
    assert r2.rows == [(30000,)]
    assert r.stream is not None and r.stream.closed and "next statement" in r.stream.closed_reason
    assert r.stream.fetch(10) == []


def test_fetch_all_option(make_session):
    s = make_session()
    r = run_statement(s, "select id from big", first_batch=10, fetch_all=True)
    assert len(r.rows) == 30000 and not r.has_more


def test_plain_statements_and_notices(make_session):
    s = make_session()
    r = run_statement(s, "insert into items (id, name) values (100, 'x'), (101, 'y')")
    assert r.status == "INSERT 0 2" and r.rowcount == 2 and not r.columns
    r = run_statement(s, "update items set name = 'z' where id >= 100 returning id")
    assert sorted(r.rows) == [(100,), (101,)] and r.status == "UPDATE 2"
    r = run_statement(s, "do $$ begin raise notice 'hello %', 42; end $$")
    assert [n.message for n in r.notices] == ["hello 42"] and r.notices[0].severity == "NOTICE"
    assert not is_select_like("with d as (delete from items where id = 1 returning *) select * from d")
    r = run_statement(s, "with d as (delete from items where id = 1 returning id) select * from d")
    assert r.rows == [(1,)]


def test_run_script_with_function_bodies(make_session):
    s = make_session()
    script = (
        "create function add1(a int) returns int language sql begin atomic select a + 1; end;\n"
        "create function twice(a int) returns int as $$ select a * 2; $$ language sql;\n"
        "select add1(1), twice(5);"
    )
    out = run_script(s, script)
    assert [type(x).__name__ for x in out] == ["QueryResult"] * 3
    assert out[-1].rows == [(2, 10)]


def test_syntax_error_maps_to_editor_position(make_session):
    s = make_session()
    script = "select 1;\n\nselect id,\n  name frm items;"
    out = run_script(s, script)
    err = out[1]
    assert isinstance(err, SqlError) and err.kind == "syntax" and err.sqlstate == "42601"
    stmt = split_sql(script)[1]
    offset, line, col = error_location(script, stmt, err.position)
    assert script[offset : offset + 5] == "items" and (line, col) == (4, 12)
    # the connection is still usable after the error
    assert run_statement(s, "select 2").rows == [(2,)]


def test_runtime_error_in_stream_rolls_back_and_recovers(make_session):
    s = make_session()
    with pytest.raises(SqlError) as ei:
        run_statement(s, "select 1 / (id - 5) from big")
    assert ei.value.sqlstate == "22012" and "division by zero" in ei.value.message
    assert s.tx_state == TxState.IDLE
    assert run_statement(s, "select 1").rows == [(1,)]


def test_error_position_inside_declared_cursor_is_relative_to_the_statement(make_session):
    s = make_session()
    with pytest.raises(SqlError) as ei:
        run_statement(s, "select nosuchcolumn from items")
    assert ei.value.sqlstate == "42703" and ei.value.position == len("select ") + 1


def test_values_datetime_roundtrip_with_zone(make_session):
    s = make_session()
    run_statement(s, "set timezone = 'Europe/Paris'")
    r = run_statement(s, "select '2024-06-01 12:00:00+00'::timestamptz")
    v = r.rows[0][0]
    assert v.utcoffset() == dt.timedelta(hours=2) and display(v) == "2024-06-01 14:00:00+02:00"
