"""SQL editor GUI fixtures: a task runner, a tab on a fresh real PostgreSQL database."""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def sql_runner(qapp):
    from aurora_console.ui.tasks import TaskRunner

    r = TaskRunner(max_threads=3)
    yield r
    r.shutdown(10000)
    r.deleteLater()


@pytest.fixture
def sql_gui_db(new_database):
    db = new_database()
    with db.connect(autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(12,4), doc jsonb);"
            "INSERT INTO items SELECT g, 'item ' || g, g * 1.5, jsonb_build_object('n', g)"
            " FROM generate_series(1, 20) g;"
            "CREATE TABLE big AS SELECT g AS id, md5(g::text) AS h, g * 2 AS twice FROM generate_series(1, 50000) g;"
        )
    return db


@pytest.fixture
def sql_page(qtbot, sql_runner, sql_gui_db):
    """``sql_page(read_only=False, text="")`` -> SqlPage on a new SqlTab (closed at teardown)."""
    from aurora_console.core.connections.store import ProfileStore
    from aurora_console.core.paths import app_paths
    from aurora_console.testing.pages_sql import SqlPage
    from aurora_console.ui.sql.sql_tab import SqlTab

    services = SimpleNamespace(runner=sql_runner, paths=app_paths(), profiles=ProfileStore.for_paths(app_paths()))
    tabs = []

    def make(read_only: bool = False, text: str = "", profile: str = "gui-test"):
        tab = SqlTab(services, profile, dict(sql_gui_db.conninfo), read_only=read_only, text=text)
        qtbot.addWidget(tab)
        tab.resize(1100, 700)
        tab.show()
        tabs.append(tab)
        return SqlPage.for_widget(qtbot, tab)

    yield make
    for tab in tabs:
        tab.shutdown()
    qtbot.waitUntil(lambda: not sql_runner.active(), timeout=20000)
