"""The sandbox's blog database in the data folder template (sandbox/blog_database.py): the
template's key follows the bundled migrations, so a changed schema makes a new template."""

from __future__ import annotations

import pytest

from aurora_console.sandbox import blog_database

pytestmark = pytest.mark.unit


def _key_with(monkeypatch, folder) -> str:
    monkeypatch.setattr("aurora_console.core.resources.blog_migrations_dir", lambda: folder)
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


def test_the_key_names_the_migrations_the_build_applies_without_loading_the_engine():
    """The key is made at every start (from the template, or a folder built to these migrations),
    which never runs the migration engine: it is not imported for the key (55-65 ms of CPU)."""
    import json
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "from aurora_console.sandbox.blog_database import BlogTemplate\n"
        "key = BlogTemplate().key\n"
        "engine = 'aurora_console.core.db.migrations.engine' in sys.modules\n"
        "from aurora_console.core.db.migrations.blog import bundled_blog_dir\n"
        "from aurora_console.core.resources import blog_migrations_dir\n"
        "print(json.dumps({'engine': engine, 'same': bundled_blog_dir('postgres') == blog_migrations_dir()}))\n"
    )
    out = json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                                    timeout=120).stdout)
    assert out == {"engine": False, "same": True}
