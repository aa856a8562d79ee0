"""The Top SQL table's state (Qt-free): filter, sort, selection across refreshes, EXPLAIN."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.performance.top_sql import TopStatement
from aurora_console.ui.performance.top_sql_table import (
    KEYS,
    NOT_EXPLAINABLE,
    TEXT_UNKNOWN,
    TopSqlTable,
    duration_ms_text,
    statement_key,
)


def stmt(queryid, query, *, calls=1, total_ms=1.0, rows=0, hit=0, read=0, temp=0, share=0.0, user="app",
         database="blog", userid=10, dbid=5):
    return TopStatement(queryid=queryid, query=query, calls=calls, total_ms=total_ms,
                        mean_ms=total_ms / calls if calls else 0.0, rows=rows, shared_blks_hit=hit,
                        shared_blks_read=read, temp_blks=temp, share=share, user=user, database=database,
                        userid=userid, dbid=dbid)


ROWS = [
    stmt(1, "SELECT * FROM posts WHERE id = $1", calls=900, total_ms=450.0, share=0.15, hit=9000, read=10),
    stmt(2, "UPDATE posts SET views = views + $1 WHERE id = $2", calls=300, total_ms=600.0, share=0.2),
    stmt(3, "SELECT count(*) FROM comments c JOIN posts p ON p.id = c.post_id", calls=2, total_ms=1900.0,
         share=0.63, read=50000, temp=800),
    stmt(4, None, calls=5, total_ms=50.0, share=0.02, user="report", database="analytics"),
    stmt(5, "VACUUM ANALYZE posts", calls=1, total_ms=1.0, share=0.0),
]


def test_rows_are_sorted_by_total_time_then_by_any_column_both_ways():
    table, seen = TopSqlTable(), []
    table.changed.connect(lambda: seen.append(1))
    table.set_rows(ROWS, note="10:00 – 10:15 (15 min)")
    assert [s.queryid for s in table.visible] == [3, 2, 1, 4, 5] and table.note.startswith("10:00") and seen
    table.sort_by("calls")  # a number: largest first
    assert [s.queryid for s in table.visible] == [1, 2, 4, 3, 5]
    table.sort_by("calls")  # again: the other way
    assert [s.queryid for s in table.visible] == [5, 3, 4, 2, 1]
    table.sort_by("query")  # text: A-Z, the unknown text last
    assert [s.queryid for s in table.visible] == [1, 3, 2, 5, 4]  # "select *" < "select count"
    table.sort_by("query", descending=True)
    assert [s.queryid for s in table.visible] == [5, 2, 3, 1, 4]  # unknown last either way
    table.sort_by("hit_ratio", descending=True)  # a property; statements that touched no block last
    assert [s.queryid for s in table.visible][:2] == [1, 3]
    with pytest.raises(ValueError, match="cannot sort"):
        table.sort_by("nonsense")


def test_filter_matches_every_word_in_text_user_database_or_query_id():
    table = TopSqlTable()
    table.set_rows(ROWS)
    table.set_filter("posts select")
    assert {s.queryid for s in table.visible} == {1, 3}
    assert table.count_text() == "2 of 5 statements"
    table.set_filter("ANALYTICS")
    assert [s.queryid for s in table.visible] == [4]
    table.set_filter("  ")
    assert len(table.visible) == 5 and table.count_text() == "5 statements"
    table.set_filter("2")  # the query id (and any text with a 2)
    assert 2 in {s.queryid for s in table.visible}


def test_selection_survives_a_refresh_and_a_filter_that_hides_it_for_a_while():
    table = TopSqlTable()
    table.set_rows(ROWS)
    table.select(statement_key(ROWS[1]))
    assert table.selected is ROWS[1]
    newer = [stmt(2, ROWS[1].query, calls=310, total_ms=620.0)] + ROWS[2:]
    table.set_rows(newer)
    assert table.selected is newer[0]  # the same statement in the new window
    table.set_filter("comments")
    assert table.selected is None
    table.set_filter("")
    assert table.selected is newer[0]
    # the same queryid run by another user is another statement
    table.set_rows([stmt(2, ROWS[1].query, userid=99)])
    assert table.selected is None


def test_explain_text_for_the_statement_and_why_not():
    table = TopSqlTable()
    table.set_rows(ROWS)
    assert table.explain_refusal(None) == "Select a statement"
    assert table.explain_refusal(ROWS[3]) == TEXT_UNKNOWN
    assert table.explain_refusal(ROWS[4]) == NOT_EXPLAINABLE and "SELECT" in NOT_EXPLAINABLE
    with pytest.raises(ValueError):
        table.explain_text(ROWS[4])
    assert table.explain_text(ROWS[2]) == f"EXPLAIN\n{ROWS[2].query}"
    assert table.explain_text(ROWS[0]).splitlines()[-2:] == ["EXPLAIN", ROWS[0].query]
    table.set_server_version(160004)
    assert table.explain_text(ROWS[0]) == f"EXPLAIN (GENERIC_PLAN)\n{ROWS[0].query}"


def test_message_replaces_the_rows():
    table = TopSqlTable()
    table.set_rows(ROWS)
    table.set_message("pg_stat_statements is not installed: CREATE EXTENSION pg_stat_statements")
    assert table.visible == [] and table.count_text() == "0 statements" and "CREATE EXTENSION" in table.note


def test_cells_read_as_a_dba_reads_them():
    table = TopSqlTable()
    s = ROWS[2]
    assert table.cell(s, "total_ms") == "1.90 s" and table.cell(s, "mean_ms") == "950 ms"
    assert table.cell(s, "share") == "63.0 %" and table.cell(s, "shared_blks_read") == "50,000"
    assert table.cell(s, "hit_ratio") == "0.0 %" and table.cell(ROWS[1], "hit_ratio") == ""
    assert table.cell(ROWS[3], "query") == "<text not known>"
    long = stmt(9, "SELECT\n  " + "x, " * 200 + "1")
    text = table.cell(long, "query")
    assert "\n" not in text and len(text) == 160 and text.endswith("…")
    assert [duration_ms_text(v) for v in (0.123, 4.56, 845, 1234, 75_000, 3_725_000)] == [
        "0.12 ms", "4.6 ms", "845 ms", "1.23 s", "1 min 15 s", "1 h 02 min"]
    assert duration_ms_text(math.nan) == ""


_stmts = st.lists(st.builds(
    stmt, st.integers(-2 ** 63, 2 ** 63 - 1),
    st.one_of(st.none(), st.text(max_size=20)),
    calls=st.integers(0, 10 ** 6), total_ms=st.floats(0, 1e9), hit=st.integers(0, 10 ** 6),
    read=st.integers(0, 10 ** 6), user=st.one_of(st.none(), st.text(max_size=5)),
    userid=st.integers(0, 3)), max_size=20)


@given(_stmts, st.sampled_from(KEYS), st.booleans(), st.text(max_size=6))
def test_visible_rows_are_the_filtered_rows_in_order_with_unknowns_last(rows, key, descending, words):
    table = TopSqlTable()
    table.set_rows(rows)
    table.set_filter(words)
    table.sort_by(key, descending)
    assert sorted(map(id, table.visible)) == sorted(
        id(r) for r in rows if all(w in " ".join(x for x in (r.query, r.user, r.database, str(r.queryid)) if x).lower()
                                   for w in words.lower().split()))
    values = [getattr(r, key) for r in table.visible]
    known = [v.lower() if isinstance(v, str) else v for v in values if v is not None]
    assert values[len(known):] == [None] * (len(values) - len(known))  # unknowns at the end
    assert known == sorted(known, reverse=descending)


def test_mysql_titles_hidden_columns_and_the_digest_note_above_explain():
    from aurora_console.ui.performance.top_sql_table import COLUMNS

    table = TopSqlTable()
    seen = []
    table.changed.connect(lambda: seen.append(table.engine))
    digest = stmt(7, "SELECT `n` FROM `items` WHERE ID = ? ", read=400)
    table.set_rows([digest])
    assert table.columns is COLUMNS and table.hidden_keys == frozenset()
    assert table.explain_text(digest).startswith("EXPLAIN")
    table.set_engine("mysql")
    assert seen[-1] == "mysql"
    titles = {c.key: c.title for c in table.columns}
    assert titles["shared_blks_read"] == "Rows examined" and titles["temp_blks"] == "Tmp disk tables"
    assert [c.key for c in table.columns] == list(KEYS)  # same keys and places
    assert {"shared_blks_hit", "hit_ratio", "blk_io_ms", "user"} == table.hidden_keys
    assert table.cell(digest, "shared_blks_read") == "400"
    text = table.explain_text(digest)
    assert text.startswith("-- performance_schema wrote ? where the statement had constants")
    assert text.endswith("EXPLAIN\nSELECT `n` FROM `items` WHERE ID = ?")
    table.set_engine("mysql")
    assert len(seen) == 2  # no change, no re-render
