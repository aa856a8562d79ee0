"""The time window selected on the metrics charts (Qt-free model)."""

from __future__ import annotations

import math
from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st

from aurora_console.ui.metrics.selection import MAX_EPOCH, TimeSelection, duration_text

T = 1_796_000_000  # 2026-11-30


def test_select_orders_rounds_outwards_and_announces_each_change():
    sel, seen = TimeSelection(), []
    sel.changed.connect(seen.append)
    assert sel.select(T + 900.7, T + 0.2)  # dragged right to left
    assert sel.window == (T, T + 901) and seen == [(T, T + 901)]
    assert sel.select(T + 0.5, T + 900.1)  # the same whole seconds: no change to announce
    assert seen == [(T, T + 901)]
    assert sel.contains(T) and sel.contains(T + 901) and not sel.contains(T + 902)
    sel.clear()
    assert sel.window is None and seen[-1] is None and not sel.contains(T)
    sel.clear()  # nothing to clear: nothing announced
    assert len(seen) == 2


def test_a_window_of_no_length_or_not_a_time_keeps_the_selection():
    sel = TimeSelection()
    sel.select(T, T + 60)
    for a, b in [(T + 5, T + 5), (math.nan, T), (T, math.inf), (None, T), ("1", T), (True, T + 9),
                 (10 ** 400, T), (T, MAX_EPOCH + 1)]:
        assert sel.select(a, b) is False
        assert sel.window == (T, T + 60)


@given(st.floats(allow_nan=True, allow_infinity=True), st.floats(allow_nan=True, allow_infinity=True))
def test_any_two_numbers_select_a_window_holding_both_or_nothing(a, b):
    sel = TimeSelection()
    ok = sel.select(a, b)
    if ok:
        start, end = sel.window
        assert start < end and sel.contains(a) and sel.contains(b)
        assert end - start <= abs(b - a) + 2  # each bound moves less than a second outwards
    else:
        assert sel.window is None
        assert not (math.isfinite(a) and math.isfinite(b) and max(abs(a), abs(b)) <= MAX_EPOCH
                    and math.ceil(max(a, b)) > math.floor(min(a, b)))


@given(st.integers(min_value=0, max_value=10 ** 9))
def test_duration_text_reads_back_to_the_seconds_it_shows(seconds):
    """What it leaves out is less than a minute (an hour once it counts days)."""
    parts = duration_text(seconds).split()
    units = {"d": 86400, "h": 3600, "min": 60, "s": 1}
    shown = parts[1::2]
    total = sum(int(n) * units[u] for n, u in zip(parts[::2], shown, strict=True))
    dropped = seconds - total
    assert 0 <= dropped < (3600 if "d" in shown else 60 if seconds >= 60 else 1)
    assert all(int(n) > 0 for n in parts[::2]) or seconds == 0


def test_duration_text_examples():
    assert [duration_text(s) for s in (45, 900, 3600, 7500, 86400, 3 * 86400 + 4 * 3600 + 59)] == [
        "45 s", "15 min", "1 h", "2 h 5 min", "1 d", "3 d 4 h"]


def test_describe_says_the_window_in_local_time_or_utc():
    sel = TimeSelection()
    assert sel.describe() == ""
    start = int(datetime(2026, 12, 7, 10, 2, tzinfo=timezone.utc).timestamp())
    sel.select(start, start + 900)
    assert sel.describe(utc=True) == "2026-12-07 10:02 – 10:17 UTC (15 min)"
    sel.select(start, start + 86400 + 30)
    assert sel.describe(utc=True) == "2026-12-07 10:02 – 2026-12-08 10:02:30 UTC (1 d)"
    local = datetime.fromtimestamp(start)
    assert sel.describe().startswith(local.strftime("%Y-%m-%d %H:%M")) and "UTC" not in sel.describe()
