"""Active-session history: aggregation into average active sessions, bounds, the sampler loop.
(Sampling a real server: tests/integration/performance/test_load_pg.py.)"""

from __future__ import annotations

import math
import threading
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.performance.activity_history import (
    CPU,
    ActiveSession,
    ActivityHistory,
    ActivitySample,
    aggregate_by_wait,
    align_down,
    is_load,
    run_sampler,
    wait_name,
)

T0 = datetime(2026, 12, 7, 5, 0, 0, tzinfo=timezone.utc)


def session(pid: int, wait: str = CPU, *, queryid: int | None = None, query: str = "SELECT 1") -> ActiveSession:
    wtype, _, event = wait.partition(":")
    return ActiveSession(pid=pid, wait=wait, wait_event_type=None if wait == CPU else wtype,
                         wait_event=event or None, queryid=queryid, query=query)


def sample(offset_s: float, *waits: str) -> ActivitySample:
    return ActivitySample(T0 + timedelta(seconds=offset_s), tuple(session(100 + i, w) for i, w in enumerate(waits)))


def test_wait_names_follow_postgresql_type_and_event_or_cpu():
    assert wait_name("Lock", "transactionid") == "Lock:transactionid"
    assert wait_name("IO", "DataFileRead") == "IO:DataFileRead"
    assert wait_name(None, None) == "CPU"
    assert wait_name("", None) == "CPU"
    assert wait_name("Lock", None) == "Lock"


def test_active_sessions_are_load_unless_idle_in_a_main_loop():
    assert is_load("active", None) and is_load("active", "Lock") and is_load("fastpath function call", "IO")
    assert not is_load("active", "Activity")  # a WAL sender streaming, a launcher's main loop
    assert not is_load("idle", None) and not is_load("idle in transaction", "Client") and not is_load(None, None)


def test_load_by_wait_is_the_average_number_of_sessions_per_sample():
    history = ActivityHistory()
    history.add(sample(0, "CPU", "Lock:transactionid", "Lock:transactionid"))
    history.add(sample(1, "CPU"))
    history.add(sample(2))  # nothing active
    history.add(sample(3, "IO:DataFileRead", "CPU"))
    got = history.load_by_wait(T0, T0 + timedelta(seconds=4))
    assert got == {"CPU": pytest.approx(3 / 4), "Lock:transactionid": pytest.approx(2 / 4),
                   "IO:DataFileRead": pytest.approx(1 / 4)}
    assert list(got) == ["CPU", "Lock:transactionid", "IO:DataFileRead"]  # largest first


def test_window_bounds_are_start_inclusive_end_exclusive_and_an_empty_window_is_unknown():
    history = ActivityHistory()
    for i in range(5):
        history.add(sample(i, *(["CPU"] * i)))
    assert history.load_by_wait(T0 + timedelta(seconds=1), T0 + timedelta(seconds=3)) == {"CPU": pytest.approx(1.5)}
    assert history.load_by_wait(T0 + timedelta(seconds=60), T0 + timedelta(seconds=70)) == {}
    assert [s.taken_at for s in history.samples(T0 + timedelta(seconds=4))] == [T0 + timedelta(seconds=4)]


def test_history_is_bounded_and_keeps_the_newest_samples_in_time_order():
    history = ActivityHistory(max_samples=3)
    for i in (0, 1, 2, 3, 4):
        history.add(sample(i, "CPU"))
    history.add(sample(2.5, "Lock:tuple"))  # late arrival goes where it belongs; the oldest goes
    assert len(history) == 3
    assert [s.taken_at - T0 for s in history.samples()] == [timedelta(seconds=x) for x in (2.5, 3, 4)]
    assert history.first_time == T0 + timedelta(seconds=2.5)
    assert history.last_time == T0 + timedelta(seconds=4)
    with pytest.raises(ValueError):
        ActivityHistory(max_samples=0)


def test_an_empty_history_is_still_truthy():
    empty = ActivityHistory()
    assert len(empty) == 0 and (empty or None) is empty


def test_naive_times_are_taken_as_utc():
    history = ActivityHistory()
    history.add(ActivitySample(datetime(2026, 12, 7, 5, 0, 0), (session(1),)))
    assert history.first_time == T0
    assert history.load_by_wait(datetime(2026, 12, 7, 5, 0, 0), datetime(2026, 12, 7, 5, 0, 1)) == {"CPU": 1.0}


def test_series_has_a_point_per_step_with_gaps_where_nothing_was_sampled():
    history = ActivityHistory()
    history.add(sample(0, "CPU", "CPU"))
    history.add(sample(1, "CPU", "Lock:transactionid"))
    # seconds 2-3: no sample (the screen was paused)
    history.add(sample(4, "Lock:transactionid"))
    history.add(sample(5))
    times, by_wait = history.series(T0, T0 + timedelta(seconds=6), step_s=2)
    assert times == [T0, T0 + timedelta(seconds=2), T0 + timedelta(seconds=4)]
    assert by_wait["CPU"][0] == pytest.approx(1.5)
    assert math.isnan(by_wait["CPU"][1]) and math.isnan(by_wait["Lock:transactionid"][1])
    assert by_wait["CPU"][2] == 0.0  # sampled, nobody on CPU
    assert by_wait["Lock:transactionid"][0] == pytest.approx(0.5)
    assert by_wait["Lock:transactionid"][2] == pytest.approx(0.5)


