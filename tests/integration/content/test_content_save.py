import psycopg
import pytest

from aurora_console.core.db.content.changes import ReadOnly
from aurora_console.core.db.content.save import ConnectionLost
from aurora_console.core.db.content.session import ContentSession
from aurora_console.core.db.content.values import InvalidValue

pytestmark = pytest.mark.integration


def test_edit_insert_delete_duplicate_saved_in_one_go(blog, blog_db):
    posts = blog.table("posts")
    posts.first()
    first = posts.row(1)
    before_updated = first.values["updated_at"]
    posts.changes.edit(first, "title", "A new title")
    posts.changes.edit(first, "image_url", None)
    posts.changes.duplicate(posts.row(2)).values["slug"] = "a-copied-post"
    posts.changes.insert({"title": "Fresh", "content": "", "slug": "fresh", "user_id": "2"})
    comments = blog.table("comments")
    comments.first()
    victim = comments.page.rows[0]
    comments.changes.delete(victim)
    assert posts.changes.counts() == {"update": 1, "insert": 2, "delete": 0}
    assert posts.store.exists()
    result = posts.save()
    assert result.ok and result.applied == 3 and len(posts.changes) == 0
    assert not posts.store.exists()
    assert {r["slug"] for r in result.inserted} == {"a-copied-post", "fresh"}
    assert comments.save().ok
    with blog_db.connect() as other:
        title, image, updated = other.execute(
            "SELECT title, image_url, updated_at::text FROM posts WHERE id = 1").fetchone()
        assert (title, image) == ("A new title", None) and updated != before_updated
        content = other.execute("SELECT content FROM posts WHERE slug = 'fresh'").fetchone()[0]
        assert content == ""  # the empty string, not NULL
        copy = other.execute("SELECT title, content, user_id FROM posts WHERE slug = 'a-copied-post'").fetchone()
        orig = other.execute("SELECT title, content, user_id FROM posts WHERE id = 2").fetchone()
        assert copy == orig
        assert other.execute("SELECT count(*) FROM comments WHERE id = %s", (int(victim.key[0]),)).fetchone()[0] == 0


def test_bad_values_rejected_before_save(blog):
    posts = blog.table("posts")
    posts.first()
    row = posts.row(1)
    with pytest.raises(InvalidValue, match="too long"):
        posts.changes.edit(row, "title", "x" * 256)
    with pytest.raises(InvalidValue, match="whole number"):
        posts.changes.edit(row, "user_id", "two")
    with pytest.raises(ReadOnly, match="trigger"):
        posts.changes.edit(row, "updated_at", "2026-01-01 00:00:00+00")
    assert len(posts.changes) == 0


def test_constraint_errors_mark_the_change_and_keep_the_others(blog, blog_db):
    posts = blog.table("posts")
    posts.first()
    good = posts.changes.edit(posts.row(1), "title", "Still pending")
    not_null = posts.changes.edit(posts.row(2), "content", None)
    unique = posts.changes.edit(posts.row(3), "slug", posts.row(4).values["slug"])
    bad_fk = posts.changes.edit(posts.row(5), "user_id", "999")
    check = posts.changes.edit(posts.row(6), "slug", "Not A Slug")
    result = posts.save()
    assert not result.ok and result.applied == 0
    assert {c.id for c in result.errors} == {not_null.id, unique.id, bad_fk.id, check.id}
    assert len(posts.changes) == 5 and good.error == ""
    assert not_null.error_column == "content" and "cannot be empty" in not_null.error
    assert unique.error_column == "slug" and "already used" in unique.error
    assert bad_fk.error_column == "user_id" and "999 does not exist in users" in bad_fk.error
    assert "posts_slug_format_check" in check.error
    with blog_db.connect() as other:
        assert other.execute("SELECT title FROM posts WHERE id = 1").fetchone()[0] != "Still pending"
    # fix the bad ones; the good edit is saved with them
    for change in (not_null, unique, bad_fk, check):
        posts.changes.revert(change.id)
    assert posts.save().ok
    with blog_db.connect() as other:
        assert other.execute("SELECT title FROM posts WHERE id = 1").fetchone()[0] == "Still pending"


