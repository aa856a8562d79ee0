"""Split a MySQL script into statements where the ``mysql``/``mariadb`` command-line client does.

The result is the PostgreSQL splitter's: a list of :class:`~aurora_console.core.db.sql_split.Statement`
with offsets into the script (``script[s.start:s.end] == s.text``) and 1-based lines, so the
editor ("statement under the cursor", run selection), the runner and the migrations engine take
either splitter. :func:`split_mysql` is this module's entry point.

The client's rules (learnt from ``client/mysql.cc`` ``read_and_execute``/``add_line`` in
github.com/MariaDB/server and github.com/mysql/mysql-server, and checked against the MariaDB 10.11
client itself: tests/integration/sql/test_mysql_split_client.py):

* a statement ends at the current **delimiter** (``;`` until a ``DELIMITER`` command changes it;
  any string without a backslash: ``$$``, ``//``, ``;;``), compared case-sensitively, outside
  strings and comments; ``\\g`` and ``\\G`` end a statement too (the client's "go" commands).
  Empty statements (``;;``) and pieces holding only comments are dropped;
* ``DELIMITER x`` is a **client command**, never sent to the server: recognised at the start of
  a line (after spaces) when no statement is in progress (only spaces and comments since the
  last one), or right after a delimiter on the same line; the word in any case, followed by a
  space, a tab or the end of the line. Its argument is the first word after it, or a quoted
  string (``DELIMITER "$$"``); the rest of the line is ignored. A ``DELIMITER`` without an
  argument, or whose argument holds a backslash, is refused by the client and changes nothing;
  here too (and its line is not sent);
* strings ``'...'`` and ``"..."``: a backslash escapes the next character (not with the
  ``NO_BACKSLASH_ESCAPES`` SQL mode: ``backslash_escapes=False``); a doubled quote closes and
  reopens the string, which comes to the same. Identifiers in backticks: no backslash escape
  (```a\\```` is the identifier ``a\\``), a doubled backtick is a backtick. Strings and
  identifiers may span lines; an unterminated one runs to the end of the script;
* comments: ``#`` to the end of the line; ``--`` followed by a space, a control character or the
  end of the line (``--x`` inside a statement is two minus signs, as the server reads it; at the
  start of a statement the MariaDB client takes ``--x`` for a comment, and so do we);
  ``/* ... */`` (no nesting). Comments before and after a statement are not part of its text;
  comments inside it are sent as written;
* **version comments** ``/*! ... */``, ``/*!80000 ... */`` and MariaDB's ``/*M! ... */`` are
  code (the server runs their content when its version is high enough): they are part of the
  statement, a statement may start with one (mysqldump's ``/*!40101 SET ... */;``), and their
  content is read as SQL: **a delimiter inside one ends the statement**, exactly as in both
  clients (``SELECT /*!40101 1; */ 2;`` is sent as ``SELECT /*!40101 1`` and then ``*/ 2``,
  two syntax errors; mysqldump never writes a delimiter inside one). Optimizer hints
  ``/*+ ... */`` are kept in the statement and a delimiter inside them does not end it;
* compound statements (``CREATE PROCEDURE ... BEGIN ... END``) need ``DELIMITER``, as in the
  client: without it the body's first ``;`` ends the statement.

Not modelled (the client's other backslash and named commands): ``\\c`` (clear), ``\\d x``
(delimiter), ``use``/``source``/``status`` typed without a delimiter... are sent as SQL text.

Pure Python, no I/O. Speed: runs of text that cannot end a statement (words, spaces, whole
strings, identifiers, hints) are jumped over by one regular expression per delimiter.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from aurora_console.core.db.sql_split import Statement, statement_at

__all__ = ["split_mysql", "statement_at", "delimiter_lines", "DEFAULT_DELIMITER"]

DEFAULT_DELIMITER = ";"

_WS = " \t\n\r\f\v"
_WS_CLASS = r" \t\n\r\f\v"
_SPACES = re.compile(f"[{_WS_CLASS}]*+")
# a DELIMITER command's word and its argument: a quoted string or the first word
_DELIMITER_COMMAND = re.compile(r"(?i:delimiter)(?=[ \t\r\f\v]|\n|\Z)")
_ARGUMENT = re.compile(r"""[ \t\r\f\v]*+(?:(['"`])(.*?)\1|([^ \t\n\r\f\v]+))?""")
_COMMENT_END = re.compile(r"\*/")


def _string(quote: str, backslash_escapes: bool) -> str:
    """A whole quoted string or identifier (never an unterminated one)."""
    q = re.escape(quote)
    if quote == "`" or not backslash_escapes:
        return f"{q}[^{q}]*+{q}"
    return rf"{q}[^{q}\\]*+(?:\\.[^{q}\\]*+)*+{q}"


@lru_cache(maxsize=16)
def _run(delimiter: str, backslash_escapes: bool) -> re.Pattern[str]:
    """Text inside a statement that cannot end it or start a comment: plain characters, spaces,
    whole strings and identifiers, minus signs and slashes that start no comment, version
    comment openers (their content is code) and whole optimizer hints. It never starts at the
    delimiter."""
    d = re.escape(delimiter)
    first = re.escape(delimiter[0])
    # a delimiter starting with a space: spaces are taken one at a time, so a run stops before it
    spaces = f"[{_WS_CLASS}]" if delimiter[0] in _WS else f"[{_WS_CLASS}]++"
    parts = [
        rf"[^'\"`\\#\-/{_WS_CLASS}{first}]++",
        spaces,
        _string("'", backslash_escapes),
        _string('"', backslash_escapes),
        _string("`", backslash_escapes),
        rf"-(?!-(?:[{_WS_CLASS}]|\Z))",
        r"/(?!\*)",
        r"/\*M?!",
        r"/\*\+[^*]*+(?:\*++(?!/)[^*]*+)*+\*++/",
    ]
    if delimiter[0] not in "'\"`\\#-/" + _WS:
        # the delimiter's first character where the rest of the delimiter does not follow
        parts.append(first)
    return re.compile(f"(?:(?!{d})(?:{'|'.join(parts)}))++", re.DOTALL)


class _Lines:
    def __init__(self, text: str) -> None:
        self.starts = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            self.starts.append(i + 1)
            i = find("\n", i + 1)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def _line_end(text: str, pos: int) -> int:
    """Offset of the end of the line holding ``pos`` (of its ``\\n``, or the end of the text)."""
    i = text.find("\n", pos)
    return len(text) if i < 0 else i


def split_mysql(text: str, *, delimiter: str = DEFAULT_DELIMITER, backslash_escapes: bool = True) -> list[Statement]:
    """The statements of ``text`` as the mysql client sends them (see the module docstring).

    ``delimiter`` is the one in effect where the script starts; ``DELIMITER`` lines change it.
    ``backslash_escapes=False`` for a session whose ``sql_mode`` holds ``NO_BACKSLASH_ESCAPES``.
    """
    if not delimiter or "\\" in delimiter:
        raise ValueError("a delimiter is a non-empty text without a backslash")
    n = len(text)
    out: list[Statement] = []
    lines: _Lines | None = None
    pos = 0
    last_stop = 0  # where the last statement's delimiter (or the last DELIMITER line) ended
    run = _run(delimiter, backslash_escapes)
    while pos < n:
        # -- between statements: spaces, comments, empty statements, DELIMITER commands
        pos = _SPACES.match(text, pos).end()
        if pos >= n:
            break
        c = text[pos]
        if text.startswith(delimiter, pos):
            pos += len(delimiter)
            last_stop = pos
            continue
        if c == "#" or text.startswith("--", pos):
            pos = _line_end(text, pos)
            continue
        if text.startswith("/*", pos) and not (text.startswith(("/*!", "/*M!", "/*+"), pos)):
            m = _COMMENT_END.search(text, pos + 2)
            pos = n if m is None else m.end()
            continue
        if c in "dD" and _DELIMITER_COMMAND.match(text, pos) and _at_line_head(text, pos, last_stop):
            arg = _ARGUMENT.match(text, pos + len("delimiter"))
            value = arg.group(2) if arg.group(1) else arg.group(3)
            if value and "\\" not in value:
                delimiter = value
                run = _run(delimiter, backslash_escapes)
            pos = _line_end(text, pos)
            last_stop = pos
            continue
        # -- a statement: from its first significant character to its delimiter
        start = pos
        sig_end = pos
        stop = -1
        while pos < n:
            m = run.match(text, pos)
            if m is not None:
                e = m.end()
                pos = e
                while e > m.start() and text[e - 1] in _WS:
                    e -= 1
                if e > m.start():
                    sig_end = e
                if pos >= n:
                    break
            c = text[pos]
            if text.startswith(delimiter, pos):
                stop = pos + len(delimiter)
                break
            if c == "\\":
                following = text[pos + 1 : pos + 2]
                if following in ("g", "G"):
                    stop = pos + 2
                    break
                pos += 1 if not following or following in _WS else 2
                sig_end = pos
            elif c == "#" or c == "-":  # '-' stops a run only where a '-- ' comment starts
                pos = _line_end(text, pos)
            elif c == "/":  # a plain comment: the run takes every other '/'
                m = _COMMENT_END.search(text, pos + 2)
                pos = n if m is None else m.end()
            else:  # a quote whose string or identifier does not end: it runs to the end
                pos = n
                sig_end = n
        terminated = stop >= 0
        if terminated:
            pos = last_stop = stop
        if sig_end == start:  # a lone \\g or \\G: nothing to send
            continue
        if lines is None:
            lines = _Lines(text)
        out.append(Statement(text[start:sig_end], start, sig_end, lines.line_of(start),
                             lines.line_of(max(sig_end - 1, start)), terminated, stop if terminated else sig_end))
    return out


def _at_line_head(text: str, pos: int, last_stop: int) -> bool:
    """Only spaces between the start of ``pos``'s line (or the last delimiter on it) and ``pos``."""
    head = max(text.rfind("\n", 0, pos) + 1, last_stop)
    return not text[head:pos].strip(" \t\r\f\v")


_DELIMITER_LINE = re.compile(r"""[ \t]*(?i:delimiter)[ \t]+(?:(['"`])(.+?)\1|([^ \t\r\n]+))[^\n]*(?:\n|\Z)""")
_DELIMITER_WORD = re.compile(r"(?i:delimiter)")


def delimiter_lines(text: str) -> list[tuple[int, str]]:
    """``(offset just after the line, new delimiter)`` for each line of ``text`` that starts with a
    ``DELIMITER`` command, in order: a quick scan for the editor, which needs the delimiter in
    effect where a statement it picks starts. Unlike :func:`split_mysql` it does not know whether
    the line lies inside a string or a comment (a script that writes one there is rare).

    Only the lines holding the word are looked at (found in the lower-cased text: 15 ms for 11 MB,
    against 130 ms for a multi-line regular expression over it)."""
    low = text.lower()
    if len(low) == len(text):
        def found():
            at = low.find("delimiter")
            while at >= 0:
                yield at
                at = low.find("delimiter", at + 9)
        candidates = found()
    else:  # a character whose lower case is longer would shift the offsets
        candidates = (m.start() for m in _DELIMITER_WORD.finditer(text))
    out = []
    last_line = -1
    for at in candidates:
        line = text.rfind("\n", 0, at) + 1
        if line == last_line:
            continue
        last_line = line
        m = _DELIMITER_LINE.match(text, line)
        if m is None or m.start() + len(m.group()) - len(m.group().lstrip(" \t")) != at:
            continue
        value = m.group(2) if m.group(1) else m.group(3)
        if value and "\\" not in value:
            out.append((m.end(), value))
    return out
