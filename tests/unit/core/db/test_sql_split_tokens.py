"""The SQL lexer (``tokenize``): token kinds as psql's lexer sees them, and Hypothesis properties.

Rules learnt from PostgreSQL's psql lexer, src/fe_utils/psqlscan.l (github.com/postgres/postgres).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aurora_console.core.db.sql_split import Token, split_sql, tokenize

pytestmark = pytest.mark.unit


def toks(text: str, **kwargs) -> list[tuple[str, str]]:
    return [(t.kind, text[t.start : t.end]) for t in tokenize(text, **kwargs)]


def significant(text: str, **kwargs) -> list[tuple[str, str]]:
    return [t for t in toks(text, **kwargs) if t[0] not in ("space", "comment")]


def test_token_is_a_named_tuple_of_kind_start_end():
    first = next(tokenize("select 1"))
    assert first == Token("ident", 0, 6)
    assert (first.kind, first.start, first.end) == ("ident", 0, 6)


def test_every_kind():
    text = "select \"a\"\"b\", $q$x;$q$, (1); -- c\n/* d */ +"
    assert toks(text) == [
        ("ident", "select"), ("space", " "), ("quoted_ident", '"a""b"'), ("other", ","),
        ("space", " "), ("dollar_string", "$q$x;$q$"), ("other", ","), ("space", " "),
        ("open_paren", "("), ("other", "1"), ("close_paren", ")"), ("semicolon", ";"),
        ("space", " "), ("comment", "-- c"), ("space", "\n"), ("comment", "/* d */"),
        ("space", " "), ("other", "+"),
    ]


def test_string_prefixes_belong_to_the_string_token():
    text = "E'a\\'b' e'x' B'01' b'1' X'ff' x'0' N'n' n'm' U&'d' u&'e'"
    assert [k for k, _ in significant(text)] == ["string"] * 10
    assert significant(text)[0] == ("string", "E'a\\'b'")


def test_uescape_clause_is_not_part_of_the_unicode_string():
    assert significant("U&'d!0061t' UESCAPE '!'") == [
        ("string", "U&'d!0061t'"), ("ident", "UESCAPE"), ("string", "'!'"),
    ]


def test_unicode_quoted_identifier():
    assert significant('select U&"d\\0061t"') == [("ident", "select"), ("quoted_ident", 'U&"d\\0061t"')]


def test_prefix_letter_inside_a_word_is_not_a_prefix():
    # psql: the identifier rule takes the longest match, so fooe'x' is fooe then 'x'
    assert significant("fooe'x' ub'y'") == [
        ("ident", "fooe"), ("string", "'x'"), ("ident", "ub"), ("string", "'y'"),
    ]


def test_backslash_in_plain_string_depends_on_standard_conforming_strings():
    text = "select 'a\\'b; select 1'"
    assert significant(text) == [
        ("ident", "select"), ("string", "'a\\'"), ("ident", "b"), ("semicolon", ";"),
        ("ident", "select"), ("other", "1"), ("string", "'"),
    ]
    assert significant(text, standard_conforming_strings=False) == [
        ("ident", "select"), ("string", "'a\\'b; select 1'"),
    ]
    # E'' strings escape either way; B'' and U&'' never do
    assert significant("E'\\''", standard_conforming_strings=True) == [("string", "E'\\''")]
    assert significant("B'\\' x", standard_conforming_strings=False) == [
        ("string", "B'\\'"), ("ident", "x"),
    ]


def test_string_continuation_only_within_a_line_as_psql_reads_it():
    # psql lexes a script line by line without the newline, so 'a' newline 'b' are two strings
    # (checked against psql 15: E'a' newline 'b\'; ends the statement at that ';')
    text = "select E'a'\n'b\\'; c'"
    assert significant(text)[1:4] == [("string", "E'a'"), ("string", "'b\\'"), ("semicolon", ";")]
    # a bare carriage return is a newline inside one psql line: the string goes on, as E''
    text = "select E'a'\r  -- c\r  'b\\'; c'"
    assert toks(text)[2:] == [
        ("string", "E'a'"), ("space", "\r  "), ("comment", "-- c"), ("space", "\r  "),
        ("string", "'b\\'; c'"),
    ]
    # without a newline there is no continuation
    assert significant("select E'a' 'b\\'; c'")[2:4] == [("string", "'b\\'"), ("semicolon", ";")]


def test_line_comment_ends_at_carriage_return():
    assert toks("-- c\rselect") == [("comment", "-- c"), ("space", "\r"), ("ident", "select")]


def test_whitespace_is_postgres_whitespace_only():
    # NBSP and other Unicode spaces are identifier characters to PostgreSQL
    assert toks("a\u00a0b\u2003c \t\n\r\f\vd") == [
        ("ident", "a\u00a0b\u2003c"), ("space", " \t\n\r\f\v"), ("ident", "d"),
    ]


def test_dollar_quotes_parameters_and_identifiers_with_dollars():
    assert significant("$a$ $$ $a$ $1 a$b$ $$x$$") == [
        ("dollar_string", "$a$ $$ $a$"), ("other", "$1"), ("ident", "a$b$"), ("dollar_string", "$$x$$"),
    ]
    # a failed delimiter inside the body: $a$x$b$a$ ends at the second $a$
    assert significant("$a$x$b$a$ y") == [("dollar_string", "$a$x$b$a$"), ("ident", "y")]


def test_operators_stop_at_comment_starts():
    assert toks("a+--c\nb*/*x*/c") == [
        ("ident", "a"), ("other", "+"), ("comment", "--c"), ("space", "\n"), ("ident", "b"),
        ("other", "*"), ("comment", "/*x*/"), ("ident", "c"),
    ]


def test_nested_block_comments():
    assert toks("/* a /* b */ c */x") == [("comment", "/* a /* b */ c */"), ("ident", "x")]


def test_unterminated_tokens_run_to_the_end():
    for text, kind in [
        ("'abc", "string"), ("E'a\\", "string"), ('"abc', "quoted_ident"), ("$x$abc", "dollar_string"),
        ("/* a /* b */", "comment"), ("-- x", "comment"),
    ]:
        assert toks(text) == [(kind, text)], text


def test_psql_variables_are_left_to_the_server_lexer():
    # psql would substitute :v; the console sends the text as written, so it lexes as the server
    assert significant("select :v, x::int, :v$$") == [
        ("ident", "select"), ("other", ":"), ("ident", "v"), ("other", ","), ("ident", "x"),
        ("other", "::"), ("ident", "int"), ("other", ","), ("other", ":"), ("ident", "v$$"),
    ]


def test_numbers_as_psql_15_lexes_them():
    # psql 15.18 (trailing junk rules, back-patched to 15): a number and the identifier glued to it
    # are one token, so 1e'x' is 1e then a plain 'x', and 1a$$ opens no dollar quote
    assert significant("1..5 1.5e3 .5 1e'x' 1a$$ 1e+x $1a$$") == [
        ("other", "1"), ("other", ".."), ("other", "5"), ("other", "1.5e3"), ("other", ".5"),
        ("other", "1e"), ("string", "'x'"), ("other", "1a$$"), ("other", "1e+"), ("ident", "x"),
        ("other", "$1a$$"),
    ]


# --- properties -------------------------------------------------------------------------------

_alphabet = st.sampled_from(list("ab eEbBxXnNuU&'\"$;()-/*\\\n\r\t:.01_\u00a0\u00e9\v"))


@settings(max_examples=500, deadline=None)
@given(st.lists(_alphabet, max_size=80).map("".join), st.booleans())
def test_tokens_tile_the_text(text, conforming):
    tokens = list(tokenize(text, standard_conforming_strings=conforming))
    assert "".join(text[t.start : t.end] for t in tokens) == text
    pos = 0
    for t in tokens:
        assert t.start == pos and t.end > t.start
        pos = t.end
    kinds = {t.kind for t in tokens}
    assert kinds <= {"space", "comment", "string", "dollar_string", "quoted_ident", "ident",
                     "semicolon", "open_paren", "close_paren", "other"}


@settings(max_examples=500, deadline=None)
@given(st.lists(_alphabet, max_size=80).map("".join), st.booleans())
def test_splitter_agrees_with_the_lexer(text, conforming):
    """Splitting never crashes, and cuts only at top-level semicolon tokens of the same lexer."""
    statements = split_sql(text, standard_conforming_strings=conforming)
    semicolons = {t.end for t in tokenize(text, standard_conforming_strings=conforming)
                  if t.kind == "semicolon"}
    prev = 0
    for s in statements:
        assert text[s.start : s.end] == s.text
        assert prev <= s.start <= s.end <= s.stop
        if s.terminated:
            assert s.stop in semicolons
        prev = s.stop
