"""normalised_sql: a statement as logged (constants, or $n parameters) and the same statement as
pg_stat_statements shows it ($n for each constant, whitespace/case/comments as first written)
have one key; different statements keep different keys. The real server's texts are compared
in tests/integration/db/test_normalised_sql_pg.py."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.db.normalised_sql import normalised_sql


@pytest.mark.parametrize(("logged", "shown"), [
    ("SELECT * FROM t WHERE id = 42", "select * from t where id = $1"),
    ("SELECT * FROM t WHERE id=-42;", "SELECT * FROM t WHERE id = $1"),
    ("select 'it''s', E'a\\'b', $$x$$, 1.5e3, .5", "SELECT $1, $2, $3, $4, $5"),
    ("UPDATE t SET a = 'x'\n   'y' WHERE b IS NULL AND c = true", "UPDATE t SET a = $1 WHERE b IS $2 AND c = $3"),
    ("SELECT * FROM t WHERE id IN (1, 2, 3)", "SELECT * FROM t WHERE id IN ($1 /*, ... */)"),
    ("SELECT ARRAY[1,2]", "SELECT ARRAY[$1,$2]"),
    ("SELECT x - 1 FROM t -- why\n", "SELECT x - $1 FROM t"),
    ("SELECT \"Name\" /* c */ FROM t LIMIT 10", "select \"Name\" from T limit $1"),
    ("SELECT v FROM t WHERE id = $1", "SELECT v FROM t WHERE id = $1"),  # extended protocol: logged with $n
])
def test_a_logged_statement_and_its_pg_stat_statements_text_have_one_key(logged, shown):
    assert normalised_sql(logged) == normalised_sql(shown)


@pytest.mark.parametrize(("a", "b"), [
    ("SELECT a FROM t", "SELECT b FROM t"),
    ('SELECT "A" FROM t', "SELECT a FROM t"),  # a quoted identifier keeps its case
    ("SELECT a FROM t WHERE x = 1", "SELECT a FROM t WHERE x > 1"),
    ("SELECT f(1, 2)", "SELECT f(1, x)"),
])
def test_different_statements_keep_different_keys(a, b):
    assert normalised_sql(a) != normalised_sql(b)


def test_empty_text_has_an_empty_key():
    assert normalised_sql("") == normalised_sql("  -- only a comment\n;") == ""


# -- properties ----------------------------------------------------------------------------------
IDENT = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda w: w not in ("true", "false", "null", "e", "b", "x", "n", "u"))
CONSTANT = st.one_of(
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9).map(repr),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
      .map(lambda s: "'" + s.replace("'", "''") + "'"),
    st.sampled_from(["TRUE", "false", "NULL"]),
)
OPERATOR = st.sampled_from(["=", "<", ">=", "<>", "+", "*"])


@st.composite
def statements(draw):
    """(logged text, pg_stat_statements text): the same shape, constants vs $n, with the
    whitespace and case of each drawn independently."""
    space = st.sampled_from([" ", "  ", "\n", "\t", " /* c */ "])
    table = draw(IDENT)
    conds = draw(st.lists(st.tuples(IDENT, OPERATOR, CONSTANT), min_size=1, max_size=4))
    logged = ["SELECT", "*", "FROM", table, "WHERE"]
    shown = ["select", "*", "from", table.upper(), "where"]
    for n, (col, op, const) in enumerate(conds, 1):
        if n > 1:
            logged.append("AND")
            shown.append("and")
        logged += [col, op, const]
        shown += [col.upper(), op, f"${n}"]
    join = lambda words: "".join(w + draw(space) for w in words)  # noqa: E731
    return join(logged), join(shown)


@given(statements())
def test_property_constants_whitespace_case_and_comments_never_change_the_key(pair):
    logged, shown = pair
    assert normalised_sql(logged) == normalised_sql(shown)


@given(st.text(max_size=200))
def test_property_any_text_has_a_key_and_the_same_one_each_time(text):
    key = normalised_sql(text)
    assert isinstance(key, str) and key == normalised_sql(text)
    assert not key.startswith(" ") and not key.endswith(" ")


@given(IDENT, IDENT)
def test_property_a_different_column_is_a_different_statement(a, b):
    if a != b:
        assert normalised_sql(f"SELECT {a} FROM t WHERE id = 1") != normalised_sql(f"SELECT {b} FROM t WHERE id = $1")


# -- digest_sql: Performance Insights' readable form ------------------------------------------------
@pytest.mark.parametrize(("text", "digest"), [
    ("SELECT * FROM posts WHERE id = 42", "SELECT * FROM posts WHERE id = ?"),
    ("SELECT 'it''s', 1.5e3, -7 FROM t2", "SELECT ?, ?, ? FROM t2"),
    ("SELECT  $1,\n  col_1 FROM t", "SELECT $1, col_1 FROM t"),
    ("SELECT x-7, x - 7, f(-1), $$a$$, 'a'\n  'b'", "SELECT x-?, x - ?, f(?), ?, ?"),
    ('SELECT "col 1" /* 42 */ FROM t', 'SELECT "col 1" /* 42 */ FROM t'),  # names and comments as written
])
def test_digest_sql(text, digest):
    from aurora_console.core.db.normalised_sql import digest_sql

    assert digest_sql(text) == digest


@given(st.text(max_size=200))
def test_property_digest_sql_is_idempotent(text):
    from aurora_console.core.db.normalised_sql import digest_sql

    once = digest_sql(text)
    assert digest_sql(once) == once
