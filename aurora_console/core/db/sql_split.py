"""Split a SQL script into statements exactly where psql does, keeping offsets.

One lexer, learnt from psql's own (``src/fe_utils/psqlscan.l``, which mirrors the server's
``src/backend/parser/scan.l``; github.com/postgres/postgres) and checked against psql 15.18
itself (tests/integration/sql/test_sql_split_psql.py, and PostgreSQL's regression SQL in
tests/unit/core/db/test_sql_split_pg_regress.py), serves two callers:

* :func:`tokenize` yields every token (``space``, ``comment``, ``string``, ``dollar_string``,
  ``quoted_ident``, ``ident``, ``semicolon``, ``open_paren``, ``close_paren``, ``other``); the
  tokens tile the text exactly.
* :func:`split_sql` cuts the script at top-level ``;`` (not inside parentheses, quotes, comments
  or a ``CREATE FUNCTION|PROCEDURE ... BEGIN ATOMIC ... END`` body). For speed it jumps over runs
  of text that cannot matter (words, numbers, operators, spaces, plain strings, balanced
  parentheses) with one regular expression built from the same patterns, and lexes token by
  token only where it must (a quote or '$' right after a word, the first identifiers of a
  CREATE FUNCTION, routine bodies). Most statements of a script need no look at all (one run and
  a ';', a first word that cannot start a transaction, change standard_conforming_strings or be
  followed by COPY data): those are matched whole, many per ``finditer``, and built as
  Statements in bulk, with no Python-level step per statement. The cyclic garbage collector is
  held off while a script is split (a split makes no reference cycles): its passes over tens of
  thousands of new Statements cost a fifth of the time. benchmarks/sql_split.py compares the
  throughput with psql's own lexer.

PostgreSQL's lexical rules it follows (and Python's defaults it must not use):

* whitespace is ``[ \\t\\n\\r\\f\\v]`` only; every non-ASCII character is an identifier character
  (PostgreSQL's ``ident_start`` is ``[A-Za-z\\200-\\377_]``: bytes of UTF-8 sequences);
* a ``--`` comment ends at ``\\n`` *or* ``\\r``; ``/* */`` comments nest;
* strings: ``'...'`` with ``''``; ``E'...'`` with backslash escapes; ``B'...'``/``X'...'``;
  ``N'...'``; ``U&'...'``. SQL's string continuation (``'a'`` newline ``'b'``) does not happen
  in psql, which lexes a script line by line without the newline: only a bare ``\r`` between
  two strings continues the first (in its mode);
* a number and the identifier glued to it are one token (psql 15.18's "trailing junk" rules):
  ``1e'x'`` is ``1e`` then a plain ``'x'``, ``1a$$`` opens no dollar quote;
* with ``standard_conforming_strings = off`` a plain ``'...'`` treats backslash as an escape
  (``'a\\'b; SELECT 1'`` is one string);
* dollar quotes ``$tag$...$tag$``; ``$1`` parameters; identifiers may contain ``$``;
  psql's ``:name`` variables are not lexed apart: psql substitutes them before sending, the
  console sends the text as written (so ``:v$$`` is one identifier-ish run, as for the server).

Script semantics on top of the lexer (what psql does while running a file):

* ``standard_conforming_strings`` follows the script's ``SET``/``RESET`` statements. psql
  itself re-reads the value the server reports (ParameterStatus) before lexing each input line;
  we track it from the text: ``SET [SESSION|LOCAL] standard_conforming_strings {TO|=} value``,
  ``... TO DEFAULT``, ``RESET standard_conforming_strings``, ``RESET ALL`` and ``DISCARD ALL``,
  with ``BEGIN``/``COMMIT``/``ROLLBACK`` (and savepoints) undoing or keeping changes as the
  server would. As in psql, a new value applies from the line after the statement that set it.
  Not modelled: a ``SET`` that fails on the server (for example in an aborted transaction), and
  ``set_config()`` calls.
* ``COPY ... FROM STDIN;`` is followed by data lines up to a line ``\\.``: psql sends them as
  COPY data, never as SQL. The statement's ``data_start``/``data_end`` give that block.

Every :class:`Statement` carries ``start``/``end`` offsets into the original text (so
``text[s.start:s.end] == s.text``) and 1-based line numbers; the editor uses them for "statement
under the cursor" and to map a server error position back to a line and column.

Pure Python, no I/O: shared by the SQL editor and the migrations engine.
"""

from __future__ import annotations

import bisect
import gc
import re
from collections.abc import Iterator
from functools import partial
from itertools import accumulate, chain, compress, product, repeat, takewhile
from operator import add, attrgetter, contains
from typing import NamedTuple

__all__ = [
    "Token",
    "tokenize",
    "Statement",
    "split_sql",
    "statement_at",
    "LineIndex",
    "error_location",
]

# --- the lexer's patterns (one definition; both compiled scanners below are built from them) ---

_SPACE_CHARS = " \t\n\r\f\v"
# Character classes, written as their complement within ASCII: the same sets as
# [A-Za-z_\u0080-\U0010ffff] and so on, but a negated ASCII class compiles and matches faster than
# a range up to U+10FFFF (tests/unit/core/db/test_sql_split.py checks them on every code point).
_IDENT_START = r"[^\x00-@\[-^`{-\x7f]"  # psqlscan.l ident_start: [A-Za-z\200-\377_]
_IDENT_CONT = r"[^\x00-#%-/:-@\[-^`{-\x7f]"  # ident_cont adds digits and $
_VAR_CHAR = r"[^\x00-/:-@\[-^`{-\x7f]"  # psql's variable_char (and dolq_cont): ident_start and digits
_IDENT_START_OR_DOLLAR = r"[^\x00-#%-@\[-^`{-\x7f]"

