"""A file with very long lines (a minified dump) in the SQL editor: shown folded into rows and
read-only, while everything that uses the text (run, the statement under the cursor, a
selection, copy, find, save) gets the exact text. No timing is asserted here
(``benchmarks/sql_fetch.py --editor-only --long-line-mb 5`` measures the stalls)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pygments.token import String
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QApplication

from aurora_console.core.db.sql_split import split_sql
from aurora_console.ui.sql.editor import SqlEditor
from aurora_console.ui.sql.folded_text import LONG_LINE_CHARS, ROW_CHARS

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]

N_VALUES = 4000
# values holding the characters rows are cut after, a no-break space and a CR (Qt changes both
# in toPlainText) and non-ASCII letters
VALUES = ",".join(f"({i},'name {i}, x; y\xa0é\r')" for i in range(N_VALUES))
INSERT = f"insert into long_t values {VALUES};"
TEXT = f"create table long_t (id int, name text);\n{INSERT}\nselect count(*) from long_t;\n"


def _editor(qtbot, text: str = TEXT, engine: str = "postgres") -> SqlEditor:
    ed = SqlEditor(engine=engine)
    qtbot.addWidget(ed, before_close_func=lambda w: w.deleteLater())
    ed.resize(700, 400)
    ed.show()
    with qtbot.waitSignal(ed.loaded, timeout=60000):
        ed.load_text(text)
    return ed


def _select(ed: SqlEditor, start: int, end: int) -> None:
    """Select text positions ``start``..``end`` (mapped to the document's)."""
    c = QTextCursor(ed.document())
    c.setPosition(ed.folded.display_pos(start))
    c.setPosition(ed.folded.display_pos(end, at_row_end=True), QTextCursor.MoveMode.KeepAnchor)
    ed.setTextCursor(c)


def test_a_file_with_a_very_long_line_opens_folded_with_its_exact_text(qtbot):
    assert len(INSERT) > LONG_LINE_CHARS
    ed = _editor(qtbot)
    assert ed.folded is not None and ed.isReadOnly() and not ed.loading
    assert ed.slices_loaded > 1  # loaded in slices, as any big text (the display made slice by slice)
    doc = ed.document()
    assert doc.blockCount() > 100  # the long line is many rows
    block = doc.firstBlock()
    while block.isValid():
        assert block.length() - 1 <= ROW_CHARS
        block = block.next()
    assert ed.full_text() == TEXT and ed.sql_text() == TEXT  # the CR and the no-break spaces too
    assert not doc.isModified()
    assert "too long to edit here" in ed.fold_notice() and f"{len(INSERT):,} characters" in ed.fold_notice()


def test_a_line_under_the_limit_is_shown_as_it_is_and_editable(qtbot):
    line = "select " + "1, " * (LONG_LINE_CHARS // 3 - 10) + "2;"
    text = (line + "\n") * 3
    ed = _editor(qtbot, text)
    assert ed.folded is None and not ed.isReadOnly()
    assert ed.document().blockCount() == 4 and ed.toPlainText() == text


def test_the_statement_under_the_cursor_in_a_folded_line_is_the_whole_exact_statement(qtbot):
    ed = _editor(qtbot)
    start = TEXT.index("insert")
    middle = start + len(INSERT) // 2  # far inside the line, on a later row
    c = QTextCursor(ed.document())
    c.setPosition(ed.folded.display_pos(middle))
    ed.setTextCursor(c)
    assert ed.textCursor().blockNumber() > 10
    # none until the statements of the whole text are known (the tab splits it on a worker)
    assert not ed.statements_ready and ed.statement_under_cursor() is None
    assert not ed.set_folded_statements(TEXT[:-1], split_sql(TEXT[:-1]))  # another text: ignored
    assert ed.set_folded_statements(ed.full_text(), split_sql(ed.full_text()))
    assert ed.statements_ready
    st = ed.statement_under_cursor()
    assert st is not None and st.text == INSERT[:-1] and st.line == 2
    assert (st.start, st.end) == (start, start + len(INSERT) - 1)
    qtbot.waitUntil(lambda: ed.current_statement_span() == (st.start, st.end), timeout=5000)  # highlighted
    # after it: the next statement, on line 3
    c.setPosition(ed.folded.display_pos(TEXT.index("count")))
    ed.setTextCursor(c)
    st = ed.statement_under_cursor()
    assert st.text == "select count(*) from long_t" and st.line == 3 and ed.line_at(st.start) == 3
    # a new text forgets them
    ed.load_text(TEXT + " ")
    assert not ed.statements_ready


def test_a_selection_across_rows_gives_the_exact_text_to_run_and_to_copy(qtbot):
    ed = _editor(qtbot)
    start = TEXT.index("(5,")
    end = TEXT.index("(900,")
    _select(ed, start, end)
    assert "\u2029" in ed.textCursor().selectedText()  # it crosses row breaks on screen
    assert ed.selected_sql() == (TEXT[start:end], start)
    ed.copy()
    assert QApplication.clipboard().text() == TEXT[start:end]


def test_find_searches_the_exact_text_across_row_breaks(qtbot):
    ed = _editor(qtbot)
    f = ed.folded
    fold = f.folds[3]
    needle = TEXT[fold - 6 : fold + 6]  # crosses a row break on screen
    assert ed.find_text(needle.upper(), case=False)
    assert ed.selected_sql() == (needle, fold - 6)
    assert not ed.find_text(needle.upper(), case=True)  # case-sensitive: no match
    # forward from there, then wrapped round to the first one
    assert ed.find_text("name 3999,") and ed.selected_sql()[1] == TEXT.index("name 3999,")
    assert ed.find_text("NAME 1,") and ed.selected_sql()[1] == TEXT.index("name 1,")
    assert ed.find_text("select count", backward=True) and ed.selected_sql()[1] == TEXT.rindex("select count")
    assert not ed.find_text("not in the text")


def test_find_without_case_in_a_non_ascii_text(qtbot):
    ed = _editor(qtbot, TEXT.replace("name", "nämé"))
    text = ed.full_text()
    assert ed.find_text("NÄMÉ 2000,") and ed.selected_sql()[1] == text.index("nämé 2000,")
    assert ed.find_text("NÄMÉ 1999,", backward=True) and ed.selected_sql()[1] == text.index("nämé 1999,")


def test_a_folded_text_cannot_be_edited(qtbot):
    ed = _editor(qtbot)
    shown, revision = ed.document().toPlainText(), ed.document().revision()
    ed.selectAll()
    ed.toggle_comment()
    ed.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier))
    ed.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_X, Qt.KeyboardModifier.NoModifier, "x"))
    assert ed.replace_all("name", "NAME") == 0
    assert ed.find_text("name 7,") and not ed.replace_current("name 7,", "other")
    assert ed.full_text() == TEXT and not ed.document().isModified()
    assert ed.document().toPlainText() == shown and ed.document().revision() == revision


