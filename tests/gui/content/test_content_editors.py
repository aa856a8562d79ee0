import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QStyleOptionViewItem

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def _editor(grid, r, column):
    model = grid.model
    index = model.index(r, model.column_index(column))
    delegate = grid.view.itemDelegate()
    editor = delegate.createEditor(grid.view.viewport(), QStyleOptionViewItem(), index)
    delegate.setEditorData(editor, index)
    return delegate, editor, index


def test_untouched_editor_keeps_null_and_typed_text_is_an_edit(open_workspace, blog_db, qtbot):
    with blog_db.connect(autocommit=True) as conn:
        conn.execute("UPDATE posts SET image_url = NULL WHERE id = 2")
    content = open_workspace(blog_db.dsn)
    posts = content.table("posts")
    grid = posts.grid
    delegate, editor, index = _editor(grid, 1, "image_url")
    assert isinstance(editor, QLineEdit) and editor.text() == ""
    delegate.setModelData(editor, grid.model, index)
    assert posts.pending()["total"] == 0 and posts.rows()[1]["image_url"] is None
    qtbot.keyClicks(editor, "https://x.example/a.png")
    delegate.setModelData(editor, grid.model, index)
    assert posts.rows()[1]["image_url"] == "https://x.example/a.png" and posts.pending()["edited"] == 1


def test_text_columns_get_a_multiline_editor(open_workspace, blog_db, qtbot):
    content = open_workspace(blog_db.dsn)
    posts = content.table("posts")
    delegate, editor, index = _editor(posts.grid, 0, "content")
    assert isinstance(editor, QPlainTextEdit) and "\n\n" in editor.toPlainText()
    delegate.setModelData(editor, posts.grid.model, index)
    assert posts.pending()["total"] == 0
    editor.selectAll()
    qtbot.keyClicks(editor, "line one")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "line two")
    delegate.setModelData(editor, posts.grid.model, index)
    assert posts.rows()[0]["content"] == "line one\nline two"


def test_foreign_key_editor_offers_only_existing_rows(open_workspace, blog_db):
    content = open_workspace(blog_db.dsn)
    posts = content.table("posts")
    grid = posts.grid
    delegate, editor, index = _editor(grid, 0, "user_id")
    assert isinstance(editor, QComboBox)
    items = [(editor.itemText(i), editor.itemData(i)) for i in range(editor.count())]
    assert ("Grace Hopper (2)", "2") in items and len(items) == 8  # NOT NULL: no NULL entry
    assert editor.currentData() == "1"
    delegate.setModelData(editor, grid.model, index)
    assert posts.pending()["total"] == 0
    editor.setCurrentIndex(editor.findData("2"))
    delegate.setModelData(editor, grid.model, index)
    assert posts.rows()[0]["user_id"] == "2" and posts.shown(1, "user_id") == "2 — Grace Hopper"
    comments = content.table("comments")
    _, nullable_fk, _ = _editor(comments.grid, 0, "user_id")
    assert nullable_fk.itemText(0) == "NULL" and nullable_fk.itemData(0) is None


def test_a_key_that_does_not_exist_is_refused_in_the_cell(open_workspace, blog_db):
    content = open_workspace(blog_db.dsn)
    posts = content.table("posts")
    with pytest.raises(ValueError, match="999 does not exist in public.users"):
        posts.edit(1, "user_id", "999")
    posts.edit(1, "user_id", "4")
    assert posts.pending()["edited"] == 1


def test_trigger_set_columns_unlock_on_request(open_workspace, blog_db):
    content = open_workspace(blog_db.dsn)
    posts = content.table("posts")
    with pytest.raises(ValueError, match="set by a trigger"):
        posts.edit(1, "updated_at", "2020-01-01 00:00:00+00")
    assert posts.grid.unlock_triggers.isVisible()
    posts.grid.unlock_triggers.click()
    posts.edit(1, "updated_at", "2020-01-01 00:00:00+00")
    assert posts.pending()["edited"] == 1