_P_SPACE = r"[ \t\n\r\f\v]+"
_P_LINE_COMMENT = r"--[^\n\r]*"
_P_BLOCK_COMMENT = r"/\*"
_P_ESTRING = r"[eE]'"
_P_BSTRING = r"[bBxX]'"
_P_NSTRING = r"[nN]'"
_P_USTRING = r"[uU]&'"
_P_UIDENT = r'[uU]&"'
_P_STRING = r"'"
_P_QIDENT = r'"'
_P_DOLLAR = rf"\$(?:{_IDENT_START}{_VAR_CHAR}*)?\$"
_P_PARAM = rf"\$[0-9]+(?:{_IDENT_START}{_IDENT_CONT}*+)?"  # with param_junk: $1a is one token
# an identifier, except where a string prefix (E' B' X' N' U&' U&") starts a longer token
_P_IDENT = rf"""(?![eEbBxXnN]'|[uU]&['"]){_IDENT_START}{_IDENT_CONT}*"""
# numbers as psql 15.18 lexes them: integer, decimal, real, realfail, and the *_junk rules (a
# number and the identifier glued to it are one token: 1e'x' is 1e then 'x', 1a$$ has no dollar
# quote); 1..5 is 1 then '..'
_P_MANTISSA = r"(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)"
_P_NUMBER = (
    rf"(?:[0-9]+(?=\.\.)|{_P_MANTISSA}[eE][-+](?![0-9])"
    rf"|{_P_MANTISSA}(?:[eE][-+]?[0-9]+)?(?:{_IDENT_START}{_IDENT_CONT}*+)?)"
)
_P_PAIR = r"::|\.\."  # typecast and dot_dot
# operator characters; an operator stops where a comment starts (psqlscan.l's {operator} rule)
_P_OPERATOR = r"(?:[~!@#^&|`?+*%<>=]|-(?!-)|/(?!\*))+"
# any other single character that starts no token of its own: , . [ ] : \ $ (not a quote) ...
_P_OTHER_CHAR = r"""[^;()'"\-/ \t\n\r\f\v]"""

_TOKEN = re.compile(
    "|".join(
        [
            f"(?P<space>{_P_SPACE})",
            f"(?P<ident>{_P_IDENT})",  # not a string prefix: those come below
            "(?P<open_paren>\\()",
            "(?P<close_paren>\\))",
            "(?P<semicolon>;)",
            f"(?P<string>{_P_STRING})",
            f"(?P<qident>{_P_QIDENT})",
            f"(?P<line_comment>{_P_LINE_COMMENT})",
            f"(?P<block_comment>{_P_BLOCK_COMMENT})",
            f"(?P<estring>{_P_ESTRING})",
            f"(?P<bstring>{_P_BSTRING})",
            f"(?P<nstring>{_P_NSTRING})",
            f"(?P<ustring>{_P_USTRING})",
            f"(?P<uident>{_P_UIDENT})",
            f"(?P<dollar>{_P_DOLLAR})",
            f"(?P<other>{_P_PARAM}|{_P_NUMBER}|{_P_PAIR}|{_P_OPERATOR}|.)",
        ]
    ),
    re.DOTALL,
)

# String bodies, from just after the opening quote to just after the closing one.
_BODY_STANDARD = re.compile(r"[^']*+(?:''[^']*+)*+'")  # '...' and U&'...': '' is a quote
_BODY_ESCAPE = re.compile(r"[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+'", re.DOTALL)  # E'...': \x too
_BODY_BITS = re.compile(r"[^']*+'")  # B'...' and X'...'
_BODY_QIDENT = re.compile(r'[^"]*+(?:""[^"]*+)*+"')
# SQL string continuation: whitespace holding a newline, then a quote (psqlscan.l quotecontinue).
# psql lexes a script line by line, without the \n, so only a bare \r can continue a string
# there ('a'<newline>'b' is two strings to psql, one to the server).
_CONTINUE = re.compile(r"(?:[ \t\f\v]|--[^\n\r]*+)*+\r(?:[ \t\r\f\v]|--[^\n\r]*+\r)*+'")
_COMMENT_EDGE = re.compile(r"/\*|\*/")

_STANDARD, _ESCAPE, _BITS = 0, 1, 2
_BODIES = (_BODY_STANDARD, _BODY_ESCAPE, _BODY_BITS)
# prefix length and body mode per string token kind (plain strings depend on the session)
_STRING_KINDS = {
    "estring": (2, _ESCAPE),
    "bstring": (2, _BITS),
    "ustring": (3, _STANDARD),
    "nstring": (2, None),
    "string": (1, None),
}


def _string_segment_end(text: str, pos: int, mode: int) -> int:
    """``pos`` is just after an opening quote: the offset just past the closing one (or the end)."""
    m = _BODIES[mode].match(text, pos)
    return m.end() if m else len(text)


def _string_end(text: str, pos: int, mode: int) -> int:
    """Like :func:`_string_segment_end`, following SQL string continuations."""
    end = _string_segment_end(text, pos, mode)
    while end < len(text):
        c = _CONTINUE.match(text, end)
        if c is None:
            break
        end = _string_segment_end(text, c.end(), mode)
    return end


def _block_comment_end(text: str, pos: int) -> int:
    """``pos`` is just after ``/*``; comments nest, as in PostgreSQL."""
    depth = 1
    search = _COMMENT_EDGE.search
    while depth:
        m = search(text, pos)
        if m is None:
            return len(text)
        depth += 1 if m.group() == "/*" else -1
        pos = m.end()
    return pos


def _quoted_ident_end(text: str, pos: int) -> int:
    m = _BODY_QIDENT.match(text, pos)
    return m.end() if m else len(text)


def _dollar_end(text: str, pos: int, delimiter: str) -> int:
    close = text.find(delimiter, pos)
    return len(text) if close < 0 else close + len(delimiter)


# --- the splitter's fast path ------------------------------------------------------------------
#
# One match jumps over what lies between two tokens that matter (spaces and comments without
# nesting: _P_GAP), then over a run of text that cannot end a statement (_P_RUN): characters that
# start no string, quote, comment, dollar quote or parenthesis, whole plain strings and quoted
# identifiers, and '$' inside a word. Whether a quote or a '$' starts a token of its own depends
# on the token before it (psql's longest-match rules: fooe'x' is fooe then 'x', e'x' an E string);
# the run stops there and split_sql decides with _token_starts_at, re-lexing with _TOKEN when it
# cannot tell from one character. The run ends on a significant character, never on a space.

# a line comment or a block comment without nesting
_P_COMMENT = r"(?:--[^\n\r]*+|/\*(?:[^*/]++|\*++(?!/)|/(?!\*))*+\*++/)"
_P_SPACE_OR_COMMENT = rf"(?:[ \t\n\r\f\v]++|{_P_COMMENT})"
# spaces and comments: _P_SPACE_OR_COMMENT*+, written "spaces (comment spaces)*" (the same text,
# in fewer steps of the engine when there is no comment, the usual case)
_P_GAP = rf"[ \t\n\r\f\v]*+(?:{_P_COMMENT}[ \t\n\r\f\v]*+)*+"
_P_WHOLE_STANDARD = r"(?<![eEbBxXnN&])'[^']*+(?:''[^']*+)*+'"
_P_WHOLE_ESCAPE = r"(?<![eEbBxXnN&])'[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+'"
_P_WHOLE_QIDENT = r'"[^"]*+(?:""[^"]*+)*+"'
# inside a run: a '$' after a letter (or after such a '$') continues an identifier (or the
# identifier glued to a number)
_P_WORD_DOLLAR = rf"(?<={_IDENT_START_OR_DOLLAR})\$"
# characters that start nothing (words, numbers, operators, commas ...), spaces inside
_P_CHUNK = r"""[^;()'"$\-/ \t\n\r\f\v][^;()'"$\-/]*+|-(?!-)|/(?!\*)"""


