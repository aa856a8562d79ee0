"""What the Load chart draws (Qt-free): stacked layers by wait, gaps, Other, colours, source."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.performance.load import SOURCE_PI, SOURCE_SAMPLED, LoadSeries
from aurora_console.ui.performance.load_stack import (
    OTHER,
    OTHER_COLOR,
    TYPE_COLORS,
    LoadStack,
    wait_colors,
)

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)
NAN = math.nan


def series(by_wait, *, source=SOURCE_SAMPLED, reason="why", vcpus=2, step_s=60, vcpus_note=""):
    n = len(next(iter(by_wait.values()))) if by_wait else 0
    times = tuple(T0 + timedelta(seconds=step_s * i) for i in range(n))
    return LoadSeries(source=source, reason=reason, times=times, by_wait=by_wait, vcpus=vcpus, step_s=step_s,
                      vcpus_note=vcpus_note)


def test_layers_stack_largest_first_with_gaps_where_nothing_is_known():
    s = series({"CPU": [1.0, 2.0, NAN, 1.0], "Lock:transactionid": [3.5, NAN, NAN, 1.0], "IO:DataFileRead": [
        0.5, 0.5, NAN, NAN]})
    stack = LoadStack.from_series(s)
    assert [layer.wait for layer in stack.layers] == ["Lock:transactionid", "CPU", "IO:DataFileRead"]
    lock, cpu, io = stack.layers
    assert lock.bottom[:2] == (0.0, 0.0) and lock.values[1] == 0.0  # no lock at step 1 (it has data): 0
    assert cpu.bottom[0] == 3.5 and cpu.top[0] == 4.5 and io.top[0] == 5.0 and io.top[3] == 2.0
    assert all(math.isnan(layer.top[2]) for layer in stack.layers)  # step 2: a gap in every layer
    assert stack.total[:2] == (5.0, 2.5) and math.isnan(stack.total[2])
    assert [len(seg[0]) for seg in lock.segments(stack.x)] == [2, 1]
    assert stack.x[1] - stack.x[0] == 60 and stack.x[0] == T0.timestamp()
    assert lock.average == (3.5 + 0.0 + 1.0) / 3


def test_beyond_max_layers_the_smallest_waits_are_other():
    waits = {f"LWLock:w{i}": [float(i), float(i)] for i in range(1, 11)}
    stack = LoadStack.from_series(series(waits), max_layers=4)
    assert [layer.wait for layer in stack.layers] == ["LWLock:w10", "LWLock:w9", "LWLock:w8", OTHER]
    assert stack.layers[-1].values == (sum(range(1, 8)),) * 2 and stack.layers[-1].color == OTHER_COLOR
    assert stack.total == (55.0, 55.0)


def test_colours_follow_the_wait_type_lighter_for_each_further_event():
    colors = wait_colors(["CPU", "Lock:transactionid", "Lock:tuple", "IO:DataFileRead", "Weird:x", OTHER])
    assert colors["CPU"] == TYPE_COLORS["CPU"] and colors["Lock:transactionid"] == TYPE_COLORS["Lock"]
    assert colors["Lock:tuple"] not in (TYPE_COLORS["Lock"], colors["Lock:transactionid"])
    assert colors["IO:DataFileRead"] == TYPE_COLORS["IO"] and colors[OTHER] == OTHER_COLOR
    assert len(set(colors.values())) == len(colors)


def test_source_title_summary_and_values_under_the_pointer():
    pi = LoadStack.from_series(series({"CPU": [1.0, 3.0]}, source=SOURCE_PI, reason="Performance Insights for db-1"))
    assert pi.source_title() == "Source: Performance Insights"
    sampled = LoadStack.from_series(series({"CPU": [1.0, 3.0], "Lock:tuple": [0.0, 1.0]}, reason="not enabled"))
    assert "sampled" in sampled.source_title() and "pg_stat_activity" in sampled.source_title()
    text = sampled.summary(utc=True)
    assert text.startswith("Average 2.50 active sessions") and "peak 4.00 at 10:01:00 UTC" in text
    assert "2 vCPUs" in text
    t0 = T0.timestamp()
    assert sampled.values_at(t0 + 61) == (t0 + 60, [("Lock:tuple", 1.0), ("CPU", 3.0)])
    assert sampled.values_at(t0 - 1) is None and sampled.values_at(t0 + 120) is None
    assert sampled.values_at(math.nan) is None
    empty = LoadStack.from_series(series({}, vcpus=None))
    assert not empty.has_data and empty.summary() == "No load data in this window yet." and empty.layers == []
    gap = LoadStack.from_series(series({"CPU": [NAN, NAN]}))
    assert not gap.has_data and gap.values_at(t0 + 5) is None and gap.peak() is None


_value = st.one_of(st.just(NAN), st.floats(0, 50))


@given(st.integers(0, 12).flatmap(lambda n: st.dictionaries(
    st.sampled_from(["CPU", "Lock:tuple", "Lock:transactionid", "IO:DataFileRead", "LWLock:WALWrite", "IPC:x",
                     "Client:ClientRead", "Timeout:PgSleep", "BufferPin:BufferPin", "Activity:x"]),
    st.lists(_value, min_size=n, max_size=n), max_size=10)), st.integers(2, 8))
def test_the_stack_adds_up_to_the_series_total_and_only_grows(by_wait, max_layers):
    s = series(by_wait)
    stack = LoadStack.from_series(s, max_layers=max_layers)
    assert len(stack.layers) <= max_layers
    expected = s.total()
    for got, want in zip(stack.total, expected, strict=True):
        assert (math.isnan(got) and math.isnan(want)) or math.isclose(got, want, abs_tol=1e-9)
    for lower, upper in zip(stack.layers, stack.layers[1:], strict=False):
        assert all(math.isnan(a) and math.isnan(b) or b >= a - 1e-12 for a, b in zip(lower.top, upper.top,
                                                                                    strict=True))
        assert all((math.isnan(a) and math.isnan(b)) or a == b for a, b in zip(lower.top, upper.bottom, strict=True))


def test_a_long_series_is_merged_into_wider_steps_averaging_the_steps_with_data():
    by_wait = {"CPU": [1.0, 3.0, NAN, NAN, 2.0, NAN, 5.0], "Lock:tuple": [1.0, NAN, NAN, NAN, 0.0, NAN, NAN]}
    stack = LoadStack.from_series(series(by_wait, step_s=1), max_points=3)
    assert stack.step_s == 3 and len(stack.x) == 3 and stack.x[1] - stack.x[0] == 3
    cpu, lock = stack.layers
    assert cpu.values[0] == 2.0 and lock.values[0] == 0.5  # steps 0-1 hold data; step 1 has no lock: 0
    assert cpu.values[1] == 2.0 and lock.values[1] == 0.0  # only step 4 holds data
    assert (cpu.values[2], lock.values[2]) == (5.0, 0.0)
    gap = LoadStack.from_series(series({"CPU": [NAN, NAN, 1.0, 1.0]}), max_points=2)
    assert math.isnan(gap.total[0]) and gap.total[1] == 1.0


def test_a_long_window_without_any_wait_is_merged_too():
    """An idle instance sampled for 15 minutes: 900 steps and no wait at all (nothing was active).
    The chart gets a long run of empty steps, not an error ("cannot reshape array of size 0")."""
    times = tuple(T0 + timedelta(seconds=i) for i in range(901))
    idle = LoadSeries(source=SOURCE_SAMPLED, reason="sampled", times=times, by_wait={}, vcpus=2, step_s=1)
    stack = LoadStack.from_series(idle, max_points=600)
    assert stack.layers == [] and stack.step_s == 2 and len(stack.x) == 451
    assert len(stack.total) == 451 and all(math.isnan(t) for t in stack.total)
