"""Rows per FETCH of a fetch-all (core/db/fetch_size.py): the server's work_mem read from its
SHOW form, a stored row's size estimated from wire lengths, the rows that fit."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.db import fetch_size
from aurora_console.core.db.fetch_size import (
    DEFAULT_WORK_MEM,
    MIN_ROWS,
    parse_work_mem,
    rows_per_fetch,
    sample_lengths,
    stored_row_bytes,
)

UNITS = {"B": 1, "kB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


@given(st.integers(min_value=1, max_value=2**31), st.sampled_from(sorted(UNITS)))
def test_a_setting_with_its_unit_is_read_in_bytes(n, unit):
    assert parse_work_mem(f"{n}{unit}") == n * UNITS[unit]


@given(st.integers(min_value=1, max_value=2**31))
def test_a_bare_number_is_kilobytes_as_the_setting_s_unit_is(n):
    assert parse_work_mem(str(n)) == n * 1024


@given(st.text())
def test_anything_else_is_the_default_never_an_error(text):
    value = parse_work_mem(text)
    assert value > 0
    if fetch_size._SETTING.fullmatch(text) is None:
        assert value == DEFAULT_WORK_MEM


def test_what_postgres_shows_and_what_it_does_not():
    assert parse_work_mem("4MB") == 4 * 1024 * 1024
    assert parse_work_mem("65536kB") == 64 * 1024 * 1024
    assert parse_work_mem(None) == DEFAULT_WORK_MEM
    assert parse_work_mem("4MB; DROP TABLE x") == DEFAULT_WORK_MEM  # the whole string, not a prefix
    assert parse_work_mem("0") == DEFAULT_WORK_MEM
    assert parse_work_mem("4mb") == DEFAULT_WORK_MEM  # PostgreSQL's units are case-sensitive


def test_a_stored_row_is_a_power_of_two_chunk_plus_its_header_and_pointer():
    # 16 header + (4+1) + (15+1) + (6+1) = 44 -> a 64-byte chunk, + 32
    assert stored_row_bytes([[4, 15, 6]]) == 64 + 32
    assert stored_row_bytes([[None, None, None]]) == 16 + 32  # NULLs take no data
    big = 100_000
    assert stored_row_bytes([[big]]) == 16 + big + 4 + 32  # beyond 8 kB: no rounding
    assert stored_row_bytes([[4, 15, 6], [None, None, None]]) == (96 + 48) / 2
    assert stored_row_bytes([]) == 0.0


@given(st.lists(st.lists(st.one_of(st.none(), st.integers(0, 20_000)), min_size=1, max_size=8), min_size=1, max_size=40))
def test_the_estimate_is_never_below_the_row_s_own_bytes(rows):
    per_row = stored_row_bytes(rows)
    assert per_row >= sum(16 + sum(n or 0 for n in row) for row in rows) / len(rows)


def test_rows_that_fit_in_a_share_of_work_mem_between_the_floor_and_the_asked_size():
    four_mb = 4 * 1024 * 1024
    assert rows_per_fetch(four_mb, 96, 50_000) == int(four_mb * fetch_size.WORK_MEM_SHARE / 96)  # 32,768
    assert rows_per_fetch(64 * four_mb, 96, 50_000) == 50_000  # never more than asked
    assert rows_per_fetch(four_mb, 1_000_000, 50_000) == MIN_ROWS  # very wide rows: the floor
    assert rows_per_fetch(four_mb, 1_000_000, 50) == 50  # ... unless fewer were asked for
    assert rows_per_fetch(four_mb, 0.0, 50_000) == 50_000  # nothing measured yet


class _Result:
    """A PGresult's shape: get_value gives the bytes on the wire (None for NULL)."""

    def __init__(self, rows: list[list[bytes | None]]) -> None:
        self._rows = rows
        self.ntuples = len(rows)
        self.nfields = len(rows[0]) if rows else 0
        self.read: list[tuple[int, int]] = []

    def get_value(self, r: int, c: int):
        self.read.append((r, c))
        return self._rows[r][c]


def test_the_sample_is_spread_over_the_result_and_reads_no_more_than_it_needs():
    res = _Result([[b"x" * (r % 7), None] for r in range(1000)])
    lengths = sample_lengths(res, sample=10)
    assert len(lengths) == 10 and {r for r, _ in res.read} == set(range(0, 1000, 100))
    assert lengths[1] == [100 % 7, None]
    assert sample_lengths(SimpleNamespace(ntuples=0, nfields=3)) == []


def test_a_wide_result_samples_fewer_rows():
    res = _Result([[b"v"] * 512 for _ in range(100)])
    assert len(sample_lengths(res, sample=32)) == 4  # 1024 values at most (but 4 rows)
    assert len(res.read) == 4 * 512


def test_rows_of_big_values_are_sampled_until_a_megabyte_was_read():
    res = _Result([[b"x" * 400_000, b"y"] for _ in range(100)])
    lengths = sample_lengths(res, sample=32)
    assert len(lengths) == 3  # 1.2 MB read: enough to know the rows are big
    assert lengths[0] == [400_000, 1]
    assert stored_row_bytes(lengths) > 400_000
