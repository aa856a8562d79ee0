"""The sandbox's blog database in the data folder template (sandbox/blog_database.py): the
template's key follows the bundled migrations, so a changed schema makes a new template."""

from __future__ import annotations

import pytest

from aurora_console.sandbox import blog_database

pytestmark = pytest.mark.unit


def _key_with(monkeypatch, folder) -> str:
    monkeypatch.setattr("aurora_console.core.db.migrations.blog.bundled_blog_dir", lambda engine: folder)
    return blog_database.BlogTemplate().key


def test_the_key_follows_the_migrations_and_the_build_version(tmp_path, monkeypatch):
    (tmp_path / "V1__posts.sql").write_text("CREATE TABLE posts (id int);")
    first = _key_with(monkeypatch, tmp_path)
    assert first == _key_with(monkeypatch, tmp_path) and first.startswith("blog-")
    (tmp_path / "V1__posts.sql").write_text("CREATE TABLE posts (id bigint);")  # a changed migration
    changed = _key_with(monkeypatch, tmp_path)
    (tmp_path / "V2__users.sql").write_text("CREATE TABLE users (id int);")  # an added one
    added = _key_with(monkeypatch, tmp_path)
    monkeypatch.setattr(blog_database, "BUILD_VERSION", "another")
    rebuilt = _key_with(monkeypatch, tmp_path)
    assert len({first, changed, added, rebuilt}) == 4


def test_the_bundled_key_is_stable():
    assert blog_database.BlogTemplate().key == blog_database.BlogTemplate().key
