"""The bundled blog schema, applied through the engine."""

import psycopg
import pytest

from aurora_console.core.db.migrations import apply_bundled_blog_schema

pytestmark = pytest.mark.integration


def columns(sql, table):
    return {r[0]: (r[1], r[2]) for r in sql(
        "SELECT column_name, data_type, character_maximum_length FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name = %s", [table])}


def test_blog_schema_applies_with_tables_trigger_and_content(db, sql):
    result = apply_bundled_blog_schema(db.dsn)
    assert len(result.applied) == 3
    assert columns(sql, "social_accounts") == {
        "id": ("integer", None), "username": ("character varying", 255), "social_type": ("character varying", 255),
        "created_at": ("timestamp with time zone", None), "updated_at": ("timestamp with time zone", None)}
    assert set(columns(sql, "users")) == {"id", "name", "email", "password", "user_type", "social_id",
                                          "created_at", "updated_at"}
    assert columns(sql, "posts")["content"] == ("text", None)
    assert set(columns(sql, "comments")) == {"id", "content", "user_id", "post_id", "created_at", "updated_at"}
    fks = {tuple(r) for r in sql(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'")}
    assert fks == {("users", "social_accounts"), ("posts", "users"), ("comments", "users"), ("comments", "posts")}
    # Content: authors and guests, ~20 posts with unique slugs, comments; no real passwords.
    assert {r[0] for r in sql("SELECT DISTINCT user_type FROM users")} >= {"author", "guest"}
    assert sql("SELECT count(*), count(DISTINCT slug) FROM posts")[0] == (21, 21)
    assert sql("SELECT count(*) FROM comments")[0][0] > 20
    assert sql("SELECT bool_and(password ~ '^\\$2b\\$12\\$[./A-Za-z0-9]{53}$') FROM users")[0][0] is True
    # The trigger sets updated_at on update, on every table.
    for table in ("social_accounts", "users", "posts", "comments"):
        before = sql(f"SELECT updated_at FROM {table} WHERE id = 1")[0][0]
        sql(f"UPDATE {table} SET created_at = created_at WHERE id = 1")
        after = sql(f"SELECT updated_at FROM {table} WHERE id = 1")[0][0]
        assert after > before, table
    # What V2 adds: unique slugs.
    with pytest.raises(psycopg.errors.UniqueViolation):
        sql("INSERT INTO posts (title, content, slug, user_id) SELECT 't', 'c', slug, user_id FROM posts LIMIT 1")
    # Running it again is a no-op.
    assert apply_bundled_blog_schema(db.dsn).applied == []