def test_line_numbers_and_error_positions_are_the_texts(qtbot):
    ed = _editor(qtbot)
    at = TEXT.index("count(*)")
    assert ed.line_at(at) == 3 and ed.line_at(TEXT.index("(2000,")) == 2
    ed.show_error_at(at)
    assert ed.folded.text_pos(ed.textCursor().position()) == at
    last = ed.document().findBlock(ed.folded.display_pos(at)).blockNumber()
    assert ed.folded.line_of_block(last) == (2, False) and ed.folded.line_of_block(1) == (1, False)
    assert ed.folded.line_of_block(2) == (1, True)


def test_unfold_shows_the_long_line_as_it_is_and_editable(qtbot):
    # (no CR, no no-break space: an unfolded editor's text is Qt's, which changes those)
    text = TEXT.replace("\r", "").replace("\xa0", " ")
    ed = _editor(qtbot, text)
    with qtbot.waitSignal(ed.loaded, timeout=60000):
        ed.unfold()
    assert ed.folded is None and not ed.isReadOnly()
    assert ed.document().blockCount() == 4 and ed.toPlainText() == text
    assert ed.full_text() == text
    with qtbot.waitSignal(ed.loaded, timeout=60000):
        ed.load_text("select 1;")
    assert ed.folded is None and not ed.isReadOnly() and ed.toPlainText() == "select 1;"


def test_a_short_text_after_a_folded_one_is_editable_again(qtbot):
    ed = _editor(qtbot)
    ed.load_text("select 2;")
    assert ed.folded is None and not ed.isReadOnly()
    assert ed.replace_all("2", "3") == 1 and ed.toPlainText() == "select 3;"


def test_mysql_delimiters_come_from_the_exact_text(qtbot):
    text = "DELIMITER //\n" + INSERT.replace(";", "//") + "\nDELIMITER ;\nselect 1;\n"
    ed = _editor(qtbot, text, engine="mysql")
    assert ed.folded is not None
    assert ed.delimiter_at(text.index("(100,")) == "//"
    assert ed.delimiter_at(text.index("select 1")) == ";"


