"""Top SQL of a window (core/performance/top_sql.py): sorting, filtering, shares, and the schedule of
snapshots for the screen and the per-profile background setting."""

from __future__ import annotations

import pytest

from aurora_console.core.performance.snapshots import SnapshotStore
from aurora_console.core.performance.top_sql import (
    SORT_KEYS,
    BackgroundSnapshots,
    TopStatement,
    background_enabled,
    set_background_enabled,
    top_sql,
)
from aurora_console.core.settings import Settings
from tests.unit.core.performance.fixtures import counters, sample

pytestmark = pytest.mark.unit


@pytest.fixture
def store(tmp_path):
    with SnapshotStore(tmp_path / "top_sql.sqlite3", clock=lambda: 0.0) as s:
        texts = {1: "SELECT * FROM posts", 2: "SELECT * FROM comments WHERE post_id = $1",
                 3: "UPDATE posts SET views = views + $1", 4: "SELECT never"}
        s.add("w", sample(1000, [counters(q, 0, 0.0, query=texts[q]) for q in (1, 2, 3, 4)]))
        s.add("w", sample(1060, [
            counters(1, 10, 100.0, query=texts[1], read=40),
            counters(2, 1000, 50.0, query=texts[2], hit=500),
            counters(3, 1, 850.0, query=texts[3], temp_read=7, temp_written=3),
            counters(4, 0, 0.0, query=texts[4]),
        ]))
        yield s


def test_sorted_by_total_time_with_shares_of_the_window(store):
    rows = top_sql(store, "w", 0, 2000)
    assert [r.queryid for r in rows] == [3, 1, 2]  # statement 4 did not run
    assert [r.share for r in rows] == pytest.approx([0.85, 0.10, 0.05])
    assert rows[0].mean_ms == 850.0 and rows[0].temp_blks == 10
    assert rows[2].mean_ms == pytest.approx(0.05) and rows[2].hit_ratio == 1.0


@pytest.mark.parametrize("sort, descending, order", [
    ("calls", True, [2, 1, 3]), ("mean_ms", True, [3, 1, 2]), ("shared_blks_read", True, [1, 2, 3]),
    ("total_ms", False, [2, 1, 3]), ("temp_blks", True, [3, 1, 2]),
])
def test_any_column_sorts(store, sort, descending, order):
    assert [r.queryid for r in top_sql(store, "w", 0, 2000, sort=sort, descending=descending)] == order


def test_filter_by_text_user_or_database_keeps_shares_of_the_whole_window(store):
    rows = top_sql(store, "w", 0, 2000, text_filter="  POSTS ")
    assert [r.queryid for r in rows] == [3, 1] and rows[1].share == pytest.approx(0.10)
    assert len(top_sql(store, "w", 0, 2000, text_filter="blog")) == 3  # the database name
    assert top_sql(store, "w", 0, 2000, text_filter="nothing like it") == []


def test_limit_and_bad_sort(store):
    assert [r.queryid for r in top_sql(store, "w", 0, 2000, limit=1)] == [3]
    assert top_sql(store, "w", 0, 2000, limit=0) == []
    with pytest.raises(ValueError, match="cannot sort"):
        top_sql(store, "w", 0, 2000, sort="query")
    assert "total_ms" in SORT_KEYS and "query" not in SORT_KEYS


def test_ties_are_ordered_by_query_id(tmp_path):
    with SnapshotStore(tmp_path / "s.sqlite3", clock=lambda: 0.0) as s:
        s.add("w", sample(0, [counters(q, 0, 0.0) for q in (7, 3, 5)]))
        s.add("w", sample(60, [counters(q, 1, 2.0) for q in (7, 3, 5)]))
        assert [r.queryid for r in top_sql(s, "w", 0, 100)] == [3, 5, 7]
        assert [r.queryid for r in top_sql(s, "w", 0, 100, descending=False)] == [3, 5, 7]


def test_a_statement_without_shared_blocks_has_no_hit_ratio():
    row = TopStatement(1, None, 1, 1.0, 1.0, 0, 0, 0, 0, 1.0)
    assert row.hit_ratio is None


# -- the per-profile background setting -----------------------------------------------------------------
def test_background_setting_per_profile():
    settings = Settings()
    assert not background_enabled(settings, "prod")
    set_background_enabled(settings, "prod", True)
    set_background_enabled(settings, "dev", True)
    set_background_enabled(settings, "prod", True)
    assert settings.top_sql_background_profiles == ["dev", "prod"]
    assert background_enabled(settings, "prod") and not background_enabled(settings, "staging")
    set_background_enabled(settings, "prod", False)
    assert settings.top_sql_background_profiles == ["dev"]


# -- the schedule --------------------------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_watched_instance_is_due_at_once_then_every_interval():
    clock = Clock()
    sched = BackgroundSnapshots(interval_s=60, clock=clock)
    sched.watch("w", "screen")
    assert sched.due() == ["w"]
    assert sched.due() == []  # running: not handed out twice
    assert sched.done("w") == 60
    clock.now = 59
    assert sched.due() == []
    clock.now = 60
    assert sched.due() == ["w"]


def test_failures_back_off_up_to_the_limit_and_a_success_resets_it():
    clock = Clock()
    sched = BackgroundSnapshots(interval_s=60, max_backoff_s=300, clock=clock)
    sched.watch("w", "background")
    waits = []
    for _ in range(5):
        sched.due(clock.now)
        next_at = sched.done("w", ok=False)
        waits.append(next_at - clock.now)
        clock.now = next_at
    assert waits == [120, 240, 300, 300, 300]
    sched.due(clock.now)
    assert sched.done("w") - clock.now == 60


def test_an_instance_stays_watched_while_any_reason_holds():
    clock = Clock()
    sched = BackgroundSnapshots(clock=clock)
    sched.watch("w", "screen")
    sched.watch("w", "background")
    sched.unwatch("w", "screen")
    assert sched.watched() == {"w": frozenset({"background"})}
    sched.unwatch("w", "background")
    assert sched.watched() == {} and sched.due() == []
    sched.unwatch("never", "screen")  # nothing to do
    assert sched.done("w") is None  # a snapshot that ended after its instance was unwatched
    with pytest.raises(ValueError):
        sched.watch("w", "because")
    with pytest.raises(ValueError):
        BackgroundSnapshots(interval_s=0)
