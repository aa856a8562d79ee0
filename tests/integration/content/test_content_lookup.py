import pytest

from aurora_console.core.db.content.introspect import introspect_table
from aurora_console.core.db.content.lookup import ForeignKeyLookup, describe_references, referencing_rows
from aurora_console.core.db.content.slug import slug_taken, unique_slug

pytestmark = pytest.mark.integration


def test_foreign_key_lookup_labels_and_existing_keys_only(blog):
    conn = blog.connection()
    posts = introspect_table(conn, "public", "posts")
    lookup = ForeignKeyLookup.for_column(conn, posts, "user_id")
    assert lookup.label_column == "name" and lookup.key_column == "id"
    assert ForeignKeyLookup.for_column(conn, posts, "title") is None
    everyone = lookup.search(conn)
    assert ("1", "Ada Lovelace") in [(c.key, c.label) for c in everyone] and len(everyone) == 8
    assert [c.display for c in lookup.search(conn, "grace")] == ["Grace Hopper (2)"]
    assert [c.key for c in lookup.search(conn, "3")] == ["3"]  # by key too
    assert lookup.search(conn, "100%_") == []  # LIKE wildcards are literal
    assert lookup.labels(conn, ["1", "4", "999"]) == {"1": "Ada Lovelace", "4": "Edsger Dijkstra"}
    assert lookup.exists(conn, "2") and not lookup.exists(conn, "999") and lookup.exists(conn, None)
    comments = introspect_table(conn, "public", "comments")
    to_posts = ForeignKeyLookup.for_column(conn, comments, "post_id")
    assert to_posts.label_column == "title"
    users = introspect_table(conn, "public", "users")
    assert ForeignKeyLookup.for_column(conn, users, "social_id").label_column == "username"


def test_who_references_a_row(blog):
    conn = blog.connection()
    users = introspect_table(conn, "public", "users")
    refs = referencing_rows(conn, users, {"id": "1"})
    tables = {r.table: r.count for r in refs}
    expected_posts = conn.execute("SELECT count(*) FROM posts WHERE user_id = 1").fetchone()[0]
    assert tables["public.posts"] == expected_posts > 0
    text = describe_references(refs)
    assert text.startswith("This row is referenced by ") and "public.posts (user_id)" in text
    conn.execute("INSERT INTO users (name, email) VALUES ('Nobody', 'nobody@blog.example')")
    new_id = conn.execute("SELECT id::text FROM users WHERE email = 'nobody@blog.example'").fetchone()[0]
    assert referencing_rows(conn, users, {"id": new_id}) == [] and describe_references([]) == ""


def test_slug_uniqueness(blog):
    conn = blog.connection()
    posts = introspect_table(conn, "public", "posts")
    assert slug_taken(conn, posts, "reading-an-explain-analyze-plan")
    assert not slug_taken(conn, posts, "reading-an-explain-analyze-plan", exclude_key=("3",))  # its own slug
    assert not slug_taken(conn, posts, "brand-new")
    assert unique_slug(conn, posts, "Reading an EXPLAIN ANALYZE plan") == "reading-an-explain-analyze-plan-2"
    assert unique_slug(conn, posts, "Brand new!") == "brand-new"
