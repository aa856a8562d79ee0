"""Binary and text transfer give the same Python values for every type wire_format.py lets go
binary (property tests against a real PostgreSQL), float4 shows why it stays text, and a result
stream switches to binary only for such results, with the same rows as a plain text fetch."""

from __future__ import annotations

import datetime as dt
import math
import secrets

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.postgres import types as pg_types

from aurora_console.core.db.query import run_statement
from aurora_console.core.db.session import DbSession
from aurora_console.core.db.wire_format import BINARY_FASTER, BINARY_SAME, prefers_binary

pytestmark = pytest.mark.integration

_ZONE = "America/St_Johns"  # a half-hour offset with daylight saving: zones must survive
_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=80)
_ZONES = st.sampled_from([dt.timezone.utc, dt.timezone(dt.timedelta(hours=5, minutes=30)),
                          dt.timezone(dt.timedelta(hours=-11))])
# within what both PostgreSQL and Python represent (the edges are refused either way)
_STAMPS = st.datetimes(min_value=dt.datetime(2, 1, 1), max_value=dt.datetime(9998, 12, 31))

VALUES = {
    "int2": st.integers(-(2**15), 2**15 - 1),
    "int4": st.integers(-(2**31), 2**31 - 1),
    "int8": st.integers(-(2**63), 2**63 - 1),
    "oid": st.integers(0, 2**32 - 1),
    "float8": st.floats(allow_nan=True, allow_infinity=True),
    "bool": st.booleans(),
    "timestamp": _STAMPS,
    "timestamptz": _STAMPS.flatmap(lambda d: _ZONES.map(lambda z: d.replace(tzinfo=z))),
    "date": st.dates(min_value=dt.date(1, 1, 1)),
    "uuid": st.uuids(),
    "bytea": st.binary(max_size=200),
    "text": _TEXT,
    "varchar": _TEXT,
    "bpchar": _TEXT,
    "name": _TEXT,
}


@pytest.fixture(scope="module")
def conn(pg_server):
    name = f"t_{secrets.token_hex(6)}"
    pg_server.create_database(name)
    with psycopg.connect(pg_server.dsn(name), autocommit=True) as c:
        c.execute(f"SET TimeZone = '{_ZONE}'")
        yield c
    pg_server.drop_database(name)


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or repr(a) == repr(b)  # -0.0 stays -0.0
    if isinstance(a, dt.datetime) and a.tzinfo is not None:
        return a == b and a.utcoffset() == b.utcoffset() and a.tzname() == b.tzname()
    return a == b


def _both(conn, type_name: str, values: list):
    sql = f"SELECT v::{type_name} FROM unnest(%s::{type_name}[]) WITH ORDINALITY AS t(v, n) ORDER BY n"
    out = []
    for binary in (False, True):
        try:
            out.append(conn.cursor().execute(sql, [values], binary=binary).fetchall())
        except psycopg.DataError as exc:  # out of Python's range: refused the same way both times
            out.append(type(exc))
    return out


def test_the_types_let_go_binary_are_all_checked_here():
    assert {pg_types[n].oid for n in VALUES} == BINARY_FASTER | BINARY_SAME


@pytest.mark.parametrize("type_name", sorted(VALUES))
def test_binary_gives_the_same_values_as_text(conn, type_name):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.one_of(st.none(), VALUES[type_name]), max_size=20))
    def check(values):
        if type_name == "name":  # a name is cut to 63 bytes by the server, the same either way
            values = [v.encode()[:63].decode(errors="ignore") if v is not None else None for v in values]
        text, binary = _both(conn, type_name, values)
        if isinstance(text, type):
            assert binary is text
            return
        assert len(text) == len(binary) == len(values)
        for (t,), (b,) in zip(text, binary, strict=True):
            assert _same(t, b), (type_name, t, b)

    check()


def test_float4_is_not_the_same_value_in_binary_so_it_stays_text(conn):
    text, binary = _both(conn, "float4", [1.1])
    assert text[0][0] == 1.1 and binary[0][0] != 1.1
    assert not prefers_binary([pg_types["float4"].oid])


def test_the_format_follows_the_column_types():
    oid = {n: pg_types[n].oid for n in ("int8", "text", "numeric", "timestamptz", "float4", "jsonb")}
    assert prefers_binary([oid["int8"], oid["timestamptz"]])
    assert prefers_binary([oid["int8"], oid["text"]])
    assert not prefers_binary([oid["text"]])  # nothing gained
    assert not prefers_binary([oid["int8"], oid["numeric"]])  # numeric is slower in binary
    assert not prefers_binary([oid["int8"], oid["jsonb"]])
    assert not prefers_binary([])


@pytest.mark.parametrize(("select", "binary"), [
    ("g::int8 AS id, now() + g * interval '1 h' AS at, gen_random_uuid() AS u, g / 3.0::float8 AS f", True),
    ("g AS id, 'n' || g AS name, g / 7.0 AS amount", False),  # numeric: text, values stay Decimal
])
def test_a_stream_fetches_the_rest_in_the_chosen_format_with_the_same_rows(pg_server, conn, select, binary):
    conn.execute(f"DROP TABLE IF EXISTS wf; CREATE TABLE wf AS SELECT {select} FROM generate_series(1, 2500) g")
    expected = conn.execute("SELECT * FROM wf ORDER BY id").fetchall()
    dsn = pg_server.dsn(conn.info.dbname)
    session = DbSession(dsn).connect()
    try:
        session.conn.execute(f"SET TimeZone = '{_ZONE}'")
        result = run_statement(session, "SELECT * FROM wf ORDER BY id", first_batch=100)
        assert result.stream is not None and result.stream.binary is binary
        rows = list(result.rows)
        for batch in result.stream.batches(700):
            rows.extend(batch)
    finally:
        session.close()
    assert len(rows) == len(expected)
    for got, want in zip(rows, expected, strict=True):
        assert all(_same(g, w) for g, w in zip(got, want, strict=True)), (got, want)