#: the words split_sql looks at first in a statement (routines, settings, transactions, COPY), by
#: their first three letters in any case (those differ)
_HEAD_BY_PREFIX = {
    "".join(variant): w
    for w in ("create", "set", "reset", "discard", "begin", "start", "commit", "end", "rollback", "abort",
              "savepoint", "release", "prepare", "copy")
    for variant in product(*((c, c.upper()) for c in w[:3]))
}


def _is_word_at(text: str, at: int, word: str) -> bool:
    """``word`` (any case) is the whole identifier at ``at``."""
    end = at + len(word)
    return text[at:end].lower() == word and _IDENT_CONT_CHARS.match(text, end) is None


def _run(whole_string: str) -> str:
    """The pattern of a run (see above) with plain strings in the given mode."""
    quiet = f"(?:{_P_CHUNK}|{whole_string}|{_P_WHOLE_QIDENT}|{_P_WORD_DOLLAR})"
    # balanced parentheses (three levels deep) holding only quiet text and no ';' leave the depth
    # as it was: the run takes them too
    group = f"\\((?:{_P_SPACE_OR_COMMENT}|{quiet})*+\\)"
    for _ in range(2):
        group = f"\\((?:{_P_SPACE_OR_COMMENT}|{quiet}|{group})*+\\)"
    quiet = f"(?:{_P_CHUNK}|{whole_string}|{_P_WHOLE_QIDENT}|{_P_WORD_DOLLAR}|{group})"
    return f"(?!\\$){quiet}(?:{_P_GAP}{quiet})*+"


def _scanner(whole_string: str) -> re.Pattern[str]:
    return re.compile(
        _P_GAP
        + "(?:"
        + "|".join(
            [
                # a run, and the ';' after it in the same match when there is one
                f"(?P<run>{_run(whole_string)})(?:{_P_GAP}(?P<run_semicolon>;))?",
                "(?P<open_paren>\\()",
                "(?P<close_paren>\\))",
                "(?P<semicolon>;)",
                "(?P<quote>')",  # a quote the run could not take: a prefix, or unterminated
                "(?P<dollar>\\$)",
                f"(?P<qident>{_P_QIDENT})",  # unterminated
                f"(?P<block_comment>{_P_BLOCK_COMMENT})",  # nested or unterminated
                "(?P<other>.)",
            ]
        )
        + ")",
        re.DOTALL,
    )


# by standard_conforming_strings: False (backslash escapes in '...'), True
_SCANS = (_scanner(_P_WHOLE_ESCAPE), _scanner(_P_WHOLE_STANDARD))

# --- the splitter's fastest path: whole statements, many per call ------------------------------
#
# Most statements of a script are one run and a ';' (at a statement's start the depth is 0 and no
# word goes on), with a first word that needs no closer look. _plain_statements matches one such
# statement (group 1: its text, maybe with trailing spaces), or nothing (an empty match, group
# None) where the next statement needs split_sql's token-by-token loop. Its finditer therefore
# never skips text: split_sql takes its matches up to the first empty one and builds their
# statements in bulk, without a Python-level step per statement.

def _caseless_words(words: list[str]) -> str:
    """A pattern for ``words`` in any ASCII case, as a trie: each branch starts with a character
    class, so the regular expression engine rejects a non-matching word at its first letter."""

    def letter(c: str) -> str:
        return f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c)

    rests_by_first: dict[str, list[str]] = {}
    for w in sorted(set(words)):
        rests_by_first.setdefault(w[0], []).append(w[1:])
    branches = []
    for c, rests in rests_by_first.items():
        longer = [r for r in rests if r]
        if not longer:
            branches.append(letter(c))
        elif len(rests) == 1:  # one word: no branching left
            branches.append(letter(c) + "".join(map(letter, longer[0])))
        else:
            branches.append(f"{letter(c)}{_caseless_words(longer)}{'?' if '' in rests else ''}")
    return branches[0] if len(branches) == 1 and len(words) == 1 else "(?:" + "|".join(branches) + ")"


_NOT_IDENT_CONT = f"(?!{_IDENT_CONT})"
#: first words that always need a look (split_sql's token loop): they may start a transaction, change
#: the setting or be followed by COPY data
_P_HEAD_WORD = _caseless_words(["discard", "begin", "start", "copy"])
#: first words that need a look inside a transaction block only (see _may_change_setting)
_P_TX_HEAD_WORD = _caseless_words(["commit", "end", "rollback", "abort", "savepoint", "release", "prepare"])
#: SET, unless the parameter is a plain identifier that is not standard_conforming_strings
_P_SET_SETTING = (
    f"{_caseless_words(['set'])}{_NOT_IDENT_CONT}"
    f"(?!{_P_GAP}(?:{_caseless_words(['session', 'local'])}{_NOT_IDENT_CONT}{_P_GAP})?+"
    f"(?!{_caseless_words(['standard_conforming_strings'])}{_NOT_IDENT_CONT}){_IDENT_START})"
)
#: RESET, unless what follows is a plain identifier other than ALL and standard_conforming_strings
_P_RESET_SETTING = (
    f"{_caseless_words(['reset'])}{_NOT_IDENT_CONT}"
    f"(?!{_P_GAP}(?!{_caseless_words(['all', 'standard_conforming_strings'])}{_NOT_IDENT_CONT}){_IDENT_START})"
)
#: CREATE, unless the next word (not a string prefix) is known and not FUNCTION/PROCEDURE/OR
_P_CREATE_ROUTINE = (
    f"{_caseless_words(['create'])}{_NOT_IDENT_CONT}"
    f"(?!{_P_GAP}(?!{_caseless_words(['function', 'procedure', 'or'])}{_NOT_IDENT_CONT})"
    f"{_IDENT_START}{_IDENT_CONT}*+(?!['&]))"
)


