"""Explain a window on MySQL: the runs of the bundled MySQL blog schema's history table (the console's
MySQL migrations, Flyway's columns) found and kept to the window."""

from __future__ import annotations

import time

from aurora_console.core.db.migrations import apply_bundled_blog_schema
from aurora_console.core.performance.engines import read_migrations
from aurora_console.core.performance.mysql_migration_runs import find_history_tables


def test_runs_of_the_window_from_the_history_table(threads):
    before = time.time() - 1
    apply_bundled_blog_schema(threads.db.connect, engine="mysql")
    after = time.time() + 1
    observer = threads.observer()
    tables = [t for t in find_history_tables(observer) if t[0] == threads.db.name]
    assert len(tables) == 1 and tables[0][1:] == ("aurora_console_schema_history", "console")
    runs = [r for r in read_migrations(observer, before, after) if r.table.startswith(threads.db.name + ".")]
    assert runs and all(r.success for r in runs)
    assert all(before <= r.installed_on.timestamp() <= after for r in runs)
    assert any(r.version == "1" for r in runs)
    earlier = [r for r in read_migrations(observer, before - 7200, before - 3600)
               if r.table.startswith(threads.db.name + ".")]
    assert earlier == []
