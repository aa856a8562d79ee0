"""The content editor on MySQL with a cell larger than the server's max_allowed_packet (the rig's
MariaDB): the change is marked on that cell with what to do, nothing is sent (the server would
close the connection: error 1153, or only "Lost connection" while the value is still going out),
the save stays all-or-nothing and the session stays usable; a large value under the limit saves."""

from __future__ import annotations

import pytest

from aurora_console.core.db.content.session import ContentSession

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]


@pytest.fixture
def notes(mysql_server, mysql_db, mysql_profile, tmp_path):
    from aurora_console.core.connections.opener import open_connection

    conn = mysql_db.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("CREATE TABLE notes (id INT PRIMARY KEY, title VARCHAR(50), body LONGTEXT)")
            cur.execute("INSERT INTO notes VALUES (1, 'one', 'small'), (2, 'two', 'small')")
    finally:
        conn.close()
    opened = open_connection(mysql_profile, password=mysql_server.password, check_password=False)
    session = ContentSession(opened.connect, profile="mysql-packet", store_root=tmp_path / "pending")
    table = session.table("notes")
    table.first()
    yield session, table
    session.close()
    opened.close()


def _select(mysql_db, statement):
    conn = mysql_db.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(statement)
            return cur.fetchall()
    finally:
        conn.close()


def test_a_cell_over_max_allowed_packet_is_said_on_that_cell_and_nothing_is_sent(notes, mysql_db):
    session, table = notes
    limit = _select(mysql_db, "SELECT @@max_allowed_packet")[0][0]
    pid = session.backend_pid()
    other = table.changes.edit(table.row(2), "title", "edited")
    big = table.changes.edit(table.row(1), "body", "z" * (limit + 100))
    result = table.save()  # the old code: ConnectionLost "reconnect and save again", which never helps
    assert not result.ok and result.errors == [big]
    assert big.error_column == "body" and "max_allowed_packet" in big.error and "too large" in big.error
    assert other.error == "" and len(table.changes) == 2  # all or nothing: both still pending
    assert _select(mysql_db, "SELECT title, body FROM notes ORDER BY id") == (("one", "small"), ("two", "small"))
    assert session.backend_pid() == pid  # the connection was kept
    table.changes.revert(big.id)
    assert table.save().ok
    assert _select(mysql_db, "SELECT title FROM notes WHERE id = 2") == (("edited",),)


def test_a_large_value_under_the_limit_is_saved(notes, mysql_db):
    _session, table = notes
    value = "\u00e9" * (1 << 20)  # 1 Mi characters, 2 MiB in UTF-8: over the check's threshold, under the limit
    table.changes.edit(table.row(1), "body", value)
    assert table.save().ok
    assert _select(mysql_db, "SELECT CHAR_LENGTH(body), LENGTH(body) FROM notes WHERE id = 1") == ((1 << 20, 2 << 20),)