def _tab(qtbot, sql_runner):
    from aurora_console.core.connections.store import ProfileStore
    from aurora_console.core.paths import app_paths
    from aurora_console.ui.sql.sql_tab import SqlTab

    services = SimpleNamespace(runner=sql_runner, paths=app_paths(), profiles=ProfileStore.for_paths(app_paths()))
    tab = SqlTab(services, "nowhere", "host=127.0.0.1 port=1 dbname=x connect_timeout=1")
    qtbot.addWidget(tab)
    tab.resize(1000, 600)
    tab.show()
    return tab


def test_a_tab_opens_and_saves_a_folded_file_byte_for_byte(qtbot, sql_runner, tmp_path):
    source = tmp_path / "dump.sql"
    data = TEXT.replace("\r", "").encode()  # (core reads a file with universal newlines)
    source.write_bytes(data)
    tab = _tab(qtbot, sql_runner)
    with qtbot.waitSignal(tab.editor.loaded, timeout=60000):
        tab.open_file(str(source))
    assert tab.editor.folded is not None
    assert tab.fold_notice.isVisible() and "read-only" in tab.fold_label.text()
    tab._insert_from_history("select 42;")  # refused, with a message
    assert "folded and read-only" in tab.messages.toPlainText()
    from aurora_console.ui.sql.toolbar import _selection_or_all

    assert _selection_or_all(tab) == data.decode()  # what File > Save as snippet keeps
    target = tmp_path / "saved.sql"
    tab.save_file(str(target))
    qtbot.waitUntil(lambda: target.exists(), timeout=10000)
    assert target.read_bytes() == data
    with qtbot.waitSignal(tab.editor.loaded, timeout=60000):
        tab.unfold_button.click()
    assert not tab.fold_notice.isVisible() and not tab.editor.isReadOnly()
    tab.shutdown(discard_autosave=True)


def test_run_all_and_run_statement_send_the_exact_text(sql_page, sql_gui_db):
    page = sql_page()
    page.set_text(TEXT)
    editor = page.tab.editor
    assert editor.folded is not None and page.editor_text() == TEXT
    page.tab.run_all()
    res = page.wait()
    assert [r.status() for r in res] == ["CREATE TABLE", f"INSERT 0 {N_VALUES}", "SELECT 1"]
    with sql_gui_db.connect(autocommit=True) as conn:
        names = [r[0] for r in conn.execute("select name from long_t order by id").fetchall()]
    assert names == [f"name {i}, x; y\xa0é\r" for i in range(N_VALUES)]  # every value, exactly
    # the statement under the cursor, far inside the folded line: the whole INSERT again, once
    # the tab has read the file's statements on a worker (the first time one is run)
    assert not editor.statements_ready
    cur = editor.textCursor()
    cur.setPosition(editor.folded.display_pos(TEXT.index("(10,")))
    editor.setTextCursor(cur)
    page.tab.run_current()
    page.tab.run_current()  # pressed again meanwhile: one read, one run
    assert "Reading the statements" in page.messages()
    page.qtbot.waitUntil(lambda: editor.statements_ready, timeout=30000)
    res = page.wait()
    assert [r.status() for r in res] == [f"INSERT 0 {N_VALUES}"]
    with sql_gui_db.connect(autocommit=True) as conn:
        assert conn.execute("select count(*) from long_t").fetchone()[0] == 2 * N_VALUES


def test_completion_never_edits_a_folded_or_loading_text(qtbot):
    # QTextCursor.insertText ignores read-only: completing into a folded line once changed the
    # screen but not the exact text that Run and Save use
    from aurora_console.ui.sql.completer import SqlCompleter

    text = TEXT + "sel"
    ed = _editor(qtbot, text)
    completer = SqlCompleter(ed)
    completer.set_words(["SELECT"])
    cur = ed.textCursor()
    cur.movePosition(QTextCursor.MoveOperation.End)
    ed.setTextCursor(cur)
    shown, revision = ed.toPlainText(), ed.document().revision()
    completer.show_for_cursor()
    assert not completer.popup().isVisible()
    completer.insert("SELECT")  # what Enter in the popup does
    assert ed.toPlainText() == shown and ed.document().revision() == revision
    assert ed.sql_text() == text and not ed.document().isModified()
    # still loading (read-only until loaded): no completion either
    ed.load_text(text)
    assert ed.loading and ed.isReadOnly()
    completer.insert("SELECT")
    with qtbot.waitSignal(ed.loaded, timeout=60000):
        pass
    assert ed.sql_text() == text and not ed.document().isModified()
    # an ordinary editable text still completes
    ed.load_text("sel")
    cur = ed.textCursor()
    cur.movePosition(QTextCursor.MoveOperation.End)
    ed.setTextCursor(cur)
    completer.insert("SELECT")
    assert ed.toPlainText() == "SELECT"


