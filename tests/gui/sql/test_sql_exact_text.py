"""The SQL editor runs, saves and copies exactly the text the user has: a no-break space
(U+00A0) inside a literal is not turned into a plain space (QPlainTextEdit.toPlainText does
that), and positions stay those of the document."""

from __future__ import annotations

from pathlib import Path

NBSP = "\xa0"
SQL = f"select 'a{NBSP}b' as v, length('a{NBSP}b') as n, position(chr(160) in 'a{NBSP}b') as at;"


def _typed(page, text: str) -> None:
    """The text as if typed (not loaded): the editor has only Qt's document to read it from."""
    ed = page.tab.editor
    ed.setPlainText("")
    ed.insertPlainText(text)


def _expect_nbsp(results) -> None:
    assert [r.error() for r in results] == [None]
    assert results[0].values() == [(f"a{NBSP}b", 3, 2)]  # chr(160) found at 2: it reached PostgreSQL


def test_run_all_sends_a_no_break_space_unchanged(sql_page):
    page = sql_page()
    _typed(page, SQL + "\n")
    page.tab.run_all()
    _expect_nbsp(page.wait())
    assert page.editor_text() == SQL + "\n"


def test_run_statement_under_cursor_and_selection_keep_it(sql_page):
    page = sql_page()
    _typed(page, "select 1;\n" + SQL + "\nselect 2;\n")
    _expect_nbsp(page.run_statement_at(len("select 1;\n") + 3))
    ed = page.tab.editor
    cur = ed.textCursor()
    start = len("select 1;\n")
    cur.setPosition(start)
    cur.setPosition(start + len(SQL), cur.MoveMode.KeepAnchor)
    ed.setTextCursor(cur)
    assert ed.selected_sql() == (SQL, start)
    page.tab.run_current()
    _expect_nbsp(page.wait())


def test_a_selection_across_lines_reads_with_newlines_one_for_one(sql_page):
    page = sql_page()
    text = f"select 1;\nselect '{NBSP}x\ny{NBSP}';\n"
    _typed(page, text)
    ed = page.tab.editor
    cur = ed.textCursor()
    cur.setPosition(3)
    cur.setPosition(len(text) - 2, cur.MoveMode.KeepAnchor)
    ed.setTextCursor(cur)
    assert ed.selected_sql() == (text[3:-2], 3)
    assert ed.createMimeDataFromSelection().text() == text[3:-2]  # Copy and drag


def test_save_and_autosave_write_it_byte_exact(sql_page, qtbot, tmp_path):
    page = sql_page()
    tab = page.tab
    _typed(page, SQL + "\n")
    target = tmp_path / "nbsp.sql"
    saved = []
    tab.save_file(str(target), on_done=saved.append)
    qtbot.waitUntil(lambda: bool(saved), timeout=10000)
    assert target.read_bytes() == (SQL + "\n").encode("utf-8")
    assert b"a\xc2\xa0b" in target.read_bytes()
    tab.autosave()
    auto = Path(tab.autosave_path)
    qtbot.waitUntil(lambda: auto.exists() and NBSP in auto.read_text(encoding="utf-8"), timeout=10000)
    assert auto.read_text(encoding="utf-8") == SQL + "\n"


def test_snippet_text_keeps_it(sql_page):
    from aurora_console.ui.sql.toolbar import _selection_or_all

    page = sql_page()
    _typed(page, SQL)
    assert _selection_or_all(page.tab) == SQL


def test_a_crlf_file_is_saved_with_crlf_and_a_new_text_with_lf(sql_page, qtbot, tmp_path):
    page = sql_page()
    tab = page.tab
    path = tmp_path / "windows.sql"
    raw = f"select 'a{NBSP}b';\r\nselect 2;\r\n".encode()
    path.write_bytes(raw)
    tab.open_file(str(path))
    qtbot.waitUntil(lambda: tab.path == str(path) and not tab.editor.loading, timeout=10000)
    assert page.editor_text() == f"select 'a{NBSP}b';\nselect 2;\n"  # the editor has "\n"
    saved = []
    tab.save_file(on_done=saved.append)
    qtbot.waitUntil(lambda: len(saved) == 1, timeout=10000)
    assert path.read_bytes() == raw  # unchanged, byte for byte
    tab.editor.moveCursor(tab.editor.textCursor().MoveOperation.End)
    tab.editor.insertPlainText("select 3;\n")
    copy = tmp_path / "copy.sql"
    tab.save_file(str(copy), on_done=saved.append)  # Save as keeps the document's line ending
    qtbot.waitUntil(lambda: len(saved) == 2, timeout=10000)
    assert copy.read_bytes() == raw + b"select 3;\r\n"

    fresh = sql_page()
    _typed(fresh, "select 1;\nselect 2;\n")
    new = tmp_path / "new.sql"
    fresh.tab.save_file(str(new), on_done=saved.append)
    qtbot.waitUntil(lambda: len(saved) == 3, timeout=10000)
    assert new.read_bytes() == b"select 1;\nselect 2;\n"