def _plain_run(whole_string: str) -> str:
    """A run as in _run, for a statement's whole text: spaces and comments are items of the run
    like the others (fewer steps for the engine), but a comment may not be the last thing before
    the ';' (the statement's text ends on a token): such a statement is not plain."""
    # a plain string, not one with a prefix (checked after the quote: the branch starts with it)
    string = "'(?<![eEbBxXnN&]')" + whole_string.split("'", 1)[1]
    word_dollar = rf"\$(?<={_IDENT_START_OR_DOLLAR}\$)"
    line_comment, block_comment = r"--[^\n\r]*+", r"/\*(?:[^*/]++|\*++(?!/)|/(?!\*))*+\*++/"
    others = [string, _P_WHOLE_QIDENT, r"-(?!-)", r"/(?!\*)", word_dollar]

    def items(specials: list[str]) -> str:
        # "plain (special plain)*": the characters that start nothing are taken between the
        # special items, and the alternation holds only items with a first character of their own
        # (fewer steps for the engine than one alternative more, taken once per plain stretch)
        plain = r"""[^;()'"$\-/]*+"""
        return plain + "(?:(?:" + "|".join(specials) + ")" + plain + ")*+"

    group = "\\(" + items([*others, line_comment, block_comment]) + "\\)"
    for _ in range(2):  # three levels, as in _run
        group = "\\(" + items([group, *others, line_comment, block_comment]) + "\\)"
    last = f"(?!{_P_GAP};)"
    return items([group, *others, line_comment + last, block_comment + last])


def _plain_statements(whole_string: str, in_transaction: bool) -> re.Pattern[str]:
    heads = f"(?:{_P_HEAD_WORD}|{_P_TX_HEAD_WORD})" if in_transaction else _P_HEAD_WORD
    return re.compile(
        f"{_P_GAP}(?:"
        # a word first (ASCII, not a string prefix) that needs no look: not a head word, not a SET
        # or RESET of standard_conforming_strings, not a routine's CREATE
        # (one lookahead for all: fewer steps of the engine than one each)
        f"(?=[A-Za-z_](?!['&]))"
        f"(?!{heads}{_NOT_IDENT_CONT}|{_P_SET_SETTING}|{_P_RESET_SETTING}|{_P_CREATE_ROUTINE})"
        f"({_plain_run(whole_string)});"
        "|)",
        re.DOTALL,
    )


#: by standard_conforming_strings, then by whether a transaction block is open
_PLAINS = tuple(
    tuple(_plain_statements(whole_string, in_transaction) for in_transaction in (False, True))
    for whole_string in (_P_WHOLE_ESCAPE, _P_WHOLE_STANDARD)
)
_matched = attrgetter("lastindex")
_match_start, _match_end = re.Match.start, re.Match.end
_ONES = repeat(1)
_RUN = _SCANS[1].groupindex["run"]
assert _RUN == _SCANS[0].groupindex["run"]
_IDENT_CONT_CHARS = re.compile(f"{_IDENT_CONT}")
_WORD = re.compile(f"{_IDENT_START}{_IDENT_CONT}*")
_DOLLAR_TOKEN = re.compile(f"(?P<dollar>{_P_DOLLAR})|{_P_PARAM}|\\$")


def _token_group_at(text: str, at: int, boundary: int, conforming: bool) -> str | None:
    """The _TOKEN group of the token starting at ``at``, or None when ``at`` is inside a token.

    ``boundary`` (<= ``at``) is where a token is known to start; the text between is a run of
    quiet tokens, so lexing it again from there is exact.
    """
    if at > boundary:
        before = text[at - 1]
        if before == "." or _IDENT_CONT_CHARS.match(before):
            if before not in "0123456789$.":
                return None  # after a letter: ``at`` goes on with that identifier
            for group, start, _end in _lex(text, boundary, at + 1, conforming):
                if start == at:
                    return group
                if start > at:
                    break
            return None
    m = _TOKEN.match(text, at)
    return m.lastgroup if m else None


# --- tokens --------------------------------------------------------------------------------------


class Token(NamedTuple):
    """One token of :func:`tokenize`: ``text[start:end]`` is its text."""

    kind: str
    start: int
    end: int


_TOKEN_KIND = {
    "space": "space",
    "line_comment": "comment",
    "block_comment": "comment",
    "estring": "string",
    "bstring": "string",
    "nstring": "string",
    "ustring": "string",
    "string": "string",
    "uident": "quoted_ident",
    "qident": "quoted_ident",
    "dollar": "dollar_string",
    "ident": "ident",
    "semicolon": "semicolon",
    "open_paren": "open_paren",
    "close_paren": "close_paren",
    "other": "other",
}


def tokenize(text: str, *, standard_conforming_strings: bool = True) -> Iterator[Token]:
    """The tokens of ``text`` as psql's lexer sees them; together they cover ``text`` exactly.

    A pure lexer: ``standard_conforming_strings`` is fixed for the whole text (``split_sql``
    follows ``SET`` statements and records the value on each :class:`Statement`). A string
    continued on a later line (``'a'`` newline ``'b'``) gives two ``string`` tokens with the
    ``space``/``comment`` tokens between them; the second is lexed in the first one's mode.
    Unterminated strings, quoted identifiers and comments run to the end of the text.
    """
    kinds = _TOKEN_KIND
    for group, start, end in _lex(text, 0, len(text), standard_conforming_strings):
        yield Token(kinds[group], start, end)


def _lex(text: str, pos: int, endpos: int, conforming: bool) -> Iterator[tuple[str, int, int]]:
    """(group of _TOKEN, start, end) of the tokens starting in ``text[pos:endpos]``."""
    plain = _STANDARD if conforming else _ESCAPE
    n = len(text)
    continue_at = -1  # offset of a continuation quote, and its string mode
    continue_mode = _STANDARD
    match = _TOKEN.match
    while pos < endpos:
        if pos == continue_at:
            end = _string_segment_end(text, pos + 1, continue_mode)
            yield "string", pos, end
            c = _CONTINUE.match(text, end) if end < n else None
            continue_at = c.end() - 1 if c else -1
            pos = end
            continue
        m = match(text, pos)  # a token may end past endpos: only its start must be before
        group = m.lastgroup
        end = m.end()
        spec = _STRING_KINDS.get(group)
        if spec is not None:
            mode = plain if spec[1] is None else spec[1]
            end = _string_segment_end(text, pos + spec[0], mode)
            c = _CONTINUE.match(text, end) if end < n else None
            if c:
                continue_at, continue_mode = c.end() - 1, mode
        elif group == "block_comment":
            end = _block_comment_end(text, end)
        elif group == "qident" or group == "uident":
            end = _quoted_ident_end(text, end)
        elif group == "dollar":
            end = _dollar_end(text, end, m.group())
        yield group, pos, end
        pos = end


# --- statements ----------------------------------------------------------------------------------


