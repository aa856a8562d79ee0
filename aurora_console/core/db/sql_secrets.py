"""Passwords in SQL text, found with the statement splitter's tokenizer and masked.

Used for everything the console keeps of what a user typed: the SQL history, the editor's
autosave file, and SQL quoted by server errors (``LINE 1: ...``) in logs and crash reports.

Strings, comments and dollar quotes come from :func:`aurora_console.core.db.sql_split.tokenize`
(the splitter's own lexer), so ``PASSWORD /*c*/ 'x'``, ``E'...'`` escapes, ``U&'...'`` and
``$tag$...$tag$`` are seen exactly as the server sees them. A statement *names a password* when
the keyword ``PASSWORD`` or ``IDENTIFIED`` appears as a token (outside strings and comments), or a
string literal holds a ``password=`` connection parameter. Each such place must be resolved with
certainty, else the whole statement is replaced by :data:`STATEMENT_MASK`; nothing is ever left
in clear because its shape was unexpected. Resolved places:

PostgreSQL
  ``[ENCRYPTED] PASSWORD 'x'`` (CREATE/ALTER ROLE/USER/GROUP), ``PASSWORD NULL`` (nothing to
  mask), ``OPTIONS (password 'x')`` (user mappings, foreign servers), ``password=x`` inside any
  literal (``dblink``/conninfo strings: the value inside the literal is masked).
MySQL
  ``IDENTIFIED BY 'x'``, ``IDENTIFIED BY PASSWORD 'hash'``, ``IDENTIFIED WITH plugin [BY|AS] 'x'``,
  ``IDENTIFIED BY RANDOM PASSWORD``, ``REPLACE 'old'``, ``SET PASSWORD [FOR u] = 'x'`` or
  ``= PASSWORD('x')``, password options (``PASSWORD EXPIRE``, ``RETAIN CURRENT PASSWORD`` ...), and
  double-quoted strings (a quoted identifier where a password literal stands is masked too).

A literal is masked with everything after it that the server would join to it (adjacent string
literals), and, because MySQL and ``standard_conforming_strings=off`` read a backslash as an escape,
up to the end the literal has when backslashes escape quotes, whichever is longer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aurora_console.core.redaction import MASK, redact

#: what replaces a password literal
LITERAL_MASK = f"'{MASK}'"
#: what replaces a statement whose password could not be located with certainty
STATEMENT_MASK = "/* statement masked: it sets a password */"

_INSIGNIFICANT = ("space", "comment")
_LITERALS = ("string", "dollar_string", "quoted_ident")
_TRIGGERS = ("PASSWORD", "IDENTIFIED")
_CONNINFO = re.compile(r"password\s*=\s*", re.IGNORECASE)
_QUICK = re.compile(r"password|identified", re.IGNORECASE)
#: a quoted string read as SQL (dynamic SQL) starts with a statement that can set a password
_SQL_TEXT = re.compile(r"\s*(?:ALTER|CREATE|SET|GRANT|UPDATE)\b", re.IGNORECASE)
#: a word the lexer reads with ``PASSWORD``/``IDENTIFIED`` glued to ``$`` or non-ASCII characters
_GLUED = re.compile(r"(?:PASSWORD|IDENTIFIED)[^A-Z0-9_]|[^A-Z0-9_](?:PASSWORD|IDENTIFIED)")
#: ``PASSWORD`` followed by one of these words is a MySQL password option, not a password
_MYSQL_OPTIONS = frozenset({"EXPIRE", "HISTORY", "REUSE", "REQUIRE"})
#: ``PASSWORD`` read as a column or a name (``SELECT password, x FROM t``, ``t.password``)
_NAME_FOLLOWERS = frozenset({",", ")", ".", "FROM", "IS", "AS"})
#: ``CURRENT PASSWORD``, ``OLD PASSWORD``, ``RANDOM PASSWORD``: MySQL clauses without a literal
_OPTION_WORDS = frozenset({"CURRENT", "OLD", "RANDOM"})


def _tokens(text: str, standard_conforming_strings: bool, start: int) -> Iterator:
    """The tokens of ``text[start:]``, with offsets into ``text``."""
    from aurora_console.core.db.sql_split import Token, tokenize

    if not start:
        yield from tokenize(text, standard_conforming_strings=standard_conforming_strings)
        return
    for tok in tokenize(text[start:], standard_conforming_strings=standard_conforming_strings):
        yield Token(tok.kind, tok.start + start, tok.end + start)


def mask_sql(sql: str) -> str:
    """What the console keeps of SQL a user typed (history, autosave): password literals masked
    (:func:`mask_sql_secrets`), then the usual secret shapes and known secret values (``redact``)."""
    return redact(mask_sql_secrets(sql))


#: a long text is searched piece by piece: one search of a 100,000-line editor text (its
#: autosave, on a worker) held the GIL, and so the window, for 0.25 s; pieces overlap by more
#: than "identified", so a word across two pieces is found as in one search
_QUICK_PIECE = 1 << 14


def names_password(text: str) -> bool:
    """Cheap pre-check: could ``text`` name a password at all (a word, in any case)?"""
    return any(_QUICK.search(text, start, start + _QUICK_PIECE + 16) is not None
               for start in range(0, len(text), _QUICK_PIECE))


def mask_sql_secrets(text: str) -> str:
    """``text`` with every password literal replaced by ``'***'`` (see the module docstring)."""
    return _apply(text, _masked_spans(text))


#: a line of the statement quoted by a server error (PostgreSQL's ``LINE 2: ...``)
_ERROR_LINE = re.compile(r"^(?P<p>[ \t]*LINE \d+: ).*(?=\n|\Z)", re.MULTILINE)
QUOTED_LINE_MASK = "(not shown: the statement sets a password)"


def mask_error_message(message: str, sql: str) -> str:
    """A server error about ``sql`` with nothing of its passwords: ``redact``, then, when ``sql``
    names a password, every statement line the server quotes (``LINE n:``) is replaced and each
    masked literal's text removed wherever it appears (``syntax error at or near "'...'"``)."""
    spans = _masked_spans(sql) if sql and message else []
    if spans:
        message = _ERROR_LINE.sub(lambda m: m.group("p") + QUOTED_LINE_MASK, message)
        pieces: set[str] = set()
        for start, end, _ in spans:
            raw = sql[start:end]
            quote = min((k for k in (raw.find("'"), raw.find('"'), raw.find("$")) if k >= 0), default=0)
            pieces |= {raw, raw[quote + 1:].rstrip("'\"$"), *raw.splitlines()}
        for piece in sorted((p.strip() for p in pieces), key=len, reverse=True):
            if len(piece) >= 4:
                message = message.replace(piece, MASK)
    return redact(message)


