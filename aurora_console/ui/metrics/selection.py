"""The time window selected on a metrics dashboard's charts (drag across any chart), Qt-free.

The dashboard renders it as a shaded band on every chart and offers the window's actions on it
(``window.add_time_window_action``: "Explain this window", ...) in each chart's context menu.
Times are epoch seconds (UTC), whole seconds: the start rounded down, the end up.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

from aurora_console.ui.observers import Observers

#: the year 9999: a bound beyond it is not a time a chart can show
MAX_EPOCH = 253_402_300_799


def duration_text(seconds: float) -> str:
    """A short length of time: "45 s", "15 min", "2 h 5 min", "3 d 4 h"."""
    s = max(0, int(round(seconds)))
    if s < 60:
        return f"{s} s"
    minutes = s // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


class TimeSelection:
    """At most one selected window ``(start, end)``, start < end; ``changed`` announces each
    change with the new window (or None)."""

    def __init__(self) -> None:
        self.window: tuple[int, int] | None = None
        self.changed = Observers()

    def select(self, a: float, b: float) -> bool:
        """Select the window between ``a`` and ``b`` (either order). A window of no length, or a
        bound that is not a finite number, selects nothing and leaves the selection as it was."""
        if isinstance(a, bool) or isinstance(b, bool) or not isinstance(a, (int, float)) \
                or not isinstance(b, (int, float)):
            return False
        try:
            a, b = float(a), float(b)
        except OverflowError:  # an int beyond any float
            return False
        if not (math.isfinite(a) and math.isfinite(b)) or max(abs(a), abs(b)) > MAX_EPOCH:
            return False
        lo, hi = (a, b) if a <= b else (b, a)
        start, end = math.floor(lo), math.ceil(hi)
        if end <= start:
            return False
        if (start, end) != self.window:
            self.window = (start, end)
            self.changed.emit(self.window)
        return True

    def clear(self) -> None:
        if self.window is not None:
            self.window = None
            self.changed.emit(None)

    def contains(self, t: float) -> bool:
        return self.window is not None and self.window[0] <= t <= self.window[1]

    def describe(self, utc: bool = False) -> str:
        """"2026-12-07 10:02 – 10:17 (15 min)"; the end's date only when it differs."""
        if self.window is None:
            return ""
        start, end = self.window
        tz = timezone.utc if utc else None
        a, b = datetime.fromtimestamp(start, tz), datetime.fromtimestamp(end, tz)
        fmt_a = "%Y-%m-%d %H:%M:%S" if a.second else "%Y-%m-%d %H:%M"
        same_day = a.date() == b.date()
        fmt_b = ("%H:%M:%S" if b.second else "%H:%M") if same_day else ("%Y-%m-%d %H:%M:%S" if b.second
                                                                         else "%Y-%m-%d %H:%M")
        suffix = " UTC" if utc else ""
        return f"{a.strftime(fmt_a)} – {b.strftime(fmt_b)}{suffix} ({duration_text(end - start)})"
