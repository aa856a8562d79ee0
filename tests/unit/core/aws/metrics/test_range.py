import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.aws.metrics.range import (
    DAY,
    HOUR,
    MAX_AGE,
    RangeError,
    TimeRange,
    align_down,
    align_up,
    choose_period,
    min_period_for_start,
    validate_range,
)

pytestmark = pytest.mark.unit
NOW = 1_800_000_000.0  # a fixed "now" (2027), minute-aligned


@pytest.mark.parametrize("preset,period", [("1h", 60), ("3h", 60), ("12h", 60), ("1d", 60), ("1w", 600),
                                           ("2w", 900)])
def test_presets_pick_the_finest_period_within_1440_points(preset, period):
    start, end = TimeRange.last(preset).resolve(NOW)
    assert choose_period(start, end, NOW) == period
    assert (end - start) / period <= 1440


def test_retention_forces_coarser_periods():
    assert min_period_for_start(NOW - 14 * DAY, NOW) == 60
    assert min_period_for_start(NOW - 16 * DAY, NOW) == 300
    assert min_period_for_start(NOW - 64 * DAY, NOW) == 3600
    # a one-hour range 20 days ago: fine resolution would be 60 s, retention allows only 300 s
    assert choose_period(NOW - 20 * DAY, NOW - 20 * DAY + HOUR, NOW) == 300
    assert choose_period(NOW - 100 * DAY, NOW - 100 * DAY + HOUR, NOW) == 3600
    with pytest.raises(RangeError, match="455 days"):
        min_period_for_start(NOW - 456 * DAY, NOW)


def test_forced_period():
    assert choose_period(NOW - 7 * DAY, NOW, NOW, forced=60) == 60
    with pytest.raises(RangeError, match="300-second"):
        choose_period(NOW - 20 * DAY, NOW, NOW, forced=60)
    with pytest.raises(RangeError):
        choose_period(NOW - DAY, NOW, NOW, forced=90)


def test_bad_ranges_refused_with_reasons():
    with pytest.raises(RangeError, match="after its start"):
        validate_range(NOW - 60, NOW - 120, NOW)
    with pytest.raises(RangeError, match="455 days"):
        validate_range(NOW - 500 * DAY, NOW - 499 * DAY, NOW)
    with pytest.raises(RangeError, match="future"):
        validate_range(NOW + 600, NOW + 1200, NOW)
    with pytest.raises(RangeError, match="one minute"):
        validate_range(NOW - 90, NOW - 60, NOW)


def test_absolute_range_is_minute_aligned_and_clipped_to_now():
    start, end = TimeRange.absolute(NOW - 3599.5, NOW + 3 * HOUR).resolve(NOW)
    assert start % 60 == 0 and end % 60 == 0
    assert start <= NOW - 3599.5 and end == NOW


times = st.floats(min_value=NOW - 500 * DAY, max_value=NOW + DAY, allow_nan=False)


@given(times, times)
def test_validation_property(a, b):
    """Refused exactly when CloudWatch could not answer; otherwise legal period and <= 1440 points."""
    aligned_start = align_down(a)
    aligned_end = align_up(min(b, NOW))
    should_refuse = aligned_end <= aligned_start or aligned_start > NOW or NOW - aligned_start > MAX_AGE
    try:
        start, end = TimeRange.absolute(a, b).resolve(NOW)
    except RangeError as exc:
        assert exc.message and should_refuse
        return
    assert not should_refuse
    assert start % 60 == 0 and end % 60 == 0 and start < end
    period = choose_period(start, end, NOW)
    assert period % min_period_for_start(start, NOW) == 0
    assert (end - start) / period <= 1440


@given(st.integers(min_value=1, max_value=455 * DAY // 60).map(lambda m: m * 60))
def test_relative_ranges_always_resolve(seconds):
    start, end = TimeRange.last(seconds).resolve(NOW)
    assert end - start == seconds and end == NOW
    period = choose_period(start, end, NOW)
    assert (end - start) / period <= 1440 and period % 60 == 0