def test_series_steps_align_to_multiples_of_the_step():
    start = T0 + timedelta(seconds=7)
    times, _ = ActivityHistory().series(start, start + timedelta(seconds=120), step_s=60)
    assert times == [T0, T0 + timedelta(seconds=60), T0 + timedelta(seconds=120)]
    assert align_down(start, 5) == T0 + timedelta(seconds=5)
    with pytest.raises(ValueError):
        ActivityHistory().series(T0, T0 + timedelta(seconds=1), step_s=0)


def test_load_by_sql_groups_by_queryid_else_by_text_with_the_split_by_wait():
    history = ActivityHistory()
    a = dict(queryid=42, query="UPDATE items SET n = n + 1 WHERE id = 1")
    history.add(ActivitySample(T0, (session(1, "Lock:transactionid", **a), session(2, "CPU", **a),
                                    session(3, "Timeout:PgSleep", query="SELECT pg_sleep(5)"))))
    history.add(ActivitySample(T0 + timedelta(seconds=1), (session(1, "Lock:transactionid", **a),)))
    top = history.load_by_sql(limit=5)
    assert [(s.sql_id, s.aas, s.db_id) for s in top] == [("queryid:42", 1.5, "42"),
                                                          ("text:SELECT pg_sleep(5)", 0.5, None)]
    assert dict(top[0].by_wait) == {"Lock:transactionid": 1.0, "CPU": 0.5}
    assert top[0].statement.startswith("UPDATE items")
    assert history.load_by_sql(limit=1) == top[:1]
    assert ActivityHistory().load_by_sql() == []


waits = st.sampled_from(["CPU", "Lock:transactionid", "Lock:tuple", "IO:DataFileRead", "LWLock:WALWrite"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(waits, max_size=6), min_size=1, max_size=40))
def test_load_by_wait_sums_to_the_mean_active_sessions_and_matches_a_one_second_series(per_second):
    samples = [sample(i, *w) for i, w in enumerate(per_second)]
    load = aggregate_by_wait(samples)
    mean_sessions = sum(len(w) for w in per_second) / len(per_second)
    assert sum(load.values()) == pytest.approx(mean_sessions)
    history = ActivityHistory()
    for s in samples:
        history.add(s)
    times, by_wait = history.series(T0, T0 + timedelta(seconds=len(per_second)), step_s=1)
    assert len(times) == len(per_second)
    for wait, value in load.items():
        assert sum(by_wait[wait]) / len(times) == pytest.approx(value)


class _CountingHistory:
    def __init__(self, fail_on: set[int] | None = None) -> None:
        self.calls = 0
        self.fail_on = fail_on or set()

    def sample(self, conn):
        self.calls += 1
        if self.calls in self.fail_on:
            raise ConnectionError("server closed the connection")


class _FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_sampler_keeps_a_fixed_cadence_and_stops_when_asked():
    clock, history = _FakeClock(), _CountingHistory()
    taken = run_sampler(object(), history, interval_s=1.0, should_stop=lambda: clock.now >= 10.0,
                        sleep=clock.sleep, clock=clock)
    assert taken == history.calls == 10


def test_sampler_skips_ticks_missed_by_a_slow_sample_instead_of_bursting():
    clock = _FakeClock()
    stamps: list[float] = []

    class Slow:
        def sample(self, conn):
            stamps.append(clock.now)
            if len(stamps) == 2:
                clock.now += 3.5  # a sample that took 3.5 s

    run_sampler(object(), Slow(), interval_s=1.0, should_stop=lambda: len(stamps) >= 4, sleep=clock.sleep, clock=clock)
    gaps = [round(b - a, 6) for a, b in zip(stamps, stamps[1:], strict=False)]
    assert gaps[0] == pytest.approx(1.0)
    assert gaps[1] == pytest.approx(4.0)  # the next tick on the grid after the slow one, not a burst
    assert gaps[2] == pytest.approx(1.0)


def test_sampler_errors_end_the_loop_unless_the_caller_keeps_going():
    clock = _FakeClock()
    with pytest.raises(ConnectionError):
        run_sampler(object(), _CountingHistory({2}), should_stop=lambda: clock.now > 5, sleep=clock.sleep, clock=clock)
    seen: list[BaseException] = []
    history = _CountingHistory({2, 3})
    taken = run_sampler(object(), history, should_stop=lambda: clock.now > 20, sleep=clock.sleep, clock=clock,
                        on_error=lambda exc: seen.append(exc) is None)
    assert len(seen) == 2 and taken == history.calls - 2


def test_history_is_safe_to_read_while_a_thread_adds():
    history = ActivityHistory(max_samples=500)
    done = threading.Event()

    def add() -> None:
        for i in range(2000):
            history.add(sample(i, "CPU"))
        done.set()

    thread = threading.Thread(target=add)
    thread.start()
    while not done.is_set():
        load = history.load_by_wait()
        assert load in ({}, {"CPU": 1.0})
    thread.join()
    assert len(history) == 500