class Statement(NamedTuple):
    """One statement: ``text`` without its terminating ``;`` and without surrounding comments.

    Immutable (a named tuple: the splitter makes tens of thousands of them per second).
    """

    text: str
    start: int  # offset of the first character in the script
    end: int  # offset just past the last character (exclusive)
    line: int  # 1-based line of ``start``
    end_line: int  # 1-based line of the last character
    terminated: bool  # followed by a ``;``
    stop: int  # offset just past the terminating ``;`` (== end when not terminated)
    #: ``standard_conforming_strings`` in effect where the statement starts (psql's view)
    standard_conforming_strings: bool = True
    #: for ``COPY ... FROM STDIN``: the data lines that follow (``script[data_start:data_end]``,
    #: without the terminating ``\\.`` line); ``None`` otherwise
    data_start: int | None = None
    data_end: int | None = None

    def contains(self, offset: int) -> bool:
        return self.start <= offset <= self.stop


# --- standard_conforming_strings, as the server would report it to psql -------------------------

_TRUE_WORDS = ("true", "yes")
_FALSE_WORDS = ("false", "no")


def _parse_bool(value: str) -> bool | None:
    """PostgreSQL's ``parse_bool``: true/false/yes/no and their prefixes, on/off, 1/0."""
    v = value.strip().lower()
    if not v:
        return None
    if any(w.startswith(v) for w in _TRUE_WORDS) or v == "1":
        return True
    if any(w.startswith(v) for w in _FALSE_WORDS) or v == "0":
        return False
    if v == "on":
        return True
    if len(v) >= 2 and "off".startswith(v):
        return False
    return None


def _literal_value(text: str, tok: Token) -> str | None:
    """The text of a one-token SET value: a word, a number, a string or a quoted identifier."""
    raw = text[tok.start : tok.end]
    if tok.kind == "ident" or tok.kind == "other":
        return raw
    if tok.kind == "quoted_ident" and raw.startswith('"'):
        return raw[1:-1].replace('""', '"')
    if tok.kind == "string" and raw.endswith("'"):
        body = raw[raw.index("'") + 1 : -1]
        return body if "\\" not in body and "'" not in body else None
    return None


class _ConformingStrings:
    """``standard_conforming_strings`` through the SET/RESET and transaction statements of a script.

    Follows the server's rules (PostgreSQL documentation, SET): a ``SET`` inside a transaction
    block is undone by ``ROLLBACK`` (or ``ROLLBACK TO`` a savepoint set before it); ``SET LOCAL``
    lasts until the end of the transaction and does nothing outside one; ``RESET`` returns to the
    session's initial value.
    """

    __slots__ = ("initial", "current", "session", "in_tx", "saved")

    def __init__(self, initial: bool) -> None:
        self.initial = initial
        self.current = initial  # what the server reports now
        self.session = initial  # what stays after COMMIT (differs from current after SET LOCAL)
        self.in_tx = False
        self.saved: list[tuple[str | None, bool, bool]] = []  # (savepoint, current, session)

    def statement(self, text: str, words: list[str], tokens: list[Token]) -> None:
        """Apply one statement (its significant tokens and their lowercased texts)."""
        head = words[0]
        if head in ("begin", "start"):
            if head == "begin" or words[1:2] == ["transaction"]:
                self.begin()
        elif head in ("commit", "end", "rollback", "abort"):
            self._end_or_rollback_to(head, words)
        elif head == "savepoint" and len(words) == 2 and self.in_tx:
            self.saved.append((words[1], self.current, self.session))
        elif head == "release" and self.in_tx:
            name = words[-1]
            for i in range(len(self.saved) - 1, 0, -1):
                if self.saved[i][0] == name:
                    del self.saved[i:]
                    break
        elif head == "prepare" and words[1:2] == ["transaction"]:
            self._finish(commit=True)
        elif head == "set":
            self._set(text, words, tokens)
        elif head == "reset" and len(words) == 2 and words[1] in ("all", "standard_conforming_strings"):
            self._assign(self.initial, local=False)
        elif head == "discard" and words[1:] == ["all"] and not self.in_tx:
            self._assign(self.initial, local=False)

    def begin(self) -> None:
        if not self.in_tx:
            self.in_tx = True
            self.saved = [(None, self.current, self.session)]

    def _end_or_rollback_to(self, head: str, words: list[str]) -> None:
        rest = words[1:]
        if rest[:1] in (["work"], ["transaction"]):
            rest = rest[1:]
        if head == "rollback" and rest[:1] == ["to"]:
            name = rest[-1]
            for i in range(len(self.saved) - 1, 0, -1):
                if self.saved[i][0] == name:
                    _, self.current, self.session = self.saved[i]
                    del self.saved[i + 1 :]
                    break
            return
        if head == "commit" and rest[:1] == ["prepared"]:
            return  # ends a prepared transaction, not this session's
        self._finish(commit=head in ("commit", "end"))
        if rest[:2] == ["and", "chain"]:
            self.begin()

    def _finish(self, *, commit: bool) -> None:
        if not self.in_tx:
            return
        if not commit:
            _, self.current, self.session = self.saved[0]
        self.current = self.session
        self.in_tx = False
        self.saved = []

    def _set(self, text: str, words: list[str], tokens: list[Token]) -> None:
        i = 1
        local = False
        if words[i : i + 1] in (["session"], ["local"]):
            local = words[i] == "local"
            i += 1
        if words[i : i + 1] != ["standard_conforming_strings"] or words[i + 1 : i + 2] not in (["to"], ["="]):
            return
        values = tokens[i + 2 :]
        if len(values) != 1:
            return  # no value, or a list: the server refuses it
        if values[0].kind == "ident" and words[i + 2] == "default":
            self._assign(self.initial, local=local)
            return
        literal = _literal_value(text, values[0])
        value = None if literal is None else _parse_bool(literal)
        if value is not None:
            self._assign(value, local=local)

    def _assign(self, value: bool, *, local: bool) -> None:
        if local:
            if self.in_tx:
                self.current = value
            return
        self.current = value
        self.session = value


def _may_change_setting(word: str, text: str, start: int, end: int, setting: _ConformingStrings) -> bool:
    """Whether the statement ``text[start:end]``, starting with ``word``, needs a closer look
    (most do not; BEGIN is applied by the caller, without one)."""
    if word == "set" or word == "reset":
        return _SETTING_WORDS.search(text, start, end) is not None
    if word == "discard" or word == "start":
        return True
    if word == "begin":
        return False
    return setting.in_tx  # COMMIT, ROLLBACK, SAVEPOINT ... do nothing outside a transaction


_SETTING_WORDS = re.compile(r"standard_conforming_strings|\ball\b", re.IGNORECASE)


#: first words of the statements that can change standard_conforming_strings
_SESSION_WORDS = frozenset(
    ("set", "reset", "discard", "begin", "start", "commit", "end", "rollback", "abort", "savepoint",
     "release", "prepare")
)


