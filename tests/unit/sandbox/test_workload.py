"""The sandbox workload's plan: every bound is checked, and what it runs is one statement each."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.sandbox.workload import (
    BLOG_QUERIES,
    HOLD_STATEMENT,
    MAX_DURATION_S,
    SLOW_STATEMENT,
    WAIT_STATEMENT,
    WorkloadPlan,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("field,value", [("duration_s", 0), ("duration_s", MAX_DURATION_S + 1), ("mix_workers", -1),
                                         ("waiters", 2.5), ("slow_size", True), ("lock_hold_s", "8"),
                                         ("mix_workers", 21), ("statement_timeout_s", float("nan")),
                                         ("duration_s", None)])
def test_the_plan_is_bounded(field, value):
    with pytest.raises(ValueError, match=field):
        WorkloadPlan(**{field: value})


@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers() | st.none() | st.text(max_size=3))
def test_any_duration_is_accepted_only_within_its_bounds(value):
    inside = (not isinstance(value, (bool, str)) and isinstance(value, (int, float))
              and 0.5 <= value <= MAX_DURATION_S)
    if inside:
        assert WorkloadPlan(duration_s=value).duration_s == value
    else:
        with pytest.raises(ValueError, match="duration_s"):
            WorkloadPlan(duration_s=value)


def test_the_default_plan_runs_ten_minutes_with_every_scenario():
    plan = WorkloadPlan()
    assert plan.duration_s == 600 and plan.mix_workers >= 1 and plan.waiters >= 1 and plan.slow_size > 0
    assert plan.statement_timeout_s > plan.lock_hold_s  # the waiters are bounded by lock_timeout, not killed


def test_each_statement_is_one_statement_with_its_parameters():
    for _name, query, param in BLOG_QUERIES:
        assert ";" not in query and query.count("%s") == (1 if param else 0)
    assert SLOW_STATEMENT.count("%s") == 2 and HOLD_STATEMENT.endswith("FOR UPDATE")
    assert WAIT_STATEMENT.startswith("UPDATE posts") and ";" not in SLOW_STATEMENT + HOLD_STATEMENT + WAIT_STATEMENT
