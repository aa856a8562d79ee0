"""The time range of a log filter or a CloudWatch Logs search is checked in core, before any
entry is read or any AWS call is made (the Logs screen's From / To check is only feedback)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.aws.db_logs.cloudwatch import search_cluster_log
from aurora_console.core.aws.db_logs.search import filter_entries
from aurora_console.core.aws.db_logs.time_range import TimeRangeError, check_time_range
from aurora_console.core.errors import ValidationError

pytestmark = pytest.mark.unit

ZONES = st.sampled_from([timezone.utc, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))])
AWARE = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=ZONES)
NAIVE = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1))


class NoCalls:
    """A logs client that fails the test if it is called at all."""

    def filter_log_events(self, **kwargs):
        raise AssertionError(f"an AWS call was made: {kwargs}")


class Untouchable:
    """Entries that fail the test if they are read at all."""

    def __iter__(self):
        raise AssertionError("an entry was read")


@settings(max_examples=300, derandomize=True)
@given(AWARE, AWARE)
def test_a_range_is_refused_exactly_when_it_does_not_end_after_it_starts(start, end):
    if end > start:
        check_time_range(start, end)
        list(filter_entries([], since=start, until=end))
        return
    with pytest.raises(TimeRangeError) as caught:
        check_time_range(start, end)
    assert isinstance(caught.value, ValidationError)
    assert "must end after it starts" in caught.value.message
    assert start.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC") in caught.value.message
    with pytest.raises(TimeRangeError):  # at the call, before an entry is read
        filter_entries(Untouchable(), since=start, until=end)
    with pytest.raises(TimeRangeError):  # at the call, before an AWS call
        search_cluster_log(NoCalls(), "blog", start=start, end=end)


@settings(max_examples=200, derandomize=True)
@given(st.one_of(st.none(), AWARE, NAIVE), st.one_of(st.none(), AWARE, NAIVE))
def test_a_bound_without_a_time_zone_is_refused_and_an_open_side_is_any_time(start, end):
    naive = any(m is not None and m.tzinfo is None for m in (start, end))
    backwards = start is not None and end is not None and not naive and end <= start
    if naive or backwards:
        with pytest.raises(TimeRangeError) as caught:
            check_time_range(start, end)
        assert ("has no time zone" in caught.value.message) is naive
    else:
        check_time_range(start, end)


def test_the_same_moment_in_two_zones_is_an_empty_range():
    at = datetime(2026, 12, 7, 5, tzinfo=timezone.utc)
    with pytest.raises(TimeRangeError):
        check_time_range(at, at.astimezone(timezone(timedelta(hours=2))))
    check_time_range(at, at + timedelta(microseconds=1))
