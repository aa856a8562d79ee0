"""The editor widget on its own: highlighting states, editing helpers, big files, autosave."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

from aurora_console.testing.stall import StallMonitor
from aurora_console.ui.sql.editor import SqlEditor
from aurora_console.ui.sql.highlighter import COMMENT, DOLLAR, NORMAL, PENDING, STRING, _Tags, scan_line

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def _formats(editor, line):
    block = editor.document().findBlockByNumber(line)
    return [(r.start, r.length, r.format.foreground().color().name()) for r in block.layout().formats()]


def test_scan_line_tracks_constructs_across_lines():
    tags = _Tags()
    assert scan_line("select 1 -- x /*", NORMAL, tags) == (0, None, NORMAL)
    prefix, open_at, state = scan_line("select /* a /* b */", NORMAL, tags)
    assert open_at == 7 and state & 0xF == COMMENT and state >> 4 == 1
    assert scan_line("c */ select 'x", state, tags) == (4, 12, STRING)
    prefix, open_at, state = scan_line("as $body$ begin", NORMAL, tags)
    assert state & 0xF == DOLLAR and tags.tags[state >> 4] == "$body$"
    assert scan_line("end $body$ language plpgsql;", state, tags)[2] == NORMAL


def test_highlighter_colours_and_multiline_states(qtbot):
    ed = SqlEditor()
    qtbot.addWidget(ed)
    ed.setPlainText("select 'a' from t; /* start\nstill comment */ select 1\ncreate function f() returns int as $$\n"
                    "  select 1;\n$$ language sql;")
    qtbot.waitUntil(lambda: not ed.highlighter.pending, timeout=5000)
    kw = _formats(ed, 0)[0]
    assert kw[:2] == (0, 6)
    comment_colour = ed.highlighter._formats[next(k for k in ed.highlighter._formats if "Comment" in str(k))]
    line1 = _formats(ed, 1)
    assert line1[0][:2] == (0, len("still comment */")) and line1[0][2] == comment_colour.foreground().color().name()
    body = _formats(ed, 3)  # inside $$: lexed as SQL, so "select" is a keyword
    assert (2, 6) == body[0][:2] and body[0][2] == kw[2]
    assert ed.document().findBlockByNumber(4).userState() == NORMAL


def test_big_file_loads_in_slices_and_highlights_in_background(qtbot):
    ed = SqlEditor()
    qtbot.addWidget(ed)
    ed.resize(800, 600)
    ed.show()
    text = "\n".join(f"select {i}, 'v{i}' from t where id = {i}; -- row {i}" for i in range(10000))
    with StallMonitor() as stall:
        with qtbot.waitSignal(ed.loaded, timeout=60000):
            ed.load_text(text)
        assert ed.loading is False and ed.blockCount() == 10000
        qtbot.waitUntil(lambda: not ed.highlighter.pending, timeout=120000)
    assert ed.toPlainText() == text
    assert ed.document().lastBlock().userState() not in (PENDING, -1)
    assert _formats(ed, 9999)
    assert stall.beats > 10  # the event loop kept running while loading and highlighting
    assert not ed.document().isUndoAvailable()


def test_toggle_comment_indent_and_replace(qtbot):
    ed = SqlEditor()
    qtbot.addWidget(ed)
    ed.setPlainText("select 1\n  from t\nwhere x")
    ed.selectAll()
    ed.toggle_comment()
    assert ed.toPlainText() == "-- select 1\n--   from t\n-- where x"
    ed.selectAll()
    ed.toggle_comment()
    assert ed.toPlainText() == "select 1\n  from t\nwhere x"
    cur = ed.textCursor()
    cur.setPosition(len("select 1\n  from t"))
    ed.setTextCursor(cur)
    qtbot.keyClick(ed, Qt.Key.Key_Return)
    assert ed.toPlainText().split("\n")[2] == "  "
    assert ed.replace_all("from", "FROM") == 1 and "FROM t" in ed.toPlainText()
    assert ed.find_text("where") and ed.textCursor().selectedText() == "where"


def test_statement_under_cursor_is_highlighted(qtbot):
    ed = SqlEditor()
    qtbot.addWidget(ed)
    ed.setPlainText("select 1;\nselect 'a;b'\n  from t;\nselect 3")
    cur = ed.textCursor()
    cur.setPosition(ed.toPlainText().index("from"))
    ed.setTextCursor(cur)
    qtbot.waitUntil(lambda: ed.current_statement_span() is not None, timeout=3000)
    start, end = ed.current_statement_span()
    assert ed.toPlainText()[start:end] == "select 'a;b'\n  from t"
    st = ed.statement_under_cursor()
    assert st.line == 2 and st.end_line == 3


def test_autosave_writes_the_text(qtbot, sql_runner, tmp_path):
    from aurora_console.core.connections.store import ProfileStore
    from aurora_console.core.paths import app_paths
    from aurora_console.ui.sql.sql_tab import SqlTab

    services = SimpleNamespace(runner=sql_runner, paths=app_paths(), profiles=ProfileStore.for_paths(app_paths()))
    tab = SqlTab(services, "nowhere", "host=127.0.0.1 port=1 dbname=x connect_timeout=1")
    qtbot.addWidget(tab)
    tab.editor.setPlainText("select 42 -- keep me")
    tab.autosave()
    qtbot.waitUntil(lambda: tab.autosave_path.exists(), timeout=5000)
    assert tab.autosave_path.read_text() == "select 42 -- keep me"
    assert tab.autosave_path.is_relative_to(app_paths().autosave_dir)
    # keywords are offered before any connection exists
    assert "SELECT" in tab.completer.words()
    tab.shutdown(discard_autosave=True)
    qtbot.waitUntil(lambda: not tab.autosave_path.exists(), timeout=5000)


def test_visible_blocks_are_highlighted_ahead_of_the_background(qtbot):
    ed = SqlEditor()
    qtbot.addWidget(ed)
    ed.resize(800, 400)
    ed.show()
    text = "\n".join(["/* a comment", "spanning lines */"] + [f"select {i}, 'x' from t; -- {i}" for i in range(60000)])
    with qtbot.waitSignal(ed.loaded, timeout=60000):
        ed.load_text(text)
    assert ed.highlighter.pending
    # the background pass waits (as while a file loads): on a loaded machine it could otherwise
    # reach the end before this test looks, and nothing would show the visible blocks went first
    ed.highlighter.hold(True)
    ed.verticalScrollBar().setValue(ed.verticalScrollBar().maximum())  # jump to the end
    target = ed.document().lastBlock().blockNumber() - 3
    qtbot.waitUntil(lambda: bool(_formats(ed, target)), timeout=20000)
    assert ed.highlighter.pending  # the background pass has not got there yet
    ed.highlighter.hold(False)
    first = _formats(ed, target)[0]
    assert first[:2] == (0, 6)  # "select", as a keyword


def test_every_visible_block_is_coloured_even_when_a_burst_ends_after_one_line(qtbot, monkeypatch):
    """On a busy machine a burst's budget can run out after a line or two: the rest of the screen
    still comes next, ahead of the (held) background pass."""
    ed = SqlEditor()
    qtbot.addWidget(ed)
    ed.resize(800, 400)
    ed.show()
    text = "\n".join(f"select {i}, 'x' from t; -- {i}" for i in range(30000))
    with qtbot.waitSignal(ed.loaded, timeout=60000):
        ed.load_text(text)
    hl = ed.highlighter
    hl.hold(True)
    real = type(hl)._highlight

    def one_line_per_burst(self, line, state):
        real(self, line, state)
        self._burst_deadline = 0.0  # the budget is spent: the next line of this burst waits

    monkeypatch.setattr(type(hl), "_highlight", one_line_per_burst)
    ed.verticalScrollBar().setValue(ed.verticalScrollBar().maximum() // 2)
    first = ed.firstVisibleBlock().blockNumber()
    rows = ed.viewport().height() // ed.fontMetrics().height()
    assert rows > 5
    qtbot.waitUntil(lambda: all(_formats(ed, n) for n in range(first, first + rows)), timeout=20000)
    assert hl.pending  # the background pass, held, did not do it
    hl.hold(False)
