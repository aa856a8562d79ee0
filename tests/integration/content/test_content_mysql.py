"""The content editor on a real MySQL-compatible server (the rig's MariaDB) with the bundled MySQL
blog schema: introspection, keyset pages, foreign-key lookups, the staged all-or-nothing save,
conflicts with another connection's changes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aurora_console.core.db.content.changes import ReadOnly
from aurora_console.core.db.content.mysql.session import MySqlContentSession
from aurora_console.core.db.content.pager import Filter, Sort
from aurora_console.core.db.content.session import ContentSession
from aurora_console.core.db.content.values import InvalidValue
from aurora_console.core.db.migrations import apply_bundled_blog_schema
from tests.rig.mysql import wait_until_running_a_statement

pytestmark = pytest.mark.integration


@pytest.fixture
def opened(mysql_server, mysql_db, mysql_profile):
    from aurora_console.core.connections.opener import open_connection

    apply_bundled_blog_schema(mysql_db.connect, engine="mysql")
    pc = open_connection(mysql_profile, password=mysql_server.password, check_password=False)
    yield pc
    pc.close()


@pytest.fixture
def blog(opened, tmp_path):
    session = ContentSession(opened.connect, profile="mysql-test", store_root=tmp_path / "pending")
    yield session
    session.close()


def sql(db, statement, params=None):
    conn = db.connect()
    try:
        cur = conn.cursor()
        cur.execute(statement, params)
        return cur.fetchall()
    finally:
        conn.close()


def test_a_mysql_profile_gets_the_mysql_session_and_the_blog_tables(blog, mysql_db):
    assert isinstance(blog, MySqlContentSession)
    assert blog.blog_schema() == mysql_db.name
    posts = blog.table("posts")
    info = posts.info
    assert info.primary_key == ("id",) and info.kind == "r"
    assert info.column("id").identity == "d" and info.column("id").server_filled
    assert info.column("title").max_length == 255 and not info.column("title").nullable
    assert info.column("updated_at").set_by_trigger  # ON UPDATE CURRENT_TIMESTAMP
    assert info.foreign_key_for("user_id").ref_table == "users"
    assert {fk.table for fk in info.referenced_by} == {"comments"}
    assert info.column("content").base_type == "text"
    users = blog.table("users")
    assert users.info.column("password").secret


def test_keyset_pages_sorted_and_filtered(blog):
    posts = blog.table("posts", page_size=5)
    seen = []
    page = posts.first()
    assert not page.has_previous and page.has_next
    while True:
        seen += [r.key[0] for r in page.rows]
        if not page.has_next:
            break
        page = posts.next()
    assert seen == [str(i) for i in range(1, 22)]
    back = posts.previous()
    assert [r.key[0] for r in back.rows] == ["16", "17", "18", "19", "20"]
    last = posts.last()
    assert [r.key[0] for r in last.rows] == ["17", "18", "19", "20", "21"] and not last.has_next
    # a sort with ties and NULLs: image_url set to NULL on two rows
    blog.connection().cursor().execute("UPDATE posts SET image_url = NULL WHERE id IN (3, 7)")
    by_image = []
    page = posts.set_view(sort=Sort("image_url"))
    while True:
        by_image += [r.values["image_url"] for r in page.rows]
        if not page.has_next:
            break
        page = posts.next()
    assert len(by_image) == 21 and by_image[-2:] == [None, None]
    assert by_image[:-2] == sorted(by_image[:-2])
    found = posts.set_view(filters=[Filter("title", "contains", "aurora")])
    assert found.rows and all("aurora" in r.values["title"].lower() for r in found.rows)
    assert posts.pager.count(blog.connection()) == (len(found.rows), True)
    with pytest.raises(InvalidValue):
        posts.set_view(filters=[Filter("user_id", "=", "two")])


def test_foreign_key_lookups_and_references(blog):
    posts = blog.table("posts")
    page, labels = posts.load("first")
    assert labels["user_id"][page.rows[0].values["user_id"]] == "Ada Lovelace"
    lookup = posts.lookup("user_id")
    assert [c.label for c in lookup.search(blog.connection(), "grace")] == ["Grace Hopper"]
    assert lookup.exists(blog.connection(), "2") and not lookup.exists(blog.connection(), "999")
    assert "rows in" in posts.references(page.rows[0]) and "comments" in posts.references(page.rows[0])


def test_save_is_all_or_nothing_with_one_bad_row(blog, mysql_db):
    posts = blog.table("posts")
    posts.first()
    good = posts.changes.edit(posts.row(1), "title", "Edited title")
    bad = posts.changes.edit(posts.row(2), "slug", posts.row(3).values["slug"])  # unique slug taken
    inserted = posts.changes.insert({"title": "Fresh", "content": "", "slug": "fresh", "user_id": "2"})
    result = posts.save()
    assert not result.ok and result.errors == [bad]
    assert "already used by another row" in bad.error and bad.error_column == "slug"
    assert good.error == "" and inserted.error == "" and len(posts.changes) == 3
    assert sql(mysql_db, "SELECT title FROM posts WHERE id = 1")[0][0] != "Edited title"
    assert sql(mysql_db, "SELECT COUNT(*) FROM posts WHERE slug = 'fresh'")[0][0] == 0
    posts.changes.revert(bad.id)
    result = posts.save()
    assert result.ok and result.applied == 2 and len(posts.changes) == 0
    assert result.inserted[0]["slug"] == "fresh" and int(result.inserted[0]["id"]) > 21  # the server chose it
    assert sql(mysql_db, "SELECT title FROM posts WHERE id = 1")[0][0] == "Edited title"


def test_server_errors_in_plain_words(blog):
    comments = blog.table("comments")
    comments.first()
    missing_post = comments.changes.edit(comments.page.rows[0], "post_id", "999")
    empty = comments.changes.insert({"post_id": "1", "user_id": "1"})  # content is NOT NULL without a default
    result = comments.save()
    assert {c.id for c in result.errors} == {missing_post.id, empty.id}
    assert missing_post.error == "post_id '999' does not exist in posts"
    assert "content" in empty.error and "cannot be empty" in empty.error
    users = blog.table("users")
    users.first()
    users.changes.delete(users.row(1))  # Ada wrote posts
    result = users.save()
    assert "this row is still referenced from comments" in result.errors[0].error  # Ada commented too


def test_conflict_when_another_connection_changed_the_row(blog, mysql_db):
    posts = blog.table("posts")
    posts.first()
    mine = posts.changes.edit(posts.row(1), "title", "Mine")
    deleted = posts.changes.delete(posts.row(2))
    untouched = posts.changes.edit(posts.row(3), "title", "Also mine")
    sql(mysql_db, "UPDATE posts SET title = 'Theirs', image_url = 'x' WHERE id = 1")
    sql(mysql_db, "DELETE FROM comments WHERE post_id = 2")
    sql(mysql_db, "DELETE FROM posts WHERE id = 2")
    result = posts.save()
    assert {c.change_id for c in result.conflicts} == {mine.id, deleted.id}
    assert mine.conflict.theirs["title"] == "Theirs" and set(mine.conflict.changed_columns()) >= {"title", "image_url"}
    assert "someone else changed this row" in mine.error and deleted.conflict.deleted
    assert untouched.error == ""
    assert sql(mysql_db, "SELECT title FROM posts WHERE id = 3")[0][0] != "Also mine"  # nothing applied
    posts.changes.keep_mine(mine.id)  # knowingly overwrite theirs
    posts.changes.revert(deleted.id)
    assert posts.save().ok
    assert sql(mysql_db, "SELECT title, image_url FROM posts WHERE id IN (1, 3) ORDER BY id") == (
        ("Mine", "x"), ("Also mine", "https://images.blog.example/reading-an-explain-analyze-plan.jpg"))


def test_read_only_profile_and_server_filled_columns(opened, tmp_path):
    session = ContentSession(opened.connect, profile="ro", read_only=True, store_root=tmp_path)
    try:
        posts = session.table("posts")
        posts.first()
        with pytest.raises(ReadOnly):
            posts.changes.edit(posts.row(1), "title", "x")
        cur = session.connection().cursor()
        with pytest.raises(Exception, match="READ ONLY"):
            cur.execute("UPDATE posts SET title = 'x' WHERE id = 1")
    finally:
        session.close()


def test_slug_check(blog):
    posts = blog.table("posts")
    posts.first()
    slug = posts.row(1).values["slug"]
    assert posts.slug_taken(slug)
    assert not posts.slug_taken(slug, exclude_key=("1",))
    assert not posts.slug_taken("a-new-slug")


def test_cancel_interrupts_a_slow_statement(blog, mysql_db):
    import threading

    from aurora_console.core.tasks import Cancelled, TaskContext

    ctx = TaskContext("slow")
    conn = blog.connection()
    thread_id = conn.thread_id()

    def cancel_once_running() -> None:  # a KILL QUERY sent before the statement reached the server is lost
        with mysql_db.connect() as admin, admin.cursor() as cur:
            wait_until_running_a_statement(cur, thread_id)
        ctx.token.cancel()

    canceller = threading.Thread(target=cancel_once_running, daemon=True)
    canceller.start()
    with pytest.raises(Cancelled):
        blog.run(lambda: conn.cursor().execute("SELECT COUNT(*) FROM seq_1_to_1000000000 WHERE MD5(seq) = 'x'"), ctx)
    canceller.join(30)
    cur = conn.cursor()
    cur.execute("SELECT 1")
    assert cur.fetchone()[0] == 1  # the session is still usable


def test_a_cancel_just_before_the_statement_starts_still_cancels_it(blog):
    from aurora_console.core.tasks import Cancelled, TaskContext
    from tests.integration.sql.cancel_race import error_of_a_run_cancelled_as_it_starts

    conn = blog.connection()
    err = error_of_a_run_cancelled_as_it_starts(blog, lambda task: blog.run(lambda: conn.cursor().execute(
        "SELECT COUNT(*) FROM seq_1_to_1000000 a, seq_1_to_1000000 b"), task))
    assert isinstance(err, Cancelled), err
    assert blog.statement_cancel.sent >= 1

    def sleep_then_seven() -> int:
        cur = conn.cursor()
        cur.execute("SELECT SLEEP(0.4), 7")
        return cur.fetchone()[1]

    assert blog.run(sleep_then_seven, TaskContext("next")) == 7  # the repeats stopped with the statement


def test_a_failed_task_leaves_no_transaction_open(blog):
    """A repeated KILL QUERY may land on a failed save's own ROLLBACK: the session ends the transaction."""
    from aurora_console.core.tasks import TaskContext

    conn = blog.connection()
    cur = conn.cursor()
    cur.execute("CREATE TEMPORARY TABLE tx_probe (x INT) ENGINE=InnoDB")

    def fails_inside_a_transaction() -> None:
        cur.execute("BEGIN")
        cur.execute("INSERT INTO tx_probe VALUES (1)")
        raise RuntimeError("the save failed")

    with pytest.raises(RuntimeError):
        blog.run(fails_inside_a_transaction, TaskContext("save"))
    cur.execute("SELECT COUNT(*) FROM tx_probe")
    assert cur.fetchone()[0] == 0  # rolled back, not left open


