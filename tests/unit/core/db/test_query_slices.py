"""A FETCH's rows are decoded in slices sized by time (query._decode_in_slices, and
query._decode_columns_in_slices for a fetch-all kept by column): every row once, in order, and no
slice (after the first, whose rate is not known yet) much over DECODE_SLICE_S, whether a row takes
a microsecond or a millisecond to decode; after each slice the next batch's bytes are read off the
socket and the UI gets its turn."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.db import query

pytestmark = pytest.mark.unit


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class _Cursor:
    """fetchmany over ``rows``; each row costs ``per_row`` seconds on the fake clock."""

    def __init__(self, rows: list[tuple], per_row: float, clock: _Clock) -> None:
        self.rows, self.per_row, self.clock = rows, per_row, clock
        self.pos = 0
        self.asked: list[int] = []
        self.slice_s: list[float] = []

    def fetchmany(self, size: int) -> list[tuple]:
        self.asked.append(size)
        part = self.rows[self.pos:self.pos + size]
        self.pos += len(part)
        self.clock.now += len(part) * self.per_row
        self.slice_s.append(len(part) * self.per_row)
        return part


@settings(max_examples=200, deadline=None)
@given(n_rows=st.integers(0, 30_000), per_row=st.sampled_from([1e-7, 1e-6, 2e-5, 1e-3, 0.02]),
       n=st.integers(1, 40_000))
def test_every_row_once_in_order_in_slices_sized_by_time(n_rows, per_row, n):
    clock = _Clock()
    rows = [(i, f"r{i}") for i in range(n_rows)]
    cur = _Cursor(rows, per_row, clock)
    got = query._decode_in_slices(cur, n, clock=clock)  # the fake clock, not the process's
    assert got == rows[:n]
    assert all(size <= n for size in cur.asked)
    # after the first slice, each holds the GIL for about DECODE_SLICE_S (or one row, if a row
    # alone takes longer)
    for took in cur.slice_s[1:]:
        assert took <= max(query.DECODE_SLICE_S * 1.01, per_row)


def test_wide_rows_get_small_slices_narrow_rows_big_ones():
    clock = _Clock()
    narrow = _Cursor([(i,) for i in range(50_000)], 1e-7, clock)
    query._decode_in_slices(narrow, 50_000, clock=clock)
    wide = _Cursor([(i,) for i in range(2_000)], 1e-3, clock)
    query._decode_in_slices(wide, 2_000, clock=clock)
    assert max(narrow.asked[1:]) == query.MAX_SLICE
    assert max(wide.asked[1:]) == int(query.DECODE_SLICE_S / 1e-3)


@settings(max_examples=200, deadline=None)
@given(n_rows=st.integers(0, 30_000), per_row=st.sampled_from([1e-7, 1e-6, 2e-5, 1e-3, 0.02]),
       n=st.integers(0, 40_000))
def test_a_batch_by_column_has_every_row_once_in_order_in_slices_sized_by_time(n_rows, per_row, n):
    clock = _Clock()
    rows = [(i, f"r{i}", None if i % 7 == 0 else str(i / 4)) for i in range(n_rows)]
    cur = _Cursor(rows, per_row, clock)
    calls: list[tuple[str, int]] = []
    chunk = query._decode_columns_in_slices(
        cur, n, ["int", "text", "numeric"], clock=clock,
        receive=lambda: calls.append(("receive", cur.pos)), between=lambda: calls.append(("between", cur.pos)))
    want = rows[:n]
    assert len(chunk) == len(want)
    assert chunk.rows() == [(i, t, None if d is None else Decimal(d)) for i, t, d in want]
    assert all(size <= n for size in cur.asked)
    for took in cur.slice_s[1:]:
        assert took <= max(query.DECODE_SLICE_S * 1.01, per_row)
    # after every slice that had rows: what arrived is read off the socket, then the UI's turn
    assert calls == [c for end in _ends(cur) for c in (("receive", end), ("between", end))]


def _ends(cur: _Cursor) -> list[int]:
    out, pos = [], 0
    for took in cur.slice_s:
        n = round(took / cur.per_row)
        if n:
            pos += n
            out.append(pos)
    return out
