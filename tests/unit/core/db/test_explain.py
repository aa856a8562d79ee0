"""The EXPLAIN statement another screen opens in the SQL editor (Top SQL's "Open in SQL editor
with EXPLAIN"): which statements EXPLAIN plans, the $n parameters pg_stat_statements writes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.db.explain import (
    EXPLAINABLE,
    explain_text,
    explainable,
    statement_parameters,
)


def test_parameters_are_found_outside_strings_identifiers_and_comments():
    sql = """SELECT $1, '$2', "x$3", $$ $4 $$, E'\\$5', x$6 /* $7 */ -- $8
             FROM t WHERE a = $12 AND b = $1"""
    assert statement_parameters(sql) == [1, 12]
    assert statement_parameters("SELECT 1") == []


def test_explainable_by_first_word_after_comments_and_parentheses():
    for sql in ("select 1", "  WITH x AS (SELECT 1) SELECT * FROM x", "/* c */ -- d\n((SELECT 1) UNION (SELECT 2))",
                "insert into t values ($1)", "UPDATE t SET a = $1", "delete from t", "MERGE INTO t USING s ON true "
                "WHEN MATCHED THEN DELETE", "values (1)", "table t", "execute q(1)", "declare c cursor for select 1"):
        assert explainable(sql), sql
    for sql in ("vacuum t", "CREATE INDEX i ON t (a)", "copy t to stdout", "begin", "SET x = 1", "", "  -- only\n",
                "'select'", '"select" from t', None, 42):
        assert not explainable(sql), sql


def test_explain_text_without_parameters_is_runnable_as_is():
    assert explain_text("  select * from t where id = 7 ;\n") == "EXPLAIN\nselect * from t where id = 7"


def test_explain_text_with_parameters_uses_generic_plan_from_16_else_says_what_to_do():
    sql = "SELECT * FROM t WHERE a = $1 AND b = $2"
    assert explain_text(sql, server_version=160002) == f"EXPLAIN (GENERIC_PLAN)\n{sql}"
    for version in (None, 150018):
        text = explain_text(sql, server_version=version)
        *comments, explain, body = text.split("\n")
        assert all(c.startswith("-- ") for c in comments) and "$1..$2" in comments[0]
        assert "GENERIC_PLAN" in " ".join(comments) and "16" in " ".join(comments)
        assert explain == "EXPLAIN" and body == sql
    assert "wrote $3 where" in explain_text("select $3")


_fragment = st.one_of(
    st.sampled_from([" ", "\n", "a", "t.b", "=", ",", "(", ")", "1", "+", "x$"]),
    st.builds(lambda s: "'" + s.replace("'", "''") + "'", st.text(alphabet="ab$12 '", max_size=6)),
    st.builds(lambda s: "/* " + s.replace("*/", "") + " */", st.text(alphabet="ab$12 ", max_size=6)),
    st.builds(lambda s: " $q$" + s.replace("$q", "") + "$q$", st.text(alphabet="ab$12 ", max_size=6)),  # a space: x$$q$ is a word
)


@given(st.lists(st.one_of(_fragment, st.integers(1, 40).map(lambda n: f" ${n} ")), max_size=25))
def test_parameters_are_exactly_the_ones_put_outside_quotes(parts):
    sql = "SELECT " + "".join(parts)
    wanted = sorted({int(p.strip()[1:]) for p in parts if p.startswith(" $") and not p.startswith(" $q$")})
    assert statement_parameters(sql) == wanted


@given(st.sampled_from(sorted(EXPLAINABLE) + ["vacuum", "create", "copy", "show"]),
       st.lists(st.sampled_from([" ", "\n", "(", "/* c */", "-- c\n"]), max_size=5),
       st.sampled_from(["", " 1", " * from t"]))
def test_comments_and_parentheses_before_the_first_word_change_nothing(word, prefix, rest):
    sql = "".join(prefix) + word.upper() + rest
    assert explainable(sql) == (word in EXPLAINABLE)


@given(st.text(max_size=60), st.one_of(st.none(), st.integers(90000, 180000)))
def test_explain_text_keeps_the_statement_and_starts_its_sql_with_explain(sql, version):
    text = explain_text(sql, server_version=version)
    lines = text.split("\n")
    first_sql = next(line for line in lines if not line.startswith("-- "))
    assert first_sql in ("EXPLAIN", "EXPLAIN (GENERIC_PLAN)")
    body = sql.strip()
    body = body[:-1].rstrip() if body.endswith(";") else body
    assert text.endswith(body)