def test_killed_connection_keeps_pending_and_saves_after_reconnect(blog, mysql_db, opened, tmp_path):
    from aurora_console.core.db.content.save import ConnectionLost

    posts = blog.table("posts")
    posts.first()
    posts.changes.edit(posts.row(1), "title", "Survives")
    posts.changes.insert({"title": "New", "content": "body", "slug": "survivor", "user_id": "1"})
    sql(mysql_db, f"KILL CONNECTION {blog.backend_pid()}")
    with pytest.raises(ConnectionLost, match="still pending"):
        posts.save()
    assert len(posts.changes) == 2 and posts.store.exists()
    assert posts.save().ok  # the session reconnects by itself
    assert sql(mysql_db, "SELECT title FROM posts WHERE id = 1")[0][0] == "Survives"
    assert sql(mysql_db, "SELECT COUNT(*) FROM posts WHERE slug = 'survivor'")[0][0] == 1


def test_legacy_zero_dates_latin1_and_binary_values_are_shown_and_the_row_stays_editable(blog, mysql_db):
    conn = mysql_db.connect()
    try:
        cur = conn.cursor()
        cur.execute("SET SESSION sql_mode = ''")  # how legacy data got in
        cur.execute("CREATE TABLE legacy (id INT PRIMARY KEY, born DATETIME, note VARCHAR(20), raw VARBINARY(8))")
        cur.execute("INSERT INTO legacy VALUES (1, '0000-00-00 00:00:00', 'old', 0x00ff), (2, NULL, NULL, NULL)")
        cur.execute("ALTER TABLE legacy ADD city VARCHAR(20) CHARACTER SET latin1")  # a latin1 table of old
        cur.execute("UPDATE legacy SET city = 'Zürich' WHERE id = 1")
    finally:
        conn.close()
    legacy = blog.table("legacy")
    page = legacy.first()
    assert page.rows[0].values == {"id": "1", "born": "0000-00-00 00:00:00", "note": "old", "raw": "\\x00ff",
                                   "city": "Zürich"}
    assert legacy.info.column("raw").base_type == "bytea"
    with pytest.raises(ReadOnly, match="binary"):
        legacy.changes.edit(legacy.row(1), "raw", "\\x01")
    legacy.changes.edit(legacy.row(1), "note", "kept")
    assert legacy.save().ok
    assert sql(mysql_db, "SELECT note, CAST(born AS CHAR) FROM legacy WHERE id = 1") == (("kept", "0000-00-00 00:00:00"),)


