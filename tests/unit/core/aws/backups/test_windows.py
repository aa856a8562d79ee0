"""Backup and maintenance windows: parsing, length, wrap past midnight, overlap (property tests)."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.aws.backups.windows import (
    DAY,
    DAYS,
    WEEK,
    daily_local_text,
    overlap_minutes,
    parse_backup_window,
    parse_maintenance_window,
    validate_backup_window,
    weekly_local_text,
)
from aurora_console.core.errors import ValidationError

pytestmark = pytest.mark.unit

minute_of_day = st.integers(min_value=0, max_value=DAY - 1)


def hhmm(m: int) -> str:
    return f"{m // 60 % 24:02d}:{m % 60:02d}"


@pytest.mark.parametrize("text, why", [
    ("25:00-01:00", "hour 25"),
    ("19:00-19:10", "lasts 10 minutes"),
    ("19:00-19:00", "lasts 0 minutes"),
    ("03:60-04:30", "minute 60"),
    ("3:00-04:00", "two-digit"),
    ("03:00 04:00", "not in the form"),
    ("", "empty"),
])
def test_bad_backup_windows_refused(text, why):
    with pytest.raises(ValidationError, match=why):
        parse_backup_window(text)


def test_window_wrapping_past_midnight():
    w = parse_backup_window("23:45-00:15")
    assert w.minutes == 30 and w.wraps and w.text() == "23:45-00:15"


@given(minute_of_day, st.integers(min_value=30, max_value=DAY - 1))
def test_any_window_of_30_minutes_or_more_parses_and_round_trips(start, length):
    text = f"{hhmm(start)}-{hhmm(start + length)}"
    w = parse_backup_window(text)
    assert w.minutes == length
    assert w.text() == text


@given(minute_of_day, st.integers(min_value=0, max_value=29))
def test_windows_shorter_than_30_minutes_refused(start, length):
    with pytest.raises(ValidationError, match="at least 30 minutes"):
        parse_backup_window(f"{hhmm(start)}-{hhmm(start + length)}")


@given(st.integers(min_value=24, max_value=99), st.integers(min_value=0, max_value=59), minute_of_day)
def test_hours_beyond_23_refused(hour, minute, end):
    with pytest.raises(ValidationError, match="hours run from 00 to 23"):
        parse_backup_window(f"{hour:02d}:{minute:02d}-{hhmm(end)}")


@given(st.text(max_size=20))
def test_parser_never_crashes(text):
    try:
        w = parse_backup_window(text)
    except ValidationError:
        return
    assert w.minutes >= 30


@pytest.mark.parametrize("text, why", [
    ("sun:23:00-sun:23:10", "lasts 10 minutes"),
    ("xyz:01:00-xyz:02:00", "names the day"),
    ("sun:24:00-mon:01:00", "hour 24"),
    ("sun:05:00", "not in the form"),
])
def test_bad_maintenance_windows_refused(text, why):
    with pytest.raises(ValidationError, match=why):
        parse_maintenance_window(text)


def test_maintenance_window_wrapping_past_sunday():
    w = parse_maintenance_window("sun:23:45-mon:00:15")
    assert w.minutes == 30 and w.text() == "sun:23:45-mon:00:15"


def test_sandbox_blog_windows_do_not_overlap():
    assert overlap_minutes(parse_backup_window("19:00-22:00"), parse_maintenance_window("sun:23:00-sun:23:30")) == 0
    validate_backup_window("19:00-22:00", "sun:23:00-sun:23:30")


@pytest.mark.parametrize("backup, maint, minutes", [
    ("22:30-23:30", "sun:23:00-sun:23:30", 30),
    ("23:50-00:30", "mon:00:00-mon:00:30", 30),  # backup wraps midnight into Monday
    ("23:50-00:30", "sun:23:40-mon:00:10", 20),  # maintenance wraps the week
    ("01:00-02:00", "wed:01:30-wed:03:00", 30),
])
def test_overlaps_found_and_refused(backup, maint, minutes):
    assert overlap_minutes(parse_backup_window(backup), parse_maintenance_window(maint)) == minutes
    with pytest.raises(ValidationError, match="overlaps the maintenance window"):
        validate_backup_window(backup, maint)


@given(minute_of_day, st.integers(min_value=30, max_value=300), st.integers(min_value=0, max_value=WEEK - 1),
       st.integers(min_value=30, max_value=600))
def test_overlap_matches_a_minute_by_minute_count(bstart, blen, mstart, mlen):
    b = parse_backup_window(f"{hhmm(bstart)}-{hhmm(bstart + blen)}")
    mend = (mstart + mlen) % WEEK
    m = parse_maintenance_window(f"{DAYS[mstart // DAY]}:{hhmm(mstart)}-{DAYS[mend // DAY]}:{hhmm(mend)}")
    in_backup = {(d * DAY + bstart + i) % WEEK for d in range(7) for i in range(blen)}
    in_maint = {(mstart + i) % WEEK for i in range(mlen)}
    expected = len(in_backup & in_maint)
    assert overlap_minutes(b, m) == expected
    if expected:
        with pytest.raises(ValidationError):
            validate_backup_window(b.text(), m.text())
    else:
        assert validate_backup_window(b.text(), m.text()) == b


def test_local_time_display():
    ref = datetime(2026, 7, 1, tzinfo=timezone.utc)
    berlin = ZoneInfo("Europe/Berlin")
    assert daily_local_text(parse_backup_window("19:00-22:00"), berlin, ref) == "21:00-00:00 (+1 day) CEST"
    assert daily_local_text(parse_backup_window("03:00-03:30"), ZoneInfo("UTC"), ref) == "03:00-03:30 UTC"
    assert weekly_local_text(parse_maintenance_window("sun:23:00-sun:23:30"), berlin, ref) == "mon:01:00-mon:01:30 CEST"
    tokyo = ZoneInfo("Asia/Tokyo")
    assert weekly_local_text(parse_maintenance_window("mon:05:00-mon:05:30"), tokyo, ref) == "mon:14:00-mon:14:30 JST"
