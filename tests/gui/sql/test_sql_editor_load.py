"""Opening a big text in the SQL editor: sliced by time, with the same result as ``setPlainText``.

What a slice-loaded editor holds must be what ``setPlainText`` gives (text, lines, highlighting,
an empty undo history, the cursor at the start, not modified); a load can be cancelled or the
editor closed in the middle; colouring lines below the screen does not repaint it. No timing is
asserted here (``benchmarks/sql_fetch.py --editor-only`` measures the stalls).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QWidget

from aurora_console.ui.sql import editor as editor_module
from aurora_console.ui.sql.editor import SqlEditor, slice_end
from aurora_console.ui.sql.highlighter import COMMENT, LEX_LIMIT, PENDING

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def _sql_lines(n: int) -> str:
    return "\n".join(f"select {i}, 'v{i}' from t where id = {i}; -- row {i}" for i in range(n))


def _editor(qtbot, parent: QWidget | None = None, register: bool = True) -> SqlEditor:
    ed = SqlEditor(parent)
    if parent is None and register:
        # deleted after the test: a closed editor would go on highlighting into the next tests
        qtbot.addWidget(ed, before_close_func=lambda w: w.deleteLater())
    ed.resize(700, 400)
    ed.show()
    return ed


def _highlighting(ed: SqlEditor) -> list:
    """Every line's state and colour ranges, once the background pass is done."""
    out = []
    block = ed.document().firstBlock()
    while block.isValid():
        ranges = [(r.start, r.length, r.format.foreground().color().name(), r.format.fontWeight())
                  for r in block.layout().formats()]
        out.append((block.userState(), ranges))
        block = block.next()
    return out


def _wait_done(qtbot, ed: SqlEditor) -> None:
    qtbot.waitUntil(lambda: not ed.loading and not ed.highlighter.pending, timeout=120000)


class _Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, _obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


# -- where slices end --------------------------------------------------------------------------------
@given(text=st.text(alphabet="ab\r\n;'", max_size=200), size=st.integers(1, 40))
def test_slices_cover_the_text_and_end_after_a_line_break(text, size):
    pos, ends = 0, []
    while pos < len(text):
        end = slice_end(text, pos, size)
        assert end > pos
        assert end == len(text) or text[end - 1] == "\n"  # never inside a line, nor inside a CRLF
        # a slice is longer than asked only to finish the line it is in
        assert end - pos <= size or "\n" not in text[pos : end - 1]
        ends.append(end)
        pos = end
    assert "".join(text[a:b] for a, b in zip([0, *ends], ends, strict=False)) == text


# -- the result is what setPlainText gives ------------------------------------------------------------
_PIECES = st.sampled_from([
    "select 1;", "'a", "b'", "/* c", "d */", "$$", "$f$", "e'x\\'y'", '"Q', 'q"', "-- z", " ", "from t",
    "\r\n", "\n", "\n", "é", "😀", "\t",
])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(_PIECES, min_size=1, max_size=120))
def test_a_slice_loaded_text_matches_set_plain_text(qtbot, monkeypatch, pieces):
    text = "".join(pieces)
    # tiny slices, so a short text crosses many slice ends (states and CRLFs among them)
    monkeypatch.setattr(editor_module, "AT_ONCE_CHARS", 16)
    monkeypatch.setattr(editor_module, "FIRST_SLICE_CHARS", 8)
    monkeypatch.setattr(editor_module, "SLICE_MIN_CHARS", 1)
    monkeypatch.setattr(editor_module, "SLICE_MAX_CHARS", 24)
    reference = _editor(qtbot, register=False)  # many examples: each deletes its own editors
    reference.setPlainText(text)
    loaded = _editor(qtbot, register=False)
    loaded.load_text(text)
    _wait_done(qtbot, reference)
    _wait_done(qtbot, loaded)
    assert loaded.toPlainText() == reference.toPlainText()
    assert loaded.blockCount() == reference.blockCount()
    assert _highlighting(loaded) == _highlighting(reference)
    reference.deleteLater()
    loaded.deleteLater()


def test_a_big_file_opens_as_set_plain_text_would(qtbot):
    ed = _editor(qtbot)
    ed.setPlainText("old text")
    ed.textCursor().insertText(" typed")  # something to undo before the load
    text = _sql_lines(3000)
    with qtbot.waitSignal(ed.loaded, timeout=60000):
        ed.load_text(text)
        assert ed.loading and ed.isReadOnly()
        assert ed.full_text() == text  # a save in the middle of the load writes all of it
    assert ed.slices_loaded > 1  # it did arrive in slices
    assert ed.toPlainText() == text and ed.full_text() == text and ed.blockCount() == 3000
    assert not ed.document().isUndoAvailable() and not ed.document().isRedoAvailable()
    assert ed.isUndoRedoEnabled() and not ed.isReadOnly()
    assert ed.textCursor().position() == 0
    assert not ed.document().isModified()
    ed.textCursor().insertText("-- mine\n")  # the history starts at the loaded text
    assert ed.document().isModified()
    ed.undo()
    assert ed.toPlainText() == text
    assert not ed.document().isUndoAvailable()


