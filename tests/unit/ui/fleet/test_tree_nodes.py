"""The fleet tree's plain-Python helpers: runs of adjacent changed rows (what a dataChanged spans)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.ui.fleet.tree_nodes import row_runs

pytestmark = pytest.mark.unit


def test_rows_are_grouped_in_runs_of_adjacent_rows_with_their_columns():
    cells = [(9, 2, 2), (1, 2, 2), (2, 0, 3), (3, 2, 2), (9, 5, 6), (5, 1, 1)]
    assert list(row_runs(cells)) == [(1, 3, 0, 3), (5, 5, 1, 1), (9, 9, 2, 6)]
    assert list(row_runs([])) == []


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 6), st.integers(0, 6)).map(
    lambda t: (t[0], min(t[1], t[2]), max(t[1], t[2])))))
def test_runs_cover_exactly_the_rows_given_apart_and_in_order(cells):
    runs = list(row_runs(cells))
    covered = [r for r0, r1, _c0, _c1 in runs for r in range(r0, r1 + 1)]
    assert covered == sorted({row for row, _c0, _c1 in cells})  # every row once, nothing between
    assert all(b[0] > a[1] + 1 for a, b in zip(runs, runs[1:], strict=False))  # runs never touch
    for r0, r1, c0, c1 in runs:
        inside = [(c, d) for row, c, d in cells if r0 <= row <= r1]
        assert (c0, c1) == (min(c for c, _ in inside), max(d for _, d in inside))
