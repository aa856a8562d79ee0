"""normalised_sql against the rig's real PostgreSQL: the texts pg_stat_statements records for
statements run with constants have the key of the statement as the client sent it (as the log
shows it), so the Logs screen finds the statement's Top SQL row."""

from __future__ import annotations

import pytest

from aurora_console.core.db.normalised_sql import normalised_sql

pytestmark = pytest.mark.integration

SENT = [
    "SELECT count(*) FROM items WHERE id > 3 AND n >= -7",
    "select  Count(*)\n  from ITEMS where name = 'it''s' -- a comment\n",
    "SELECT * FROM items WHERE id IN (1, 2, 3) AND name IS NOT NULL ORDER BY id LIMIT 5",
    "UPDATE items SET n = n - 1, name = E'a\\'b' WHERE id = 2",
    "SELECT id FROM items WHERE flag = true AND n = 1.5e1",
]


def test_pg_stat_statements_texts_have_the_keys_of_the_statements_sent(new_database):
    db = new_database()
    with db.connect(autocommit=True) as conn:
        conn.execute("CREATE EXTENSION pg_stat_statements")
        conn.execute("CREATE TABLE items (id int PRIMARY KEY, n numeric, name text, flag bool)")
        conn.execute("SELECT pg_stat_statements_reset()")
        for text in SENT:
            conn.execute(text.encode())  # bytes: sent as written, no client-side parameters
        shown = [row[0] for row in conn.execute(
            "SELECT query FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database "
            "WHERE datname = current_database()) AND query ~* 'items'").fetchall()]
    keys = {normalised_sql(q): q for q in shown}
    for text in SENT:
        assert normalised_sql(text) in keys, (text, shown)
    assert any("$1" in q for q in shown)  # the server did replace constants