def test_a_big_file_is_highlighted_as_set_plain_text_would(qtbot):
    text = "/* a comment\nover lines */\n" + _sql_lines(1500) + "\ncreate function f() returns int as $$\nselect 1;\n$$;"
    reference = _editor(qtbot)
    reference.setPlainText(text)
    loaded = _editor(qtbot)
    loaded.load_text(text)
    _wait_done(qtbot, reference)
    _wait_done(qtbot, loaded)
    assert loaded.slices_loaded > 1
    assert _highlighting(loaded) == _highlighting(reference)


def test_the_line_number_margin_keeps_its_width_while_a_file_loads(qtbot):
    ed = _editor(qtbot)
    widths = []
    ed.blockCountChanged.connect(lambda _n: widths.append(ed.line_number_width()))
    with qtbot.waitSignal(ed.loaded, timeout=60000):
        ed.load_text(_sql_lines(12000))  # crosses 1,000 and 10,000 lines
    assert ed.slices_loaded > 2
    assert len(set(widths)) == 1  # a wider margin would lay every line out again
    assert ed.line_number_width() >= SqlEditor().line_number_width() + ed.fontMetrics().horizontalAdvance("9") * 2


def test_a_small_text_is_set_at_once(qtbot):
    ed = _editor(qtbot)
    with qtbot.waitSignal(ed.loaded, timeout=1000):
        ed.load_text("select 1;\nselect 2;")
    assert not ed.loading and ed.slices_loaded == 0 and ed.toPlainText() == "select 1;\nselect 2;"


# -- cancelled or closed in the middle ------------------------------------------------------------------
def test_a_load_cancelled_in_the_middle_leaves_an_empty_editable_editor(qtbot):
    ed = _editor(qtbot)
    ed.load_text(_sql_lines(20000))
    qtbot.waitUntil(lambda: ed.slices_loaded >= 2, timeout=30000)
    assert ed.loading
    ed.cancel_load()
    slices = ed.slices_loaded
    assert not ed.loading and ed.toPlainText() == "" and not ed.isReadOnly()
    assert ed.isUndoRedoEnabled() and not ed.document().isUndoAvailable()
    qtbot.wait(200)
    assert ed.slices_loaded == slices  # no slice after the cancel
    ed.cancel_load()  # nothing loads: nothing happens
    # and the editor loads the next text whole
    with qtbot.waitSignal(ed.loaded, timeout=60000):
        ed.load_text(_sql_lines(2500))
    assert ed.toPlainText() == _sql_lines(2500)


def test_a_new_load_replaces_one_in_progress(qtbot):
    ed = _editor(qtbot)
    ed.load_text(_sql_lines(20000))
    qtbot.waitUntil(lambda: ed.slices_loaded >= 1, timeout=30000)
    other = "\n".join(f"insert into x values ({i});" for i in range(4000))
    with qtbot.waitSignal(ed.loaded, timeout=60000):
        ed.load_text(other)
    qtbot.wait(100)
    assert ed.toPlainText() == other and not ed.document().isModified()


