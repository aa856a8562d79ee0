"""The Top SQL table on real pg_stat_statements deltas (the rig's PostgreSQL, the snapshot store):
sorted by a header click, filtered by typing, a statement opened in the SQL editor with EXPLAIN
through the window (``window.open_sql``) and planned there; the missing extension says what to do."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QPoint, Qt

from aurora_console.core.errors import user_text
from aurora_console.core.performance.snapshots import SnapshotStore
from aurora_console.core.performance.statements import StatementsUnavailable, read_statements
from aurora_console.core.performance.top_sql import TopStatement, take_snapshot, top_sql
from aurora_console.ui.performance.top_sql_table import NOT_EXPLAINABLE, TEXT_UNKNOWN
from aurora_console.ui.performance.top_sql_view import EXPLAIN_TEXT, TopSqlView

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]

JOIN = "SELECT count(*) FROM items a JOIN items b ON b.name = a.name"  # no constant: no $n


@pytest.fixture
def main_window(qtbot, qapp):
    from aurora_console.app import build_services, shutdown_services
    from aurora_console.testing.console import console_options
    from aurora_console.ui.main_window import MainWindow

    services = build_services(console_options(sandbox=False), qapp)
    win = MainWindow(services)
    qtbot.addWidget(win)
    yield win
    for i in reversed(range(win.tabs.count())):
        tab = win.tabs.widget(i)
        tab.ask = lambda *a: None
        win.close_tab(i)
    win.close()
    shutdown_services(services)


@pytest.fixture
def window_rows(new_database, tmp_path):
    """(database, TopStatement rows of a real window on it)."""
    db = new_database()
    with db.connect(autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        conn.execute("CREATE TABLE items (id int PRIMARY KEY, name text)")
        conn.execute("INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 5000) g")
        store = SnapshotStore(tmp_path / "top_sql.sqlite3")
        t0 = time.time()
        take_snapshot(conn, store, "rig", now=t0)
        for n in range(40):
            conn.execute("SELECT name FROM items WHERE id = %s", (n,))
        for _ in range(3):
            conn.execute(JOIN)
        conn.execute("VACUUM items")
        take_snapshot(conn, store, "rig", now=t0 + 60)
    rows = [r for r in top_sql(store, "rig", t0, t0 + 60) if r.database == db.name]
    store.close()
    return db, rows


def _by_text(rows, fragment: str) -> TopStatement:
    return next(r for r in rows if r.query and fragment in r.query)


def _click_header(qtbot, view: TopSqlView, title: str) -> None:
    from aurora_console.ui.performance.top_sql_table import COLUMNS

    header = view.table.horizontalHeader()
    col = [c.title for c in COLUMNS].index(title)
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def _row_of(view: TopSqlView, queryid: int) -> int:
    return next(n for n, st in enumerate(view.state.visible) if st.queryid == queryid)


def _click_row(qtbot, view: TopSqlView, row: int) -> None:
    rect = view.table.visualRect(view.model.index(row, 1))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_real_window_sorts_filters_and_opens_a_statement_with_explain(qtbot, main_window, window_rows):
    db, rows = window_rows
    by_id, join = _by_text(rows, "WHERE id = $1"), _by_text(rows, "JOIN items b")
    assert by_id.calls == 40 and join.calls == 3
    view = TopSqlView()
    qtbot.addWidget(view)
    view.resize(1000, 500)
    view.show()
    opened = []
    view.explain_requested.connect(lambda text: opened.append(main_window.open_sql(db.dsn, text)))
    view.set_statements(rows, note="A minute of the rig's server")
    assert view.model.rowCount() == len(rows) and view.count_label.text() == f"{len(rows)} statements"
    assert view.message_label.isVisible() and "rig" in view.message_label.text()
    assert view.state.visible[0].total_ms == max(r.total_ms for r in rows)  # total time, largest first

    _click_header(qtbot, view, "Calls")
    assert view.state.sort_key == "calls" and view.state.visible[0] is by_id
    assert view.model.index(0, 1).data() == "40"
    _click_header(qtbot, view, "Calls")  # again: fewest first
    assert view.state.visible[-1] is by_id

    qtbot.keyClicks(view.filter_edit, "items join")
    assert view.state.visible == [join] and view.count_label.text() == f"1 of {len(rows)} statements"
    assert not view.explain_button.isEnabled()  # nothing selected yet
    _click_row(qtbot, view, 0)
    assert view.detail.toPlainText() == join.query
    assert view.explain_button.isEnabled()
    qtbot.mouseClick(view.explain_button, Qt.MouseButton.LeftButton)

    (tab,) = opened
    assert tab.editor.toPlainText() == f"EXPLAIN\n{join.query}"
    from aurora_console.testing.pages_sql import SqlPage

    (result,) = SqlPage.for_widget(qtbot, tab).run(tab.editor.toPlainText())
    assert result.error() is None, result.error()
    assert result.columns() == ["QUERY PLAN"] and any("Join" in r[0] for r in result.rows())

    # a statement with the $n constants: the editor gets it with what to do on PostgreSQL 15
    view.filter_edit.clear()
    _click_row(qtbot, view, _row_of(view, by_id.queryid))
    assert view.explain_selected().endswith(f"EXPLAIN\n{by_id.query}")
    assert "put values" in opened[-1].editor.toPlainText()

    # VACUUM cannot be explained: the button says why
    vacuum = _by_text(rows, "VACUUM")
    _click_row(qtbot, view, _row_of(view, vacuum.queryid))
    assert not view.explain_button.isEnabled() and view.explain_button.toolTip() == NOT_EXPLAINABLE
    assert view.explain_selected() is None


def test_selection_and_detail_follow_the_statement_across_refreshes(qtbot, window_rows):
    _db, rows = window_rows
    view = TopSqlView()
    qtbot.addWidget(view)
    view.show()
    view.set_statements(rows)
    join = _by_text(rows, "JOIN items b")
    assert view.select_statement(join.queryid)
    assert view.detail.toPlainText() == join.query
    reordered = list(reversed(rows))
    view.set_statements(reordered)
    current = view.table.currentIndex()
    assert view.state.visible[current.row()] is join and view.detail.toPlainText() == join.query
    menu = view.row_menu()
    explain = next(a for a in menu.actions() if a.text() == EXPLAIN_TEXT)
    assert explain.isEnabled()
    with qtbot.waitSignal(view.explain_requested) as sig:
        explain.trigger()
    assert sig.args == [f"EXPLAIN\n{join.query}"]
    # its text unknown (hidden from this role): no EXPLAIN, the menu and button say why
    hidden = TopStatement(join.queryid, None, join.calls, join.total_ms, join.mean_ms, join.rows, 0, 0, 0, 1.0,
                          userid=join.userid, dbid=join.dbid)
    view.set_statements([hidden])
    assert view.explain_button.toolTip() == TEXT_UNKNOWN and not view.explain_button.isEnabled()
    assert view.model.index(0, 0).data() == "<text not known>"


def test_missing_extension_says_what_to_do(qtbot, new_database):
    db = new_database()  # pg_stat_statements is preloaded on the rig, not created in this database
    with db.connect(autocommit=True) as conn, pytest.raises(StatementsUnavailable) as err:
        read_statements(conn)
    view = TopSqlView()
    qtbot.addWidget(view)
    view.show()
    view.set_message(user_text(err.value))
    assert view.model.rowCount() == 0 and view.message_label.isVisible()
    assert "CREATE EXTENSION pg_stat_statements" in view.message_label.text()
    assert not view.explain_button.isEnabled()