#: MySQL's lexical pieces that psql's lexer reads otherwise: strings with backslash escapes (kept),
#: comments (kept), backtick identifiers and ``#`` comments (rewritten by :func:`_mysql_view`)
_MYSQL_PIECES = re.compile(r"""'(?:[^'\\]|\\.)*+'?|"(?:[^"\\]|\\.)*+"?|`(?:[^`]|``)*+(?P<tick>`)?"""
                           r"|/\*.*?(?:\*/|\Z)|--[ \t][^\n]*|#[^\n]*", re.DOTALL)


def _mysql_view(text: str) -> str:
    """``text`` as a MySQL server reads it, written in the psql lexer's terms, same length (so
    offsets hold): a backtick identifier becomes a double-quoted one (one holding a quote, such as
    it's in backticks, would open a string for psql and hide what follows), a ``#`` comment a
    ``--`` one."""
    def rewrite(m: re.Match) -> str:
        piece = m.group()
        if piece[0] == "`":
            closed = m.group("tick") is not None  # doubled backticks inside are part of the name
            return '"' + "_" * (len(piece) - 2) + '"' if closed else '"' + "_" * (len(piece) - 1)
        if piece[0] == "#":
            return "--" + piece[2:] if len(piece) >= 2 else " "
        return piece

    return _MYSQL_PIECES.sub(rewrite, text)


