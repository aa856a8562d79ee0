"""Fixtures for the content editor: a fresh database with the bundled blog schema per test."""

from __future__ import annotations

import pytest

from aurora_console.core.db.content.session import ContentSession
from aurora_console.core.db.migrations import apply_bundled_blog_schema


@pytest.fixture
def blog_db(new_database):
    db = new_database()
    apply_bundled_blog_schema(db.dsn)
    return db


@pytest.fixture
def blog(blog_db, tmp_path):
    session = ContentSession(blog_db.dsn, profile="test", store_root=tmp_path / "pending")
    yield session
    session.close()
