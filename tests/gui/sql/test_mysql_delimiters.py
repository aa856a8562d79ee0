"""The editor's MySQL DELIMITER lines follow every edit without reading the whole text again
(ui/sql/mysql_delimiters.py): after any sequence of edits, typed, pasted, deleted, undone, the
index equals a fresh scan of the whole text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument

from aurora_console.core.db.mysql_split import delimiter_lines
from aurora_console.ui.sql.editor import SqlEditor
from aurora_console.ui.sql.mysql_delimiters import DelimiterIndex

pytestmark = pytest.mark.gui

PIECES = ["DELIMITER $$\n", "delimiter //\n", "  Delimiter ;;", "DELIMITER ;\n", "select 1;\n", "\n",
          "begin select 2; end$$\n", "x", "DELIM", "ITER ##\n", "-- delimiter in a comment\n", "é"]

edit = st.tuples(st.sampled_from(["insert", "remove", "undo", "replace"]), st.floats(0, 1), st.floats(0, 1),
                 st.sampled_from(PIECES))


def _apply(doc: QTextDocument, kind: str, a: float, b: float, piece: str) -> None:
    size = doc.characterCount() - 1
    cur = QTextCursor(doc)
    if kind == "undo":
        doc.undo()
        return
    start = int(a * size)
    cur.setPosition(start)
    if kind in ("remove", "replace"):
        cur.setPosition(min(size, start + int(b * 30)), QTextCursor.MoveMode.KeepAnchor)
        cur.removeSelectedText()
    if kind in ("insert", "replace"):
        cur.insertText(piece)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), max_size=12), st.lists(edit, max_size=25))
def test_after_any_edits_the_index_equals_a_fresh_scan(qapp, start, edits):
    doc = QTextDocument()
    doc.setPlainText("".join(start))
    index = DelimiterIndex(doc)
    assert index.lines() == delimiter_lines(doc.toPlainText())
    for kind, a, b, piece in edits:
        _apply(doc, kind, a, b, piece)
        assert index.lines() == delimiter_lines(doc.toPlainText()), (kind, a, b, piece, doc.toPlainText())
    assert index.full_scans == 1


def test_the_editor_scans_the_whole_text_once_then_only_edited_lines(qtbot):
    ed = SqlEditor(engine="mysql")
    qtbot.addWidget(ed)
    body = "".join(f"select {i};\n" for i in range(2000))
    ed.setPlainText(body + "DELIMITER $$\ncreate procedure p() begin select 1; end$$\nDELIMITER ;\n" + body)
    doc = ed.document()
    at_proc = doc.toPlainText().index("create procedure")
    assert ed.delimiter_at(at_proc) == "$$"
    assert ed.delimiter_at(len(body) + 5) == ";"
    assert ed.delimiter_at(doc.characterCount() - 2) == ";"
    cur = QTextCursor(doc)
    cur.setPosition(0)
    cur.insertText("DELIMITER //\n")  # a new first line: everything below moves and changes
    assert ed.delimiter_at(5) == ";"
    assert ed.delimiter_at(20) == "//"
    assert ed.delimiter_at(at_proc + len("DELIMITER //\n")) == "$$"
    ed.highlighter.rehighlight()  # colouring alone changes nothing
    assert ed.delimiter_at(20) == "//"
    assert ed._delimiters.full_scans == 1
    ed.load_text("DELIMITER ||\nselect 1||\n")  # a new text is read again
    assert ed.delimiter_at(15) == "||"
    assert ed._delimiters.full_scans == 2
