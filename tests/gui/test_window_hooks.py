"""Window-level hooks that let one screen act through another without importing it:
``window.open_sql(profile, text)`` (registered by the SQL editor) and
``window.add_time_window_action(text, callback)`` (offered on a selected range of the metrics charts)."""

from __future__ import annotations

import pytest

from aurora_console.core.aws.fleet.models import ClusterRef

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


@pytest.fixture
def window(qtbot, qapp):
    from aurora_console.app import build_services, shutdown_services
    from aurora_console.testing.console import console_options
    from aurora_console.ui.main_window import MainWindow

    services = build_services(console_options(sandbox=False), qapp)
    win = MainWindow(services)
    qtbot.addWidget(win)
    yield win
    win.close()
    shutdown_services(services)


def test_open_sql_opens_an_editor_holding_the_text_that_runs_on_the_profile(window, qtbot, new_database):
    from aurora_console.testing.pages_sql import SqlPage
    from aurora_console.ui.sql.feature import sql_tabs

    db = new_database()
    with db.connect(autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id int PRIMARY KEY, v text)")
    text = "EXPLAIN\nSELECT v FROM t WHERE id = 7"
    tab = window.open_sql(db.dsn, text)
    assert sql_tabs(window) == [tab] and window.tabs.currentWidget() is tab
    assert tab.editor.toPlainText() == text  # held, not run: the user reads it and runs it
    assert tab.outcomes == []
    page = SqlPage.for_widget(qtbot, tab)
    (result,) = page.run(text)
    assert result.error() is None, result.error()
    assert result.columns() == ["QUERY PLAN"]
    assert any("t_pkey" in row[0] for row in result.rows())  # planned on the real table
    tab.ask = lambda *a: None
    assert window.close_tab(window.tabs.indexOf(tab))


@pytest.mark.expected_errors  # the notification is logged as an error
def test_open_sql_without_an_sql_editor_says_so(window):
    window.set_sql_opener(None)
    before = len(window.services.notifier.history)
    assert window.open_sql("any", "EXPLAIN SELECT 1") is None
    (note,) = window.services.notifier.history[before:]
    assert note.level == "error" and "SQL editor" in note.title


def test_time_window_actions_are_listed_in_registration_order(window):
    calls = []
    window.add_time_window_action("First", lambda ref, start, end: calls.append(("first", ref, start, end)))
    window.add_time_window_action("Second", lambda ref, start, end: calls.append(("second", ref, start, end)))
    actions = window.time_window_actions()
    assert [text for text, _cb in actions][-2:] == ["First", "Second"]
    ref = ClusterRef(None, "us-east-1", "c1", "aurora-postgresql")
    actions[-1][1](ref, 100.0, 200.0)
    assert calls == [("second", ref, 100.0, 200.0)]
    actions.clear()  # a copy: the window's own list is untouched
    assert len(window.time_window_actions()) >= 2