def _significant(text: str, conforming: bool) -> tuple[list[Token], list[str]]:
    """A statement's tokens without spaces and comments, and their lowercased texts."""
    kinds = _TOKEN_KIND
    if _LEXER_NEEDED.search(text) is None:
        # no quote, dollar or comment (most COMMIT, SAVEPOINT, COPY ... statements): every token
        # is one match of _TOKEN, no token needs _lex's care, none is a quoted identifier
        tokens, words = [], []
        for m in _TOKEN.finditer(text):
            group = m.lastgroup
            if group != "space":
                tokens.append(_new_token((kinds[group], *m.span())))
                words.append(m.group().lower())
        return tokens, words
    tokens = [_new_token((kinds[group], start, end))
              for group, start, end in _lex(text, 0, len(text), conforming) if group not in _INSIGNIFICANT]
    words = [text[t.start : t.end].lower() if t.kind != "quoted_ident" else text[t.start + 1 : t.end - 1]
             for t in tokens]
    return tokens, words


#: characters that start a token _lex must finish (strings, quoted identifiers, dollar quotes,
#: comments): a text without them is lexed by _TOKEN alone
_LEXER_NEEDED = re.compile(r"""['"$]|--|/\*""")
_INSIGNIFICANT = frozenset(("space", "line_comment", "block_comment"))


def _is_copy_from_stdin(words: list[str], tokens: list[Token]) -> bool:
    """COPY ... FROM STDIN (the server's grammar takes FROM STDOUT for the same)."""
    depth = 0
    for i, tok in enumerate(tokens):
        kind = tok.kind
        if kind == "open_paren":
            depth += 1
        elif kind == "close_paren":
            depth = max(0, depth - 1)
        elif (depth == 0 and kind == "ident" and words[i] == "from" and i + 1 < len(tokens)
              and tokens[i + 1].kind == "ident" and words[i + 1] in ("stdin", "stdout")):
            return True
    return False


# psql ends COPY data at a line that is exactly \. (src/bin/psql/copy.c, handleCopyIn)
_COPY_END = re.compile(r"^\\\.(?:\r?\n|\Z)", re.MULTILINE)

#: the words psql's BEGIN ATOMIC heuristic records (psqlscan.l, {identifier} rule)
_ROUTINE_WORDS = {"create": "c", "function": "f", "procedure": "p", "or": "o", "replace": "r"}


def _is_routine(flags: list[str]) -> bool:
    """``CREATE [OR REPLACE] FUNCTION|PROCEDURE``, judged from the first four identifiers."""
    return flags[0] == "c" and (
        flags[1] in ("f", "p") or (flags[1] == "o" and flags[2] == "r" and flags[3] in ("f", "p"))
    )


_tuple_new = tuple.__new__
_new_token = partial(tuple.__new__, Token)
_rstrip = str.rstrip


class _Spans:
    """The statements found so far, as columns (no tuple per statement until the Statements)."""

    __slots__ = ("starts", "ends", "stops", "conforming", "data", "terminated")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []  # may include spaces before the ';'
        self.stops: list[int] = []
        self.conforming: list[bool] = []
        self.data: dict[int, tuple[int, int]] = {}  # COPY data, by statement index
        self.terminated = True  # whether the last one is

    def add(self, start: int, end: int, stop: int, conforming: bool, data: tuple[int, int] | None = None) -> None:
        if data is not None:
            self.data[len(self.starts)] = data
        self.starts.append(start)
        self.ends.append(end)
        self.stops.append(stop)
        self.conforming.append(conforming)

    def add_plain(self, matches: list[re.Match[str]], conforming: bool) -> None:
        """Statements matched by _plain_statements: group 1 is the text, the match ends after ';'."""
        self.starts.extend(map(_match_start, matches, _ONES))
        self.ends.extend(map(_match_end, matches, _ONES))
        self.stops.extend(map(_match_end, matches))
        self.conforming.extend(repeat(conforming, len(matches)))

    def statements(self, text: str) -> list[Statement]:
        """The Statements, built in bulk (texts, line numbers: no Python step per statement but
        two list comprehensions)."""
        starts = self.starts
        n = len(starts)
        if not n:
            return []
        # a statement ends on a token: spaces before its ';' go (a run may end with them)
        raw = [text[start:end] for start, end in zip(starts, self.ends, strict=True)]
        texts = list(map(_rstrip, raw, repeat(_SPACE_CHARS)))
        ends = list(map(add, starts, map(len, texts)))
        # line numbers: newlines counted from one statement's start to the next one's (one count
        # per statement), then inside the statements that hold one (most hold none)
        lines = list(accumulate(map(text.count, repeat("\n"), chain((0,), starts), starts), initial=1))
        del lines[0]
        multiline = list(map(contains, texts, repeat("\n")))
        inner = map(str.count, compress(texts, multiline), repeat("\n"))
        end_lines = [line + next(inner) if more else line
                     for line, more in zip(lines, multiline, strict=True)]
        terminated = repeat(True, n - 1 + self.terminated)
        if not self.terminated:
            terminated = chain(terminated, (False,))
        data_starts, data_ends = repeat(None, n), repeat(None, n)
        if self.data:
            data_starts, data_ends = [None] * n, [None] * n
            for i, (data_start, data_end) in self.data.items():
                data_starts[i], data_ends[i] = data_start, data_end
        return list(
            map(_tuple_new, repeat(Statement),
                zip(texts, starts, ends, lines, end_lines, terminated, self.stops, self.conforming,
                    data_starts, data_ends, strict=True))
        )


