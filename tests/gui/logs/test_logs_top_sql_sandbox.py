"""From a slow statement in the database log to its row in Top SQL, on the embedded sandbox, through
the real window (issue 17): the Logs screen's "Find in Top SQL" goes through the opener the
Performance screen registers (``window.open_top_sql``), and the Performance screen selects the
row of ``pg_stat_statements`` whose normalised text is the logged statement's (the log has the
constant, Top SQL has ``$1``). tests/gui/logs/test_logs_links.py checks each side on its own."""

from __future__ import annotations

import uuid

import psycopg
import pytest

pytestmark = [pytest.mark.gui, pytest.mark.integration, pytest.mark.timeout(240),
              pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def test_find_in_top_sql_selects_the_logged_statements_row(console, aurora_sandbox, qtbot):
    marker = f"logs_top_sql_{uuid.uuid4().hex[:10]}"
    perf = console.performance("blog")
    perf.snapshot()  # before the statement runs: Top SQL shows what ran between two snapshots
    logs = console.logs("blog")
    logs.read()
    logs.follow()
    with psycopg.connect(**aurora_sandbox.database_conninfo(), autocommit=True) as conn:
        # a statement of its own in pg_stat_statements: its query id covers the relations read (a
        # new temporary table each run), not column aliases, so "SELECT pg_sleep(0.3) AS <marker>"
        # shared one row, and that row's text, with any earlier test's pg_sleep under another alias
        conn.execute(f"CREATE TEMPORARY TABLE {marker} AS SELECT 1 AS one")
        conn.execute(f"SELECT pg_sleep(0.3) FROM {marker}")  # over the sandbox's log_min_duration_statement
    slow = logs.wait_for(rf"duration: .*FROM {marker}\b")
    logs.stop()
    assert slow["duration_ms"] >= 300 and "pg_sleep(0.3)" in slow["statement"]

    screen = logs.screen
    qtbot.waitUntil(lambda: any(e.message == slow["message"] for e in screen.model.entries), timeout=10000)
    row = next(n for n, e in enumerate(screen.model.entries) if e.message == slow["message"])
    screen.table.selectRow(row)
    assert screen.toolbar.top_sql_button.isEnabled()
    screen.toolbar.top_sql_button.click()  # the window's opener: the Performance screen already open
    view = perf.screen.top_sql_view
    assert console.window.tabs.currentWidget() is perf.screen
    assert view.state.selected is None  # asked for, not read yet: nothing else selected meanwhile

    # read and shown: the view selects the statement once a read has it. A snapshot asked for
    # while a background one is under way may be that one, taken before the statement ended (a
    # fresh-clone run met it): the watcher waits for a later read, as it does for a DBA
    for _ in range(5):
        perf.snapshot()
        perf.top_sql(600)
        if view.state.selected is not None:
            break
    qtbot.waitUntil(lambda: view.state.selected is not None, timeout=10000)
    selected = view.state.selected.query
    assert marker in selected and "pg_sleep($1)" in selected  # the normalised row, not the logged text
