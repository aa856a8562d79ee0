"""The time range a log filter or a CloudWatch Logs search covers, checked before any entry is
read or any AWS call is made: both bounds timezone-aware, the end after the start (what the Logs
screen's From / To fields also check, for immediate feedback)."""

from __future__ import annotations

from datetime import datetime, timezone

from aurora_console.core.errors import ValidationError
from aurora_console.core.validation import not_a_validator


class TimeRangeError(ValidationError, ValueError):
    """A time range that cannot be searched: refused before anything is read or sent (a
    ``ValueError`` too, as a naive bound was before this check)."""


@not_a_validator("checks two already parsed datetimes, not one input value (its own property tests: "
                 "tests/unit/core/aws/db_logs/test_time_range.py)")
def check_time_range(start: datetime | None, end: datetime | None) -> None:
    """Raise :class:`TimeRangeError` unless each bound given is timezone-aware and, when both
    are given, ``end`` is after ``start`` (an open side, None, is any time)."""
    for name, moment in (("start", start), ("end", end)):
        if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
            raise TimeRangeError(f"The time range's {name} ({moment:%Y-%m-%d %H:%M:%S}) has no time zone.",
                                 hint="Give the time in UTC.")
    if start is not None and end is not None and end <= start:
        raise TimeRangeError(
            f"The time range must end after it starts (from {_utc(start)} to {_utc(end)}).",
            hint="Choose a To time later than the From time.")


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