class _Head:
    """psql's BEGIN ATOMIC heuristic for one statement (psqlscan.l, {identifier} rule)."""

    __slots__ = ("count", "flags", "begin_depth", "watch", "skip_to")

    def __init__(self) -> None:
        self.count = 0  # identifier_count
        self.flags = ["", "", "", ""]  # identifiers[]
        self.begin_depth = 0
        self.watch = True  # identifiers still matter: the first four, or a routine's body
        self.skip_to = 0  # identifiers before this offset were fed already

    def identifier(self, word: str, paren: int) -> None:
        count = self.count
        if count < 4:
            self.flags[count] = _ROUTINE_WORDS.get(word, "")
        self.count = count + 1
        routine = _is_routine(self.flags)
        if routine and paren == 0:
            if word == "begin":
                self.begin_depth += 1
            elif word == "case":
                if self.begin_depth:
                    self.begin_depth += 1
            elif word == "end" and self.begin_depth:
                self.begin_depth -= 1
        if not (routine or (count < 3 and self.flags[0] == "c")):
            self.watch = False

    def identifiers(self, text: str, start: int, end: int, paren: int, conforming: bool) -> None:
        """Feed the identifiers of a run (its parentheses are balanced)."""
        start = max(start, self.skip_to)
        # once the statement is known to be a routine, only BEGIN, CASE and END outside
        # parentheses still matter; most runs hold none of the three, even as part of a word or
        # in any case (one lowercased copy rules them out, faster than a caseless search)
        lowered = text[start:end].lower()
        any_body_word = "begin" in lowered or "case" in lowered or "end" in lowered
        slow = any_body_word and _BODY_WORD_AFTER_DIGIT.search(text, start, end) is not None
        # CREATE FUNCTION|PROCEDURE is a routine whatever the next identifiers are
        decided = self.count >= 4 or (self.count >= 2 and self.flags[1] in ("f", "p"))
        if not decided or slow:
            for group, t_start, t_end in _lex(text, start, end, conforming):
                if group == "ident":
                    self.identifier(text[t_start:t_end].lower(), paren)
                    if not self.watch:
                        return
                    if not slow and (self.count >= 4 or self.flags[1] in ("f", "p")):
                        start = t_end
                        break
                elif group == "open_paren":
                    paren += 1
                elif group == "close_paren":
                    paren -= 1
            else:
                return
        if not any_body_word:
            return
        for m in _BODY_WORDS[conforming].finditer(text, start, end):
            kind = m.lastgroup
            if kind == "word":
                if paren == 0:
                    self.identifier(m.group(kind).lower(), 0)
            elif kind == "open":
                paren += 1
            elif kind == "close":
                paren -= 1


def _body_words(whole_string: str) -> re.Pattern[str]:
    return re.compile(
        "|".join([whole_string, _P_WHOLE_QIDENT, r"--[^\n\r]*+|/\*(?:[^*/]++|\*++(?!/)|/(?!\*))*+\*++/", "(?P<open>\\()", "(?P<close>\\))",
                  f"(?<!{_IDENT_CONT})(?P<word>(?i:begin|case|end))(?!{_IDENT_CONT})"]),
        re.DOTALL,
    )


#: BEGIN/CASE/END and parentheses in a run, strings and comments skipped (by conforming strings)
_BODY_WORDS = (_body_words(_P_WHOLE_ESCAPE), _body_words(_P_WHOLE_STANDARD))
#: 1end is 1 then END to psql 15: such runs go through the lexer
_BODY_WORD_AFTER_DIGIT = re.compile(r"[0-9](?:begin|case|end)", re.IGNORECASE)
#: the word after CREATE (not a string prefix)
_NEXT_WORD = re.compile(rf"{_P_GAP}({_IDENT_START}{_IDENT_CONT}*+)(?!['&])")
_WORD_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")


def _first_word(text: str, at: int) -> str | None:
    """The identifier starting at a statement's first token, if that token is one."""
    w = _WORD.match(text, at)
    if w is None:
        return None
    word = w.group().lower()
    after = text[w.end() : w.end() + 2]
    if after[:1] == "'" and word in ("e", "b", "x", "n"):
        return None  # a string with a prefix
    if word == "u" and after in ("&'", '&"'):
        return None
    return word


def split_sql(text: str, *, standard_conforming_strings: bool = True) -> list[Statement]:
    """Split ``text`` into statements where psql would; empty and comment-only pieces are dropped.

    ``standard_conforming_strings`` is the session's value when the script starts (what the
    server reports); ``SET``/``RESET`` statements in the script change it from the next line on.
    """
    # The cyclic garbage collector is held off while splitting: a script of tens of thousands of
    # statements makes as many Statements (tuple subclasses, which the collector keeps tracking
    # for good), and collections triggered by them, full passes included, took a fifth of the
    # time. Nothing made here can form a reference cycle (Statements hold str, int, bool and None
    # only; the rest is freed by reference counting, tests/unit/core/db/test_sql_split.py checks
    # that a split leaves no cyclic garbage), so nothing is lost: the collector sees the new
    # Statements at its next young collection after this returns.
    if not gc.isenabled():
        return _split(text, standard_conforming_strings)
    gc.disable()
    try:
        return _split(text, standard_conforming_strings)
    finally:
        gc.enable()


