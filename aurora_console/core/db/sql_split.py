"""Split a SQL script into statements, the way psql does, keeping offsets.

Understands single-quoted strings ('' escapes), E'' strings (backslash escapes), quoted
identifiers, ``--`` and nested ``/* */`` comments, dollar quoting (``$$`` and ``$tag$``),
parentheses, and SQL-standard function bodies (``CREATE FUNCTION ... BEGIN ATOMIC ... END``).

Every :class:`Statement` carries ``start``/``end`` offsets into the original text (so
``text[s.start:s.end] == s.text``) and 1-based line numbers; the editor uses them for "statement
under the cursor" and to map a server error position back to a line and column.

Pure Python, no I/O: shared by the SQL editor and the migrations engine.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

__all__ = [
    "Statement",
    "split_sql",
    "statement_at",
    "LineIndex",
    "error_location",
]

_LETTER = "A-Za-z_\u0080-\U0010ffff"
_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<line_comment>--[^\n]*)
  | (?P<block_comment>/\*)
  | (?P<estring>[eE]')
  | (?P<string>')
  | (?P<quoted_ident>")
  | (?P<dollar>\$(?:[{_LETTER}][{_LETTER}0-9]*)?\$)
  | (?P<ident>[{_LETTER}][{_LETTER}0-9$]*)
  | (?P<semi>;)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<other>[^\s;'"()${_LETTER}\-/]+|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_COMMENT_EDGE = re.compile(r"/\*|\*/")
_ESTRING_END = re.compile(r"(?:[^'\\]|\\.|'')*'", re.DOTALL)
_ROUTINE_KINDS = ("function", "procedure")


@dataclass(frozen=True)
class Statement:
    """One statement: ``text`` without its terminating ``;`` and without surrounding comments."""

    text: str
    start: int  # offset of the first character in the script
    end: int  # offset just past the last character (exclusive)
    line: int  # 1-based line of ``start``
    end_line: int  # 1-based line of the last character
    terminated: bool  # followed by a ``;``
    stop: int  # offset just past the terminating ``;`` (== end when not terminated)

    def contains(self, offset: int) -> bool:
        return self.start <= offset <= self.stop


def _skip_string(text: str, pos: int) -> int:
    """``pos`` is just after an opening ``'``; return the offset just past the closing one."""
    n = len(text)
    while True:
        q = text.find("'", pos)
        if q < 0:
            return n
        if q + 1 < n and text[q + 1] == "'":
            pos = q + 2
            continue
        return q + 1


def _skip_block_comment(text: str, pos: int) -> int:
    """``pos`` is just after ``/*``; comments nest, as in PostgreSQL."""
    depth = 1
    while depth:
        m = _COMMENT_EDGE.search(text, pos)
        if m is None:
            return len(text)
        depth += 1 if m.group() == "/*" else -1
        pos = m.end()
    return pos


def _skip_quoted_ident(text: str, pos: int) -> int:
    n = len(text)
    while True:
        q = text.find('"', pos)
        if q < 0:
            return n
        if q + 1 < n and text[q + 1] == '"':
            pos = q + 2
            continue
        return q + 1


class _Routine:
    """psql's heuristic for ``CREATE [OR REPLACE] FUNCTION|PROCEDURE ... BEGIN ATOMIC ... END``."""

    __slots__ = ("words", "depth")

    def __init__(self) -> None:
        self.words: list[str] = []
        self.depth = 0

    def is_routine(self) -> bool:
        w = self.words
        if len(w) < 2 or w[0] != "create":
            return False
        if w[1] in _ROUTINE_KINDS:
            return True
        return len(w) >= 4 and w[1] == "or" and w[2] == "replace" and w[3] in _ROUTINE_KINDS

    def feed(self, word: str, paren_depth: int) -> None:
        word = word.lower()
        if len(self.words) < 4:
            self.words.append(word)
        if paren_depth or not self.is_routine():
            return
        if word == "begin":
            self.depth += 1
        elif word == "case":
            if self.depth:
                self.depth += 1
        elif word == "end" and self.depth:
            self.depth -= 1


def split_sql(text: str) -> list[Statement]:
    """Split ``text`` into statements; empty and comment-only pieces are dropped."""
    out: list[Statement] = []
    lines = LineIndex(text)
    n = len(text)
    pos = 0
    first = last = -1  # span of the current statement's significant tokens
    paren = 0
    routine = _Routine()

    def emit(stop: int, terminated: bool) -> None:
        if first >= 0:
            out.append(
                Statement(
                    text=text[first:last],
                    start=first,
                    end=last,
                    line=lines.line_of(first),
                    end_line=lines.line_of(max(first, last - 1)),
                    terminated=terminated,
                    stop=stop,
                )
            )

    match = _TOKEN.match
    while pos < n:
        m = match(text, pos)
        kind = m.lastgroup
        end = m.end()
        if kind == "ws" or kind == "line_comment":
            pos = end
            continue
        if kind == "block_comment":
            pos = _skip_block_comment(text, end)
            continue
        if kind == "semi" and paren == 0 and routine.depth == 0:
            emit(end, True)
            first = last = -1
            paren = 0
            routine = _Routine()
            pos = end
            continue
        if kind == "string":
            end = _skip_string(text, end)
        elif kind == "estring":
            sm = _ESTRING_END.match(text, end)
            end = sm.end() if sm else n
        elif kind == "quoted_ident":
            end = _skip_quoted_ident(text, end)
        elif kind == "dollar":
            close = text.find(m.group(), end)
            end = n if close < 0 else close + len(m.group())
        elif kind == "ident":
            routine.feed(m.group(), paren)
        elif kind == "lparen":
            paren += 1
        elif kind == "rparen":
            paren = max(0, paren - 1)
        if first < 0:
            first = pos
        last = end
        pos = end
    emit(last if first >= 0 else n, False)
    return out


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
