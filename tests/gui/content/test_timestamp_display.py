"""Read-only timestamps in the post form: to the second, in UTC."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.ui.content.post_form import display_timestamp

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("raw,shown", [
    ("2026-10-01 09:51:47.884834+00", "2026-10-01 09:51:47 UTC"),
    ("2026-10-01 09:51:47+00:00", "2026-10-01 09:51:47 UTC"),
    ("2026-10-01T09:51:47.1Z", "2026-10-01 09:51:47 UTC"),
    ("2026-10-01 11:51:47.5+02", "2026-10-01 09:51:47 UTC"),
    ("2026-10-01 04:21:47-05:30", "2026-10-01 09:51:47 UTC"),
    ("2026-10-01 09:51:47.884834", "2026-10-01 09:51:47"),  # timestamp without time zone: its wall time
    ("", ""), ("not a time", "not a time"), (None, ""),
    (datetime(2026, 10, 1, 9, 51, 47, 884834, tzinfo=timezone.utc), "2026-10-01 09:51:47 UTC"),
])
def test_display_timestamp(raw, shown):
    assert display_timestamp(raw) == shown


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9998, 12, 30)),
       st.integers(min_value=-14 * 60, max_value=14 * 60))
def test_any_postgres_timestamptz_text_reads_as_its_utc_second(wall, offset_minutes):
    tz = timezone(timedelta(minutes=offset_minutes))
    at = wall.replace(tzinfo=tz)
    sign = "+" if offset_minutes >= 0 else "-"
    hh, mm = divmod(abs(offset_minutes), 60)
    raw = at.strftime("%Y-%m-%d %H:%M:%S.%f") + f"{sign}{hh:02d}" + (f":{mm:02d}" if mm else "")
    expected = at.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%d %H:%M:%S UTC")
    assert display_timestamp(raw) == expected
