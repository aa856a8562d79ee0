"""SQL syntax highlighting with Pygments' PostgreSQL lexer (MySQL's for a MySQL profile), one
block at a time, on a budget.

Each block is lexed on its own. What crosses line ends (block comments, strings, quoted
identifiers, dollar quotes; on MySQL: backslash-escaped ``'...'`` and ``"..."`` strings, backtick
identifiers, non-nesting comments, ``#`` and ``-- `` line comments, no dollar quotes) is tracked
in the block state by a small scanner, so a block only needs its predecessor's state. Work is bounded: within one burst of calls (a file load, a paste)
only ``BUDGET_S`` seconds are spent lexing; the remaining blocks are marked pending and a timer
highlights them in slices, so a 100,000-line file opens without freezing the window. A slice
that colours lines below the screen does not repaint it (``set_view``), and a line longer than
``LEX_LIMIT`` characters (a minified dump) is not coloured: lexing it would take longer than a
slice may (its quotes and comments are still followed, for the lines after it).

A folded line (see ``folded_text``) is many blocks, one per row, each short enough to be lexed.
What crosses a row break is tracked as across a line end, plus one thing that does not cross a
line end: a ``--`` (or MySQL ``#``) comment runs on into the rows after it (``LCOMMENT``), as far
as the folded line goes. ``set_rows`` tells the highlighter which blocks continue a line.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from pygments.lexers.sql import MySqlLexer, PostgresLexer
from pygments.token import Comment, Keyword, Name, Number, Operator, String, Token
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

NORMAL, COMMENT, STRING, ESTRING, QIDENT, DOLLAR, DQSTRING, BTIDENT, LCOMMENT = range(9)
PENDING = 0x3FFFFFFF
BUDGET_S = 0.005  # lexing time per burst / per timer slice
LEX_LIMIT = 5_000  # longer lines are left uncoloured (about 5 ms of lexing; see the docstring)

_OPENERS = re.compile(
    r"(?P<lc>--)|(?P<bc>/\*)|(?P<es>(?<![\w$])[eE]')|(?P<s>')|(?P<q>\")"
    r"|(?P<d>(?<![\w$])\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$)"
)
# MySQL: '...' and "..." with backslash escapes, `...` identifiers, # and "-- " comments
_MYSQL_OPENERS = re.compile(r"(?P<lc>#|--(?=[ \t\r\f\v]|$))|(?P<bc>/\*)|(?P<es>')|(?P<dq>\")|(?P<bt>`)")
_DQ_END = re.compile(r'(?:[^"\\]|\\.|"")*"')
_BT_END = re.compile(r"(?:[^`]|``)*`")
_COMMENT_EDGE = re.compile(r"/\*|\*/")
_ESTRING_END = re.compile(r"(?:[^'\\]|\\.|'')*'")
_PLAIN_END = {STRING: re.compile(r"(?:[^']|'')*'"), QIDENT: re.compile(r'(?:[^"]|"")*"')}


class _Tags:
    """Dollar-quote tags seen so far, so a block state (an int) can name one."""

    def __init__(self) -> None:
        self.tags: list[str] = []
        self.index: dict[str, int] = {}

    def id(self, tag: str) -> int:
        if tag not in self.index:
            self.index[tag] = len(self.tags)
            self.tags.append(tag)
        return self.index[tag]


def _close(text: str, pos: int, kind: int, extra: int, tags: _Tags, mysql: bool = False) -> tuple[int, int]:
    """From ``pos`` inside a construct: (offset just past its end or -1, comment depth left)."""
    if kind == COMMENT and mysql:  # MySQL comments do not nest
        i = text.find("*/", pos)
        return (-1, 1) if i < 0 else (i + 2, 0)
    if kind == DQSTRING or kind == BTIDENT:
        m = (_DQ_END if kind == DQSTRING else _BT_END).match(text, pos)
        return (m.end() if m else -1), 0
    if kind == COMMENT:
        depth = extra
        while depth:
            m = _COMMENT_EDGE.search(text, pos)
            if m is None:
                return -1, depth
            depth += 1 if m.group() == "/*" else -1
            pos = m.end()
        return pos, 0
    if kind == DOLLAR:
        tag = tags.tags[extra]
        i = text.find(tag, pos)
        return (-1, 0) if i < 0 else (i + len(tag), 0)
    m = (_ESTRING_END if kind == ESTRING else _PLAIN_END[kind]).match(text, pos)
    return (m.end() if m else -1), 0


def scan_line(
    text: str, state: int, tags: _Tags, mysql: bool = False, runs_on: bool = False
) -> tuple[int, int | None, int]:
    """``(prefix_end, open_at, end_state)`` for one line starting in ``state``.

    ``prefix_end``: where the construct continued from the previous line closes (len(text) if it
    does not); ``open_at``: start of a construct this line opens and leaves open (or None).
    ``mysql``: MySQL's quoting and comments (see the module docstring). ``runs_on``: the line
    goes on in the next block (a folded line's row), so a line comment stays open (``LCOMMENT``).
    """
    kind, extra = state & 0xF, state >> 4
    pos = 0
    openers = _MYSQL_OPENERS if mysql else _OPENERS
    if kind == LCOMMENT:  # a row of a folded line, inside a line comment begun on an earlier row
        return len(text), None, LCOMMENT if runs_on else NORMAL
    if kind != NORMAL:
        end, depth = _close(text, 0, kind, extra, tags, mysql)
        if end < 0:
            return len(text), None, (COMMENT | depth << 4) if kind == COMMENT else state
        pos = end
    prefix_end = pos
    while True:
        m = openers.search(text, pos)
        if m is None:
            return prefix_end, None, NORMAL
        g = m.lastgroup
        if g == "lc":
            return (prefix_end, m.start(), LCOMMENT) if runs_on else (prefix_end, None, NORMAL)
        if g == "bc":
            k, x = COMMENT, 1
        elif g == "es":
            k, x = ESTRING, 0
        elif g == "s":
            k, x = STRING, 0
        elif g == "q":
            k, x = QIDENT, 0
        elif g == "dq":
            k, x = DQSTRING, 0
        elif g == "bt":
            k, x = BTIDENT, 0
        else:
            k, x = DOLLAR, tags.id(m.group())
        end, depth = _close(text, m.end(), k, x, tags, mysql)
        if end < 0:
            return prefix_end, m.start(), (COMMENT | depth << 4) if k == COMMENT else (k | x << 4)
        pos = end


def _formats(dark: bool) -> dict:
    def fmt(color: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
        f = QTextCharFormat()
        f.setForeground(QColor(color))
        if bold:
            f.setFontWeight(QFont.Weight.Bold)
        if italic:
            f.setFontItalic(True)
        return f

    if dark:
        return {
            Keyword: fmt("#cc7832", bold=True), Name.Builtin: fmt("#9876aa"), String: fmt("#6a8759"),
            Number: fmt("#6897bb"), Comment: fmt("#808080", italic=True), Operator: fmt("#a9b7c6"),
            Name.Variable: fmt("#e0c46c"),
        }
    return {
        Keyword: fmt("#0033b3", bold=True), Name.Builtin: fmt("#871094"), String: fmt("#067d17"),
        Number: fmt("#1750eb"), Comment: fmt("#8c8c8c", italic=True), Operator: fmt("#444444"),
        Name.Variable: fmt("#9e6a00"),
    }


class SqlHighlighter(QSyntaxHighlighter):
    """See the module docstring. ``idle`` is emitted when no block is left pending."""

    idle = Signal()

    def __init__(self, document: QTextDocument, dark: bool = False, engine: str = "postgres") -> None:
        self.mysql = engine == "mysql"
        self._lexer = (MySqlLexer if self.mysql else PostgresLexer)(stripnl=False, ensurenl=False)
        self._tags = _Tags()
        self._formats = _formats(dark)
        self._cache: dict = {}
        self._burst_deadline = 0.0  # highlighting is real work only until then (see _edited, _work)
        self._has_pending = False
        self._next = 0  # no pending block before this one
        self._wanted: tuple[int, int] | None = None  # visible blocks to highlight ahead of the background
        self._jump: tuple[int, int] | None = None  # (block number, state before it): fast state scan
        self._entry: tuple[int, int] | None = None  # (block number, state before it) for one rehighlight
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._work)
        self._held = False  # a text is loading: the background pass waits (see hold)
        self._view: Callable[[], tuple[int, int]] | None = None  # visible block numbers (set_view)
        self._continues: Callable[[int], bool] | None = None  # see set_rows
        self._quiet = False  # lines below the screen were coloured without telling the view
        # the block a background slice starts with: coloured whatever the clock says (handing a
        # 5 MB line over from Qt alone took longer than the budget, and it stayed pending forever)
        self._forced: int | None = None
        self.highlighted_blocks = 0  # for tests and benchmarks
        self.quiet_slices = 0  # for tests and benchmarks
        super().__init__(None)
        self._timer.setParent(self)
        # connected before the highlighter's own slot, so every edit opens a fresh budget first
        document.contentsChange.connect(self._edited)
        self.setDocument(document)

    def _edited(self, position: int, _removed: int, _added: int) -> None:
        self._burst_deadline = time.perf_counter() + BUDGET_S
        self._jump = self._wanted = None
        if self._has_pending:  # an edit above the background position: search from there
            block = self.document().findBlock(position)
            if block.isValid():
                self._next = min(self._next, block.blockNumber())

    # -- public ------------------------------------------------------------------------------
    @property
    def pending(self) -> bool:
        return self._has_pending

    def hold(self, on: bool) -> None:
        """While held (the editor is loading a text in slices) the background pass waits; the
        visible blocks asked for with :meth:`prioritize` are still coloured."""
        self._held = on
        if not on and self._has_pending:
            self._timer.start()

    def set_view(self, visible: Callable[[], tuple[int, int]] | None) -> None:
        """``visible()`` gives the first and last block numbers on screen: a background slice
        that colours only blocks below them does not make the view repaint (a repaint of the
        screen costs about as much as the slice)."""
        self._view = visible

    def set_rows(self, continues: Callable[[int], bool] | None) -> None:
        """``continues(n)``: block ``n`` continues the line of block ``n - 1`` (a folded line's
        row), so a line comment runs on into it."""
        self._continues = continues

    def _runs_on(self, block_number: int) -> bool:
        return self._continues is not None and self._continues(block_number + 1)

    def format_for(self, ttype) -> QTextCharFormat | None:
        f = self._cache.get(ttype, 0)
        if f == 0:
            f = None
            t = ttype
            while t is not Token and t is not None:
                if t in self._formats:
                    f = self._formats[t]
                    break
                t = t.parent
            if f is None and ttype in String:
                f = self._formats[String]
            self._cache[ttype] = f
        return f

    # -- QSyntaxHighlighter ------------------------------------------------------------------------
    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt naming
        prev = self.previousBlockState()
        if prev == PENDING and self._entry is not None and self.currentBlock().blockNumber() == self._entry[0]:
            prev = self._entry[1]  # a visible block reached ahead of the background pass
        forced = self._forced is not None and self.currentBlock().blockNumber() == self._forced
        if prev == PENDING or (time.perf_counter() > self._burst_deadline and not forced):
            self.setCurrentBlockState(PENDING)
            if not self._has_pending:
                self._next = min(self._next, self.currentBlock().blockNumber())
                self._has_pending = True
                self._timer.start()
            return
        self._highlight(text, 0 if prev < 0 else prev)
        self.highlighted_blocks += 1

    def _highlight(self, text: str, state: int) -> None:
        runs_on = self._runs_on(self.currentBlock().blockNumber())
        prefix_end, open_at, end_state = scan_line(text, state, self._tags, self.mysql, runs_on)
        if len(text) > LEX_LIMIT:
            self.setCurrentBlockState(end_state)
            return
        kind = state & 0xF
        if kind == DOLLAR:  # inside a function body: lex it as SQL up to the closing tag
            tag = self._tags.tags[state >> 4]
            closed = _close(text, 0, DOLLAR, state >> 4, self._tags)[0] >= 0
            body_end = prefix_end - len(tag) if closed else prefix_end
            self._lex(text, 0, body_end)
            if closed:
                self.setFormat(body_end, len(tag), self._formats[String])
        elif kind != NORMAL and prefix_end and kind != BTIDENT:
            self.setFormat(0, prefix_end, self._formats[Comment if kind in (COMMENT, LCOMMENT) else String])
        stop = len(text) if open_at is None else open_at
        self._lex(text, prefix_end, stop)
        if open_at is not None:
            ok = end_state & 0xF
            if ok == DOLLAR:
                tag = self._tags.tags[end_state >> 4]
                self.setFormat(open_at, len(tag), self._formats[String])
                self._lex(text, open_at + len(tag), len(text))
            elif ok != BTIDENT:  # a backtick identifier left open: lexed as it is, not coloured
                self.setFormat(
                    open_at, len(text) - open_at, self._formats[Comment if ok in (COMMENT, LCOMMENT) else String]
                )
        self.setCurrentBlockState(end_state)

    def _lex(self, text: str, start: int, stop: int) -> None:
        if stop <= start:
            return
        fmt_for = self.format_for
        set_format = self.setFormat
        for index, ttype, value in self._lexer.get_tokens_unprocessed(text[start:stop]):
            f = fmt_for(ttype)
            if f is not None:
                set_format(start + index, len(value), f)

    # -- visible blocks first -----------------------------------------------------------------------
    def prioritize(self, first: int, last: int) -> None:
        """Highlight blocks ``first``..``last`` (the visible ones) before the background pass gets
        there: their entry state comes from a fast scan (no lexing) of the blocks in between."""
        doc = self.document()
        if doc is None or not self._has_pending or first <= self._next + 1:
            return
        block = doc.findBlockByNumber(first)
        if block.isValid() and block.userState() != PENDING and block.previous().userState() != PENDING:
            return  # already highlighted
        before = doc.findBlockByNumber(self._next - 1).userState() if self._next > 0 else NORMAL
        self._wanted = (first, last)
        self._jump = (self._next, NORMAL if before in (-1, PENDING) else before)
        self._timer.start()

    def _jump_slice(self, doc) -> None:
        n, state = self._jump
        first = self._wanted[0]
        block = doc.findBlockByNumber(n)
        deadline = time.perf_counter() + BUDGET_S
        while block.isValid() and n < first and time.perf_counter() < deadline:
            state = scan_line(block.text(), state, self._tags, self.mysql, self._runs_on(n))[2]
            block = block.next()
            n += 1
        if n < first and block.isValid():
            self._jump = (n, state)
            return
        last = self._wanted[1]
        self._jump = self._wanted = None
        if block.isValid():
            self._entry = (n, state)
            self._burst_deadline = time.perf_counter() + BUDGET_S
            try:
                self.rehighlightBlock(block)
            finally:
                self._entry = None
            self._continue_visible(block, last)

    def _continue_visible(self, block, last: int) -> None:
        """A burst can end before the last visible block (a slow or busy machine): the rest of the
        visible blocks go next, from the first one still pending, ahead of the background pass."""
        n = block.blockNumber()
        while block.isValid() and n <= last and block.userState() != PENDING:
            block = block.next()
            n += 1
        if block.isValid() and n <= last:
            before = block.previous().userState()
            self._wanted = (n, last)
            self._jump = (n, NORMAL if before in (-1, PENDING) else before)
            self._timer.start()

    # -- background slices ------------------------------------------------------------------------
    def _work(self) -> None:
        doc = self.document()
        if doc is None:
            self._has_pending = False
            return
        if self._jump is not None:
            self._jump_slice(doc)
            self._timer.start()
            return
        if self._held:
            return  # hold(False) starts the timer again
        block = doc.findBlockByNumber(self._next)
        while block.isValid() and block.userState() != PENDING:
            block = block.next()
        if not block.isValid():
            self._has_pending = False
            self._next = doc.blockCount()
            if self._quiet:  # the widest line may have changed: the horizontal scroll bar
                self._quiet = False
                layout = doc.documentLayout()
                layout.documentSizeChanged.emit(layout.documentSize())
            self.idle.emit()
            return
        self._next = block.blockNumber()
        self._burst_deadline = time.perf_counter() + BUDGET_S
        # a slice goes down from its block: below the screen, nothing it colours is visible
        quiet = self._view is not None and block.blockNumber() > self._view()[1]
        layout = doc.documentLayout()
        if quiet:
            layout.blockSignals(True)
            self._quiet = True
            self.quiet_slices += 1
        self._forced = self._next
        try:
            self.rehighlightBlock(block)
        finally:
            self._forced = None
            if quiet:
                layout.blockSignals(False)
        self._timer.start()
