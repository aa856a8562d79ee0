import pytest

from aurora_console.core.db.content.introspect import TableNotFound, introspect_table, list_tables
from aurora_console.core.db.content.lookup import label_column

pytestmark = pytest.mark.integration


def test_blog_posts_description(blog):
    info = introspect_table(blog.connection(), "public", "posts")
    assert info.primary_key == ("id",)
    assert info.column_names[:3] == ("id", "title", "content")
    title = info.column("title")
    assert title.max_length == 255 and not title.nullable and title.base_type == "varchar"
    assert info.column("id").serial and info.column("id").server_filled
    assert info.column("updated_at").set_by_trigger
    assert not info.column("created_at").set_by_trigger
    assert "updated_at is set by a trigger" in info.column_read_only_reason("updated_at")
    assert info.column_read_only_reason("title") == ""
    fk = info.foreign_key_for("user_id")
    assert (fk.ref_table, fk.ref_columns) == ("users", ("id",))
    assert {(r.table, r.columns) for r in info.referenced_by} == {("comments", ("post_id",))}
    assert info.triggers == ("posts_set_updated_at",)


def test_users_password_is_secret_and_labels(blog):
    conn = blog.connection()
    users = introspect_table(conn, "public", "users")
    assert users.column("password").secret
    assert not users.column("email").secret
    assert label_column(users) == "name"
    assert label_column(introspect_table(conn, "public", "posts")) == "title"
    assert label_column(introspect_table(conn, "public", "social_accounts")) == "username"


def test_types_composite_key_and_no_key(blog):
    conn = blog.connection()
    conn.execute("CREATE TYPE mood AS ENUM ('happy', 'sad')")
    conn.execute("""CREATE TABLE kinds (
        a int, b text, n numeric(8,2), c char(3), m mood, ms mood[], tags varchar(10)[], j jsonb,
        bin bytea, g int GENERATED ALWAYS AS (a * 2) STORED, i int GENERATED ALWAYS AS IDENTITY,
        "Mixed Case" text, api_token text, PRIMARY KEY (b, a))""")
    conn.execute("CREATE TABLE nokey (x int)")
    info = introspect_table(conn, "public", "kinds")
    assert info.primary_key == ("b", "a")
    assert (info.column("n").numeric_precision, info.column("n").numeric_scale) == (8, 2)
    assert info.column("c").max_length == 3 and info.column("c").base_type == "bpchar"
    assert info.column("m").enum_labels == ("happy", "sad")
    ms = info.column("ms")
    assert ms.is_array and ms.enum_labels == ("happy", "sad") and ms.type_ident == "_mood"
    assert info.column("tags").is_array and info.column("tags").base_type == "varchar"
    assert info.column("g").generated and info.column_read_only_reason("g")
    assert info.column("i").identity == "a" and "identity" in info.column_read_only_reason("i")
    assert "bytea" in info.column_read_only_reason("bin")
    assert info.column("api_token").secret
    nokey = introspect_table(conn, "public", "nokey")
    assert "no primary key" in nokey.read_only_reason
    refs = {t.qualified: t for t in list_tables(conn)}
    assert refs["public.kinds"].has_primary_key and not refs["public.nokey"].has_primary_key
    assert "public.posts" in refs
    with pytest.raises(TableNotFound):
        introspect_table(conn, "public", "missing")