def _split(text: str, standard_conforming_strings: bool) -> list[Statement]:
    spans = _Spans()
    append = spans.add
    n = len(text)
    setting = _ConformingStrings(standard_conforming_strings)
    conforming = standard_conforming_strings  # the lexer's value now
    pending = conforming  # the value from offset switch_at on (psql reads it line by line)
    switch_at = n + 1
    scan = _SCANS[conforming].match
    plain_statements = _PLAINS[conforming]

    pos = 0
    limit = n  # end of the text to scan now (the end of a COPY line, then the end)
    resume = -1  # where to go on at ``limit`` (after COPY data)
    first = last = -1  # span of the statement being collected
    stmt_conforming = conforming
    paren = 0
    word = ""  # the statement's first word, when it is one split_sql looks at
    head = None  # psql's BEGIN ATOMIC tracking, for statements that may be CREATE FUNCTION
    boundary = 0  # a known token start at or before pos
    glued = False  # pos is inside a word (after a '$' that continues an identifier)

    while True:
        stop = limit if limit < switch_at else switch_at
        while pos < stop:
            if first < 0:  # between statements: take the plain ones that follow in bulk
                plains = list(takewhile(_matched, plain_statements[setting.in_tx].finditer(text, pos, stop)))
                if plains:
                    spans.add_plain(plains, conforming)
                    pos = boundary = plains[-1].end()
                    glued = False
                    if pos >= stop:
                        break
            m = scan(text, pos, stop)
            if m is None:  # only spaces and comments up to ``stop``
                pos = stop
                break
            kind = m.lastgroup
            if kind == "run_semicolon":
                start, end = m.span(_RUN)
                if first < 0 and text[start] in _WORD_START and text[start + 1] not in "'&":
                    # a statement that is one run and ';' (at a statement's start paren is 0
                    # and no word goes on): the usual case, unless its first word matters
                    word = _HEAD_BY_PREFIX.get(text[start : start + 3], "")
                    if word and not _is_word_at(text, start, word):
                        word = ""
                    if not word:
                        plain = True
                    elif word == "create":
                        w = _NEXT_WORD.match(text, start + 6)
                        plain = w is not None and w.group(1).lower() not in ("function", "procedure", "or")
                    elif word == "begin":
                        setting.begin()  # BEGIN first in a statement always opens a transaction block
                        plain = True
                    else:
                        plain = word != "copy" and not (
                            word in _SESSION_WORDS and _may_change_setting(word, text, start, end, setting)
                        )
                    if plain:
                        while text[end - 1] in _SPACE_CHARS:
                            end -= 1
                        pos = boundary = m.end()
                        append(start, end, pos, conforming)
                        word = ""
                        continue
                elif first >= 0 and paren == 0 and head is None and (not word or word == "create"):
                    # the last run of a statement with nothing more to look at (after a dollar
                    # quote, say): it ends here
                    while text[end - 1] in _SPACE_CHARS:
                        end -= 1
                    pos = boundary = m.end()
                    append(first, end, pos, stmt_conforming)
                    first = last = -1
                    word = ""
                    glued = False
                    continue
            else:
                start = m.start(kind)
                end = m.end()
            if first < 0 and kind != "block_comment":
                first = start
                stmt_conforming = conforming
                if kind == "run" or kind == "run_semicolon":
                    word = _HEAD_BY_PREFIX.get(text[start : start + 3], "")
                    if word and not _is_word_at(text, start, word):
                        word = ""
                    if word == "create":
                        w = _NEXT_WORD.match(text, start + 6)
                        second = "" if w is None else w.group(1).lower()
                        if second in ("function", "procedure"):
                            head = _Head()
                            head.count, head.flags[0], head.flags[1] = 2, "c", second[0]
                            head.skip_to = w.end()
                        elif w is None or second == "or":
                            head = _Head()
                    elif not word and (text[start] not in _WORD_START or text[start + 1 : start + 2] in ("'", "&")):
                        if _first_word(text, start) is None:
                            head = _Head()  # not a word: follow identifiers as psql does
                else:
                    head = _Head()
            if kind == "run" or kind == "run_semicolon":
                if head is not None and head.watch:
                    head.identifiers(text, start, end, paren, conforming)
                if glued:
                    glued = False  # the run goes on with the word before it
                else:
                    boundary = start
                last = pos = end
                if kind == "run":
                    continue
                end = m.end()
                kind = "semicolon"
            glued = False
            if kind == "semicolon":
                if paren == 0 and (head is None or head.begin_depth == 0):
                    if last >= 0:
                        while text[last - 1] in _SPACE_CHARS:  # a run may end with spaces
                            last -= 1
                        stmt_text = text[first:last]
                        data_start = data_end = None
                        if word == "begin":
                            setting.begin()
                        elif word in _SESSION_WORDS and _may_change_setting(word, text, first, last, setting):
                            tokens, words = _significant(stmt_text, stmt_conforming)
                            setting.statement(stmt_text, words, tokens)
                            if setting.current != pending:
                                # psql re-reads the server's value before each input line
                                nl = text.find("\n", end)
                                pending = setting.current
                                switch_at = nl + 1 if nl >= 0 else n
                                if pending == conforming:
                                    switch_at = n + 1
                        elif word == "copy" and "std" in stmt_text.lower():
                            tokens, words = _significant(stmt_text, stmt_conforming)
                            if _is_copy_from_stdin(words, tokens):
                                # psql reads the data from the lines after this one, or after
                                # the data of an earlier COPY on this line
                                data_start = data_end = n
                                if resume >= 0:
                                    data_start = resume
                                else:
                                    nl = text.find("\n", end)
                                    if nl >= 0:
                                        data_start = limit = nl + 1
                                if data_start < n:
                                    close = _COPY_END.search(text, data_start)
                                    data_end = close.start() if close else n
                                    resume = close.end() if close else n
                        data = None if data_start is None else (data_start, data_end)
                        append(first, last, end, stmt_conforming, data)
                    first = last = -1
                    word = ""
                    head = None
                    pos = boundary = end
                    stop = limit if limit < switch_at else switch_at
                    continue
            elif kind == "open_paren":
                paren += 1
            elif kind == "close_paren":
                if paren:
                    paren -= 1
            elif kind == "quote":
                # a plain string, or one with a prefix the run took for a word (E' B' X' N' U&')
                mode = _STANDARD if conforming else _ESCAPE
                c = text[start - 1] if start > boundary else ""
                if c and c in "eEbBxXnN&":
                    p = start - 1 if c != "&" else start - 2
                    if p >= boundary and (c != "&" or text[p] in "uU"):
                        group = _token_group_at(text, p, boundary, conforming)
                        spec = _STRING_KINDS.get(group)
                        if spec is not None and spec[1] is not None:
                            mode = spec[1]
                end = _string_end(text, start + 1, mode)
            elif kind == "dollar":
                group = _token_group_at(text, start, boundary, conforming)
                if group == "dollar":
                    end = _dollar_end(text, end, _DOLLAR_TOKEN.match(text, start).group())
                else:  # a '$' inside a word, or a parameter / lone '$': what follows goes on
                    glued = True
                    if group is not None:
                        boundary = start
            elif kind == "block_comment":
                pos = boundary = _block_comment_end(text, end)
                continue
            elif kind == "qident":
                end = _quoted_ident_end(text, end)
            last = pos = end
            if not glued:
                boundary = end  # the next token starts afresh
        if pos >= switch_at:
            conforming = pending
            switch_at = n + 1
            scan = _SCANS[conforming].match
            plain_statements = _PLAINS[conforming]
            boundary, glued = pos, False
            continue
        if pos >= limit and resume >= 0:
            pos, limit, resume = resume, n, -1
            boundary, glued = pos, False
            continue
        if pos >= n:
            break

    if last >= 0:
        while text[last - 1] in _SPACE_CHARS:
            last -= 1
        append(first, last, last, stmt_conforming)
        spans.terminated = False
    return spans.statements(text)


def statement_at(statements: list[Statement], offset: int) -> Statement | None:
    """The statement under a cursor at ``offset``.

    Inside a statement (or on its ``;``): that statement. Between statements: the one before the
    cursor (the usual "cursor at the end of the line" case); before the first: the first.
    """
    if not statements:
        return None
    starts = [s.start for s in statements]
    i = bisect.bisect_right(starts, offset) - 1
    return statements[max(i, 0)]


class LineIndex:
    """Offset <-> (line, column) for one text; both 1-based, columns count characters."""

    def __init__(self, text: str) -> None:
        self._starts = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            self._starts.append(i + 1)
            i = find("\n", i + 1)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)

    def line_col(self, offset: int) -> tuple[int, int]:
        line = self.line_of(offset)
        return line, offset - self._starts[line - 1] + 1

    def offset(self, line: int, col: int) -> int:
        return self._starts[line - 1] + col - 1


def error_location(script: str, statement: Statement, position: int | None) -> tuple[int, int, int] | None:
    """Map a server error position (1-based, in characters of ``statement.text``) to the script.

    Returns ``(offset, line, column)`` in the script, or None when the server gave no position.
    """
    if not position or position < 1:
        return None
    offset = min(statement.start + position - 1, max(statement.end - 1, statement.start))
    line, col = LineIndex(script).line_col(offset)
    return offset, line, col