def _masked_spans(text: str) -> list[tuple[int, int, str]]:
    """The spans to mask, as psql's lexer and (for text with backticks or ``#``) as MySQL's reads
    the text: a password either reading finds is masked."""
    spans = _masked_spans_psql(text)
    if text and ("`" in text or "#" in text) and names_password(text):
        view = _mysql_view(text)
        if view != text:
            spans += _masked_spans_psql(view)
    return spans


def _masked_spans_psql(text: str) -> list[tuple[int, int, str]]:
    """The spans to mask. Only the statements (and the comments between them) whose text holds
    ``password``/``identified`` are tokenized: the splitter finds them at a fraction of the cost
    of tokenizing a whole editor buffer."""
    if not text or not names_password(text):
        return []
    from aurora_console.core.db.sql_split import split_sql

    spans: list[tuple[int, int, str]] = []
    pos = 0
    for statement in split_sql(text):
        if _QUICK.search(text, pos, statement.start):  # comments before the statement
            spans += _spans(text, True, start=pos, stop=statement.start)
        if _QUICK.search(text, statement.start, statement.stop):
            # to its end, every ';' inside included (a BEGIN ATOMIC body holds several statements)
            spans += _spans(text, True, start=statement.start, stop=statement.stop)
            if "\\" in text[statement.start:]:  # a backslash may escape a quote (MySQL): both readings
                spans += _spans(text, False, start=statement.start, stop=statement.stop)
        pos = statement.stop
    if _QUICK.search(text, pos):
        spans += _spans(text, True, start=pos)
    return spans


def _spans(text: str, standard_conforming_strings: bool, *, start: int = 0, stop: int | None = None,
           first_only: bool = False, rest_of_password_statement: bool = False) -> list[tuple[int, int, str]]:
    """The spans to mask in the statements of ``text[start:stop]`` (the first one only with
    ``first_only``). ``rest_of_password_statement``: ``start`` is inside a statement that names a
    password. A comment that holds a password statement (one commented out) is masked alike."""
    spans: list[tuple[int, int, str]] = []
    statement: list = []
    run: list[int] = []  # start and end of consecutive ``--`` comments (lines commented out)
    for tok in _tokens(text, standard_conforming_strings, start):
        if stop is not None and tok.start >= stop:
            break
        line_comment = tok.kind == "comment" and text.startswith("--", tok.start)
        if line_comment:
            run = [run[0] if run else tok.start, tok.end]
        elif run and tok.kind != "space":
            spans += _comment_run_spans(text, *run)
            run = []
        if tok.kind == "semicolon":
            spans += _statement_spans(text, statement, rest_of_password_statement)
            statement, rest_of_password_statement = [], False
            if first_only:
                return spans
        else:
            statement.append(tok)
            if tok.kind == "comment" and not line_comment and _QUICK.search(text, tok.start, tok.end):
                spans += _comment_spans(text, tok)
    if run:
        spans += _comment_run_spans(text, *run)
    spans += _statement_spans(text, statement, rest_of_password_statement)
    return spans


_LINE_COMMENT_START = re.compile(r"(^|[\n\r])([ \t\f\v]*)--")


