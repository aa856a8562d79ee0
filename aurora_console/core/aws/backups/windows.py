"""Preferred backup and maintenance windows: parse, validate, check overlap, show in local time.

* backup window: ``hh24:mi-hh24:mi`` in UTC, every day, at least 30 minutes; it may wrap past
  midnight (``23:30-00:30``).
* maintenance window: ``ddd:hh24:mi-ddd:hh24:mi`` in UTC, once a week, at least 30 minutes; it
  may wrap past Sunday midnight (``sun:23:30-mon:00:30``).

AWS refuses a *new* backup window that overlaps the maintenance window; moto does not, so the
console checks it here before ``modify_db_cluster``. A cluster whose current windows already
overlap can still have its other settings changed (AWS accepts that call): see
:func:`overlap_problem`, which callers report as a warning for an unchanged window.

The parsers match the whole text (``re.fullmatch``, ASCII digits only) and strip surrounding
whitespace (a window pasted with a newline is taken without it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from aurora_console.core.errors import ValidationError
from aurora_console.core.validation import VALUE, not_a_validator, validator

DAY = 24 * 60
WEEK = 7 * DAY
MIN_MINUTES = 30
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_DAILY = re.compile(r"([0-9]{1,2}):([0-9]{1,2})-([0-9]{1,2}):([0-9]{1,2})")
_WEEKLY = re.compile(r"([A-Za-z]{3}):([0-9]{1,2}):([0-9]{1,2})-([A-Za-z]{3}):([0-9]{1,2}):([0-9]{1,2})")


def _clock(h: str, m: str, text: str, what: str) -> int:
    if len(h) != 2 or len(m) != 2:
        raise ValidationError(f"The {what} '{text}' must use two-digit hours and minutes (hh24:mi, e.g. 03:00-03:30).")
    hour, minute = int(h), int(m)
    if hour > 23:
        raise ValidationError(f"The {what} '{text}' has an hour {h}; hours run from 00 to 23 (UTC).")
    if minute > 59:
        raise ValidationError(f"The {what} '{text}' has a minute {m}; minutes run from 00 to 59.")
    return hour * 60 + minute


def _hhmm(minutes: int) -> str:
    minutes %= DAY
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class DailyWindow:
    """A daily UTC window; ``start``/``end`` are minutes after midnight (end may be < start)."""

    start: int
    end: int

    @property
    def minutes(self) -> int:
        return (self.end - self.start) % DAY

    @property
    def wraps(self) -> bool:
        return self.end < self.start

    def text(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"

    def segments(self) -> list[tuple[int, int]]:
        """Half-open minute ranges within the week [0, WEEK) covered by this window, every day."""
        out: list[tuple[int, int]] = []
        for day in range(7):
            out.extend(_split(day * DAY + self.start, self.minutes))
        return out


@dataclass(frozen=True)
class WeeklyWindow:
    """A weekly UTC window; ``start``/``end`` are minutes after Monday 00:00 (end may be < start)."""

    start: int
    end: int

    @property
    def minutes(self) -> int:
        return (self.end - self.start) % WEEK

    def text(self) -> str:
        return f"{_weekday_text(self.start)}-{_weekday_text(self.end)}"

    def segments(self) -> list[tuple[int, int]]:
        return _split(self.start, self.minutes)


def _weekday_text(week_minutes: int) -> str:
    week_minutes %= WEEK
    return f"{DAYS[week_minutes // DAY]}:{_hhmm(week_minutes % DAY)}"


def _split(start: int, length: int) -> list[tuple[int, int]]:
    """[start, start+length) on the circular week as non-wrapping ranges."""
    start %= WEEK
    end = start + length
    if end <= WEEK:
        return [(start, end)]
    return [(start, WEEK), (0, end - WEEK)]


def _window_text(text: object, what: str, example: str) -> str:
    if not isinstance(text, str) or not text.strip():
        problem = "is empty" if text is None or isinstance(text, str) else f"must be text, not {type(text).__name__}"
        raise ValidationError(f"The {what} {problem}; use {example}.")
    return text.strip()


@validator(as_input=DailyWindow.text)
def parse_backup_window(text: object) -> DailyWindow:
    """``hh24:mi-hh24:mi`` (UTC), at least 30 minutes; surrounding whitespace is stripped.
    Raises :class:`ValidationError`."""
    t = _window_text(text, "backup window", "hh24:mi-hh24:mi in UTC, e.g. 03:00-03:30")
    m = _DAILY.fullmatch(t)
    if not m:
        raise ValidationError(f"The backup window {t[:40]!r} is not in the form hh24:mi-hh24:mi (UTC), e.g. 03:00-03:30.")
    start = _clock(m.group(1), m.group(2), t, "backup window")
    end = _clock(m.group(3), m.group(4), t, "backup window")
    window = DailyWindow(start, end)
    if window.minutes < MIN_MINUTES:
        got = window.minutes
        raise ValidationError(f"The backup window '{t}' lasts {got} minutes; it must last at least {MIN_MINUTES} minutes.")
    return window


@validator(as_input=WeeklyWindow.text)
def parse_maintenance_window(text: object) -> WeeklyWindow:
    """``ddd:hh24:mi-ddd:hh24:mi`` (UTC), at least 30 minutes; surrounding whitespace is stripped.
    Raises :class:`ValidationError`."""
    t = _window_text(text, "maintenance window", "ddd:hh24:mi-ddd:hh24:mi in UTC, e.g. sun:05:00-sun:05:30")
    m = _WEEKLY.fullmatch(t)
    if not m:
        raise ValidationError(
            f"The maintenance window {t[:40]!r} is not in the form ddd:hh24:mi-ddd:hh24:mi (UTC), e.g. sun:05:00-sun:05:30.")
    d1, d2 = m.group(1).lower(), m.group(4).lower()
    for d in (d1, d2):
        if d not in DAYS:
            raise ValidationError(f"The maintenance window '{t}' names the day '{d}'; use one of {', '.join(DAYS)}.")
    start = DAYS.index(d1) * DAY + _clock(m.group(2), m.group(3), t, "maintenance window")
    end = DAYS.index(d2) * DAY + _clock(m.group(5), m.group(6), t, "maintenance window")
    window = WeeklyWindow(start, end)
    if window.minutes < MIN_MINUTES:
        raise ValidationError(
            f"The maintenance window '{t}' lasts {window.minutes} minutes; it must last at least {MIN_MINUTES} minutes.")
    return window


def overlap_minutes(backup: DailyWindow, maintenance: WeeklyWindow) -> int:
    """How many minutes a week the two windows share (0: no overlap)."""
    total = 0
    for a0, a1 in backup.segments():
        for b0, b1 in maintenance.segments():
            total += max(0, min(a1, b1) - max(a0, b0))
    return total


def overlap_problem(backup: DailyWindow, maintenance: WeeklyWindow) -> str:
    """'' when the windows do not overlap, else a sentence naming both (UTC)."""
    if not overlap_minutes(backup, maintenance):
        return ""
    return f"The backup window {backup.text()} overlaps the maintenance window {maintenance.text()} (UTC)"


@not_a_validator("compares two already parsed windows; validate_backup_window checks the text")
def check_no_overlap(backup: DailyWindow, maintenance: WeeklyWindow) -> None:
    """Refuse a *new* backup window that overlaps the maintenance window (AWS refuses that)."""
    problem = overlap_problem(backup, maintenance)
    if problem:
        raise ValidationError(f"{problem}; AWS refuses that. Choose a backup window outside the maintenance window.")


@validator(args=(VALUE, "sun:23:00-sun:23:30"), as_input=DailyWindow.text)
def validate_backup_window(text: object, maintenance: object | None = None) -> DailyWindow:
    """Parse a new backup window (stripped, see :func:`parse_backup_window`) and, when the
    maintenance window is known, refuse an overlap."""
    window = parse_backup_window(text)
    if maintenance:
        mw = maintenance if isinstance(maintenance, WeeklyWindow) else parse_maintenance_window(maintenance)
        check_no_overlap(window, mw)
    return window


# -- local time for display -------------------------------------------------------------------
def _local(minutes_utc: int, tz: tzinfo | None, ref: datetime) -> datetime:
    base = datetime(ref.year, ref.month, ref.day, tzinfo=timezone.utc)
    return (base + timedelta(minutes=minutes_utc)).astimezone(tz) if tz else (
        base + timedelta(minutes=minutes_utc)).astimezone()


def daily_local_text(window: DailyWindow, tz: tzinfo | None = None, ref: datetime | None = None) -> str:
    """The window in local time (``tz``; default: this machine's zone) on the day ``ref``."""
    ref = ref or datetime.now(timezone.utc)
    a = _local(window.start, tz, ref)
    b = a + timedelta(minutes=window.minutes)
    name = a.tzname() or ""
    day_shift = (b.date() - a.date()).days
    suffix = " (+1 day)" if day_shift > 0 else ""
    return f"{a:%H:%M}-{b:%H:%M}{suffix} {name}".strip()


def weekly_local_text(window: WeeklyWindow, tz: tzinfo | None = None, ref: datetime | None = None) -> str:
    ref = ref or datetime.now(timezone.utc)
    monday = ref - timedelta(days=ref.weekday())
    a = _local(window.start, tz, monday)
    b = a + timedelta(minutes=window.minutes)
    name = a.tzname() or ""
    return f"{DAYS[a.weekday()]}:{a:%H:%M}-{DAYS[b.weekday()]}:{b:%H:%M} {name}".strip()
