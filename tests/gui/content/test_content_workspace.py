import pytest

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support propagateSizeHints")]


def test_blog_tables_open_with_sample_content(open_workspace, blog_db):
    content = open_workspace(blog_db.dsn)
    assert set(content.open_tabs()) == {"public.posts", "public.comments", "public.users", "public.social_accounts"}
    posts = content.table("posts")
    rows = posts.rows()
    assert len(rows) == 21 and rows[0]["slug"] == "zero-downtime-schema-changes-on-aurora"
    assert posts.shown(1, "user_id") == "1 — Ada Lovelace"  # foreign key shown with its label
    users = content.table("users")
    assert users.shown(1, "password") == "••••••"
    users.reveal_secrets()
    assert users.shown(1, "password").startswith("$2b$")
    assert "public.posts" in content.tables()
    picker = content.workspace.picker
    assert picker.currentIndex() == -1 and picker.placeholderText()  # no table preselected
    tabs_before = content.open_tabs()
    content.workspace._open_picked()  # "Open" with nothing chosen opens nothing
    assert content.open_tabs() == tabs_before


def test_changed_cells_keep_dark_text_on_their_tint(open_workspace, blog_db):
    """The pale change tints would carry the dark theme's light text: the model gives them dark text."""
    from PySide6.QtCore import Qt

    content = open_workspace(blog_db.dsn)
    posts = content.table("posts")
    model = posts.grid.model
    column = [c.name for c in posts.grid.editor.info.columns].index("title")
    index = model.index(posts._row_index(1), column)
    assert model.data(index, Qt.ItemDataRole.ForegroundRole) is None  # unchanged: the palette's colour
    posts.edit(1, "title", "Edited in the grid")
    index = model.index(posts._row_index(1), column)
    assert model.data(index, Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(index, Qt.ItemDataRole.ForegroundRole).color().lightness() < 60
    posts.revert()


def test_edit_insert_delete_save_and_revert(open_workspace, blog_db):
    content = open_workspace(blog_db.dsn)
    posts = content.table("posts")
    posts.edit(1, "title", "Edited in the grid")
    posts.edit(2, "image_url", None)
    with pytest.raises(ValueError, match="too long"):
        posts.edit(3, "title", "x" * 300)
    with pytest.raises(ValueError, match="trigger"):
        posts.edit(3, "updated_at", "2026-01-01")
    new_id = posts.insert({"title": "Hello", "content": "# Hi", "slug": "hello-grid", "user_id": "2"})
    assert new_id and posts.pending() == {"total": 3, "edited": 2, "new": 1, "deleted": 0}
    assert posts.grid.pending_label.text().startswith("3 pending")
    assert posts.rows()[-1]["slug"] == "hello-grid"
    message = posts.delete(3)
    assert "public.comments" in message  # who references the post
    result = posts.save()
    assert result.ok and posts.pending()["total"] == 0
    assert posts.grid.status.text().startswith("Saved 4 change(s) in one transaction.")
    assert not posts.grid.save_button.isEnabled()  # nothing left to save
    with blog_db.connect() as conn:
        assert conn.execute("SELECT title FROM posts WHERE id = 1").fetchone()[0] == "Edited in the grid"
        assert conn.execute("SELECT image_url FROM posts WHERE id = 2").fetchone()[0] is None
        assert conn.execute("SELECT count(*) FROM posts WHERE id = 3").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM posts WHERE slug = 'hello-grid'").fetchone()[0] == 1
    rows = posts.rows()
    assert rows[0]["title"] == "Edited in the grid" and all(r["id"] != "3" for r in rows)
    posts.edit(1, "title", "Never saved")
    posts.revert()
    assert posts.pending()["total"] == 0 and posts.rows()[0]["title"] == "Edited in the grid"


def test_save_errors_keep_everything_pending(open_workspace, blog_db):
    content = open_workspace(blog_db.dsn)
    posts = content.table("posts")
    posts.edit(1, "title", "Good")
    posts.edit(2, "slug", "reading-an-explain-analyze-plan")  # post 3's slug
    posts.insert({"title": "No author", "content": "x", "slug": "no-author"})
    result = posts.save()
    assert not result.ok and posts.pending()["total"] == 3
    assert sorted(posts.errors().values()) == sorted([
        "slug 'reading-an-explain-analyze-plan' is already used by another row; it must be unique",
        "user_id cannot be empty (NULL); enter a value"])
    assert "Nothing was saved" in posts.grid.status.text()


def test_conflict_from_a_second_connection(open_workspace, blog_db, qtbot):
    content = open_workspace(blog_db.dsn)
    posts = content.table("posts")
    posts.edit(1, "title", "Mine")
    with blog_db.connect(autocommit=True) as other:
        other.execute("UPDATE posts SET title = 'Theirs' WHERE id = 1")
    result = posts.save()
    assert not result.ok
    [conflict] = posts.conflicts()
    assert conflict.theirs["title"] == "Theirs" and conflict.yours == {"title": "Mine"}
    from PySide6.QtWidgets import QTableWidget

    from aurora_console.ui.content.conflict_dialog import ConflictDialog

    dialog = ConflictDialog(posts.grid.editor.info, conflict)
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableWidget, "conflictTable")
    shown = {table.item(r, 0).text(): [table.item(r, c).text() for c in (1, 2, 3)] for r in range(table.rowCount())}
    assert shown["title"] == ["Zero-downtime schema changes on Aurora", "Theirs", "Mine"]
    assert dialog.keep_button.isEnabled() and dialog.keep_button.text() == "Keep mine (overwrite theirs)"
    title_row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "title")
    for c in (2, 3):  # tinted cells keep dark text, also under the dark theme's light text colour
        assert table.item(title_row, c).foreground().color().lightness() < 60
    import dataclasses

    delete = ConflictDialog(posts.grid.editor.info, dataclasses.replace(conflict, kind="delete", yours={}))
    qtbot.addWidget(delete)
    assert delete.keep_button.text() == "Delete anyway"  # answers "Delete it anyway, or keep their row?"
    posts.keep_mine(conflict)
    assert posts.save().ok
    with blog_db.connect() as conn:
        assert conn.execute("SELECT title FROM posts WHERE id = 1").fetchone()[0] == "Mine"


