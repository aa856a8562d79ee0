"""``console.content(profile)`` unchanged on a MySQL profile (the rig's MariaDB over TLS, the
bundled MySQL blog schema): pages, foreign-key labels, an edit saved, a conflict shown."""

from __future__ import annotations

import pytest

from aurora_console.core.db.migrations import apply_bundled_blog_schema

from .prompting import (
    MARKS,
    errors,
    prompt_window,  # noqa: F401 - the `window` fixture
    secrets_nowhere,
)

pytestmark = MARKS


@pytest.fixture
def saved_profile(mysql_profile, mysql_db):
    from aurora_console.core.connections.store import ProfileStore
    from aurora_console.core.paths import app_paths

    apply_bundled_blog_schema(mysql_db.connect, engine="mysql")
    ProfileStore.for_paths(app_paths()).save(mysql_profile)
    return mysql_profile


def _sql(db, statement):
    conn = db.connect()
    try:
        cur = conn.cursor()
        cur.execute(statement)
        return cur.fetchall()
    finally:
        conn.close()


def test_content_page_on_a_mysql_profile(window, qtbot, mysql_server, mysql_db, saved_profile, caplog):
    from aurora_console.testing.pages import ConsoleRoot
    from aurora_console.testing.pages_content import ContentPage

    root = ConsoleRoot(window, qtbot, allow_changes=True, sandbox=False)
    root.connections.secrets = {"password": mysql_server.password}
    page = ContentPage(root, saved_profile.name)
    assert f"{mysql_db.name}.posts" in page.tables()
    posts = page.table("posts")
    rows = posts.rows()
    assert len(rows) == 21
    assert posts.shown(1, "user_id") == "1 — Ada Lovelace"
    posts.edit(1, "title", "Edited on MySQL")
    assert posts.pending()["total"] == 1
    assert posts.save().ok
    assert _sql(mysql_db, "SELECT title FROM posts WHERE id = 1")[0][0] == "Edited on MySQL"

    posts.edit(2, "title", "Mine")
    _sql(mysql_db, "UPDATE posts SET title = 'Theirs' WHERE id = 2")
    result = posts.save()
    assert not result.ok and len(posts.conflicts()) == 1
    assert _sql(mysql_db, "SELECT title FROM posts WHERE id = 2")[0][0] == "Theirs"
    posts.revert()

    form = page.post_form(3)  # the blog's post form on MySQL: slug check, comments with their authors
    assert form.values()["title"] == "Reading an EXPLAIN ANALYZE plan"
    assert len(form.comments()) >= 2 and all(c[0] for c in form.comments())
    form.set_slug("why-every-migration-needs-its-own-transaction")  # post 2's
    assert form.slug_free() is False
    form.set_slug("reading-a-mysql-plan")
    assert form.slug_free() is True
    form.save()
    assert _sql(mysql_db, "SELECT slug FROM posts WHERE id = 3")[0][0] == "reading-a-mysql-plan"
    assert errors(window) == []
    secrets_nowhere(window, caplog, mysql_server.password)
