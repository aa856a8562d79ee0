"""``console.migrations(profile)`` unchanged on a MySQL profile (the rig's MariaDB over TLS):
the panel lists, validates, migrates the bundled MySQL blog schema, shows a part-way failure as
failed with the statement it reached, and repairs it."""

from __future__ import annotations

import shutil

import pytest

from aurora_console.core.db.migrations.blog import blog_mysql_migrations_dir
from tests.gui.content.prompting import (
    MARKS,
    prompt_window,  # noqa: F401 - the `window` fixture
    secrets_nowhere,
)

pytestmark = MARKS


@pytest.fixture
def saved_profile(mysql_profile):
    from aurora_console.core.connections.store import ProfileStore
    from aurora_console.core.paths import app_paths

    ProfileStore.for_paths(app_paths()).save(mysql_profile)
    return mysql_profile


def test_migrations_page_on_a_mysql_profile(window, qtbot, mysql_server, mysql_db, saved_profile, tmp_path, caplog):
    from aurora_console.testing.pages import ConsoleRoot
    from aurora_console.testing.pages_migrations import MigrationsPage

    folder = tmp_path / "blog-mysql"
    shutil.copytree(blog_mysql_migrations_dir(), folder)
    root = ConsoleRoot(window, qtbot, allow_changes=True, sandbox=False)
    root.connections.secrets = {"password": mysql_server.password}
    page = MigrationsPage(root, saved_profile.name, folder=folder)
    assert len(page.pending()) == 3
    assert page.history_format() == "console"
    page.migrate()
    assert len(page.applied()) == 3
    assert page.validate() == []
    conn = mysql_db.connect()
    try:
        cur = conn.cursor()
        cur.execute("SELECT COUNT(*) FROM posts")
        assert cur.fetchone()[0] == 21
    finally:
        conn.close()

    (folder / "V4__part_way.sql").write_text("CREATE TABLE tags (id INT PRIMARY KEY);\n"
                                             "INSERT INTO tags VALUES (1);\nINSERT INTO tags VALUES (1);\n")
    page.refresh()
    row = next(r for r in page.rows() if r["script"] == "V4__part_way.sql")
    assert row["transaction"] == "yes, but CREATE TABLE at line 1 commits implicitly"
    with pytest.raises(Exception) as failed:
        page.migrate()
    assert "statement 1 (line 1) stays applied" in str(failed.value)
    page.refresh()
    row = next(r for r in page.rows() if r["script"] == "V4__part_way.sql")
    assert row["state"] == "failed"
    problems = page.problems()
    assert any("failed at statement 3 of 3, line 3; statement 1 stays applied" in p for p in problems)
    (folder / "V4__part_way.sql").write_text("CREATE TABLE IF NOT EXISTS tags (id INT PRIMARY KEY);\n"
                                             "INSERT INTO tags VALUES (1);\n")
    conn = mysql_db.connect()
    try:
        conn.cursor().execute("DELETE FROM tags")
    finally:
        conn.close()
    page.repair()
    assert any("statement 1 stays applied" in c for c in page.confirmations)
    page.migrate()
    assert "V4__part_way.sql" in page.applied()
    secrets_nowhere(window, caplog, mysql_server.password)