def _colours(ed: SqlEditor, block_number: int) -> set[str]:
    block = ed.document().findBlockByNumber(block_number)
    return {r.format.foreground().color().name() for r in block.layout().formats()}


@pytest.mark.parametrize("engine", ["postgres", "mysql"])
def test_a_folded_line_comment_is_a_comment_on_every_row(qtbot, engine):
    # before: only the first row was grey, the later rows were coloured as live SQL
    from pygments.token import Comment

    comment = f"-- {INSERT}"
    text = f"select 1; {comment}\ndrop table t;\n"
    ed = _editor(qtbot, text, engine)
    qtbot.waitUntil(lambda: not ed.highlighter.pending, timeout=60000)
    grey = ed.highlighter.format_for(Comment).foreground().color().name()
    doc = ed.document()
    rows = [n for n in range(doc.blockCount()) if ed.folded.line_of_block(n)[0] == 0]
    assert len(rows) > 10
    first = doc.findBlockByNumber(0)
    at = first.text().index("--")
    assert any(r.start <= at < r.start + r.length and r.format.foreground().color().name() == grey
               for r in first.layout().formats())
    assert any(r.start == 0 and r.format.foreground().color().name() != grey for r in first.layout().formats())
    for n in rows[1:]:  # the comment's later rows: grey from start to end, nothing else
        block = doc.findBlockByNumber(n)
        formats = block.layout().formats()
        assert {r.format.foreground().color().name() for r in formats} == {grey}, n
        assert (formats[0].start, sum(r.length for r in formats)) == (0, len(block.text())), n
    after = rows[-1] + 1  # the next line is SQL again
    assert doc.findBlockByNumber(after).text() == "drop table t;"
    assert _colours(ed, after) - {grey}
    # a quote inside the comment opens nothing: the next line is not a string either
    strings = ed.highlighter.format_for(String).foreground().color().name()
    assert strings not in _colours(ed, after)


def test_find_in_a_folded_text_still_loading_finds_only_what_has_arrived(qtbot):
    # before: Find reported a match beyond the loaded part, selected nothing, and Qt warned
    # "QTextCursor::setPosition: Position ... out of range" (a Qt warning fails a test here)
    from aurora_console.ui.sql.find_bar import FindBar

    values = ",".join(f"({i},'x')" for i in range(200_000))
    text = f"insert into t values {values};\nselect 'needle_at_end';\n"
    ed = SqlEditor()
    qtbot.addWidget(ed, before_close_func=lambda w: w.deleteLater())
    ed.show()
    bar = FindBar(ed)
    ed.load_text(text)
    qtbot.waitUntil(lambda: ed.document().characterCount() > 1, timeout=10000)
    assert ed.loading and ed.folded is not None
    shown = ed.document().toPlainText()
    assert "needle_at_end" not in shown
    assert not ed.find_text("needle_at_end") and not ed.find_text("needle_at_end", backward=True)
    assert ed.loading  # (all of the above ran before the rest arrived)
    bar.find_edit.setText("needle_at_end")
    assert not bar.find_next() and bar.info.text() == "Not found in the part loaded so far"
    # what has arrived is found, and selected on screen
    assert ed.find_text("(1,'x')") and ed.textCursor().selectedText() == "(1,'x')"
    assert ed.find_text("(0,'x')", backward=True) and ed.textCursor().selectedText() == "(0,'x')"
    with qtbot.waitSignal(ed.loaded, timeout=60000):
        pass
    assert bar.find_next() and bar.info.text() == ""
    assert ed.selected_sql()[0] == "needle_at_end"


def test_the_page_objects_positions_are_in_the_exact_text(sql_page, sql_gui_db):
    # before: cursor_position() and run_statement_at() used the display's positions (row
    # breaks counted) while editor_text() gave the exact text
    page = sql_page()
    page.set_text(TEXT)
    editor = page.tab.editor
    assert editor.folded is not None and editor.folded.rows > 10
    (created,) = page.run_statement_at(0)
    assert created.status() == "CREATE TABLE"
    at = TEXT.index("select count(*)")  # after the folded line: shifted by all its row breaks
    (counted,) = page.run_statement_at(at)
    assert counted.status() == "SELECT 1" and counted.values() == [(0,)]
    assert page.cursor_position() == at
    assert page.run_statement_at(TEXT.index("(3999,"))[0].status() == f"INSERT 0 {N_VALUES}"
    assert page.cursor_position() == TEXT.index("(3999,")
    # an error moves the cursor to its position: the exact text's
    text = TEXT + "select nope from long_t;\n"
    page.set_text(text)
    (err,) = page.run_statement_at(len(text) - 3)
    assert err.error() and "nope" in err.error()
    assert page.cursor_position() == text.index("nope")
