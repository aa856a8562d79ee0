"""Rows kept by column (core/db/column_store.py) read back exactly as they were stored: every
storage kind with NULLs, the values that do not fit a compact form (beyond 64 bits, NUL in a
string, another type) falling back to a plain list, row ranges, snapshots and export batches."""

from __future__ import annotations

import datetime as dt
import math
import sys
import uuid
from array import array
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.db.column_store import ColumnChunk, RowStore, column_kinds

_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or repr(a) == repr(b)
    return a == b


def _same_rows(got, want) -> bool:
    return len(got) == len(want) and all(
        len(g) == len(w) and all(_same(x, y) for x, y in zip(g, w, strict=True)) for g, w in zip(got, want, strict=True)
    )


def test_kinds_follow_the_postgresql_type_names():
    assert column_kinds(["int2", "int4", "int8", "oid", "float8", "text", "varchar", "bpchar", "name", "numeric",
                         "float4", "uuid", "jsonb", "int"]) == [
        "int", "int", "int", "int", "float", "text", "text", "text", "text", "numeric",
        "object", "uuid", "object", "object"]


@given(st.lists(st.tuples(
    st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
    st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
    st.one_of(st.none(), _TEXT),
    st.one_of(st.none(), st.decimals(allow_nan=False, places=3, min_value=-10**12, max_value=10**12)),
    st.one_of(st.none(), st.uuids()),
    st.one_of(st.none(), st.uuids()),
), min_size=1, max_size=60))
def test_every_kind_round_trips_with_nulls(rows):
    # numeric arrives as the text the server sent, uuid as its bytes (query.ResultStream.column_batches)
    stored = [(i, f, t, None if d is None else str(d), None if u is None else u.bytes, o)
              for i, f, t, d, u, o in rows]
    chunk = ColumnChunk.from_rows(stored, ["int", "float", "text", "numeric", "uuid", "object"])
    assert len(chunk) == len(rows)
    assert _same_rows([chunk.row(i) for i in range(len(rows))], rows)
    assert _same_rows(chunk.rows(), rows)
    for i, row in enumerate(rows):
        assert all(_same(chunk.value(i, c), v) for c, v in enumerate(row))
    # the same rows handed over column by column (query._decode_columns_in_slices) read back the same
    by_column = ColumnChunk.from_columns([list(col) for col in zip(*stored, strict=True)],
                                         ["int", "float", "text", "numeric", "uuid", "object"], len(rows))
    assert _same_rows(by_column.rows(), rows)
    assert [type(c) for c in by_column.columns] == [type(c) for c in chunk.columns]


def test_columns_of_other_lengths_than_the_rows_are_refused():
    with pytest.raises(ValueError):
        ColumnChunk.from_columns([[1, 2], [3]], ["int", "int"], 2)
    with pytest.raises(ValueError):
        ColumnChunk.from_columns([[1, 2]], ["int", "int"], 2)
    assert len(ColumnChunk.from_columns([], [], 3)) == 3  # a result with no columns still has rows


def test_compact_columns_are_arrays_and_one_string():
    chunk = ColumnChunk.from_rows([(1, 1.5, "a", "1.10"), (None, None, None, None), (3, -0.0, "", "-2")],
                                  ["int", "float", "text", "numeric"])
    ints, floats, texts, numerics = chunk.columns
    assert isinstance(ints.values, array) and ints.values.typecode == "q" and ints.nulls == {1}
    assert isinstance(floats.values, array) and floats.values.typecode == "d"
    assert isinstance(texts.text, str) and texts.nulls == {1}
    assert chunk.rows() == [(1, 1.5, "a", Decimal("1.10")), (None, None, None, None), (3, -0.0, "", Decimal("-2"))]
    assert str(chunk.value(0, 3)) == "1.10"  # numeric stays exact, as the server wrote it
    assert chunk.value(2, 2) == "" and chunk.value(1, 2) is None  # empty text is not NULL


def test_a_compact_store_is_a_fraction_of_the_tuples():
    rows = [(i, f"customer {i}", f"{i % 1000 / 100:.2f}") for i in range(20_000)]
    chunk = ColumnChunk.from_rows(rows, ["int", "text", "numeric"])
    ints, texts, numerics = chunk.columns
    compact = sum(sys.getsizeof(x) for x in (ints.values, texts.text, numerics.text))
    as_tuples = sum(sys.getsizeof(r) + sum(sys.getsizeof(v) for v in r) for r in rows)
    assert compact < as_tuples / 5


@pytest.mark.parametrize(("kind", "values"), [
    ("int", [1, 2**64, None]),  # beyond 64 bits
    ("int", [1, Decimal("2")]),  # not an int
    ("float", [1.5, "x"]),
    ("text", ["a\x00b", "c"]),  # a NUL inside a value
    ("text", ["a", b"bytes"]),
    ("numeric", [Decimal("1.5"), None]),  # numeric fetched as Decimal (a first batch)
    ("uuid", [uuid.UUID(int=1), None]),  # uuid fetched as UUID (the text format)
    ("uuid", [b"short", None]),
])
def test_values_that_do_not_fit_their_compact_form_are_kept_as_they_are(kind, values):
    chunk = ColumnChunk.from_rows([(v,) for v in values], [kind])
    assert isinstance(chunk.columns[0], list)
    assert [r[0] for r in chunk.rows()] == values and [chunk.value(i, 0) for i in range(len(values))] == values


def test_large_values_round_trip():
    big = "x" * 1_000_000 + "é€😀"
    rows = [(2**63 - 1, big, "9" * 1000 + ".5"), (-(2**63), "", "-0.000001")]
    chunk = ColumnChunk.from_rows(rows, ["int", "text", "numeric"])
    assert chunk.rows() == [(2**63 - 1, big, Decimal("9" * 1000 + ".5")), (-(2**63), "", Decimal("-0.000001"))]


def test_a_store_reads_row_ranges_of_chunks_and_plain_rows_in_order():
    kinds = ["int", "text", "object"]
    first = [(0, "zero", dt.date(2024, 1, 1))]
    store = RowStore(kinds, first)
    chunk = ColumnChunk.from_rows([(i, f"r{i}", uuid.UUID(int=i)) for i in range(1, 101)], kinds)
    store.extend(chunk, 0, 40)
    store.extend(chunk, 40, 100)
    store.extend([(101, None, None)])
    store.extend(chunk, 5, 5)  # an empty range adds nothing
    want = first + [(i, f"r{i}", uuid.UUID(int=i)) for i in range(1, 101)] + [(101, None, None)]
    assert len(store) == 102
    assert list(store) == want and store[:] == want and store[-1] == want[-1] and store[41] == want[41]
    assert [store.value(i, 1) for i in range(102)] == [r[1] for r in want]
    assert [len(b) for b in store.batches(30)] == [1, 30, 10, 30, 30, 1]
    assert [r for b in store.batches(30) for r in b] == want
    with pytest.raises(IndexError):
        store[102]


def test_a_snapshot_keeps_what_was_stored_when_it_was_taken():
    store = RowStore(["int"], [(1,)])
    snap = store.snapshot()
    store.extend(ColumnChunk.from_rows([(2,), (3,)], ["int"]))
    assert list(snap) == [(1,)] and list(store) == [(1,), (2,), (3,)]


def test_rows_of_the_wrong_width_are_refused():
    with pytest.raises(ValueError, match="2 values for 1 columns"):
        ColumnChunk.from_rows([(1, 2)], ["int"])
