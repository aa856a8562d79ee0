"""Time ranges, periods and CloudWatch retention rules for metric queries (pure, no I/O).

CloudWatch keeps 1-minute data for 15 days, 5-minute data for 63 days and 1-hour data for
455 days. A query whose start lies further back than one of those limits must use a period that
is a multiple of the coarser resolution. The period is also raised until no series has more
than :data:`TARGET_POINTS` points. Times are epoch seconds (UTC), aligned to whole minutes.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from aurora_console.core.errors import ValidationError
from aurora_console.core.validation import VALUE, validator

MINUTE = 60
HOUR = 3600
DAY = 86400

#: (age limit of the start in seconds, smallest period allowed) from fine to coarse.
RETENTION = ((15 * DAY, 60), (63 * DAY, 300), (455 * DAY, 3600))
MAX_AGE = RETENTION[-1][0]
TARGET_POINTS = 1440
#: Periods the planner picks from (all multiples of 60; each coarse one a multiple of its base).
NICE_PERIODS = (60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)

PRESETS: dict[str, int] = {"1h": HOUR, "3h": 3 * HOUR, "12h": 12 * HOUR, "1d": DAY, "1w": 7 * DAY, "2w": 14 * DAY}


class RangeError(ValidationError):
    """A time range CloudWatch cannot answer (refused before any call)."""


def align_down(t: float, step: int = MINUTE) -> int:
    return int(math.floor(t / step) * step)


def align_up(t: float, step: int = MINUTE) -> int:
    return int(math.ceil(t / step) * step)


def min_period_for_start(start: float, now: float) -> int:
    """Smallest period CloudWatch serves for data that starts at ``start``."""
    age = now - start
    for limit, period in RETENTION:
        if age <= limit:
            return period
    raise RangeError(
        f"CloudWatch keeps metrics for {MAX_AGE // DAY} days; the range starts {int(age // DAY)} days ago.",
        hint="Choose a start within the last 455 days.",
    )


@validator(RangeError, args=(VALUE, 1_800_000_000.0, 1_800_000_000.0))
def validate_range(start: float, end: float, now: float) -> None:
    """Refuse ranges CloudWatch cannot answer, with a message that says why (times are numbers)."""
    try:
        finite = math.isfinite(start) and math.isfinite(end)
    except (TypeError, OverflowError):  # not a number, or an int too large for a float
        finite = False
    if not finite:
        raise RangeError("The start and end must be real times.")
    if end <= start:
        raise RangeError("The end of the range must be after its start.", hint="Swap or correct the two times.")
    if end - start < MINUTE:
        raise RangeError("The range must cover at least one minute.")
    if start > now:
        raise RangeError("The range starts in the future; there is no data yet.")
    min_period_for_start(start, now)


def choose_period(start: float, end: float, now: float, forced: int | None = None,
                  target_points: int = TARGET_POINTS) -> int:
    """Period in seconds for ``[start, end)``: retention-legal and at most ``target_points`` a series.

    ``forced`` asks for a given period (e.g. 60 s for a week); it is refused if retention forbids it.
    """
    base = min_period_for_start(start, now)
    if forced is not None:
        if forced <= 0 or forced % 60:
            raise RangeError(f"A period must be a positive multiple of 60 seconds, not {forced}.")
        if forced % base:
            raise RangeError(
                f"Data that old is kept at {base}-second resolution; a {forced}-second period is not available.",
                hint=f"Use a multiple of {base} seconds.",
            )
        return forced
    needed = max(base, (end - start) / max(1, target_points))
    for period in NICE_PERIODS:
        if period >= needed and period % base == 0:
            return period
    return align_up(needed, DAY)


@dataclass(frozen=True)
class TimeRange:
    """Either a relative preset (last ``seconds``) or an absolute ``[start, end)`` in epoch seconds."""

    seconds: int | None = None
    start: float | None = None
    end: float | None = None

    @classmethod
    def last(cls, seconds_or_preset: int | str) -> TimeRange:
        seconds = PRESETS[seconds_or_preset] if isinstance(seconds_or_preset, str) else int(seconds_or_preset)
        if seconds < MINUTE:
            raise RangeError("A relative range must cover at least one minute.")
        return cls(seconds=seconds)

    @classmethod
    def absolute(cls, start: float, end: float) -> TimeRange:
        return cls(start=float(start), end=float(end))

    @property
    def is_relative(self) -> bool:
        return self.seconds is not None

    def resolve(self, now: float | None = None) -> tuple[int, int]:
        """Minute-aligned ``(start, end)``; validated against ``now``."""
        now = time.time() if now is None else now
        if self.seconds is not None:
            end = align_down(now)
            start = end - self.seconds
        else:
            assert self.start is not None and self.end is not None
            start, end = align_down(self.start), align_up(min(self.end, align_up(now)))
        validate_range(start, end, now)
        return start, end

    def describe(self) -> str:
        if self.seconds is not None:
            for name, secs in PRESETS.items():
                if secs == self.seconds:
                    return f"last {name}"
            return f"last {self.seconds // MINUTE} min"
        return "custom range"