def test_read_only_profile_and_keyless_table(open_workspace, blog_db):
    with blog_db.connect(autocommit=True) as conn:
        conn.execute("CREATE TABLE audit_log (at timestamptz DEFAULT now(), what text)")
        conn.execute("INSERT INTO audit_log (what) VALUES ('seeded')")
    content = open_workspace(blog_db.dsn, read_only=True)
    posts = content.table("posts")
    assert not posts.grid.save_button.isEnabled()
    with pytest.raises(ValueError, match="read-only"):
        posts.edit(1, "title", "nope")
    log = content.table("public.audit_log")
    assert "no primary key" in log.read_only_reason and log.grid.banner.isVisibleTo(log.grid)
    assert log.rows()[0]["what"] == "seeded"


def test_post_form_slug_preview_comments_and_save(open_workspace, blog_db):
    content = open_workspace(blog_db.dsn)
    form = content.post_form()
    form.set_title("Hello, Wörld: a new post")
    assert form.values()["slug"] == "hello-world-a-new-post"
    assert form.slug_free() is True
    form.set_slug("reading-an-explain-analyze-plan")
    assert form.slug_free() is False
    with pytest.raises(ValueError, match="already used"):
        form.save()
    form.set_slug("Not A Slug")
    with pytest.raises(ValueError, match="lowercase"):
        form.save()
    form.set_slug("hello-world-a-new-post")
    form.set_content("# Heading\n\nSome **bold** text")
    html = form.preview_html()
    assert "Heading" in html and "font-weight" in html
    result = form.save()
    assert result.ok
    with blog_db.connect() as conn:
        row = conn.execute("SELECT title, user_id, content FROM posts WHERE slug = 'hello-world-a-new-post'").fetchone()
    assert row[0] == "Hello, Wörld: a new post" and row[1] is not None and row[2].startswith("# Heading")
    existing = content.post_form(1)
    assert existing.values()["title"] == "Zero-downtime schema changes on Aurora"
    assert len(existing.comments()) >= 2 and existing.comments()[0][1]
    # comment times read to the second, in UTC (the stored microseconds stay in the tooltip)
    import re

    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", c[2]) for c in existing.comments())
    assert "." in existing.form.comments_table.item(0, 2).toolTip()


def test_dropped_connection_keeps_edits_and_saves_after_reconnect(open_workspace, blog_db):
    from aurora_console.core.db.content.save import ConnectionLost

    content = open_workspace(blog_db.dsn)
    posts = content.table("posts")
    posts.edit(1, "title", "Written before the outage")
    pid = content.workspace.session.backend_pid()
    with blog_db.connect(autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(ConnectionLost):
        posts.save()
    assert posts.pending()["total"] == 1 and "still pending" in posts.grid.status.text()
    assert posts.grid.editor.store.exists()
    assert posts.save().ok  # the session reconnects by itself
    with blog_db.connect() as conn:
        assert conn.execute("SELECT title FROM posts WHERE id = 1").fetchone()[0] == "Written before the outage"


def test_any_table_paging_sort_and_filters(open_workspace, blog_db):
    with blog_db.connect(autocommit=True) as conn:
        conn.execute("CREATE SCHEMA shop")
        conn.execute("CREATE TABLE shop.items (a int, b text, note text, PRIMARY KEY (a, b))")
        conn.execute("INSERT INTO shop.items SELECT g / 3, 'k' || g % 3, CASE WHEN g % 4 = 0 THEN NULL "
                     "ELSE 'note ' || g END FROM generate_series(0, 449) g")
    content = open_workspace(blog_db.dsn)
    assert "shop.items" in content.tables()
    items = content.table("shop.items")
    first = items.rows()
    assert len(first) == 100 and (first[0]["a"], first[0]["b"]) == ("0", "k0")
    last = items.page("last")
    assert (last[-1]["a"], last[-1]["b"]) == ("149", "k2") and len(last) == 100
    assert items.page("previous")[-1]["a"] == "116"
    by_note = items.sort("note", descending=True)
    assert by_note[0]["note"] is None  # NULLs first when descending
    assert [r["note"] for r in items.page("last")][-1] == "note 1"
    filtered = items.filter("note", "contains", "note 44")
    assert {r["note"] for r in filtered} == {"note 441", "note 442", "note 443", "note 445", "note 446", "note 447",
                                             "note 449"}  # 44, 440, 444, 448 are NULL
    assert items.grid.filter_bar.label.text() == "note contains note 44"
    assert len(items.clear_filters()) == 100
    items.sort(None)  # back to key order
    items.edit(("0", "k1"), "note", "edited on a composite key")
    assert items.save().ok
    with blog_db.connect() as conn:
        assert conn.execute("SELECT note FROM shop.items WHERE a = 0 AND b = 'k1'").fetchone()[0] == \
            "edited on a composite key"
