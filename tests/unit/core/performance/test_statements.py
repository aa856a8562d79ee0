"""Samples of pg_stat_statements (core/performance/statements.py) without a server: the message when
the extension is missing, and texts filled in later. Reading a real server: tests/integration/
performance/test_top_sql.py."""

from __future__ import annotations

import pytest

from aurora_console.core.errors import ConsoleError, user_text
from aurora_console.core.performance.statements import COUNTER_NAMES, StatementsUnavailable
from tests.unit.core.performance.fixtures import counters, sample

pytestmark = pytest.mark.unit


def test_not_created_says_which_statement_to_run_where_and_that_aurora_preloads_it():
    exc = StatementsUnavailable("not created", "blog")
    text = user_text(exc)
    assert isinstance(exc, ConsoleError) and exc.reason == "not created"
    assert 'CREATE EXTENSION pg_stat_statements; in database "blog"' in text
    assert "Aurora PostgreSQL already loads the library (shared_preload_libraries) by default" in text
    assert "rds_superuser" in text


def test_not_loaded_says_to_preload_and_restart_then_create():
    text = user_text(StatementsUnavailable("not loaded", "blog"))
    assert "started without it in shared_preload_libraries" in text
    assert "Add pg_stat_statements to shared_preload_libraries and restart the server" in text
    assert "DB cluster parameter group" in text
    assert 'CREATE EXTENSION pg_stat_statements; in database "blog"' in text


def test_without_a_database_name_it_says_this_database():
    assert "in this database" in user_text(StatementsUnavailable("not created", None))


def test_texts_are_filled_in_only_where_missing():
    bare = counters(1, 1, 1.0)
    bare = type(bare)(**{**bare.__dict__, "query": None})
    other = counters(2, 1, 1.0, query="SELECT kept")
    filled = sample(0, [bare, other]).with_texts({bare.key: "SELECT late", other.key: "SELECT other"})
    assert [r.query for r in filled.rows] == ["SELECT late", "SELECT kept"]


def test_counters_follow_counter_names():
    row = counters(1, 2, 3.5, rows=4, hit=5, read=6, temp_read=7, temp_written=8, blk_read_ms=9.0, blk_write_ms=10.0)
    assert dict(zip(COUNTER_NAMES, row.counters(), strict=True)) == {
        "calls": 2, "total_ms": 3.5, "rows": 4, "shared_blks_hit": 5, "shared_blks_read": 6, "temp_blks_read": 7,
        "temp_blks_written": 8, "blk_read_ms": 9.0, "blk_write_ms": 10.0}
    assert row.key == (row.userid, row.dbid, 1, True)
