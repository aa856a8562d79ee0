"""The SQL editor tab against a real PostgreSQL (offscreen Qt)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from aurora_console.testing.stall import StallMonitor

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def test_run_all_gives_one_result_per_statement(sql_page):
    page = sql_page()
    res = page.run("select id, name from items order by id limit 3;\nselect null::text as n, '' as e;\n"
                   "insert into items (id, name) values (100, 'x')")
    assert [r.status() for r in res] == ["SELECT 3", "SELECT 1", "INSERT 0 1"]
    assert res[0].columns() == ["id", "name"] and res[0].rows()[0] == ("1", "item 1")
    assert res[1].rows() == [(None, "")]  # NULL distinct from the empty string
    assert len(page.tab.result_views()) == 2
    assert "INSERT 0 1" in page.messages()
    model = res[1].view.model
    from PySide6.QtCore import Qt

    idx = model.index(0, 0)
    assert model.data(idx) == "NULL" and model.data(idx, Qt.ItemDataRole.FontRole).italic()


def test_results_stream_and_fetch_more_on_scroll(sql_page, qtbot):
    page = sql_page()
    (res,) = page.run("select * from big order by id")
    model = res.view.model
    assert model.rowCount() == 1000 and model.canFetchMore()
    assert "so far" in res.view.status.text()
    with StallMonitor() as stall:
        res.view.table.scrollToBottom()  # the view asks for more
        qtbot.waitUntil(lambda: model.rowCount() > 1000, timeout=20000)
        assert res.fetch_all() == 50000
    assert model.complete and res.values()[-1][0] == 50000
    assert "50,000 rows" in res.view.status.text()
    assert stall.beats > 0  # recorded (the benchmark reports the figure)


def test_error_moves_cursor_to_position_and_keeps_text(sql_page):
    page = sql_page()
    text = "select 1;\nselect id,\n  nme from items;\nselect 3;"
    res = page.run(text)
    assert [r.status() for r in res] == ["SELECT 1", "ERROR 42703"]  # the run stopped at the error
    assert "column \"nme\" does not exist" in res[1].error()
    assert page.cursor_position() == text.index("nme")
    assert page.editor_text() == text
    assert "ERROR" in page.messages()
    assert "(statement at line 2)" in page.messages()  # which statement failed
    assert "the 1 statement(s) after it were not run" in page.messages()


def test_run_statement_under_cursor_and_selection(sql_page):
    page = sql_page(text="select 1 as a;\nselect 2 as b;\nselect 3 as c;")
    res = page.run_statement_at(page.editor_text().index("2 as b"))
    assert len(res) == 1 and res[0].columns() == ["b"]
    cur = page.tab.editor.textCursor()
    start = page.editor_text().index("select 3")
    cur.setPosition(start)
    cur.setPosition(start + len("select 3"), cur.MoveMode.KeepAnchor)
    page.tab.editor.setTextCursor(cur)
    page.tab.run_current()
    res = page.wait()
    assert res[0].rows() == [("3",)]


def _wait_sleeping_on_the_server(qtbot, page, db, timeout: int = 20000) -> None:
    """Until the server runs the tab's pg_sleep: a cancel sent before the statement reached the server
    finds nothing to cancel there, and the statement then runs its full time (a fixed wait after the
    task started was too short on a loaded machine)."""

    def sleeping() -> bool:
        pid = getattr(page.tab.session, "backend_pid", None)
        if not pid:
            return False
        with db.connect(autocommit=True) as admin:
            row = admin.execute("select state, wait_event from pg_stat_activity where pid = %s", (pid,)).fetchone()
        return row == ("active", "PgSleep")

    qtbot.waitUntil(sleeping, timeout=timeout)


def test_cancel_a_running_statement(sql_page, sql_gui_db, qtbot):
    page = sql_page()
    page.start("select pg_sleep(60); select 2")
    qtbot.waitUntil(lambda: page.tab.handle is not None and page.tab.handle.state == "running"
                    and page.tab.handle.name.startswith("SQL ("), timeout=10000)
    _wait_sleeping_on_the_server(qtbot, page, sql_gui_db)
    with StallMonitor() as stall:
        page.cancel()
        res = page.wait(20000)
    assert res[0].error_kind == "cancelled" and len(res) == 1
    assert stall.beats > 0
    assert page.run("select 5")[0].rows() == [("5",)]


def test_manual_transaction_commit_rollback_indicator(sql_page, sql_gui_db):
    page = sql_page()
    page.set_autocommit(False)
    page.run("insert into items (id, name) values (300, 'tx')")
    assert page.tx_state() == "in transaction" and "[in transaction]" in page.title()
    assert page.tab.commit_action.isEnabled() and page.tab.rollback_action.isEnabled()
    assert page.rollback() == "idle"
    page.run("insert into items (id, name) values (301, 'tx'); select 1/0")
    assert page.tx_state() == "failed transaction"
    page.rollback()
    page.run("insert into items (id, name) values (302, 'tx')")
    page.commit()
    with sql_gui_db.connect() as conn:
        assert conn.execute("select array_agg(id) from items where id >= 300").fetchone() == ([302],)
    # closing with an open transaction asks first
    page.run("insert into items (id, name) values (303, 'tx')")
    asked = []
    page.tab.ask = lambda title, text, buttons: asked.append(title) or buttons.No
    assert page.tab.can_close() is False and asked == ["Open transaction"]


def test_read_only_profile_refuses_writes(sql_page):
    page = sql_page(read_only=True)
    res = page.run("insert into items (id) values (400)")
    assert res[0].error_kind == "read_only"
    assert page.run("select count(*) from items")[0].rows() == [("20",)]


def test_explain_analyze_tree(sql_page):
    page = sql_page(text="select h, count(*) from big group by h order by 2 desc limit 5")
    res = page.run_statement_at(0, mode="analyze")
    plan = res[0].plan()
    assert plan is not None and plan.analyzed
    view = page.tab.plan_views()[0]
    assert view.tree.topLevelItemCount() == 1 and view.slow_titles()
    assert "EXPLAIN ANALYZE" in view.summary.text()
    assert "slowest: " in view.summary.text()


def test_plain_explain_calls_marked_nodes_costliest_not_slowest(sql_page):
    """Nothing was timed without ANALYZE: the summary must not claim a node is slow."""
    page = sql_page(text="select h, count(*) from big group by h order by 2 desc limit 5")
    res = page.run_statement_at(0, mode="explain")
    assert not res[0].plan().analyzed
    view = page.tab.plan_views()[0]
    assert view.slow_titles()
    assert "costliest (estimated): " in view.summary.text() and "slowest" not in view.summary.text()


def test_export_csv_and_json(sql_page, tmp_path):
    page = sql_page()
    (res,) = page.run("select id, h from big order by id")
    assert res.values()[:1] == [(1, "c4ca4238a0b923820dcc509a6f75849b")]
    assert page.export(tmp_path / "a.csv", "csv") == 50000  # the shown rows plus the rest of the cursor
    lines = (tmp_path / "a.csv").read_text().splitlines()
    assert lines[0] == "id,h" and lines[1] == "1,c4ca4238a0b923820dcc509a6f75849b" and len(lines) == 50001
    page.run("select id, doc from items order by id")
    assert page.export(tmp_path / "a.json", "json") == 20
    assert json.loads((tmp_path / "a.json").read_text())[0] == {"id": 1, "doc": {"n": 1}}


def test_connection_lost_then_reconnect(sql_page, sql_gui_db, qtbot):
    page = sql_page()
    page.run("select 1")
    pid = page.tab.session.backend_pid
    page.start("select pg_sleep(60)")
    qtbot.wait(300)
    with sql_gui_db.connect(autocommit=True) as admin:
        admin.execute("select pg_terminate_backend(%s)", (pid,))
    res = page.wait(20000)
    assert res[0].error_kind == "connection" and "Reconnect" in page.messages()
    assert page.editor_text() == "select pg_sleep(60)"
    page.reconnect()
    assert page.run("select 7")[0].rows() == [("7",)]


def test_history_is_recorded(sql_page, qtbot):
    page = sql_page()
    page.run("select 11; select 1/0")
    panel = page.tab.history_panel
    page.tab.history_action.setChecked(True)
    qtbot.waitUntil(lambda: panel.loads >= 1 and panel.list.count() >= 2, timeout=10000)
    texts = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert texts[0].startswith("✗ select 1/0") and texts[1].startswith("✓ select 11")


def test_copy_as_tsv_and_cell_viewer(sql_page, qtbot):
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtGui import QGuiApplication

    page = sql_page()
    (res,) = page.run("select id, doc, null::text as n from items where id <= 2 order by id")
    view = res.view
    sel = view.table.selectionModel()
    for r in range(2):
        for c in range(3):
            sel.select(view.model.index(r, c), QItemSelectionModel.SelectionFlag.Select)
    view.copy_selection(with_header=True)
    assert QGuiApplication.clipboard().text() == 'id\tdoc\tn\n1\t{"n": 1}\t\n2\t{"n": 2}\t'
    dlg = view.open_cell(view.model.index(1, 1))
    qtbot.addWidget(dlg)
    assert dlg.text.toPlainText() == '{\n  "n": 2\n}'
    dlg.close()


def test_idle_cursor_is_released_and_export_reruns(sql_page, qtbot, tmp_path, sql_gui_db):
    page = sql_page()
    (res,) = page.run("select id from big order by id")
    model = res.view.model
    assert model.stream_open
    qtbot.waitUntil(lambda: not page.tab.runner.active(), timeout=10000)  # completion words loaded too
    with sql_gui_db.connect(autocommit=True) as admin:  # the open cursor holds a transaction
        row = admin.execute("select state from pg_stat_activity where pid = %s", (page.tab.session.backend_pid,)).fetchone()
        assert row == ("idle in transaction",)
        page.tab.release_idle_cursors()
        qtbot.waitUntil(lambda: not model.stream_open and not page.tab.runner.active(), timeout=10000)
        row = admin.execute("select state from pg_stat_activity where pid = %s", (page.tab.session.backend_pid,)).fetchone()
        assert row == ("idle",)
    assert "more not fetched" in res.view.status.text()
    assert res.export(tmp_path / "all.csv") == 50000  # the query runs again, straight into the file


def test_open_save_and_unsaved_guard(sql_page, qtbot, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    path = tmp_path / "report.sql"
    path.write_text("select 1;\n")
    page = sql_page()
    tab = page.tab
    tab.open_file(str(path))
    qtbot.waitUntil(lambda: tab.editor.toPlainText() == "select 1;\n", timeout=10000)
    assert "report.sql" in tab.title() and "*" not in tab.title()
    tab.editor.insertPlainText("-- edited\n")
    assert "report.sql*" in tab.title()
    answers = [QMessageBox.StandardButton.Cancel]
    tab.ask = lambda title, text, buttons: answers.pop(0)
    assert tab.can_close() is False and path.read_text() == "select 1;\n"
    saved = []
    tab.save_file(on_done=saved.append)
    qtbot.waitUntil(lambda: bool(saved), timeout=10000)
    assert path.read_text() == tab.editor.toPlainText() and "*" not in tab.title()


def test_keyboard_shortcuts_run_and_cancel(sql_page, sql_gui_db, qtbot):
    page = sql_page(text="select 1 as a;\nselect 2 as b;")
    ed = page.tab.editor
    page.tab.activateWindow()
    qtbot.waitUntil(page.tab.isActiveWindow, timeout=5000)
    ed.setFocus()
    cur = ed.textCursor()
    cur.setPosition(page.editor_text().index("2 as b"))
    ed.setTextCursor(cur)
    qtbot.keyClick(ed, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    res = page.wait()
    assert [r.columns() for r in res] == [["b"]]
    assert page.editor_text() == "select 1 as a;\nselect 2 as b;"  # no newline typed
    qtbot.keyClick(ed, Qt.Key.Key_F5)
    assert [r.columns() for r in page.wait()] == [["a"], ["b"]]
    page.set_text("select pg_sleep(60)")
    qtbot.keyClick(ed, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: page.tab.busy and page.tab.handle.name.startswith("SQL ("), timeout=10000)
    _wait_sleeping_on_the_server(qtbot, page, sql_gui_db)
    qtbot.keyClick(ed, Qt.Key.Key_Escape)
    assert page.wait(20000)[0].error_kind == "cancelled"


def test_history_search(sql_page, qtbot):
    page = sql_page()
    page.run("select 'apples' as fruit")
    page.run("select 'pears' as fruit")
    panel = page.tab.history_panel
    page.tab.history_action.setChecked(True)
    qtbot.waitUntil(lambda: panel.list.count() >= 2, timeout=10000)
    loads = panel.loads
    qtbot.keyClicks(panel.search, "pear")
    qtbot.waitUntil(lambda: panel.loads > loads and panel.list.count() == 1, timeout=10000)
    assert "pears" in panel.list.item(0).text()


def test_row_limit_bounds_memory_until_fetch_all(sql_page, qtbot):
    page = sql_page()
    (res,) = page.run("select id from big order by id")
    model = res.view.model
    model.max_rows = 3000
    while model.canFetchMore():
        res.fetch_more()
    assert model.rowCount() == 3000 and model.stream_open  # stopped at the limit, cursor still open
    assert "limit reached" in model.status_text()
    assert res.fetch_all() == 50000 and model.complete


def test_stop_interrupts_fetch_all(sql_page, qtbot):
    page = sql_page()
    (res,) = page.run("select g from generate_series(1, 3000000) g")
    model = res.view.model
    model.fetch_all()
    qtbot.waitUntil(lambda: model.rowCount() > 1000, timeout=30000)
    page.cancel()
    qtbot.waitUntil(lambda: not model.fetching, timeout=30000)
    assert model.rowCount() < 3000000
    assert page.run("select 1")[0].rows() == [("1",)]  # the session is usable again


def test_dark_palette_gives_the_editor_dark_theme_colours(qapp, sql_page):
    """With --theme dark the keywords must not be the light theme's dark blue on a dark background."""
    from pygments.token import Keyword
    from PySide6.QtGui import QPalette

    from aurora_console.ui.theme import _dark_palette

    before = QPalette(qapp.palette())
    qapp.setPalette(_dark_palette())
    try:
        page = sql_page(text="SELECT 1;")
        keyword = page.tab.editor.highlighter._formats[Keyword].foreground().color()
        base = page.tab.editor.palette().color(QPalette.ColorRole.Base)
        assert keyword.lightness() - base.lightness() > 80
    finally:
        qapp.setPalette(before)