def test_an_editor_closed_in_the_middle_of_a_load_goes_quietly(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    ed = _editor(qtbot, parent)
    ed.load_text(_sql_lines(20000))
    qtbot.waitUntil(lambda: ed.slices_loaded >= 1, timeout=30000)
    parent.close()
    ed.deleteLater()
    qtbot.wait(200)  # the pending slice and highlighting timers died with the editor
    QApplication.processEvents()


def test_a_tab_saves_the_whole_file_while_it_loads(qtbot, sql_runner, tmp_path):
    from aurora_console.core.connections.store import ProfileStore
    from aurora_console.core.paths import app_paths
    from aurora_console.ui.sql.sql_tab import SqlTab

    services = SimpleNamespace(runner=sql_runner, paths=app_paths(), profiles=ProfileStore.for_paths(app_paths()))
    tab = SqlTab(services, "nowhere", "host=127.0.0.1 port=1 dbname=x connect_timeout=1")
    qtbot.addWidget(tab)
    text = _sql_lines(20000)
    tab.editor.load_text(text)
    assert tab.editor.loading
    target = tmp_path / "whole.sql"
    tab.save_file(str(target))
    qtbot.waitUntil(lambda: target.exists(), timeout=10000)
    assert target.read_text() == text
    tab.shutdown(discard_autosave=True)  # stops the load
    assert not tab.editor.loading


# -- highlighting below the screen, long lines -------------------------------------------------------------
def test_lines_below_the_screen_are_coloured_without_repainting_it(qtbot):
    ed = _editor(qtbot)
    with qtbot.waitSignal(ed.loaded, timeout=60000):
        ed.load_text(_sql_lines(6000))
    paints = _Paints()
    ed.viewport().installEventFilter(paints)
    qtbot.waitUntil(lambda: not ed.highlighter.pending, timeout=120000)
    assert ed.highlighter.quiet_slices > 10
    assert paints.count < ed.highlighter.quiet_slices / 2  # it used to repaint after every slice
    last = ed.document().lastBlock()
    assert last.userState() != PENDING and last.layout().formats()  # coloured all the same


def test_a_line_longer_than_the_lex_limit_is_not_coloured_but_its_quotes_count(qtbot):
    ed = _editor(qtbot)
    long_line = "select " + "1, " * (LEX_LIMIT // 3) + "2 /* opens"
    ed.setPlainText(f"select 1;\n{long_line}\nstill in the comment */ select 3;")
    qtbot.waitUntil(lambda: not ed.highlighter.pending, timeout=20000)
    doc = ed.document()
    assert doc.findBlockByNumber(0).layout().formats()
    assert not doc.findBlockByNumber(1).layout().formats()
    assert doc.findBlockByNumber(1).userState() & 0xF == COMMENT
    comment = doc.findBlockByNumber(2).layout().formats()[0]
    assert (comment.start, comment.length) == (0, len("still in the comment */"))


def test_statement_under_the_cursor_while_lines_above_are_not_highlighted(qtbot):
    ed = _editor(qtbot)
    with qtbot.waitSignal(ed.loaded, timeout=60000):
        ed.load_text(_sql_lines(5000))
    assert ed.highlighter.pending
    cursor = QTextCursor(ed.document().findBlockByNumber(4500))
    ed.setTextCursor(cursor)
    st = ed.statement_under_cursor()
    assert st is not None and st.text == "select 4500, 'v4500' from t where id = 4500" and st.line == 4501


@pytest.mark.parametrize("odd", ["", "\r\n", "\u00a0", "\u2029"])
def test_the_whole_text_after_a_load_is_what_the_document_holds(qtbot, odd):
    ed = _editor(qtbot)
    text = _sql_lines(3000) + f"\nselect 'a{odd}b';"
    with qtbot.waitSignal(ed.loaded, timeout=60000):
        ed.load_text(text)
    assert ed.full_text() == ed.document_text()
    # no copy out of Qt until the first edit, when the document reads back as loaded (a
    # no-break space does: document_text keeps it, where toPlainText made it a plain space)
    assert (ed.full_text() is text) == (odd in ("", "\u00a0"))
    ed.textCursor().insertText("x")
    assert ed.full_text() == ed.document_text() and ed.full_text().startswith("x")


def test_each_background_slice_colours_at_least_its_first_line(qtbot, monkeypatch):
    """Handing a 5 MB line over from Qt alone took longer than the budget: the line stayed
    pending, and the background pass went on trying it for ever. With no budget at all, each
    slice still colours the line it starts with, so the pass ends."""
    from aurora_console.ui.sql import highlighter as highlighter_module

    reference = _editor(qtbot)
    reference.setPlainText(_sql_lines(40))
    _wait_done(qtbot, reference)
    monkeypatch.setattr(highlighter_module, "BUDGET_S", 0.0)
    ed = _editor(qtbot)
    ed.setPlainText(_sql_lines(40))
    qtbot.waitUntil(lambda: not ed.highlighter.pending, timeout=20000)
    assert _highlighting(ed) == _highlighting(reference)


def test_an_edit_that_comes_in_while_a_file_loads_is_kept_and_saved(qtbot):
    """Read-only does not stop a program's own inserts (a replace-all, an inserted history entry):
    such an edit during a load is in what a save writes, and the editor says it is modified."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeyEvent

    text = _sql_lines(20000)
    ed = _editor(qtbot)
    ed.load_text(text)
    qtbot.waitUntil(lambda: ed.slices_loaded >= 2, timeout=30000)
    assert ed.loading and ed.isReadOnly()
    # the editor's own Enter / Tab handling inserts nothing while it is read-only
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Tab):
        ed.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier))
    assert ed.full_text() == text
    cursor = QTextCursor(ed.document())  # a program's insert at the start of the first line
    cursor.insertText("-- inserted while loading\n")
    expected = "-- inserted while loading\n" + text
    assert ed.full_text() == expected  # what a save in the middle of the load writes
    _wait_done(qtbot, ed)
    assert ed.full_text() == expected and ed.toPlainText() == expected
    assert ed.document().isModified()
