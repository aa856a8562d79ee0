"""A statement's normalised text: the key that links a statement read in the PostgreSQL log (a
slow statement, an ``auto_explain`` plan's ``Query Text``) to its row in Top SQL, whose text is
``pg_stat_statements``' normalised query.

``pg_stat_statements`` shows a statement as first seen, with each constant replaced by ``$n``
(a negative number's minus sign included; its whitespace, comments and letter case kept as
written). The log shows the text as the client sent it: the constants, or ``$n`` parameters for
an extended-protocol statement. ``normalised_sql`` maps both to the same key:

- tokens as psql's lexer sees them (``core.db.sql_split.tokenize``), joined by one space, so
  whitespace and comments never count;
- unquoted identifiers and keywords in lower case (quoted identifiers as written);
- every constant (numbers, strings of any kind, dollar-quoted strings, ``TRUE``/``FALSE``/``NULL``)
  and every ``$n`` parameter becomes ``?``; a ``-`` right before one is dropped (a negative
  constant is one ``$n`` in ``pg_stat_statements``; ``x - 1`` loses its minus too, on both sides);
- a parenthesised or bracketed list of constants only is one ``?`` (PostgreSQL 18 squashes
  ``IN (1, 2, 3)`` to ``IN ($1 /*, ... */)``);
- trailing semicolons dropped.

Both sides go through the same function, so a token the server keeps and this replaces still
matches. ``digest_sql`` is the readable form Performance Insights shows (``db.sql_tokenized``):
literals as ``?``, white space runs as one space, everything else as written. Pure, no Qt.
"""

from __future__ import annotations

import re

from aurora_console.core.db.sql_split import tokenize

PLACEHOLDER = "?"

_NUMBER_START = re.compile(r"\.?[0-9]")
_PARAM = re.compile(r"\$[0-9]+")
_CONSTANT_WORDS = frozenset({"true", "false", "null"})
# an operator keeps a trailing + or - only if it holds one of these (PostgreSQL's scan.l rule)
_KEEPS_SIGN = frozenset("~!@#^&|`?%")
_OPERATOR_CHARS = frozenset("~!@#^&|`?+*%<>=-/")
_CLOSERS = {")": "(", "]": "["}


def normalised_sql(text: str, *, standard_conforming_strings: bool = True) -> str:
    """The key of ``text`` (see the module's docstring); ``""`` for text without tokens."""
    out: list[str] = []
    after_string = False  # 'a' newline 'b' is one constant
    for tok in tokenize(text or "", standard_conforming_strings=standard_conforming_strings):
        kind = tok.kind
        if kind in ("space", "comment"):
            continue
        piece = text[tok.start:tok.end]
        if kind in ("string", "dollar_string"):
            if not after_string:
                _constant(out)
            after_string = True
            continue
        after_string = False
        if kind == "ident":
            word = piece.lower()
            if word in _CONSTANT_WORDS:
                _constant(out)
            else:
                out.append(word)
        elif kind == "other":
            if _NUMBER_START.match(piece) or _PARAM.fullmatch(piece):
                _constant(out)
            elif piece in _CLOSERS:
                _close(out, piece)
            else:
                out.extend(_operator_pieces(piece))
        elif kind == "close_paren":
            _close(out, ")")
        else:  # quoted identifiers, parentheses, semicolons
            out.append(piece)
    while out and out[-1] == ";":
        out.pop()
    return " ".join(out)


def digest_sql(text: str) -> str:
    """``text`` with its string and number literals as ``?`` (a minus sign written right before a
    number, after something other than a word, goes with it) and each run of white space one
    space; ``$n`` parameters, comments, identifiers and case as written."""
    out: list[str] = []
    after_string = False
    for tok in tokenize(text or ""):
        kind, piece = tok.kind, text[tok.start:tok.end]
        if kind == "space":
            if out and out[-1] != " ":
                out.append(" ")
            continue
        if kind in ("string", "dollar_string") or (kind == "other" and _NUMBER_START.match(piece)):
            if after_string and kind != "other":
                continue  # 'a' newline 'b' is one literal
            if out and out[-1] == "-" and not (len(out) > 1 and _word_end(out[-2])):
                out.pop()  # -7 is one literal; x-7 keeps its minus
            out.append(PLACEHOLDER)
            after_string = kind != "other"
        else:
            out.append(piece)
            after_string = False
    return "".join(out).strip()


def _word_end(piece: str) -> bool:
    return bool(piece) and (piece[-1].isalnum() or piece[-1] in "_$\"'")


def _operator_pieces(piece: str) -> list[str]:
    """An operator as PostgreSQL's lexer splits it: ``=-`` is ``=`` then ``-``."""
    if len(piece) > 1 and set(piece) <= _OPERATOR_CHARS and not _KEEPS_SIGN & set(piece):
        head = piece.rstrip("+-") or piece[0]
        return [head, *piece[len(head):]]
    return [piece]


def _constant(out: list[str]) -> None:
    if out and out[-1] == "-":
        out.pop()
    out.append(PLACEHOLDER)


def _close(out: list[str], closer: str) -> None:
    """``( ? , ? )`` becomes ``( ? )``; anything else is kept as it is."""
    opener = _CLOSERS[closer]
    i = len(out) - 1
    while i >= 0 and out[i] in (PLACEHOLDER, ","):
        i -= 1
    if i >= 0 and out[i] == opener and len(out) - i > 2:
        del out[i + 1:]
        out.append(PLACEHOLDER)
    out.append(closer)
