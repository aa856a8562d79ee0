"""Statement splitter: examples and Hypothesis properties."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.db import sql_split
from aurora_console.core.db.sql_split import LineIndex, error_location, split_sql, statement_at

pytestmark = pytest.mark.unit


def texts(script: str) -> list[str]:
    return [s.text for s in split_sql(script)]


def test_simple_and_offsets():
    script = "select 1;\n  select 2 ;\n\nselect 3"
    stmts = split_sql(script)
    assert [s.text for s in stmts] == ["select 1", "select 2", "select 3"]
    assert [s.line for s in stmts] == [1, 2, 4]
    assert [s.terminated for s in stmts] == [True, True, False]
    for s in stmts:
        assert script[s.start : s.end] == s.text


def test_strings_identifiers_comments_do_not_split():
    script = (
        "select 'a;b', 'it''s;', E'x\\';y', \"weird;name\" from t; -- c;omment\n"
        "select /* a /* nested; */ still; */ 2;"
    )
    assert texts(script) == [
        "select 'a;b', 'it''s;', E'x\\';y', \"weird;name\" from t",
        "select /* a /* nested; */ still; */ 2",
    ]


def test_dollar_quotes():
    script = (
        "create function f() returns int as $$ begin; return 1; end $$ language plpgsql;\n"
        "select $tag$ ; $$ ; $tag$;\n"
        "select $1, a$b from x;"
    )
    assert texts(script) == [
        "create function f() returns int as $$ begin; return 1; end $$ language plpgsql",
        "select $tag$ ; $$ ; $tag$",
        "select $1, a$b from x",
    ]


def test_begin_atomic_bodies():
    script = (
        "CREATE OR REPLACE FUNCTION f(a int) RETURNS int LANGUAGE sql\n"
        "BEGIN ATOMIC\n  SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END;\n  SELECT a + 1;\nEND;\n"
        "create procedure p() begin atomic insert into t values (1); end;\n"
        "BEGIN; select 1; END;"
    )
    out = texts(script)
    assert len(out) == 5
    assert out[0].startswith("CREATE OR REPLACE FUNCTION") and out[0].endswith("END")
    assert out[1] == "create procedure p() begin atomic insert into t values (1); end"
    assert out[2:] == ["BEGIN", "select 1", "END"]



def test_begin_atomic_body_words_in_any_ascii_case_only():
    # psql compares BEGIN/CASE/END with pg_strcasecmp: ASCII case only, so BeGiN counts and a
    # word that only Unicode case folding would take for CASE (long s, U+017F) does not
    script = (
        "Create Function f() Returns int BeGiN AtOmIc SeLeCt CaSe WhEn true ThEn 1 EnD; eNd;\n"
        "create function g() returns int begin atomic select ca\u017fe; end;\n"
        "select 2;"
    )
    assert texts(script) == [
        "Create Function f() Returns int BeGiN AtOmIc SeLeCt CaSe WhEn true ThEn 1 EnD; eNd",
        "create function g() returns int begin atomic select ca\u017fe; end",
        "select 2",
    ]

def test_parentheses_keep_semicolons():
    assert texts("select (1;2); select 3") == ["select (1;2)", "select 3"]


def test_comment_only_pieces_dropped_and_leading_comments_trimmed():
    script = "-- header\n/* x */ select 1; -- tail\n ; ;"
    stmts = split_sql(script)
    assert [s.text for s in stmts] == ["select 1"]
    assert stmts[0].line == 2


def test_unterminated_string_runs_to_end():
    assert texts("select 'abc; select 2") == ["select 'abc; select 2"]
    assert texts("select 1 /* open; select 2") == ["select 1"]


def test_statement_at_cursor():
    script = "select 1;   \nselect 2;\n\nselect 3"
    stmts = split_sql(script)
    assert statement_at(stmts, 0).text == "select 1"
    assert statement_at(stmts, script.index(";") + 2).text == "select 1"
    assert statement_at(stmts, script.index("select 2") + 3).text == "select 2"
    assert statement_at(stmts, len(script)).text == "select 3"
    assert statement_at([], 0) is None


def test_error_location_maps_server_position():
    script = "select 1;\n\nselect\n  1/0 frm;"
    stmt = split_sql(script)[1]
    pos = stmt.text.index("frm") + 1  # server positions are 1-based
    offset, line, col = error_location(script, stmt, pos)
    assert script[offset : offset + 3] == "frm"
    assert (line, col) == (4, 7)
    assert error_location(script, stmt, None) is None


def test_line_index_roundtrip():
    idx = LineIndex("ab\ncd\n\nef")
    assert idx.line_col(0) == (1, 1)
    assert idx.line_col(4) == (2, 2)
    assert idx.line_col(7) == (4, 1)
    assert idx.offset(4, 2) == 8


# --- properties -------------------------------------------------------------------------------

_word = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True).filter(
    lambda w: w not in ("begin", "end", "case", "create", "e")
)
_string = st.text(alphabet="ab;'$\"-/* \n", max_size=8).map(lambda s: "'" + s.replace("'", "''") + "'")
_estring = st.text(alphabet="ab;'\\\n", max_size=8).map(
    lambda s: "E'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"
)
_qident = st.text(alphabet="ab; '\"", min_size=1, max_size=8).map(lambda s: '"' + s.replace('"', '""') + '"')
_dollar = st.tuples(st.sampled_from(["", "tag", "q1"]), st.text(alphabet="ab;' \n-*/", max_size=10)).map(
    lambda t: f"${t[0]}${t[1]}${t[0]}$"
)
_block = st.text(alphabet="ab; '\n", max_size=8).map(lambda s: f"/* {s} /* {s} */ */")
_line = st.text(alphabet="ab; '", max_size=8).map(lambda s: f"-- {s}\n")
_number = st.integers(0, 999).map(str)
_piece = st.one_of(
    _word, _string, _estring, _qident, _dollar, _block, _line, _number, st.just("("), st.just(")")
)
_significant = st.one_of(_word, _string, _estring, _qident, _dollar, _number)


@st.composite
def statements(draw):
    head = draw(_word)
    middle = draw(st.lists(_piece, max_size=6))
    tail = draw(_significant)
    # balance parentheses so a ';' is never swallowed by an open '('
    depth = 0
    fixed = []
    for p in middle:
        if p == ")" and depth == 0:
            continue
        depth += p == "("
        depth -= p == ")"
        fixed.append(p)
    fixed.extend(")" * depth)
    return " ".join([head, *fixed, tail])


@settings(max_examples=300, deadline=None)
@given(st.lists(statements(), min_size=1, max_size=6), st.sampled_from([";", ";\n", " ; ", ";\n\n-- x\n"]))
def test_join_then_split_roundtrips(stmts, sep):
    script = sep.join(stmts)
    got = split_sql(script)
    assert [s.text for s in got] == stmts
    for s in got:
        assert script[s.start : s.end] == s.text
        assert s.line == script.count("\n", 0, s.start) + 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_string, _estring, _qident, _dollar, _block, _line), min_size=1, max_size=5))
def test_no_split_inside_quotes_or_comments(pieces):
    script = "select " + " ".join(pieces) + " x"
    got = split_sql(script)
    assert [s.text for s in got] == [script]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab;'\"$-/*\\()\n E", max_size=60))
def test_arbitrary_text_offsets_slice_original(script):
    got = split_sql(script)
    prev_stop = 0
    for s in got:
        assert script[s.start : s.end] == s.text
        assert s.text and not s.text[0].isspace()  # trailing space only inside an open quote
        assert prev_stop <= s.start <= s.end <= s.stop
        prev_stop = s.stop


# --- psql's rules (each checked against psql 15 in tests/integration/sql/test_sql_split_psql.py) --


def test_standard_conforming_strings_off_for_the_session():
    script = "select 'a\\'b; select 1'; select 2"
    assert texts(script) == ["select 'a\\'b", "select 1'; select 2"]
    stmts = split_sql(script, standard_conforming_strings=False)
    assert [s.text for s in stmts] == ["select 'a\\'b; select 1'", "select 2"]
    assert all(not s.standard_conforming_strings for s in stmts)


@pytest.mark.parametrize(
    "setting",
    ["set standard_conforming_strings = off", "SET standard_conforming_strings TO false",
     "set standard_conforming_strings = 0", "set standard_conforming_strings = 'no'",
     "SET SESSION standard_conforming_strings = OF", 'set "standard_conforming_strings" to f'],
)
def test_set_standard_conforming_strings_off_applies_from_the_next_line(setting):
    script = f"{setting}; select 'x\\'; select 9;\nselect 'a\\'b; select 1';\nselect 2;"
    # psql reads the new value before the next line: the rest of this line keeps the old one
    assert texts(script) == [setting, "select 'x\\'", "select 9", "select 'a\\'b; select 1'", "select 2"]
    assert [s.standard_conforming_strings for s in split_sql(script)] == [True, True, True, False, False]


def test_set_and_reset_of_standard_conforming_strings():
    script = (
        "set standard_conforming_strings = off;\n"
        "select 'a\\'; b';\n"
        "reset standard_conforming_strings;\n"
        "select 'c\\'; select 2;\n"
        "set standard_conforming_strings = off;\n"
        "reset all;\n"
        "select 'd\\'; select 3;\n"
        "set standard_conforming_strings to off;\n"
        "set standard_conforming_strings to default;\n"
        "select 'e\\'; select 4;\n"
    )
    out = texts(script)
    assert "select 'a\\'; b'" in out
    assert "select 'c\\'" in out and "select 2" in out
    assert "select 'd\\'" in out and "select 3" in out
    assert "select 'e\\'" in out and "select 4" in out


def test_transactions_undo_or_keep_the_setting():
    rollback = "begin;\nset standard_conforming_strings = off;\nrollback;\nselect 'a\\'; select 1;\n"
    assert texts(rollback)[-2:] == ["select 'a\\'", "select 1"]
    commit = "begin;\nset standard_conforming_strings = off;\ncommit;\nselect 'a\\'; b';\n"
    assert texts(commit)[-1] == "select 'a\\'; b'"
    local = "begin;\nset local standard_conforming_strings = off;\nselect 'a\\'; b';\ncommit;\nselect 'c\\'; d;"
    assert texts(local)[2:] == ["select 'a\\'; b'", "commit", "select 'c\\'", "d"]
    outside = "set local standard_conforming_strings = off;\nselect 'a\\'; b;"
    assert texts(outside)[1:] == ["select 'a\\'", "b"]
    savepoint = (
        "begin;\nsavepoint s;\nset standard_conforming_strings = off;\nrollback to savepoint s;\n"
        "select 'a\\'; b;"
    )
    assert texts(savepoint)[-2:] == ["select 'a\\'", "b"]


def test_line_comment_ends_at_a_bare_carriage_return():
    assert texts("select 1; -- note\rselect 2; -- note\r\nselect 3") == ["select 1", "select 2", "select 3"]


def test_only_postgres_whitespace_separates_words():
    # NBSP and the other Unicode spaces are identifier characters to PostgreSQL
    stmts = split_sql("\u00a0select 1;\u2003;\tselect 2;")
    assert [s.text for s in stmts] == ["\u00a0select 1", "\u2003", "select 2"]
    assert [s.text for s in split_sql("\f\vselect 1;")] == ["select 1"]


def test_copy_from_stdin_data_is_not_sql():
    script = "copy t (a, b) from stdin;\n1\tx; drop table t;\n\\N\t'\n\\.\nselect 1;\ncopy t from stdin;\n"
    stmts = split_sql(script)
    assert [s.text for s in stmts] == ["copy t (a, b) from stdin", "select 1", "copy t from stdin"]
    first = stmts[0]
    assert script[first.data_start : first.data_end] == "1\tx; drop table t;\n\\N\t'\n"
    assert stmts[1].data_start is None
    assert stmts[2].data_start == stmts[2].data_end == len(script)  # no data before the end
    assert [s.text for s in split_sql("copy t to stdout;\nselect 1;")] == ["copy t to stdout", "select 1"]


_fragment = st.sampled_from(
    list("ab eEbBxXnNuU&'\"$;()-/*\\\n\r\t:.01_\u00a0\u00e9\v")
    + ["set standard_conforming_strings = off;", "reset all;", "begin;", "commit;", "rollback;",
       "copy t from stdin;\n", "\n\\.\n", "create function f() begin atomic ", " end", " case ", "1e",
       "$$", "$a$", "/*", "*/", "--"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_fragment, max_size=40).map("".join), st.booleans())
def test_any_script_splits_into_valid_statements(script, conforming):
    """Never crashes; offsets, lines and COPY data blocks are consistent with the text."""
    prev_stop = 0
    for s in split_sql(script, standard_conforming_strings=conforming):
        assert script[s.start : s.end] == s.text and s.text
        assert s.text == s.text.strip(" \t\n\r\f\v")
        assert s.start <= s.end <= s.stop and prev_stop <= s.stop
        assert s.line == script.count("\n", 0, s.start) + 1
        assert s.end_line == script.count("\n", 0, s.end - 1) + 1
        if s.data_start is not None:
            assert s.stop <= s.data_start <= s.data_end <= len(script)
        prev_stop = s.stop


# --- the bulk path (whole ordinary statements per regex match) against the token loop ----------


def _split_token_by_token(script: str, **kwargs):
    """split_sql with its bulk path switched off: every statement goes through the token loop."""
    never = re.compile("")  # matches nothing, as _PLAINS does where a statement needs a look
    saved = sql_split._PLAINS
    sql_split._PLAINS = ((never, never), (never, never))
    try:
        return split_sql(script, **kwargs)
    finally:
        sql_split._PLAINS = saved


_head = st.sampled_from(
    ["select", "SET search_path TO x", "set standard_conforming_strings = off", "SET LOCAL standard_conforming_strings TO on",
     "set session standard_conforming_strings = off", 'SET "standard_conforming_strings" = on', "reset all",
     "RESET standard_conforming_strings", "reset work_mem", "begin", "BEGIN ISOLATION LEVEL SERIALIZABLE", "commit",
     "rollback", "end", "abort", "savepoint s", "rollback to s", "release s", "prepare p as select", "start transaction",
     "discard all", "create table t", "CREATE FUNCTION f() RETURNS int BEGIN ATOMIC select 1; select 2; END",
     "create or replace procedure p() begin atomic select 1; end", "create or replace view v as select",
     "copy t from stdin", "copy t to stdout", "e'x'", "u&'x'", "settings", "commitment", "x$y", "é"]
)
_tail = st.sampled_from(["", " 1", " 'a''b'", " E'a\\'b'", " 'a\\'", " $$x;y$$", " $t$;$t$", ' "q;"', " (1, (2, (3, (4))))",
                         " -- c\n", " /* c */", " /* a /* b */ c */ x", " a$b", " $1", " 1e'x'"])
_separator = st.sampled_from([";", ";\n", " ;\n", "\n;\n", ";\n\\.\n", ";\n-- note\n", "; "])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_head, _tail, _separator), min_size=1, max_size=8), st.booleans())
def test_bulk_path_gives_the_statements_of_the_token_loop(parts, conforming):
    script = "".join(h + t + sep for h, t, sep in parts)
    assert split_sql(script, standard_conforming_strings=conforming) == _split_token_by_token(
        script, standard_conforming_strings=conforming
    )


def test_bulk_path_gives_the_statements_of_the_token_loop_on_the_regression_corpus():
    # every file as it is (psql's meta-commands are SQL text to both paths)
    tests = next(p for p in Path(__file__).resolve().parents if (p / "data" / "pg_regress").is_dir())
    corpus = tests / "data" / "pg_regress" / "sql"
    count = 0
    for path in sorted(corpus.glob("*.sql")):
        script = path.read_text(encoding="utf-8", errors="replace")
        got = split_sql(script)
        assert got == _split_token_by_token(script), path.name
        count += len(got)
    assert count > 40_000


def test_identifier_character_classes_are_postgres_sets_on_every_code_point():
    # written as ASCII complements for speed: the same sets as psqlscan.l's ident_start/ident_cont
    def ident_start(c: str) -> bool:
        return c.isascii() is False or c == "_" or ("a" <= c.lower() <= "z" and c.isascii())

    classes = {
        sql_split._IDENT_START: ident_start,
        sql_split._IDENT_CONT: lambda c: ident_start(c) or c in "0123456789$",
        sql_split._VAR_CHAR: lambda c: ident_start(c) or c in "0123456789",
        sql_split._IDENT_START_OR_DOLLAR: lambda c: ident_start(c) or c == "$",
    }
    text = "".join(map(chr, range(0x110000)))
    for cls, want in classes.items():
        matched = set(re.findall(cls, text))
        assert matched == {c for c in text if want(c)}, cls


# --- the cyclic garbage collector during a split ---------------------------------------------------

_MIXED_SCRIPT = (
    "select 1;\nset standard_conforming_strings = off;\nselect 'a\\'b; c';\nbegin;\nsavepoint s;\n"
    "rollback to s;\ncommit;\ncopy t from stdin;\n1\t2\n\\.\n"
    "create function f() returns int begin atomic select case when true then 1 end; end;\n"
    "do $$ begin perform 1; end $$;\nselect E'x', (1, (2));\n"
) * 200


def test_split_holds_the_cyclic_collector_off_and_restores_it():
    import gc

    collections: list[int] = []

    def record(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    assert gc.isenabled()
    gc.callbacks.append(record)
    try:
        statements = split_sql(_MIXED_SCRIPT)
    finally:
        gc.callbacks.remove(record)
    # thousands of Statements, yet no collection ran while they were made (each would scan them)
    assert len(statements) > 2_000 and collections == []
    assert gc.isenabled()

    gc.disable()  # a caller that runs with the collector off keeps it off
    try:
        split_sql("select 1; select 2;")
        assert not gc.isenabled()
    finally:
        gc.enable()

    with pytest.raises(TypeError):
        split_sql(None)  # type: ignore[arg-type]
    assert gc.isenabled()  # restored when the split fails too


def test_split_leaves_no_cyclic_garbage():
    """What makes holding the collector off harmless: everything a split makes is freed by
    reference counting (or kept, acyclic, in the Statements)."""
    import gc

    gc.collect()
    statements = split_sql(_MIXED_SCRIPT)
    split_sql(_MIXED_SCRIPT, standard_conforming_strings=False)
    assert all(type(v) in (str, int, bool, type(None)) for v in statements[0]) and len(statements) > 2_000
    del statements
    assert gc.collect() == 0