def test_server_side_checks_the_client_cannot_see(blog):
    conn = blog.connection()
    conn.execute("CREATE TABLE docs (id int PRIMARY KEY, body jsonb, short varchar(3))")
    conn.execute("INSERT INTO docs VALUES (1, '{}', 'abc')")
    docs = blog.table("docs")
    docs.first()
    with pytest.raises(InvalidValue, match="invalid JSON"):
        docs.changes.edit(docs.row(1), "body", "{not json")
    # bypass client-side validation to prove the server's answer is mapped too
    change = docs.changes.edit(docs.row(1), "body", '{"a": 1}')
    change.values["body"] = "{broken"
    ins = docs.changes.insert({"id": "2"})
    ins.values["short"] = "toolong"
    result = docs.save()
    assert {c.id for c in result.errors} == {change.id, ins.id}
    assert change.error_column == "body" and "json" in change.error.lower()
    assert ins.error_column == "short" and "too long" in ins.error


def test_every_type_round_trips(blog, blog_db):
    conn = blog.connection()
    conn.execute("CREATE TYPE mood AS ENUM ('happy', 'sad')")
    conn.execute("""CREATE TABLE kinds (
        id bigserial PRIMARY KEY, t text, v varchar(5), i2 smallint, i8 bigint, n numeric(8,2),
        f float8, b boolean, ts timestamptz, d date, j json, jb jsonb, arr int[], tarr text[],
        m mood, ms mood[], u uuid, bin bytea DEFAULT '\\xdeadbeef')""")
    kinds = blog.table("kinds")
    values = {"t": "", "v": "héllo", "i2": "-32768", "i8": "9223372036854775807", "n": "123456.78",
              "f": "1.5", "b": "yes", "ts": "2026-11-27 10:00:00+02", "d": "2026-02-28", "j": '{"b": [1, 2]}',
              "jb": '{"b": 1, "a": null}', "arr": "{1, 2, NULL}", "tarr": '{"a,b", "q\\"uote", ""}',
              "m": "sad", "ms": "{happy,sad}", "u": "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"}
    kinds.changes.insert(values)
    assert kinds.save().ok
    page = kinds.first()
    row = page.rows[0]
    assert row.values["t"] == "" and row.values["v"] == "héllo" and row.values["bin"] == "\\xdeadbeef"
    assert row.values["b"] == "true" and row.values["n"] == "123456.78"
    assert row.values["arr"] == "{1,2,NULL}" and row.values["ms"] == "{happy,sad}"
    with blog_db.connect() as other:
        got = other.execute("SELECT tarr, jb, ts = '2026-11-27 08:00:00+00', u::text FROM kinds").fetchone()
        assert got == (["a,b", 'q"uote', ""], {"a": None, "b": 1}, True, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
    # editing a value to itself is not a change; NULL differs from ''
    assert kinds.changes.edit(row, "t", "") is None
    assert kinds.changes.edit(row, "t", None) is not None
    with pytest.raises(InvalidValue):
        kinds.changes.edit(row, "m", "angry")
    with pytest.raises(InvalidValue):
        kinds.changes.edit(row, "n", "1234567.1")
    with pytest.raises(ReadOnly, match="bytea"):
        kinds.changes.edit(row, "bin", "\\x00")
    for col, text in (("ts", "2027-01-01T00:00:00Z"), ("arr", "{}"), ("d", "infinity"), ("f", "NaN")):
        kinds.changes.edit(row, col, text)
    assert kinds.save().ok
    row = kinds.first().rows[0]
    assert (row.values["t"], row.values["arr"], row.values["d"], row.values["f"]) == (None, "{}", "infinity", "NaN")


def test_concurrent_edit_is_a_conflict_nothing_overwritten(blog, blog_db):
    posts = blog.table("posts")
    posts.first()
    mine = posts.changes.edit(posts.row(1), "title", "Mine")
    deleted = posts.changes.delete(posts.row(2))
    untouched = posts.changes.edit(posts.row(3), "title", "Also mine")
    with blog_db.connect(autocommit=True) as other:
        other.execute("UPDATE posts SET title = 'Theirs', image_url = 'x' WHERE id = 1")
        other.execute("UPDATE posts SET content = 'changed' WHERE id = 2")
    result = posts.save()
    assert {c.change_id for c in result.conflicts} == {mine.id, deleted.id}
    c1 = mine.conflict
    assert c1.yours == {"title": "Mine"} and c1.theirs["title"] == "Theirs"
    assert c1.original["title"] != "Theirs" and set(c1.changed_columns()) >= {"title", "image_url", "updated_at"}
    assert "someone else changed this row" in mine.error
    assert untouched.error == "" and len(posts.changes) == 3
    with blog_db.connect() as other:
        assert other.execute("SELECT title FROM posts WHERE id = 1").fetchone()[0] == "Theirs"
        assert other.execute("SELECT title FROM posts WHERE id = 3").fetchone()[0] != "Also mine"
        assert other.execute("SELECT count(*) FROM posts WHERE id = 2").fetchone()[0] == 1
    posts.changes.keep_mine(mine.id)  # knowingly overwrite theirs
    posts.changes.take_theirs(deleted.id)  # leave their edited row alone
    assert posts.save().ok
    with blog_db.connect() as other:
        assert other.execute("SELECT title, image_url FROM posts WHERE id = 1").fetchone() == ("Mine", "x")
        assert other.execute("SELECT count(*) FROM posts WHERE id = 2").fetchone()[0] == 1


def test_row_deleted_by_someone_else(blog, blog_db):
    comments = blog.table("comments")
    comments.first()
    row = comments.page.rows[0]
    change = comments.changes.edit(row, "content", "edited")
    with blog_db.connect(autocommit=True) as other:
        other.execute("DELETE FROM comments WHERE id = %s", (int(row.key[0]),))
    result = comments.save()
    assert result.conflicts[0].deleted and "deleted" in change.error
    with pytest.raises(ReadOnly):
        comments.changes.keep_mine(change.id)


def test_killed_connection_keeps_pending_and_saves_after_reconnect(blog, blog_db, tmp_path, pg_server):
    posts = blog.table("posts")
    posts.first()
    posts.changes.edit(posts.row(1), "title", "Survives")
    posts.changes.insert({"title": "New", "content": "body", "slug": "survivor", "user_id": "1"})
    pid = blog.backend_pid()
    with blog_db.connect(autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
    with pytest.raises(ConnectionLost, match="still pending"):
        posts.save()
    assert len(posts.changes) == 2 and posts.store.exists()
    # a new session (e.g. after an app restart) picks the pending changes up from disk
    again = ContentSession(blog_db.dsn, profile="test", store_root=tmp_path / "pending")
    try:
        restored = again.table("posts")
        assert restored.changes.counts() == {"update": 1, "insert": 1, "delete": 0}
        assert restored.save().ok
    finally:
        again.close()
    with blog_db.connect() as other:
        assert other.execute("SELECT title FROM posts WHERE id = 1").fetchone()[0] == "Survives"
        assert other.execute("SELECT count(*) FROM posts WHERE slug = 'survivor'").fetchone()[0] == 1
    # the original session reconnects by itself too
    assert blog.table("posts").first().rows


def test_secret_values_never_written_to_the_pending_file(blog):
    users = blog.table("users")
    users.first()
    users.changes.edit(users.row(1), "password", "hunter2-new-hash")
    users.changes.edit(users.row(1), "name", "Ada L.")
    text = users.store.path.read_text()
    assert "hunter2" not in text and "$2b$" not in text and "Ada L." in text
    assert (users.store.path.stat().st_mode & 0o777) == 0o600


def test_table_without_primary_key_is_read_only(blog):
    conn = blog.connection()
    conn.execute("CREATE TABLE loose (x int)")
    conn.execute("INSERT INTO loose VALUES (1)")
    loose = blog.table("loose")
    assert "no primary key" in loose.read_only_reason
    row = loose.first().rows[0]
    with pytest.raises(ReadOnly, match="no primary key"):
        loose.changes.edit(row, "x", "2")
    with pytest.raises(ReadOnly):
        loose.changes.insert({"x": "3"})
    with pytest.raises(ReadOnly):
        loose.changes.delete(row)


def test_read_only_profile_cannot_edit(blog_db, tmp_path):
    session = ContentSession(blog_db.dsn, profile="ro", read_only=True, store_root=tmp_path)
    try:
        posts = session.table("posts")
        row = posts.first().rows[0]
        with pytest.raises(ReadOnly, match="read-only"):
            posts.changes.edit(row, "title", "nope")
        with pytest.raises(ReadOnly):
            posts.save()
    finally:
        session.close()


def test_psycopg_connection_string_is_not_logged_in_errors(blog_db):
    with pytest.raises(psycopg.OperationalError):
        ContentSession("host=127.0.0.1 port=1 dbname=x password=sekrit connect_timeout=2").connection()


def test_cancel_interrupts_a_slow_statement(blog, blog_db):
    import threading
    import time

    from aurora_console.core.tasks import Cancelled, TaskContext

    ctx = TaskContext("slow")
    conn = blog.connection()
    pid = conn.info.backend_pid

    def cancel_once_sleeping() -> None:  # a cancel sent before the statement reached the server is lost
        deadline = time.monotonic() + 20
        with psycopg.connect(blog_db.dsn, autocommit=True) as admin:
            while time.monotonic() < deadline and admin.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = %s AND wait_event = 'PgSleep'",
                    (pid,)).fetchone()[0] == 0:
                time.sleep(0.05)
        ctx.token.cancel()

    canceller = threading.Thread(target=cancel_once_sleeping, daemon=True)
    canceller.start()
    with pytest.raises(Cancelled):
        blog.run(lambda: conn.execute("SELECT pg_sleep(30)"), ctx)
    canceller.join(30)
    assert conn.execute("SELECT 1").fetchone()[0] == 1  # the session is still usable


def test_read_only_session_is_refused_by_the_server_too(blog_db, tmp_path):
    session = ContentSession(blog_db.dsn, profile="ro", read_only=True, store_root=tmp_path)
    try:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            session.connection().execute("UPDATE posts SET title = 'x' WHERE id = 1")
    finally:
        session.close()


def test_a_cancel_just_before_the_statement_starts_still_cancels_it(blog):
    from aurora_console.core.tasks import Cancelled, TaskContext
    from tests.integration.sql.cancel_race import error_of_a_run_cancelled_as_it_starts

    conn = blog.connection()
    err = error_of_a_run_cancelled_as_it_starts(blog, lambda task: blog.run(lambda: conn.execute("SELECT pg_sleep(40)"), task))
    assert isinstance(err, Cancelled), err
    assert blog.statement_cancel.sent >= 1
    # the repeats stopped with the statement: a new task's statement runs to its end
    assert blog.run(lambda: conn.execute("SELECT pg_sleep(0.4), 7").fetchone()[1], TaskContext("next")) == 7


def test_a_failed_task_leaves_no_transaction_open(blog):
    """A repeated cancel may land on a failed save's own ROLLBACK: the session ends the transaction."""
    from psycopg.pq import TransactionStatus

    from aurora_console.core.tasks import TaskContext

    conn = blog.connection()

    def fails_inside_a_transaction() -> None:
        conn.execute("BEGIN")
        conn.execute("SELECT 1 / 0")

    with pytest.raises(psycopg.errors.DivisionByZero):
        blog.run(fails_inside_a_transaction, TaskContext("save"))
    assert conn.info.transaction_status == TransactionStatus.IDLE
    assert blog.run(lambda: conn.execute("SELECT 2").fetchone()[0], TaskContext("next")) == 2