@pytest.fixture
def dup_table(blog, mysql_db):
    from aurora_console.core.db.content.mysql.introspect import introspect_table

    conn = blog.connection()
    conn.cursor().execute("CREATE TABLE dups (a INT, b INT, v INT, w VARCHAR(10), PRIMARY KEY (a, b))")
    return conn, introspect_table(conn, mysql_db.name, "dups")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.one_of(st.none(), st.integers(0, 3)), max_size=40),
       page_size=st.integers(1, 7), column=st.sampled_from([None, "v", "w"]), descending=st.booleans())
def test_pages_cover_every_row_once_in_order(dup_table, values, page_size, column, descending):
    """Walking the pages either way, any sort, on a composite key: exactly ORDER BY sort, key."""
    from aurora_console.core.db.content.mysql.pager import MySqlPager

    conn, info = dup_table
    cur = conn.cursor()
    cur.execute("TRUNCATE dups")
    cur.executemany("INSERT INTO dups VALUES (%s, %s, %s, %s)",
                    [(i % 3, i, v, None if v is None else f"t{v}") for i, v in enumerate(values)])
    direction = "DESC" if descending else "ASC"
    nulls = f"{column} IS NULL {'DESC' if descending else 'ASC'}, " if column else ""
    order = f"{nulls}{column + ' ' + direction + ', ' if column else ''}a {direction}, b {direction}"
    cur.execute(f"SELECT a, b FROM dups ORDER BY {order}")
    expected = [tuple(map(str, r)) for r in cur.fetchall()]
    pager = MySqlPager(info, page_size, sort=Sort(column, descending))
    page = pager.first(conn)
    forward = [r.key for r in page.rows]
    while page.has_next:
        page = pager.next(conn, page)
        forward += [r.key for r in page.rows]
    assert forward == expected
    page = pager.last(conn)
    backward = [r.key for r in page.rows]
    while page.has_previous:
        page = pager.previous(conn, page)
        backward = [r.key for r in page.rows] + backward
    assert backward == expected


def test_a_page_reads_a_range_of_a_composite_primary_key(dup_table):
    from aurora_console.core.db.content.mysql.pager import MySqlPager
    from aurora_console.core.db.content.pager import Row

    conn, info = dup_table
    cur = conn.cursor()
    cur.execute("INSERT INTO dups SELECT seq DIV 100, seq MOD 100, NULL, NULL FROM seq_1_to_20000")
    cur.execute("ANALYZE TABLE dups")
    cur.fetchall()
    query, params = MySqlPager(info, 100).page_query(Row(("150", "50"), "", {}), forward=True)
    cur.execute("EXPLAIN " + query, params)
    plan = cur.fetchone()
    assert plan[3] == "range" and plan[5] == "PRIMARY"  # not an index scan from the first row