def _comment_run_spans(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Lines commented out one by one (``-- ALTER ROLE x`` newline ``-- PASSWORD 'y'``), read as
    the SQL they were: each line's ``--`` blanked (same length, so the offsets hold)."""
    if not _QUICK.search(text, start, end):
        return []
    region = _LINE_COMMENT_START.sub(lambda m: m.group(1) + m.group(2) + "  ", text[start:end])
    return [(s + start, e + start, r) for s, e, r in _masked_spans(region)]


def _comment_spans(text: str, tok) -> list[tuple[int, int, str]]:
    """What to mask inside a comment's text, read as SQL (``-- ALTER ROLE x PASSWORD 'y'``)."""
    body_start = tok.start + 2
    body_end = tok.end - 2 if text.startswith("/*", tok.start) and text.endswith("*/", 0, tok.end) else tok.end
    body = text[body_start:max(body_start, body_end)]
    return [(s + body_start, e + body_start, r) for s, e, r in _masked_spans(body)]


def _apply(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Replace the (possibly overlapping) spans; a merged span holding a statement mask is one."""
    if not spans:
        return text
    spans.sort()
    merged: list[list] = []
    for start, end, repl in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            if repl == STATEMENT_MASK:
                last[2] = STATEMENT_MASK
        else:
            merged.append([start, end, repl])
    out, pos = [], 0
    for start, end, repl in merged:
        out += [text[pos:start], repl]
        pos = end
    out.append(text[pos:])
    return "".join(out)


class _Uncertain(Exception):
    """A password is named where no rule locates its literal."""


def _statement_spans(text: str, tokens: list, names: bool = False) -> list[tuple[int, int, str]]:
    sig = [t for t in tokens if t.kind not in _INSIGNIFICANT]
    if not sig:
        return []
    words = [text[t.start:t.end].upper() if t.kind == "ident" else None for t in sig]
    conninfo = [i for i, t in enumerate(sig) if t.kind in _LITERALS and _CONNINFO.search(text, t.start, t.end)]
    bodies = [t for i, t in enumerate(sig) if t.kind in ("string", "dollar_string")
              and (i not in conninfo or t.kind == "dollar_string")  # a body may also hold "password ="
              and _QUICK.search(text, t.start, t.end)]
    glued = any(w is not None and w not in _TRIGGERS and _GLUED.search(w) for w in words)
    if not names and not conninfo and not bodies and not glued and not any(w in _TRIGGERS for w in words):
        return []
    spans: list[tuple[int, int, str]] = []
    try:
        for tok in bodies:
            spans += _body_spans(text, tok)
        if glued:  # PASSWORD$$x$$, PASSWORD<no-break space>'x': one word to the lexer, a password to the user
            raise _Uncertain
        for i in conninfo:
            spans += _conninfo_spans(text, sig[i])
        handled: set[int] = set()
        for i, word in enumerate(words):
            if word == "IDENTIFIED":
                spans += _identified(text, sig, words, i, handled)
        for i, word in enumerate(words):
            if word == "PASSWORD" and i not in handled:
                spans += _password(text, sig, words, i)
            elif word == "REPLACE" and _literal_at(text, sig, i + 1) is not None:
                spans += _literal_run(text, sig, i + 1)  # MySQL: REPLACE 'current password'
    except _Uncertain:
        return [(sig[0].start, sig[-1].end, STATEMENT_MASK)]
    return spans


def _body_spans(text: str, tok) -> list[tuple[int, int, str]]:
    """SQL inside a literal, read as SQL: a routine or DO body (``DO $$ ... ALTER ROLE x PASSWORD
    'y'; ... $$``) is masked in place; a quoted string run by EXECUTE (``'... PASSWORD ''y'''``),
    unescaped to be read, is masked whole when it holds a password, and the statement around it when
    that password is not in it (``format('... PASSWORD %L', 'y')``)."""
    start, end = _body(text, tok)
    if tok.kind == "dollar_string":
        return [(s + start, e + start, r) for s, e, r in _masked_spans(text[start:end])]
    if not _SQL_TEXT.match(text, start, end):
        return []  # 'password', 'reset password': a value, not SQL run by EXECUTE
    quote = text[start - 1] if start > tok.start else "'"
    inner = _masked_spans(text[start:end].replace(quote * 2, quote).replace("\\" + quote, quote))
    if any(r == STATEMENT_MASK for _, _, r in inner):
        raise _Uncertain  # format('... PASSWORD %L', 'x'), '... PASSWORD ' || quote_literal('x')
    return [(tok.start, tok.end, LITERAL_MASK)] if inner else []


def _symbol(text: str, tok) -> str | None:
    return text[tok.start:tok.end].strip() if tok.kind in ("other", "open_paren", "close_paren") else None


def _identified(text: str, sig: list, words: list, i: int, handled: set[int]) -> list:
    """MySQL: ``IDENTIFIED BY ...`` or ``IDENTIFIED WITH plugin [BY|AS ...]``."""
    n = len(sig)
    j = i + 1
    if j < n and words[j] == "WITH":
        j += 2  # the plugin's name (an identifier or a string)
        if j > n:
            raise _Uncertain
        if j == n or words[j] not in ("BY", "AS"):
            return []  # IDENTIFIED WITH auth_socket: no password in the statement
    if j >= n or words[j] not in ("BY", "AS"):
        raise _Uncertain
    j += 1
    if _literal_at(text, sig, j) is not None:
        return _literal_run(text, sig, j)
    if j + 1 < n and words[j] == "RANDOM" and words[j + 1] == "PASSWORD":
        handled.add(j + 1)
        return []
    if j < n and words[j] == "PASSWORD":  # IDENTIFIED BY PASSWORD 'hash': the PASSWORD rule masks it
        return []
    raise _Uncertain


def _password(text: str, sig: list, words: list, i: int) -> list:
    n = len(sig)
    j = i + 1
    if i > 0 and words[i - 1] in _OPTION_WORDS:  # RETAIN CURRENT PASSWORD, DISCARD OLD PASSWORD
        return []
    if j == n:
        return _as_name(text, sig, words, i)
    if _literal_at(text, sig, j) is not None:
        return _literal_run(text, sig, j)
    if words[j] == "NULL":
        return []
    if words[j] in _MYSQL_OPTIONS:
        return []
    if i > 0 and words[i - 1] in _OPTION_WORDS:
        return []
    if words[j] == "FOR":  # SET PASSWORD FOR user = ...
        while j < n and _symbol(text, sig[j]) != "=":
            j += 1
        return _assigned(text, sig, words, j)
    symbol = _symbol(text, sig[j])
    if symbol == "=":
        return _assigned(text, sig, words, j)
    if symbol == "(":  # PASSWORD('x'), OLD_PASSWORD('x')
        return _call(text, sig, j)
    return _as_name(text, sig, words, i)


def _as_name(text: str, sig: list, words: list, i: int) -> list:
    """``password`` read as a column or a name (``SELECT password, x``, ``t.password``,
    ``password IS NULL``); anything else is a password this module cannot place."""
    n = len(sig)
    before = _symbol(text, sig[i - 1]) if i > 0 else None
    before_word = words[i - 1] if i > 0 else None
    after = _symbol(text, sig[i + 1]) if i + 1 < n else None
    after_word = words[i + 1] if i + 1 < n else None
    if before == "." or after in _NAME_FOLLOWERS or after_word in _NAME_FOLLOWERS:
        return []
    if i + 1 == n and (before in (",", "(") or before_word == "SELECT"):
        return []
    column = before in (",", "(") or before_word == "COLUMN"
    if column and after_word is not None and _literal_at(text, sig, i + 1) is None:
        return []  # a column definition: (id int, password text)
    raise _Uncertain


def _assigned(text: str, sig: list, words: list, j: int) -> list:
    """After ``=``: a literal, or ``PASSWORD('x')`` / ``OLD_PASSWORD('x')``."""
    n = len(sig)
    if j >= n:
        raise _Uncertain
    j += 1
    if _literal_at(text, sig, j) is not None:
        return _literal_run(text, sig, j)
    if j + 1 < n and words[j] in ("PASSWORD", "OLD_PASSWORD") and _symbol(text, sig[j + 1]) == "(":
        return _call(text, sig, j + 1)
    raise _Uncertain


def _call(text: str, sig: list, j: int) -> list:
    """``(`` at ``j``, then the literal, then ``)``."""
    if _literal_at(text, sig, j + 1) is not None:
        return _literal_run(text, sig, j + 1)
    raise _Uncertain


def _literal_at(text: str, sig: list, j: int) -> int | None:
    """The index of the literal that starts at ``j``: ``j`` itself, or ``j + 1`` after a MySQL
    character set introducer (``_utf8mb4'x'``); None when no literal starts there."""
    if j < len(sig) and sig[j].kind in _LITERALS:
        return j
    if (j + 1 < len(sig) and sig[j].kind == "ident" and text[sig[j].start] == "_"
            and sig[j + 1].kind in _LITERALS and sig[j + 1].start == sig[j].end):
        return j + 1
    return None


def _literal_run(text: str, sig: list, j: int) -> list:
    """The literal at ``j`` and any literal right after it (the server joins adjacent strings)."""
    spans = []
    while (k := _literal_at(text, sig, j)) is not None:
        tok = sig[k]
        escaped_end = _backslash_end(text, tok)
        spans.append((tok.start, max(tok.end, escaped_end), _replacement(text, tok)))
        if escaped_end != tok.end:
            # read with backslash escapes (MySQL) the literal ends elsewhere, and what follows is SQL
            # again (``"a\"b" REPLACE 'old'``): mask that reading of the rest too
            spans += _spans(text, True, start=escaped_end, first_only=True, rest_of_password_statement=True)
        j = k + 1
    return spans


def _replacement(text: str, tok) -> str:
    return f'"{MASK}"' if tok.kind == "quoted_ident" else LITERAL_MASK


def _backslash_end(text: str, tok) -> int:
    """Where the literal at ``tok`` ends if a backslash escapes the next character (MySQL,
    ``standard_conforming_strings=off``); the end of ``text`` if it never closes."""
    if tok.kind == "dollar_string":
        return tok.end
    quote_at = _quote_at(text, tok)
    if quote_at < 0:
        return tok.end
    quote = text[tok.start + quote_at]
    pos, n = tok.start + quote_at + 1, len(text)
    while pos < n:
        ch = text[pos]
        if ch == "\\":
            pos += 2
        elif ch == quote:
            if pos + 1 < n and text[pos + 1] == quote:
                pos += 2
            else:
                return pos + 1
        else:
            pos += 1
    return n


def _quote_at(text: str, tok) -> int:
    """Offset in the token of its opening quote (after a prefix such as ``E``, ``U&``, ``N``)."""
    raw = text[tok.start:tok.end]
    return min((k for k in (raw.find("'"), raw.find('"')) if k >= 0), default=-1)


def _body(text: str, tok) -> tuple[int, int]:
    """The offsets of a literal's contents (without its prefix and delimiters)."""
    raw = text[tok.start:tok.end]
    if tok.kind == "dollar_string":
        tag_end = raw.find("$", 1) + 1
        tag = raw[:tag_end]
        closed = len(raw) >= 2 * len(tag) and raw.endswith(tag)
        return tok.start + tag_end, tok.end - (len(tag) if closed else 0)
    quote_at = max(_quote_at(text, tok), 0)
    quote = raw[quote_at]
    closed = len(raw) - quote_at >= 2 and raw.endswith(quote)
    return tok.start + quote_at + 1, tok.end - (1 if closed else 0)


def _conninfo_spans(text: str, tok) -> list:
    """``password=value`` inside a literal: the value masked (to the literal's end when the value
    is quoted or escaped, since then its end is uncertain)."""
    start, end = _body(text, tok)
    spans = []
    for m in _CONNINFO.finditer(text, start, end):
        v = m.end()
        stop = v
        while stop < end and not text[stop].isspace():
            stop += 1
        if any(c in text[v:stop] for c in "'\"\\") or stop == v:
            stop = end  # a quoted or escaped value: to the end of the literal
            if tok.kind != "dollar_string":
                escaped_end = _backslash_end(text, tok)
                stop = max(end, escaped_end if escaped_end == len(text) else escaped_end - 1)
        spans.append((v, stop, MASK))
    return spans
